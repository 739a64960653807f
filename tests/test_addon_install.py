"""The addon installs like any Odoo addon: its folder copied alone is enough.

Hosting and the official Docker image take an addon by copying its folder
into an addons directory and installing the Python packages its manifest
declares. The scoring package therefore lives inside the addon
(``kam_management/kam_scoring``), imported relatively; it stays pure (no Odoo)
so that the engine tests load it without Odoo (see ``conftest.py``).
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kam_scoring

from .kam_dev_loader import kam_dev

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "kam_management"
SCORING = ADDON / "kam_scoring"

# Python packages every Odoo 18 installation has (Odoo's own requirements.txt):
# the addon may import them without declaring them.
ODOO_PROVIDED = {"odoo", "dateutil", "lxml", "markupsafe", "psycopg2"}


def _imports(path):
    """(module, level) of every import statement of a Python file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level


def _manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def test_engine_tests_use_the_scoring_package_of_the_addon():
    assert Path(kam_scoring.__file__).parent == SCORING
    assert not (ROOT / "kam_scoring").exists()


def test_scoring_package_never_imports_odoo():
    for path in sorted(SCORING.rglob("*.py")):
        for module, level in _imports(path):
            assert level <= 1, f"{path.name} imports outside kam_scoring"
            assert level or module.split(".")[0] != "odoo", f"{path.name}: {module}"


def test_scoring_package_imports_without_odoo():
    """A Python where Odoo cannot be imported still scores."""
    code = (
        "import sys\n"
        "sys.modules['odoo'] = None\n"  # any `import odoo` now fails
        f"sys.path.insert(0, {str(ADDON)!r})\n"
        "import kam_scoring\n"
        "print(sorted(s.name for s in kam_scoring.DEFAULT_SCORERS))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "pareto" in proc.stdout


def test_addon_imports_scoring_relatively():
    absolute = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted(ADDON.rglob("*.py"))
        if SCORING not in path.parents
        for module, level in _imports(path)
        if level == 0 and module.split(".")[0] == "kam_scoring"
    ]
    assert not absolute, absolute


def test_manifest_declares_every_third_party_import():
    """A missing package then gets Odoo's "external dependency" message.

    Odoo checks ``external_dependencies`` before it loads the addon and refuses
    the install with that message; an undeclared import would instead fail
    inside the registry load with a traceback.
    """
    declared = set(_manifest()["external_dependencies"]["python"])
    imported = {
        module.split(".")[0]
        for path in ADDON.rglob("*.py")
        if ADDON / "tests" not in path.parents
        for module, level in _imports(path)
        if level == 0
    }
    third_party = imported - set(sys.stdlib_module_names) - ODOO_PROVIDED
    assert third_party == declared


def test_test_only_imports_are_in_the_dev_requirements():
    """What the addon's own tests import beyond the addon's needs (Hypothesis)
    is installed by the test command's requirements."""
    declared = set(_manifest()["external_dependencies"]["python"])
    imported = {
        module.split(".")[0]
        for path in (ADDON / "tests").rglob("*.py")
        for module, level in _imports(path)
        if level == 0
    }
    test_only = imported - set(sys.stdlib_module_names) - ODOO_PROVIDED - declared
    requirements = {
        re.split(r"[<>=!~; \[]", line.strip(), maxsplit=1)[0].lower()
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-"))
    }
    assert test_only <= requirements, test_only - requirements


def test_manifest_dependencies_are_in_requirements_txt():
    requirements = {
        re.split(r"[<>=!~; \[]", line.strip(), maxsplit=1)[0].lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    assert set(_manifest()["external_dependencies"]["python"]) <= requirements


# --------------------------------------------------------------------------
# With Odoo
# --------------------------------------------------------------------------
def _odoo_or_skip():
    odoo = kam_dev.odoo_command()
    if odoo is None:
        pytest.skip(kam_dev.odoo_missing_reason())
    return odoo


def _environment_without_the_repository():
    """The caller's environment, minus any PYTHONPATH entry inside the repo."""
    env = dict(os.environ)
    kept = [
        entry
        for entry in env.pop("PYTHONPATH", "").split(os.pathsep)
        if entry and not Path(entry).resolve().is_relative_to(ROOT)
    ]
    if kept:
        env["PYTHONPATH"] = os.pathsep.join(kept)
    return env


def test_addon_folder_copied_alone_installs(tmp_path):
    """Stock Odoo, an addons folder holding a copy of kam_management only.

    Installs crm, sale and account first (about two minutes): the one slow
    test of this folder.
    """
    odoo = _odoo_or_skip()
    addons = tmp_path / "addons"
    shutil.copytree(
        # the source, or the addon built for the series under test (test-19)
        kam_dev.addons_root() / ADDON.name,
        addons / ADDON.name,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    addons_path = [str(addons)]
    main = kam_dev.odoo_main_addons()
    if main:  # a git checkout of Odoo
        addons_path.append(str(main))
    settings = kam_dev.pg_settings()
    dbname = f"kam_plain_{os.getpid()}"
    kam_dev.drop_database(settings, dbname)
    try:
        proc = subprocess.run(
            [
                *odoo,
                *kam_dev.db_args(settings),
                f"--addons-path={','.join(addons_path)}",
                "-d",
                dbname,
                "-i",
                ADDON.name,
                "--without-demo=all",
                "--stop-after-init",
                "--http-interface=127.0.0.1",
                f"--http-port={kam_dev.free_port()}",
                "--workers=0",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=_environment_without_the_repository(),
            check=False,
            timeout=1800,
        )
        log = proc.stdout + proc.stderr
        import psycopg2  # noqa: PLC0415 (an Odoo requirement)

        conn = psycopg2.connect(dbname=dbname, **kam_dev._libpq(settings))
        try:
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT state FROM ir_module_module WHERE name = %s",
                    [ADDON.name],
                )
                state = cr.fetchone()
                cr.execute("SELECT count(*) FROM kam_position_criterion")
                criteria = cr.fetchone()[0]
        finally:
            conn.close()
    finally:
        kam_dev.drop_database(settings, dbname)
    assert proc.returncode == 0, log[-5000:]
    assert "Couldn't load module" not in log, log[-5000:]
    assert "Traceback" not in log, log[-5000:]
    assert " ERROR " not in log, log[-5000:]
    assert state == ("installed",)
    assert criteria > 0  # the addon's data files were loaded


def test_launcher_mutes_only_foreign_deprecation_warnings(tmp_path):
    """Odoo's logger shows every DeprecationWarning with its stack; ours stay."""
    _odoo_or_skip()
    code = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "odoo_launch", {str(ROOT / "scripts" / "odoo_launch.py")!r})
launch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launch)
from odoo import netsvc
netsvc.init_logger()  # Odoo's filters: every DeprecationWarning, with its stack
launch.mute_foreign_deprecations()
warn = "import warnings\\nwarnings.warn('{{}} is old', DeprecationWarning)"
for name in ("odoo.addons.mail.models.mail_thread", "werkzeug.urls",
             "odoo.addons.kam_management.models.kam_account"):
    exec(compile(warn.format(name), name, "exec"), {{"__name__": name}})
"""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert "odoo.addons.kam_management.models.kam_account is old" in log
    assert "mail_thread is old" not in log
    assert "werkzeug.urls is old" not in log


def test_prepared_install_log_has_no_deprecation_stacks():
    """The install `make test` (and `make run`) do logs no warning stacks."""
    path = os.environ.get("KAM_TEST_INSTALL_LOG")
    if not path:
        pytest.skip("the install log is written by `make test`")
    log = Path(path).read_text(encoding="utf-8")
    for marker in ("Traceback", "DeprecationWarning", 'File "'):
        assert marker not in log, log[:5000]
