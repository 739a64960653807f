"""``pip install .`` puts the addons under odoo.addons with their data files."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        cwd=out,
    )
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_wheel_has_scoring_package(wheel):
    assert "kam_scoring/__init__.py" in wheel
    assert "kam_scoring/engine.py" in wheel


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


def test_wheel_does_not_shadow_odoo(wheel):
    assert "odoo/__init__.py" not in wheel
    assert "odoo/addons/__init__.py" not in wheel
    assert not any(name.startswith("tests/") for name in wheel)
