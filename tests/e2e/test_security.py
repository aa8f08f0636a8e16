"""Security checks over the whole product (the team's security and privacy bars).

Formula injection: hostile names, comments and teacher names stay text in every tab a sync writes,
in .xlsx files (string cells, no formula) and in the Google batchUpdate (stringValue only).
HTML injection: a name with <script> is escaped in the report's HTML and shown as text in its PDF.
Path characters in names never take a report file outside the reports folder.
Logs: the whole demo at DEBUG logs no pupil name, UPN or comment.

Staff token checks and the cron endpoint are covered by tests/web/test_routes.py
(forged, expired, wrong-audience, wrong-issuer, unverified and non-staff tokens; X-Appengine-Cron
off App Engine); they are not repeated here.
"""
from __future__ import annotations

import io
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from sync.google.batch import plan_write
from sync.google.spreadsheet import Layout
from sync.job import run_sync
from sync.local_store import LocalStore
from sync.report_job import write_reports_for_school
from sync.reports.local import LocalFolderSink, ReportTarget
from sync.reports.names import pupil_key, report_stems
from sync.store import Tab
from sync.xlsx import read_values
from tests.demo_copies import demo_copy
from tests.doc_html import parsed, reports_with_doc_html
from tests.integration.fuzz_school import GOOD, build_school

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
HOSTILE = ['=IMPORTXML("http://x","//a")', "+1", "-1+2", "@SUM(1)"]
SCRIPT = "<script>alert(1)</script>"
FORMULA_START = ("=", "+", "-", "@")


class RecordingStore(LocalStore):
    """A LocalStore that also keeps every Tab the job asked it to write."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.tabs: list[Tab] = []

    def write_class_outputs(self, ref, tabs):
        self.tabs += tabs
        return super().write_class_outputs(ref, tabs)

    def write_summary(self, tabs):
        self.tabs += tabs
        return super().write_summary(tabs)


@pytest.fixture(scope="module")
def hostile_school(tmp_path_factory) -> tuple[Path, list[Tab]]:
    folder = tmp_path_factory.mktemp("hostile")
    build_school(folder, with_fuzzed=False, first=HOSTILE, last=[f"{SCRIPT}", "a/b", "CON", "../../etc"],
                 comments=[f"{text} {SCRIPT}" for text in HOSTILE], class_name="../../etc",
                 teacher='=HYPERLINK("http://x","Ms T")')
    store = RecordingStore(folder)
    run_sync(store, now=NOW)
    return folder, store.tabs


def written_files(folder: Path) -> list[Path]:
    return [folder / "Tracker results.xlsx", *sorted((folder / "summaries").glob("*.xlsx"))]


def test_hostile_text_stays_text_in_every_written_xlsx_cell(hostile_school):
    folder, _ = hostile_school
    hostile_seen = 0
    for path in written_files(folder):
        book = load_workbook(path)  # not data_only: a formula would show as data_type "f"
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name}!{sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        assert cell.data_type == "s"
                        hostile_seen += any(cell.value.startswith(h) for h in HOSTILE)
    # Pupil names in Class summary and Watchlist-like tabs: the check above must have met them.
    assert hostile_seen >= len(HOSTILE)
    summary = read_values(folder / "summaries" / GOOD)["Class summary"]
    pupils = {row[1] for row in summary[2:]}
    assert {f"{first} {SCRIPT}" for first in HOSTILE[:1]} <= pupils


def test_google_batch_writes_hostile_text_as_string_values_only(hostile_school):
    _, tabs = hostile_school
    plan = plan_write(tabs, Layout(title="Tracker summary", sheets=()))
    values = [cell["userEnteredValue"]
              for request in plan.requests if "updateCells" in request
              for row in request["updateCells"].get("rows", [])
              for cell in row.get("values", []) if "userEnteredValue" in cell]
    assert values and all("formulaValue" not in value for value in values)
    hostile = [value for value in values
               if any(str(v).startswith(FORMULA_START) for v in value.values())]
    assert len(hostile) >= len(HOSTILE)
    assert all(set(value) == {"stringValue"} for value in hostile)


@pytest.fixture(scope="module")
def reports(hostile_school, tmp_path_factory) -> tuple[Path, dict[str, str], list[Path]]:
    """The hostile class's parent reports, with the HTML each Google Doc would be made from."""
    folder, _ = hostile_school
    written, html = reports_with_doc_html(folder)
    return folder, html, written


def test_script_in_a_name_or_comment_is_escaped_in_html_and_text_in_the_pdf(reports):
    _, html, written = reports
    assert len(written) == 4 and len(html) == 4
    pages = [parsed(text) for text in html.values()]
    for page in pages:
        assert "script" not in page.tags                # what a browser or Drive would parse
    assert sum(SCRIPT in page.text for page in pages) == 4
    shown = [" ".join(page.extract_text() for page in PdfReader(io.BytesIO(p.read_bytes())).pages)
             for p in written]
    assert sum(SCRIPT in " ".join(text.split()) for text in shown) >= 1


def test_report_files_stay_inside_the_reports_folder(reports):
    folder, _, written = reports
    root = (folder / "reports").resolve()
    assert written and all(p.resolve().is_relative_to(root) for p in written)
    outside = [p for p in folder.rglob("*") if p.suffix == ".pdf" and not p.resolve().is_relative_to(root)]
    assert outside == []
    assert not (folder.parent / "etc").exists() and not Path("/etc/Ms.pdf").exists()


@pytest.mark.parametrize("name", ["../../etc", "a/b", "..", "CON", "NUL", "nul.txt", "a\x00b",
                                  "/abs/path", "C:\\Windows", "  ", ".hidden"])
def test_a_path_like_name_becomes_one_plain_file_name_under_the_folder(tmp_path, name):
    upn = "A123456789012"
    stem = report_stems([(upn, name, name)])[upn]
    target = ReportTarget(academic_year=name, window_name=name, class_name=name, stem=stem,
                          key=pupil_key(upn))
    path = LocalFolderSink(tmp_path).path(target)
    parts = path.relative_to(tmp_path).parts
    assert path.resolve().is_relative_to(tmp_path.resolve()) and len(parts) == 4
    for part in parts:
        assert "/" not in part and "\\" not in part and "\x00" not in part and part not in ("", ".", "..")
        assert not part.startswith(".")
        assert part.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL")


def _demo_people(folder: Path) -> set[str]:
    """Every first name, last name, UPN and comment of the demo school, read from its workbooks."""
    people: set[str] = set()
    for path in (folder / "classes").glob("*.xlsx"):
        book = read_values(path)
        for tab, columns in (("Pupils", ("UPN", "First name", "Last name")), ("Comments", ("Comment",))):
            rows = book[tab]
            for column in columns:
                at = rows[0].index(column)
                people |= {str(row[at]).strip() for row in rows[1:]
                           if at < len(row) and row[at] not in (None, "")}
    return people


def _run_demo_at_debug(folder: Path, caplog, *, every_report: bool) -> str:
    """The demo built (the whole run: built here; the quick one: a copy of this run's build, whose
    building logs nothing), synced and reported with every logger at DEBUG; what they logged."""
    from sync.demo import build_demo

    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        logging.getLogger(name).disabled = False
    if every_report:
        build_demo(folder)
    else:
        demo_copy(folder)
    run_sync(LocalStore(folder), now=NOW)
    if every_report:
        written = write_reports_for_school(LocalStore(folder), jobs=2)
    else:  # one pupil's report: the same code path, a fraction of the time
        oak = next((folder / "classes").glob("2026-27 Oak *.xlsx"))
        upn = read_values(oak)["Pupils"][1][0]
        written = write_reports_for_school(LocalStore(folder), class_name="Oak", upn=upn, jobs=1)
    assert written and any(record.name.startswith("sync.") for record in caplog.records)
    return "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)


def _leaks(log: str, people: set[str]) -> list[str]:
    return [value for value in people if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", log)]


def test_a_demo_run_at_debug_logs_no_pupil_data(tmp_path, caplog):
    """Build, sync and one pupil's report (the slow test below writes every report)."""
    log = _run_demo_at_debug(tmp_path / "demo", caplog, every_report=False)
    people = _demo_people(tmp_path / "demo")
    assert len(people) > 700 and log
    assert _leaks(log, people) == []


@pytest.mark.slow
def test_the_whole_demo_at_debug_logs_no_pupil_data(tmp_path, caplog):
    log = _run_demo_at_debug(tmp_path / "demo", caplog, every_report=True)
    assert _leaks(log, _demo_people(tmp_path / "demo")) == []
