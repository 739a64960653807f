"""Each addon's README.rst (and its Apps page) is generated from readme/.

OCA's generator, ``oca-gen-addon-readme`` (OCA/maintainer-tools, installed
from its repository: it is not on PyPI, so ``make test`` does not run it;
``make readme`` does), writes README.rst and static/description/index.html
from the readme/ fragments and the manifest, and records in README.rst the
"source digest" of what it read: a sha256 over the manifest and every file
of readme/, each preceded by its path (the generator's ``--if-source-changed``
compares the same digest). These tests recompute that digest, so a fragment
or the manifest edited without running the generator fails here, and render
README.rst as the generator renders the Apps page (docutils, an Odoo
requirement, with the generator's settings).
"""

import hashlib
import os
import re
from pathlib import Path

import pytest

from .kam_dev_loader import kam_dev

ROOT = Path(__file__).resolve().parent.parent
DIGEST = re.compile(r"!! source digest: (sha256:[0-9a-f]+)")
# The docutils settings of oca-gen-addon-readme for index.html.
RST2HTML = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "utf-8",
}


def source_digest(addon_dir):
    """The generator's digest of the manifest and the readme/ fragments."""
    files = [addon_dir / "__manifest__.py"]
    for folder, subfolders, names in os.walk(addon_dir / "readme"):
        subfolders.sort()
        files += [Path(folder) / n for n in sorted(names) if not n.startswith(".")]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(addon_dir).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return f"sha256:{digest.hexdigest()}"


def test_source_digest_is_the_generators(tmp_path):
    """Checked on the generator's own sense of it: paths count, not only
    contents (an empty fragment changes the digest), hidden files do not."""
    (tmp_path / "readme").mkdir()
    (tmp_path / "__manifest__.py").write_text("{}")
    (tmp_path / "readme" / "DESCRIPTION.md").write_text("x")
    expected = hashlib.sha256(b"__manifest__.py{}readme/DESCRIPTION.mdx").hexdigest()
    assert source_digest(tmp_path) == f"sha256:{expected}"
    (tmp_path / "readme" / ".hidden").write_text("y")
    assert source_digest(tmp_path) == f"sha256:{expected}"
    (tmp_path / "readme" / "USAGE.md").write_text("")
    assert source_digest(tmp_path) != f"sha256:{expected}"


@pytest.mark.parametrize("addon", kam_dev.ADDONS)
def test_readme_is_generated_from_the_fragments(addon):
    readme = (ROOT / addon / "README.rst").read_text(encoding="utf-8")
    recorded = DIGEST.search(readme)
    assert recorded, f"{addon}/README.rst is not oca-gen-addon-readme's"
    assert recorded.group(1) == source_digest(ROOT / addon), (
        f"{addon}/readme or its manifest changed since {addon}/README.rst was "
        "generated: run `make readme`"
    )


@pytest.mark.parametrize("addon", kam_dev.ADDONS)
def test_apps_page_is_the_readme(addon, tmp_path):
    """index.html is README.rst rendered (its stylesheet follows the docutils
    version, so the page's body is compared)."""
    from docutils.core import publish_file  # noqa: PLC0415 (an Odoo requirement)

    page = tmp_path / "index.html"
    publish_file(
        source_path=str(ROOT / addon / "README.rst"),
        destination_path=str(page),
        writer_name="html4css1",
        settings_overrides=RST2HTML,
    )
    committed = (ROOT / addon / "static/description/index.html").read_text("utf-8")

    def body(html):
        return html[html.index("<body>") :]

    assert body(committed) == body(page.read_text(encoding="utf-8")), (
        f"{addon}/static/description/index.html is not {addon}/README.rst "
        "rendered: run `make readme`"
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
