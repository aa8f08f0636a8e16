"""The quick look of `reports` (sync.reports.fresh): a run is found up to date only with the same
options, and a blank option is not taken for one left out."""
from __future__ import annotations

from pathlib import Path

from sync.reports.fresh import fingerprint, remember, up_to_date


def school_with_one_report(tmp_path: Path) -> Path:
    school = tmp_path / "school"
    (school / "reports" / "Oak").mkdir(parents=True)
    (school / "Tracker summary.xlsx").write_bytes(b"summary")
    report = school / "reports" / "Oak" / "Adams Amara.pdf"
    report.write_bytes(b"%PDF-")
    remember(school, window=None, class_name=None, upn=None, reports_folder="reports",
             files=[report], inputs=fingerprint(school, "reports"))
    return school


def test_the_same_options_with_nothing_changed_are_up_to_date(tmp_path):
    school = school_with_one_report(tmp_path)
    assert up_to_date(school, window=None, class_name=None, upn=None) == 1
    (school / "Tracker summary.xlsx").write_bytes(b"summary, edited")
    assert up_to_date(school, window=None, class_name=None, upn=None) is None


def test_a_blank_class_pupil_or_window_is_not_the_whole_school(tmp_path):
    school = school_with_one_report(tmp_path)
    assert up_to_date(school, window=None, class_name="", upn=None) is None
    assert up_to_date(school, window=None, class_name=None, upn="") is None
    assert up_to_date(school, window="", class_name=None, upn=None) is None


def test_the_command_line_and_the_quick_look_import_nothing_heavy():
    """`reports` with nothing changed answers before pandas or openpyxl is imported (their import
    alone takes longer than the whole look): bench/demo.py's "again" bar, at most 5% of a run."""
    import subprocess
    import sys

    code = ("import sys, sync.cli, sync.reports.fresh; "
            "print(sorted(n for n in ('pandas', 'openpyxl', 'numpy', 'typst') if n in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
