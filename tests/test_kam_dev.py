"""The developer commands fail clearly, without a traceback (Odoo missing, a
database of another series)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .kam_dev_loader import kam_dev

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, **env):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kam_dev.py"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
        timeout=120,
    )


def test_run_without_odoo_says_how_to_get_it(tmp_path):
    proc = _run("run", ODOO_SRC=str(tmp_path / "no-odoo-here"))
    assert proc.returncode == 1
    assert "Odoo 18.0 is not installed" in proc.stdout
    assert "git clone" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_odoo_test_without_odoo_is_skipped_with_reason(tmp_path):
    proc = _run("odoo-test", ODOO_SRC=str(tmp_path / "no-odoo-here"))
    assert proc.returncode == 0
    assert proc.stdout.startswith("SKIPPED: ODOO_SRC=")
    assert "has no odoo-bin: install Odoo 18.0" in proc.stdout


def test_core_test_reads_odoo_counts_and_failed_tests():
    log = (
        "2026-11-25 22:55:02,121 1 ERROR db odoo.addons.crm.tests.test_crm_lead: "
        "FAIL: Subtest TestCRMLead.test_phone_mobile_update (login='u')\n"
        "2026-11-25 22:55:03,121 1 ERROR db odoo.addons.sale.tests.test_x: "
        "ERROR: TestX.test_y\n"
        "2026-11-25 23:40:00,000 1 ERROR db odoo.tests.result: "
        "5 failed, 1 error(s) of 812 tests when loading database 'db'\n"
    )
    counts, problems = kam_dev.parse_test_log(log)
    assert counts == (5, 1, 812)
    assert problems == [
        "ERROR: TestX.test_y",
        "FAIL: TestCRMLead.test_phone_mobile_update",
    ]
    assert kam_dev.parse_test_log("no summary")[0] is None


def test_oca_addons_are_found_through_the_odoo_addons_namespace():
    """report_xlsx, installed from its wheel into site-packages/odoo/addons,
    is found by Odoo beside a source install (``pkgutil.extend_path`` of
    ``odoo.addons``), without adding its folder to the addons path."""
    if kam_dev.odoo_command() is None:
        import pytest  # noqa: PLC0415

        pytest.skip(kam_dev.odoo_missing_reason())
    assert kam_dev.missing_oca_addons() == {}
    assert kam_dev.ADDONS == ("kam_management", "kam_reports")


def test_missing_oca_addon_is_named_with_its_install_command(monkeypatch):
    if kam_dev.odoo_command() is None:
        import pytest  # noqa: PLC0415

        pytest.skip(kam_dev.odoo_missing_reason())
    monkeypatch.setitem(kam_dev.OCA_ADDONS, "no_such_oca_addon", "pip install x")
    missing = kam_dev.missing_oca_addons()
    assert missing == {"no_such_oca_addon": "pip install x"}


def test_demo_database_is_per_series():
    assert kam_dev.demo_database("18.0") == "kam_demo"
    assert kam_dev.demo_database("19.0") == "kam_demo_19"


def test_run_refuses_a_database_made_by_another_series():
    """`make run` on a database of the other series stops and says why, before
    Odoo would fail on it half-way (an 18.0 kam_demo under Odoo 19.0)."""
    missing = os.environ.get("KAM_ODOO_MISSING")
    if missing:
        pytest.skip(missing)
    import psycopg2  # noqa: PLC0415

    settings = kam_dev.pg_settings()
    serie = kam_dev.odoo_series()
    other = "19.0" if serie == "18.0" else "18.0"
    name = f"kam_other_series_{os.getpid()}"
    kam_dev.drop_database(settings, name)
    conn = psycopg2.connect(dbname="postgres", **kam_dev._libpq(settings))
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    try:
        conn = psycopg2.connect(dbname=name, **kam_dev._libpq(settings))
        with conn, conn.cursor() as cr:
            cr.execute(
                "CREATE TABLE ir_module_module (name varchar, latest_version varchar)"
            )
            cr.execute(
                "INSERT INTO ir_module_module VALUES ('base', %s)", [f"{other}.1.3"]
            )
        conn.close()
        assert kam_dev._database_series(settings, name) == other
        proc = _run("run", "--database", name, "--port", str(kam_dev.free_port()))
    finally:
        kam_dev.drop_database(settings, name)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"was made with Odoo {other}; this Odoo is {serie}" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_series_config_exports_what_the_environment_leaves_unset(tmp_path):
    """`.ci/run` and `make test-19` find Odoo 19.0 in the user's configuration."""
    config = tmp_path / "kam_dev.conf"
    config.write_text(
        "[19.0]\npython = /opt/py 19/bin/python ; a comment\nsrc = ~/odoo-19.0\n"
    )
    env = {"KAM_DEV_CONFIG": str(config), "ODOO19_PYTHON": "", "ODOO19_SRC": ""}
    proc = _run("series-config", "19.0", **env)
    assert proc.returncode == 0, proc.stderr
    home = os.path.expanduser("~")
    assert proc.stdout.splitlines() == [
        "export ODOO19_PYTHON='/opt/py 19/bin/python'",
        f"export ODOO19_SRC={home}/odoo-19.0",
    ]
    proc = _run("series-config", "19.0", **{**env, "ODOO19_PYTHON": "/usr/bin/py"})
    assert proc.stdout.splitlines() == [f"export ODOO19_SRC={home}/odoo-19.0"]
    proc = _run("series-config", "19.0", KAM_DEV_CONFIG=str(tmp_path / "none"))
    assert (proc.returncode, proc.stdout) == (0, "")
