"""Requests per Google-mode sync through the stand-in, against the naive gspread pattern.

    python -m bench.google_requests [--sizes 1 14 200]

For each school size it drives GoogleStore the way a full sync does (read Tracker summary, list the
Classes folder, read and write every class workbook, write the summary), counts the requests the
stand-in served, and prints them beside the naive gspread pattern's count (each workbook opened,
each tab read with its own call, each owned tab written as clear + values + format calls) and the
time the 60-a-minute quota imposes on each, measured with the pacer on a simulated clock.
"""
from __future__ import annotations

import argparse
import json
import os

from sync.google.store import GoogleStore
from sync.store import Tab
from tests.google_standin import StandIn

CLASS_TABS = ["Pupils", "Judgements", "Tests", "Statements", "Comments", "Interventions"]
SUMMARY_TABS = ["Settings", "Staff"]
CLASS_OUTPUTS = ["Class summary", "Problems"]
SUMMARY_OUTPUTS = ["Summary", "History", "Groups", "Watchlist", "Trends", "Sync log", "Sync state"]
CALLS_PER_NAIVE_WRITE = 3      # clear or add the worksheet, update the values, format the header


class SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def quota_seconds(reads: int, writes: int) -> float:
    """The least time 60 reads and 60 writes a minute allow: the last request's earliest start."""
    return max(((count - 1) // 60) * 60 for count in (reads, writes) if count)


def naive_counts(workbooks: int) -> tuple[int, int]:
    reads = 1 + len(SUMMARY_TABS) + 1 + workbooks * (1 + len(CLASS_TABS))
    writes = (workbooks * len(CLASS_OUTPUTS) + len(SUMMARY_OUTPUTS)) * CALLS_PER_NAIVE_WRITE
    return reads, writes


def one_school(workbooks: int) -> dict[str, float]:
    with StandIn() as google:
        os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(google.key_file)
        os.environ["TRACKER_GOOGLE_API_ROOT"] = google.api_root
        classes = google.create_folder("Classes")
        rows = [["UPN", "Value"]] + [[f"P{i}", i] for i in range(30)]
        for number in range(workbooks):
            google.create_spreadsheet(f"Class {number:03d}", {tab: rows for tab in CLASS_TABS}, parents=[classes])
        summary = google.create_spreadsheet("Tracker summary", {"Settings": [["Classes folder", classes]], "Staff": []})
        clock = SimClock()
        google.quotas.switch_on(clock=clock)
        store = GoogleStore(summary, classes_folder=classes, clock=clock, sleep=clock.sleep)
        store.read_summary()
        for ref in store.list_class_workbooks():
            store.read_workbook(ref)
            store.write_class_outputs(ref, [Tab(title=t, header=rows[0], rows=rows[1:]) for t in CLASS_OUTPUTS])
        store.write_summary([Tab(title=t, header=rows[0], rows=rows[1:]) for t in SUMMARY_OUTPUTS])
        reads, writes = google.count("read"), google.count("write")
        refused = sum(1 for record in google.requests if record.status == 429)
        return {"reads": reads, "writes": writes, "paced": clock.now, "refused": refused}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 14, 200])
    args = parser.parse_args()
    print(f"{'workbooks':>9} {'ours r/w':>10} {'naive r/w':>11} {'ratio':>6} "
          f"{'quota s ours':>12} {'paced s':>8} {'quota s naive':>13} {'429s':>5}")
    measured = []
    for size in args.sizes:
        ours = one_school(size)
        naive_reads, naive_writes = naive_counts(size)
        ratio = (naive_reads + naive_writes) / (ours["reads"] + ours["writes"])
        print(f"{size:>9} {ours['reads']:>5}/{ours['writes']:<4} {naive_reads:>6}/{naive_writes:<4} {ratio:>6.1f} "
              f"{quota_seconds(ours['reads'], ours['writes']):>12.0f} {ours['paced']:>8.1f} "
              f"{quota_seconds(naive_reads, naive_writes):>13.0f} {ours['refused']:>5}")
        measured.append({"workbooks": size, "reads": ours["reads"], "writes": ours["writes"],
                         "naive_reads": naive_reads, "naive_writes": naive_writes, "ratio": round(ratio, 1),
                         "quota_seconds": quota_seconds(ours["reads"], ours["writes"]),
                         "paced_seconds": round(ours["paced"], 1), "refused_429": ours["refused"]})
    print("RESULT " + json.dumps({"sizes": measured}))


if __name__ == "__main__":
    main()
