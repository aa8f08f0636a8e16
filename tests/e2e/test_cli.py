"""`python -m sync` as a user meets it: commands documented, exit codes, plain sentences, the lock,
`check` writing nothing and `new-class` making a workbook the reader accepts."""
from __future__ import annotations

import importlib.abc
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.cli import cli
from sync.local_store import LOCK_FILE
from sync.reader import read_class_workbook
from sync.words import plural
from sync.xlsx import read_values
from tests.e2e.commands import invoke, one_sentence, school_lock_held
from tests.e2e.conftest import SyncedSchool, all_owned_cells, copy_school, file_digests, tab_frame

REPO = Path(__file__).resolve().parents[2]
SPEC_COMMANDS = {"demo", "run", "check", "reports", "new-class", "serve"}
SUMMARY_FILE = "Tracker summary.xlsx"


def school_with_settings(pristine: Path, folder: Path) -> Path:
    """A school folder holding only the demo's `Tracker summary.xlsx` (no classes yet)."""
    folder.mkdir()
    (folder / SUMMARY_FILE).write_bytes((pristine / SUMMARY_FILE).read_bytes())
    return folder


def set_setting(summary: Path, key: str, value: str) -> None:
    book = load_workbook(summary)
    sheet = book["Settings"]
    row = next(row for row in sheet.iter_rows() if row[0].value == key)
    row[1].value = value
    book.save(summary)


# ------------------------------------------------------------------------------------------------
# Help


def test_help_lists_every_command_of_the_spec_each_documented() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert SPEC_COMMANDS <= set(cli.commands)
    listed = result.stdout.split("Commands:")[1]
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), f"{name} has no docstring"
        assert f"  {name} " in listed
        own = invoke(name, "--help")
        assert own.exit_code == 0
        first_line = command.help.strip().splitlines()[0]
        assert " ".join(first_line.split()) in " ".join(own.stdout.split())


# ------------------------------------------------------------------------------------------------
# Exit codes


def test_a_missing_school_folder_exits_2_with_one_sentence(tmp_path: Path) -> None:
    result = invoke("run", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "nowhere" in one_sentence(result.stderr)


def test_a_folder_without_a_tracker_summary_exits_2(tmp_path: Path) -> None:
    result = invoke("check", str(tmp_path))
    assert result.exit_code == 2
    assert SUMMARY_FILE in one_sentence(result.stderr)


def test_bad_settings_exit_2_naming_the_setting(synced_school: SyncedSchool, tmp_path: Path) -> None:
    school = school_with_settings(synced_school.pristine, tmp_path / "school")
    set_setting(school / SUMMARY_FILE, "Academic year", "2026")
    result = invoke("run", str(school))
    assert result.exit_code == 2
    assert "Academic year" in one_sentence(result.stderr)
    assert {path.name for path in school.iterdir()} - {LOCK_FILE} == {SUMMARY_FILE}


def test_an_output_that_cannot_be_replaced_exits_1_and_leaves_the_outputs(
        synced_school: SyncedSchool, tmp_path: Path) -> None:
    """summaries/ read-only (for root, who ignores modes: an output file turned into a folder)."""
    school = copy_school(synced_school.folder, tmp_path / "school")
    summaries = school / "summaries"
    before_cells = all_owned_cells(school)
    summary_bytes = (school / SUMMARY_FILE).read_bytes()
    as_root = os.geteuid() == 0
    if as_root:
        blocked = sorted(summaries.glob("*.xlsx"))[0]
        blocked_cells = before_cells.pop(blocked.name)
        blocked.unlink()
        blocked.mkdir()
    else:
        summaries.chmod(0o555)
    try:
        result = invoke("run", str(school))
    finally:
        summaries.chmod(0o755)
    assert result.exit_code == 1
    assert "close it and run the sync again" in one_sentence(result.stderr)
    assert (school / SUMMARY_FILE).read_bytes() == summary_bytes
    assert all_owned_cells(school) == before_cells  # every file as before, or wholly rewritten alike
    assert not list(school.rglob("*.tmp"))
    if as_root:
        blocked.rmdir()
        assert blocked_cells  # the next run converges: the same outputs as before the failure
        assert invoke("run", str(school)).exit_code == 0
        assert read_values(blocked) == blocked_cells


def test_a_second_sync_while_one_holds_the_lock_exits_3(synced_school: SyncedSchool,
                                                        tmp_path: Path) -> None:
    school = school_with_settings(synced_school.pristine, tmp_path / "school")
    with school_lock_held(school):
        second = subprocess.run([sys.executable, "-m", "sync", "run", str(school)], cwd=REPO,
                                capture_output=True, text=True, timeout=120)
    assert second.returncode == 3
    assert "running" in one_sentence(second.stderr)
    assert {path.name for path in school.iterdir()} == {LOCK_FILE, SUMMARY_FILE}


# ------------------------------------------------------------------------------------------------
# check


def test_check_prints_the_problems_and_writes_nothing(synced_school: SyncedSchool,
                                                      tmp_path: Path) -> None:
    school = copy_school(synced_school.pristine, tmp_path / "school")
    before = file_digests(school)
    result = invoke("check", str(school))
    assert file_digests(school) == before
    problems = tab_frame(read_values(synced_school.results_path)["Problems"])
    errors = int((problems["Severity"] == "error").sum())
    assert result.exit_code == (1 if errors else 0)
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == f"{plural(errors, 'error')}, {plural(len(problems) - errors, 'warning')}."
    assert len(lines) == len(problems) + 1
    for _, problem in problems.iterrows():
        assert any(problem["Workbook"] in line and f"{problem['Tab']} {problem['Cell']}" in line
                   for line in lines), tuple(problem[["Workbook", "Tab", "Cell"]])


# ------------------------------------------------------------------------------------------------
# new-class


PUPILS_CSV = ("upn, first NAME ,Last name,Date of birth,Pupil premium,SEN,Reading group\n"
              "A801241710010,Ada,Lovelace,03/04/2019,Y,K,Blue\n"
              "B801241710011,Alan,Turing,28/02/2019,,,Red\n")


def test_new_class_makes_a_workbook_the_sync_reads(synced_school: SyncedSchool, tmp_path: Path) -> None:
    school = school_with_settings(synced_school.pristine, tmp_path / "school")
    csv = tmp_path / "pupils.csv"
    csv.write_text(PUPILS_CSV, encoding="utf-8")
    result = invoke("new-class", str(school), "--name", "Yew", "--year", "3", "--teacher",
                    "Ms Lee", "--pupils", str(csv))
    assert result.exit_code == 0, result.output
    made = list((school / "classes").glob("*.xlsx"))
    assert len(made) == 1 and str(made[0].name) in result.stdout
    data = read_class_workbook(made[0].name, read_values(made[0]), ["Reading", "Writing", "Maths"],
                               ["Autumn", "Spring", "Summer"])
    assert data.problems.empty
    assert data.classes[["class_name", "year_group", "teacher", "academic_year"]].values.tolist() == \
        [["Yew", 3, "Ms Lee", "2026-27"]]
    pupils = data.pupils.set_index("upn")
    assert list(pupils.index) == ["A801241710010", "B801241710011"]
    assert pupils.loc["A801241710010", "date_of_birth"].date() == date(2019, 4, 3)  # day first
    assert list(pupils["pupil_premium"]) == [True, False]
    assert list(pupils["sen"]) == ["K", "N"]
    assert list(pupils["group:Reading group"]) == ["Blue", "Red"]


def test_new_class_never_overwrites_and_starts_empty_without_a_csv(synced_school: SyncedSchool,
                                                                    tmp_path: Path) -> None:
    school = school_with_settings(synced_school.pristine, tmp_path / "school")
    assert invoke("new-class", str(school), "--name", "Yew", "--year", "3").exit_code == 0
    (made,) = (school / "classes").glob("*.xlsx")
    data = read_class_workbook(made.name, read_values(made), ["Reading", "Writing", "Maths"],
                               ["Autumn", "Spring", "Summer"])
    assert data.pupils.empty and data.problems.empty
    made_bytes = made.read_bytes()
    again = invoke("new-class", str(school), "--name", "Yew", "--year", "3")
    assert again.exit_code == 2
    assert "already exists" in one_sentence(again.stderr)
    assert made.read_bytes() == made_bytes


@pytest.mark.parametrize("year", ["0", "7", "two"])
def test_new_class_refuses_a_year_outside_1_to_6(tmp_path: Path, year: str) -> None:
    result = invoke("new-class", str(tmp_path), "--name", "Yew", "--year", year)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------------------------------
# A computer where the typst package did not install (reports need it, syncs do not)

class _NoTypst(importlib.abc.MetaPathFinder):
    """Makes `import typst` fail as it does where the package is missing."""

    def find_spec(self, name, path=None, target=None):
        if name == "typst" or name.startswith("typst."):
            raise ImportError("No module named 'typst'")
        return None


@pytest.fixture
def without_typst(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n.startswith(("typst", "sync.report"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoTypst(), *sys.meta_path])


def test_reports_without_typst_exit_1_with_one_sentence(synced_school: SyncedSchool,
                                                        without_typst: None) -> None:
    result = invoke("reports", str(synced_school.folder), "--class", "Oak")

    assert result.exit_code == 1
    line = one_sentence(result.stderr)
    assert "typst" in line and "syncs do not need it" in line


def test_the_demo_without_typst_still_builds_and_syncs_the_school(tmp_path: Path,
                                                                  without_typst: None) -> None:
    result = invoke("demo", str(tmp_path / "demo"))

    assert result.exit_code == 0, result.output
    assert "No parent reports: Parent reports need the typst package" in result.stderr
    assert (tmp_path / "demo" / "summaries").is_dir()
    assert not (tmp_path / "demo" / "reports").exists()
    assert "parent reports (PDF)" not in result.stdout


# ------------------------------------------------------------------------------------------------
# A second `reports` run redraws only the reports whose content changed

def _pdf_stamps(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*.pdf")}


def test_a_second_reports_run_redraws_only_the_reports_whose_content_changed(
        synced_school: SyncedSchool, tmp_path: Path) -> None:
    folder = copy_school(synced_school.folder, tmp_path / "school")
    assert invoke("reports", str(folder), "--class", "Oak", "--jobs", "1").exit_code == 0
    first = _pdf_stamps(folder / "reports")
    assert len(first) > 20

    again = invoke("reports", str(folder), "--class", "Oak")       # nothing changed at all
    assert again.exit_code == 0 and "Nothing has changed" in again.output
    assert _pdf_stamps(folder / "reports") == first

    [oak] = [p for p in (folder / "classes").glob("* Oak *.xlsx") if p.name.startswith("2026-27")]
    book = load_workbook(oak)
    book["Comments"]["C2"] = "A new comment for the first pupil."
    book.save(oak)                                                # one pupil's content changed
    assert invoke("reports", str(folder), "--class", "Oak", "--jobs", "1").exit_code == 0
    third = _pdf_stamps(folder / "reports")
    assert sorted(third) == sorted(first)
    assert len([name for name in first if third[name] != first[name]]) == 1

    forced = invoke("reports", str(folder), "--class", "Oak", "--jobs", "1", "--force")
    assert forced.exit_code == 0
    fourth = _pdf_stamps(folder / "reports")
    assert all(fourth[name] != third[name] for name in third)     # --force draws them all


def _pupils_tab(school: Path, class_file_glob: str) -> list[list]:
    path = next((school / "classes").glob(class_file_glob))
    return read_values(path)["Pupils"]


def test_reports_skip_a_pupil_with_no_judgement_and_tell_namesakes_apart(
        synced_school: SyncedSchool, tmp_path: Path) -> None:
    """The demo shows both: Hazel has a pupil not judged at all this Autumn, Oak two pupils with
    the same name (demo workbooks, `_make_messy`)."""
    folder = copy_school(synced_school.folder, tmp_path / "school")
    hazel = _pupils_tab(folder, "2026-27 Hazel *.xlsx")
    unjudged = hazel[1 + 22][0]                          # the 23rd pupil of the register
    result = invoke("reports", str(folder), "--pupil", unjudged)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Wrote 0 parent reports. Skipped 1 pupil with no teacher judgement at Autumn: a report "
        "follows once a teacher records one.")

    oak = _pupils_tab(folder, "2026-27 Oak *.xlsx")
    header = oak[0]
    first, last, born = (header.index(c) for c in ("First name", "Last name", "Date of birth"))
    names = [(row[first], row[last]) for row in oak[1:]]
    twin = next(row for row in oak[1:] if names.count((row[first], row[last])) == 2)
    result = invoke("reports", str(folder), "--pupil", twin[0])
    assert result.exit_code == 0, result.output
    when = twin[born].strftime("%Y-%m-%d")
    written = list((folder / "reports" / "2026-27" / "Autumn" / "Oak").glob("*.pdf"))
    assert [p.name for p in written] == [f"{twin[last]} {twin[first]} (born {when}).pdf"]
