"""Every user-facing string of the addons has its Spanish translation."""

import re
from pathlib import Path

import pytest

polib = pytest.importorskip("polib", reason="polib (an Odoo requirement) is needed")

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ["kam_management", "kam_reports"]
# Folders of each addon whose Python code holds translatable strings.
CODE_FOLDERS = {
    "kam_management": ("models",),
    "kam_reports": ("models", "report", "wizards"),
}
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[-+ #0]*\d*(?:\.\d+)?[sdf%]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@pytest.mark.parametrize("addon", ADDONS)
def test_spanish_covers_template(addon):
    pot = polib.pofile(str(ROOT / addon / "i18n" / f"{addon}.pot"))
    po = polib.pofile(str(ROOT / addon / "i18n" / "es.po"))
    translated = {entry.msgid: entry.msgstr for entry in po if entry.msgstr}
    missing = [entry.msgid for entry in pot if entry.msgid not in translated]
    assert not missing, f"{len(missing)} strings without Spanish: {missing[:5]}"
    assert not [entry.msgid for entry in po if "fuzzy" in entry.flags]


@pytest.mark.parametrize("addon", ADDONS)
def test_spanish_keeps_placeholders_and_tags(addon):
    po = polib.pofile(str(ROOT / addon / "i18n" / "es.po"))
    for entry in po:
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(
            PLACEHOLDER.findall(entry.msgstr)
        ), entry.msgid
        assert len(TAG.findall(entry.msgid)) == len(TAG.findall(entry.msgstr)), (
            entry.msgid
        )


@pytest.mark.parametrize("addon", ADDONS)
def test_template_lists_the_python_strings(addon):
    """A string marked for translation in the code is in the template."""
    pot = {
        entry.msgid
        for entry in polib.pofile(str(ROOT / addon / "i18n" / f"{addon}.pot"))
    }
    marked = re.compile(r'env\._\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', re.MULTILINE)
    checked = 0
    paths = [p for f in CODE_FOLDERS[addon] for p in (ROOT / addon / f).glob("*.py")]
    for path in paths:
        for match in marked.finditer(path.read_text()):
            literal = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))
            text = literal.encode().decode("unicode_escape").encode("latin-1").decode()
            assert text in pot, f"{path.name}: {text!r} is not in the template"
            checked += 1
    assert checked > 20, f"only {checked} translatable strings found in the code"


@pytest.mark.parametrize(
    "addon", [a for a in ADDONS if any((ROOT / a / "static" / "src").rglob("*.js"))]
)
def test_template_lists_the_javascript_strings(addon):
    """A string marked with ``_t`` in the web client's code is in the template
    (Odoo exports them from ``static/src``)."""
    pot = {
        entry.msgid
        for entry in polib.pofile(str(ROOT / addon / "i18n" / f"{addon}.pot"))
    }
    marked = re.compile(r'\b_t\(\s*"((?:[^"\\]|\\.)*)"', re.MULTILINE)
    checked = 0
    for path in (ROOT / addon / "static" / "src").rglob("*.js"):
        for match in marked.finditer(path.read_text()):
            text = match.group(1).replace('\\"', '"')
            assert text in pot, f"{path.name}: {text!r} is not in the template"
            checked += 1
    assert checked, "no JavaScript string marked for translation found"
