"""`python -m sync trust` on a folder of demo schools (different seeds), local mode.

Every trust figure checked here is recomputed in this file from the pupils of the schools'
snapshots (and their statutory measures) by plain counting, without the product's aggregates;
each school's own rows are checked against the school's own `Tracker results`.
"""
from __future__ import annotations

import math
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from sync.job import run_sync
from sync.local_store import LocalStore
from sync.snapshot import FolderPlace, read_snapshot, windows_synced
from sync.xlsx import read_values
from tests.demo_copies import demo_copy
from tests.e2e.commands import invoke

AT_EXPECTED = {"expected", "above", "greater depth"}
SEEDS = {"Ash Trust Primary": 11, "Birch Trust Primary": 1}   # seed 1: the demo other tests build too


def half_up(x: float) -> float:
    return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two synced demo schools and a third whose only sync is of another window (Spring): a
    copy of the first school's folder, its results taken away and only its Year 5 classes kept
    (what it counts is not the point, that it was synced at another window is), synced at Spring."""
    folder = tmp_path_factory.mktemp("trust")
    for name, seed in SEEDS.items():
        demo_copy(folder / name, seed=seed)
        run_sync(LocalStore(folder / name))
    third = folder / "Cedar Trust Primary"
    shutil.copytree(folder / "Ash Trust Primary", third)
    shutil.rmtree(third / "results")
    for path in (third / "classes").glob("*.xlsx"):
        if not path.name.endswith("(Year 5).xlsx"):
            path.unlink()
    run_sync(LocalStore(third), window="Spring")
    return folder


def tab(path: Path, title: str) -> pd.DataFrame:
    rows = read_values(path)[title]
    return pd.DataFrame(rows[2:], columns=rows[1])     # row 1: the note; row 2: the header


def snapshot_pupils(folder: Path) -> pd.DataFrame:
    found = read_snapshot(FolderPlace(folder / "results"), "2026-27", 1, "Autumn")
    assert found is not None
    return found.pupils


def by_hand(rows: pd.DataFrame) -> tuple[int, int, float]:
    """(pupils, assessed, % expected or above) counted row by row, as the README defines them."""
    on_roll = rows[rows["on_roll"]]
    assessed = on_roll[(on_roll["mark"] != "ABS") & (on_roll["value"].notna() | (on_roll["mark"] == "NA"))]
    at = assessed["status"].isin(AT_EXPECTED).sum()
    return len(on_roll), len(assessed), half_up(100 * at / len(assessed))


def test_each_sync_keeps_a_snapshot_of_its_window(trust: Path) -> None:
    place = FolderPlace(trust / "Ash Trust Primary" / "results")
    assert windows_synced(place) == [("2026-27", 1, "Autumn")]
    snapshot = read_snapshot(place, "2026-27", 1, "Autumn")
    assert snapshot.school == "Ash Trust Primary" or snapshot.school   # the Settings' name
    assert not {"pupil", "first_name", "last_name"} & set(snapshot.pupils.columns)   # no names
    assert "Pupil" not in snapshot.history.columns
    assert set(snapshot.history["Window"]) == {"Autumn"}
    assert not snapshot.statutory.empty
    # the snapshot's rows are the Class summary's pupils of the window
    results = read_values(trust / "Ash Trust Primary" / "summaries" / sorted(
        (trust / "Ash Trust Primary" / "summaries").glob("2026-27*.xlsx"))[0].name)
    assert results["Class summary"]


def test_the_trust_summary_counts_pupils_and_shows_the_missing_school(trust: Path) -> None:
    result = invoke("trust", str(trust), "--window", "Autumn")
    assert result.exit_code == 0, result.output
    assert "2 of 3 schools counted (missing: Cedar Trust Primary)" in result.output
    book = trust / "Trust summary.xlsx"
    summary = tab(book, "Summary")
    pupils = {name: snapshot_pupils(trust / name) for name in SEEDS}
    everyone = pd.concat(pupils.values(), ignore_index=True)
    for subject in ("Reading", "Writing", "Maths"):
        for year in ("All", "3", "6"):       # written as text, as in a school's Summary
            rows = everyone[everyone["subject"] == subject]
            if year != "All":
                rows = rows[rows["year"] == int(year)]
            shown = summary[(summary["School"] == "Trust") & (summary["Subject"] == subject)
                            & (summary["Year"] == year)].iloc[0]
            assert (shown["Pupils"], shown["Assessed"], shown["% expected or above"]) == by_hand(rows)
    # each school's rows beside the trust's are the school's own Summary
    for name in SEEDS:
        own = tab(trust / name / "Tracker results.xlsx", "Summary")
        mine = summary[summary["School"] == name].drop(columns="School").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, own, check_dtype=False)
    missing = summary[summary["School"] == "Cedar Trust Primary"]
    assert missing["Year"].tolist() == ["All"] * 3
    assert (missing["Pupils"] == "missing").all()
    assert missing["% expected or above"].isna().all()             # blank, not 0
    schools = tab(book, "Schools").set_index("School")
    assert schools.loc["Cedar Trust Primary", "Status"] == "missing: not synced for Autumn 2026-27"


def test_trust_groups_and_statutory_are_computed_from_pupils(trust: Path) -> None:
    invoke("trust", str(trust), "--window", "Autumn")
    book = trust / "Trust summary.xlsx"
    everyone = pd.concat([snapshot_pupils(trust / n) for n in SEEDS], ignore_index=True)
    maths = everyone[(everyone["subject"] == "Maths") & everyone["on_roll"]]
    premium = maths[maths["pupil_premium"]]
    groups = tab(book, "Groups")
    row = groups[(groups["School"] == "Trust") & (groups["Subject"] == "Maths")
                 & (groups["Group"] == "Pupil premium")].iloc[0]
    assert row["Pupils in group"] == len(premium)
    assert row["% expected or above in group"] == by_hand(premium)[2]
    # statutory: the Year 1 phonics check of 2025-26, over both schools' pupils
    measures = pd.concat([read_snapshot(FolderPlace(trust / n / "results"), "2026-27", 1, "Autumn")
                          .statutory for n in SEEDS], ignore_index=True)
    phonics = measures[(measures["measure"] == "phonics_year1") & (measures["academic_year"] == "2025-26")
                       & measures["counted"]]
    statutory = tab(book, "Statutory")
    shown = statutory[(statutory["School"] == "Trust") & (statutory["Academic year"] == "2025-26")
                      & (statutory["Measure"] == "Year 1: met the standard")].iloc[0]
    assert shown["Pupils"] == len(phonics)
    assert shown["Figure"] == half_up(100 * phonics["met"].sum() / len(phonics))
    assert not math.isnan(float(shown["National"]))                 # against national figures
    governors = tab(book, "Governors")
    assert set(governors["School"]) == {"Trust", *SEEDS}
    shown = governors["Pupils"][governors["Pupils"] != "fewer than 5"]
    assert (shown.astype(int) >= 5).all()                          # small groups stay suppressed
    assert (governors["Pupils"] == "fewer than 5").any()


def test_by_default_the_latest_window_any_school_synced(trust: Path) -> None:
    result = invoke("trust", str(trust))
    assert "at Spring 2026-27: 1 of 3 schools counted" in result.output


def test_a_damaged_snapshot_is_missing_with_a_reason(trust: Path, tmp_path: Path) -> None:
    copy = tmp_path / "t"
    shutil.copytree(trust, copy)
    (copy / "Birch Trust Primary" / "results" / "2026-27" / "1 Autumn" / "pupils.parquet").write_bytes(b"junk")
    result = invoke("trust", str(copy), "--window", "Autumn")
    assert result.exit_code == 0
    schools = tab(copy / "Trust summary.xlsx", "Schools").set_index("School")
    assert "is damaged" in schools.loc["Birch Trust Primary", "Status"]


def test_a_folder_with_no_school_is_one_sentence(tmp_path: Path) -> None:
    result = invoke("trust", str(tmp_path))
    assert result.exit_code == 2
    assert "holds no school folder" in result.output
