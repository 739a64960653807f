"""Packaging: the Odoo addons, with the scoring package inside.

``pip install .`` installs each addon as ``odoo.addons.<addon>`` with its data
files, so that Odoo finds it without editing ``addons_path`` (like the OCA
wheels built with setuptools-odoo). The pure scoring package is part of the
addon (``odoo.addons.kam_management.kam_scoring``), where the addon imports it
from; there is no second, top-level ``kam_scoring`` whose scorer registry
would not be the one the addon uses.
"""

import ast
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
ADDONS = ["kam_management"]


def manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


def addon_packages(addon):
    """Map odoo.addons.<addon>[.sub] package names to their folders."""
    return {
        ".".join(("odoo", "addons", *init.parent.relative_to(ROOT).parts)): str(
            init.parent.relative_to(ROOT)
        )
        for init in sorted((ROOT / addon).rglob("__init__.py"))
    }


def addon_data(addon):
    """Every non-Python file of the addon (views, data, i18n, static...), and
    the migration scripts (Python files Odoo reads, in no package)."""
    base = ROOT / addon
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
    install_requires=["pandas>=1.5", "numpy>=1.23", "scipy>=1.9"],
    extras_require={
        # Odoo itself is usually installed from its source tree or nightly
        # package, which pip does not see; ask for it explicitly if wanted.
        "odoo": ["odoo>=18.0,<18.1"],
    },
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Affero General Public License v3",
        "Programming Language :: Python :: 3",
    ],
    zip_safe=False,
)
