"""Whether a change left every output workbook of the demo school byte for byte as it was.

    python bench/same_outputs.py dump DIR [--scale 10] [--framework steps]
    python bench/same_outputs.py compare BEFORE AFTER

`dump` builds the demo school, syncs it twice with a fixed clock (the second sync reads History
back, as a school's second sync does) and writes every part of every output workbook (Tracker
results and each class summary) and the results snapshot's Parquet files into DIR. Run it on the
code before a change and after it, then `compare` the two folders: it prints IDENTICAL, or the
parts that differ. The times files carry (docProps' created and modified, the file times in Sync
state) are left out of the comparison. Speed work that must not change a single output (issue 15)
is checked this way before each landing.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sync.demo import build_demo  # noqa: E402
from sync.job import run_sync  # noqa: E402
from sync.local_store import LocalStore  # noqa: E402

FIXED_CLOCK = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")          # file times in Sync state
CORE_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*<")     # docProps/core.xml


def dump(into: Path, scale: int, framework: str) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        school = Path(temporary) / "school"
        build_demo(school, seed=1, framework=framework, pupils_per_class=None if scale == 1 else 30 * scale)
        run_sync(LocalStore(school), now=FIXED_CLOCK)
        run_sync(LocalStore(school), now=FIXED_CLOCK, full=True)
        if into.exists():
            shutil.rmtree(into)
        for path in [school / "Tracker results.xlsx", *sorted((school / "summaries").glob("*.xlsx"))]:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    out = into / path.name / name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(archive.read(name))
        for path in sorted(school.glob("results/**/*.parquet")):
            out = into / "snapshot" / path.relative_to(school / "results")
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)
    print(f"dumped {sum(1 for p in into.rglob('*') if p.is_file())} parts into {into}")


def _without_times(data: bytes) -> bytes:
    return CORE_TIMES.sub(b"<T><", STAMP.sub(b"T", data))


def compare(before: Path, after: Path) -> bool:
    parts = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    theirs = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    differ = sorted(parts ^ theirs) + sorted(
        part for part in parts & theirs
        if _without_times((before / part).read_bytes()) != _without_times((after / part).read_bytes()))
    print(f"compared {len(parts)} parts; " + ("IDENTICAL" if not differ else
          f"{len(differ)} DIFFER: " + ", ".join(map(str, differ[:10]))))
    return not differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("into", type=Path)
    dumping.add_argument("--scale", type=int, default=1, help="times the demo's pupils per class")
    dumping.add_argument("--framework", choices=["points", "steps"], default="points")
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.into, args.scale, args.framework)
    else:
        sys.exit(0 if compare(args.before, args.after) else 1)


if __name__ == "__main__":
    main()
