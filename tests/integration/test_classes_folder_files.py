"""Whatever a school leaves in `classes/` (issue 13): every workbook format calamine reads is read,
any other file is a warning naming it, an open workbook's owner or lock file says so, a file we
cannot read is one Problems row and the rest of the school syncs, and a workbook that would unpack
to an absurd size is refused before it is read."""
from __future__ import annotations

import shutil
import struct
import subprocess
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.errors import UnreadableWorkbook
from sync.job import run_sync
from sync.local_store import MAX_UNPACKED_BYTES, LocalStore
from sync.xlsx import read_values
from tests.integration.fuzz_school import FUZZED, GOOD, build_school

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


def problems(folder: Path) -> list[list]:
    rows = read_values(folder / "Tracker results.xlsx")["Problems"]
    return [row for row in rows[1:] if row and row[0] is not None]


def pupils_synced(folder: Path) -> int:
    rows = read_values(folder / "Tracker results.xlsx")["Classes"]
    header_at = next(i for i, row in enumerate(rows) if "Pupils" in row)
    at, subject = rows[header_at].index("Pupils"), rows[header_at].index("Subject")
    return sum(row[at] or 0 for row in rows[header_at + 1:] if row[subject] == "Reading")


@pytest.fixture
def school(tmp_path: Path) -> Path:
    build_school(tmp_path / "school")
    return tmp_path / "school"


def test_upper_case_and_xlsm_workbooks_are_read(school: Path) -> None:
    classes = school / "classes"
    (classes / FUZZED).rename(classes / "2026-27 Oak (Year 4).XLSX")
    shutil.copy2(classes / GOOD, classes / "2026-27 Ash (Year 3).xlsm")
    (classes / GOOD).unlink()
    run_sync(LocalStore(school), now=NOW)
    assert pupils_synced(school) == 10
    assert (school / "summaries" / "2026-27 Oak (Year 4).XLSX.xlsx").is_file() or \
        (school / "summaries" / "2026-27 Oak (Year 4).xlsx").is_file()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice to save .ods/.xls")
@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_ods_and_xls_workbooks_are_read(school: Path, tmp_path: Path, kind: str) -> None:
    classes = school / "classes"
    subprocess.run(["soffice", "--headless", "--convert-to", kind, "--outdir", str(tmp_path),
                    str(classes / FUZZED)], check=True, capture_output=True, timeout=240)
    (classes / FUZZED).unlink()
    shutil.move(tmp_path / f"{Path(FUZZED).stem}.{kind}", classes / f"{Path(FUZZED).stem}.{kind}")
    run_sync(LocalStore(school), now=NOW)
    assert pupils_synced(school) == 10
    assert not [row for row in problems(school) if row[0].endswith(kind) and row[5] == "error"]


def test_any_other_file_is_a_warning_naming_it_and_the_school_syncs(school: Path) -> None:
    classes = school / "classes"
    for name in ("pupils.csv", "Letter home.pdf", "Plan.docx"):
        (classes / name).write_bytes(b"not a workbook")
    (classes / ".DS_Store").write_bytes(b"\0")
    run_sync(LocalStore(school), now=NOW)
    rows = problems(school)
    for name in ("pupils.csv", "Letter home.pdf", "Plan.docx"):
        (row,) = [row for row in rows if row[0] == name]
        assert row[5] == "warning" and "not a class workbook" in row[3]
    assert not [row for row in rows if row[0] == ".DS_Store"]
    assert pupils_synced(school) == 10


@pytest.mark.parametrize("lock_name, program", [
    (f"~${GOOD[2:]}", "Excel"), (f".~lock.{GOOD}#", "LibreOffice"), (f"~${GOOD}", "Excel")])
def test_an_open_workbooks_owner_or_lock_file_is_a_warning(school: Path, lock_name: str,
                                                           program: str) -> None:
    (school / "classes" / lock_name).write_bytes(b"someone")
    run_sync(LocalStore(school), now=NOW)
    (row,) = [row for row in problems(school) if "is open in" in str(row[3])]
    assert row[0] == GOOD and row[5] == "warning"
    assert f"{GOOD} is open in {program}" in row[3] and "the last saved version was read" in row[4]
    assert pupils_synced(school) == 10


def test_a_dangling_link_and_a_folder_named_like_a_workbook_are_problems(school: Path) -> None:
    classes = school / "classes"
    (classes / "Gone (Year 5).xlsx").symlink_to(school / "nowhere.xlsx")
    (classes / "Odd (Year 6).xlsx").mkdir()
    outcome = run_sync(LocalStore(school), now=NOW)
    assert outcome.outcome == "complete"
    rows = problems(school)
    assert [row[5] for row in rows if row[0] == "Gone (Year 5).xlsx"] == ["error"]
    assert [row[5] for row in rows if row[0] == "Odd (Year 6).xlsx"] == ["error"]
    assert pupils_synced(school) == 10


def test_error_values_and_broken_xml_are_one_problem_row(school: Path) -> None:
    path = school / "classes" / FUZZED
    broken = path.with_name("broken.tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</sheetData>", b'<row r="99"><c r="A99" t="e"><v>#N/A</v></c>')
            copy.writestr(item, data)
    broken.replace(path)
    outcome = run_sync(LocalStore(school), now=NOW)
    assert outcome.outcome == "complete"
    assert [row[5] for row in problems(school) if row[0] == FUZZED] == ["error"]


def test_a_zip_bomb_is_refused_naming_the_bound(school: Path) -> None:
    path = school / "classes" / FUZZED
    bomb = path.with_name("bomb.tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            copy.writestr(item, source.read(item))
        with copy.open("xl/media/padding.bin", "w", force_zip64=True) as padding:
            chunk = b"\0" * (1 << 20)
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 1):
                padding.write(chunk)
    bomb.replace(path)
    assert path.stat().st_size < MAX_UNPACKED_BYTES // 100
    outcome = run_sync(LocalStore(school), now=NOW)
    assert outcome.outcome == "complete"
    (row,) = [row for row in problems(school) if row[0] == FUZZED]
    assert row[5] == "error" and f"{MAX_UNPACKED_BYTES // 2**20} MB" in row[3] + row[4]


def lie_about_size(path: Path, part: str, real: bytes, declared: int) -> None:
    """Rewrite the workbook with `part` holding `real` but its zip directory (local header and
    central directory) declaring `declared` bytes unpacked."""
    lying = path.with_name("lying.tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            copy.writestr(item.filename, real if item.filename == part else source.read(item))
    raw = bytearray(lying.read_bytes())
    with zipfile.ZipFile(lying) as archive:
        struct.pack_into("<I", raw, archive.getinfo(part).header_offset + 22, declared)
    at = raw.find(b"PK\x01\x02")
    while at != -1:                      # central directory entries: name length at +28, size at +24
        length = struct.unpack_from("<H", raw, at + 28)[0]
        if bytes(raw[at + 46:at + 46 + length]) == part.encode():
            struct.pack_into("<I", raw, at + 24, declared)
        at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(raw)
    lying.unlink()


def test_a_zip_whose_directory_lies_about_a_size_is_one_problem_row_and_never_unpacked(school: Path) -> None:
    """The size bound is checked on the sizes the zip directory declares; a part that unpacks to
    64 MB while declaring 5,000 bytes is read no further than 5,000 bytes and fails its check."""
    path = school / "classes" / FUZZED
    with zipfile.ZipFile(path) as source:
        sheet = source.read("xl/worksheets/sheet2.xml")
    lie_about_size(path, "xl/worksheets/sheet2.xml",
                   sheet.replace(b"</worksheet>", b"<!--" + b" " * (64 << 20) + b"--></worksheet>"), 5000)
    store = LocalStore(school)
    (ref,) = [ref for ref in store.list_class_workbooks() if ref.name == FUZZED]
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableWorkbook):
            store.read_workbook(ref)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"{peak >> 20} MB allocated reading a part that declares 5,000 bytes"
    outcome = run_sync(LocalStore(school), now=NOW)
    assert outcome.outcome == "complete"
    assert [row[5] for row in problems(school) if row[0] == FUZZED] == ["error"]
    assert (school / "summaries" / GOOD).is_file()


def test_the_summary_of_a_class_no_longer_read_is_moved_out_of_summaries(school: Path) -> None:
    run_sync(LocalStore(school), now=NOW)
    assert (school / "summaries" / FUZZED).is_file()
    (school / "classes" / FUZZED).unlink()
    run_sync(LocalStore(school), now=NOW)
    assert not (school / "summaries" / FUZZED).exists()
    assert (school / "previous" / "summaries" / FUZZED).is_file()
    assert (school / "summaries" / GOOD).is_file()


def test_the_summary_of_a_class_that_became_unreadable_is_moved_out_of_summaries(school: Path) -> None:
    run_sync(LocalStore(school), now=NOW)
    (school / "classes" / FUZZED).write_bytes(b"saved half-way")
    run_sync(LocalStore(school), now=NOW)
    assert not (school / "summaries" / FUZZED).exists()
    assert (school / "summaries" / GOOD).is_file()
