"""Where a school's results snapshots live, and their Parquet files (functions/snapshot.py says what
a snapshot holds).

Each sync writes its window's snapshot as three Parquet files, `statutory` and `history` first and
`pupils` last (a reader takes a window as synced once its `pupils` file is there):

    <academic year>/<window number> <window name>/pupils.parquet      e.g. 2026-27/1 Autumn/...

- local mode: under `SCHOOL/results/`, each file written whole and renamed into place;
- Google mode: in the Cloud Storage bucket named by the Settings' `Results bucket`, under the
  school's `Tracker summary` spreadsheet id (`<id>/2026-27/1 Autumn/pupils.parquet`); no bucket
  named, no snapshot.

Parquet is written with fastparquet, imported only here, when a snapshot is written or read:
pyarrow would do too, but once installed pandas 3 uses it for every string column of every frame
of the product, so the sync's own behaviour and speed would change with it.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from functions.snapshot import (
    BEFORE_MARKS_WERE_RECORDED,
    KINDS,
    SCHEMA_VERSION,
    Snapshot,
    history_rows,
    normalise_pupils,
    pupil_rows,
    statutory_rows,
)
from sync.errors import TrackerError
from sync.parquet_guard import footer_fits, pages_fit

if TYPE_CHECKING:
    from sync.settings import Settings
    from sync.store import Store

RESULTS_FOLDER = "results"
_WINDOW_FOLDER = re.compile(r"^(\d+) (.+)$")


class SnapshotUnreadable(TrackerError):
    """A snapshot file that is not one we can read (damaged, or of a newer schema)."""


class Place(Protocol):
    """Where one school's snapshot files go: names are relative, `/`-separated."""

    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes | None: ...

    def names(self) -> list[str]: ...


class FolderPlace:
    """`SCHOOL/results/` on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def put(self, name: str, data: bytes) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".~", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes | None:
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.glob("*/*/*.parquet"))


class BucketPlace:
    """`<bucket>/<school id>/` in Cloud Storage."""

    def __init__(self, bucket, school_id: str) -> None:   # bucket: sync.google.storage.Bucket
        self.bucket, self.prefix = bucket, f"{school_id}/"

    def put(self, name: str, data: bytes) -> None:
        self.bucket.put(self.prefix + name, data)

    def get(self, name: str) -> bytes | None:
        stored = self.bucket.get(self.prefix + name)
        return None if stored is None else stored.data

    def names(self) -> list[str]:
        return sorted(name[len(self.prefix):] for name in self.bucket.list(self.prefix)
                      if name.endswith(".parquet"))


def window_folder(academic_year: str, window: int, window_name: str) -> str:
    return f"{academic_year}/{window} {window_name}"


def snapshot_of(results, school: str, synced_at: str, trust: str = "",
                framework: str = "", counted_marks: tuple[str, ...] = BEFORE_MARKS_WERE_RECORDED) -> Snapshot:
    """The snapshot of a sync's results (functions.school.SchoolResults)."""
    return Snapshot(
        school=school, academic_year=results.academic_year, window=results.window,
        window_name=results.window_name, synced_at=synced_at,
        pupils=pupil_rows(results.school, results.window),
        history=history_rows(results.history, results.academic_year, results.window_name),
        statutory=statutory_rows(results.statutory_measures), trust=trust,
        framework=framework, counted_marks=counted_marks,
    )


def write_snapshot(place: Place, snapshot: Snapshot) -> None:
    """The three files of the snapshot, `pupils` last."""
    folder = window_folder(snapshot.academic_year, snapshot.window, snapshot.window_name)
    meta = snapshot.meta()
    for kind in ("statutory", "history", "pupils"):
        place.put(f"{folder}/{kind}.parquet", to_parquet(getattr(snapshot, kind), {**meta, "kind": kind}))


def windows_synced(place: Place) -> list[tuple[str, int, str]]:
    """(academic year, window number, window name) of every window with a `pupils` file."""
    found = []
    for name in place.names():
        parts = name.split("/")
        match = _WINDOW_FOLDER.match(parts[1]) if len(parts) == 3 else None
        if match and parts[2] == "pupils.parquet":
            found.append((parts[0], int(match.group(1)), match.group(2)))
    return sorted(found)


def read_snapshot(place: Place, academic_year: str, window: int, window_name: str) -> Snapshot | None:
    """The school's snapshot of one window; None when that window was never synced."""
    folder = window_folder(academic_year, window, window_name)
    pupils_data = place.get(f"{folder}/pupils.parquet")
    if pupils_data is None:
        return None
    pupils, meta = from_parquet(pupils_data, f"{folder}/pupils.parquet")
    tables = {"pupils": normalise_pupils(pupils)}
    for kind in ("history", "statutory"):
        data = place.get(f"{folder}/{kind}.parquet")
        tables[kind] = from_parquet(data, f"{folder}/{kind}.parquet")[0] if data else pd.DataFrame()
    return Snapshot(school=meta.get("school", ""), academic_year=meta.get("academic_year", academic_year),
                    window=int(meta.get("window", window)), window_name=meta.get("window_name", window_name),
                    synced_at=meta.get("synced_at", ""), trust=meta.get("trust", ""),
                    framework=meta.get("framework", ""), counted_marks=_marks(meta), **tables)


def _marks(meta: dict[str, str]) -> tuple[str, ...]:
    if "counted_marks" not in meta:
        return BEFORE_MARKS_WERE_RECORDED
    return tuple(mark for mark in meta["counted_marks"].split(",") if mark)


def _fastparquet():
    """fastparquet, imported on first use (its import asks pandas about an option pandas 3
    deprecates: a warning for us to hear about, not for a head teacher to read)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import fastparquet
    return fastparquet


def forget_pupils(place: Place, upns: set[str], *, dry_run: bool = False) -> int:
    """Take the rows of these pupils (UPNs) out of every snapshot file (`forget`: erasure reaches
    the snapshots too); returns how many rows held them."""
    removed = 0
    for name in place.names():
        data = place.get(name)
        if data is None:
            continue
        try:
            frame, meta = from_parquet(data, name)
        except SnapshotUnreadable:
            continue     # nothing we can read, nothing a trust can read either
        column = "UPN" if "UPN" in frame.columns else "upn"
        if column not in frame.columns:
            continue
        drop = frame[column].astype(str).isin(upns)
        if drop.any():
            removed += int(drop.sum())
            if not dry_run:
                place.put(name, to_parquet(frame[~drop].reset_index(drop=True), meta))
    return removed


def to_parquet(frame: pd.DataFrame, meta: dict[str, str]) -> bytes:
    """The table as a Parquet file's bytes, written in memory (no file)."""
    fastparquet = _fastparquet()
    buffer = io.BytesIO()
    fastparquet.write(buffer, frame, custom_metadata=meta, compression="GZIP", stats=False)
    return buffer.getvalue()


def from_parquet(data: bytes, name: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table and its metadata; `SnapshotUnreadable` for a damaged file or a newer schema."""
    fastparquet = _fastparquet()

    if not _looks_like_parquet(data) or not footer_fits(data):
        raise SnapshotUnreadable(f"The results snapshot {name} is damaged.")
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            table = fastparquet.ParquetFile(io.BytesIO(data))
        meta = {k: v for k, v in table.key_value_metadata.items() if k != "pandas"}
        version = int(meta.get("schema_version", "0"))
        fits = pages_fit(table, data)
    except Exception as error:   # fastparquet raises many kinds for a damaged file
        raise SnapshotUnreadable(f"The results snapshot {name} is damaged.") from error
    if version != SCHEMA_VERSION:
        raise SnapshotUnreadable(f"The results snapshot {name} is of schema version {version}; "
                                 f"this tracker reads version {SCHEMA_VERSION}: update it.")
    if not fits:   # a page fastparquet would loop on for ever
        raise SnapshotUnreadable(f"The results snapshot {name} is damaged.")
    try:
        with contextlib.redirect_stdout(io.StringIO()):   # fastparquet prints what it found damaged
            return table.to_pandas(), meta
    except Exception as error:
        raise SnapshotUnreadable(f"The results snapshot {name} is damaged.") from error


def _looks_like_parquet(data: bytes) -> bool:
    """Parquet's frame: PAR1 at both ends and a footer length that fits. fastparquet's compiled
    reader can crash the process on bytes that are not Parquet, so those never reach it."""
    if len(data) < 12 or data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        return False
    footer = int.from_bytes(data[-8:-4], "little")
    return 0 < footer <= len(data) - 12


def place_for(store: Store, settings: Settings) -> Place | None:
    """Where this store's snapshots go: a school folder's `results/`; a Google school's bucket
    from its Settings (None without one)."""
    folder = store.folder
    if folder is not None:
        return FolderPlace(Path(folder) / RESULTS_FOLDER)
    bucket = settings.results_bucket
    if not bucket:
        return None
    from sync.google.storage import Bucket, storage_session

    return BucketPlace(Bucket(bucket, storage_session()), store.school_id)


OpenPlace = Callable[[str], Place]


__all__ = ["KINDS", "Snapshot", "FolderPlace", "BucketPlace", "write_snapshot", "read_snapshot",
           "windows_synced", "snapshot_of", "place_for", "SnapshotUnreadable"]
