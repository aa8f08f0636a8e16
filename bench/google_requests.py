"""Requests per Google-mode sync: the real job (`sync.job.run_sync`) through the stand-in.

    python -m bench.google_requests [--sizes 1 14 200]

Each school is the demo school's Tracker summary with N class workbooks of this year, made from the
demo's twelve (copies get their own class name and UPNs, so every pupil is on roll once). For each
size it runs a full sync and then a sync with nothing changed, on a simulated clock with the
stand-in's 60-a-minute quotas switched on, and prints:

  - our reads and writes per full sync, and the requests of the sync with nothing changed;
  - the naive gspread pattern on the same school (each spreadsheet opened, each tab read with its
    own call, each owned tab written as clear + values + format calls), and the ratio;
  - the time the quota itself imposes on our requests (reads and writes side by side, and read
    phase then write phase, as the job must) and on the naive ones, the time our pacer actually
    took (simulated seconds), and how many requests Google refused with 429.

    python -m bench.google_requests --years 1 3 7 10

Request size: a three-form-entry school (18 class workbooks: the demo's twelve and six copies)
whose History holds 1, 3, 7 or 10 academic years (the earlier years are this year's History rows
again under earlier years' names, put in before the sync, and one sync has then made History
state from them, as years of syncs would have). After a teacher's edit it syncs, and prints the
largest request body and the largest response in bytes, and the write requests, for our store
beside the same sync with the summary read whole and written as one batchUpdate per spreadsheet
with every owned tab rewritten (the store before it read History's open rows from History state,
diffed rows and staged large writes). Google recommends at most
2 MB a request and refuses more than 10,485,760 bytes.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from functions.academic_year import shift_academic_year
from functions.pupils import upn_check_letter
from sync.demo import build_demo
from sync.google.store import GoogleStore
from sync.job import run_sync
from sync.local_store import CLASSES_FOLDER, SUMMARY_FILE
from tests.fakes import SimClock
from tests.google_standin import TEACHER, StandIn
from tests.google_standin.load import _set_setting, book_from_xlsx
from tests.google_standin.world import FOLDER

NOW = datetime(2026, 11, 2, 19, 0, tzinfo=UTC)
THIS_YEAR = "2026-27"
CLASS_OUTPUTS = 2             # Class summary, Problems
CALLS_PER_NAIVE_WRITE = 3     # clear or add the worksheet, update the values, format the header


def _quota_floor(count: int) -> float:
    """Seconds before the last of `count` requests may start at 60 a minute."""
    return ((count - 1) // 60) * 60 if count else 0


def quota_seconds(reads: int, writes: int) -> float:
    """The least time 60 reads and 60 writes a minute allow, reads and writes side by side."""
    return max(_quota_floor(reads), _quota_floor(writes))


def phased_quota_seconds(reads: int, writes: int) -> float:
    """The same floor for a job that must read every workbook before it writes anything (the
    school's figures need every class): the reads' minutes, then the writes' minutes."""
    return _quota_floor(reads) + _quota_floor(writes)


def _copy_of(book, copy: int) -> None:
    """Make a copy of a demo class its own class: `<name> <copy>` and UPNs from another LA code."""
    class_tab = book.sheet_by_title("Class")
    name_cell = class_tab.cells[(0, 1)]["userEnteredValue"]
    name_cell["stringValue"] = f"{name_cell['stringValue']} {copy}"
    book.properties["title"] = f"{THIS_YEAR} {name_cell['stringValue']}"
    pupils = book.sheet_by_title("Pupils")
    upns = {cell["userEnteredValue"]["stringValue"] for (row, column), cell in pupils.cells.items()
            if column == 0 and row > 0}
    renamed = {upn: upn_check_letter(f"{900 + copy:03d}{upn[4:]}") + f"{900 + copy:03d}{upn[4:]}"
               for upn in upns}
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            value = cell.get("userEnteredValue", {})
            if value.get("stringValue") in renamed:
                value["stringValue"] = renamed[value["stringValue"]]


def load(google: StandIn, demo: Path, workbooks: int) -> str:
    """The demo's Tracker summary and `workbooks` class workbooks of this year; the summary's id."""
    sources = sorted((demo / CLASSES_FOLDER).glob(f"{THIS_YEAR} *.xlsx"))
    world = google.world
    with world.lock:
        classes = world.add_file("classes", FOLDER, TEACHER)
        for number in range(workbooks):
            copy, source = divmod(number, len(sources))
            book = book_from_xlsx(world, sources[source], TEACHER, [classes.id])
            if copy:
                _copy_of(book, copy)
                world.files[book.id].name = book.properties["title"]
        summary = book_from_xlsx(world, demo / SUMMARY_FILE, TEACHER, [])
        _set_setting(summary, "Classes folder", classes.id)
        for item in world.files.values():
            item.shared_with.add(google.service_account)
    return summary.id


def naive_counts(google: StandIn, summary: str) -> tuple[int, int]:
    """The naive pattern on the school as the full sync left it: open and read every tab of every
    class workbook (the ones we wrote to hold our 2 tabs too), write each owned tab in 3 calls."""
    books = google.world.books
    class_tabs = sum(len(book.sheets) - CLASS_OUTPUTS for key, book in books.items() if key != summary)
    class_books = len(books) - 1
    summary_owned = len(books[summary].sheets) - 2          # all but Settings and Staff
    reads = (1 + 2) + 1 + class_books + class_tabs          # summary, listing, each workbook and tab
    writes = (class_books * CLASS_OUTPUTS + summary_owned) * CALLS_PER_NAIVE_WRITE
    return reads, writes


def one_school(demo: Path, workbooks: int) -> dict[str, float]:
    with StandIn() as google:
        os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(google.key_file)
        os.environ["TRACKER_GOOGLE_API_ROOT"] = google.api_root
        summary = load(google, demo, workbooks)
        clock = SimClock()
        google.quotas.switch_on(clock=clock)
        outcome = run_sync(GoogleStore(summary, clock=clock, sleep=clock.sleep), now=NOW)
        assert outcome.outcome == "complete" and outcome.workbooks_read == workbooks, outcome
        reads, writes, paced = google.count("read"), google.count("write"), clock.now
        again = run_sync(GoogleStore(summary, clock=clock, sleep=clock.sleep), now=NOW)
        assert again.outcome == "no changes", again
        naive_reads, naive_writes = naive_counts(google, summary)
        return {"reads": reads, "writes": writes, "unchanged": google.count() - reads - writes,
                "paced": paced, "refused": sum(1 for r in google.requests if r.status == 429),
                "naive_reads": naive_reads, "naive_writes": naive_writes}


THREE_FORM_ENTRY = 18


def _earlier_years(google: StandIn, summary: str, years: int) -> int:
    """Put `years` earlier academic years into History, before this year's rows: this year's rows
    again for each of the three windows of each earlier year. Returns History's rows."""
    with google.world.lock:
        sheet = google.world.books[summary].sheet_by_title("History")
        header = max(r for (r, c), cell in sheet.cells.items()
                     if cell.get("userEnteredValue", {}).get("stringValue") == "Academic year")
        body = {(r, c): cell for (r, c), cell in sheet.cells.items() if r > header}
        height = max(r for r, _ in body) - header
        cells = {at: cell for at, cell in sheet.cells.items() if at[0] <= header}
        earlier = [(shift_academic_year(THIS_YEAR, n - years), window)
                   for n in range(years) for window in ("Autumn", "Spring", "Summer")]
        for block, (year, window) in enumerate(earlier):
            for (r, c), cell in body.items():
                copied = json.loads(json.dumps(cell))
                if c in (0, 1):
                    copied["userEnteredValue"] = {"stringValue": year if c == 0 else window}
                cells[(r + block * height, c)] = copied
        for (r, c), cell in body.items():
            cells[(r + len(earlier) * height, c)] = cell
        sheet.cells = cells
        sheet.grid["rowCount"] = header + 1 + (len(earlier) + 1) * height
        return (len(earlier) + 1) * height


def _edit_a_judgement(google: StandIn, summary: str) -> None:
    book_id = next(key for key in google.world.books if key != summary)
    google.edit(book_id, "Comments", 3, 5, "A note a teacher typed")


class _WholeRewrite(GoogleStore):
    """The store as it was: the summary read whole, every owned tab cleared and rewritten in one
    batchUpdate."""

    def read_summary(self):
        return self.read_whole_summary()

    def _read(self, spreadsheet_id: str, what: str):
        values = super()._read(spreadsheet_id, what)
        self._values.pop(spreadsheet_id, None)
        return values


def _as_synced_before(google: StandIn, summary: str) -> None:
    """History marked as a spreadsheet synced before History state existed: the next sync reads it
    whole once and leaves History state as years of syncs would have."""
    with google.world.lock:
        sheet = google.world.books[summary].sheet_by_title("History")
        for entry in sheet.developer_metadata:
            entry["metadataValue"] = "1"
        sheet.range_metadata.clear()


def years_of_history(demo: Path, years: list[int]) -> list[dict[str, int]]:
    from sync.google import batch
    from sync.google.client import RequestTooLarge

    out = []
    print(f"{'years':>5} {'History rows':>12} {'largest request':>16} {'largest response':>17} "
          f"{'writes':>6} {'one batch, whole rewrite':>25}")
    for count in years:
        with StandIn() as google:
            os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(google.key_file)
            os.environ["TRACKER_GOOGLE_API_ROOT"] = google.api_root
            summary = load(google, demo, THREE_FORM_ENTRY)
            run_sync(GoogleStore(summary, clock=SimClock(), sleep=lambda _: None), now=NOW)
            rows = _earlier_years(google, summary, count - 1)
            _as_synced_before(google, summary)
            run_sync(GoogleStore(summary, clock=SimClock(), sleep=lambda _: None), now=NOW, full=True)
            pristine = copy.deepcopy((google.world.files, google.world.books))
            _edit_a_judgement(google, summary)
            store = GoogleStore(summary, clock=SimClock(), sleep=lambda _: None)
            writes_before = google.count("write")
            run_sync(store, now=NOW)
            writes = google.count("write") - writes_before
            google.world.files, google.world.books = pristine
            _edit_a_judgement(google, summary)
            old = _WholeRewrite(summary, clock=SimClock(), sleep=lambda _: None)
            budget, batch.REQUEST_BUDGET = batch.REQUEST_BUDGET, 10 ** 12
            try:
                run_sync(old, now=NOW)
            except RequestTooLarge:
                pass                                  # refused before sending: over 10 MiB
            finally:
                batch.REQUEST_BUDGET = budget
        line = {"years": count, "history_rows": rows, "largest_request": store.counts.largest_request,
                "largest_response": store.counts.largest_response, "writes": writes,
                "whole_rewrite_request": old.counts.largest_request}
        out.append(line)
        print(f"{count:>5} {rows:>12} {line['largest_request']:>16,} {line['largest_response']:>17,} "
              f"{writes:>6} {line['whole_rewrite_request']:>25,}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 14, 200])
    parser.add_argument("--years", type=int, nargs="+", default=[],
                        help="measure request sizes after these years of History instead")
    args = parser.parse_args()
    if args.years:
        with tempfile.TemporaryDirectory() as folder:
            demo = Path(folder) / "demo"
            build_demo(demo, seed=1)
            print("RESULT " + json.dumps({"years": years_of_history(demo, args.years)}))
        return
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo"
        build_demo(demo, seed=1)
        print(f"{'workbooks':>9} {'ours r/w':>9} {'unchanged':>9} {'naive r/w':>10} {'ratio':>6} "
              f"{'quota s ours':>12} {'phased':>7} {'paced s':>8} {'quota s naive':>13} {'429s':>5}")
        sizes = []
        for size in args.sizes:
            ours = one_school(demo, size)
            ratio = (ours["naive_reads"] + ours["naive_writes"]) / (ours["reads"] + ours["writes"])
            sizes.append({"workbooks": size, "reads": ours["reads"], "writes": ours["writes"],
                          "unchanged": ours["unchanged"], "naive_reads": ours["naive_reads"],
                          "naive_writes": ours["naive_writes"], "ratio": round(ratio, 1),
                          "quota_seconds": quota_seconds(ours["reads"], ours["writes"]),
                          "phased_seconds": phased_quota_seconds(ours["reads"], ours["writes"]),
                          "paced_seconds": ours["paced"], "refused_429": ours["refused"]})
            print(f"{size:>9} {ours['reads']:>4}/{ours['writes']:<4} {ours['unchanged']:>9} "
                  f"{ours['naive_reads']:>5}/{ours['naive_writes']:<4} {ratio:>6.1f} "
                  f"{quota_seconds(ours['reads'], ours['writes']):>12.0f} "
                  f"{phased_quota_seconds(ours['reads'], ours['writes']):>7.0f} {ours['paced']:>8.1f} "
                  f"{quota_seconds(ours['naive_reads'], ours['naive_writes']):>13.0f} {ours['refused']:>5}",
                  flush=True)
        print("RESULT " + json.dumps({"sizes": sizes}))


if __name__ == "__main__":
    main()
