"""Install the addons in a fresh database and run their Odoo tests.

Skipped, with the reason, where Odoo 18 is neither importable nor given by
``ODOO_SRC``; everywhere else they run against a real PostgreSQL (the embedded
private server, or the one the PG* variables name).
"""

import re

import pytest

from .conftest import ODOO_SUMMARY
from .kam_dev_loader import kam_dev

ODOO = kam_dev.odoo_command()
pytestmark = pytest.mark.skipif(ODOO is None, reason=kam_dev.odoo_missing_reason())

SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
SKIPPED = re.compile(r" odoo\.addons\.[\w.]+: skipped (.*)")
PROBLEM = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) .*$", re.MULTILINE)


@pytest.fixture(scope="module")
def odoo_run(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("odoo") / "odoo-tests.log"
    rc, log, seconds = kam_dev.run_odoo_tests(log_path=log_path)
    found = SUMMARY.findall(log)
    counts = (
        "no summary"
        if not found
        else "{} failed, {} error(s) of {} tests".format(*found[-1])
    )
    skipped = len(SKIPPED.findall(log))
    ODOO_SUMMARY.append(
        f"Odoo tests (kam_management): {counts}, {skipped} skipped, "
        f"in {seconds:.0f}s; log: {log_path}"
    )
    return rc, log


def test_odoo_tests_pass(odoo_run):
    rc, log = odoo_run
    summaries = SUMMARY.findall(log)
    assert summaries, "Odoo printed no test summary:\n" + log[-3000:]
    failed, errors, total = (int(v) for v in summaries[-1])
    problems = [m.group(0) for m in PROBLEM.finditer(log)]
    assert not problems, "\n".join(problems[:20])
    assert (failed, errors) == (0, 0), log[-5000:]
    assert total >= 20, f"only {total} Odoo tests ran"
    assert rc == 0, log[-3000:]


def test_browser_checks_ran(odoo_run):
    _rc, log = odoo_run
    skipped = SKIPPED.findall(log)
    if skipped:
        pytest.skip("Odoo skipped: " + "; ".join(skipped))
    assert "kam_management_classification_tour" in log or "test_tour" in log
