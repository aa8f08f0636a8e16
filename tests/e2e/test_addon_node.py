"""Runs the add-on's JavaScript tests (`node --test tests/addon`) from pytest, so the one test
command covers them."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("node") is None,
                    reason="Node.js is not installed: the add-on's tests need `node --test` (Node 20+)")
def test_the_addon_passes_its_node_tests() -> None:
    result = subprocess.run(["node", "--test", "tests/addon"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
