"""`sync.xlsx.read_values` reads with calamine and gives what openpyxl's read-only mode gives for
the same file; a workbook with an error value is read with openpyxl, which keeps it."""
import shutil
import subprocess
from datetime import date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook as XlsxWorkbook
from openpyxl import load_workbook

from sync.errors import UnreadableWorkbook
from sync.local_store import LocalStore
from sync.store import WorkbookRef
from sync.xlsx import read_values


def openpyxl_reads(path):
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
                for sheet in book.worksheets}
    finally:
        book.close()


def blank_if_spaces(value):
    return None if isinstance(value, str) and not value.strip() else value


def trimmed(workbook):
    """Rows without trailing blanks and without trailing blank rows: openpyxl pads rows to the
    sheet's recorded size, calamine to its last value; the values are what must agree. A cell
    of spaces only counts as blank: calamine may read it as empty, and so does the reader."""
    tabs = {}
    for title, rows in workbook.items():
        rows = [[blank_if_spaces(value) for value in row] for row in rows]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        tabs[title] = rows
    return tabs


text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12)
cell_values = st.one_of(
    st.none(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    text,
    st.sampled_from(["3W+", " 16 ", "ABS", "=1+1", "72%", "36/50", "", "  ", "TRUE", "1/9/2025"]),
    st.booleans(),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31)),
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2040, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)),
    st.times().map(lambda moment: moment.replace(microsecond=0)),
)
tab_rows = st.lists(st.lists(cell_values, max_size=8), max_size=8)
titles = st.sampled_from(["Pupils", "Judgements", "Reading grid", "Tests", "Notes"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(tabs=st.dictionaries(titles, tab_rows, min_size=1, max_size=3))
def test_calamine_reads_what_openpyxl_reads(tmp_path, tabs):
    path = tmp_path / "class.xlsx"
    book = XlsxWorkbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)   # "=1+1" is a formula without a cached value: both read None
    book.save(path)

    assert trimmed(read_values(path)) == trimmed(openpyxl_reads(path))


def test_numbers_dates_and_blanks_come_back_as_openpyxl_gives_them(tmp_path):
    path = tmp_path / "class.xlsx"
    book = XlsxWorkbook()
    sheet = book.active
    sheet.title = "Pupils"
    sheet.append(["UPN", 12, 12.5, date(2019, 9, 1), datetime(2020, 1, 2, 3, 4, 5), time(10, 30), True])
    sheet["C3"] = "far"
    book.save(path)

    rows = read_values(path)["Pupils"]

    assert rows[0] == ["UPN", 12, 12.5, datetime(2019, 9, 1), datetime(2020, 1, 2, 3, 4, 5),
                       time(10, 30), True]
    assert type(rows[0][1]) is int                 # 12, never 12.0 (it shows in Problems)
    assert rows[1][:3] == [None, None, None]       # blank rows and cells are None, from A1
    assert rows[2][:3] == [None, None, "far"]


def test_a_workbook_with_an_error_value_keeps_it(tmp_path):
    path = tmp_path / "class.xlsx"
    book = XlsxWorkbook()
    sheet = book.active
    sheet.title = "Judgements"
    sheet.append(["UPN", "Reading Autumn"])
    sheet.append(["A123", "#N/A"])                  # openpyxl stores this as an error cell
    book.save(path)

    assert read_values(path)["Judgements"][1] == ["A123", "#N/A"]


def test_hidden_tabs_are_read_too(tmp_path):
    path = tmp_path / "class.xlsx"
    book = XlsxWorkbook()
    book.active.title = "Pupils"
    book.active["A1"] = "UPN"
    hidden = book.create_sheet("Old")
    hidden.sheet_state = "hidden"
    hidden["B2"] = "kept"
    book.save(path)

    assert read_values(path) == {"Pupils": [["UPN"]], "Old": [[None, None], [None, "kept"]]}


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04 half a zip"])
def test_a_file_that_is_not_a_workbook_is_unreadable(tmp_path, content):
    (tmp_path / "Tracker summary.xlsx").write_bytes(b"")
    (tmp_path / "classes").mkdir()
    (tmp_path / "classes" / "Oak.xlsx").write_bytes(content)
    store = LocalStore(tmp_path)

    with pytest.raises(UnreadableWorkbook):
        store.read_workbook(WorkbookRef(id="classes/Oak.xlsx", name="Oak.xlsx"))


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">'
    '<office:body><office:spreadsheet>'
    '<table:table table:name="Pupils"><table:table-row>'
    '<table:table-cell office:value-type="string"><text:p>UPN</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string"><text:p>First name</text:p></table:table-cell>'
    '</table:table-row><table:table-row table:number-rows-repeated="3"><table:table-cell '
    'table:number-columns-repeated="2"/></table:table-row><table:table-row>'
    '<table:table-cell table:number-columns-repeated="3"/>'
    '<table:table-cell table:formula="of:=NA()" office:value-type="string" office:string-value="" '
    'calcext:value-type="error"><text:p>#N/A</text:p></table:table-cell></table:table-row></table:table>'
    '<table:table table:name="Judgements"><table:table-row><table:table-cell table:formula="of:=1/0" '
    'office:value-type="string" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
    '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')


def test_error_values_in_an_ods_workbook_are_found_with_their_places(tmp_path):
    """Calamine reads an .ods error value as a blank cell; its place comes from content.xml,
    counting repeated rows and cells (row 5, column D of Pupils), never expanding them."""
    import zipfile

    from sync.xlsx import ods_error_cells
    path = tmp_path / "Oak.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", ODS_CONTENT)
    assert ods_error_cells(path) == [("Pupils", 4, 3, "#N/A"), ("Judgements", 0, 0, "#DIV/0!")]
    assert ods_error_cells(path.with_suffix(".xlsx")) == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice to save an .ods")
def test_an_ods_error_value_reads_as_its_error_text_as_in_an_xlsx(tmp_path):
    (tmp_path / "e.csv").write_text("Name,Value\nA,=1/0\nB,=NA()\nC,5\n", encoding="utf-8")
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(tmp_path),
                    str(tmp_path / "e.csv")], check=True, capture_output=True, timeout=240)
    assert read_values(tmp_path / "e.ods")["e"] == [["Name", "Value"], ["A", "#DIV/0!"], ["B", "#N/A"], ["C", 5]]


def test_one_pass_finds_percent_cells_and_formulas_saved_without_a_value(tmp_path):
    """Percent cells on two tabs read as the percentage shown; a formula cell saved without its
    value is named; a data validation's formula is no formula cell."""
    from openpyxl.worksheet.datavalidation import DataValidation

    from sync.xlsx import read_values_and_blanks
    book = XlsxWorkbook()
    tests = book.active
    tests.title = "Tests"
    tests.append(["UPN", "Reading Autumn", "Maths Autumn"])
    tests.append(["A123", 0.72, 0.5])
    tests["B2"].number_format = "0%"
    tests["C3"] = "=40+32"
    check = DataValidation(type="list", formula1='"WT,A,M"')
    tests.add_data_validation(check)
    check.add("D2:D9")
    grid = book.create_sheet("Maths grid")
    grid.append(["UPN", 1])
    grid["B1"].number_format = "0.0%"
    path = tmp_path / "Oak.xlsx"
    book.save(path)
    values, uncached = read_values_and_blanks(path)
    assert values["Tests"][1][1:3] == ["72%", 0.5]
    assert values["Maths grid"][0] == ["UPN", "100%"]
    assert uncached == [("Tests", "C3")]


@given(st.lists(st.sampled_from([b"<f>", b"<f/>", b"<f ", b"<x:f>", b"<x:f ", b"<formula1>", b":f",
                                 b"xmlns:f=", b"<fx>", b"<c r='A1'>", b"f", b"<", b":", b" "]), max_size=6))
def test_the_quick_formula_test_agrees_with_the_full_pattern(parts):
    from sync.xlsx import _FORMULA_TAG, _has_formula_tag
    xml = b"".join(parts)
    assert _has_formula_tag(xml) == (_FORMULA_TAG.search(xml) is not None)


def test_percent_styles_and_sheet_parts_from_the_parts_bytes():
    """The styles whose number format is a percentage (built-in 9 and 10, or a custom format
    with a % outside quotes), and each tab's part; asked twice, the same answers."""
    from sync.xlsx import _percent_styles, _sheet_targets
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    styles = (f'<styleSheet xmlns="{main}"><numFmts><numFmt numFmtId="164" formatCode="0.0%"/>'
              '<numFmt numFmtId="165" formatCode="&quot;%&quot;0"/></numFmts><cellXfs>'
              '<xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="165"/><xf numFmtId="164"/>'
              '<xf numFmtId="10"/><xf numFmtId="14"/></cellXfs></styleSheet>').encode()
    assert _percent_styles(styles) == frozenset({1, 3, 4})
    assert _percent_styles(styles) == frozenset({1, 3, 4})
    assert _percent_styles(f'<styleSheet xmlns="{main}"/>'.encode()) == frozenset()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
            b'<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>')
    workbook = (f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Pupils" r:id="rId2"/>'
                '<sheet name="Class" r:id="rId1"/><sheet name="Lost" r:id="rId9"/></sheets></workbook>').encode()
    assert _sheet_targets(rels, workbook) == (("Pupils", "xl/worksheets/sheet2.xml"),
                                              ("Class", "xl/worksheets/sheet1.xml"), ("Lost", "xl/"))
