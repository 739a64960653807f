"""Each addon's README.rst (and its Apps page) is generated from readme/.

OCA's generator, ``oca-gen-addon-readme`` (OCA/maintainer-tools, installed
from its repository: it is not on PyPI), writes README.rst and
static/description/index.html from the readme/ fragments and the manifest.
This regenerates both into a temporary copy and compares: a fragment edited
without running the generator fails here.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from .kam_dev_loader import kam_dev

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = shutil.which("oca-gen-addon-readme")
GENERATE = [
    "--org-name",
    "kam-odoo",
    "--repo-name",
    "key-account-management",
    "--branch",
    "18.0",
    "--no-commit",
    "--gen-html",
]


@pytest.mark.skipif(
    GENERATOR is None,
    reason="oca-gen-addon-readme is not installed: pip install "
    "git+https://github.com/OCA/maintainer-tools",
)
@pytest.mark.parametrize("addon", kam_dev.ADDONS)
def test_readme_is_generated_from_the_fragments(addon, tmp_path):
    copy = tmp_path / addon
    shutil.copytree(ROOT / addon, copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [GENERATOR, *GENERATE, "--addon-dir", str(copy)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    for name in ("README.rst", "static/description/index.html"):
        generated = (copy / name).read_text(encoding="utf-8")
        assert (ROOT / addon / name).read_text(encoding="utf-8") == generated, (
            f"{addon}/{name} is not what oca-gen-addon-readme makes of "
            f"{addon}/readme: run `make readme`"
        )


def test_readme_fragments_name_real_menus():
    """The fragments quote menus and buttons that exist in the views."""
    views = "".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "kam_management").glob("*/*.xml")
    )
    fragments = "".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "kam_management" / "readme").glob("*.md")
    )
    import re  # noqa: PLC0415

    quoted = {
        " ".join(label.split()) for label in re.findall(r"\*([A-Z][^*]+)\*", fragments)
    }
    missing = {
        label
        for label in quoted
        if not all(
            f'"{part.strip()}"' in views or f">{part.strip()}<" in views
            for part in label.split("→")
            if part.strip() != "CRM"  # Odoo's own menu
        )
    }
    assert not missing, missing
