"""`python -m sync import`: Common Transfer Files and MIS CSV exports into a small school."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sync.cli import cli
from sync.mis.ctf import read_ctf
from sync.new_class import create_class_workbook
from sync.xlsx import read_values
from tests.ctf_files import OLD_NAMESPACE, ctf_xml, pupil_xml, upn
from tests.integration.google_school import serve
from tests.year_school import ASH, OAK, follow_import_to_do, make_school, write_csv

OAK_BOOK = "classes/2026-27 Oak (Year 3).xlsx"
NEW = dict(upn=upn("802300100001"), forename="Ada", surname="Lovell", dob="2018-03-04", year=3)


@pytest.fixture
def school(tmp_path: Path) -> Path:
    return make_school(tmp_path / "school")


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".tracker.lock"}


def run(*args: object):
    """`import`, checked to change no file people own (byte for byte) and to write at most one
    new file, its to-do list; then that list is done as a teacher would (tests.year_school)."""
    school = Path(str(args[0]))
    before = digests(school) if school.is_dir() else {}
    result = CliRunner().invoke(cli, ["import", *map(str, args)])
    after = digests(school) if school.is_dir() else {}
    assert {k: v for k, v in after.items() if k in before} == before
    added = sorted(set(after) - set(before))
    assert len(added) <= 1 and all(name.startswith("imports/Import ") for name in added), added
    if added:
        assert "--dry-run" not in map(str, args) and result.exit_code == 0
        follow_import_to_do(school)
    return result


def pupils_tab(school: Path, book: str = OAK_BOOK) -> list[list]:
    return read_values(school / book)["Pupils"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def refused(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_a_ctf_of_new_arrivals_joins_the_named_class_with_joined_on(school, tmp_path):
    arrivals = write(tmp_path / "820_CTF_8012417_001.xml", ctf_xml([
        pupil_xml(**NEW, fsm=[("2025-01-06", "")], sen="K", first_language="POL"),
        pupil_xml(upn=upn("802300100002"), forename="Ben", surname="Okafor", dob="2017-12-01",
                  sex="M", year=3)]))
    result = run(school, arrivals, "--class", "oak")
    assert result.exit_code == 0, result.output
    rows = pupils_tab(school)
    assert [row[0] for row in rows[1:]] == [r[0] for r in OAK] + [NEW["upn"], upn("802300100002")]
    ada = rows[4]
    assert ada[1:3] == ["Ada", "Lovell"] and ada[4].date().isoformat() == "2018-03-04"
    assert ada[5:9] == ["F", "Y", "K", "Y"]          # FSM spell -> pupil premium; Polish first -> EAL
    assert ada[9] is not None                         # Joined on: the day of the import
    book = read_values(school / OAK_BOOK)
    for tab in ("Judgements", "Tests", "Comments", "Reading grid", "Maths grid"):
        assert [row[:2] for row in book[tab][-2:]] == [[NEW["upn"], "Ada Lovell"],
                                                      [upn("802300100002"), "Ben Okafor"]], tab
    assert "this command never changes a teacher's workbook" in result.output
    assert not (school / "previous").exists()
    to_do = read_values(next((school / "imports").glob("Import *.xlsx")))
    assert to_do["New pupils"][0][0] == ("Paste the 2 rows below the headings into 2026-27 Oak (Year 3).xlsx, "
                                         "its Pupils tab, at row 5.")
    assert to_do["New pupils"][1][:4] == ["UPN", "First name", "Last name", "Year"]
    assert to_do["New pupils"][4][0].startswith("Then type each new pupil's UPN and Name in: Judgements "
                                                "from row 5, Tests from row 5,")


def test_dry_run_writes_nothing(school, tmp_path):
    arrivals = write(tmp_path / "a.xml", ctf_xml([pupil_xml(**NEW)]))
    before = digests(school)
    result = run(school, arrivals, "--class", "Oak", "--dry-run")
    assert result.exit_code == 0 and "Join: a.xml, Pupil 1 joins Oak" in result.output
    assert "Dry run: nothing was written." in result.output
    assert digests(school) == before


def test_blank_cells_fill_and_a_typed_cell_is_never_overwritten(school, tmp_path):
    lena = OAK[2]   # no date of birth or gender typed; EAL typed Y
    amira = OAK[0]  # typed Hussain, pupil premium Y
    export = write_csv(tmp_path / "sims.csv", [
        (amira[0], "Amira", "Hussain-Ali", "14/02/2018", "Female", "No", "", "Yes", "3", "3H"),
        (lena[0], "Lena", "Novak", "30/05/2018", "F", "", "", "No", "3", "3H"),
    ], ["UPN", "Legal Forename", "Legal Surname", "DOB", "Gender", "Pupil Premium Indicator",
        "SEN Status", "EAL", "Year", "Reg Group"])
    result = run(school, export)
    assert result.exit_code == 0, result.output
    assert "with the sims column mapping" in result.output
    rows = {row[0]: row for row in pupils_tab(school)[1:]}
    assert rows[amira[0]][2] == "Hussain" and rows[amira[0]][6] == "Y"      # left as typed
    assert rows[amira[0]][8] == "Y"                                           # blank EAL filled
    assert rows[lena[0]][4].date().isoformat() == "2018-05-30" and rows[lena[0]][5] == "F"
    assert rows[lena[0]][8] == "Y"                                            # typed Y kept
    out = result.output
    assert "Problem: 2026-27 Oak (Year 3).xlsx / Pupils row 2, Last name: typed 'Hussain', the file says 'Hussain-Ali'" in out
    assert "Pupils row 2, Pupil premium: typed 'Y', the file says 'N'" in out
    assert "Pupils row 4, EAL: typed 'Y', the file says 'N'" in out


@pytest.mark.parametrize("columns, values", [
    (["UPN", "Preferred first name", "Legal last name", "Date of birth", "Gender", "Year",
      "Registration form", "Pupil Premium", "SEN status", "EAL"],
     ["{upn}", "Ada", "Lovell", "04/03/2018", "Female", "Year 3", "Oak", "Yes", "SEN Support", "No"]),
    (["UPN", "Legal Forename", "Legal Surname", "Date Of Birth", "Gender", "NC Year", "Tutor Group",
      "PP Eligible", "SEN Need", "English As Additional Language"],
     ["{upn}", "Ada", "Lovell", "2018-03-04", "F", "3", "Oak", "Y", "K", "N"]),
])
def test_arbor_and_bromcom_style_exports_place_pupils_by_registration_group(school, tmp_path, columns, values):
    export = write_csv(tmp_path / "export.csv", [tuple(v.format(upn=NEW["upn"]) for v in values)], columns)
    result = run(school, export)
    assert result.exit_code == 0, result.output
    ada = pupils_tab(school)[-1]
    assert ada[:3] == [NEW["upn"], "Ada", "Lovell"] and ada[5:8] == ["F", "Y", "K"]


def test_a_school_adds_its_own_mapping(school, tmp_path):
    (school / "mis-columns.toml").write_text(
        '[ours]\nUPN = ["Pupil number"]\n"First name" = ["Given"]\n"Last name" = ["Family"]\n'
        '"Date of birth" = ["Born"]\n"Registration group" = ["Class"]\n', encoding="utf-8")
    export = write_csv(tmp_path / "ours.csv", [(NEW["upn"], "Ada", "Lovell", "4/3/2018", "Oak")],
                       ["Pupil number", "Given", "Family", "Born", "Class"])
    result = run(school, export)
    assert result.exit_code == 0 and "the ours column mapping" in result.output
    assert pupils_tab(school)[-1][:3] == [NEW["upn"], "Ada", "Lovell"]


def test_gender_in_an_older_file_reads_as_sex_and_namespaces_are_ignored(school, tmp_path):
    old = write(tmp_path / "old.xml", ctf_xml([pupil_xml(**NEW, sex="M", sex_tag="Gender")],
                                              namespace=OLD_NAMESPACE, version="18.0"))
    new = write(tmp_path / "new.xml", ctf_xml([pupil_xml(**{**NEW, "upn": upn("802300100005")}, sex="M")]))
    assert run(school, old, new, "--class", "Oak").exit_code == 0
    assert [row[5] for row in pupils_tab(school)[-2:]] == ["M", "M"]


MTC = {"Locale": "ENG", "Year": "2027", "Subject": "MAT", "Method": "TT", "Component": "MTC",
       "ResultStatus": "R", "ResultQualifier": "MT"}


ELM_BOOK = "classes/2026-27 Elm (Year 4).xlsx"
ELM = [(upn("801241700021"), "Ivy", "Green", "01/10/2016", "F", "", "", ""),
       (upn("801241700022"), "Sam", "Cole", "12/12/2016", "M", "", "", ""),
       (upn("801241700023"), "Zoe", "Lamb", "", "", "", "", "")]


def test_a_partial_mtc_file_fills_blank_statutory_cells_only(school, tmp_path):
    """Year 4's workbook has a Statutory tab with an MTC score column (the templates make it)."""
    create_class_workbook(school, name="Elm", year=4, pupils_csv=write_csv(tmp_path / "elm.csv", ELM))
    book = load_workbook(school / ELM_BOOK)
    book["Statutory"]["C3"], book["Statutory"]["C4"] = 20, 25      # Sam typed 20, Zoe 25
    book.save(school / ELM_BOOK)
    (ivy, *_), (sam, *_), (zoe, *_) = ELM
    pupils = [pupil_xml(upn=u, forename=f, surname=s, dob=d, sex=x, results=[{**MTC, "Result": r}])
              for u, f, s, d, x, r in [(ivy, "IVY", "GREEN", "2016-10-01", "F", "22"),
                                       (sam, "SAM", "COLE", "2016-12-12", "M", "21"),
                                       (zoe, "ZOE", "LAMB", "", "", "25"),
                                       (ASH[0][0], "KOFI", "MENSAH", "2014-09-09", "M", "A"),
                                       (OAK[0][0], "AMIRA", "HUSSAIN", "2018-02-14", "F", "24")]]
    partial = write(tmp_path / "mtc.xml", ctf_xml(pupils, qualifier="partial"))
    before = digests(school)
    dry = run(school, partial, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert digests(school) == before
    result = run(school, partial)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "a partial Common Transfer File" in out
    assert "Fill: 2026-27 Elm (Year 4).xlsx / Statutory, MTC score: '22' (from mtc.xml, Pupil 1)." in out
    assert ("Problem: 2026-27 Elm (Year 4).xlsx / Statutory, MTC score (mtc.xml, Pupil 2): typed '20', "
            "the file says '21'; the cell is left as typed.") in out
    assert ("1 statutory results for pupils in 2026-27 Ash (Year 6).xlsx were not imported: its "
            "Statutory tab has no column MTC score.") in out
    assert ("1 statutory results for pupils in 2026-27 Oak (Year 3).xlsx were not imported: it has "
            "no Statutory tab.") in out
    assert "5 statutory results in the files; 3 have a Statutory column" in out
    assert "0 blank cells to fill, 0 cells typed differently" in out     # names in capitals match
    statutory = read_values(school / ELM_BOOK)["Statutory"]
    assert [row[2] for row in statutory[1:]] == [22, 20, 25]
    assert [row[0] for row in pupils_tab(school, ELM_BOOK)[1:]] == [r[0] for r in ELM]   # nobody added
    to_do = read_values(next((school / "imports").glob("Import *.xlsx")))
    assert to_do["Fill blanks"][1][:4] == ["2026-27 Elm (Year 4).xlsx", "Statutory", "C2", 22]
    assert to_do["Typed differently"][1][:5] == ["2026-27 Elm (Year 4).xlsx", "Statutory", "C3", 20, "21"]


def test_a_results_file_without_statutory_tabs_changes_nothing(school, tmp_path):
    partial = write(tmp_path / "mtc.xml", ctf_xml([pupil_xml(
        upn=OAK[0][0], forename="Amira", surname="Hussain", dob="2018-02-14",
        results=[{**MTC, "Result": "22"}])], qualifier="partial"))
    before = digests(school)
    result = run(school, partial)
    assert result.exit_code == 0, result.output
    assert "1 statutory results for pupils in 2026-27 Oak (Year 3).xlsx were not imported: it has no Statutory tab." in result.output
    assert "Nothing to change." in result.output
    assert digests(school) == before


def test_a_file_for_another_school_is_imported_with_a_warning(school, tmp_path):
    other = write(tmp_path / "other.xml", ctf_xml([pupil_xml(**NEW)], dest=("802", "9999")))
    result = run(school, other, "--class", "Oak", "--dry-run")
    assert result.exit_code == 0
    assert "Warning: other.xml is addressed to school 8029999, not this school (8012417)" in result.output


@pytest.mark.parametrize("make, words", [
    (lambda: ctf_xml([pupil_xml(**{**NEW, "upn": "B" + NEW["upn"][1:] if NEW["upn"][0] != "B" else "C" + NEW["upn"][1:]})]),
     ["Pupil 1", "check letter is wrong"]),
    (lambda: ctf_xml([pupil_xml(**NEW), pupil_xml(**{**NEW, "forename": "Other"})]),
     ["Pupil 2 has the same UPN as", "Pupil 1"]),
    (lambda: ctf_xml([pupil_xml(**{**NEW, "dob": "04/03/2018"})]), ["Pupil 1", "DOB"]),
    (lambda: '<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
             "<CTfile><Header/><CTFpupilData><Pupil><UPN>&xxe;</UPN></Pupil></CTFpupilData></CTfile>",
     ["declares a DTD or entities", "was not read"]),
    (lambda: '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
             "<CTfile>&lol2;</CTfile>", ["declares a DTD or entities"]),
    (lambda: "<CTfile><Header>", ["not well-formed XML (line 1)"]),
    (lambda: "<Other/>", ["not CTfile"]),
])
def test_refusals_are_one_sentence_exit_2_and_write_nothing(school, tmp_path, make, words):
    bad = write(tmp_path / "bad.xml", make())
    before = digests(school)
    line = refused(run(school, bad, "--class", "Oak"), "bad.xml", *words)
    assert "Ada" not in line and "Lovell" not in line and NEW["upn"] not in line
    assert digests(school) == before


def test_a_new_pupil_without_a_class_is_refused(school, tmp_path):
    arrivals = write(tmp_path / "a.xml", ctf_xml([pupil_xml(**NEW)]))
    refused(run(school, arrivals), "a.xml, Pupil 1", "--class")
    refused(run(school, arrivals, "--class", "Rowan"), "--class Rowan", "no class")


def test_whole_roll_lists_pupils_not_in_the_file_and_deletes_nobody(school, tmp_path):
    export = write_csv(tmp_path / "roll.csv", [row for row in OAK[:2]])
    before = pupils_tab(school)
    result = run(school, export, "--whole-roll")
    assert result.exit_code == 0
    assert "3 pupils on roll are not in the file" in result.output
    assert "2026-27 Oak (Year 3).xlsx / Pupils row 4" in result.output
    assert "2026-27 Ash (Year 6).xlsx / Pupils row 2" in result.output
    assert pupils_tab(school) == before


def test_a_bad_csv_value_is_refused_with_its_line(school, tmp_path):
    export = write_csv(tmp_path / "x.csv", [(NEW["upn"], "Ada", "Lovell", "04/03/2018", "F", "maybe", "", "")])
    refused(run(school, export, "--class", "Oak"), "x.csv, line 2", "Pupil premium")


_name = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda t: t.strip() == t and t.strip())


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(forename=_name, surname=_name, namespace=st.sampled_from([None, OLD_NAMESPACE]),
       tag=st.sampled_from(["Sex", "Gender"]), sex=st.sampled_from(["M", "F"]))
def test_ctf_names_and_sex_read_back_as_written(tmp_path, forename, surname, namespace, tag, sex):
    from datetime import date
    path = write(tmp_path / "p.xml", ctf_xml([pupil_xml(**{**NEW, "forename": forename, "surname": surname},
                                                        sex=sex, sex_tag=tag)], namespace=namespace))
    pupils = read_ctf(path, date(2027, 9, 1)).pupils
    assert pupils[["UPN", "First name", "Last name", "Gender"]].values.tolist() == [
        [NEW["upn"], forename, surname, sex]]


def test_a_new_pupil_without_a_upn_is_refused(school, tmp_path):
    export = write_csv(tmp_path / "x.csv", [("", "Ada", "Lovell", "04/03/2018", "F", "", "", "")])
    refused(run(school, export, "--class", "Oak"), "x.csv, line 2", "without a UPN")


def test_import_through_the_google_stand_in_writes_its_to_do_as_tabs_and_no_class_spreadsheet(google, tmp_path):
    summary_id = serve(google, make_school(tmp_path / "school"))
    books = {item.id: google.read_spreadsheet(item.id) for item in list(google.world.files.values())
             if item.id in google.world.books}
    arrivals = write(tmp_path / "a.xml", ctf_xml([pupil_xml(**NEW)]))
    dry = CliRunner().invoke(cli, ["import", "--google", summary_id, str(arrivals), "--class", "Oak", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Join: a.xml, Pupil 1 joins Oak" in dry.output
    assert {i: google.read_spreadsheet(i) for i in books} == books

    result = CliRunner().invoke(cli, ["import", "--google", summary_id, str(arrivals), "--class", "Oak"])
    assert result.exit_code == 0, result.output
    assert "Wrote the tabs Import: New pupils, Import: Fill blanks, Import: Typed differently of Tracker summary" in result.output
    after = {i: google.read_spreadsheet(i) for i in books}
    summary = after.pop(summary_id)
    assert after == {i: v for i, v in books.items() if i != summary_id}      # no class spreadsheet changed
    assert {k: v for k, v in summary.items() if not k.startswith("Import: ")} == books[summary_id]
    new_pupils = summary["Import: New pupils"]
    assert new_pupils[0][0] == "Paste the 1 row below the headings into 2026-27 Oak (Year 3), its Pupils tab, at row 5."
    assert new_pupils[2][:3] == [NEW["upn"], "Ada", "Lovell"]
    # the to-do holds pupil data: erasing the pupil takes their row out of it too
    forgot = CliRunner().invoke(cli, ["forget", "--google", summary_id, "--upn", NEW["upn"]])
    assert forgot.exit_code == 0, forgot.output
    summary = google.read_spreadsheet(summary_id)
    assert not any(NEW["upn"] in str(row) for row in summary["Import: New pupils"])
    assert summary["Import: New pupils"][0][0].startswith("Paste the 1 row below")
