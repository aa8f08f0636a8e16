"""A file in the classes folder that is not a workbook is one Problems row; the school still syncs."""
from datetime import UTC, datetime
from pathlib import Path

from sync.job import run_sync
from sync.local_store import LocalStore
from sync.xlsx import read_values
from tests.integration.fuzz_school import GOOD, build_school

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


def test_a_corrupt_class_workbook_is_a_problem_and_the_other_classes_still_sync(tmp_path: Path) -> None:
    build_school(tmp_path, with_fuzzed=False)
    (tmp_path / "classes" / "Broken.xlsx").write_bytes(b"saved half-way when the laptop died")

    outcome = run_sync(LocalStore(tmp_path), now=NOW)

    assert outcome.outcome == "complete"
    summary = read_values(tmp_path / "Tracker results.xlsx")
    problems = [row for row in summary["Problems"][1:] if row[0] == "Broken.xlsx"]
    assert len(problems) == 1 and problems[0][5] == "error"
    assert "cannot be opened" in problems[0][3]
    assert (tmp_path / "summaries" / GOOD).is_file()


def test_a_workbook_with_a_password_to_open_it_is_named_as_such(tmp_path: Path) -> None:
    """Excel saves a workbook with a password to open it as an OLE compound file holding the
    encrypted .xlsx (as the old .xls format is): the Problems row says what to do about it."""
    build_school(tmp_path, with_fuzzed=False)
    (tmp_path / "classes" / "Locked.xlsx").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))

    assert run_sync(LocalStore(tmp_path), now=NOW).outcome == "complete"
    [problem] = [row for row in read_values(tmp_path / "Tracker results.xlsx")["Problems"][1:]
                 if row[0] == "Locked.xlsx"]
    assert problem[3] == "a workbook with a password to open it (or an old .xls file renamed .xlsx)"
    assert problem[4].startswith("the workbook without a password to open it, saved as .xlsx")
    assert problem[5] == "error"
    assert (tmp_path / "summaries" / GOOD).is_file()
