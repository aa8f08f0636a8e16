"""`python -m sync new-year --google`: a small school rolled into 2027-28 through the stand-in, as a
school's Drive holds it (Tracker summary in a teacher's Drive, the Classes folder on a shared drive)."""
from __future__ import annotations

import copy

from click.testing import CliRunner

from sync.cli import cli
from sync.google import new_files
from tests.google_standin import TEACHER, StandIn
from tests.google_standin.world import FOLDER
from tests.integration.google_school import serve
from tests.year_school import ASH, OAK, make_school

OAK_TEACHER = "oak.teacher@school.example"
HEAD = "head@school.example"


def run(*args: str):
    return CliRunner().invoke(cli, ["new-year", *args])


def classes_folder(google: StandIn) -> str:
    return next(item.id for item in google.world.files.values() if item.mime_type == FOLDER and item.name == "classes")


def on_a_shared_drive(google: StandIn) -> str:
    """Move the Classes folder (and its spreadsheets) onto a shared drive where the teacher is a
    Manager and the service account a Content manager, as docs/google-setup.md asks."""
    drive = google.create_shared_drive("School classes")
    with google.world.lock:
        folder = google.world.files[classes_folder(google)]
        folder.parents, folder.drive_id = [drive], drive
        for item in google.world.files.values():
            if folder.id in item.parents:
                item.drive_id = drive
    return drive


def titled(google: StandIn, title: str) -> str:
    return next(i for i, book in google.world.books.items() if book.properties["title"] == title)


def snapshot(google: StandIn) -> tuple:
    with google.world.lock:
        return ({i: (f.name, tuple(f.parents), sorted(f.shared_with), copy.deepcopy(f.permissions))
                 for i, f in google.world.files.items()},
                {i: google.read_spreadsheet(i) for i in google.world.books})


def test_new_year_in_google_mode_drafts_a_tab_then_makes_shared_spreadsheets_then_changes_nothing(google, tmp_path):
    summary_id = serve(google, make_school(tmp_path / "school"))
    on_a_shared_drive(google)
    oak = titled(google, "2026-27 Oak (Year 3)")
    with google.world.lock:           # Oak is shared with its teacher (editor) and the head (reader)
        google.world.files[oak].shared_with.add(OAK_TEACHER)
        google.world.files[oak].permissions["p-head"] = {"kind": "drive#permission", "id": "p-head",
                                                         "type": "user", "role": "reader", "emailAddress": HEAD}
        google.world.files[oak].shared_with.add(HEAD)
    before = snapshot(google)

    first = run("--google", summary_id)
    assert first.exit_code == 0, first.output
    assert "Drafted the Classes next year tab of Tracker summary: 3 rows, from 2026-27 to 2027-28." in first.output
    files, books = snapshot(google)
    summary = books.pop(summary_id)
    assert books == {i: v for i, v in before[1].items() if i != summary_id}    # no class spreadsheet changed
    assert {k: v for k, v in summary.items() if k != "Classes next year"} == before[1][summary_id]
    draft = summary["Classes next year"]
    assert draft[0][0].startswith("From 2026-27 to 2027-28")
    assert draft[1][:3] == ["Class now", "Year now", "Class next year"]
    sheet = google.world.books[summary_id].sheet_by_title("Classes next year")
    assert sheet is not None
    assert not [m for m in google.metadata(summary_id) if m.get("location", {}).get("sheetId") == sheet.sheet_id]
    assert not sheet.protected_ranges                     # the head's to edit, without a warning

    dry = run("--google", summary_id, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would create 2027-28 Oak (Year 4) with 3 pupils; shared as 2026-27 Oak (Year 3) is." in dry.output
    assert "Would create 2027-28 Ash (Year 1) with 0 pupils; shared as 2026-27 Ash (Year 6) is." in dry.output
    assert snapshot(google) == (files, {**books, summary_id: summary})

    made = run("--google", summary_id)
    assert made.exit_code == 0, made.output
    assert "Created 2027-28 Oak (Year 4) with 3 pupils; shared as 2026-27 Oak (Year 3) is (2 shares given)." in made.output
    assert "type in the Settings tab of Tracker summary: Academic year 2027-28" in made.output
    after = snapshot(google)
    assert {i: v for i, v in after[1].items() if i in before[1]} == {**books, summary_id: summary}
    new_oak = titled(google, "2027-28 Oak (Year 4)")
    tabs = google.read_spreadsheet(new_oak)
    assert ["Academic year", "2027-28"] in tabs["Class"] and ["Year group", 4] in tabs["Class"]
    upns = [row[0] for row in tabs["Pupils"] if row and row[0]]
    assert all(p[0] in upns for p in OAK) and not any(p[0] in upns for p in ASH)
    item = google.world.files[new_oak]
    assert item.parents == [classes_folder(google)] and item.drive_id
    roles = {p["emailAddress"]: p["role"] for p in google.world.permission_list(item)
             if not p["permissionDetails"][0]["inherited"]}
    assert roles == {OAK_TEACHER: "writer", HEAD: "reader"}       # as this year's Oak, no e-mails sent
    assert not google.read_spreadsheet(titled(google, "2027-28 Ash (Year 1)"))["Pupils"][1:]

    again = run("--google", summary_id)
    assert again.exit_code == 0, again.output
    assert "2027-28 Oak (Year 4) exists already; left as it is." in again.output
    assert snapshot(google) == after


def test_new_year_in_google_mode_refuses_a_classes_folder_off_a_shared_drive_in_one_sentence(google, tmp_path):
    summary_id = serve(google, make_school(tmp_path / "school"))
    assert run("--google", summary_id).exit_code == 0           # the draft tab
    before = snapshot(google)
    refused = run("--google", summary_id)
    assert refused.exit_code == 2
    assert refused.output.strip().splitlines() == [
        "Error: The Classes folder must be on a shared drive to add next year's spreadsheets (Drive gives a "
        "service account no storage of its own): move it to a shared drive where the service account is a "
        "Content manager, and run the command again."]
    assert snapshot(google) == before
    assert TEACHER not in refused.output and not any(p[1] in refused.output for p in OAK + ASH)


def test_new_year_reads_every_spreadsheet_once_and_asks_for_drive_only_to_create(google, tmp_path):
    summary_id = serve(google, make_school(tmp_path / "school"))
    on_a_shared_drive(google)
    run("--google", summary_id)
    google.requests.clear()
    assert run("--google", summary_id).exit_code == 0
    asked = sorted((r.method, r.path.split("/")[-1] if r.path.endswith(("/files", "/permissions")) else
                    r.path.split("/")[1]) for r in google.requests)
    # nobody to share with here but the service account and the shared drive's members: no
    # permissions.create
    assert asked == sorted([
        ("GET", "sheets.googleapis.com"),                          # Tracker summary, whole
        ("GET", "sheets.googleapis.com"), ("GET", "sheets.googleapis.com"),   # each class spreadsheet
        ("GET", "files"), ("GET", "files"),                          # the Classes folder listed twice
        ("GET", "files"),                                            # anything left unshared?
        ("GET", "www.googleapis.com"),                               # the Classes folder: on a shared drive?
        ("GET", "permissions"), ("GET", "permissions"),              # each source's sharing
        ("POST", "files"), ("POST", "files"),                        # the two uploads
        ("PATCH", "www.googleapis.com"), ("PATCH", "www.googleapis.com")])   # each marked shared


def type_setting(google: StandIn, summary_id: str, key: str, value: str) -> None:
    """What the head does by hand in their own Settings tab."""
    rows = google.read_spreadsheet(summary_id)["Settings"]
    row = next(at for at, cells in enumerate(rows) if cells and cells[0] == key)
    google.type_in(summary_id, "Settings", row, 1, value)


def test_a_google_school_rolled_into_2027_28_syncs_takes_a_ctf_and_forgets_a_leaver(google, tmp_path):
    """The issue's "done when", through the stand-in: roll, sync, import new arrivals, forget."""
    from tests.ctf_files import ctf_xml, pupil_xml, upn

    summary_id = serve(google, make_school(tmp_path / "school"))
    on_a_shared_drive(google)
    assert CliRunner().invoke(cli, ["run", "--google", summary_id]).exit_code == 0       # 2026-27
    for _ in range(2):
        assert run("--google", summary_id).exit_code == 0
    type_setting(google, summary_id, "Academic year", "2027-28")
    synced = CliRunner().invoke(cli, ["run", "--google", summary_id])
    assert synced.exit_code == 0, synced.output
    summary = google.read_spreadsheet(summary_id)
    assert summary["Summary"][0][0].startswith("Test Primary: Autumn 2027-28")
    assert summary["Classes next year"][0][0].startswith("From 2026-27")     # the head's, as it was

    arrivals = tmp_path / "arrivals.xml"
    arrivals.write_text(ctf_xml([pupil_xml(upn=upn("802300100001"), forename="Ada", surname="Lovell",
                                           dob="2021-03-04", year=1)]), encoding="utf-8")
    imported = CliRunner().invoke(cli, ["import", "--google", summary_id, str(arrivals), "--class", "Ash"])
    assert imported.exit_code == 0, imported.output
    to_do = google.read_spreadsheet(summary_id)["Import: New pupils"]
    assert to_do[0][0].startswith("Paste the 1 row below the headings into 2027-28 Ash (Year 1)")

    kofi = ASH[0][0]                              # left with Year 6 in July 2027
    old_ash = titled(google, "2026-27 Ash (Year 6)")
    assert kofi in str(google.read_spreadsheet(old_ash)["Class summary"])       # written by the 2026-27 sync
    forgot = CliRunner().invoke(cli, ["forget", "--google", summary_id, "--upn", kofi])
    assert forgot.exit_code == 0, forgot.output
    assert "Removed: 1 pupil; 3 Class summary rows" in forgot.output
    after = google.read_spreadsheet(old_ash)
    assert kofi not in str(after["Class summary"]) and kofi in str(after["Pupils"])   # the teacher's tab stays
    assert not [title for title, rows in google.read_spreadsheet(summary_id).items() if kofi in str(rows)]
    assert "2026-27 Ash (Year 6)" in forgot.output          # the past year's spreadsheet, for the school to delete
    assert kofi not in forgot.output and "Kofi" not in forgot.output


def drafted_with_oak_shared(google: StandIn, tmp_path) -> str:
    """A school on a shared drive whose Oak is shared with its teacher, with next year's classes
    drafted (new-year's first run); Tracker summary's id."""
    summary_id = serve(google, make_school(tmp_path / "school"))
    on_a_shared_drive(google)
    oak = titled(google, "2026-27 Oak (Year 3)")
    with google.world.lock:
        google.world.files[oak].shared_with.add(OAK_TEACHER)
    assert run("--google", summary_id).exit_code == 0
    return summary_id


def test_a_run_that_stops_before_sharing_is_finished_by_the_next(google, tmp_path):
    summary_id = drafted_with_oak_shared(google, tmp_path)
    google.faults.add("403", when=lambda r: r.method == "POST" and r.path.endswith("/permissions"))
    stopped = run("--google", summary_id)
    assert stopped.exit_code != 0 and "Traceback" not in stopped.output
    new_oak = titled(google, "2027-28 Oak (Year 4)")
    assert OAK_TEACHER not in google.world.files[new_oak].shared_with      # made, not shared
    again = run("--google", summary_id)
    assert again.exit_code == 0, again.output
    assert ("Finished sharing 2027-28 Oak (Year 4), which an earlier run made and stopped before sharing "
            "(1 share given).") in again.output
    assert "2027-28 Oak (Year 4) exists already; left as it is." in again.output
    assert OAK_TEACHER in google.world.files[new_oak].shared_with
    assert not google.world.files[new_oak].app_properties                  # the mark is gone
    before = snapshot(google)
    assert "Finished sharing" not in run("--google", summary_id).output
    assert snapshot(google) == before


def is_upload(request) -> bool:
    return request.method == "POST" and request.path.endswith("/upload/drive/v3/files")


def copies(google: StandIn, title: str) -> list[str]:
    with google.world.lock:
        return [i for i, item in google.world.files.items() if item.name == title and not item.trashed]


def test_an_upload_whose_answer_was_lost_makes_one_spreadsheet(google, tmp_path):
    summary_id = drafted_with_oak_shared(google, tmp_path)
    lost = google.faults.add("lost", when=is_upload)             # Oak is made; its answer never comes
    made = run("--google", summary_id)
    assert made.exit_code == 0, made.output
    assert lost.hits == 1
    assert "Created 2027-28 Oak (Year 4) with 3 pupils; shared as 2026-27 Oak (Year 3) is (1 share given)." in made.output
    [new_oak] = copies(google, "2027-28 Oak (Year 4)")
    assert OAK_TEACHER in google.world.files[new_oak].shared_with
    assert len(copies(google, "2027-28 Ash (Year 1)")) == 1 and not google.world.files[new_oak].app_properties
    assert sum(1 for r in google.requests if is_upload(r)) == 2   # Oak once, Ash once


def test_a_second_copy_left_by_a_lost_answer_goes_to_the_bin_not_to_the_teacher(google, tmp_path, monkeypatch):
    """Should Drive's listing lag behind its create, the look finds nothing and the upload is made
    again: the first copy keeps its not-shared-yet mark, and the next run bins it."""
    summary_id = drafted_with_oak_shared(google, tmp_path)
    google.faults.add("lost", when=is_upload)
    with monkeypatch.context() as behind:
        behind.setattr(new_files, "_uploaded", lambda *args: None)    # Drive's listing is behind
        assert run("--google", summary_id).exit_code == 0
    first, second = copies(google, "2027-28 Oak (Year 4)")
    assert google.world.files[first].app_properties.get("trackerSharing") == "unfinished"
    assert not google.world.files[second].app_properties and OAK_TEACHER in google.world.files[second].shared_with

    again = run("--google", summary_id)
    assert again.exit_code == 0, again.output
    assert ("Moved a second copy of 2027-28 Oak (Year 4) to the shared drive's bin: an earlier run made it "
            "when Google's answer to the first was lost.") in again.output
    assert copies(google, "2027-28 Oak (Year 4)") == [second]
    assert OAK_TEACHER not in google.world.files[first].shared_with     # never shared with anybody
