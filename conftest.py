"""The Odoo tests, run by pytest-odoo, fail on errors Odoo logs.

Odoo's own test runner counts an ERROR logged during a test as a failure of
that test; pytest-odoo does not. This keeps Odoo's rule for the addons' tests
(expected errors are muted in the tests with ``mute_logger``).
"""

import logging

import pytest


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        if record.name.startswith("odoo"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def odoo_logged_errors(request):
    if "odoo.addons." not in request.node.module.__name__:
        yield
        return
    collector = _ErrorCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    if collector.records:
        messages = "\n".join(
            f"{r.name}: {r.getMessage()}"[:2000] for r in collector.records[:5]
        )
        pytest.fail(f"Odoo logged {len(collector.records)} error(s):\n{messages}")
