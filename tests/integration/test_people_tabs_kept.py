"""People's tabs in `Tracker summary.xlsx` are never changed (issue 13).

The sync writes the school's figures into `Tracker results.xlsx`, a workbook of its own, and only
ever reads `Tracker summary.xlsx`: Settings with a formula and its cached value, and a head's tab
with a text box, come through byte for byte, run after run. A school synced before the split keeps
its History; an output a person has open, or added a tab to, is never replaced.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.errors import StoreUnavailable
from sync.job import run_sync
from sync.local_store import RESULTS_FILE, SUMMARY_FILE, LocalStore
from sync.xlsx import read_values, sheet_parts
from tests.integration.fuzz_school import FUZZED, GOOD, build_school

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)

TEXT_BOX = (
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor>'
    "<xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
    "<xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>6</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>'
    '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3000000" cy="900000"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/>'
    "<a:p><a:r><a:t>For the governors: bring this</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
    "<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_formula_and_text_box(summary: Path) -> None:
    """Academic year as a formula with its cached value (as Excel saves it), and a head's own
    tab holding a text box: both things openpyxl's load-and-save loses."""
    book = load_workbook(summary)
    notes = book.create_sheet("Head's notes")
    notes["A1"] = "Autumn priorities"
    row = next(r for r in book["Settings"].iter_rows() if r[0].value == "Academic year")[1].row
    book.save(summary)
    with zipfile.ZipFile(summary) as source:
        parts = sheet_parts(source)
        items = [(item, source.read(item)) for item in source.infolist()]
    settings_part, notes_part = parts["Settings"], parts["Head's notes"]
    copy = summary.with_name("copy.xlsx")
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in items:
            if item.filename == settings_part:
                data, count = re.subn(rf'<c r="B{row}"[^>]*>.*?</c>'.encode(),
                                      f'<c r="B{row}" t="str"><f>"2026-"&amp;"27"</f><v>2026-27</v></c>'.encode(),
                                      data)
                assert count == 1
            elif item.filename == notes_part:
                data = data.replace(b"</worksheet>", b'<drawing xmlns:r="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships" r:id="rIdBox"/></worksheet>')
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/drawings/box1.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>')
            target.writestr(item, data)
        folder, name = notes_part.rsplit("/", 1)
        target.writestr(f"{folder}/_rels/{name}.rels",
                        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        '<Relationship Id="rIdBox" Type="http://schemas.openxmlformats.org/officeDocument/'
                        '2006/relationships/drawing" Target="../drawings/box1.xml"/></Relationships>')
        target.writestr("xl/drawings/box1.xml", TEXT_BOX)
    copy.replace(summary)


@pytest.fixture
def school(tmp_path: Path) -> Path:
    build_school(tmp_path / "school")
    with_formula_and_text_box(tmp_path / "school" / SUMMARY_FILE)
    return tmp_path / "school"


def test_settings_with_a_formula_and_a_tab_with_a_text_box_come_through_byte_for_byte(school: Path) -> None:
    summary = school / SUMMARY_FILE
    before = digest(summary)
    assert read_values(summary)["Settings"][1][1] == "2026-27"   # the cached value is what is read
    for when in (NOW, LATER):
        outcome = run_sync(LocalStore(school), now=when)
        assert outcome.outcome == "complete"
        assert digest(summary) == before
    with zipfile.ZipFile(summary) as archive:
        assert b"For the governors" in archive.read("xl/drawings/box1.xml")
    results = read_values(school / RESULTS_FILE)
    assert {"Summary", "Classes", "History", "Problems", "Sync log"} <= set(results)
    assert "Settings" not in results and "Head's notes" not in results
    log = [row for row in results["Sync log"][1:] if row and row[0]]
    assert len(log) == 2   # the second run read the first run's log from Tracker results


def test_a_school_synced_before_the_split_keeps_its_history_and_hears_about_the_old_tabs(
        tmp_path: Path) -> None:
    school = tmp_path / "plain"
    build_school(school)   # (openpyxl's save below would lose a formula's cached value)
    run_sync(LocalStore(school), now=NOW)
    results = read_values(school / RESULTS_FILE)
    # The old layout: our tabs inside Tracker summary, their record (the custom property) lost.
    book = load_workbook(school / SUMMARY_FILE)
    for title in ("History", "Sync log"):
        sheet = book.create_sheet(title)
        for row in results[title]:
            sheet.append(row)
    book.save(school / SUMMARY_FILE)
    (school / RESULTS_FILE).unlink()
    before = digest(school / SUMMARY_FILE)

    assert run_sync(LocalStore(school), now=LATER).outcome == "complete"

    assert digest(school / SUMMARY_FILE) == before
    again = read_values(school / RESULTS_FILE)
    assert len([row for row in again["Sync log"][1:] if row and row[0]]) == 2
    assert len(again["History"]) >= len(results["History"])
    (note,) = [row for row in again["Problems"] if row and row[0] == SUMMARY_FILE]
    assert "History" in note[1] and "Sync log" in note[1] and note[5] == "warning"
    assert "no longer updated" in note[3]


@pytest.mark.parametrize("lock", ["~$acker results.xlsx", ".~lock.Tracker results.xlsx#",
                                  f"summaries/~${GOOD[2:]}"])
def test_an_output_a_person_has_open_is_not_replaced(school: Path, lock: str) -> None:
    run_sync(LocalStore(school), now=NOW)
    (school / lock).write_bytes(b"head")
    before = {path: digest(path) for path in school.rglob("*.xlsx")}
    with pytest.raises(StoreUnavailable) as stopped:
        run_sync(LocalStore(school), now=LATER)
    name = RESULTS_FILE if "results" in lock else GOOD
    assert f"close {name} and run again" in str(stopped.value)
    assert {path: digest(path) for path in school.rglob("*.xlsx")} == before


def test_a_tab_a_person_added_to_the_results_stops_the_run_before_anything_is_written(school: Path) -> None:
    run_sync(LocalStore(school), now=NOW)
    book = load_workbook(school / RESULTS_FILE)
    book.create_sheet("My chart")
    book.save(school / RESULTS_FILE)
    before = {path: digest(path) for path in school.rglob("*.xlsx")}
    with pytest.raises(StoreUnavailable) as stopped:
        run_sync(LocalStore(school), now=LATER)
    assert "My chart" in str(stopped.value) and SUMMARY_FILE in str(stopped.value)
    assert {path: digest(path) for path in school.rglob("*.xlsx")} == before
    assert (school / "summaries" / FUZZED).is_file()


def test_results_whose_record_of_our_tabs_was_lost_are_still_ours(school: Path) -> None:
    """Some tools drop custom document properties on save: the sync knows its tabs by name."""
    run_sync(LocalStore(school), now=NOW)
    path = school / RESULTS_FILE
    stripped = path.with_name("stripped.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/custom.xml":
                continue
            if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                data = re.sub(rb"<(Override|Relationship)[^>]*custom[^>]*/>", b"", data)
            copy.writestr(item, data)
    stripped.replace(path)
    assert load_workbook(path).custom_doc_props.props == []
    assert run_sync(LocalStore(school), now=LATER).outcome == "complete"
    log = [row for row in read_values(path)["Sync log"][1:] if row and row[0]]
    assert len(log) == 2
