"""Engine, packaging and developer-command tests: no Odoo database needed.

pytest-odoo (installed with the development requirements) loads an Odoo
registry for every test of the session; these tests need none, so its two
session fixtures are replaced by no-ops here. The Odoo tests, under each
addon's ``tests`` folder, keep them.
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """No Odoo registry for the tests of this folder."""
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    """No Odoo HTTP server for the tests of this folder."""
    yield
