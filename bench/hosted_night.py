"""A hosted night on a fake clock: thousands of schools synced through Cloud Tasks within Google's
Sheets quotas. A simulation, not a measurement: no request leaves the process.

    python bench/hosted_night.py [--schools 500 1000 2000 4000 8000] [--accounts 1 5 10]
                                 [--changed 1.0] [--duplicates 0.05]

The design simulated (docs/web-service.md, "Many schools"):
- a pool of `accounts` service accounts; each school shares its files with one of them (school
  i -> account i mod K), and each account has its own Cloud Tasks queue with
  maxConcurrentDispatches 1, so one account's requests come from one sync at a time and the
  product's own per-process pacer (sync/google/pacer.Pacer, 60 reads and 60 writes a minute) sees
  all of them;
- one task a school, named by school and date (sync/web/tasks.school_task): a second enqueue of the
  same night (a retried cron) is refused as a duplicate;
- Cloud Tasks delivers at least once: a share `duplicates` of tasks is delivered a second time
  while the first still runs; the school's lease (sync/lease.Lease, here on an in-memory bucket
  with Cloud Storage's generation rules) refuses it, and the refused delivery is retried later;
- a school's sync is the demo's: `workbooks` class workbooks (24: 12 this year, 12 last year) read
  (+ the Tracker summary and the Drive listing), `current` written (+ the summary), each Sheets
  request taking `read_s` / `write_s`, and `cpu_s` of work between reads and writes (4.2 s CPU
  measured by bench/snapshot_cost.py for the demo); an unchanged school (share 1 - `changed`)
  costs 3 requests (tests/integration/test_google_requests.py).

Google's limits checked on the merged request log (every account): per account at most 60 Sheets
reads and 60 writes in any 60 s; per project at most `project_quota` of each (300 by default). A
request over a limit counts as refused. Also checked: no school's syncs overlap.
App Engine: each running sync needs `memory_mb` (a demo school's sync peaks near 250 MB); a B4
instance (1 GB) takes 3 at once, so instances = ceil(accounts / 3).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sync.errors import AlreadyRunning  # noqa: E402
from sync.google.pacer import Pacer  # noqa: E402
from sync.google.storage import PreconditionFailed, StoredObject  # noqa: E402
from sync.lease import Lease  # noqa: E402
from sync.web.tasks import school_task  # noqa: E402

QUEUE = "projects/p/locations/europe-west2/queues/sync-{k}"
NIGHT = date(2027, 3, 1)


class Clock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class MemoryBucket:
    """Cloud Storage's generation rules in memory: the lease's contract, without HTTP."""

    def __init__(self) -> None:
        self.objects: dict[str, StoredObject] = {}
        self.generation = 0

    def put(self, name: str, data: bytes, *, content_type: str = "", if_generation_match: int | None = None):
        current = self.objects.get(name)
        if if_generation_match is not None and (current.generation if current else 0) != if_generation_match:
            raise PreconditionFailed("412")
        self.generation += 1
        self.objects[name] = StoredObject(name, self.generation, data)
        return self.objects[name]

    def get(self, name: str):
        return self.objects.get(name)

    def delete(self, name: str, *, if_generation_match: int | None = None) -> bool:
        current = self.objects.get(name)
        if current is None:
            return False
        if if_generation_match is not None and current.generation != if_generation_match:
            raise PreconditionFailed("412")
        del self.objects[name]
        return True


@dataclass
class Model:
    workbooks: int = 24
    current: int = 12
    read_s: float = 0.6
    write_s: float = 0.8
    cpu_s: float = 4.2
    changed: float = 1.0
    duplicates: float = 0.05
    project_quota: int = 300
    memory_mb: int = 250
    instance_mb: int = 1024


@dataclass
class Night:
    log: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: {"read": [], "write": []})
    syncs: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    refused_duplicates: int = 0
    lease_refusals: int = 0
    end: float = 0.0


def sync_school(school: str, account: int, clock: Clock, pacer: Pacer, model: Model, night: Night,
                changed: bool) -> None:
    """One school's sync on its account's lane: every Sheets request paced by the product's pacer."""
    def request(kind: str, seconds: float) -> None:
        pacer.acquire(kind)
        night.log[kind].append((clock(), account))
        clock.sleep(seconds)

    if not changed:   # Drive listing, Tracker summary, the Sync log row
        request("read", model.read_s)
        request("read", model.read_s)
        request("write", model.write_s)
        return
    for _ in range(model.workbooks + 2):
        request("read", model.read_s)
    clock.sleep(model.cpu_s)
    for _ in range(model.current + 1):
        request("write", model.write_s)


def simulate(schools: int, accounts: int, model: Model, seed: int = 1) -> dict:
    rng = random.Random(seed)
    night = Night()
    bucket = MemoryBucket()
    names: set[str] = set()
    lanes: dict[int, list[str]] = {k: [] for k in range(accounts)}
    for _attempt in range(2):          # the cron fires, then is retried: every task enqueued twice
        for i in range(schools):
            school = f"school{i:05d}"
            task = school_task(QUEUE.format(k=i % accounts), school, service_url="https://x",
                               service_account="s@p", audience="a", day=NIGHT)
            if task["name"] in names:
                night.refused_duplicates += 1
                continue
            names.add(str(task["name"]))
            lanes[i % accounts].append(school)
    # each lane: one dispatch at a time; a duplicate delivery of a task arrives while it runs
    for account, lane in lanes.items():
        clock = Clock()
        pacer = Pacer(clock=clock, sleep=clock.sleep)
        for school in lane:
            changed = rng.random() < model.changed
            start = clock()
            lease = Lease(bucket, school, clock=clock, holder=f"{school}-first")
            with lease.hold():
                if rng.random() < model.duplicates:
                    # the duplicate is dispatched (by another instance) while this one holds the lease
                    other = Lease(bucket, school, clock=lambda start=start: start + 1.0, holder=f"{school}-again")
                    try:
                        with other.hold():
                            night.syncs.setdefault(school, []).append((start + 1.0, start + 1.0))
                    except AlreadyRunning:
                        night.lease_refusals += 1     # 409: Cloud Tasks retries it later
                sync_school(school, account, clock, pacer, model, night, changed)
            night.syncs.setdefault(school, []).append((start, clock()))
        night.end = max(night.end, clock())
    return report(schools, accounts, model, night)


def refused(times: list[float], limit: int) -> int:
    """Requests beyond `limit` in the 60 s before them (each request's trailing minute)."""
    times = sorted(times)
    return sum(1 for i, t in enumerate(times) if i - bisect_left(times, t - 60.0 + 1e-9) + 1 > limit)


def report(schools: int, accounts: int, model: Model, night: Night) -> dict:
    over_account = over_project = 0
    for entries in night.log.values():
        over_project += refused([t for t, _ in entries], model.project_quota)
        for account in range(accounts):
            over_account += refused([t for t, a in entries if a == account], 60)
    overlaps = sum(1 for runs in night.syncs.values()
                   for a, b in zip(sorted(runs), sorted(runs)[1:], strict=False) if b[0] < a[1])
    per_instance = max(1, model.instance_mb // model.memory_mb - 1)
    return {"schools": schools, "accounts": accounts, "hours": round(night.end / 3600, 2),
            "reads": len(night.log["read"]), "writes": len(night.log["write"]),
            "refused_account": over_account, "refused_project": over_project,
            "overlapping_syncs": overlaps, "duplicate_tasks_refused": night.refused_duplicates,
            "duplicate_deliveries_refused_by_lease": night.lease_refusals,
            "instances": math.ceil(accounts / per_instance)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, nargs="+", default=[500, 1000, 2000, 4000, 8000])
    parser.add_argument("--accounts", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--changed", type=float, default=1.0, help="share of schools changed since last night")
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--project-quota", type=int, default=300)
    args = parser.parse_args()
    model = Model(changed=args.changed, duplicates=args.duplicates, project_quota=args.project_quota)
    print(f"model: {model}")
    print(f"{'schools':>8} {'accounts':>8} {'hours':>6} {'refused/acct':>12} {'refused/proj':>12} "
          f"{'overlaps':>8} {'dup tasks':>9} {'dup by lease':>12} {'instances':>9}")
    results = []
    for accounts in args.accounts:
        for schools in args.schools:
            r = simulate(schools, accounts, model)
            results.append(r)
            print(f"{schools:>8} {accounts:>8} {r['hours']:>6} {r['refused_account']:>12} "
                  f"{r['refused_project']:>12} {r['overlapping_syncs']:>8} "
                  f"{r['duplicate_tasks_refused']:>9} {r['duplicate_deliveries_refused_by_lease']:>12} "
                  f"{r['instances']:>9}")
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
