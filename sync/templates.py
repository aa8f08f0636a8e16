"""Render the workbooks people own from the layout files in `sheets_templates/layouts/`.

`new_class_workbook` writes a class workbook (the tabs of layouts/class_workbook.toml, with frozen headers,
drop-downs, WT/A/M colours and protected header rows); `new_tracker_summary` writes a new
`Tracker summary.xlsx` holding only Settings and Staff (the sync only reads it, and writes its
figures to `Tracker results.xlsx`). Both take their
tabs, columns, widths, colours and lists from the layout files, so a school can restyle them
without touching code. Files are saved deterministically: the same inputs give the same bytes.
"""
from __future__ import annotations

import io
import textwrap
import tomllib
import zipfile
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from functions.framework import Framework
from functions.labels import offered_labels
from sync.templates_dir import TEMPLATES_DIR
from sync.xlsx import page_setup_properties

FIXED_TIME = datetime(2026, 1, 1)
"""Stamped into every workbook we create (document properties and zip entries), for determinism."""
VALIDATION_LAST_ROW = 1000
"""Drop-downs, colours and unlocked cells reach this row, well past any class."""
_EXCEL_LIST_LIMIT = 255
_CORE_PART = "docProps/core.xml"
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)


def load_layout(name: str, templates_dir: Path = TEMPLATES_DIR) -> dict[str, Any]:
    """A parsed layout file, e.g. `load_layout("class_workbook")`."""
    with open(templates_dir / "layouts" / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def load_statements(templates_dir: Path, fw: Framework, subjects: list[str] | None = None) -> pd.DataFrame:
    """Every statement of `statements/<subject>.csv` as subject, year, group, kpi, text.

    `group` is the tracking point (points frameworks) or the band (steps), the value a grid's row 2
    holds. Rows keep the file's order (teaching order) within each subject and year.
    """
    files = sorted((templates_dir / "statements").glob("*.csv"))
    wanted = {s.casefold() for s in subjects} if subjects else None
    parts = []
    for file in files:
        subject = file.stem.capitalize()
        if wanted is not None and subject.casefold() not in wanted:
            continue
        table = pd.read_csv(file, dtype=str, keep_default_na=False)
        group = table["point"] if fw.kind == "points" else table["band"]
        parts.append(pd.DataFrame({
            "subject": subject, "year": table["year"].astype(int), "group": group.astype(int),
            "kpi": table["kpi"].str.strip().str.upper().eq("Y"), "text": table["statement"].str.strip(),
        }))
    columns = ["subject", "year", "group", "kpi", "text"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def judgement_labels(fw: Framework, year: int, layout: dict[str, Any] | None = None) -> list[str]:
    """The labels a judgement drop-down offers for year group `year` (`functions.labels.offered`,
    with the rules of the class workbook layout's `[labels]`)."""
    return offered_labels(fw, year, (layout or load_layout("class_workbook"))["labels"][fw.kind])


def new_class_workbook(path: Path, *, class_name: str, year_group: int, teacher: str,
                       academic_year: str, fw: Framework, subjects: list[str],
                       statements: pd.DataFrame, pupils: pd.DataFrame | None = None,
                       judgements: pd.DataFrame | None = None, tests: pd.DataFrame | None = None,
                       ticks: pd.DataFrame | None = None, comments: pd.DataFrame | None = None,
                       interventions: pd.DataFrame | None = None,
                       statutory: pd.DataFrame | None = None,
                       templates_dir: Path = TEMPLATES_DIR) -> None:
    """Write a class workbook at `path`.

    `statements` is `load_statements(...)` (only rows of `year_group` are used). The optional
    frames hold data to fill in, with the tab's own column names: `pupils` the Pupils columns
    (dates as dates), `judgements` / `tests` / `comments` / `interventions` keyed by `UPN`.
    `ticks` is long: upn, subject, statement_no (1-based within the subject's grid), code.
    `statutory` holds the Statutory tab's columns keyed by `UPN` (only year groups that sit a
    statutory check have that tab).
    Missing frames leave the tab with its headers (and the pupils' UPN and Name).
    """
    layout = load_layout("class_workbook", templates_dir)
    context = _Context(layout, fw, year_group, subjects)
    pupils = pupils if pupils is not None else pd.DataFrame(columns=["UPN", "First name", "Last name"])
    names = _names(pupils)
    data = {"Pupils": pupils, "Judgements": judgements, "Tests": tests, "Comments": comments,
            "Interventions": interventions}
    book = Workbook()
    book.remove(book.worksheets[0])
    for spec in layout["tabs"]:
        if spec["kind"] == "keys":
            values = {"Class": class_name, "Year group": year_group, "Teacher": teacher,
                      "Academic year": academic_year}
            sheet = book.create_sheet(spec["name"])
            _keys_tab(sheet, spec, [(k, values[k]) for k in spec["keys"]], layout["style"])
            sheet.cell(1, 1).comment = Comment(spec["help"], "Tracker", width=320, height=90)
        elif spec["kind"] == "statutory":
            _statutory_tab(book, context, spec, statutory, names, year_group, templates_dir)
        elif spec["kind"] == "table":
            frame = data.get(spec["name"])
            if frame is None and spec["name"] != "Interventions":
                frame = names
            _table_tab(book.create_sheet(spec["name"]), context, spec, frame, names)
        else:
            for subject in subjects:
                chosen = statements[(statements["subject"].str.casefold() == subject.casefold())
                                    & (statements["year"] == year_group)]
                subject_ticks = None
                if ticks is not None:
                    subject_ticks = ticks[ticks["subject"].str.casefold() == subject.casefold()]
                _grid_tab(book.create_sheet(spec["name"].format(subject=subject)), context, spec,
                          chosen, names, subject_ticks)
    printing = layout.get("print", {})
    for spec, sheets in zip(layout["tabs"], _sheets_of_tabs(book, layout["tabs"], subjects), strict=False):
        for sheet in sheets:
            title_rows = {"keys": 0, "grid": 2}.get(spec["kind"], 1)
            title_columns = 2 if (sheet.cell(1, 1).value, sheet.cell(1, 2).value) == ("UPN", "Name") else 0
            _print_setup(sheet, {**printing, **spec.get("print", {})}, title_rows, title_columns)
    save_workbook(book, path)


def _sheets_of_tabs(book: Workbook, specs: list[dict[str, Any]], subjects: list[str]) -> list[list[Worksheet]]:
    """The worksheets made for each tab spec, in order (a grid spec makes one per subject; a tab
    only some classes get, such as Statutory, may be absent)."""
    names = [[spec["name"].format(subject=subject) for subject in subjects]
             if spec["kind"] == "grid" else [spec["name"]] for spec in specs]
    return [[book[name] for name in group if name in book.sheetnames] for group in names]


def new_tracker_summary(path: Path, settings: dict[str, str], staff: list[tuple[str, str]],
                        templates_dir: Path = TEMPLATES_DIR) -> None:
    """Write a new `Tracker summary.xlsx` with the Settings (key, value) and Staff tabs.

    Keys missing from `settings` take the layout's defaults; unknown keys are refused, since
    the sync would ignore them and a school would wonder why its setting did nothing. Each key's
    help text is a note on its cell: a third column would be read as the value of a blank setting.
    """
    layout = load_layout("tracker_summary", templates_dir)
    known = [row["key"] for row in layout["settings"]]
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)}; known: {', '.join(known)}")
    style = layout["style"]
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Settings"
    rows = [(row["key"], settings.get(row["key"], row["default"])) for row in layout["settings"]]
    _keys_tab(sheet, {"widths": [style["key_width"], style["value_width"]]}, rows, style, protect=False)
    for r, row in enumerate(layout["settings"], start=1):
        sheet.cell(r, 1).comment = Comment(row["help"], "Tracker", width=320, height=90)
        sheet.cell(r, 2).number_format = "@"
    staff_spec = layout["staff"]
    staff_sheet = book.create_sheet("Staff")
    columns = staff_spec["columns"]
    _header(staff_sheet, [c["name"] for c in columns], style["header_fill"])
    for r, (email, role) in enumerate(staff, start=2):
        staff_sheet.cell(r, 1, email)
        staff_sheet.cell(r, 2, role)
    for i, column in enumerate(columns, start=1):
        staff_sheet.column_dimensions[get_column_letter(i)].width = column["width"]
        if column.get("list") == "roles":
            _drop_down(staff_sheet, staff_spec["roles"],
                       [f"{get_column_letter(i)}2:{get_column_letter(i)}{VALIDATION_LAST_ROW}"])
    staff_sheet.freeze_panes = "A2"
    save_workbook(book, path)


def save_workbook(book: Workbook, path: Path) -> None:
    """Save with fixed timestamps (document properties and zip entries): same content, same bytes.

    openpyxl stamps the save time into docProps/core.xml, so that part is written again after.
    """
    buffer = io.BytesIO()
    book.save(buffer)
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = "pupil tracker"
    core = tostring(book.properties.to_tree())
    buffer.seek(0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, core if info.filename == _CORE_PART else source.read(info.filename))


class _Context:
    """What every tab's renderer needs: layout, framework, year group, subjects, lists."""

    def __init__(self, layout: dict[str, Any], fw: Framework, year_group: int, subjects: list[str]) -> None:
        self.layout, self.style, self.fw, self.subjects = layout, layout["style"], fw, subjects
        self.lists = {"labels": judgement_labels(fw, year_group, layout), "codes": layout["grid"]["codes"],
                      "subjects": subjects, "windows": list(fw.windows)}

    def expand(self, column: dict[str, Any]) -> list[str]:
        """A layout column as the header names it stands for ("{subject} {window}" -> many)."""
        each = column.get("each", "")
        if each == "subject window":
            return [column["name"].format(subject=s, window=w) for s in self.subjects for w in self.fw.windows]
        if each == "subject":
            return [column["name"].format(subject=s) for s in self.subjects]
        return [column["name"]]


def _names(pupils: pd.DataFrame) -> pd.DataFrame:
    """UPN and Name ("First Last") of every pupil: the first two columns of most tabs."""
    first = pupils.get("First name", pd.Series("", index=pupils.index)).fillna("").astype(str)
    last = pupils.get("Last name", pd.Series("", index=pupils.index)).fillna("").astype(str)
    return pd.DataFrame({"UPN": pupils["UPN"], "Name": (first + " " + last).str.strip()})


def _header(sheet: Worksheet, names: list[str], fill: str) -> None:
    """Row 1: bold, shaded, wrapped and locked header cells."""
    for col, name in enumerate(names, start=1):
        cell = sheet.cell(1, col, name)
        if isinstance(name, str) and name.startswith("="):
            cell.data_type = "s"                # a school's own group named "=..." stays text
        if col == 1:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=fill)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.protection = _LOCKED
            style = cell._style  # type: ignore[attr-defined]  # openpyxl's shared style array
        else:
            cell._style = copy(style)  # type: ignore[attr-defined]


def _write_rows(sheet: Worksheet, frame: pd.DataFrame, header: list[str], first_row: int) -> None:
    """Write `frame`'s columns under the header names they match; NaN and None stay empty.

    Every written cell is unlocked; they share one style array (openpyxl's `_style`), which is
    many times faster than setting `protection` cell by cell.
    """
    positions = {name: i for i, name in enumerate(header, start=1)}
    unlocked = None
    for name in (c for c in frame.columns if c in positions):
        col = positions[name]
        for offset, value in enumerate(frame[name].tolist()):
            if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
                continue
            cell = sheet.cell(first_row + offset, col, value.date() if isinstance(value, pd.Timestamp) else value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"            # a name like "=IMPORTXML(...)" stays text
            if unlocked is None:
                cell.protection = _UNLOCKED
                unlocked = cell._style  # type: ignore[attr-defined]  # openpyxl's shared style array
            else:
                cell._style = copy(unlocked)  # type: ignore[attr-defined]


def _unlock_columns(sheet: Worksheet, first: int, last: int) -> None:
    """Data cells a teacher has not typed in yet are unlocked through their column's style."""
    for col in range(first, last + 1):
        sheet.column_dimensions[get_column_letter(col)].protection = _UNLOCKED


def _protect(sheet: Worksheet, style: dict[str, Any]) -> None:
    """Lock header cells only; teachers may still resize, sort, filter and add or delete rows."""
    if not style.get("protect", True):
        return
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.insertRows = protection.deleteRows = protection.sort = protection.autoFilter = False


def _drop_down(sheet: Worksheet, values: list[str], ranges: list[str]) -> None:
    formula = ",".join(values)
    if len(formula) > _EXCEL_LIST_LIMIT:
        raise ValueError(f"the drop-down list for {sheet.title} is longer than Excel allows")
    validation = DataValidation(type="list", formula1=f'"{formula}"', allow_blank=True,
                                errorStyle="warning", showErrorMessage=True,
                                errorTitle="Not on the list",
                                error="This value is not on the list. Keep it only if you are sure.")
    for cells in ranges:
        validation.add(cells)
    sheet.add_data_validation(validation)


def _keys_tab(sheet: Worksheet, spec: dict[str, Any], rows: list[tuple], style: dict[str, Any],
              protect: bool = True) -> None:
    """Key / value rows with no header row: the key column is shaded (and locked)."""
    fill = PatternFill("solid", fgColor=style.get("key_fill", style["header_fill"]))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c, value)
            cell.protection = _LOCKED if c == 1 else _UNLOCKED
        sheet.cell(r, 1).font = Font(bold=True)
        sheet.cell(r, 1).fill = fill
    for i, width in enumerate(spec["widths"], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    if protect:
        _unlock_columns(sheet, 2, len(spec["widths"]))
        _protect(sheet, style)


def _table_tab(sheet: Worksheet, context: _Context, spec: dict[str, Any], frame: pd.DataFrame | None,
               names: pd.DataFrame) -> None:
    """A header row and one row per pupil (or intervention), with widths, lists and formats."""
    header: list[str] = []
    lists: dict[tuple, list[str]] = {}
    for column in spec["columns"]:
        for name in context.expand(column):
            header.append(name)
            position = len(header)
            letter = get_column_letter(position)
            sheet.column_dimensions[letter].width = column["width"]
            if "format" in column:
                sheet.column_dimensions[letter].number_format = column["format"]
            if column.get("list") == "labels":
                sheet.column_dimensions[letter].number_format = "@"
            if "list" in column:
                values = column["list"]
                lists.setdefault(tuple(values if isinstance(values, list) else context.lists[values]), []).append(letter)
    if frame is not None and spec.get("spare_columns"):
        header += [str(c) for c in frame.columns if c not in header]   # a school's own groups
    _header(sheet, header, context.style["header_fill"])
    if frame is not None:
        if "UPN" in frame.columns and "Name" in header and "Name" not in frame.columns:
            frame = frame.merge(names, on="UPN", how="left", sort=False)
        _write_rows(sheet, frame, header, first_row=2)
        _apply_formats(sheet, spec, context, header, len(frame))
    for values, letters in lists.items():
        _drop_down(sheet, list(values), [f"{x}2:{x}{VALIDATION_LAST_ROW}" for x in letters])
    _unlock_columns(sheet, 1, len(header) + spec.get("spare_columns", 0))
    sheet.freeze_panes = spec["freeze"]
    _protect(sheet, context.style)


def _apply_formats(sheet: Worksheet, spec: dict[str, Any], context: _Context, header: list[str],
                   count: int) -> None:
    """Cells we wrote carry their own style, so give them their column's format and wrapping."""
    for column in spec["columns"]:
        if "format" not in column and not column.get("wrap"):
            continue
        for name in context.expand(column):
            col = header.index(name) + 1
            for row in range(2, count + 2):
                cell = sheet.cell(row, col)
                cell.protection = _UNLOCKED      # an empty cell made here must stay editable
                if "format" in column:
                    cell.number_format = column["format"]
                if column.get("wrap"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    _fit_row_height(sheet, row, cell.value, column["width"])
    if any(column.get("wrap") for column in spec["columns"]):   # tall rows: read from the top
        for cells in sheet.iter_rows(min_row=2, max_row=count + 1, max_col=len(header)):
            for cell in cells:
                if not cell.alignment.wrap_text:
                    cell.alignment = Alignment(vertical="top")


LINE_HEIGHT = 15.0   # points per line of the default font


def _fit_row_height(sheet: Worksheet, row: int, text: object, width: float) -> None:
    """A row tall enough for its wrapped text: spreadsheet programs do not grow a row for text
    another program wrapped, so the lines would be drawn over the rows below."""
    lines = len(textwrap.wrap(str(text), max(int(width) - 2, 1))) if text else 1
    if lines > 1:
        current = sheet.row_dimensions[row].height or LINE_HEIGHT
        sheet.row_dimensions[row].height = max(current, lines * LINE_HEIGHT)


def _print_setup(sheet: Worksheet, settings: dict[str, Any], title_rows: int, title_columns: int) -> None:
    """Printed, a tab is A4 in the layout's orientation, one page wide, its header rows (and the
    UPN and Name columns, where it has them) repeated on every page."""
    sheet.page_setup.orientation = settings.get("orientation", "landscape")
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    page_setup_properties(sheet).fitToPage = True
    sheet.page_setup.fitToWidth = int(settings.get("pages_wide", 1))
    sheet.page_setup.fitToHeight = 0
    if title_rows:
        sheet.print_title_rows = f"1:{title_rows}"
    if title_columns:
        sheet.print_title_cols = f"A:{get_column_letter(title_columns)}"
    for side, inches in settings.get("margins", {}).items():
        setattr(sheet.page_margins, side, float(inches))


def _grid_tab(sheet: Worksheet, context: _Context, spec: dict[str, Any], statements: pd.DataFrame,
              names: pd.DataFrame, ticks: pd.DataFrame | None) -> None:
    """Row 1 statement texts (wrapped), row 2 their point or band, then one row per pupil."""
    grid = context.layout["grid"]
    fixed = [c["name"] for c in spec["columns"]]
    header = fixed + statements["text"].tolist()
    _header(sheet, header, context.style["header_fill"])
    kpi_fill = PatternFill("solid", fgColor=grid["kpi_fill"])
    first = len(fixed) + 1
    for offset, (group, kpi) in enumerate(zip(statements["group"].tolist(), statements["kpi"].tolist(), strict=True)):
        cell = sheet.cell(2, first + offset, int(group))
        cell.protection = _LOCKED
        cell.alignment = Alignment(horizontal="center")
        if kpi:
            sheet.cell(1, first + offset).fill = kpi_fill
    for col, column in enumerate(spec["columns"], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = column["width"]
        sheet.cell(2, col).fill = PatternFill("solid", fgColor=context.style["header_fill"])
    last_letter = get_column_letter(max(len(header), first))
    for col in range(first, len(header) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = grid["statement_width"]
    sheet.row_dimensions[1].height = grid["statement_row_height"]
    rows = names
    if ticks is not None and len(ticks):
        wide = ticks.pivot(index="upn", columns="statement_no", values="code")
        wide.columns = [header[first - 1 + int(no) - 1] for no in wide.columns]
        rows = names.merge(wide, left_on="UPN", right_index=True, how="left", sort=False)
    _write_rows(sheet, rows, header, first_row=3)
    data_range = f"{get_column_letter(first)}3:{last_letter}{VALIDATION_LAST_ROW}"
    if len(header) >= first:
        _drop_down(sheet, context.lists["codes"], [data_range])
        for code, colour in grid["colours"].items():
            sheet.conditional_formatting.add(data_range, CellIsRule(
                operator="equal", formula=[f'"{code}"'], fill=PatternFill("solid", fgColor=colour,
                                                                        bgColor=colour)))
    _unlock_columns(sheet, 1, len(header))
    sheet.freeze_panes = spec["freeze"]
    _protect(sheet, context.style)


def _statutory_tab(book: Workbook, context: _Context, spec: dict[str, Any], frame: pd.DataFrame | None,
                   names: pd.DataFrame, year_group: int, templates_dir: Path) -> None:
    """UPN, Name and one column per statutory result of the year group (none: no tab)."""
    from functions.statutory import expected_text
    from sync.statutory import statutory_rules
    rules = statutory_rules(templates_dir)
    columns = sorted(rules.columns_for_year(year_group), key=lambda c: c.kind == "goal")  # goals last
    if not columns:
        return
    sheet = book.create_sheet(spec["name"])
    fixed = [c["name"] for c in spec["columns"]]
    header = fixed + [c.name for c in columns]
    _header(sheet, header, context.style["header_fill"])
    for col, column in enumerate(spec["columns"], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = column["width"]
    lists: dict[tuple[str, ...], list[str]] = {}
    for col, column in enumerate(columns, start=len(fixed) + 1):
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = spec["goal_width" if column.kind == "goal" else "result_width"]
        sheet.cell(1, col).comment = Comment(expected_text(column, rules), "Tracker", width=300, height=110)
        if column.kind in ("goal", "code"):
            sheet.column_dimensions[letter].number_format = "@"
            lists.setdefault(tuple(column.choices), []).append(letter)
    sheet.row_dimensions[1].height = spec["header_height"]
    rows = names if frame is None else names.merge(frame, on="UPN", how="left", sort=False)
    _write_rows(sheet, rows, header, first_row=2)
    for values, letters in lists.items():
        _drop_down(sheet, list(values), [f"{x}2:{x}{VALIDATION_LAST_ROW}" for x in letters])
    _unlock_columns(sheet, 1, len(header))
    sheet.freeze_panes = spec["freeze"]
    _protect(sheet, context.style)
