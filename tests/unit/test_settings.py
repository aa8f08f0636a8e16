"""Settings and Staff tabs -> Settings; every bad setting one plain SettingsError sentence."""
import datetime
from pathlib import Path

import pytest

from sync.errors import SettingsError
from sync.settings import StaffMember, load_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "sheets_templates"


def summary(**settings):
    values = {"School name": "Elm Primary", "Academic year": "2026-27"}
    values.update({key.replace("_", " "): value for key, value in settings.items()})
    rows = [["Setting", "Value"], *([key, value] for key, value in values.items())]
    return {"Settings": rows, "Staff": [["Email", "Role"], ["Head@Elm.sch.uk", " head "]]}


def load(workbook, school_dir=None):
    return load_settings(workbook, TEMPLATES, school_dir)


def test_defaults_come_from_the_points_framework():
    settings = load(summary())
    assert settings.school_name == "Elm Primary" and settings.academic_year == "2026-27"
    assert settings.framework.name == "points"
    assert settings.windows == ("Autumn", "Spring", "Summer")
    # framework ends 12-20, 03-31, 07-20 placed in 2026-27: December in 2026, the rest in 2027
    assert settings.window_ends == (datetime.date(2026, 12, 20), datetime.date(2027, 3, 31),
                                    datetime.date(2027, 7, 20))
    assert settings.subjects == ("Reading", "Writing", "Maths")
    assert settings.current_window is None and settings.locked_windows == ()
    assert (settings.classes_folder, settings.reports_folder) == ("classes", "reports")
    assert settings.staff == (StaffMember("head@elm.sch.uk", "Head"),)


def test_keys_match_whatever_their_case_and_spacing():
    workbook = summary(**{"  FRAMEWORK ": "Steps", "windows": "Spring, Summer",
                          "Current  window": "summer", "Locked windows": "spring",
                          "Subjects": "Reading; Maths"})
    settings = load(workbook)
    assert settings.framework.kind == "steps"
    assert settings.windows == ("Spring", "Summer")
    assert settings.window_ends == (datetime.date(2027, 3, 31), datetime.date(2027, 7, 20))
    assert settings.current_window == "Summer" and settings.locked_windows == ("Spring",)
    assert settings.subjects == ("Reading", "Maths")


def test_window_ends_as_day_first_text_or_one_serial_number():
    settings = load(summary(Window_ends="19/12/2026, 1 Apr 2027, 2027-07-21"))
    assert settings.window_ends == (datetime.date(2026, 12, 19), datetime.date(2027, 4, 1),
                                    datetime.date(2027, 7, 21))
    settings = load(summary(Windows="Summer", Window_ends=46588))   # 46588 = 20 July 2027
    assert settings.window_ends == (datetime.date(2027, 7, 20),)


def test_a_framework_file_in_the_school_folder(tmp_path):
    text = (TEMPLATES / "frameworks" / "points.toml").read_text().replace('name = "points"', 'name = "ours"')
    (tmp_path / "ours.toml").write_text(text)
    assert load(summary(Framework="ours.toml"), school_dir=tmp_path).framework.name == "ours"


@pytest.mark.parametrize("settings, words", [
    ({"Academic_year": "2026-28"}, "Academic year"),
    ({"Framework": "nonsense.toml"}, "Framework"),
    ({"Windows": "A, B, C, D"}, "Windows"),                      # 4 does not divide 3
    ({"Window_ends": "20/12/2026, 31/03/2027"}, "Windows"),      # two ends for three windows
    ({"Window_ends": "20/12/2025, 31/03/2027, 20/07/2027"}, "Window ends"),
    ({"Window_ends": "31/03/2027, 20/12/2026, 20/07/2027"}, "Window ends"),
    ({"Window_ends": "soon, later, 20/07/2027"}, "Window ends"),
    ({"Current_window": "Winter"}, "Current window"),
    ({"Locked_windows": "Autumn, Winter"}, "Locked windows"),
    ({"Subjects": "Reading, reading"}, "Subjects"),
    ({"Acadmic year": "2026-27"}, "Academic year"),              # a typo'd key
])
def test_a_bad_setting_is_one_sentence_naming_it(settings, words):
    with pytest.raises(SettingsError) as raised:
        load(summary(**settings))
    message = str(raised.value)
    assert words in message and message[-1] in ".?" and "\n" not in message


def test_missing_settings_tab_and_missing_academic_year():
    with pytest.raises(SettingsError, match="Settings tab"):
        load({"Staff": []})
    with pytest.raises(SettingsError, match="Academic year"):
        load({"Settings": [["School name", "Elm"]]})


def test_a_bad_framework_file_is_a_settings_error(tmp_path):
    (tmp_path / "broken.toml").write_text("name = ")
    with pytest.raises(SettingsError, match="broken.toml"):
        load(summary(Framework="broken.toml"), school_dir=tmp_path)


@pytest.mark.parametrize("row", [["head-at-elm", "Head"], ["a@b.org", "Governor"]])
def test_a_bad_staff_row_is_an_error_without_echoing_it(row):
    workbook = summary()
    workbook["Staff"].append(row)
    with pytest.raises(SettingsError, match="Staff row 3") as raised:
        load(workbook)
    assert row[0] not in str(raised.value)
