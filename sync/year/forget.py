"""`python -m sync forget`: erase leavers from everything the tracker wrote (UK GDPR erasure and
the school's retention period), and list what only the school may delete.

Removed by us, through the store port (local folder or Google): every row that holds the pupil's
UPN in the tabs the sync writes — in Tracker summary (History, Watchlist, Interventions, Problems
...) and each class's Class summary and Problems — rewritten the way a sync writes them, so
people's tabs are untouched. Each pupil's parent reports of every window, through the report sink
the store gives (`LocalFolderSink.erase`: the files the class folders' manifests name;
`GoogleDriveSink.erase`: the PDFs and Google Docs in the Reports folder, to the shared drive's
bin). In local mode also our one-generation copies in previous/.
Also ours, deleted: the import to-do lists (imports/) that hold the pupil.
Listed for the school, never changed by us: the teachers' class workbooks that still hold the
pupil (past years': the file; this year's: each tab and row), our old tabs in a Tracker summary
from before the figures moved to Tracker results, and copies of teachers' workbooks that an
earlier import kept in previous/. Until those are gone a sync records the pupil again from them.
The audit line in the Sync log holds counts, never names or UPNs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from functions.owned_tabs import BESIDE
from functions.pupils import upn_error
from functions.roll import leavers, left_before, retention_cutoff
from sync.errors import SettingsError
from sync.local_store import PREVIOUS_FOLDER, RESULT_TABS, RESULTS_FILE, SUMMARIES_FOLDER, SUMMARY_FILE
from sync.mis.to_do import IMPORTS_FOLDER
from sync.reader.workbook import OWNED_TABS
from sync.reports.local import LocalFolderSink
from sync.reports.names import pupil_key
from sync.store import Store, Tab
from sync.sync_log import SyncOutcome, owned_table, sync_log_tab
from sync.tabs import frame_to_tab
from sync.words import plural
from sync.xlsx import read_values
from sync.year.forgotten import read_forgotten
from sync.year.school_files import read_school_store

_UPN = re.compile(r"[A-Z]\d{11}[0-9A-Z]")
PEOPLE_TABS = {"settings", "staff"}
NOT_REWRITTEN = {"Sync log", "Sync state", f"Sync log{BESIDE}"}


@dataclass
class ForgetResult:
    pupils: int = 0
    rows: dict[str, int] = field(default_factory=dict)      # History / Class summary / other -> rows
    reports: int = 0
    copies: int = 0
    to_dos: int = 0
    lines: list[str] = field(default_factory=list)


def forget(store: Store, *, before: date | None = None, upns: tuple[str, ...] = (),
           dry_run: bool = False, today: date | None = None, now: datetime | None = None) -> ForgetResult:
    today = today or date.today()
    result = ForgetResult()
    with store.lock():
        found, books = read_school_store(store)
        settings = found.settings
        gone = leavers(found.pupils, settings.academic_year)
        if upns:
            chosen = sorted({"".join(u.split()).upper() for u in upns})
            for upn in chosen:
                if (why := upn_error(upn)) is not None:
                    raise SettingsError(f"--upn: the UPN given is not valid ({why}).")
            if set(chosen) - set(gone["UPN"]) & set(found.pupils["UPN"]):
                raise SettingsError("--upn: that pupil is on roll this year; type their Left on "
                                    "date in their class workbook first.")
        else:
            if before is None:
                if settings.retention_years is None:
                    raise SettingsError("Give --left-before DATE or --upn UPN, or set Retention years "
                                        "in Settings.")
                before = retention_cutoff(today, settings.retention_years)
            chosen = left_before(gone, before)
        result.pupils = len(chosen)
        wanted = set(chosen)
        if before is not None:
            result.lines.append(f"Pupils who left before {before:%d/%m/%Y}: {len(chosen)}.")
        if not wanted:
            result.lines.append("Nobody to forget.")
            return result
        folder = found.folder
        summary_tabs = _without(found.summary, store.foreign_tabs(None), wanted, result, "other")
        class_writes = []
        for ref, workbook in books.values():
            outputs = workbook
            if folder is not None:     # local mode: the class's outputs are a file of their own
                path = folder / SUMMARIES_FOLDER / ref.name
                outputs = read_values(path) if path.is_file() else {}
            mine = {title: rows for title, rows in outputs.items()
                    if title.removesuffix(BESIDE) in OWNED_TABS}
            changed = _without(mine, set(), wanted, result, "Class summary")
            if changed:
                kept = {tab.title for tab in changed}
                class_writes.append((ref, changed + [_as_tab(t, rows) for t, rows in mine.items()
                                                     if t not in kept]))
        result.reports = _erase_reports(store, settings.reports_folder, wanted, dry_run)
        if folder is not None:
            previous = folder / PREVIOUS_FOLDER
            # the summary's History is in every copy of it, including those import and new-year kept
            our_copies = [previous / RESULTS_FILE, previous / SUMMARY_FILE,
                          *sorted((previous / SUMMARIES_FOLDER).glob("*.xlsx")),
                          *sorted(previous.glob(f"*/{SUMMARY_FILE}"))]
            result.copies = sum(1 for path in our_copies if path.exists())
            to_dos = _to_dos_holding(folder, wanted)
            result.to_dos = len(to_dos)
        result.rows["results snapshot"] = _forget_snapshots(store, settings, wanted, dry_run)
        verb = "Would remove" if dry_run else "Removed"
        rows = ", ".join(plural(count, f"{tab} row") for tab, count in sorted(result.rows.items()) if count)
        reports = plural(result.reports, "parent report")
        if folder is not None:
            copies = "1 earlier copy" if result.copies == 1 else f"{result.copies} earlier copies"
            also = f"{reports}; {copies} of our files" + (
                f"; {plural(result.to_dos, 'import to-do list')}" if result.to_dos else "")
        else:
            also = reports + (" (each a PDF and a Google Doc, moved to the shared drive's bin, which "
                              "Drive empties after 30 days)" if result.reports else "")
        result.lines.append(f"{verb}: {plural(result.pupils, 'pupil')}; {rows or 'no rows'}; {also}.")
        if not dry_run:
            for ref, tabs in class_writes:
                store.write_class_outputs(ref, tabs)
            stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S")
            audit = SyncOutcome(school=store.display_name, started=stamp, finished=stamp,
                                outcome=f"forget: {plural(result.pupils, 'pupil')}; {rows or 'no rows'}; "
                                        f"{plural(result.reports, 'report')}")
            store.write_summary(summary_tabs + [sync_log_tab(owned_table(found.summary, "Sync log"), audit)])
            forgotten = read_forgotten(store, found.summary)
            forgotten.add(wanted, today)
            store.write_forgotten(forgotten)
            result.lines.append(f"An import will not bring them back: {len(forgotten.pupils)} forgotten "
                                "pupils are kept as keyed hashes of their UPNs (no names), for import "
                                "to recognise (use --rejoined UPN there for a pupil who comes back).")
            if folder is not None:     # after the writes, which keep the old files in previous/
                for path in [*our_copies, *to_dos]:
                    path.unlink(missing_ok=True)
        _list_people_files(found, books, wanted, result)
        if dry_run:
            result.lines.append("Dry run: nothing was removed.")
    return result


def _forget_snapshots(store: Store, settings, wanted: set[str], dry_run: bool) -> int:
    """The pupils' rows in the results snapshots (SCHOOL/results/, or the Results bucket)."""
    from sync.snapshot import forget_pupils, place_for

    place = place_for(store, settings)
    return 0 if place is None else forget_pupils(place, wanted, dry_run=dry_run)


def _holds(value: object, wanted: set[str]) -> bool:
    return isinstance(value, str) and any(found in wanted for found in _UPN.findall(value.upper()))


def _without(tabs: dict[str, list[list]], foreign: set[str], wanted: set[str], result: ForgetResult,
             kind: str) -> list[Tab]:
    """The tabs we own that hold a wanted UPN, as Tabs without those rows."""
    changed = []
    for title, rows in tabs.items():
        if title in foreign or title.strip().casefold() in PEOPLE_TABS or title in NOT_REWRITTEN:
            continue
        drop = [i for i, row in enumerate(rows) if any(_holds(value, wanted) for value in row)]
        if not drop:
            continue
        key = "History" if title == "History" else kind if title.startswith("Class summary") else "other"
        result.rows[key] = result.rows.get(key, 0) + len(drop)
        changed.append(_as_tab(title, [row for i, row in enumerate(rows) if i not in set(drop)]))
    return changed


def _as_tab(title: str, rows: list[list]) -> Tab:
    """Rows as read (a note line above the header where the sync writes one) as a Tab the sync
    would write: the layout's widths, formats and colours by column name."""
    filled = [row for row in rows if any(value not in (None, "") for value in row)]
    if not filled:
        return Tab(title=title, header=[], rows=[])
    note_line = len(filled) > 1 and (len(filled[0]) < 2 or filled[0][1] in (None, ""))
    note = str(filled[0][0]) if note_line else ""
    header = [str(v) if v is not None else "" for v in filled[1 if note_line else 0]]
    body = [list(row) + [None] * (len(header) - len(row)) for row in filled[2 if note_line else 1:]]
    frame = pd.DataFrame([row[:len(header)] for row in body], columns=range(len(header)), dtype=object)
    tab = frame_to_tab(title.removesuffix(BESIDE), frame.set_axis(header, axis=1), note=note)
    tab.title = title
    return tab


def _list_people_files(found, books: dict, wanted: set[str], result: ForgetResult) -> None:
    """Say where files people own still hold the pupils: we never change those, and until they
    are changed a sync records the pupils again."""
    held = found.pupils[found.pupils["UPN"].isin(wanted)]
    settings = found.settings
    this_year = held["academic_year"] == settings.academic_year
    past = sorted(set(held.loc[~this_year, "workbook"]))
    if past:
        result.lines.append(f"Teachers' workbooks of past years that hold them ({len(past)}); "
                            "the school should delete these files:")
        result.lines += [f"  {settings.classes_folder}/{name}" for name in past]
    for name in sorted(set(held.loc[this_year, "workbook"])):
        tabs = books[name][1] if name in books else {}
        places = [f"{title} row {number}" for title, rows in tabs.items()
                  for number, row in enumerate(rows, start=1) if any(_holds(v, wanted) for v in row)]
        result.lines.append(f"  {settings.classes_folder}/{name}: delete {', '.join(places)}.")
    old = _old_summary_rows(found, wanted)
    if old:
        result.lines.append(f"{SUMMARY_FILE} still holds {sum(old.values())} of their rows in tabs the "
                            f"sync wrote there before its figures moved to {RESULTS_FILE} "
                            f"({', '.join(old)}): delete those tabs (this command never changes "
                            f"{SUMMARY_FILE}).")
    if found.folder is not None:
        kept = [p for p in (found.folder / PREVIOUS_FOLDER).glob("*/*.xlsx")
                if p.parent.name.startswith(("import ", "new-year ")) and p.name != SUMMARY_FILE]
        if kept:
            result.lines.append(f"Copies of teachers' workbooks kept by import "
                                f"({len(kept)}) are in {PREVIOUS_FOLDER}/: delete them once they "
                                "are not needed.")
    if past or this_year.any() or old:
        result.lines.append("Until the school deletes them, the next sync records these pupils "
                            "again from those workbooks.")


def _old_summary_rows(found, wanted: set[str]) -> dict[str, int]:
    """Local mode: rows holding a wanted UPN in our old tabs of Tracker summary (before the split)."""
    if found.folder is None or not (found.folder / SUMMARY_FILE).is_file():
        return {}
    people = read_values(found.folder / SUMMARY_FILE)
    counts = {title: sum(1 for row in rows if any(_holds(v, wanted) for v in row))
              for title, rows in people.items() if title in RESULT_TABS}
    return {title: count for title, count in counts.items() if count}


def _to_dos_holding(folder, wanted: set[str]) -> list:
    """Our import to-do lists (sync.mis.to_do) that hold a wanted UPN."""
    found = []
    for path in sorted((folder / IMPORTS_FOLDER).glob("*.xlsx")):
        try:
            tabs = read_values(path)
        except Exception:  # noqa: BLE001 - an unreadable list of ours is left, not a traceback
            continue
        if any(_holds(v, wanted) for rows in tabs.values() for row in rows for v in row):
            found.append(path)
    return found


def _erase_reports(store: Store, reports_folder: str, wanted: set[str], dry_run: bool) -> int:
    """The pupils' parent reports, wherever the store keeps them (a folder, or Drive); none when
    Google mode has no Reports folder set (no report was ever stored there)."""
    try:
        out_dir, sink = store.report_destination(reports_folder)
    except SettingsError:
        return 0
    return (sink or LocalFolderSink(out_dir)).erase({pupil_key(upn) for upn in wanted}, dry_run=dry_run)
