"""A trust in Google mode: schools synced through the Google stand-in write their snapshots to a
bucket of the Cloud Storage emulator; `trust --google` reads them and writes the trust's
spreadsheet. A school that has not joined the trust (its Settings name no Trust) never counts, even
when a trust lists it; a school's staff have no role in the trust."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import requests

from sync.errors import AlreadyRunning
from sync.google.storage import Bucket
from sync.job import run_sync
from sync.lease import Lease
from sync.snapshot import BucketPlace, read_snapshot
from sync.trust import run_trust_google, trust_role, trust_settings
from tests.e2e.commands import invoke
from tests.gcs_emulator import running_emulator
from tests.google_standin import TEACHER, StandIn
from tests.google_standin.load import _set_setting, load_school
from tests.integration.fuzz_school import build_school

BUCKET = "trust-results"


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with running_emulator(BUCKET) as root:
        yield root


def serve(google: StandIn, folder: Path, **people: object) -> str:
    build_school(folder, with_fuzzed=False, **people)
    with google.world.lock:
        school_id = load_school(google.world, folder, TEACHER, google.service_account)
        for item in google.world.files.values():
            item.shared_with.add(google.service_account)
    return school_id


def join(google: StandIn, school_id: str, trust_id: str | None) -> None:
    with google.world.lock:
        book = google.world.books[school_id]
        _set_setting(book, "Results bucket", BUCKET)
        if trust_id:
            _set_setting(book, "Trust", f"https://docs.google.com/spreadsheets/d/{trust_id}/edit")


def table(rows: list[list[object]]) -> pd.DataFrame:
    """A written tab (note, header, rows; Google trims trailing blanks) as a frame."""
    width = len(rows[1])
    return pd.DataFrame([row + [None] * (width - len(row)) for row in rows[2:]], columns=rows[1])


def test_a_trust_of_google_schools(google: StandIn, emulator: str, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_STORAGE_API_ROOT", emulator)
    monkeypatch.setenv("TRACKER_LEASE_BUCKET", BUCKET)       # the syncs take the school's lease
    oak = serve(google, tmp_path / "oak", class_name="Rowan", first=["Ann", "Bo", "Cy", "Di"])
    elm = serve(google, tmp_path / "elm", class_name="Hazel", first=["Ed", "Flo", "Gus", "Hal"])
    other = serve(google, tmp_path / "other", class_name="Yew")
    trust_id = google.create_spreadsheet("Trust summary", {
        "Settings": [["Trust name", "Two Rivers Trust"], ["Results bucket", BUCKET]],
        "Schools": [["School", "Tracker summary"], ["Oak", oak],
                    ["Elm", f"https://docs.google.com/spreadsheets/d/{elm}/edit"],
                    ["Not joined", other], ["Never synced", "x" * 44]],
        "Staff": [["Email", "Role"], ["ceo@trust.example", "Trust leader"]],
    })
    join(google, oak, trust_id)
    join(google, elm, trust_id)
    join(google, other, None)
    from sync.google import open_google_store

    bucket = Bucket(BUCKET, requests.Session(), root=emulator)
    held = Lease(bucket, oak, holder="another instance")
    with held.hold():                       # another instance is syncing Oak: this one is refused
        with pytest.raises(AlreadyRunning):
            run_sync(open_google_store(oak))
    for school in (oak, elm, other):
        run_sync(open_google_store(school))
    assert bucket.list("leases/") == []     # every sync gave its lease back

    result = invoke("trust", "--google", trust_id)
    assert result.exit_code == 0, result.output
    assert "Two Rivers Trust at Autumn 2026-27: 2 of 4 schools counted" in result.output

    written = google.read_spreadsheet(trust_id)
    assert {"Settings", "Schools", "Staff"} <= set(written)           # the people's tabs stay
    assert written["Schools"][1] == ["Oak", oak]
    status = table(written["Schools counted"]).set_index("School")["Status"]
    assert status["Oak"] == status["Elm"] == "counted"
    assert "do not name this trust" in status["Not joined"]
    assert status["Never synced"] == "missing: not synced for Autumn 2026-27"

    # the trust's figures, recomputed from the pupils in the bucket by plain counting
    pupils = pd.concat([read_snapshot(BucketPlace(bucket, school), "2026-27", 1, "Autumn").pupils
                        for school in (oak, elm)], ignore_index=True)
    summary = table(written["Summary"])
    for subject in ("Reading", "Writing", "Maths"):
        rows = pupils[(pupils["subject"] == subject) & pupils["on_roll"]]
        assessed = rows[rows["value"].notna() | (rows["mark"] == "NA")]
        assessed = assessed[assessed["mark"] != "ABS"]
        at = assessed["status"].isin(["expected", "above", "greater depth"]).sum()
        shown = summary[(summary["School"] == "Trust") & (summary["Subject"] == subject)
                        & (summary["Year"] == "All")].iloc[0]
        assert shown["Pupils"] == len(rows) == 8
        assert shown["Assessed"] == len(assessed)
        if len(assessed):
            assert shown["% expected or above"] == round(100 * at / len(assessed), 1)
    assert set(summary["School"]) == {"Trust", "Oak", "Elm", "Not joined", "Never synced"}

    # the nightly task waits while a joined school has not synced since the night began
    # (a school that never synced is waited for too, until the task's last try)
    with pytest.raises(AlreadyRunning, match="3 schools of the trust have not synced tonight"):
        run_trust_google(trust_id, waiting_since="2999-01-01 00:00:00")
    with pytest.raises(AlreadyRunning, match="1 school of the trust has not synced tonight"):
        run_trust_google(trust_id, waiting_since="2000-01-01 00:00:00")

    # trust-level roles only: a school's head is staff of the school, not of the trust
    settings = trust_settings(written)
    assert trust_role(settings, "CEO@trust.example") == "Trust leader"
    assert trust_role(settings, "head@fuzz.sch.uk") is None


def test_a_trust_without_a_bucket_is_one_sentence(google: StandIn) -> None:
    trust_id = google.create_spreadsheet("Trust summary", {
        "Settings": [["Trust name", "T"]], "Schools": [["School", "Tracker summary"]]})
    result = invoke("trust", "--google", trust_id)
    assert result.exit_code == 2
    assert "need a Results bucket" in result.output
