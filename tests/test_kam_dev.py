"""The developer commands fail clearly, without a traceback, when Odoo is missing."""

import os
import subprocess
import sys
from pathlib import Path

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
