"""The school year's life, as rules on frames: pupils arriving from the school's MIS, the move up
into next year's classes, and which leavers are due to be forgotten. No files, no clock.

Pupil details travel with the `Pupils` tab's own column names (DETAILS). Text is compared
ignoring case and runs of spaces; a blank flag means "no" and a blank SEN means "N", so a file
that says "no" agrees with a blank cell.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

DETAILS = ["UPN", "First name", "Last name", "Date of birth", "Gender", "Pupil premium", "SEN", "EAL"]
"""The Pupils columns an import fills (blank cells only) or checks."""
INCOMING = ["source", *DETAILS, "Year", "Registration group"]
"""A pupil read from an MIS file. `source` says where (`Pupil 3`, `line 4`) without pupil data;
dates are Timestamps (NaT when absent); Gender is F/M/""; flags Y/N/""; SEN N/K/E/""."""
ON_ROLL = ["workbook", "row", "class_name", *DETAILS, "Left on"]
"""A Pupils row of this year's class workbooks, values in the same forms as INCOMING."""
CLASSES = ["workbook", "class_name", "year_group"]
_NO = {"Pupil premium": "N", "EAL": "N", "SEN": "N"}


@dataclass
class ImportPlan:
    """What an import would do. Frames, each possibly empty:

    matches   source, workbook, row, how ("UPN" or "name and date of birth")
    fills     workbook, row, column, value, source: blank cells the file fills
    conflicts workbook, row, column, typed, file, source: cells a person typed differently
    joins     workbook, class_name, and the INCOMING columns: new pupils and their class
    unplaced  source, group: new pupils no class takes (the import is refused)
    returning source, workbook, row: the file's pupil has a Left on date here (nothing changes)
    missing   workbook, row: pupils on roll the file does not list (only for a whole roll)
    year_warnings source, workbook, year, year_group: a new pupil's year is not the class's
    """

    matches: pd.DataFrame
    fills: pd.DataFrame
    conflicts: pd.DataFrame
    joins: pd.DataFrame
    unplaced: pd.DataFrame
    returning: pd.DataFrame
    missing: pd.DataFrame
    year_warnings: pd.DataFrame

    @property
    def changes(self) -> int:
        return len(self.fills) + len(self.joins)


def normal_text(values: pd.Series) -> pd.Series:
    """Text as compared: case and runs of spaces ignored; blank for missing."""
    text = values.astype(object).where(values.notna(), "").astype(str)
    return text.str.split().str.join(" ").str.casefold()


def _comparable(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    if column == "Date of birth":
        return pd.to_datetime(values, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    text = normal_text(values)
    if column in _NO:
        text = text.where(text != "", _NO[column].casefold())
    return text


def plan_import(incoming: pd.DataFrame, on_roll: pd.DataFrame, classes: pd.DataFrame, *,
                class_name: str | None = None, whole_roll: bool = False) -> ImportPlan:
    """Match the file's pupils to this year's Pupils rows and decide every change.

    A pupil is matched by UPN; a pupil whose UPN is on no row (or who has none) by first name,
    last name and date of birth. Rows without a Left on date are preferred. A matched pupil's
    details fill blank cells; a cell typed differently is a conflict and is never changed. An
    unmatched pupil joins `class_name` if given, else the class their registration group names.
    With `whole_roll` (the file lists every pupil on roll) pupils on roll it does not list are
    `missing`: listed, never removed.
    """
    roll = on_roll.assign(_on=on_roll["Left on"].isna()).sort_values("_on", ascending=False, kind="stable")
    by_upn = roll[roll["UPN"] != ""].drop_duplicates("UPN")
    matched = incoming.merge(by_upn[["UPN", "workbook", "row", "_on"]], on="UPN", how="left")
    matched["how"] = matched["workbook"].notna().map({True: "UPN", False: ""})
    name_key = lambda f: (normal_text(f["First name"]) + "|" + normal_text(f["Last name"]) + "|"  # noqa: E731
                          + _comparable(f, "Date of birth"))
    roll_keys = roll.assign(_key=name_key(roll)).drop_duplicates("_key").set_index("_key")
    unmatched = matched["how"] == ""
    keys = name_key(matched)
    found = unmatched & keys.isin(roll_keys.index) & (_comparable(matched, "Date of birth") != "")
    for column in ("workbook", "row", "_on"):
        matched.loc[found, column] = roll_keys.loc[keys[found], column].to_numpy()
    matched.loc[found, "how"] = "name and date of birth"

    is_match = matched["how"] != ""
    on = matched["_on"].astype("boolean").fillna(False).astype(bool)
    current = matched[is_match & on]
    returning = matched[is_match & ~on][["source", "workbook", "row"]]
    fills, conflicts = _compare(current, on_roll)

    new = matched[~is_match].drop(columns=["workbook", "row", "_on", "how"])
    lookup = {" ".join(str(name).split()).casefold(): row for row in classes.itertuples(index=False)
              for name in [row.class_name]}
    wanted = (pd.Series(class_name, index=new.index) if class_name
              else new["Registration group"].fillna(""))
    place = normal_text(wanted).map(lambda key: lookup.get(key))
    placed = place.notna()
    joins = new[placed].assign(workbook=[p.workbook for p in place[placed]],
                               class_name=[p.class_name for p in place[placed]],
                               _year_group=[p.year_group for p in place[placed]])
    year_warnings = joins[joins["Year"].notna() & (joins["Year"] != joins["_year_group"])]
    year_warnings = year_warnings.rename(columns={"Year": "year", "_year_group": "year_group"})[
        ["source", "workbook", "year", "year_group"]]
    unplaced = pd.DataFrame({"source": new.loc[~placed, "source"], "group": wanted[~placed]})

    missing = pd.DataFrame(columns=["workbook", "row"])
    if whole_roll:
        listed = set(matched.loc[is_match, "workbook"].astype(str) + "#" + matched.loc[is_match, "row"].astype(str))
        on_rows = on_roll[on_roll["Left on"].isna()]
        keyed = on_rows["workbook"].astype(str) + "#" + on_rows["row"].astype(str)
        missing = on_rows.loc[~keyed.isin(listed), ["workbook", "row"]]
    return ImportPlan(
        matches=current[["source", "workbook", "row", "how"]].reset_index(drop=True),
        fills=fills, conflicts=conflicts,
        joins=joins[["workbook", "class_name", *INCOMING]].reset_index(drop=True),
        unplaced=unplaced.reset_index(drop=True), returning=returning.reset_index(drop=True),
        missing=missing.reset_index(drop=True),
        year_warnings=year_warnings.reset_index(drop=True))


def _compare(matched: pd.DataFrame, on_roll: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Blank cells to fill and differently typed cells, column by column (long frames)."""
    typed = matched[["source", "workbook", "row"]].merge(on_roll, on=["workbook", "row"], how="left")
    fills, conflicts = [], []
    for column in DETAILS:
        file_raw = matched[column].reset_index(drop=True)
        file_cmp = _comparable(matched.reset_index(drop=True), column)
        cell_cmp = _comparable(typed, column)
        cell_blank = typed[column].isna() | normal_text(typed[column]).eq("")
        file_says = file_cmp != "" if column not in _NO else normal_text(file_raw) != ""
        differ = file_says & (file_cmp != cell_cmp)
        fill = differ & cell_blank
        clash = differ & ~fill
        base = typed[["workbook", "row", "source"]]
        fills.append(base[fill].assign(column=column, value=file_raw[fill]))
        conflicts.append(base[clash].assign(column=column, typed=typed.loc[clash, column],
                                            file=file_raw[clash]))
    fill_frame = pd.concat(fills, ignore_index=True) if fills else pd.DataFrame()
    conflict_frame = pd.concat(conflicts, ignore_index=True) if conflicts else pd.DataFrame()
    fill_frame = fill_frame.reindex(columns=["workbook", "row", "column", "value", "source"])
    conflict_frame = conflict_frame.reindex(columns=["workbook", "row", "column", "typed", "file", "source"])
    # a blank flag already means "no": filling it with N would change nothing a person sees
    quiet = fill_frame["column"].isin(list(_NO)) & (normal_text(fill_frame["value"]) == "n")
    return fill_frame[~quiet].reset_index(drop=True), conflict_frame


def duplicate_upns(incoming: pd.DataFrame) -> pd.DataFrame:
    """Pairs of sources that carry the same UPN: first, second."""
    upns = incoming[incoming["UPN"] != ""]
    first = upns.drop_duplicates("UPN").set_index("UPN")["source"]
    again = upns[upns.duplicated("UPN")]
    return pd.DataFrame({"first": again["UPN"].map(first).to_numpy(), "second": again["source"].to_numpy()})


def ever_six_fsm(spells: pd.DataFrame, today: date) -> bool:
    """Pupil premium from free school meals (the "Ever 6 FSM" rule): a spell of FSM eligibility
    (start, end; end NaT while it lasts) in the six years up to `today`."""
    if spells.empty:
        return False
    since = pd.Timestamp(today) - pd.DateOffset(years=6)
    ends = pd.to_datetime(spells["end"])
    return bool((ends.isna() | (ends >= since)).any())


NEXT_YEAR_HEADER = ["Class now", "Year now", "Class next year", "Year next year", "Teacher next year"]
LEAVES = "(leaves)"
NEW_CLASS = "(new)"


def draft_next_year(classes: pd.DataFrame) -> pd.DataFrame:
    """A first `Classes next year` mapping from this year's CLASSES (class_name, year_group,
    teacher): each class moves up a year keeping its name (as many schools name classes); Year 6
    leaves and its name passes to a new, empty Year 1 class for the intake."""
    ordered = classes.sort_values(["year_group", "class_name"], kind="stable")
    moving = ordered["year_group"] < 6
    rows = pd.DataFrame({
        "Class now": ordered["class_name"], "Year now": ordered["year_group"].astype(int),
        "Class next year": ordered["class_name"].where(moving, LEAVES),
        "Year next year": (ordered["year_group"] + 1).where(moving).astype("Int64"),
        "Teacher next year": "",
    })
    intake = pd.DataFrame({"Class now": NEW_CLASS, "Year now": pd.NA,
                           "Class next year": ordered.loc[~moving, "class_name"],
                           "Year next year": 1, "Teacher next year": ""})
    return pd.concat([rows, intake], ignore_index=True)[NEXT_YEAR_HEADER]


def move_up(pupils: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """This year's pupils on roll (no Left on date) with the class and year they move into:
    pupils plus `next_class`, `next_year`. Pupils of a class that leaves are not carried."""
    on_roll = pupils[pupils["Left on"].isna()]
    moves = mapping[mapping["Class now"] != NEW_CLASS][["Class now", "Class next year", "Year next year"]]
    moved = on_roll.merge(moves, left_on="class_name", right_on="Class now", how="inner")
    moved = moved[moved["Class next year"] != LEAVES].drop_duplicates("UPN")
    return moved.rename(columns={"Class next year": "next_class", "Year next year": "next_year"}) \
        .drop(columns=["Class now"]).reset_index(drop=True)


def leavers(pupils: pd.DataFrame, academic_year: str) -> pd.DataFrame:
    """UPN -> the day each pupil left (`left_on`), for every pupil not on roll this year.

    `pupils` are Pupils rows of every academic year (UPN, academic_year, Left on). A pupil's
    leaving day comes from the last academic year they appear in: the latest Left on date when
    every row of that year has one, else (they were on roll at its end) 31 August of that year.
    A pupil on roll in `academic_year` has not left.
    """
    rows = pupils[pupils["UPN"] != ""]
    last_year = rows.groupby("UPN")["academic_year"].transform("max")
    final = rows[rows["academic_year"] == last_year]
    left = pd.to_datetime(final["Left on"], errors="coerce")
    summary = final.assign(_left=left, _on=left.isna()).groupby("UPN").agg(
        year=("academic_year", "first"), on_roll=("_on", "any"), latest=("_left", "max"))
    end_of_year = pd.to_datetime(summary["year"].str[:4].astype(int).add(1).astype(str) + "-08-31")
    summary["left_on"] = summary["latest"].where(~summary["on_roll"], end_of_year)
    gone = summary[~(summary["on_roll"] & (summary["year"] >= academic_year))]
    return gone[["left_on"]].reset_index()


def left_before(leaving: pd.DataFrame, day: date) -> list[str]:
    """UPNs of `leavers(...)` who left before `day`, sorted."""
    return sorted(leaving.loc[leaving["left_on"] < pd.Timestamp(day), "UPN"])


def retention_cutoff(today: date, years: int) -> date:
    """Pupils who left before this day are past the retention period (29 February -> 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


STATUTORY_RULE = ["column", "Stage", "Subject", "Method", "Component"]


def statutory_results(assessments: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """The Statutory cell each CTF result fills: source, UPN, column, value.

    `assessments` are CTF StageAssessments (source, UPN, Stage, Subject, Method, Component,
    Year, Result); `rules` say which (Stage, Subject, Method, Component) goes to which column, a
    blank rule field matching anything. A pupil's later result (by Year) wins over an earlier one
    for the same column; results no rule takes are left out.
    """
    columns = ["source", "UPN", "column", "value"]
    if assessments.empty or rules.empty:
        return pd.DataFrame(columns=columns)
    keys = STATUTORY_RULE[1:]
    results = assessments.assign(_at=range(len(assessments)),
                                 **{f"_{k}": normal_text(assessments[k]) for k in keys})
    taken = []
    for rule in rules.itertuples(index=False):
        fields = dict(zip(STATUTORY_RULE, rule, strict=False))
        mask = pd.Series(True, index=results.index)
        for key in keys:
            wanted = normal_text(pd.Series([fields[key]])).iloc[0]
            if wanted:
                mask &= results[f"_{key}"] == wanted
        taken.append(results[mask].assign(column=fields["column"]))
    found = pd.concat(taken, ignore_index=True)
    found = found[found["Result"].fillna("").astype(str).str.strip() != ""]
    found = found.sort_values(["Year", "_at"], kind="stable").drop_duplicates(["UPN", "column"], keep="last")
    return found.assign(value=found["Result"].astype(str).str.strip())[columns].reset_index(drop=True)


def fill_blank_cells(wanted: pd.DataFrame, typed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which wanted cells to fill and which a person typed differently.

    `wanted`: workbook, UPN, column, value, source. `typed`: the same cells' workbook, UPN,
    column, typed (None or "" when blank). Values are compared as text ignoring case and spaces,
    and numbers as numbers ("22" is 22.0).
    """
    both = wanted.merge(typed, on=["workbook", "UPN", "column"], how="left")
    def canon(values: pd.Series) -> pd.Series:
        numbers = pd.to_numeric(values, errors="coerce")
        text = normal_text(values)
        return text.where(numbers.isna(), numbers.map(lambda n: f"{n:g}" if pd.notna(n) else ""))
    blank = both["typed"].isna() | normal_text(both["typed"]).eq("")
    differ = canon(both["value"]) != canon(both["typed"])
    fills = both[blank][["workbook", "UPN", "column", "value", "source"]].reset_index(drop=True)
    conflicts = both[~blank & differ][["workbook", "UPN", "column", "typed", "value", "source"]] \
        .rename(columns={"value": "file"})
    return fills, conflicts.reset_index(drop=True)
