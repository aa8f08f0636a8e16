"""The functional core never imports anything that touches files, spreadsheets or the network."""
import ast
import re
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


# What reads a file or the clock, written in a line of code (comments and docstrings are prose).
FORBIDDEN = {
    "open(": re.compile(r"(?<![\w.])open\("),
    "datetime.now / date.today / time.time": re.compile(r"\b(datetime\.now|date\.today|datetime\.today|time\.time)\("),
    "Path.read_*": re.compile(r"\.read_(text|bytes)\("),
    "an import of sync": re.compile(r"^\s*(from|import)\s+sync\b"),
}


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of each line that is code: not a comment, not inside a docstring."""
    source = path.read_text(encoding="utf-8")
    prose = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            prose.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return [(n, line.split("#", 1)[0]) for n, line in enumerate(source.splitlines(), start=1)
            if n not in prose]


def offences(path: Path) -> list[str]:
    return [f"{path.name}:{n}: {what}" for n, code in _code_lines(path)
            for what, pattern in FORBIDDEN.items() if pattern.search(code)]


def test_no_module_of_functions_opens_a_file_or_reads_the_clock() -> None:
    files = sorted((ROOT / "functions").rglob("*.py"))
    assert len(files) > 20
    assert [o for path in files for o in offences(path)] == []


def test_the_check_sees_each_forbidden_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Docstrings may say open( and datetime.now( freely."""\n'
                      "import re  # open( in a comment is prose too\n"
                      "def f(p):\n"
                      "    with open(p) as h:\n"
                      "        return h, datetime.now(), p.read_text(), p.read_bytes(), date.today()\n"
                      "from sync.store import Tab\n", encoding="utf-8")
    assert offences(sample) == [
        "sample.py:4: open(",
        "sample.py:5: datetime.now / date.today / time.time",
        "sample.py:5: Path.read_*",
        "sample.py:6: an import of sync",
    ]
