"""The few named errors of the shell. The CLI and the web service turn each into one plain
sentence and an exit code (or HTTP status). Messages never carry pupil data."""
from __future__ import annotations


class TrackerError(Exception):
    """Base class: `str(error)` is a plain sentence fit for a head teacher."""

    exit_code = 1
    http_status = 500


class SettingsError(TrackerError):
    """A bad setting, framework file or command-line argument (exit 2)."""

    exit_code = 2
    http_status = 400


class SchoolNotFound(TrackerError):
    """The school folder or spreadsheet does not exist or cannot be opened (exit 2)."""

    exit_code = 2
    http_status = 404


class AccessDenied(TrackerError):
    """The service account may not open a spreadsheet or folder."""

    exit_code = 1
    http_status = 403


class AlreadyRunning(TrackerError):
    """Another sync of the same school holds the lock (exit 3, HTTP 409)."""

    exit_code = 3
    http_status = 409


class StoreUnavailable(TrackerError):
    """Google (or a locked local file) did not let us finish; nothing was half-written (exit 1)."""

    exit_code = 1
    http_status = 503


class UnreadableWorkbook(TrackerError):
    """One class workbook is not a spreadsheet we can open (corrupt, or not .xlsx inside). The
    job reports it in Problems and syncs the rest of the school."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, found: str = "", expected: str = "") -> None:
        super().__init__(message)
        self.found = found or "a file that cannot be opened as a spreadsheet"
        self.expected = expected or ("an .xlsx workbook saved by Excel or LibreOffice "
                                     "(this class is left out)")


class ReportsUnavailable(TrackerError):
    """Parent reports cannot be drawn on this computer: the typst package that draws them is
    missing (a broken install). Syncs are not affected."""

    exit_code = 1
    http_status = 503
