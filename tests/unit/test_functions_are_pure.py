"""The functional core never imports anything that touches files, spreadsheets or the network."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHELL_LIBRARIES = ["openpyxl", "gspread", "flask", "weasyprint", "typst", "requests", "google", "jinja2"]


def test_importing_every_module_of_functions_loads_no_io_library() -> None:
    modules = sorted(f"functions.{p.relative_to(ROOT / 'functions').with_suffix('').as_posix().replace('/', '.')}"
                     for p in (ROOT / "functions").rglob("*.py") if p.name != "__init__.py")
    script = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
              f"print(sorted(n for n in {SHELL_LIBRARIES!r} if n in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    assert len(modules) > 20
    assert loaded == "[]"
