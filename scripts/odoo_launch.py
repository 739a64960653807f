#!/usr/bin/env python3
"""Start Odoo like ``odoo-bin``, without stack traces for others' deprecations.

    python3 scripts/odoo_launch.py [odoo-bin arguments]

Odoo's logger set-up (``odoo.netsvc.init_logger``) turns every
``DeprecationWarning`` on, whatever ``-W`` or ``PYTHONWARNINGS`` say, and logs
each one with the whole call stack. Odoo 18 and the libraries it pins still
call APIs their own libraries deprecate (``werkzeug.urls.url_encode`` from
``mail``, for instance), so a mere install printed pages of stack. This
launcher lets Odoo set its filters, then ignores the deprecation warnings
raised on behalf of any code but this project's addons (``odoo.addons.kam_*``):
those stay visible, with their stack, so that we fix them. Everything else
(errors, Odoo's own warnings, other warning categories) is untouched.

Odoo is found like ``scripts/kam_dev.py`` finds it: ``ODOO_SRC`` (the folder
holding ``odoo-bin``) or an importable ``odoo`` package.
"""

import os
import sys
import warnings

# Our addons' modules: their deprecation warnings stay in the log.
OWN_MODULES = r"odoo\.addons\.kam_"


def mute_foreign_deprecations():
    """Ignore deprecation warnings raised on behalf of code that is not ours."""
    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings(
            "ignore", category=category, module=f"(?!{OWN_MODULES})"
        )


def main():
    # odoo-bin sets the server time zone before anything imports time.
    os.environ["TZ"] = "UTC"
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    if os.environ.get("ODOO_SRC"):
        sys.path.insert(0, os.environ["ODOO_SRC"])
    import odoo.cli  # noqa: PLC0415 (19.0's odoo, a namespace, imports no cli)
    from odoo import netsvc  # noqa: PLC0415

    odoo_init_logger = netsvc.init_logger

    def init_logger():
        odoo_init_logger()
        mute_foreign_deprecations()

    netsvc.init_logger = init_logger
    odoo.cli.main()


if __name__ == "__main__":
    main()
