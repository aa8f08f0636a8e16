"""Results snapshots (functions/snapshot.py, sync/snapshot.py): what they keep, and reading back."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.snapshot import SCHEMA_VERSION, Snapshot, history_rows, normalise_pupils
from sync.snapshot import (
    FolderPlace,
    SnapshotUnreadable,
    from_parquet,
    read_snapshot,
    to_parquet,
    windows_synced,
    write_snapshot,
)
from tests.unit.test_trust import A


def snapshot(pupils: pd.DataFrame = A) -> Snapshot:
    return Snapshot(school="Oak Primary", academic_year="2026-27", window=2, window_name="Spring",
                    synced_at="2027-03-01 02:30:00", pupils=pupils,
                    history=pd.DataFrame({"Academic year": ["2026-27"], "Window": ["Spring"],
                                          "UPN": ["a1p"], "Label": ["20"], "Value": [20.0]}),
                    statutory=pd.DataFrame(), trust="T1", framework="points")


def test_a_snapshot_reads_back_as_written(tmp_path: Path) -> None:
    place = FolderPlace(tmp_path / "results")
    write_snapshot(place, snapshot())
    assert sorted(p.name for p in (tmp_path / "results" / "2026-27" / "2 Spring").iterdir()) == [
        "history.parquet", "pupils.parquet", "statutory.parquet"]
    assert windows_synced(place) == [("2026-27", 2, "Spring")]
    back = read_snapshot(place, "2026-27", 2, "Spring")
    pd.testing.assert_frame_equal(back.pupils, A)
    assert (back.school, back.synced_at, back.trust, back.framework) == (
        "Oak Primary", "2027-03-01 02:30:00", "T1", "points")
    assert read_snapshot(place, "2026-27", 1, "Autumn") is None     # never synced: None


def test_a_snapshot_of_another_schema_version_is_refused_in_one_sentence() -> None:
    data = to_parquet(A, {"schema_version": str(SCHEMA_VERSION + 1)})
    with pytest.raises(SnapshotUnreadable, match="schema version 2; this tracker reads version 1"):
        from_parquet(data, "x/pupils.parquet")
    with pytest.raises(SnapshotUnreadable, match="is damaged"):
        from_parquet(b"PAR1 not really", "x/pupils.parquet")


def test_history_rows_keep_the_window_and_no_names() -> None:
    history = pd.DataFrame({
        "Academic year": ["2026-27", "2026-27", "2025-26"], "Window": ["Spring", "Autumn", "Spring"],
        "UPN": ["u1", "u1", "u1"], "Pupil": ["Ann Lee"] * 3, "Year": [3, 3, 2], "Class": ["Oak"] * 3,
        "Subject": ["Maths"] * 3, "Label": ["20", "19", "17"], "Value": [20, 19, 17],
        "Source": ["teacher"] * 3, "Recorded at": ["2027-03-01 02:30:00"] * 3})
    rows = history_rows(history, "2026-27", "Spring")
    assert rows["Label"].tolist() == ["20"]
    assert "Pupil" not in rows.columns


@settings(max_examples=30)
@given(st.lists(st.tuples(st.text(max_size=8), st.one_of(st.none(), st.floats(allow_nan=True)),
                          st.booleans()), min_size=1, max_size=20))
def test_any_pupil_rows_survive_the_round_trip(cells: list[tuple[str, float | None, bool]]) -> None:
    rows = pd.concat([A.iloc[[0]]] * len(cells), ignore_index=True)
    rows["upn"] = [c[0] for c in cells]
    rows["value"] = [c[1] for c in cells]
    rows["eal"] = [c[2] for c in cells]
    rows = normalise_pupils(rows)
    back, meta = from_parquet(to_parquet(rows, {"schema_version": str(SCHEMA_VERSION)}), "x")
    pd.testing.assert_frame_equal(normalise_pupils(back), rows)
    assert meta["schema_version"] == str(SCHEMA_VERSION)


def test_forget_takes_a_pupils_rows_out_of_every_snapshot(tmp_path: Path) -> None:
    from sync.snapshot import forget_pupils

    place = FolderPlace(tmp_path / "results")
    write_snapshot(place, snapshot())
    assert forget_pupils(place, {"a1p"}, dry_run=True) == 2      # a pupils row and a History row
    assert read_snapshot(place, "2026-27", 2, "Spring").pupils["upn"].tolist() == ["a1p", "a2", "a3"]
    assert forget_pupils(place, {"a1p"}) == 2
    back = read_snapshot(place, "2026-27", 2, "Spring")
    assert back.pupils["upn"].tolist() == ["a2", "a3"]
    assert back.history.empty
    assert (back.school, back.synced_at) == ("Oak Primary", "2027-03-01 02:30:00")   # metadata kept
    assert forget_pupils(place, {"a1p"}) == 0


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=4))
def test_a_damaged_snapshot_is_a_sentence_never_a_crash(flips: list[tuple[int, int]]) -> None:
    data = bytearray(to_parquet(A, {"schema_version": str(SCHEMA_VERSION)}))
    for at, value in flips:
        data[at % len(data)] = value
    try:
        frame, _ = from_parquet(bytes(data), "x/pupils.parquet")
    except SnapshotUnreadable as error:
        assert "x/pupils.parquet" in str(error)
    else:
        assert isinstance(frame, pd.DataFrame)


def test_a_text_column_keeps_its_texts_and_a_blank_is_empty_text() -> None:
    from functions.snapshot import _text

    for dtype in ("str", "string"):      # pandas' text, missing as NaN or as NA: one column operation
        found = _text(pd.Series(["a", None, "b c"], dtype=dtype))
        assert found.tolist() == ["a", "", "b c"] and found.dtype == object
    found = _text(pd.Series([1, None, 2.5, "x", True, float("nan")], dtype=object))   # value by value
    assert found.tolist() == ["1", "", "2.5", "x", "True", ""] and found.dtype == object
