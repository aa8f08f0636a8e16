"""Local sync of the demo school against an I/O floor (bar: ratio <= 1.5), and its peak memory.

    python bench/local_sync.py [--repeat 5] [--profile] [--framework points|steps] [--scale 10]

The sync: `run_sync` on a fresh copy of the freshly built demo school (12 classes this year and
12 last year, about 360 pupils; `--scale 10` puts ten times the pupils in each class), as
`python -m sync demo` runs it.
The floor (the bar's): in the same process, reading the same input files with calamine (every
cell of every tab; the reader the sync uses) plus writing the same output cells (every tab the
sync wrote, values only) with openpyxl write-only, the writer the issue names. A second floor reads
with openpyxl read-only instead, for comparison with earlier figures. A third, for context and not
the bar's, writes the same values through the sync's own writing (`sync.xlsx.render_tab` with no
formats), which makes each body row's XML itself and is several times quicker than openpyxl's
`append`: against it the sync's ratio shows what its work beyond reading and writing cells costs
(the checks of every cell, the assessment, the formats), with no gain from its faster writing.
All are repeated, interleaved, and the medians compared; wall time and CPU time are both reported
because shared machines are noisy (CPU time is the steadier of the two).
Where the time goes: the CPU seconds of the sync's phases (reading and checking the workbooks,
assessing, building the tabs, writing them, the results snapshot) beside the floor's two parts
(calamine's read, openpyxl's write), medians of the same runs.
Peak memory: one more sync as its own process (`python -m sync run`), its maximum resident set
size (bar at 10x: <= 500 MB).
`--profile` then runs one more sync under cProfile and prints where the time goes.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sync.job  # noqa: E402
from sync.demo import build_demo  # noqa: E402
from sync.job import run_sync  # noqa: E402
from sync.local_store import LocalStore  # noqa: E402
from sync.store import Tab  # noqa: E402
from sync.xlsx import read_values, render_tab  # noqa: E402

BAR = 1.5
PHASES = {   # phase -> the functions of the job it is made of (module or class, name)
    "read and check": [(sync.job, "read_school")],
    "assess": [(sync.job, "assess_school")],
    "build tabs": [(sync.job, "class_tabs"), (sync.job, "summary_tabs")],
    "write": [(LocalStore, "write_class_outputs"), (LocalStore, "write_summary")],
    "snapshot": [(sync.job, "keep_snapshot")],
}


def input_files(school: Path) -> list[Path]:
    """What a sync reads: Tracker summary, Tracker results (after the first run) and every class
    workbook."""
    results = [school / "Tracker results.xlsx"] if (school / "Tracker results.xlsx").is_file() else []
    return [school / "Tracker summary.xlsx", *results, *sorted((school / "classes").glob("*.xlsx"))]


def output_cells(school: Path) -> dict[str, dict[str, list[list[object]]]]:
    """What a sync wrote, file by file and tab by tab: Tracker results and summaries/."""
    files = [school / "Tracker results.xlsx", *sorted((school / "summaries").glob("*.xlsx"))]
    return {path.name: read_values(path) for path in files}


def floor(inputs: list[Path], outputs: dict[str, dict[str, list[list[object]]]], into: Path) -> None:
    """Read every input cell read-only, then write every output cell write-only."""
    for path in inputs:
        book = load_workbook(path, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
        book.close()
    write_floor(outputs, into)


def calamine_read(inputs: list[Path]) -> None:
    for path in inputs:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()


def calamine_floor(inputs: list[Path], outputs: dict[str, dict[str, list[list[object]]]],
                   into: Path, parts: dict[str, float] | None = None) -> None:
    """Read every input cell with calamine, then write every output cell write-only; the CPU
    seconds of each part are added to `parts`."""
    began = time.process_time()
    calamine_read(inputs)
    read = time.process_time()
    write_floor(outputs, into)
    if parts is not None:
        parts["floor: read"] = read - began
        parts["floor: write"] = time.process_time() - read


def calamine_streamed_floor(inputs: list[Path], outputs: dict[str, dict[str, list[list[object]]]],
                            into: Path) -> None:
    """Read every input cell with calamine, then write every output cell as the sync streams
    them (no formats, widths, heights or header style)."""
    calamine_read(inputs)
    for name, tabs in outputs.items():
        book = Workbook(write_only=True)
        for title, rows in tabs.items():
            render_tab(book.create_sheet(title), Tab(title=title, header=[], rows=rows, freeze_rows=0))
        book.save(into / name)


def write_floor(outputs: dict[str, dict[str, list[list[object]]]], into: Path) -> None:
    for name, tabs in outputs.items():
        book = Workbook(write_only=True)
        for title, rows in tabs.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        book.save(into / name)


@contextmanager
def phase_clock(seconds: dict[str, float]) -> Iterator[None]:
    """While inside, the CPU seconds spent in each phase of the job (PHASES) add up in `seconds`.
    A phase whose function is not where PHASES says (renamed) is left out, not an error."""
    originals = []

    def timed_call(phase: str, function: Callable) -> Callable:
        def call(*args, **kwargs):
            began = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[phase] = seconds.get(phase, 0.0) + time.process_time() - began
        return call

    for phase, places in PHASES.items():
        for owner, name in places:
            if hasattr(owner, name):
                originals.append((owner, name, getattr(owner, name)))
                setattr(owner, name, timed_call(phase, getattr(owner, name)))
    try:
        yield
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def peak_memory_mb(folder: Path) -> float:
    """Maximum resident set size, in MB, of `python -m sync run FOLDER` as a process of its own."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "sync", "run", str(folder)], check=False,
                   cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # KB on Linux
    return round(max(after, before) / 1024, 0)


def sync_copy(pristine: Path, work: Path, run: int) -> Path:
    folder = work / f"sync-{run}"
    shutil.copytree(pristine, folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--framework", choices=["points", "steps"], default="points")
    parser.add_argument("--profile", action="store_true", help="profile one more sync")
    parser.add_argument("--scale", type=int, default=1, help="times the demo's pupils per class")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        pristine = work / "pristine"
        build_demo(pristine, seed=1, framework=args.framework,
                   pupils_per_class=None if args.scale == 1 else 30 * args.scale)
        inputs = input_files(pristine)
        first = sync_copy(pristine, work, 0)
        run_sync(LocalStore(first))  # warm-up (imports, caches); its outputs define the floor's cells
        outputs = output_cells(first)
        cells = sum(value is not None for tabs in outputs.values() for rows in tabs.values()
                    for row in rows for value in row)
        floor_dir = work / "floor"
        floor_dir.mkdir()

        syncs, floors, fast_floors, streamed_floors = [], [], [], []
        phases: list[dict[str, float]] = []
        for run in range(1, args.repeat + 1):
            folder = sync_copy(pristine, work, run)
            phases.append({})
            with phase_clock(phases[-1]):
                syncs.append(timed(lambda folder=folder: run_sync(LocalStore(folder))))
            floors.append(timed(lambda: floor(inputs, outputs, floor_dir)))
            fast_floors.append(timed(lambda: calamine_floor(inputs, outputs, floor_dir, phases[-1])))
            streamed_floors.append(timed(lambda: calamine_streamed_floor(inputs, outputs, floor_dir)))
            shutil.rmtree(folder)

        print(f"demo school ({args.framework}, x{args.scale}): {len(inputs)} input files, "
              f"{len(outputs)} output files, {cells} output values; {args.repeat} runs, medians")
        result = {"scale": args.scale}
        for name, floor_times in (("calamine floor", fast_floors), ("openpyxl floor", floors),
                                  ("calamine + streamed floor", streamed_floors)):
            for index, what in ((0, "wall"), (1, "CPU")):
                sync_time = statistics.median(t[index] for t in syncs)
                floor_time = statistics.median(t[index] for t in floor_times)
                ratio = sync_time / floor_time
                verdict = ("within" if ratio <= BAR else "OVER") + f" the bar of {BAR}"
                print(f"  {what:4}: sync {sync_time:6.2f} s, {name} {floor_time:6.2f} s, "
                      f"ratio {ratio:4.2f}" + (f" ({verdict})" if name == "calamine floor" else ""))
                result[f"{what} ratio, {name}"] = round(ratio, 2)
                result[f"{what} sync s"] = round(sync_time, 2)
                result[f"{what} {name} s"] = round(floor_time, 2)
        names = [*PHASES, "floor: read", "floor: write"]
        medians = {name: round(statistics.median(run.get(name, 0.0) for run in phases), 2) for name in names}
        print("  CPU by phase (s): " + ", ".join(f"{name} {value:.2f}" for name, value in medians.items()))
        result["CPU by phase s"] = medians
        folder = sync_copy(pristine, work, args.repeat + 2)
        result["peak MB"] = peak_memory_mb(folder)
        print(f"  peak memory of a sync on its own (python -m sync run): {result['peak MB']:.0f} MB")
        result["runs (medians of)"] = args.repeat
        print("RESULT " + json.dumps(result))

        if args.profile:
            folder = sync_copy(pristine, work, args.repeat + 1)
            profiler = cProfile.Profile()
            profiler.runcall(run_sync, LocalStore(folder))
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(30)
                print(out.getvalue())


if __name__ == "__main__":
    main()
