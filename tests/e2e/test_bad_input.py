"""Nothing a school does breaks the command line (issue 13): each bad setting, argument or
environment ends in one plain sentence and an exit code (2 for settings and arguments, 1 for the
computer), never a traceback and never a pupil's data."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.xlsx import read_values
from tests.e2e.commands import invoke, one_sentence, school_lock_held
from tests.integration.fuzz_school import FIRST, GOOD, LAST, build_school, upn

REPO = Path(__file__).resolve().parents[2]
SUMMARY_FILE = "Tracker summary.xlsx"


def no_pupil_data(text: str) -> None:
    for word in [*FIRST, *LAST]:
        assert word not in text, word
    assert upn(1) not in text


def set_setting(folder: Path, key: str, value: str | None) -> None:
    path = folder / SUMMARY_FILE
    book = load_workbook(path)
    sheet = book["Settings"]
    row = next(row for row in sheet.iter_rows() if row[0].value == key)
    row[1].value = value
    book.save(path)


@pytest.fixture
def school(tmp_path: Path) -> Path:
    folder = tmp_path / "school"
    build_school(folder, with_fuzzed=False)
    return folder


# ------------------------------------------------------------------------------------------------
# Settings and the window asked for


@pytest.mark.parametrize("key, value, typo, known", [
    ("Subjects", "Reading, Writing, Math", "Math", "Maths"),
    ("Windows", "Autumn, Sprng, Summer", "Sprng", "Spring"),
])
@pytest.mark.parametrize("command", ["run", "check"])
def test_a_typo_in_subjects_or_windows_is_one_sentence_naming_the_key_and_known_values(
        school: Path, command: str, key: str, value: str, typo: str, known: str) -> None:
    set_setting(school, key, value)
    result = invoke(command, str(school))
    assert result.exit_code == 2, result.output
    line = one_sentence(result.stderr)
    assert key in line and typo in line and known in line
    assert not (school / "summaries").exists()


@pytest.mark.parametrize("command", ["run", "check", "reports"])
def test_a_window_that_does_not_exist_is_one_sentence_and_exit_2(school: Path, command: str) -> None:
    result = invoke(command, str(school), "--window", "Sprng")
    assert result.exit_code == 2, result.output
    line = one_sentence(result.stderr)
    assert "Sprng" in line and "Autumn, Spring, Summer" in line
    assert not (school / "summaries").exists()


def test_a_window_in_other_case_is_the_window(school: Path) -> None:
    assert invoke("check", str(school), "--window", "spring").exit_code == 0


def test_reports_for_an_unknown_upn_exit_2(school: Path) -> None:
    result = invoke("reports", str(school), "--pupil", "Z999999999999")
    assert result.exit_code == 2, result.output
    line = one_sentence(result.stderr)
    assert "no pupil" in line.lower() and "UPN" in line
    assert not (school / "reports").exists()


# ------------------------------------------------------------------------------------------------
# check's exit code


def test_check_exits_1_when_it_found_errors_and_0_for_warnings_only(school: Path) -> None:
    clean = invoke("check", str(school))
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.strip().splitlines()[-1] == "0 errors, 0 warnings."
    book = load_workbook(school / "classes" / GOOD)
    sheet = book["Judgements"]
    column = next(cell.column_letter for cell in sheet[1] if cell.value == "Reading Autumn")
    sheet[f"{column}2"] = "banana"       # an error: not a judgement
    book.create_sheet("Judgments")       # a warning: a likely typo of a tab name
    book.save(school / "classes" / GOOD)
    found = invoke("check", str(school))
    assert found.exit_code == 1
    assert found.stdout.strip().splitlines()[-1].startswith("1 error, ")


def test_readme_says_what_checks_exit_codes_mean() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "`check` exits 1 when it found errors" in " ".join(readme.split())


# ------------------------------------------------------------------------------------------------
# new-class


@pytest.mark.parametrize("name", ["Fir/Pine", "Fir\\Pine", "..", "Oak\x0b", "Oak\u202e", "", "  ",
                                  "Fir:Pine", "CON"])
def test_new_class_refuses_a_name_that_cannot_be_a_file_name(school: Path, name: str) -> None:
    before = sorted(path.relative_to(school) for path in school.rglob("*"))
    result = invoke("new-class", str(school), "--name", name, "--year", "3")
    assert result.exit_code == 2, result.output
    assert "name" in one_sentence(result.stderr).lower()
    assert sorted(path.relative_to(school) for path in school.rglob("*")) == before


@pytest.mark.parametrize("bad_row, what", [
    (f"{upn(50)},Ada,Lovelace,31/02/2019", "Date of birth"),
    ("NOT-A-UPN,Ada,Lovelace,03/04/2019", "UPN"),
])
def test_new_class_refuses_a_bad_date_or_upn_in_the_csv_with_its_line(
        school: Path, tmp_path: Path, bad_row: str, what: str) -> None:
    csv = tmp_path / "pupils.csv"
    csv.write_text(f"UPN,First name,Last name,Date of birth\n{upn(51)},Alan,Turing,28/02/2019\n"
                   f"{bad_row}\n", encoding="utf-8")
    result = invoke("new-class", str(school), "--name", "Yew", "--year", "3", "--pupils", str(csv))
    assert result.exit_code == 2, result.output
    line = one_sentence(result.stderr)
    assert "line 3" in line and what in line
    assert "Ada" not in line and "Lovelace" not in line and "NOT-A-UPN" not in line
    assert not list((school / "classes").glob("*Yew*"))


# ------------------------------------------------------------------------------------------------
# The computer: a full disk, a folder we may not write


def _run(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sync", *args], cwd=REPO, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=300)


@pytest.mark.parametrize("command", ["run", "check"])
def test_a_full_disk_under_stdout_is_one_sentence_and_exit_1(school: Path, command: str) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        result = _run(command, str(school), stdout=full)
    assert result.returncode == 1, result.stderr
    assert "No space left" in one_sentence(result.stderr)


FILL_THE_DISK = """
import errno, os, sys, zipfile
real_writestr, calls = zipfile.ZipFile.writestr, []
def writestr(archive, name, data, *args, **kwargs):
    if str(archive.filename).endswith(".~Tracker results.xlsx.tmp"):
        calls.append(name)
        if len(calls) == 4:       # a few parts in: the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real_writestr(archive, name, data, *args, **kwargs)
zipfile.ZipFile.writestr = writestr
from sync.cli import cli
cli(["run", sys.argv[1], "--full"])
"""


def test_a_disk_that_fills_while_the_results_are_saved_loses_nothing(school: Path) -> None:
    """ENOSPC injected part-way through openpyxl's save of Tracker results: one sentence, exit 1,
    no "Exception ignored" traceback as Python exits, the last results byte for byte as they
    were, no half file left, people's files untouched and every output still opens."""
    assert invoke("run", str(school)).exit_code == 0
    results = school / "Tracker results.xlsx"
    before = {path: path.read_bytes() for path in school.rglob("*.xlsx") if "previous" not in path.parts}
    result = subprocess.run([sys.executable, "-c", FILL_THE_DISK, str(school)], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    line = one_sentence(result.stderr)
    assert "disk is full" in line and "Tracker results.xlsx" in line
    assert results.read_bytes() == before[results]
    assert not list(school.rglob("*.tmp"))
    for path, data in before.items():
        if "summaries" not in path.parts:
            assert path.read_bytes() == data, path
        read_values(path)                 # every output still opens


def test_a_lock_file_that_cannot_be_made_is_one_sentence_and_exit_1(school: Path) -> None:
    (school / ".tracker.lock").mkdir()   # what a folder we may not write does, even for root
    result = _run("run", str(school))
    assert result.returncode == 1, result.stderr
    one_sentence(result.stderr)


# ------------------------------------------------------------------------------------------------
# Grammar


def test_one_workbook_and_one_report_are_singular(school: Path) -> None:
    result = invoke("run", str(school))
    assert result.exit_code == 0, result.output
    assert "1 workbook read" in result.stdout and "1 workbooks" not in result.stdout
    from sync.cli import plural
    assert plural(1, "parent report") == "1 parent report"
    assert plural(2, "parent report") == "2 parent reports"
    assert plural(1, "error") == "1 error"
    no_pupil_data(result.output)


def test_reports_exit_3_while_a_sync_holds_the_school_lock(school: Path) -> None:
    with school_lock_held(school):
        result = _run("reports", str(school))
    assert result.returncode == 3
    assert "running" in one_sentence(result.stderr)
    assert not (school / "reports").exists()


# ------------------------------------------------------------------------------------------------
# A folder that is no school yet


@pytest.mark.parametrize("make", [True, False])
def test_run_on_an_empty_or_missing_folder_says_how_to_start_a_school(tmp_path: Path, make: bool) -> None:
    folder = tmp_path / "Oak Lane"
    if make:
        folder.mkdir()
    result = invoke("run", str(folder))
    assert result.exit_code == 2
    line = one_sentence(result.stderr)
    assert f'to start a school there, run python -m sync new-school "{folder}" --name' in line
    started = invoke("new-school", str(folder), "--name", "Oak Lane Primary")
    assert started.exit_code == 0, started.output
    assert "new-class" in started.stdout
    assert invoke("new-class", str(folder), "--name", "Oak", "--year", "3").exit_code == 0
    synced = invoke("run", str(folder))
    assert synced.exit_code == 0, synced.output
    again = invoke("new-school", str(folder), "--name", "Other")
    assert again.exit_code == 2 and "is a school already" in one_sentence(again.stderr)


def test_a_new_school_starts_in_the_school_year_of_today() -> None:
    from datetime import date

    from functions.academic_year import academic_year_of
    assert [academic_year_of(date(2026, 8, 31)), academic_year_of(date(2026, 9, 1)),
            academic_year_of(date(2027, 1, 5)), academic_year_of(date(2099, 12, 31))] == [
        "2025-26", "2026-27", "2026-27", "2099-00"]
