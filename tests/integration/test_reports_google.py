"""Parent reports in Google mode through the stand-in: in the school's Reports folder, one subfolder
per class holding each pupil's report as a PDF and as a Google Doc; a re-run replaces them in place;
the Doc has DRAFT as a heading and the chart as a PNG; no Doc names another pupil."""
from __future__ import annotations

import base64
import io
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from functions.framework import load_framework
from sync.errors import SettingsError
from sync.google.store import GoogleStore
from sync.job import read_school
from sync.report_job import write_reports_for_school
from sync.reports.google import GoogleDriveSink
from sync.reports.names import pupil_key
from sync.reports.write import write_reports
from sync.year.forget import _erase_reports
from tests.google_standin import StandIn, docs
from tests.google_standin.world import DOCUMENT, FOLDER
from tests.integration.google_school import demo_school, serve
from tests.synthetic_school import synthetic_school

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sheets_templates"
FW = load_framework(tomllib.loads((TEMPLATES / "frameworks" / "points.toml").read_text()), "points.toml")
WINDOWS = list(FW.windows)
PUPILS = 4


@pytest.fixture(scope="module")
def oak():
    """Four pupils of class Oak (year 1); the synthetic comments approve pupils 0 and 2 only."""
    return synthetic_school(FW, pupils=PUPILS, per_class=PUPILS)


def write(oak, folder: str, tmp_path: Path, comments: pd.DataFrame | None = None,
          jobs: int = 1) -> list[Path]:
    school, statements, ticks, own_comments = oak
    return write_reports(school, statements, ticks, own_comments if comments is None else comments,
                         school_name="Hill Primary", academic_year="2026-27", window_names=WINDOWS,
                         window=2, fw=FW, out_dir=tmp_path, templates_dir=TEMPLATES,
                         sink=GoogleDriveSink(folder), jobs=jobs)


def reports_folder(google: StandIn) -> str:
    """A Reports folder as docs/google-setup.md asks for: on a shared drive where the service
    account is a Content manager (not a Manager)."""
    return google.create_folder("Reports", parents=[google.create_shared_drive("Parent reports")])


def children(google: StandIn, folder: str) -> list:
    return [f for f in google.world.files.values() if folder in f.parents and not f.trashed]


def doc_text(item) -> str:
    return docs.export(item.document or [], "text/plain").decode()


def names(oak) -> dict[str, str]:
    people = oak[0].drop_duplicates("upn")
    return dict(zip(people["upn"], people["first_name"] + " " + people["last_name"], strict=True))


def test_a_class_lands_as_a_pdf_and_a_doc_per_pupil_and_a_rerun_replaces_them(google, oak, tmp_path):
    reports = reports_folder(google)
    written = write(oak, reports, tmp_path)
    assert len(written) == PUPILS
    [oak_folder] = children(google, reports)
    assert (oak_folder.name, oak_folder.mime_type) == ("Oak", FOLDER)
    files = children(google, oak_folder.id)
    people = oak[0].drop_duplicates("upn")
    stems = sorted(people["last_name"] + " " + people["first_name"])
    assert sorted(f.name for f in files if f.mime_type == "application/pdf") == [f"{s}.pdf" for s in stems]
    assert sorted(f.name for f in files if f.mime_type == DOCUMENT) == stems
    assert all(f.content.startswith(b"%PDF-") for f in files if f.mime_type == "application/pdf")
    # requests: look at the Reports folder, list the class folders, make Oak's, list earlier
    # reports, then two uploads a pupil
    assert (google.count("read"), google.count("write")) == (3, 1 + 2 * PUPILS)
    ids = {f.id for f in files}

    changed = oak[3].copy()
    changed["comment"] = "Rewritten after proofreading."
    before = google.count()
    write(oak, reports, tmp_path, comments=changed)
    again = children(google, oak_folder.id)
    assert {f.id for f in again} == ids                         # the same files, updated in place
    assert len(children(google, reports)) == 1                  # Oak's folder found, not made again
    assert google.count() - before == 3 + 2 * PUPILS
    assert all("Rewritten after proofreading." in doc_text(f) for f in again if f.mime_type == DOCUMENT)
    assert google.schema_errors == [] and google.unknown_params == []


def test_each_doc_has_draft_as_a_heading_when_unapproved_and_the_chart_as_png(google, oak, tmp_path):
    reports = reports_folder(google)
    write(oak, reports, tmp_path)
    [oak_folder] = children(google, reports)
    approved = dict(zip(oak[3]["upn"], oak[3]["approved"], strict=True))
    who = names(oak)
    by_name = {f.name: f for f in children(google, oak_folder.id) if f.mime_type == DOCUMENT}
    for upn, full in who.items():
        first, last = full.split(" ")
        blocks = by_name[f"{last} {first}"].document
        headings = [b["text"] for b in blocks if b.get("heading") == 1]
        assert ("DRAFT" in headings) is (not approved[upn])
        assert f"{first} {last}" in headings
        images = [b["image"] for b in blocks if "image" in b]
        assert len(images) == 3                                   # one ladder per subject
        for uri in images:
            prefix, data = uri.split(",", 1)
            assert prefix == "data:image/png;base64"
            assert Image.open(io.BytesIO(base64.b64decode(data))).size == (760, 480)


def test_no_doc_or_pdf_names_another_pupil_or_shows_a_upn(google, oak, tmp_path):
    reports = reports_folder(google)
    write(oak, reports, tmp_path, jobs=2)       # the sink travels to worker processes
    [oak_folder] = children(google, reports)
    who = names(oak)
    for item in children(google, oak_folder.id):
        if item.mime_type == DOCUMENT:
            text = doc_text(item)
        else:
            text = " ".join(" ".join((p.extract_text() or "").split())
                            for p in PdfReader(io.BytesIO(item.content)).pages)
        mine = [upn for upn, full in who.items() if full in text]
        assert len(mine) == 1
        assert not any(upn in text for upn in who)
        assert not any(upn in str(item.app_properties) for upn in who)   # a hash, not the UPN


def test_a_pupil_who_moved_class_has_their_files_moved_not_copied(google, oak, tmp_path):
    reports = reports_folder(google)
    write(oak, reports, tmp_path)
    school, statements, ticks, comments = oak
    mover = school["upn"].iloc[0]
    moved = school.assign(class_name=school["class_name"].where(school["upn"] != mover, "Ash"))
    write((moved, statements, ticks, comments), reports, tmp_path)
    folders = {f.name: f.id for f in children(google, reports)}
    assert sorted(folders) == ["Ash", "Oak"]
    assert len(children(google, folders["Ash"])) == 2
    assert len(children(google, folders["Oak"])) == 2 * (PUPILS - 1)


def test_a_second_copy_left_by_a_retried_upload_is_removed_on_the_next_run(google, oak, tmp_path):
    reports = reports_folder(google)
    write(oak, reports, tmp_path)
    [oak_folder] = children(google, reports)
    original = next(f for f in children(google, oak_folder.id) if f.mime_type == "application/pdf")
    with google.world.lock:
        twin = google.world.add_file(original.name, original.mime_type, google.service_account,
                                     [oak_folder.id], original.content)
        twin.app_properties = dict(original.app_properties)
    write(oak, reports, tmp_path)                 # as a Content manager: the twin goes to the bin
    files = children(google, oak_folder.id)
    assert len(files) == 2 * PUPILS
    assert sum(f.name == original.name for f in files) == 1
    assert google.world.files[twin.id].trashed


def test_an_upload_or_folder_whose_answer_was_lost_is_made_once(google, oak, tmp_path):
    reports = reports_folder(google)
    folder_made = google.faults.add("lost", when=lambda r: r.method == "POST" and r.path.endswith("/drive/v3/files"))
    pdf_made = google.faults.add("lost", when=lambda r: r.method == "POST" and r.path.endswith("/upload/drive/v3/files"))
    write(oak, reports, tmp_path)
    assert (folder_made.hits, pdf_made.hits) == (1, 1)      # each made on Google's side, its answer lost
    [oak_folder] = children(google, reports)
    files = children(google, oak_folder.id)
    assert len(files) == 2 * PUPILS                         # a PDF and a Doc a pupil, none twice
    assert len({f.name for f in files}) == 2 * PUPILS
    uploads = [r for r in google.requests if r.method == "POST" and r.path.endswith("/upload/drive/v3/files")]
    assert len(uploads) == 2 * PUPILS                        # the lost one was found, not sent again


def test_erasing_a_pupil_bins_their_pdf_and_doc_of_every_window_and_nobody_elses(google, oak, tmp_path):
    reports = reports_folder(google)
    write(oak, reports, tmp_path)
    leaver, stays = oak[0]["upn"].drop_duplicates().iloc[:2]
    [oak_folder] = children(google, reports)
    with google.world.lock:                     # the leaver's report of another window, as a run made it
        spring = google.world.add_file("Old.pdf", "application/pdf", google.service_account, [oak_folder.id], b"%PDF-")
        spring.app_properties = {"trackerReports": reports, "trackerWindow": "2025-26 Spring",
                                 "trackerKind": "pdf", "trackerPupil": pupil_key(leaver)}
    sink = GoogleDriveSink(reports)
    before = google.count("write")
    assert sink.erase({pupil_key(leaver)}, dry_run=True) == 2          # two windows' PDFs
    assert google.count("write") == before and len(children(google, oak_folder.id)) == 2 * PUPILS + 1
    assert sink.erase({pupil_key(leaver)}, dry_run=False) == 2
    left = children(google, oak_folder.id)
    assert len(left) == 2 * (PUPILS - 1)                               # PDF and Doc of each of the others
    assert {f.app_properties["trackerPupil"] for f in left} == {pupil_key(u) for u in oak[0]["upn"]} - {pupil_key(leaver)}
    assert pupil_key(stays) in {f.app_properties["trackerPupil"] for f in left}
    assert google.count("write") == before + 3                         # binned, not deleted (Content manager)
    assert all(google.world.files[f].trashed for f in [spring.id])
    assert sink.erase({pupil_key(leaver)}, dry_run=False) == 0         # again: nothing left to bin


def test_a_reports_folder_in_my_drive_stops_before_any_report_with_one_sentence(google, oak, tmp_path):
    reports = google.create_folder("Reports")            # in a teacher's My Drive, shared with us
    with pytest.raises(SettingsError) as refused:
        write(oak, reports, tmp_path)
    assert "shared drive" in str(refused.value) and refused.value.exit_code == 2
    assert str(refused.value).count(". ") == 0            # one sentence
    assert google.count("write") == 0 and google.count("read") == 1
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_blank_reports_folder_setting_is_a_plain_settings_error():
    with pytest.raises(SettingsError, match="Reports folder"):
        GoogleDriveSink("")


def test_report_job_writes_a_google_school_pupil_into_its_class_folder(google, tmp_path):
    summary_id = serve(google, demo_school(tmp_path / "school", (2,)))
    school = read_school(GoogleStore(summary_id))
    pupils = school.data.pupils
    pupil = pupils[(pupils["academic_year"] == school.settings.academic_year)
                   & pupils["left_on"].isna()].iloc[0]
    written = write_reports_for_school(GoogleStore(summary_id), upn=str(pupil["upn"]))
    assert len(written) == 1
    [class_folder] = children(google, school.settings.reports_folder)
    assert class_folder.name == pupil["class_name"]
    files = children(google, class_folder.id)
    assert sorted(f.mime_type for f in files) == ["application/pdf", DOCUMENT]
    assert f"{pupil['first_name']} {pupil['last_name']}" in doc_text(
        next(f for f in files if f.mime_type == DOCUMENT))
    assert google.schema_errors == []
    # forget finds the school's Reports folder through the store, as report_job does
    settings_folder = school.settings.reports_folder
    assert _erase_reports(GoogleStore(summary_id), settings_folder, {str(pupil["upn"])}, dry_run=False) == 1
    assert children(google, class_folder.id) == []
    assert _erase_reports(GoogleStore(summary_id), "", {str(pupil["upn"])}, dry_run=False) == 0   # none set
