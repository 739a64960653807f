"""Upgrade and uninstall of kam_management on a database with data.

``make test`` (``scripts/kam_dev.py test``) copies its prepared database
(addons and demo data) to ``KAM_UPGRADE_DB`` before pytest starts; this test
classifies the customers there, upgrades the addon with ``-u`` and checks that
every account, plan, history row and assessment is kept as it was, then
uninstalls it and checks that nothing of it is left (tables, menus, crons,
actions, fields on partners and leads, their columns), and installs it again.
"""

import os
import re
import sys

import pytest

from .kam_dev_loader import kam_dev

MODULE = "kam_management"
KEPT_TABLES = (
    "kam_account",
    "kam_account_plan",
    "kam_classification_history",
    "kam_position_assessment",
)
CLASSIFY = """
env["kam.classification.run"]._cron_classify()
env.cr.commit()
"""
UNINSTALL = """
module = env["ir.module.module"].search([("name", "=", "kam_management")])
module.button_immediate_uninstall()
env.cr.commit()
"""


@pytest.fixture(scope="module")
def database():
    missing = os.environ.get("KAM_ODOO_MISSING")
    if missing:
        pytest.skip(missing)
    dbname = os.environ.get("KAM_UPGRADE_DB")
    if not dbname:
        pytest.skip("runs with `make test`, which prepares a copy of its database")
    settings = kam_dev.pg_settings()
    yield settings, dbname
    kam_dev.drop_database(settings, dbname)


def _odoo(settings, dbname, *args, stdin=None):
    """Run odoo-bin on ``dbname``; fail on a non-zero exit, ERROR or traceback."""
    import subprocess  # noqa: PLC0415

    cmd = [*kam_dev.odoo_command()]
    if args and args[0] == "shell":
        cmd.append("shell")
        args = args[1:]
    cmd += [
        *kam_dev.db_args(settings),
        f"--addons-path={kam_dev.addons_path()}",
        "-d",
        dbname,
        "--http-interface=127.0.0.1",
        f"--http-port={kam_dev.free_port()}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=info",
        *args,
    ]
    proc = subprocess.run(
        cmd,
        input=stdin or "",
        capture_output=True,
        text=True,
        env=kam_dev.python_env(),
        check=False,
        timeout=900,
    )
    log = proc.stdout + proc.stderr
    bad = [
        line
        for line in log.splitlines()
        if re.search(r"\d (ERROR|CRITICAL) ", line) or line.startswith("Traceback")
    ]
    assert proc.returncode == 0 and not bad, (
        f"{' '.join(args)} exited {proc.returncode}:\n" + "\n".join(bad) + log[-4000:]
    )
    return log


def _query(settings, dbname, sql, params=()):
    import psycopg2  # noqa: PLC0415 (an Odoo requirement)

    conn = psycopg2.connect(dbname=dbname, **kam_dev._libpq(settings))
    try:
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        conn.close()


def _digest_command(*args):
    """``scripts/kam_dev.py data-digest``, the README's check of an upgrade."""
    import subprocess  # noqa: PLC0415

    return subprocess.run(
        [sys.executable, str(kam_dev.ROOT / "scripts" / "kam_dev.py"), "data-digest"]
        + list(args),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _module_records(settings, dbname, model):
    """The records of ``model`` that only the addon declares: 19.0 also gives
    every module that extends a model an xml id of its ``id`` and
    ``display_name`` fields, which other modules hold as well."""
    return {
        res_id
        for (res_id,) in _query(
            settings,
            dbname,
            "SELECT d.res_id FROM ir_model_data d WHERE d.module = %s "
            "AND d.model = %s AND NOT EXISTS (SELECT 1 FROM ir_model_data o "
            "WHERE o.model = d.model AND o.res_id = d.res_id AND o.module <> d.module)",
            [MODULE, model],
        )
    }


def _state(settings, dbname):
    rows = _query(
        settings,
        dbname,
        "SELECT state FROM ir_module_module WHERE name = %s",
        [MODULE],
    )
    return rows[0][0]


def test_upgrade_keeps_data_uninstall_removes_everything_install_again(
    database, tmp_path
):
    settings, dbname = database
    assert _state(settings, dbname) == "installed"

    # A classification, so that accounts and history rows exist.
    _odoo(settings, dbname, "shell", stdin=CLASSIFY)
    before = kam_dev.data_digest(settings, dbname)
    assert all(before["tables"][table]["rows"] for table in KEPT_TABLES), before
    saved = tmp_path / "before.json"
    proc = _digest_command("--database", dbname, "--out", str(saved))
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # -u keeps every row of every table as it was, and the groups' users.
    _odoo(settings, dbname, "-u", MODULE, "--stop-after-init")
    after = kam_dev.data_digest(settings, dbname)
    assert kam_dev.digest_differences(before, after) == []
    proc = _digest_command("--database", dbname, "--compare", str(saved))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Kept: "), proc.stdout

    # What the addon created, to look for after the uninstall.
    menus = _module_records(settings, dbname, "ir.ui.menu")
    crons = _module_records(settings, dbname, "ir.cron")
    fields = _module_records(settings, dbname, "ir.model.fields")
    # Values the addon adds to other modules' selections (survey types...).
    selections = _module_records(settings, dbname, "ir.model.fields.selection")
    ours_on_core = dict(
        _query(
            settings,
            dbname,
            "SELECT id, model || '.' || name FROM ir_model_fields "
            "WHERE id IN %s AND model IN ('res.partner', 'crm.lead')",
            [tuple(fields)],
        )
    )
    assert menus and crons
    assert any(name.startswith("res.partner.") for name in ours_on_core.values())
    assert any(name.startswith("crm.lead.") for name in ours_on_core.values())
    lead_columns = {
        name.split(".", 2)[2]
        for name in ours_on_core.values()
        if name.startswith("crm.lead.")
    } & {
        column
        for (column,) in _query(
            settings,
            dbname,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'crm_lead'",
        )
    }
    assert lead_columns, "the addon stores fields on crm_lead"

    _odoo(settings, dbname, "shell", stdin=UNINSTALL)
    assert _state(settings, dbname) == "uninstalled"
    leftovers = {
        "kam_* tables": _query(
            settings,
            dbname,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name LIKE 'kam\\_%%'",
        ),
        "menus": _query(
            settings, dbname, "SELECT id FROM ir_ui_menu WHERE id IN %s", [tuple(menus)]
        ),
        "crons": _query(
            settings, dbname, "SELECT id FROM ir_cron WHERE id IN %s", [tuple(crons)]
        ),
        # A field of another module the addon extends (selection_add) stays
        # with that module; its values from the addon go (below).
        "fields": _query(
            settings,
            dbname,
            "SELECT model, name FROM ir_model_fields f WHERE (f.id IN %s "
            "AND NOT EXISTS (SELECT 1 FROM ir_model_data d "
            "WHERE d.model = 'ir.model.fields' AND d.res_id = f.id "
            "AND d.module != %s)) OR f.model LIKE 'kam.%%'",
            [tuple(fields), MODULE],
        ),
        "selection values": _query(
            settings,
            dbname,
            "SELECT value FROM ir_model_fields_selection WHERE id IN %s",
            [tuple(selections or {0})],
        ),
        "models": _query(
            settings, dbname, "SELECT model FROM ir_model WHERE model LIKE 'kam.%%'"
        ),
        "actions": _query(
            settings,
            dbname,
            # Through ir_model: 19.0 no longer stores the model's name on the
            # server action (18.0's ir_act_server.model_name).
            "SELECT s.id FROM ir_act_server s JOIN ir_model m ON m.id = s.model_id "
            "WHERE m.model LIKE 'kam.%%' UNION ALL "
            "SELECT id FROM ir_act_window WHERE res_model LIKE 'kam.%%'",
        ),
        "crm_lead columns": _query(
            settings,
            dbname,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'crm_lead' AND column_name IN %s",
            [tuple(lead_columns)],
        ),
        "views": _query(
            settings,
            dbname,
            "SELECT v.id FROM ir_ui_view v JOIN ir_model_data d "
            "ON d.model = 'ir.ui.view' AND d.res_id = v.id WHERE d.module = %s",
            [MODULE],
        ),
        "ir_model_data": _query(
            settings,
            dbname,
            "SELECT model, name FROM ir_model_data WHERE module = %s",
            [MODULE],
        ),
    }
    assert not any(leftovers.values()), {k: v for k, v in leftovers.items() if v}

    # And it installs again.
    _odoo(settings, dbname, "-i", MODULE, "--stop-after-init")
    assert _state(settings, dbname) == "installed"
    tables = {
        name
        for (name,) in _query(
            settings,
            dbname,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name LIKE 'kam\\_%%'",
        )
    }
    assert set(KEPT_TABLES) <= tables
