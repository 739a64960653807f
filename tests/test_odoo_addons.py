"""The Odoo tests run as pytest items of the same session (pytest-odoo).

``make test`` (``scripts/kam_dev.py test``) installs the addons with demo
data in a fresh database and collects each addon's ``tests`` folder; every
Odoo test method is then an item of its own. Where Odoo is missing they are
reported as skipped here, with the reason.
"""

import os

import pytest

from .kam_dev_loader import kam_dev


def test_odoo_tests_ran_against_an_installed_database(request):
    missing = os.environ.get("KAM_ODOO_MISSING")
    if missing:
        pytest.skip(missing)
    dbname = os.environ.get("KAM_TEST_DB")
    if not dbname:
        pytest.skip("Odoo tests run with `make test`, which prepares their database")
    import psycopg2  # noqa: PLC0415 (an Odoo requirement)

    settings = kam_dev.pg_settings()
    conn = psycopg2.connect(dbname=dbname, **kam_dev._libpq(settings))
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name, state FROM ir_module_module WHERE name IN %s",
                [kam_dev.ADDONS],
            )
            states = dict(cr.fetchall())
    finally:
        conn.close()
    assert states == dict.fromkeys(kam_dev.ADDONS, "installed")
    root = kam_dev.addons_root()  # the source, or the tree of make test-19
    collected = {
        item.path.relative_to(root).parts[0]
        for item in request.session.items
        if item.path.is_relative_to(root)
        and "tests" in item.path.relative_to(root).parts[1:2]
    }
    assert collected == set(kam_dev.ADDONS), collected
