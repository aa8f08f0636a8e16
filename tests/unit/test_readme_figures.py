"""The README's benchmark figures are bench/RESULTS.md's, made by `cog -r README.md`."""
from __future__ import annotations

from pathlib import Path

from cogapp import Cog

from bench.readme_figures import figures, read_results

ROOT = Path(__file__).resolve().parents[2]

RESULTS = """# Benchmark results

- Date: 2026-01-02 03:04 UTC
- Machine: 2 cores

| bar | measured | command |
|---|---|---|
| Engine: 1,000,000 rows in a few seconds | 999,999 rows in 26.6 s | `python bench/engine.py --rows 1000000` |
| Requests when nothing changed: <= 3 | shown by tests |  |

## Runs

| not | the | table |
"""


def test_the_readme_says_what_results_md_says() -> None:
    status = Cog().main(["cog", "--check", "-I", str(ROOT), str(ROOT / "README.md")])
    assert status == 0, "README.md differs from bench/RESULTS.md: run `cog -r README.md`"


def test_the_table_rows_and_facts_are_read() -> None:
    facts, rows = read_results(RESULTS)
    assert facts == {"Date": "2026-01-02 03:04 UTC", "Machine": "2 cores"}
    assert [(r.bar, r.measured, r.command) for r in rows] == [
        ("Engine: 1,000,000 rows in a few seconds", "999,999 rows in 26.6 s", "python bench/engine.py --rows 1000000"),
        ("Requests when nothing changed: <= 3", "shown by tests", ""),
    ]


def test_each_row_becomes_a_line_with_its_command(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(RESULTS, encoding="utf-8")
    assert figures(path).splitlines()[:4] == [
        "Measured 2026-01-02 03:04 UTC; 2 cores.",
        "",
        "- Engine: 1,000,000 rows in a few seconds: **999,999 rows in 26.6 s** "
        "(`python bench/engine.py --rows 1000000`)",
        "- Requests when nothing changed: <= 3: **shown by tests**",
    ]


def test_a_readme_with_other_figures_fails_the_check(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(RESULTS, encoding="utf-8")
    block = ("<!-- [[[cog from bench.readme_figures import figures; from pathlib import Path; "
             f"cog.out(figures(Path({str(results)!r}))) ]]] -->\n")
    readme = tmp_path / "README.md"
    readme.write_text(block + figures(results).replace("26.6 s", "20.0 s") + "<!-- [[[end]]] -->\n",
                      encoding="utf-8")
    assert Cog().main(["cog", "--check", "-I", str(ROOT), str(readme)]) != 0
    readme.write_text(block + figures(results) + "<!-- [[[end]]] -->\n", encoding="utf-8")
    assert Cog().main(["cog", "--check", "-I", str(ROOT), str(readme)]) == 0
