"""Packaging: the Odoo addons (kam_management, kam_reports), with the scoring
package inside kam_management.

``pip install .`` installs each addon as ``odoo.addons.<addon>`` with its data
files, so that Odoo finds it without editing ``addons_path`` (like the OCA
wheels built with setuptools-odoo). The pure scoring package is part of the
addon (``odoo.addons.kam_management.kam_scoring``), where the addon imports it
from; there is no second, top-level ``kam_scoring`` whose scorer registry
would not be the one the addon uses.

One wheel per Odoo series, as OCA publishes them: its version is the main
addon's for that series (18.0.x.y.z, 19.0.x.y.z) and it requires the OCA
addons' wheels of the same series (``odoo-addon-report_xlsx==19.0.*``). The
series is the source's (18.0) unless ``KAM_SERIES`` names another, whose
addons ``scripts/kam_series.py`` builds into ``build/series/<series>`` first:

    python3 scripts/kam_series.py wheel 19.0     # dist/...-19.0.x.y.z-*.whl
"""

import ast
import importlib.util
import os
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
ADDONS = ["kam_management", "kam_reports"]


def _kam_series():
    path = ROOT / "scripts" / "kam_series.py"
    spec = importlib.util.spec_from_file_location("kam_series", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kam_series = _kam_series()
SERIES = os.environ.get("KAM_SERIES") or kam_series.SOURCE_SERIES
# The addons of the series: the source itself, or a tree built from it.
TREE = (
    ROOT
    if SERIES == kam_series.SOURCE_SERIES
    else kam_series.build(SERIES, ROOT / "build" / "series" / SERIES)
)


def manifest(addon):
    return ast.literal_eval((TREE / addon / "__manifest__.py").read_text())


def addon_packages(addon):
    """Map odoo.addons.<addon>[.sub] package names to their folders."""
    return {
        ".".join(("odoo", "addons", *init.parent.relative_to(TREE).parts)): str(
            init.parent.relative_to(ROOT)
        )
        for init in sorted((TREE / addon).rglob("__init__.py"))
    }


def addon_data(addon):
    """Every non-Python file of the addon (views, data, i18n, static...), and
    the migration scripts (Python files Odoo reads, in no package)."""
    base = TREE / addon
    return [
        path.relative_to(base).as_posix()
        for path in sorted(base.rglob("*"))
        if path.is_file()
        and path.suffix != ".pyc"
        and (path.suffix != ".py" or path.relative_to(base).parts[0] == "migrations")
        and "__pycache__" not in path.parts
    ]


package_dir = {}
package_data = {}
for name in ADDONS:
    package_dir.update(addon_packages(name))
    package_data[f"odoo.addons.{name}"] = addon_data(name)

main = manifest("kam_management")
# The third-party Python packages the addons' manifests declare, and the
# wheels of the OCA addons kam_reports depends on (report_xlsx), of the same
# series. These require an installed `odoo` distribution, which a source
# install of Odoo is not: beside one, install this wheel with --no-deps, then
# requirements.txt, and requirements-oca.txt with --no-deps (README).
python_requires = sorted(
    {
        package
        for name in ADDONS
        for package in manifest(name).get("external_dependencies", {}).get("python", [])
    }
)
oca_requires = [
    line.strip()
    for line in kam_series.oca_requirements(SERIES).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]
MINIMUM = {
    "pandas": ">=1.5",
    "numpy": ">=1.23",
    "scipy": ">=1.9",
    "xlsxwriter": ">=3.0",
}
setup(
    name="odoo-addons-key-account-management",
    version=main["version"],
    description=main["summary"],
    long_description=(ROOT / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    author=main["author"],
    license="AGPL-3.0-or-later",
    url=main["website"],
    python_requires=">=3.10",
    packages=sorted(package_dir),
    package_dir=package_dir,
    package_data=package_data,
    include_package_data=False,
    install_requires=[
        *(name + MINIMUM.get(name, "") for name in python_requires),
        *oca_requires,
    ],
    extras_require={
        # Odoo itself is usually installed from its source tree or nightly
        # package, which pip does not see; ask for it explicitly if wanted.
        "odoo": [f"odoo>={SERIES},<{SERIES.split('.')[0]}.1"],
    },
    classifiers=[
        "Framework :: Odoo",
        f"Framework :: Odoo :: {SERIES}",
        "License :: OSI Approved :: GNU Affero General Public License v3",
        "Programming Language :: Python :: 3",
    ],
    zip_safe=False,
)
