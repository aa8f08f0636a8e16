"""Whether a local school's parent reports are already up to date, found without reading a workbook.

A `reports` run records, in `<school>/.reports-inputs.json`, a fingerprint of everything its
reports were drawn from: every file of the school folder outside its reports folder (the summary
workbook with Settings and History, the class workbooks, a framework file), the report template
and its fonts, the frameworks and the code, each by path, size and modification time; and one of
the PDFs in its class folders. A later run with the same options whose fingerprints both match
has nothing to draw: it says so at the cost of a few hundred `stat` calls. Anything
else (a changed workbook, a new class, an edited template) falls back to the full run, which
still redraws only the reports whose content changed (sync.reports.write).

Imports nothing heavy (no pandas), so that the check is quick from the command line.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sync.templates_dir import TEMPLATES_DIR

RECORD = ".reports-inputs.json"
ROOT = Path(__file__).resolve().parents[2]
WATCHED = (TEMPLATES_DIR, ROOT / "functions", ROOT / "sync")


def fingerprint(folder: Path, reports_folder: str) -> str:
    """Path, size and modification time of every input file (see the module's docstring)."""
    digest = hashlib.sha256()
    reports = (folder / reports_folder).resolve()
    for base in (folder, *WATCHED):
        for path, stat in _files(base, skip=reports):
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "replace"))
    return digest.hexdigest()


def _files(base: Path, *, skip: Path) -> list[tuple[str, os.stat_result]]:
    found = []
    for directory, folders, files in os.walk(base):
        here = Path(directory)
        folders[:] = sorted(f for f in folders if not f.startswith((".", "__pycache__"))
                            and (here / f).resolve() != skip)
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.endswith((".pyc", ".tmp")):
                continue   # lock files, our own records, Excel's owner files, caches
            path = here / name
            found.append((str(path), path.stat()))
    return found


def _key(window: str | None, class_name: str | None, upn: str | None) -> str:
    """The options of a run; the UPN is hashed, never stored. An option given blank is not an
    option left out (`--class ""` is no class, whose full run says so; not every class)."""
    pupil = hashlib.sha256(upn.encode("utf-8")).hexdigest()[:20] if upn is not None else None
    return json.dumps([window, class_name, pupil])


def _read(folder: Path) -> dict:
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return {}
    return data if isinstance(data, dict) else {}


def _outputs(folders: list[str]) -> str:
    """Name, size and modification time of every PDF in the run's class folders, as one hash."""
    digest = hashlib.sha256()
    for folder in folders:
        for path, stat in _files(Path(folder), skip=Path("/nonexistent")):
            if path.endswith(".pdf"):
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "replace"))
    return digest.hexdigest()


def up_to_date(folder: Path, *, window: str | None, class_name: str | None,
               upn: str | None) -> int | None:
    """How many reports the last run with these options wrote, when nothing it read has changed
    since and its report files are as it left them; otherwise None (do the full run)."""
    entry = _read(folder).get(_key(window, class_name, upn))
    if not isinstance(entry, dict) or not isinstance(entry.get("folders"), list):
        return None
    if entry.get("fingerprint") != fingerprint(folder, str(entry.get("reports_folder", ""))):
        return None
    if entry.get("outputs") != _outputs([str(f) for f in entry["folders"]]):
        return None
    return int(entry.get("count", 0))


def reports_folder_guess(folder: Path) -> str:
    """The reports folder the last run wrote to (the default before any run); `fingerprint`
    needs it before the Settings tab is read."""
    folders = [e.get("reports_folder") for e in _read(folder).values() if isinstance(e, dict)]
    return next((f for f in folders if isinstance(f, str) and f), "reports")


def remember(folder: Path, *, window: str | None, class_name: str | None, upn: str | None,
             reports_folder: str, files: list[Path], inputs: str) -> None:
    """Record a finished run: `inputs` is the fingerprint taken BEFORE it read anything (so a
    workbook saved while it ran makes the next run a full one); the report files by their class
    folders (folder names only: no pupil's name is kept here). Best effort: without a record the
    next run is a full one."""
    record = _read(folder)
    folders = sorted({str(Path(f).resolve().parent) for f in files})
    record[_key(window, class_name, upn)] = {
        "reports_folder": reports_folder, "fingerprint": inputs, "folders": folders,
        "outputs": _outputs(folders), "count": len(files)}
    temporary = folder / f"{RECORD}.tmp"
    try:
        temporary.write_text(json.dumps(record, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(temporary, folder / RECORD)
    except OSError:
        temporary.unlink(missing_ok=True)
