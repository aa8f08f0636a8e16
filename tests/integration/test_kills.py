"""A local sync or report run killed (SIGKILL) at any moment loses nothing (issue 13).

After every kill: the people's files (Tracker summary.xlsx, classes/) are byte for byte as before;
every output that exists opens; and for reports, every pupil still has a report (a renamed
pupil's old one until the new one is written). After the kills a normal run gives the outputs a
run that was never killed gives. Kill moments are spread evenly over a measured run, so each run
of the test tries the same fractions of the work on whatever machine it runs.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.job import run_sync
from sync.local_store import RESULTS_FILE, LocalStore
from sync.xlsx import read_values
from tests.integration.fuzz_school import FIRST, GOOD, build_school

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
VOLATILE = {"Sync log", "Sync state"}   # times and counts differ run to run


def people_files(school: Path) -> dict[str, str]:
    paths = [school / "Tracker summary.xlsx", *sorted((school / "classes").iterdir())]
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def outputs(school: Path) -> dict[str, dict]:
    """Every output workbook's tabs (all must open), without the volatile ones (and without
    History's `Recorded at`: the time a run recorded a change, not the change)."""
    paths = [school / RESULTS_FILE, *sorted((school / "summaries").glob("*.xlsx"))]
    return {path.name: {title: _without_recorded_at(rows) if title == "History" else rows
                        for title, rows in read_values(path).items() if title not in VOLATILE}
            for path in paths if path.exists()}


def _without_recorded_at(rows: list[list]) -> list[list]:
    at = rows[0].index("Recorded at") if rows and "Recorded at" in rows[0] else None
    return rows if at is None else [row[:at] + row[at + 1:] for row in rows]


def command(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sync", *args], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measured(*args: str) -> float:
    began = time.monotonic()
    assert command(*args).wait(timeout=600) == 0
    return time.monotonic() - began


def killed_after(seconds: float, *args: str) -> None:
    process = command(*args)
    time.sleep(seconds)
    process.kill()
    process.wait(timeout=60)


def sweep_sync(tmp_path: Path, kills: int) -> int:
    """Kill `kills` syncs of a synced school with one judgement changed; return how many lost data."""
    school = tmp_path / "school"
    build_school(school)
    run_sync(LocalStore(school), now=NOW)
    book = load_workbook(school / "classes" / GOOD)
    book["Judgements"]["F2"] = "15"
    book.save(school / "classes" / GOOD)
    reference = tmp_path / "reference"
    shutil.copytree(school, reference)
    full = measured("run", str(reference))
    expected = outputs(reference)
    people = people_files(school)
    lost = 0
    for k in range(1, kills + 1):
        killed_after(full * k / (kills + 1), "run", str(school))
        try:
            outputs(school)
            intact = people_files(school) == people
        except Exception:   # noqa: BLE001 - an output that does not open is lost data
            intact = False
        lost += not intact
    assert measured("run", str(school)) > 0
    lost += outputs(school) != expected
    return lost


def sweep_reports(tmp_path: Path, kills: int) -> int:
    """Kill `kills` report runs, each after every pupil was renamed; return how many left a
    pupil without a report, plus one if a normal run afterwards leaves more or fewer files."""
    school = tmp_path / "school"
    build_school(school, with_fuzzed=False)

    def rename_everyone(k: int) -> None:
        book = load_workbook(school / "classes" / GOOD)
        for row in range(2, 2 + pupils):
            book["Pupils"][f"C{row}"] = f"Renamed{k}x{row}"   # every pupil's file name changes
        book.save(school / "classes" / GOOD)
        run_sync(LocalStore(school), now=NOW)

    pupils = 4
    rename_everyone(0)
    full = measured("reports", str(school))
    (folder,) = {path.parent for path in (school / "reports").rglob("*.pdf")}
    assert len(list(folder.glob("*.pdf"))) == pupils
    lost = 0
    for k in range(1, kills + 1):
        rename_everyone(k)
        killed_after(full * k / (kills + 1), "reports", str(school))
        lost += len(list(folder.glob("*.pdf"))) < pupils
    assert command("reports", str(school)).wait(timeout=600) == 0
    lost += sorted(path.name for path in folder.glob("*.pdf")) != \
        sorted(f"Renamed{kills}x{row} {first}.pdf" for row, first in zip(range(2, 6), FIRST, strict=False))
    return lost


def test_killed_syncs_lose_nothing(tmp_path: Path) -> None:
    assert sweep_sync(tmp_path, kills=4) == 0


def test_killed_report_runs_leave_every_pupil_a_report(tmp_path: Path) -> None:
    assert sweep_reports(tmp_path, kills=4) == 0


@pytest.mark.slow
def test_many_killed_syncs_and_report_runs(tmp_path: Path) -> None:
    syncs, report_runs = 40, 20
    lost_syncs = sweep_sync(tmp_path / "syncs", kills=syncs)
    lost_reports = sweep_reports(tmp_path / "reports", kills=report_runs)
    print(f"RESULT kills: {syncs} syncs, {lost_syncs} lost data; {report_runs} report runs, "
          f"{lost_reports} left a pupil without a report")
    assert (lost_syncs, lost_reports) == (0, 0)
