"""The demo school built once a test run for each seed and framework, copied for each test that
wants one. `build_demo` writes the same files for the same seed (tests/integration/test_demo.py
holds it to that, building afresh), so a copy is what a new build would be, for 5 s less."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from sync.demo import build_demo

_BUILT: dict[tuple[int, str], Path] = {}


def demo_copy(folder: Path, seed: int = 1, framework: str = "points") -> Path:
    """`folder` (which must not exist yet) holding the demo school of `seed` and `framework`."""
    key = (seed, framework)
    if key not in _BUILT:
        # under pytest's own temporary folder (tests/conftest.py), which pytest prunes
        built = Path(tempfile.mkdtemp(prefix="demo-built-")) / "school"
        build_demo(built, seed=seed, framework=framework)
        _BUILT[key] = built
    shutil.copytree(_BUILT[key], folder, copy_function=shutil.copy2)
    return folder
