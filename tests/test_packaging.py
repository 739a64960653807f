"""``pip install .`` puts the addons under odoo.addons with their data files.

The scoring package ships inside the addon, where the addon imports it from.
One wheel per Odoo series (``scripts/kam_series.py wheel 19.0``), whose
version starts with the series and which requires the OCA wheels of it.
"""

import ast
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .kam_dev_loader import kam_dev

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_file(tmp_path_factory):
    return kam_dev.kam_series.wheel("18.0", tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def wheel_19_file(tmp_path_factory):
    return kam_dev.kam_series.wheel("19.0", tmp_path_factory.mktemp("wheel19"))


def _metadata(wheel_path):
    """The wheel's METADATA lines, project names normalized (PEP 503) in
    Requires-Dist (setuptools versions differ there)."""
    with zipfile.ZipFile(wheel_path) as archive:
        (metadata,) = (n for n in archive.namelist() if n.endswith("/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    return [
        re.sub(
            r"^(Requires-Dist: )([A-Za-z0-9._-]+)",
            lambda m: m[1] + re.sub(r"[-_.]+", "-", m[2]).lower(),
            line,
        )
        for line in lines
    ]


@pytest.fixture(scope="module")
def wheel(wheel_file):
    with zipfile.ZipFile(wheel_file) as archive:
        return set(archive.namelist())


def test_wheel_has_scoring_package_inside_the_addon(wheel):
    base = "odoo/addons/kam_management/kam_scoring/"
    for name in ("__init__.py", "engine.py", "config.py", "rfm.py"):
        assert base + name in wheel, name
    # One copy only: a top-level kam_scoring would have its own scorer
    # registry, not the one the addon runs.
    assert not any(name.startswith("kam_scoring/") for name in wheel)


def test_wheel_has_addon_with_data(wheel):
    base = "odoo/addons/kam_management/"
    for name in (
        "__manifest__.py",
        "models/kam_account.py",
        "views/kam_account_views.xml",
        "security/ir.model.access.csv",
        "i18n/es.po",
        "static/description/icon.png",
        "static/tests/tours/kam_management_tour.js",
    ):
        assert base + name in wheel, name


def test_wheel_has_reports_addon(wheel):
    base = "odoo/addons/kam_reports/"
    for name in (
        "__manifest__.py",
        "report/kam_portfolio_xlsx.py",
        "wizards/kam_portfolio_report_wizard.py",
        "security/ir.model.access.csv",
        "data/kam_portfolio_mail_data.xml",
        "i18n/es.po",
        "static/description/icon.png",
    ):
        assert base + name in wheel, name
    # report_xlsx comes from its own wheel (requirements-oca.txt), never ours.
    assert not any(name.startswith("odoo/addons/report_xlsx/") for name in wheel)


def test_oca_wheels_are_installed_without_their_odoo_requirement():
    """report_xlsx's wheel requires an installed `odoo` distribution, which a
    source install is not: the make targets install it with --no-deps."""
    oca = [
        line.strip()
        for line in (ROOT / "requirements-oca.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert oca == ["odoo-addon-report_xlsx==18.0.*"]
    makefile = (ROOT / "Makefile").read_text()
    assert makefile.count("pip install -q --no-deps -r requirements-oca.txt") == 2
    # make test-19: those of 19.0, which kam_series writes beside its addons.
    assert "pip install -q --no-deps -r .series/19.0/requirements-oca.txt" in makefile
    assert "pylint --rcfile=.pylintrc kam_management kam_reports" in makefile


def test_wheel_does_not_shadow_odoo(wheel):
    assert "odoo/__init__.py" not in wheel
    assert "odoo/addons/__init__.py" not in wheel
    assert not any(name.startswith("tests/") for name in wheel)


def test_wheel_requires_the_manifest_dependencies(wheel_file):
    """The manifests' Python packages (as requirements.txt) and, the OCA
    way, the OCA addons' wheels of the series (as requirements-oca.txt)."""
    lines = _metadata(wheel_file)
    requires = [
        line.split(":", 1)[1].strip()
        for line in lines
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert "odoo-addon-report-xlsx==18.0.*" in requires
    source = ast.literal_eval((ROOT / "kam_management" / "__manifest__.py").read_text())
    assert f"Version: {source['version']}" in lines
    assert "Classifier: Framework :: Odoo :: 18.0" in lines
    required = {
        line.split(">")[0].split("=")[0].split("<")[0]
        for line in requires
        if not line.startswith("odoo-addon-")
    }
    declared = set()
    for addon in ("kam_management", "kam_reports"):
        manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
        declared |= set(manifest["external_dependencies"]["python"])
    assert required == declared
    requirements = {
        line.split(">")[0].split("=")[0].split("<")[0].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert requirements == required


def test_wheel_19_is_the_19_tree(wheel_19_file):
    """Version 19.0.x (the main manifest's), report_xlsx 19.0.*, and the
    addons of the 19.0 tree: 19.0 manifests and groups' privileges."""
    lines = _metadata(wheel_19_file)
    source = ast.literal_eval((ROOT / "kam_management" / "__manifest__.py").read_text())
    version = "19.0." + source["version"].split(".", 2)[2]
    assert f"Version: {version}" in lines
    assert f"-{version}-" in wheel_19_file.name
    assert "Classifier: Framework :: Odoo :: 19.0" in lines
    requires = {line.split(":", 1)[1].strip() for line in lines if "Requires" in line}
    assert "odoo-addon-report-xlsx==19.0.*" in requires
    assert not [r for r in requires if "18.0" in r]
    with zipfile.ZipFile(wheel_19_file) as archive:
        names = set(archive.namelist())
        for addon in ("kam_management", "kam_reports"):
            manifest = ast.literal_eval(
                archive.read(f"odoo/addons/{addon}/__manifest__.py").decode()
            )
            assert manifest["version"].startswith("19.0."), addon
        security = archive.read(
            "odoo/addons/kam_management/security/kam_management_security.xml"
        ).decode()
    assert 'name="privilege_id"' in security and 'name="category_id" ref' in security
    assert "odoo/addons/kam_management/migrations/1.2.0/pre-migrate.py" in names
    assert not [n for n in names if "/migrations/18.0." in n]
    assert not [n for n in names if n.startswith(("build/", ".series/", "tests/"))]
    assert "odoo/addons/kam_management/kam_scoring/engine.py" in names


def test_installed_wheel_imports_scoring_from_the_addon(
    wheel_file, wheel_19_file, tmp_path
):
    """Installed from the wheel, Odoo's namespace finds the addon's scoring.

    The wheel goes into a folder of its own, first on ``PYTHONPATH``; Odoo
    stays importable from where this Python finds it, whichever way it was
    installed: a source tree by ``ODOO_SRC`` or a .pth file (``pip install
    -e``), which a bare ``odoo/addons`` folder first on the path must not
    hide, or a pip-installed Odoo.
    """
    odoo = kam_dev.probe_odoo()
    wheels = {"18.0": wheel_file, "19.0": wheel_19_file}
    if odoo.folder is None or odoo.serie not in wheels:
        pytest.skip(odoo.error or "Odoo 18.0 or 19.0 is not importable here")
    wheel_file = wheels[odoo.serie]
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel_file),
        ],
        check=True,
    )
    code = (
        "import odoo.addons.kam_management.kam_scoring as s, importlib.util\n"
        "import odoo.api\n"  # Odoo itself, not the wheel's bare namespace
        "print(s.__file__)\n"
        "print(s.classify.__module__)\n"
        "print(importlib.util.find_spec('kam_scoring'))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(target), str(Path(odoo.folder).parent)]),
        },
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    where, module, top_level = proc.stdout.split()
    assert Path(where) == target / "odoo/addons/kam_management/kam_scoring/__init__.py"
    assert module == "odoo.addons.kam_management.kam_scoring.engine"
    assert top_level == "None"
