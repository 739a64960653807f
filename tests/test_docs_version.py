"""One version: the scoring engine's ``__version__`` is the addon manifest's.

The engine ships inside ``kam_management`` and is released with it, so it has
no number of its own: ``kam_scoring.__version__`` reads the manifest (as text,
without importing Odoo) and the wheel's version is the manifest's too
(``setup.py``).
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import kam_scoring

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "kam_management"


def _manifest_version(path):
    return ast.literal_eval(path.read_text(encoding="utf-8"))["version"]


def test_engine_version_is_the_manifest_version():
    assert kam_scoring.__version__ == _manifest_version(ADDON / "__manifest__.py")


def test_engine_version_follows_a_changed_manifest_without_odoo(tmp_path):
    """A copy of the addon with another version: the engine reports it, and
    reading it imported no Odoo."""
    copy = tmp_path / "kam_management"
    shutil.copytree(
        ADDON / "kam_scoring",
        copy / "kam_scoring",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    manifest = (ADDON / "__manifest__.py").read_text(encoding="utf-8")
    version = _manifest_version(ADDON / "__manifest__.py")
    (copy / "__manifest__.py").write_text(
        manifest.replace(f'"{version}"', '"18.0.9.8.7"'), encoding="utf-8"
    )
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import kam_scoring; "
        "print(kam_scoring.__version__, 'odoo' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(copy)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert result.stdout.split() == ["18.0.9.8.7", "False"]


def test_wheel_version_is_the_manifest_version():
    result = subprocess.run(
        [sys.executable, "setup.py", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.split()[-1] == _manifest_version(ADDON / "__manifest__.py")
