"""Load scripts/kam_dev.py (a script, not a package) for the tests."""

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "scripts" / "kam_dev.py"
_spec = importlib.util.spec_from_file_location("kam_dev", _PATH)
kam_dev = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kam_dev)
