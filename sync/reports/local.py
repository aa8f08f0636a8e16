"""Where finished reports go. `ReportSink` is the port; `LocalFolderSink` writes PDFs to
`<out_dir>/<academic year>/<window>/<class>/<Last> <First>.pdf`. A Google Drive sink (the PDF and
a Google Doc per pupil in the school's Reports folder) implements the same methods.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sync.errors import StoreUnavailable
from sync.reports.names import safe_name

MANIFEST = ".reports.json"
DRAWN = ".reports-drawn.json"   # pupil key -> hash of the file name and content last drawn


@dataclass(frozen=True)
class ReportTarget:
    """Where one pupil's report for one window belongs."""

    academic_year: str
    window_name: str
    class_name: str
    stem: str   # "<Last> <First>", already safe and unique in the class (sync.reports.names)
    key: str    # the pupil's stable key (sync.reports.names.pupil_key): replaces their old report


class ReportSink(Protocol):
    """Stores reports. `prepare` runs once in the parent process before any `write`; `write` may
    run in worker processes, one call per pupil, so it must not touch another pupil's files."""

    def prepare(self, targets: list[ReportTarget]) -> None:
        """Forget these pupils' earlier reports for the window (a renamed pupil's old file)."""

    def write(self, target: ReportTarget, pdf: bytes, doc: bytes) -> str:
        """Store one report (`doc`: its .docx when the sink wants one), replacing the pupil's earlier one for the window; return where it went."""

    def erase(self, keys: set[str], *, dry_run: bool) -> int:
        """Remove every report of the pupils with these keys, of every window and class (`forget`);
        the number of reports removed, or that would be when `dry_run`."""


class HashKeepingSink(ReportSink, Protocol):
    """A sink that also keeps each report's content hash, so an unchanged report is not drawn
    again (local folders)."""

    def drawn(self, target: ReportTarget, digest: str) -> bool:
        """Whether the report stored for `target` was drawn from content with this hash."""

    def forget(self, targets: list[ReportTarget]) -> None:
        """Drop the hashes of these reports (they are about to be drawn anew)."""

    def remember(self, drawn: list[tuple[ReportTarget, str]]) -> None:
        """Keep the hashes of the reports just drawn."""

    def path(self, target: ReportTarget) -> Path:
        """Where the report for `target` is."""


@dataclass(frozen=True)
class LocalFolderSink:
    """Reports as PDF files under `out_dir` (a school's `reports/` folder)."""

    out_dir: Path
    replaces: dict[tuple[str, str], list[str]] = field(default_factory=dict, compare=False)
    """(class folder, pupil key) -> the pupil's old file names there, learnt by `prepare`."""

    def folder(self, target: ReportTarget) -> Path:
        return (self.out_dir / safe_name(target.academic_year) / safe_name(target.window_name)
                / safe_name(target.class_name))

    def path(self, target: ReportTarget) -> Path:
        return self.folder(target) / f"{target.stem}.pdf"

    def prepare(self, targets: list[ReportTarget]) -> None:
        """Per class folder, a small manifest maps pupil keys to file names, so that a pupil whose
        file name changed (a new surname, a namesake who left) loses the old file instead of
        having two. Nothing is deleted here: the manifest first lists every name a pupil's
        report may have while the run is under way (old and new), `write` removes the old files
        only once the new one is written, and `finish` keeps only the new names. A run killed at
        any moment leaves every pupil a report, and the next run tidies up."""
        by_folder: dict[Path, list[ReportTarget]] = {}
        for target in targets:
            by_folder.setdefault(self.folder(target), []).append(target)
        for folder, group in by_folder.items():
            folder.mkdir(parents=True, exist_ok=True)
            manifest = _read_manifest(folder / MANIFEST)
            wanted = {f"{t.stem}.pdf" for t in group}
            for target in group:
                new = f"{target.stem}.pdf"
                old = [name for name in manifest.get(target.key, [])
                       if name not in wanted and safe_name(name) == name]
                if old:
                    self.replaces[(str(folder), target.key)] = old
                manifest[target.key] = [*old, new]
            _write_manifest(folder / MANIFEST, manifest)

    def finish(self, targets: list[ReportTarget]) -> None:
        """Record each pupil's file name in the manifest of their class folder."""
        by_folder: dict[Path, list[ReportTarget]] = {}
        for target in targets:
            by_folder.setdefault(self.folder(target), []).append(target)
        for folder, group in by_folder.items():
            manifest = _read_manifest(folder / MANIFEST)
            manifest.update({target.key: [f"{target.stem}.pdf"] for target in group})
            _write_manifest(folder / MANIFEST, manifest)

    def drawn(self, target: ReportTarget, digest: str) -> bool:
        """True when the pupil's report for the window is on disk under its file name, drawn from
        content with this hash (sync.reports.render.content_hash): drawing it again would give
        the same file."""
        entry = _drawn_entries(self.folder(target)).get(target.key)
        return entry == _drawn_as(target, digest) and self.path(target).is_file()

    def forget(self, targets: list[ReportTarget]) -> None:
        """Drop these pupils' hashes before their reports are drawn again (a run stopped halfway
        must not leave a hash vouching for a file it did not replace)."""
        self._update_drawn({t: None for t in targets})

    def remember(self, drawn: list[tuple[ReportTarget, str]]) -> None:
        """Record the content hash of each report just drawn."""
        self._update_drawn(dict(drawn))

    def _update_drawn(self, changes: dict[ReportTarget, str | None]) -> None:
        by_folder: dict[Path, dict[ReportTarget, str | None]] = {}
        for target, digest in changes.items():
            by_folder.setdefault(self.folder(target), {})[target] = digest
        for folder, group in by_folder.items():
            entries = _drawn_entries(folder)
            for target, digest in group.items():
                if digest is None:
                    entries.pop(target.key, None)
                else:
                    entries[target.key] = _drawn_as(target, digest)
            _write_atomically(folder / DRAWN, json.dumps(entries, indent=0, sort_keys=True).encode())

    def erase(self, keys: set[str], *, dry_run: bool) -> int:
        """Each class folder's manifest names the pupils' files: those are deleted, and the
        pupils' entries leave the manifest and the drawn-hash list."""
        removed = 0
        for manifest_path in sorted(self.out_dir.rglob(MANIFEST)) if self.out_dir.is_dir() else []:
            folder = manifest_path.parent
            manifest = _read_manifest(manifest_path)
            reports = [folder / name for key, names in manifest.items() if key in keys for name in names
                       if safe_name(name) == name and (folder / name).is_file()]
            removed += len(reports)
            if dry_run or not keys & set(manifest):
                continue
            for report in reports:
                report.unlink()
            _write_manifest(manifest_path, {k: v for k, v in manifest.items() if k not in keys})
            drawn = _drawn_entries(folder)
            if keys & set(drawn):
                _write_atomically(folder / DRAWN, json.dumps({k: v for k, v in drawn.items() if k not in keys},
                                                             indent=0, sort_keys=True).encode())
        return removed

    def write(self, target: ReportTarget, pdf: bytes, doc: bytes) -> str:
        path = self.path(target)
        try:
            _write_atomically(path, pdf)
        except OSError as error:   # the file name is the pupil's: keep it out of the message
            raise StoreUnavailable(f"A parent report for class {target.class_name} could not be "
                                   f"written ({error.strerror or 'file error'}).") from None
        for old in self.replaces.get((str(self.folder(target)), target.key), []):
            (self.folder(target) / old).unlink(missing_ok=True)   # now that the new one is safe
        return str(path)


def _read_manifest(path: Path) -> dict[str, list[str]]:
    """Pupil key -> the file names their report may have (one, or old and new while a run is
    under way; a manifest written before that was a single name)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [str(n) for n in v] if isinstance(v, list) else [str(v)] for k, v in data.items()}


def _write_manifest(path: Path, manifest: dict[str, list[str]]) -> None:
    _write_atomically(path, json.dumps(manifest, indent=0, sort_keys=True).encode())


def _drawn_as(target: ReportTarget, digest: str) -> str:
    """The content hash bound to the file name (namesakes may swap names), hashed again so that no
    name is kept in the clear: forgetting a pupil leaves nothing that names them."""
    return hashlib.sha256(f"{target.stem}.pdf\0{digest}".encode()).hexdigest()


def _drawn_entries(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / DRAWN).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path` and rename it over: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex}{path.suffix}")
    try:
        with open(temporary, "xb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
