"""The README's figures, made from bench/RESULTS.md (which `python bench/run_all.py` writes).

The README's "What it proves about itself" list is generated, never typed: after a new
RESULTS.md, run

    cog -r README.md

and `tests/unit/test_readme_figures.py` fails while the README and RESULTS.md disagree. The
README holds a block like

    <!-- [[[cog from bench.readme_figures import figures; cog.out(figures()) ]]] -->
    ...the generated list...
    <!-- [[[end]]] -->
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass(frozen=True)
class Figure:
    """One row of RESULTS.md's table: the bar, what was measured, and the command that measures it."""

    bar: str
    measured: str
    command: str


def read_results(text: str) -> tuple[dict[str, str], list[Figure]]:
    """The `- Key: value` lines above the table (Date, Machine) and the rows of the first table
    (`| bar | measured | command |`), in order."""
    above, _, table = text.partition("| bar |")
    facts = dict(re.findall(r"^- ([A-Z][a-z]+): (.+)$", above, re.M))
    rows = []
    for line in table.splitlines()[1:]:
        if not line.startswith("|"):
            break           # the table ends at its first other line
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and not set(cells[0]) <= set("-: "):
            rows.append(Figure(cells[0], cells[1], cells[2].strip("`")))
    return facts, rows


def figures(results: Path = RESULTS) -> str:
    """The README's list: where and when it was measured, then each bar, its figure and command."""
    facts, rows = read_results(results.read_text(encoding="utf-8"))
    lines = [f"Measured {facts.get('Date', 'at an unknown date')}; "
             f"{facts.get('Machine', 'machine not recorded')}.", ""]
    for row in rows:
        how = f" (`{row.command}`)" if row.command else ""
        lines.append(f"- {row.bar}: **{row.measured}**{how}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(figures(), end="")
