"""Numbers written into messages, in the reader's language."""

from odoo.tools.misc import formatLang


def format_number(env, value, digits=None):
    """``value`` formatted like Odoo formats numbers for ``env.lang``.

    ``digits`` None uses as few decimals as the value needs (at most two), so
    96 reads "96" and 96.5 "96.5" (or "96,5" in Spanish). Anything that is
    not a number is returned as text.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if digits is None:
        digits = next(d for d in (0, 1, 2) if round(value, d) == round(value, 2))
    return formatLang(env, value, digits=digits)
