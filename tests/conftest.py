"""Engine, packaging and developer-command tests: no Odoo database needed.

The scoring package lives inside the addon (``kam_management/kam_scoring``,
imported relatively by the addon as ``odoo.addons.kam_management.kam_scoring``)
so that the addon folder copied alone installs. It never imports Odoo: the
engine tests load it here under its own name, ``kam_scoring``, straight from
its folder, without running ``kam_management/__init__.py`` (which imports
Odoo) and without putting the addon folder on ``sys.path`` (its ``models`` and
``tests`` would then shadow other top-level names).

pytest-odoo (installed with the development requirements) loads an Odoo
registry for every test of the session; these tests need none, so its two
session fixtures are replaced by no-ops here. The Odoo tests, under each
addon's ``tests`` folder, keep them.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

SCORING = Path(__file__).resolve().parent.parent / "kam_management" / "kam_scoring"


def _load_scoring():
    spec = importlib.util.spec_from_file_location(
        "kam_scoring",
        SCORING / "__init__.py",
        submodule_search_locations=[str(SCORING)],
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["kam_scoring"] = module
    spec.loader.exec_module(module)
    return module


_load_scoring()


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """No Odoo registry for the tests of this folder."""
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    """No Odoo HTTP server for the tests of this folder."""
    yield
