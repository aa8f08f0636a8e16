"""Candidate writers for our output workbooks, side by side on the demo school's outputs.

    python bench/writers.py [--scale 10] [--repeat 3]

Our outputs (`Tracker results.xlsx`, `summaries/*.xlsx`) are workbooks wholly ours, written whole,
so any writer that keeps our formats could write them. This writes the cells one sync of the demo
school wrote (its `Tab`s: note, header, rows) with:

- ours: `sync.xlsx.render_tab` on openpyxl write-only sheets (every format, width, wrap, row
  height, print setup, conditional fill and chart), as the sync writes them;
- openpyxl write-only and openpyxl normal: values only (the floor of bench/local_sync.py);
- XlsxWriter, values only and with the cells' number formats, header style, widths and frozen
  panes (its per-cell cost with formats; charts, print setup and conditional fills are a few
  calls a tab), when it is installed (`pip install XlsxWriter==3.3.1`; not a dependency).

CPU time, medians of the repeats, interleaved; ratios against openpyxl write-only values.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sync.local_store as local_store  # noqa: E402
from sync.demo import build_demo  # noqa: E402
from sync.job import run_sync  # noqa: E402
from sync.local_store import LocalStore, _mark_owned  # noqa: E402
from sync.store import Tab  # noqa: E402
from sync.xlsx import render_tab  # noqa: E402

Books = list[tuple[str, list[Tab]]]


def demo_outputs(folder: Path, scale: int) -> Books:
    """The tabs one sync of the demo school writes, file by file."""
    books: Books = []
    write_class, write_summary = LocalStore.write_class_outputs, LocalStore.write_summary

    def class_outputs(self, ref, tabs):
        books.append((f"class-{len(books)}.xlsx", tabs))
        return write_class(self, ref, tabs)

    def summary(self, tabs):
        books.append(("Tracker results.xlsx", tabs))
        return write_summary(self, tabs)

    build_demo(folder, seed=1, pupils_per_class=None if scale == 1 else 30 * scale)
    local_store.LocalStore.write_class_outputs = class_outputs   # type: ignore[method-assign]
    local_store.LocalStore.write_summary = summary               # type: ignore[method-assign]
    try:
        run_sync(LocalStore(folder))
    finally:
        local_store.LocalStore.write_class_outputs = write_class  # type: ignore[method-assign]
        local_store.LocalStore.write_summary = write_summary      # type: ignore[method-assign]
    return books


def rows_of(tab: Tab) -> list[list[object]]:
    return ([[tab.note]] if tab.note else []) + [list(tab.header)] + [
        [None if value == "" else value for value in row] for row in tab.rows]


def ours(books: Books, into: Path) -> None:
    for name, tabs in books:
        book = Workbook(write_only=True)
        for tab in tabs:
            render_tab(book.create_sheet(tab.title), tab)
        _mark_owned(book, [tab.title for tab in tabs])
        book.save(into / name)


def openpyxl_values(books: Books, into: Path, write_only: bool) -> None:
    for name, tabs in books:
        book = Workbook(write_only=write_only)
        if not write_only:
            book.remove(book.active)
        for tab in tabs:
            sheet = book.create_sheet(tab.title)
            for row in rows_of(tab):
                sheet.append(row)
        book.save(into / name)


def xlsxwriter_cells(books: Books, into: Path, formatted: bool) -> None:
    import xlsxwriter

    for name, tabs in books:
        book = xlsxwriter.Workbook(str(into / name), {"strings_to_formulas": False,
                                                      "strings_to_numbers": False,
                                                      "strings_to_urls": False,
                                                      "default_date_format": "dd/mm/yyyy"})
        header = book.add_format({"bold": True, "bg_color": "#DDE5F0", "text_wrap": True, "valign": "top"})
        for tab in tabs:
            sheet = book.add_worksheet(tab.title)
            top = 1 if tab.note else 0
            if tab.note:
                sheet.write_string(0, 0, tab.note)
            formats = [book.add_format({"num_format": tab.formats[column]})
                       if formatted and column in tab.formats else None for column in tab.header]
            if formatted:
                sheet.write_row(top, 0, tab.header, header)
                for column, name_ in enumerate(tab.header):
                    sheet.set_column(column, column, tab.widths.get(name_, 10))
                sheet.freeze_panes(top + 1, tab.freeze_cols)
            else:
                sheet.write_row(top, 0, tab.header)
            for offset, row in enumerate(tab.rows, start=top + 1):
                for column, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    cell_format = formats[column] if column < len(formats) else None
                    if isinstance(value, str):
                        sheet.write_string(offset, column, value, cell_format)
                    else:
                        sheet.write(offset, column, value, cell_format)
        book.close()


def timed(action: Callable[[], object]) -> float:
    began = time.process_time()
    action()
    return time.process_time() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import xlsxwriter  # noqa: F401
        have_xlsxwriter = True
    except ImportError:
        have_xlsxwriter = False
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        books = demo_outputs(work / "school", args.scale)
        into = work / "out"
        into.mkdir()
        writers: dict[str, Callable[[], None]] = {
            "ours (openpyxl write-only, every format)": lambda: ours(books, into),
            "openpyxl write-only, values": lambda: openpyxl_values(books, into, True),
            "openpyxl normal, values": lambda: openpyxl_values(books, into, False),
        }
        if have_xlsxwriter:
            writers["XlsxWriter, values"] = lambda: xlsxwriter_cells(books, into, False)
            writers["XlsxWriter, number formats, header, widths"] = lambda: xlsxwriter_cells(books, into, True)
        times: dict[str, list[float]] = {name: [] for name in writers}
        for action in writers.values():
            action()   # warm-up: imports
        for _ in range(args.repeat):
            for name, action in writers.items():
                times[name].append(timed(action))
        cells = sum(len(rows_of(tab)) * max(len(tab.header), 1) for _, tabs in books for tab in tabs)
        base = statistics.median(times["openpyxl write-only, values"])
        print(f"demo school x{args.scale}: {len(books)} files, about {cells:,} cells; CPU, median of {args.repeat}")
        result: dict[str, object] = {"scale": args.scale}
        for name, spent in times.items():
            median = statistics.median(spent)
            print(f"  {name:45} {median:6.2f} s  {median / base:4.2f}x openpyxl write-only values")
            result[name] = round(median, 2)
        if not have_xlsxwriter:
            print("  XlsxWriter: not installed (pip install XlsxWriter==3.3.1 to compare it)")
        print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
