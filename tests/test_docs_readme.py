"""The root README and the benchmarks' README say what the repository holds.

- The table of addons (between OCA's ``[//]: # (addons)`` markers) lists each
  addon with its manifest's version and summary.
- The README states the one definition of invoiced revenue, word for word as
  kam_management's DESCRIPTION fragment does.
- Every relative link of the READMEs points at a file or folder that exists.
- Every benchmark script is documented in benchmarks/README.md with the
  command that prints its figures, and shares benchmarks/harness.py.
"""

import ast
import re
from pathlib import Path

import pytest

from .kam_dev_loader import kam_dev

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BENCHMARKS = ROOT / "benchmarks"
REVENUE = (
    "Invoiced revenue: the product lines (display type 'product') of posted "
    "customer invoices and credit notes of the company, dated by their invoice "
    "date, untaxed, in the company currency (the line's balance, so an invoice "
    "in a foreign currency counts at the rate it was posted with); credit notes "
    "count negative. Tax, rounding, payment-term and section/note lines do not "
    "count. Each line counts for the commercial entity of the invoice's "
    "customer (an invoice addressed to a contact or delivery address counts "
    "for its company, archived contacts included); customers that are "
    "themselves archived are left out of the classification."
)


def _flat(text):
    return " ".join(text.split())


def _manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text("utf-8"))


def test_addons_table_follows_the_manifests():
    text = README.read_text(encoding="utf-8")
    table = text.split("[//]: # (addons)")[1].split("[//]: # (end addons)")[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in table.strip().splitlines()[2:]
    ]
    expected = [
        [
            f"[{addon}]({addon}/)",
            _manifest(addon)["version"],
            _manifest(addon)["summary"],
        ]
        for addon in kam_dev.ADDONS
    ]
    assert rows == expected


def test_readme_defines_invoiced_revenue():
    assert REVENUE in _flat(README.read_text(encoding="utf-8"))
    description = ROOT / "kam_management" / "readme" / "DESCRIPTION.md"
    fragment = _flat(description.read_text(encoding="utf-8"))
    assert REVENUE.replace("Invoiced revenue: the", "") in fragment


@pytest.mark.parametrize("readme", ["README.md", "benchmarks/README.md"])
def test_relative_links_exist(readme):
    path = ROOT / readme
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text("utf-8"))
    missing = [
        link
        for link in links
        if "://" not in link and not (path.parent / link).exists()
    ]
    assert not missing, missing


def test_every_benchmark_is_documented_and_uses_the_harness():
    documented = (BENCHMARKS / "README.md").read_text(encoding="utf-8")
    scripts = sorted(
        path for path in BENCHMARKS.glob("*.py") if path.name != "harness.py"
    )
    assert scripts
    for script in scripts:
        assert f"python3 benchmarks/{script.name}" in documented, script.name
        assert re.search(r"^import harness$", script.read_text("utf-8"), re.M), (
            f"{script.name} does not use benchmarks/harness.py"
        )
    for command in re.findall(r"python3 benchmarks/(\w+\.py)", documented):
        assert (BENCHMARKS / command).exists(), command
