"""The demo's pupils: names, dates of birth, groups, UPNs, mid-year moves and a standing per subject."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from statistics import NormalDist
from typing import Any, cast

import numpy as np
import pandas as pd

from functions.pupils import upn_check_letter
from sync.demo.common import SUBJECTS


def make_pupils(rng: np.random.Generator, config: dict[str, Any], demo_dir: Path) -> pd.DataFrame:
    """Every pupil of both years: cohorts 1-6 are this year's year groups, 7 last year's leavers.

    Columns: upn, first_name, last_name, gender, date_of_birth, pupil_premium, sen, eal, cohort,
    form (0/1), in_0 / in_1 (in last / this year's workbooks), joined_0/1, left_0/1, baseline_from
    ("reception" | "previous school" | ""), moved_on (this year's move to the other class of the
    cohort: `Left on` in the old class, joined the next school day; NaT for most), and
    standing_<subject>.
    """
    per_class = config["pupils_per_class"]
    cohort = np.repeat(np.arange(1, 8), 2 * per_class)
    count = len(cohort)
    props = config["proportions"]
    frame = pd.DataFrame({"cohort": cohort, "form": np.tile(np.arange(2 * per_class) % 2, 7)})
    frame["gender"] = np.where(rng.random(count) < props["girls"], "F", "M")
    frame = pd.concat([frame, _names(rng, frame["gender"], demo_dir)], axis=1)
    birth_year_start = pd.to_datetime(
        (int(config["academic_year"][:4]) - frame["cohort"] - 5).astype(str) + "-09-01")
    frame["date_of_birth"] = birth_year_start + pd.to_timedelta(rng.integers(0, 365, count), unit="D")
    frame["pupil_premium"] = _exact_share(rng, count, props["pupil_premium"]) > 0
    frame["sen"] = np.array(["", "E", "K"])[_exact_share(rng, count, props["ehcp"], props["sen_support"])]
    entry_year = (birth_year_start.dt.year + 5) % 100     # the year the pupil started Reception
    serial = pd.Series(np.arange(count) % 899 + 101)    # three digits; a school scaled up for
    establishment = pd.Series(int(config["establishment"]) + np.arange(count) // 899)   # a benchmark
    body = (config["local_authority"] + establishment.map("{:04d}".format)          # borrows more
            + entry_year.map("{:02d}".format) + serial.map("{:03d}".format))      # school numbers
    frame["upn"] = body.map(upn_check_letter) + body
    frame["in_0"], frame["in_1"] = frame["cohort"] >= 2, frame["cohort"] <= 6
    for column in ("joined_0", "joined_1", "left_0", "left_1", "moved_on"):
        frame[column] = pd.NaT
    frame["baseline_from"] = np.where(frame["cohort"] <= 2, "reception", "")
    _mid_year_moves(frame, config)
    _standings(rng, frame, config)
    return frame


def _exact_share(rng: np.random.Generator, count: int, *shares: float) -> np.ndarray:
    """0 for most pupils, 1 for round(shares[0] * count) of them at random, 2 for the next share..."""
    codes = np.zeros(count, dtype=int)
    order, start = rng.permutation(count), 0
    for code, share in enumerate(shares, start=1):
        size = round(share * count)
        codes[order[start:start + size]] = code
        start += size
    return codes


def _names(rng: np.random.Generator, gender: pd.Series, demo_dir: Path) -> pd.DataFrame:
    """First and last names drawn from the synthetic name lists by origin, with EAL by origin."""
    names = pd.read_csv(demo_dir / "names.csv", dtype=str)
    origins = pd.read_csv(demo_dir / "origins.csv")
    count = len(gender)
    origin = rng.choice(origins["origin"].to_numpy(), size=count, p=origins["share"].to_numpy())
    eal_share = origins.set_index("origin")["eal_share"]
    out = pd.DataFrame({"origin": origin, "kind": np.where(gender == "F", "girl", "boy")})
    draw_first, draw_last = rng.random(count), rng.random(count)
    first, last = np.empty(count, dtype=object), np.empty(count, dtype=object)
    for key, rows in out.groupby(["origin", "kind"]).indices.items():
        origin_of, kind = cast(tuple[str, str], key)
        pool = names.loc[(names["origin"] == origin_of) & (names["kind"] == kind), "name"].to_numpy()
        first[rows] = pool[(draw_first[rows] * len(pool)).astype(int)]
    for key, rows in out.groupby("origin").indices.items():
        pool = names.loc[(names["origin"] == key) & (names["kind"] == "surname"), "name"].to_numpy()
        last[rows] = pool[(draw_last[rows] * len(pool)).astype(int)]
    eal = rng.random(count) < out["origin"].map(eal_share).to_numpy()
    return pd.DataFrame({"first_name": first, "last_name": last, "eal": eal})


def _mid_year_moves(frame: pd.DataFrame, config: dict[str, Any]) -> None:
    """A few pupils who joined or left mid-year, chosen by position so every seed has them."""
    def pick(cohort: int, nth: int) -> int:
        return int(frame.index[frame["cohort"] == cohort][nth])

    this_year = int(config["academic_year"][:4])
    arrival = pick(4, 5)          # joined this year from another school, with its judgements
    frame.loc[arrival, "in_0"] = False
    frame.loc[arrival, "joined_1"] = pd.Timestamp(this_year, 10, 5)
    frame.loc[arrival, "baseline_from"] = "previous school"
    frame.loc[arrival, "upn"] = _upn("873" + "5001" + str(frame.at[arrival, "upn"])[-5:])
    frame.loc[pick(3, 7), "left_1"] = pd.Timestamp(this_year, 10, 23)     # left this Autumn
    frame.loc[pick(3, 9), "joined_0"] = pd.Timestamp(this_year, 1, 12)    # joined last Spring
    leaver = pick(6, 11)                                                  # left last Spring
    frame.loc[leaver, "in_1"] = False
    frame.loc[leaver, "left_0"] = pd.Timestamp(this_year, 2, 27)
    frame.loc[pick(5, 13), "moved_on"] = pd.Timestamp(this_year, 11, 6)   # moved class this Autumn


def class_members(pupils: pd.DataFrame, academic: int) -> list[tuple[int, int, pd.DataFrame]]:
    """(cohort, form, members) of each class of one academic year. A pupil who moved class this
    year is in both: `Left on` the day they moved in the old class, `Joined on` the next Monday in
    the new one (so the new class has their judgements from then on)."""
    on_roll = pupils[pupils[f"in_{academic}"]]
    moved = on_roll[on_roll["moved_on"].notna()] if academic == 1 else on_roll.iloc[0:0]
    leaving = on_roll.assign(**{f"left_{academic}": on_roll[f"left_{academic}"].where(
        on_roll["moved_on"].isna() | (academic != 1), on_roll["moved_on"])})
    arriving = moved.assign(form=1 - moved["form"],
                            **{f"joined_{academic}": moved["moved_on"] + pd.offsets.Week(weekday=0)})
    both = pd.concat([leaving, arriving])
    return [(int(cohort), int(form), members)
            for (cohort, form), members in cast(Iterable[tuple[tuple[int, int], pd.DataFrame]],
                                                both.groupby(["cohort", "form"]))]


def _upn(body: str) -> str:
    return upn_check_letter(body) + body


def _standings(rng: np.random.Generator, frame: pd.DataFrame, config: dict[str, Any]) -> None:
    """Each pupil's standing per subject, on a normal scale within the cohort (rank-based)."""
    rules = config["attainment"]
    gap = rules["gap"]
    count = len(frame)
    shared = rng.standard_normal(count)
    lowered = (gap["pupil_premium"] * frame["pupil_premium"] + gap["sen_support"] * (frame["sen"] == "K")
               + gap["ehcp"] * (frame["sen"] == "E") + gap["eal_year1"] * frame["eal"] * (frame["cohort"] == 1))
    normal = NormalDist()
    # each current cohort is a little stronger or weaker than the national picture; the leavers
    # (cohort 7) sit on it, so last year's year 6 results land near the national figures
    cohort_shared = rng.normal(0, rules["cohort_spread"], 8)
    for subject in SUBJECTS:
        cohort_effect = cohort_shared + rng.normal(0, rules["cohort_spread"] / 2, 8)
        cohort_effect[7] = 0.0
        latent = (rules["shared"] * shared + np.sqrt(1 - rules["shared"] ** 2) * rng.standard_normal(count)
                  - lowered.to_numpy())
        share = pd.Series(latent).groupby(frame["cohort"]).rank(pct=True) - 0.5 / frame.groupby(
            "cohort")["cohort"].transform("size")
        frame[f"standing_{subject}"] = (share.map(normal.inv_cdf).to_numpy()
                                        + cohort_effect[frame["cohort"].to_numpy()])
