#!/usr/bin/env python3
"""The addons for each Odoo series, built from the one source tree.

    python3 scripts/kam_series.py build 19.0 [--out DIR]  # the addons for 19.0
    python3 scripts/kam_series.py build 18.0 [--out DIR]  # a plain copy
    python3 scripts/kam_series.py wheel 19.0 [--out DIR]  # the wheel for 19.0
    python3 scripts/kam_series.py rules                   # what each rule does

The source tree (``kam_management``, ``kam_reports``) is written for the
series of its manifests' versions (18.0) and runs on 19.0 as it is wherever
its code can: what differs in Python is named once in
``kam_management/compat.py``. What cannot be written once is declarative: a
manifest version starts with its series, and some records' fields and models
changed names in 19.0. This script copies the addons and applies to the copy
the rules of the series asked for, each a function below with the 19.0 source
that calls for it. The copy is never edited by hand and never committed (the
default output folder, ``.series/<series>``, is git-ignored): a change is
made once, in the source, and ``make test`` / ``make test-19`` and the wheels
take it from there.

The XML rules read and write the records with lxml; only a file a rule
changes is written again (the others stay byte for byte the source's).

Odoo 19.0's own ``odoo-bin upgrade_code`` scripts are not run: for these
addons they would rewrite ``_sql_constraints``, which the source declares for
both series through ``compat.sql_constraints``, and turn one search filter
into 19.0's dynamic-date syntax, which 18.0 does not read (the old
expression still works on 19.0). Neither is wanted; none of them touches the
records the rules below handle.
"""

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("kam_management", "kam_reports")
#: Where ``build`` writes a series' addons by default (git-ignored).
BUILD_DIR = ROOT / ".series"
#: The file of a built tree that says it is one (``build`` replaces only
#: folders that hold it).
MARKER = ".kam_series"
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


def _manifest(addon_dir):
    return ast.literal_eval((Path(addon_dir) / "__manifest__.py").read_text())


def source_series():
    """The series the source is written for: that of its manifest versions."""
    return ".".join(_manifest(ROOT / ADDONS[0])["version"].split(".")[:2])


SOURCE_SERIES = source_series()


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------
#: Every rule, in the order they run; each takes an addon folder of the built
#: tree and the series, and returns what it changed (one line a change).
RULES = []


def rule(func):
    RULES.append(func)
    return func


def _series_version(version, serie):
    parts = version.split(".")
    if len(parts) != 5:
        raise ValueError(f"{version!r} is not <series>.x.y.z (5 numbers)")
    return ".".join([*serie.split("."), *parts[2:]])


@rule
def manifest_version(addon, serie):
    """The manifest's version starts with the series: 18.0.x.y.z -> 19.0.x.y.z.

    19.0 sets ``installable=False`` on a module whose version starts with
    another series, with only a warning (odoo/modules/module.py:466,
    ``adapt_version`` :551). The module's own part (x.y.z) is kept: it is
    what the migration folders compare (see ``migrations_majorless``).
    """
    path = addon / "__manifest__.py"
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    (node,) = (
        value
        for key, value in zip(
            tree.body[0].value.keys, tree.body[0].value.values, strict=True
        )
        if isinstance(key, ast.Constant) and key.value == "version"
    )
    old = node.value
    new = _series_version(old, serie)
    if new == old:
        return []
    lines = text.splitlines(keepends=True)
    line = lines[node.lineno - 1]
    start = len(line.encode()[: node.col_offset].decode())
    end = len(line.encode()[: node.end_col_offset].decode())
    lines[node.lineno - 1] = line[:start] + repr(new).replace("'", '"') + line[end:]
    path.write_text("".join(lines), encoding="utf-8")
    return [f"{path.name}: version {old} -> {new}"]


@rule
def migrations_majorless(addon, serie):
    """Migration folders of the source series lose the series: 18.0.1.2.0 -> 1.2.0.

    Odoo compares a folder named with a series (``18.0.1.2.0``) with the
    whole installed version, and a folder named by the module's version only
    (``1.2.0``) with the module part of both versions
    (odoo/modules/migration.py:196-209 on 19.0, the same rule on 18.0). So,
    on 19.0:

    - an 18.0 database at 18.0.1.2.0 updated to 19.0.1.2.0 runs neither
      ``18.0.1.1.0`` nor ``1.1.0`` (both already ran on 18.0);
    - one still at 18.0.1.0.0 runs each once, as its 18.0 update would have;
    - but a step the source adds later as ``18.0.1.3.0`` would never run on
      a 19.0 database at 19.0.1.2.0 (19.0.1.2.0 is above 18.0.1.3.0), while
      ``1.3.0`` runs there exactly once, and once on an 18.0 database too.

    A majorless folder is therefore right on both series, and the source may
    use such names itself (this rule then changes nothing). Folders named
    with another series (``19.0.x``: a step only a 19.0 database needs) and
    ``0.0.0`` are kept as they are.
    """
    folder = addon / "migrations"
    if not folder.is_dir():
        return []
    changes = []
    prefix = SOURCE_SERIES + "."
    for path in sorted(folder.iterdir()):
        if not path.is_dir() or not path.name.startswith(prefix):
            continue
        target = folder / path.name[len(prefix) :]
        if target.exists():
            raise ValueError(f"{path} and {target} are the same step: keep one")
        path.rename(target)
        changes.append(f"migrations/{path.name} -> migrations/{target.name}")
    return changes


def _xml_files(addon):
    """The addon's data XML files (views, data, demo, security, reports)."""
    return sorted(
        path
        for path in addon.rglob("*.xml")
        if "static" not in path.relative_to(addon).parts
    )


class XmlFile:
    """An XML data file, read with lxml, edited in its own text.

    lxml finds the elements a rule changes; each change is then made in the
    file's text at the element's own start tag, so that everything else
    (formatting, quotes, comments) stays the source's and the difference
    between two series' trees is the rules' changes alone. ``save`` parses
    the result again before writing it.
    """

    def __init__(self, path):
        from lxml import etree  # noqa: PLC0415 (Odoo's requirement; XML rules only)

        self.path = path
        self.data = path.read_bytes()
        self.root = etree.fromstring(self.data)
        self.edits = []  # (start, end, new bytes)
        self._spans = None

    def records(self, model):
        return [r for r in self.root.iter("record") if r.get("model") == model]

    @staticmethod
    def fields(record, name):
        return [f for f in record.iterchildren("field") if f.get("name") == name]

    def start_tag(self, element):
        """Where ``element``'s start tag is in the text: (start, end).

        The n-th element of the document is the n-th start tag of its text
        (comments, processing instructions, CDATA and end tags skipped).
        """
        if self._spans is None:
            self._spans = _start_tags(self.data)
            elements = [e for e in self.root.iter() if isinstance(e.tag, str)]
            if len(elements) != len(self._spans):
                raise ValueError(f"{self.path}: start tags not matched")
            self._index = {id(e): i for i, e in enumerate(elements)}
            self._keep = elements  # ids stay valid while the elements live
        return self._spans[self._index[id(element)]]

    def set(self, element, attribute, value):
        """Give ``attribute`` of ``element`` the new ``value`` (it has one)."""
        start, end = self.start_tag(element)
        tag = self.data[start:end]
        pattern = re.compile(rb"(\s%s\s*=\s*)([\"'])(.*?)\2" % attribute.encode())
        match = pattern.search(tag)
        self.edits.append(
            (start + match.start(3), start + match.end(3), value.encode())
        )
        element.set(attribute, value)

    def insert_before(self, element, text):
        """Insert ``text`` at the start of the line of ``element``'s tag."""
        start, _end = self.start_tag(element)
        line_start = self.data.rfind(b"\n", 0, start) + 1
        self.edits.append((line_start, line_start, text.encode()))

    def indent(self, element):
        start, _end = self.start_tag(element)
        return self.data[self.data.rfind(b"\n", 0, start) + 1 : start].decode()

    def save(self):
        from lxml import etree  # noqa: PLC0415

        data = self.data
        for start, end, new in sorted(self.edits, reverse=True):
            data = data[:start] + new + data[end:]
        etree.fromstring(data)  # still well-formed
        self.path.write_bytes(data)
        return data


def _start_tags(data):
    """The (start, end) offsets of every start tag of an XML text, in order."""
    spans, pos = [], 0
    skip = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!", b">"))
    while (pos := data.find(b"<", pos)) != -1:
        for opening, closing in skip:
            if data.startswith(opening, pos):
                pos = data.index(closing, pos) + len(closing)
                break
        else:
            start, quote = pos, None
            pos += 1
            while True:
                char = data[pos : pos + 1]
                if quote:
                    quote = None if char == quote else quote
                elif char in (b'"', b"'"):
                    quote = char
                elif char == b">":
                    break
                pos += 1
            pos += 1
            if data[start + 1 : start + 2] != b"/":
                spans.append((start, pos))
    return spans


def _xml_edits(addon, edit):
    """Run ``edit(xml_file)`` on each XML file of the addon; save those it
    changed; return its change lines, with their file."""
    changes = []
    for path in _xml_files(addon):
        xml = XmlFile(path)
        changed = edit(xml)
        if xml.edits:
            xml.save()
        changes += [f"{path.relative_to(addon).as_posix()}: {c}" for c in changed]
    return changes


#: Fields 19.0 renamed, as (model, field of the source): (field on 19.0,
#: where 19.0 declares it). 18.0 has only the old name, 19.0 only the new.
RENAMED_FIELDS = {
    ("res.groups", "users"): ("user_ids", "odoo/addons/base/models/res_groups.py:17"),
    ("res.users", "groups_id"): (
        "group_ids",
        "odoo/addons/base/models/res_users.py:257",
    ),
    ("ir.actions.act_window", "groups_id"): (
        "group_ids",
        "odoo/addons/base/models/ir_actions.py:328",
    ),
    ("ir.actions.server", "groups_id"): (
        "group_ids",
        "odoo/addons/base/models/ir_actions.py:660",
    ),
    ("ir.actions.report", "groups_id"): (
        "group_ids",
        "odoo/addons/base/models/ir_actions_report.py:182",
    ),
    ("ir.ui.menu", "groups_id"): (
        "group_ids",
        "odoo/addons/base/models/ir_ui_menu.py:29",
    ),
    ("ir.ui.view", "groups_id"): (
        "group_ids",
        "odoo/addons/base/models/ir_ui_view.py:175",
    ),
}


@rule
def renamed_fields(addon, serie):
    """Fields of records that 19.0 renamed: ``groups_id`` -> ``group_ids``
    (users, window and server actions, reports, menus, views) and a group's
    ``users`` -> ``user_ids``, in data and demo files alike. 19.0 declares
    them in odoo/addons/base/models/: res_users.py:257, ir_actions.py:328
    and :660, ir_actions_report.py:182, ir_ui_menu.py:29, ir_ui_view.py:175,
    res_groups.py:17 (``RENAMED_FIELDS``).

    19.0 refuses the install on the old name ("Invalid field 'groups_id' in
    'res.users'"). Only a ``<field>`` child of a ``<record>`` of that model
    is renamed: a field of the same name inside a view's arch, or the
    ``groups`` attribute of a menu, a template or a view element (the same
    on both series), is left alone.
    """

    def edit(xml):
        changed = []
        for (model, old), (new, _where) in RENAMED_FIELDS.items():
            for record in xml.records(model):
                for field in xml.fields(record, old):
                    xml.set(field, "name", new)
                    changed.append(f"{record.get('id')}.{old} -> {new}")
        return changed

    return _xml_edits(addon, edit)


@rule
def groups_privilege(addon, serie):
    """A group's ``category_id`` -> a ``res.groups.privilege`` holding the
    category, and ``privilege_id`` on the group.

    19.0 moved the application a group belongs to into the privilege
    (odoo/addons/base/models/res_groups.py:36 ``privilege_id``;
    res_groups_privilege.py:13 ``category_id``) and refuses ``category_id``
    on ``res.groups``. As Odoo's own addons do (19.0
    addons/sales_team/security/sales_team_security.xml:3-12), one privilege
    per category, with the category's name and sequence (the category is
    defined in the same file), is declared just before the first group that
    uses it; its id is the category's with ``res_groups_privilege_`` for
    ``module_category_``. The privilege's name gets the translations of the
    category's name (a reference line beside the category's in the addon's
    .pot and .po files: Odoo applies a record term's translation by xml id).
    """

    def edit(xml):
        changed = []
        categories = {r.get("id"): r for r in xml.records("ir.module.category")}
        declared = {}
        for group in xml.records("res.groups"):
            for field in xml.fields(group, "category_id"):
                ref = field.get("ref")
                if ref not in categories:
                    raise ValueError(
                        f"{xml.path}: {group.get('id')}: category_id must be a "
                        "ref to a category defined in the same file (its "
                        "privilege takes the category's name)"
                    )
                if ref not in declared:
                    declared[ref] = _declare_privilege(xml, categories[ref], group)
                    changed.append(f"res.groups.privilege {declared[ref]} ({ref})")
                    _translate_like(
                        addon,
                        f"ir.module.category,name:{_xmlid(addon, ref)}",
                        f"res.groups.privilege,name:{_xmlid(addon, declared[ref])}",
                    )
                xml.set(field, "name", "privilege_id")
                xml.set(field, "ref", declared[ref])
                changed.append(
                    f"{group.get('id')}.category_id -> privilege_id {declared[ref]}"
                )
        return changed

    return _xml_edits(addon, edit)


def _xmlid(addon, ref):
    return ref if "." in ref else f"{addon.name}.{ref}"


def _declare_privilege(xml, category, group):
    """Declare before ``group`` the privilege of ``category``; return its id."""
    from lxml import etree  # noqa: PLC0415

    module, _dot, name = category.get("id").rpartition(".")
    name = name.removeprefix("module_category_")
    privilege = "res_groups_privilege_" + "_".join(p for p in (module, name) if p)
    indent = xml.indent(group)
    lines = [f'{indent}<record id="{privilege}" model="res.groups.privilege">']
    for field in (
        *xml.fields(category, "name")[:1],
        *xml.fields(category, "sequence")[:1],
    ):
        copy = etree.tostring(field, with_tail=False, encoding="unicode")
        lines.append(f"{indent}    {copy}")
    lines.append(f'{indent}    <field name="category_id" ref="{category.get("id")}" />')
    lines.append(f"{indent}</record>")
    xml.insert_before(group, "\n".join(lines) + "\n\n")
    return privilege


def _translate_like(addon, source, target):
    """Give the record term ``target`` (``model,field:xmlid``) the msgid, so
    the translations, of ``source`` in the addon's .pot and .po files."""
    for path in sorted((addon / "i18n").glob("*.po*")):
        out = []
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            out.append(line)
            if line.rstrip("\n") == f"#: model:{source}":
                out.append(f"#: model:{target}\n")
        path.write_text("".join(out), encoding="utf-8")


#: The rules of each series, in the order they run. The source's series has
#: none: its tree is a plain copy of the source.
SERIES = {
    SOURCE_SERIES: (),
    "19.0": (manifest_version, migrations_majorless, renamed_fields, groups_privilege),
}

#: What ``make test`` / ``make run`` add to Odoo's command line on a series:
#: 19.0 installs no demo data unless asked (odoo/tools/config.py:233
#: ``--with-demo``, default False; 18.0 installs it unless ``--without-demo``).
ODOO_ARGS = {
    SOURCE_SERIES: (),
    "19.0": ("--with-demo",),
}


def check_series(serie):
    if serie not in SERIES:
        raise SystemExit(
            f"Series {serie!r} is not supported: one of {', '.join(SERIES)}"
        )
    return serie


def migration_runs(folder, installed, current):
    """Whether Odoo runs the migration folder ``folder`` when a module goes
    from version ``installed`` to ``current`` (both with their series), as
    odoo/modules/migration.py ``compare`` decides (18.0 and 19.0 alike).

    Numeric versions only, which is what the addons use (Odoo's
    ``parse_version`` orders them as tuples of numbers).
    """

    def numbers(version):
        parts = [int(p) for p in version.split(".")]
        while parts and parts[-1] == 0:
            parts.pop()
        return tuple(parts)

    current_series = ".".join(current.split(".")[:2])
    if folder == "0.0.0":
        return numbers(installed) < numbers(current)
    if folder.count(".") > 2:  # with its series
        return numbers(installed) < numbers(folder) <= numbers(current)
    full = f"{current_series}.{folder}"  # majorless: the module parts only
    module = [".".join(v.split(".")[2:]) for v in (installed, full, current)]
    return numbers(module[0]) < numbers(module[1]) <= numbers(module[2])


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------
def oca_requirements(serie):
    """requirements-oca.txt for ``serie``: each ``==<source series>.*`` pin
    of an OCA addon's wheel moved to the series (report_xlsx 19.0.* on 19.0)."""
    text = (ROOT / "requirements-oca.txt").read_text(encoding="utf-8")
    pin = re.compile(r"==%s\.\*" % re.escape(SOURCE_SERIES))
    return pin.sub(f"=={serie}.*", text)


def default_out(serie):
    return BUILD_DIR / serie


def build(serie, out=None, verbose=False):
    """Write the addons of ``serie`` into ``out`` (a folder replaced as a
    whole, which must be new, empty or an earlier build); return ``out``.

    ``out`` gets ``kam_management``, ``kam_reports`` and the series'
    ``requirements-oca.txt``; on the source's series the addons are a plain
    copy of the source.
    """
    check_series(serie)
    out = Path(out or default_out(serie)).resolve()
    if (
        out == ROOT
        or ROOT.is_relative_to(out)
        or any(out.is_relative_to(ROOT / addon) for addon in ADDONS)
    ):
        raise SystemExit(f"{out} would overwrite the source")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SystemExit(f"{out} is not an earlier build (no {MARKER}): not replaced")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for addon in ADDONS:
        shutil.copytree(ROOT / addon, out / addon, ignore=_IGNORED)
    (out / "requirements-oca.txt").write_text(oca_requirements(serie), encoding="utf-8")
    changes = []
    for addon in ADDONS:
        for func in SERIES[serie]:
            changes += [
                f"{addon}/{c} [{func.__name__}]" for c in func(out / addon, serie)
            ]
    (out / MARKER).write_text(
        f"Odoo {serie} addons built from the {SOURCE_SERIES} source by "
        "scripts/kam_series.py; do not edit: rebuild.\n"
        + "".join(f"{c}\n" for c in changes),
        encoding="utf-8",
    )
    if verbose:
        print("\n".join(changes) or "(plain copy)")
    return out


def wheel(serie, out):
    """Build the wheel of ``serie`` into ``out`` (``setup.py`` reads the
    series from ``KAM_SERIES``); return its path."""
    check_series(serie)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    # setuptools reuses build/ of an earlier build: files of another series
    # would end up in the wheel.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    version = _series_version(_manifest(ROOT / ADDONS[0])["version"], serie)
    for old in out.glob(f"*-{version}-*.whl"):
        old.unlink()
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
        env=dict(os.environ, KAM_SERIES=serie),
    )
    (path,) = out.glob(f"*-{version}-*.whl")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build_ = sub.add_parser("build", help="write the addons of a series")
    build_.add_argument("serie", choices=sorted(SERIES))
    build_.add_argument("--out", help="output folder (default .series/<series>)")
    wheel_ = sub.add_parser("wheel", help="build the wheel of a series")
    wheel_.add_argument("serie", choices=sorted(SERIES))
    wheel_.add_argument("--out", default=str(ROOT / "dist"), help="default dist/")
    sub.add_parser("rules", help="print the rules of each series")
    args = parser.parse_args(argv)
    if args.command == "build":
        print(build(args.serie, args.out, verbose=True))
    elif args.command == "wheel":
        print(wheel(args.serie, args.out))
    else:
        for serie, rules in SERIES.items():
            print(f"{serie}: " + (", ".join(r.__name__ for r in rules) or "plain copy"))
            for func in rules:
                print(f"\n  {func.__name__}\n    " + func.__doc__.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
