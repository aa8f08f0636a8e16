"""The tracker as a package: `sheets_templates/` is found through importlib.resources (not beside
`__file__`), and an installed `tracker` works from any folder."""
from __future__ import annotations

import importlib
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from sync.templates import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[2]


def test_the_templates_are_the_sheets_templates_package() -> None:
    assert TEMPLATES_DIR == Path(str(resources.files("sheets_templates")))
    assert TEMPLATES_DIR == ROOT / "sheets_templates"     # here: the repository's own folder
    assert (TEMPLATES_DIR / "frameworks" / "points.toml").is_file()
    assert (TEMPLATES_DIR / "reports" / "fonts" / "DejaVuSans.ttf").is_file()


def test_no_module_finds_the_templates_beside_its_own_file() -> None:
    """`Path(__file__).parent.parent / "sheets_templates"` only works from a checkout laid out like
    this one; the package's data is found through importlib.resources in one place."""
    beside = re.compile(r"__file__.*sheets_templates|parents?\b.*[\"']sheets_templates[\"']")
    found = [f"{path.relative_to(ROOT)}:{number}"
             for folder in ("functions", "sync") for path in sorted((ROOT / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if beside.search(line)]
    assert found == []


def test_the_tracker_command_is_python_m_sync() -> None:
    import sync.__main__
    with open(ROOT / "pyproject.toml", "rb") as handle:
        scripts = tomllib.load(handle)["project"]["scripts"]
    module, _, name = scripts["tracker"].partition(":")
    assert getattr(importlib.import_module(module), name) is sync.__main__.cli


@pytest.mark.slow
def test_an_installed_tracker_builds_the_demo_from_any_folder(tmp_path: Path) -> None:
    """`pip install .` into a new virtual environment, then `tracker demo DIR` run from a folder
    that is not the repository. The dependencies come from this test's own environment (a path
    file), so only the project itself is built and installed (its build backend from the index)."""
    source = tmp_path / "source"
    for name in ("functions", "sync", "sheets_templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    purelib = Path(subprocess.run(
        [str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    ours = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (purelib / "outer.pth").write_text("\n".join(dict.fromkeys(ours)) + "\n", encoding="utf-8")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", str(source)], check=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(bin_dir / "python"), "-c", "import sync, sheets_templates; "
                            "print(sync.__file__); print(sheets_templates.__file__)"],
                           cwd=elsewhere, check=True, capture_output=True, text=True).stdout.split()
    assert all(Path(path).is_relative_to(purelib) for path in where)   # the installed copy, not ours

    school = tmp_path / "school"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([str(bin_dir / "tracker"), "demo", str(school)], cwd=elsewhere, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (school / "Tracker results.xlsx").is_file()
    assert len(list((school / "reports").rglob("*.pdf"))) > 300
    assert list(elsewhere.iterdir()) == []
