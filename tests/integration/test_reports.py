"""Parent reports end to end on a synthetic class: PDFs written where they belong, one pupil each,
readable for the awkward cases (no judgements, joined mid-year, absent, a very long comment)."""
from __future__ import annotations

import io
import json
import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from functions.framework import load_framework
from functions.report_context import report_context
from sync.reports.docx import render_docx
from sync.reports.local import DRAWN, MANIFEST, LocalFolderSink
from sync.reports.render import render_pdf
from sync.reports.write import write_reports
from tests.doc_html import parsed
from tests.synthetic_school import synthetic_school

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sheets_templates"
FW = load_framework(tomllib.loads((TEMPLATES / "frameworks" / "points.toml").read_text()), "points.toml")
WINDOWS = list(FW.windows)
LONG_COMMENT = " ".join(["Sam listens well, asks thoughtful questions and helps others."] * 60 +
                        ["Unbreakable" * 30, "The very last sentence of the comment."])


def rename(school: pd.DataFrame, upn: str, first: str, last: str) -> pd.DataFrame:
    mine = school["upn"] == upn
    school.loc[mine, ["first_name", "last_name", "pupil"]] = [first, last, f"{first} {last}"]
    return school


@pytest.fixture(scope="module")
def awkward_class():
    """Eight pupils of class Oak (year 1) with every awkward case in one class."""
    school, statements, ticks, comments = synthetic_school(FW, pupils=8, per_class=8)
    upns = list(school["upn"].unique())
    nothing = school["upn"] == upns[0]                                   # no judgements yet
    school.loc[nothing, ["value", "baseline", "progress", "baseline_window", "target"]] = math.nan
    school.loc[nothing, ["label", "status", "source", "progress_status", "target_label"]] = \
        ["", "not assessed", "", "", ""]
    school = school[~((school["upn"] == upns[1]) & (school["window"] == 1))].copy()   # joined in Spring
    joined = school["upn"] == upns[1]
    school.loc[joined, ["baseline", "baseline_window"]] = [school.loc[joined, "value"].iloc[0], 2]
    absent = (school["upn"] == upns[2]) & (school["window"] == 2)        # away at Spring
    school.loc[absent, ["value", "progress"]] = math.nan
    school.loc[absent, ["label", "mark", "status", "progress_status"]] = ["", "ABS", "not assessed", ""]
    comments.loc[comments["upn"] == upns[3], "comment"] = LONG_COMMENT
    rename(school, upns[4], "<script>alert(1)</script>", "../../Evil")
    rename(school, upns[6], "Jo", "Twin")
    rename(school, upns[7], "Jo", "Twin")                                 # same name, same class
    school["date_of_birth"] = pd.Timestamp("2019-05-01")
    school.loc[school["upn"] == upns[7], "date_of_birth"] = pd.Timestamp("2019-06-02")
    suggested = (school["upn"] == upns[5]) & (school["window"] == 2) & (school["subject"] == "Maths")
    school.loc[suggested, "source"] = "test"        # a test suggestion stood in for a blank cell
    return school, statements, ticks, comments, upns


def write(awkward_class, out_dir: Path, **kwargs) -> list[Path]:
    school, statements, ticks, comments, _ = awkward_class
    return write_reports(school, statements, ticks, comments, school_name="Hill Primary",
                         academic_year="2026-27", window_names=WINDOWS, window=2, fw=FW,
                         out_dir=out_dir, templates_dir=TEMPLATES, **kwargs)


@pytest.fixture(scope="module")
def rendered(awkward_class, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("reports")
    files = write(awkward_class, out_dir, jobs=2)
    return out_dir, {f: PdfReader(f) for f in files}


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_one_pdf_per_pupil_in_the_class_folder_with_safe_unique_names(rendered):
    out_dir, pdfs = rendered
    folder = out_dir / "2026-27" / "Spring" / "Oak"
    assert all(f.parent == folder for f in pdfs)
    names = sorted(f.name for f in pdfs)
    assert len(names) == 7             # the pupil with no judgement at all gets none
    assert {"Twin Jo (born 2019-05-01).pdf", "Twin Jo (born 2019-06-02).pdf"} <= set(names)
    assert not any(p.name.startswith(".tmp") for p in folder.iterdir())
    assert [p for p in out_dir.rglob("*.pdf") if folder not in p.parents] == []   # nothing escaped


def full_name(people: pd.DataFrame, upn: str) -> str:
    return f"{people.at[upn, 'first_name']} {people.at[upn, 'last_name']}"


def test_no_report_names_another_pupil_or_shows_any_upn(awkward_class, rendered):
    school, *_, upns = awkward_class
    _, pdfs = rendered
    people = school.drop_duplicates("upn").set_index("upn")
    for reader in pdfs.values():
        text = text_of(reader)
        own = [u for u in upns if full_name(people, u) in text]
        assert len(own) == 1 or "Twin" in text                 # the twins share a full name
        assert not any(upn in text for upn in upns)
        others = [u for u in upns if u not in own and people.at[u, "last_name"] != "Twin"]
        assert not any(full_name(people, u) in text for u in others)


def pdf_of(rendered, last: str, first: str) -> tuple[str, int]:
    _, pdfs = rendered
    reader = next(r for f, r in pdfs.items() if f.name == f"{last} {first}.pdf")
    return text_of(reader), len(reader.pages)


def test_awkward_pupils_all_render_with_plain_words(awkward_class, rendered):
    school, *_, upns = awkward_class
    people = school.drop_duplicates("upn").set_index("upn")
    name = {u: (people.at[u, "last_name"], people.at[u, "first_name"]) for u in upns}
    suggested, pages = pdf_of(rendered, *name[upns[5]])
    said = suggested.index("Not yet assessed this term")
    end = suggested.find("Next steps", said)
    maths = suggested[suggested.rindex("Maths", 0, said):end if end > 0 else None]
    assert pages <= 3
    assert not any(ch.isdigit() for ch in maths)            # no number (and no picture) for it
    joined, pages = pdf_of(rendered, *name[upns[1]])
    assert "has been assessed twice this year" in joined and pages <= 3
    absent, pages = pdf_of(rendered, *name[upns[2]])
    assert "was away when the assessments took place" in absent and pages <= 3
    long, pages = pdf_of(rendered, *name[upns[3]])
    assert "The very last sentence of the comment." in long and 2 <= pages <= 4


def test_draft_is_marked_only_on_unapproved_reports(awkward_class, rendered):
    _, _, _, comments, upns = awkward_class
    school = awkward_class[0].drop_duplicates("upn").set_index("upn")
    for upn in (upns[2], upns[1]):      # synthetic comments: even pupils approved, odd not
        text, _ = pdf_of(rendered, school.at[upn, "last_name"], school.at[upn, "first_name"])
        approved = bool(comments.set_index("upn").at[upn, "approved"])
        assert ("DRAFT" in text) is (not approved)


def test_names_and_comments_are_plain_text_never_markup(awkward_class):
    """Typst markup and code typed in a spreadsheet comes out as the characters typed."""
    school, statements, ticks, comments, upns = awkward_class
    rows = school[school["upn"] == upns[4]]
    tricks = '#panic("x") *bold* $x$ <i>Hill</i> [link] \\ `raw` @ref //c'
    context = report_context(rows, window=2, window_names=WINDOWS, fw=FW,
                             school_name="<i>Hill</i> #set text(red)", academic_year="2026-27",
                             comment=tricks, approved=True,
                             next_steps={"Maths": ["<b>bold</b> claim #sys"]})
    text = " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(render_pdf(context, TEMPLATES))).pages)
    assert tricks in text and "<i>Hill</i> #set text(red)" in text and "<b>bold</b> claim #sys" in text
    tags = parsed(render_docx(context, TEMPLATES))
    assert not {"script", "fldSimple", "instrText", "fldChar"} & tags.tags   # no element or field from typing
    assert "<b>bold</b> claim #sys" in tags.text and "<i>Hill</i> #set text(red)" in tags.text


def test_a_rerun_replaces_the_pupils_report_even_after_a_change_of_name(awkward_class, tmp_path):
    school, statements, ticks, comments, upns = awkward_class
    first = write(awkward_class, tmp_path, upn=upns[7])
    assert [f.name for f in first] == ["Twin Jo (born 2019-06-02).pdf"]   # named as in a class run
    renamed = rename(school.copy(), upns[7], "Jo", "Newname")
    second = write_reports(renamed, statements, ticks, comments, school_name="Hill Primary",
                           academic_year="2026-27", window_names=WINDOWS, window=2, fw=FW,
                           out_dir=tmp_path, templates_dir=TEMPLATES, upn=upns[7])
    assert [f.name for f in second] == ["Newname Jo.pdf"]
    assert sorted(p.name for p in second[0].parent.glob("*.pdf")) == ["Newname Jo.pdf"]


def test_a_pupil_with_no_judgement_gets_no_report_and_drafts_are_counted_apart(awkward_class,
                                                                                tmp_path):
    school, _, _, comments, upns = awkward_class
    files = write(awkward_class, tmp_path)
    approved = set(comments.loc[comments["approved"].astype(bool), "upn"])
    assert (len(files), files.skipped) == (7, 1)
    assert files.drafts == len([u for u in upns[1:] if u not in approved])
    assert files.drafts == 4                  # synthetic comments: odd pupils not approved
    assert files.summary_line() == (
        "Wrote 7 parent reports: 3 approved, 4 drafts (marked DRAFT: the teacher's comment is not "
        "yet approved). Skipped 1 pupil with no teacher judgement at Spring: a report follows "
        "once a teacher records one.")


def test_pupils_not_on_roll_at_the_window_get_no_report(awkward_class, tmp_path):
    school, statements, ticks, comments, upns = awkward_class
    left = school.copy()
    left.loc[(left["upn"] == upns[5]) & (left["window"] == 2), "on_roll"] = False
    files = write_reports(left, statements, ticks, comments, school_name="Hill Primary",
                          academic_year="2026-27", window_names=WINDOWS, window=2, fw=FW,
                          out_dir=tmp_path, templates_dir=TEMPLATES, upn=upns[5])
    assert files == []


def test_a_file_that_cannot_be_written_fails_without_naming_the_pupil(tmp_path):
    from sync.errors import StoreUnavailable
    from sync.reports.local import LocalFolderSink, ReportTarget

    target = ReportTarget("2026-27", "Spring", "Oak", "Twin Jo", "key")
    sink = LocalFolderSink(tmp_path)
    sink.path(target).mkdir(parents=True)          # a folder where the PDF should go
    with pytest.raises(StoreUnavailable) as failure:
        sink.write(target, b"%PDF", "")
    assert "Twin" not in str(failure.value) and "Oak" in str(failure.value)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd", "etc-passwd"), ("Smith/Jones Ann", "Smith-Jones Ann"), ("CON", "CON_"),
    ("  .hidden  ", "hidden"), ("a\x00b", "a-b"), ("", "report"), ("O'Brien Zoë", "O'Brien Zoë"),
])
def test_names_from_pupil_data_cannot_act_as_paths(raw, safe):
    from sync.reports.names import safe_name
    assert safe_name(raw) == safe


def test_namesakes_are_told_apart_by_date_of_birth_else_upn_check_letter_never_a_number():
    from sync.reports.names import report_stems
    stems = report_stems([("B2", "jo", "twin", "2019-03-04"), ("A1", "Jo", "Twin", "2018-11-30"),
                          ("C3", "Al", "Twin", "2019-03-04")])
    assert stems == {"C3": "Twin Al", "A1": "Twin Jo (born 2018-11-30)",
                     "B2": "twin jo (born 2019-03-04)"}
    # twins: the same birthday, so the UPN's check letter (its first character) tells them apart
    twins = report_stems([("K801", "Jo", "Twin", "2019-03-04"), ("M802", "Jo", "Twin", "2019-03-04")])
    assert twins == {"K801": "Twin Jo (UPN K)", "M802": "Twin Jo (UPN M)"}
    # a date of birth unknown for one of them: the check letters
    assert report_stems([("A1", "Jo", "Twin", ""), ("B2", "Jo", "Twin", "2019-03-04")]) == {
        "A1": "Twin Jo (UPN A)", "B2": "Twin Jo (UPN B)"}
    assert not any("(2)" in stem for stem in twins.values())


def test_a_renamed_pupil_keeps_a_report_when_the_run_dies_before_the_new_one_is_written(
        awkward_class, tmp_path, monkeypatch):
    """Issue 13: the old PDF used to be deleted before the new one was written."""
    import sync.reports.write as writing

    school, statements, ticks, comments, upns = awkward_class
    (first,) = write(awkward_class, tmp_path, upn=upns[7])
    renamed = rename(school.copy(), upns[7], "Jo", "Newname")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt   # the run is stopped while rendering

    monkeypatch.setattr(writing, "draw_one", killed)
    with pytest.raises(KeyboardInterrupt):
        write_reports(renamed, statements, ticks, comments, school_name="Hill Primary",
                      academic_year="2026-27", window_names=WINDOWS, window=2, fw=FW,
                      out_dir=tmp_path, templates_dir=TEMPLATES, upn=upns[7])
    (folder,) = {path.parent for path in tmp_path.rglob("*.pdf")}
    assert sorted(p.name for p in folder.glob("*.pdf")) == [first.name]
    monkeypatch.undo()
    again = write_reports(renamed, statements, ticks, comments, school_name="Hill Primary",
                          academic_year="2026-27", window_names=WINDOWS, window=2, fw=FW,
                          out_dir=tmp_path, templates_dir=TEMPLATES, upn=upns[7])
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["Newname Jo.pdf"] == [again[0].name]


def test_erasing_pupils_removes_their_files_of_every_window_and_their_hashes_only(tmp_path):
    """`forget`'s part: each class folder's manifest names the files; a name that is not a plain
    file name there is never followed; a dry run counts without removing."""
    autumn, spring = tmp_path / "2026-27" / "Autumn" / "Oak", tmp_path / "2026-27" / "Spring" / "Ash"
    for folder, manifest, drawn in (
            (autumn, {"k1": ["Ng Ada.pdf"], "k2": ["Bo Cy.pdf"]}, {"k1": "h1", "k2": "h2"}),
            (spring, {"k1": ["Ng Ada (old).pdf", "Ng Ada.pdf", "../Oak/Bo Cy.pdf"]}, {"k1": "h3"})):
        folder.mkdir(parents=True)
        for names in manifest.values():
            for name in names:
                if "/" not in name:
                    (folder / name).write_bytes(b"%PDF-")
        (folder / MANIFEST).write_text(json.dumps(manifest))
        (folder / DRAWN).write_text(json.dumps(drawn))
    sink = LocalFolderSink(tmp_path)
    assert sink.erase({"k1"}, dry_run=True) == 3                  # 1 in Autumn, 2 in Spring
    assert len(list(tmp_path.rglob("*.pdf"))) == 4
    assert sink.erase({"k1"}, dry_run=False) == 3
    assert [p.name for p in tmp_path.rglob("*.pdf")] == ["Bo Cy.pdf"]
    assert json.loads((autumn / MANIFEST).read_text()) == {"k2": ["Bo Cy.pdf"]}
    assert json.loads((autumn / DRAWN).read_text()) == {"k2": "h2"}
    assert json.loads((spring / MANIFEST).read_text()) == {} and json.loads((spring / DRAWN).read_text()) == {}
    assert sink.erase({"k1"}, dry_run=False) == 0
    assert LocalFolderSink(tmp_path / "no such folder").erase({"k1"}, dry_run=False) == 0
