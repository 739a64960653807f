"""Show what the Odoo test run counted in pytest's closing summary."""

ODOO_SUMMARY = []


def pytest_terminal_summary(terminalreporter):
    for line in ODOO_SUMMARY:
        terminalreporter.write_line(line)
