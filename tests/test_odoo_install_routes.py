"""The README's two ways of installing Odoo, as the developer commands see them.

``scripts/kam_dev.py`` (behind ``make run`` and ``make test``) finds Odoo by
``ODOO_SRC`` (a source tree, not installed) or, without it, where ``import
odoo`` finds it (``pip install -e`` of a source tree). Each test here builds a
small stand-in Odoo source tree: an ``odoo`` package with its ``release.py``,
an ``odoo-bin``, and for a git checkout an ``addons`` folder beside ``odoo``.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .kam_dev_loader import kam_dev

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _odoo_tree(root, init="", serie="18.0", git_checkout=False):
    """A stand-in Odoo source tree at ``root``."""
    (root / "odoo").mkdir(parents=True)
    (root / "odoo" / "__init__.py").write_text(init)
    (root / "odoo" / "release.py").write_text(f"serie = {serie!r}\n")
    (root / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (root / "requirements.txt").write_text("")
    if git_checkout:
        (root / "addons" / "crm").mkdir(parents=True)
        (root / "addons" / "crm" / "__manifest__.py").write_text("{}\n")
    return root


@pytest.fixture
def no_odoo_variables(monkeypatch):
    monkeypatch.delenv("ODOO_SRC", raising=False)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("KAM_ADDONS_DIR", raising=False)  # make test-19's tree
    return monkeypatch


@pytest.mark.parametrize("git_checkout", [False, True])
def test_odoo_found_by_odoo_src(tmp_path, no_odoo_variables, git_checkout):
    src = _odoo_tree(tmp_path / "odoo-src", git_checkout=git_checkout)
    no_odoo_variables.setenv("ODOO_SRC", str(src))
    assert kam_dev.odoo_command() == [sys.executable, str(src / "odoo-bin")]
    assert kam_dev.probe_odoo()[:3] == (str(src / "odoo"), "18.0", None)
    assert kam_dev.odoo_import_problem() is None
    # Odoo imports from the tree itself: ODOO_SRC goes first on PYTHONPATH.
    assert kam_dev.odoo_env()["PYTHONPATH"].split(os.pathsep)[0] == str(src)
    expected = [str(ROOT), *([str(src / "addons")] if git_checkout else [])]
    assert kam_dev.addons_path().split(",") == expected


@pytest.mark.parametrize("git_checkout", [False, True])
def test_odoo_found_where_python_imports_it(tmp_path, no_odoo_variables, git_checkout):
    """``pip install -e`` puts the source tree on ``sys.path`` (a .pth file):
    here ``PYTHONPATH`` does the same for the child Pythons."""
    src = _odoo_tree(tmp_path / "odoo-src", git_checkout=git_checkout)
    no_odoo_variables.setenv("PYTHONPATH", str(src))
    assert kam_dev.odoo_command() == [sys.executable, "-m", "odoo"]
    assert kam_dev.probe_odoo()[:3] == (str(src / "odoo"), "18.0", None)
    assert kam_dev.odoo_import_problem() is None
    expected = [str(ROOT), *([str(src / "addons")] if git_checkout else [])]
    assert kam_dev.addons_path().split(",") == expected


def test_other_odoo_series_is_named(tmp_path, no_odoo_variables):
    src = _odoo_tree(tmp_path / "odoo-src", serie="17.0")
    no_odoo_variables.setenv("ODOO_SRC", str(src))
    assert "is 17.0: these addons need Odoo 18.0" in kam_dev.odoo_import_problem()
    no_odoo_variables.delenv("ODOO_SRC")
    no_odoo_variables.setenv("PYTHONPATH", str(src))
    assert kam_dev.odoo_command() is None


def _probe_without_site_packages(path):
    """The probe, with ``path`` and not site-packages (where this machine's
    own Odoo may be)."""
    return subprocess.run(
        [sys.executable, "-S", "-c", kam_dev._ODOO_PROBE],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(path)},
        check=False,
    )


def test_bare_odoo_addons_namespace_is_no_odoo(tmp_path):
    """OCA wheels (report_xlsx) leave ``site-packages/odoo/addons`` without
    Odoo: that is Odoo missing, not an Odoo that fails to import."""
    site = tmp_path / "site"
    (site / "odoo" / "addons" / "report_xlsx").mkdir(parents=True)
    proc = _probe_without_site_packages(site)
    assert (proc.returncode, proc.stdout) == (3, "")


def test_editable_odoo_hidden_by_oca_wheels_is_named(tmp_path, monkeypatch):
    """``pip install -e`` of Odoo in setuptools' default editable mode (an
    import hook consulted after the path) beside an OCA wheel's
    ``odoo/addons``: Python imports the bare namespace instead of Odoo. The
    command says so, with the compat mode install that works."""
    site = tmp_path / "site"
    (site / "odoo" / "addons" / "report_xlsx").mkdir(parents=True)
    dist = site / "odoo-18.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: odoo\nVersion: 18.0\n")
    src = tmp_path / "odoo-src"
    (dist / "direct_url.json").write_text(
        f'{{"dir_info": {{"editable": true}}, "url": "file://{src}"}}'
    )
    proc = _probe_without_site_packages(site)
    assert proc.returncode == 5, proc.stderr
    folder, error = proc.stdout.splitlines()
    assert folder == str(src / "odoo")
    assert error.startswith(f"the odoo/addons folder in {site / 'odoo'} hides")

    found = kam_dev.OdooFound(folder, error=error, hidden=True)
    monkeypatch.setattr(kam_dev, "probe_odoo", lambda: found)
    monkeypatch.delenv("ODOO_SRC", raising=False)
    assert kam_dev.odoo_command() == [sys.executable, "-m", "odoo"]
    problem = kam_dev.odoo_import_problem()
    assert problem.startswith("Odoo cannot be imported: the odoo/addons folder")
    assert f"pip install -e {src} --config-settings editable_mode=compat" in problem


def _kam_dev(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("ODOO_SRC", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "kam_dev.py"), *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("route", ["ODOO_SRC", "PYTHONPATH"])
@pytest.mark.parametrize("command", ["test", "odoo-test"])
def test_odoo_that_does_not_import_is_named_with_its_error(tmp_path, route, command):
    """One of Odoo's own requirements missing: the command says so with
    Odoo's error line, not that an OCA addon is missing."""
    src = _odoo_tree(tmp_path / "odoo-src", init="import kam_no_such_requirement\n")
    proc = _kam_dev(command, **{route: str(src)})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert (
        "Odoo cannot be imported: ModuleNotFoundError: "
        "No module named 'kam_no_such_requirement'"
    ) in out
    assert f"-m pip install -r {src / 'requirements.txt'}" in out
    assert "report_xlsx" not in out
    assert "Traceback" not in out


def test_missing_oca_addon_is_reported_where_odoo_imports(monkeypatch):
    """The OCA install command only once Odoo itself imports."""
    if kam_dev.odoo_command() is None:
        pytest.skip(kam_dev.odoo_missing_reason())
    assert kam_dev.odoo_import_problem() is None
    monkeypatch.setitem(kam_dev.OCA_ADDONS, "no_such_oca_addon", "pip install x")
    with pytest.raises(SystemExit) as stop:
        kam_dev.check_oca_addons()
    message = str(stop.value.code)
    assert message.startswith("Odoo does not find the addon(s) no_such_oca_addon")
    assert "\n  pip install x" in message


def test_readme_documents_both_routes():
    """The README's steps that these tests stand for: Odoo's requirements,
    then ODOO_SRC or ``pip install -e``, then the two commands."""
    text = README.read_text(encoding="utf-8")
    for step in (
        "requirements.txt",
        "export ODOO_SRC=",
        "pip install -e",
        "make test",
        "make run",
    ):
        assert step in text, step
