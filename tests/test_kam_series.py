"""scripts/kam_series.py: the addons of each Odoo series from the one source.

Each rule on small samples, then on the real addons: the 19.0 tree has no
``category_id`` or ``users`` on groups, no ``groups_id``, and 19.0 versions;
the 18.0 tree is the source. No Odoo needed.
"""

import ast
import filecmp
from pathlib import Path

import pytest
from lxml import etree

from .kam_dev_loader import kam_dev

kam_series = kam_dev.kam_series
ROOT = Path(__file__).resolve().parent.parent

MANIFEST = """\
# A comment the rule keeps.
{
    "name": "Sample",
    "summary": "version 18.0.1.2.3 in a summary stays",
    "version": "18.0.1.2.3",
    "depends": ["base"],
}
"""

SECURITY = """\
<?xml version="1.0" encoding="UTF-8" ?>
<odoo>
    <record id="module_category_sample" model="ir.module.category">
        <field name="name">Sample App</field>
        <field name="sequence" eval="7" />
    </record>

    <!-- The users. -->
    <record id="group_sample_user" model="res.groups">
        <field name="name">User</field>
        <field name="category_id" ref="module_category_sample" />
    </record>

    <record id="group_sample_manager" model="res.groups">
        <field name="name">Manager</field>
        <field
            name="category_id"
            ref="module_category_sample"
        />
        <field name="implied_ids" eval="[Command.link(ref('group_sample_user'))]" />
        <field
            name="users"
            eval="[Command.link(ref('base.user_admin'))]"
        />
    </record>
</odoo>
"""

RECORDS = """\
<?xml version="1.0" encoding="UTF-8" ?>
<odoo>
    <record id="user_x" model="res.users">
        <field name="login">x</field>
        <field
            name="groups_id"
            eval="[Command.set([ref('base.group_user')])]"
        />
    </record>
    <record id="action_x" model="ir.actions.act_window">
        <field name="res_model">res.partner</field>
        <field name="target">new</field><field name="groups_id" eval="[]" />
    </record>
    <record id="server_x" model="ir.actions.server">
        <field name="groups_id" eval="[Command.link(ref('base.group_system'))]" />
    </record>
    <record id="menu_x" model="ir.ui.menu">
        <field name="name">X</field>
        <field name="groups_id" eval="[Command.link(ref('base.group_system'))]" />
    </record>
    <record id="report_x" model="ir.actions.report">
        <field name="groups_id" eval="[Command.link(ref('base.group_system'))]" />
    </record>
    <record id="view_users_x" model="ir.ui.view">
        <field name="model">res.users</field>
        <field name="groups_id" eval="[Command.link(ref('base.group_system'))]" />
        <field name="arch" type="xml">
            <form>
                <field name="groups_id" widget="many2many_tags" />
                <field name="users" />
            </form>
        </field>
    </record>
    <record id="other_x" model="res.partner">
        <field name="users">kept: not a group</field>
    </record>
    <menuitem id="menu_y" name="Y" groups="base.group_system" />
    <![CDATA[ <record model="res.users"> ]]>
</odoo>
"""


def _addon(tmp_path, name="sample", **files):
    addon = tmp_path / name
    for rel, text in {"__manifest__.py": MANIFEST, **files}.items():
        path = addon / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return addon


def _fields(root, model, name):
    return [
        field
        for record in root.iter("record")
        if record.get("model") == model
        for field in record.iterchildren("field")
        if field.get("name") == name
    ]


def test_manifest_version_takes_the_series(tmp_path):
    addon = _addon(tmp_path)
    changes = kam_series.manifest_version(addon, "19.0")
    text = (addon / "__manifest__.py").read_text()
    assert text == MANIFEST.replace(
        '"version": "18.0.1.2.3"', '"version": "19.0.1.2.3"'
    )
    assert ast.literal_eval(text)["version"] == "19.0.1.2.3"
    assert changes == ["__manifest__.py: version 18.0.1.2.3 -> 19.0.1.2.3"]
    assert kam_series.manifest_version(addon, "19.0") == []


def test_manifest_version_needs_a_series_version(tmp_path):
    addon = _addon(tmp_path)
    path = addon / "__manifest__.py"
    path.write_text(MANIFEST.replace('"18.0.1.2.3"', '"1.2.3"'))
    with pytest.raises(ValueError, match="not <series>"):
        kam_series.manifest_version(addon, "19.0")


def test_renamed_fields_only_on_records_of_the_model(tmp_path):
    addon = _addon(tmp_path, **{"data/records.xml": RECORDS})
    changes = kam_series.renamed_fields(addon, "19.0")
    text = (addon / "data" / "records.xml").read_text()
    root = etree.fromstring(text.encode())
    for model in ("res.users", "ir.actions.act_window", "ir.actions.server"):
        assert _fields(root, model, "groups_id") == [], model
        assert len(_fields(root, model, "group_ids")) == 1, model
    for model in ("ir.ui.menu", "ir.actions.report", "ir.ui.view"):
        assert [f.get("name") for f in _fields(root, model, "group_ids")] == [
            "group_ids"
        ]
    # The view's arch, another model's field, a menu's attribute, CDATA: kept.
    (form,) = root.iter("form")
    assert [f.get("name") for f in form.iter("field")] == ["groups_id", "users"]
    assert _fields(root, "res.partner", "users")
    assert 'groups="base.group_system"' in text
    assert '<![CDATA[ <record model="res.users"> ]]>' in text
    # Only the names changed: the text is the source's otherwise.
    assert text.replace('name="group_ids"', 'name="groups_id"') == RECORDS
    assert len(changes) == 6
    assert changes[0] == "data/records.xml: user_x.groups_id -> group_ids"


def test_renamed_fields_of_a_group(tmp_path):
    addon = _addon(tmp_path, **{"security/security.xml": SECURITY})
    kam_series.renamed_fields(addon, "19.0")
    text = (addon / "security" / "security.xml").read_text()
    root = etree.fromstring(text.encode())
    assert _fields(root, "res.groups", "users") == []
    (field,) = _fields(root, "res.groups", "user_ids")
    assert field.get("eval") == "[Command.link(ref('base.user_admin'))]"
    assert text == SECURITY.replace('name="users"', 'name="user_ids"')


def test_groups_privilege_holds_the_category(tmp_path):
    po = (
        "#. module: sample\n"
        "#: model:ir.module.category,name:sample.module_category_sample\n"
        'msgid "Sample App"\nmsgstr "Aplicación de ejemplo"\n'
    )
    addon = _addon(
        tmp_path,
        **{
            "security/security.xml": SECURITY,
            "i18n/es.po": po,
            "i18n/sample.pot": po.replace("Aplicación de ejemplo", ""),
        },
    )
    changes = kam_series.groups_privilege(addon, "19.0")
    text = (addon / "security" / "security.xml").read_text()
    root = etree.fromstring(text.encode())
    assert _fields(root, "res.groups", "category_id") == []
    refs = [f.get("ref") for f in _fields(root, "res.groups", "privilege_id")]
    assert refs == ["res_groups_privilege_sample"] * 2
    (privilege,) = (
        r for r in root.iter("record") if r.get("model") == "res.groups.privilege"
    )
    assert privilege.get("id") == "res_groups_privilege_sample"
    assert {
        f.get("name"): (f.text, f.get("eval"), f.get("ref")) for f in privilege
    } == {
        "name": ("Sample App", None, None),
        "sequence": (None, "7", None),
        "category_id": (None, None, "module_category_sample"),
    }
    # Declared once, before the first group, in the file's own indentation.
    records = [r.get("id") for r in root.iter("record")]
    assert records == [
        "module_category_sample",
        "res_groups_privilege_sample",
        "group_sample_user",
        "group_sample_manager",
    ]
    assert '\n    <record id="res_groups_privilege_sample"' in text
    assert "<!-- The users. -->" in text
    assert changes[0] == (
        "security/security.xml: res.groups.privilege res_groups_privilege_sample "
        "(module_category_sample)"
    )
    # The privilege's name has the category's translations.
    for name in ("es.po", "sample.pot"):
        lines = (addon / "i18n" / name).read_text().splitlines()
        assert lines[1:3] == [
            "#: model:ir.module.category,name:sample.module_category_sample",
            "#: model:res.groups.privilege,name:sample.res_groups_privilege_sample",
        ]


def test_groups_privilege_needs_the_category_in_the_file(tmp_path):
    xml = SECURITY.replace('model="ir.module.category"', 'model="ir.ui.menu"')
    addon = _addon(tmp_path, **{"security/security.xml": xml})
    with pytest.raises(ValueError, match="category defined in the same file"):
        kam_series.groups_privilege(addon, "19.0")


def test_migration_folders_lose_the_source_series(tmp_path):
    addon = _addon(tmp_path)
    for folder in ("18.0.1.1.0", "18.0.1.2.0", "19.0.1.2.1", "0.0.0", "1.0.5"):
        (addon / "migrations" / folder).mkdir(parents=True)
        (addon / "migrations" / folder / "post-migrate.py").write_text("")
    changes = kam_series.migrations_majorless(addon, "19.0")
    assert sorted(p.name for p in (addon / "migrations").iterdir()) == [
        "0.0.0",
        "1.0.5",
        "1.1.0",
        "1.2.0",
        "19.0.1.2.1",
    ]
    assert changes == [
        "migrations/18.0.1.1.0 -> migrations/1.1.0",
        "migrations/18.0.1.2.0 -> migrations/1.2.0",
    ]
    (addon / "migrations" / "18.0.1.1.0").mkdir()
    with pytest.raises(ValueError, match="same step"):
        kam_series.migrations_majorless(addon, "19.0")


@pytest.mark.parametrize(
    ("installed", "current", "expected"),
    [
        # An 18.0 database at the last 18.0 version: nothing runs again.
        ("18.0.1.2.0", "19.0.1.2.0", {"18.0.1.1.0": False, "1.1.0": False}),
        # One of an older 18.0 version: each step once, on either name.
        ("18.0.1.0.0", "19.0.1.2.0", {"18.0.1.1.0": True, "1.1.0": True}),
        # A later step of the source: only the majorless name reaches 19.0.
        ("19.0.1.2.0", "19.0.1.3.0", {"18.0.1.3.0": False, "1.3.0": True}),
        ("18.0.1.2.0", "18.0.1.3.0", {"18.0.1.3.0": True, "1.3.0": True}),
        ("18.0.1.2.0", "19.0.1.3.0", {"18.0.1.3.0": True, "1.3.0": True}),
        # A step only 19.0 databases need.
        ("18.0.1.2.0", "19.0.1.2.1", {"19.0.1.2.1": True}),
        ("19.0.1.2.1", "19.0.1.3.0", {"19.0.1.2.1": False}),
        ("18.0.1.2.0", "18.0.1.3.0", {"19.0.1.2.1": False}),
    ],
)
def test_which_migration_folders_odoo_runs(installed, current, expected):
    runs = {f: kam_series.migration_runs(f, installed, current) for f in expected}
    assert runs == expected


def test_migration_runs_agrees_with_odoo_version_order():
    """Where Odoo imports, its own parse_version orders these versions as
    kam_series does (numbers, trailing zeros ignored)."""
    parse_version = pytest.importorskip("odoo.tools.parse_version").parse_version
    versions = ["18.0.1.0.0", "18.0.1.1", "18.0.1.1.0", "18.0.1.2.0", "19.0.1.2.0"]
    assert sorted(versions, key=parse_version) == versions
    assert parse_version("18.0.1.1") == parse_version("18.0.1.1.0")
    assert parse_version("18.0.1.2.0")[2:] == parse_version("19.0.1.2.0")[2:]


def test_oca_requirements_of_each_series():
    source = (ROOT / "requirements-oca.txt").read_text()
    assert kam_series.oca_requirements("18.0") == source
    text = kam_series.oca_requirements("19.0")
    assert "odoo-addon-report_xlsx==19.0.*" in text.splitlines()
    assert "==18.0" not in text


@pytest.fixture(scope="module")
def tree_19(tmp_path_factory):
    return kam_series.build("19.0", tmp_path_factory.mktemp("series") / "19.0")


def _records_of(tree):
    for path in sorted(tree.rglob("*.xml")):
        if "static" in path.parts:
            continue
        root = etree.parse(str(path)).getroot()
        yield path, list(root.iter("record"))


def test_built_19_tree_has_19_names_only(tree_19):
    for addon in kam_series.ADDONS:
        manifest = ast.literal_eval((tree_19 / addon / "__manifest__.py").read_text())
        source = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
        assert manifest["version"] == "19.0." + source["version"].split(".", 2)[2]
        assert {k: v for k, v in manifest.items() if k != "version"} == {
            k: v for k, v in source.items() if k != "version"
        }
        migrations = tree_19 / addon / "migrations"
        assert not [p for p in migrations.iterdir() if p.name.startswith("18.0.")]
    used, declared = set(), set()
    for path, records in _records_of(tree_19):
        for record in records:
            names = {f.get("name") for f in record.iterchildren("field")}
            assert "groups_id" not in names, (path, record.get("id"))
            if record.get("model") == "res.groups":
                assert not names & {"category_id", "users"}, (path, record.get("id"))
                if "privilege_id" in names:
                    (field,) = (
                        f
                        for f in record.iterchildren("field")
                        if f.get("name") == "privilege_id"
                    )
                    used.add(field.get("ref"))
            if record.get("model") == "res.groups.privilege":
                assert "category_id" in names
                declared.add(record.get("id"))
    assert used == declared == {"res_groups_privilege_kam"}
    security = (
        tree_19 / "kam_management" / "security" / "kam_management_security.xml"
    ).read_text()
    assert 'model="res.groups.privilege"' in security
    assert 'name="user_ids"' in security
    po = (tree_19 / "kam_management" / "i18n" / "es.po").read_text()
    assert "res.groups.privilege,name:kam_management.res_groups_privilege_kam" in po
    assert (tree_19 / "requirements-oca.txt").read_text() == (
        kam_series.oca_requirements("19.0")
    )


def test_built_19_tree_differs_only_where_the_rules_say(tree_19):
    """Every other file is the source's, byte for byte."""
    changed = set()
    for addon in kam_series.ADDONS:
        for path in sorted((ROOT / addon).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(ROOT)
            built = tree_19 / rel
            if "migrations" in rel.parts:
                parts = list(rel.parts)
                parts[2] = parts[2].removeprefix("18.0.")
                built = tree_19.joinpath(*parts)
            if built.read_bytes() != path.read_bytes():
                changed.add(rel.as_posix())
    listed = (tree_19 / kam_series.MARKER).read_text()
    for rel in changed:
        assert rel in listed or rel.endswith((".po", ".pot")), rel
    assert "kam_management/__manifest__.py" in changed


def test_built_18_tree_is_the_source(tmp_path):
    tree = kam_series.build("18.0", tmp_path / "18.0")

    def same(comparison):
        assert not comparison.left_only, comparison.left_only
        assert not comparison.right_only, comparison.right_only
        _match, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        assert not mismatch and not errors, (comparison.left, mismatch, errors)
        for sub in comparison.subdirs.values():
            same(sub)

    for addon in kam_series.ADDONS:
        same(filecmp.dircmp(ROOT / addon, tree / addon, ignore=["__pycache__"]))


def test_build_never_replaces_the_source_or_a_foreign_folder(tmp_path):
    for out in (ROOT, ROOT / "kam_management", ROOT.parent):
        with pytest.raises(SystemExit, match="overwrite the source"):
            kam_series.build("19.0", out)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="not an earlier build"):
        kam_series.build("19.0", foreign)
    assert (foreign / "notes.txt").read_text() == "keep me"
    with pytest.raises(SystemExit, match="not supported"):
        kam_series.build("17.0", tmp_path / "17.0")


def test_each_rule_says_what_19_needs():
    assert kam_series.SERIES["18.0"] == ()
    assert [r.__name__ for r in kam_series.SERIES["19.0"]] == [
        "manifest_version",
        "migrations_majorless",
        "renamed_fields",
        "groups_privilege",
    ]
    for rule in kam_series.RULES:
        assert "19.0" in rule.__doc__ and ".py" in rule.__doc__, rule.__name__
    assert kam_series.ODOO_ARGS == {"18.0": (), "19.0": ("--with-demo",)}
