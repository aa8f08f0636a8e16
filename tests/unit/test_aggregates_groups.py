"""Groups: each group against the pupils outside it, worked out by hand."""
import pandas as pd
import pytest

from functions.aggregates import groups
from functions.aggregates.groups import membership
from tests.unit.aggregates_school import school

T = pd.Timestamp
COUNTED = ("NA",)   # the marks counted in percentages (points.toml: NA; ABS is left out)


@pytest.fixture
def year3() -> pd.DataFrame:
    """Reading, Autumn, year 3. P1 expected (+2), P2 well below (0), P3 expected (+1),
    P4 above (+3), P5 `NA`; P6 (pupil premium) left before Autumn ended."""
    common = {"group:Nurture": "", "group:House": ""}
    return school(
        {**common, "upn": "P1", "value": 16, "status": "expected", "progress": 2,
         "pupil_premium": True, "gender": "F", "date_of_birth": T("2018-05-01"),
         "group:Nurture": "Y", "group:House": "Red"},
        {**common, "upn": "P2", "value": 14, "status": "well below", "progress": 0,
         "pupil_premium": True, "gender": "M", "date_of_birth": T("2018-04-01"), "sen": "K",
         "group:House": "Blue"},
        {**common, "upn": "P3", "value": 16, "status": "expected", "progress": 1, "gender": "F",
         "date_of_birth": T("2018-08-31"), "sen": "E", "eal": True, "group:House": "Red"},
        {**common, "upn": "P4", "value": 17, "status": "above", "progress": 3, "gender": "M",
         "date_of_birth": T("2017-09-01")},
        {**common, "upn": "P5", "mark": "NA", "gender": "F", "date_of_birth": T("2018-03-31")},
        {**common, "upn": "P6", "value": 18, "status": "above", "pupil_premium": True,
         "on_roll": False, "gender": "M"},
    )


def by_group(table: pd.DataFrame) -> dict:
    return {g: r for g, r in zip(table["Group"], table.to_dict("records"), strict=True)}


def test_columns_and_the_pupil_premium_gap(year3):
    table = groups(year3, 1, COUNTED)
    assert list(table.columns) == [
        "Subject", "Group", "Pupils in group", "Pupils outside group",
        "% expected or above in group", "% expected or above outside group", "Gap",
        "Average progress in group", "Average progress outside group"]
    pp = by_group(table)["Pupil premium"]
    # in: P1 P2 (P6 left) -> 1 of 2; outside: P3 P4 P5 -> 2 of 3 (NA counts as not expected)
    assert (pp["Pupils in group"], pp["Pupils outside group"]) == (2, 3)
    assert (pp["% expected or above in group"], pp["% expected or above outside group"]) == (50.0, 66.7)
    assert pp["Gap"] == -16.7
    assert (pp["Average progress in group"], pp["Average progress outside group"]) == (1.0, 2.0)


def test_sen_groups_split_support_and_ehcp_and_pool_them(year3):
    table = by_group(groups(year3, 1, COUNTED))
    assert table["SEN support (K)"]["% expected or above in group"] == 0.0
    assert table["SEN support (K)"]["% expected or above outside group"] == 75.0  # 3 of P1 P3 P4 P5
    assert table["EHCP (E)"]["Gap"] == 50.0                                      # 100 - 2 of 4
    assert table["SEN (K or E)"]["Pupils in group"] == 2
    assert table["SEN (K or E)"]["Gap"] == -16.7                                 # 50.0 - 66.7


def test_summer_born_means_born_1_april_to_31_august(year3):
    summer = membership(year3)["Summer-born"]
    assert summer.tolist() == [True, True, True, False, False, False]
    row = by_group(groups(year3, 1, COUNTED))["Summer-born"]
    # P1 P2 P3: 2 of 3 at expected; P4 P5: 1 of 2
    assert (row["% expected or above in group"], row["% expected or above outside group"],
            row["Gap"]) == (66.7, 50.0, 16.7)


def test_group_order_genders_and_custom_columns(year3):
    table = groups(year3, 1, COUNTED)
    assert table["Group"].tolist() == [
        "Pupil premium", "SEN support (K)", "EHCP (E)", "SEN (K or E)", "EAL", "Gender: F",
        "Gender: M", "Summer-born", "Nurture", "House: Blue", "House: Red"]
    rows = by_group(table)
    assert rows["Nurture"]["Pupils in group"] == 1           # a Y/blank column is one group
    assert rows["House: Red"]["Gap"] == 66.7                 # P1 P3: 100; P2 P4 P5: 1 of 3


def test_a_group_nobody_on_roll_belongs_to_has_no_row(year3):
    left_only = year3.assign(eal=False)
    assert "EAL" not in set(groups(left_only, 1, COUNTED)["Group"])


def test_each_subject_has_its_own_rows(year3):
    both = pd.concat([year3, year3.assign(subject="Maths", status="below")], ignore_index=True)
    table = groups(both, 1, COUNTED)
    maths_pp = table[(table["Subject"] == "Maths") & (table["Group"] == "Pupil premium")].iloc[0]
    assert maths_pp["% expected or above in group"] == 0.0
    assert table["Subject"].tolist()[0] == "Reading" and table["Subject"].tolist()[-1] == "Maths"
