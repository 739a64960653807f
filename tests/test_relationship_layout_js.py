"""The relationship map's layout, checked by its own JavaScript test under node.

``kam_management/static/tests/relationship_layout.test.mjs`` imports the
layout module (no Odoo import) and checks its geometry: no link crosses a
person or a label other than its own two ends, and the same data gives the
same picture.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST = ROOT / "kam_management" / "static" / "tests" / "relationship_layout.test.mjs"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed (it runs the JS test)")
def test_relationship_layout_under_node():
    proc = subprocess.run(
        [NODE, "--test", str(TEST)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
