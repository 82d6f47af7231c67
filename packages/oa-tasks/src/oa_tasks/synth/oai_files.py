"""Write a synthetic cohort as OAI distribution files.

Files (pipe-delimited ASCII with a header, missing values as OAI's strings):
``kXR_SQ_BU{vv}.txt`` for vv in 00, 01, 03, 05, 06, 08, 10 (reading projects 15, 37 and 42, about 12 % of
participants read twice with occasional disagreement), ``Outcomes99.txt`` (confirmed replacements with
days, last visit before, total/partial, baseline replacement; a few replacements only visible as ``.P``
and a few without days), ``Enrollees.txt`` and ``AllClinical00.txt`` (demographics), and
``synth_truth.csv`` (the latent risk of every knee), and the image index ``images/<release>/contents.csv``
(:mod:`oa_tasks.synth.images`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.synth.files import coded, write_delimited, write_truth
from oa_tasks.synth.images import write_oai_contents
from oa_tasks.synth.model import SimulatedCohort, simulate_cohort
from oa_tasks.synth.observe import observe_readings
from oa_tasks.visits import OAI_VISIT_MONTHS, OAI_XRAY_VISITS

FOLLOW_UP_MONTHS = 108
STATUS_TEXT = {
    "missing": ".: Missing Form/Incomplete Workbook",
    "technical": ".T: Technical Problems",
    "prosthesis": ".P: Missing due to knee prosthesis",
}
NOT_EXPECTED = ".A: Not Expected"
RACE_CODES = {"other": 0, "white": 1, "black": 2, "asian": 3}
RACE_LABELS = {
    0: "Other Non-white",
    1: "White or Caucasian",
    2: "Black or African American",
    3: "Asian",
}


def write_oai_cohort(n_participants: int, seed: int, out: Path) -> list[Path]:
    """Simulate ``n_participants`` and write the OAI files into ``out``; return the paths written."""
    rng = np.random.default_rng([seed, 1])
    cohort = simulate_cohort(n_participants, seed, FOLLOW_UP_MONTHS)
    ids = np.sort(
        rng.choice(np.arange(9_000_000, 10_000_000), n_participants, replace=False)
    ).astype(str)
    months = [OAI_VISIT_MONTHS[v] for v in OAI_XRAY_VISITS]
    readings = observe_readings(cohort, months, rng)
    readings = readings[readings["status"] != "absent"]
    primary = rng.choice(["15", "37", "42"], size=n_participants, p=[0.35, 0.55, 0.10])
    projects = ReadingProjects(
        primary, np.where(primary == "15", "37", "15"), rng.random(n_participants) < 0.12
    )
    paths = [_write_kl_file(readings, projects, ids, visit, rng, out) for visit in OAI_XRAY_VISITS]
    visit_codes = {OAI_VISIT_MONTHS[v]: v for v in OAI_XRAY_VISITS}
    visits = readings[["participant_index", "visit_month"]].drop_duplicates()
    barcode = _barcode_base(
        visits["participant_index"].to_numpy(), visits["visit_month"].map(visit_codes)
    )
    visits = visits.assign(barcode=[f"0166{b:08d}" for b in barcode])
    paths.extend(write_oai_contents(visits, ids, visit_codes, seed, out))
    paths.append(_write_outcomes(cohort, ids, rng, out))
    paths.extend(_write_demographics(cohort, ids, rng, out))
    paths.append(write_truth(cohort, ids, out))
    return paths


@dataclass(frozen=True)
class ReadingProjects:
    """Per participant: the reading project, a second project, and whether the knees were read twice."""

    primary: np.ndarray
    second: np.ndarray
    read_twice: np.ndarray


def _write_kl_file(
    readings: pd.DataFrame,
    projects: ReadingProjects,
    ids: np.ndarray,
    visit: str,
    rng: np.random.Generator,
    out: Path,
) -> Path:
    rows = readings[readings["visit_month"] == OAI_VISIT_MONTHS[visit]]
    person = rows["participant_index"].to_numpy()
    barcode_base = _barcode_base(person, pd.Series(visit, index=rows.index))
    first = _kl_frame(rows, ids, projects.primary[person], barcode_base, visit)
    twice = projects.read_twice[person]
    repeat = rows[twice]
    kl = repeat["kl"].to_numpy()
    disagree = (kl >= 0) & (rng.random(len(kl)) < 0.04)
    repeat = repeat.assign(
        kl=np.where(disagree, np.clip(kl + rng.choice([-1, 1], len(kl)), 0, 4), kl)
    )
    extra = _kl_frame(repeat, ids, projects.second[person[twice]], barcode_base[twice], visit)
    table = pd.concat([first, extra], ignore_index=True).sort_values(["ID", "SIDE", "READPRJ"])
    return write_delimited(table, out / f"kXR_SQ_BU{visit}.txt", "|")


def _barcode_base(person: np.ndarray, visit: pd.Series) -> np.ndarray:
    """The numeric part of a participant-visit's X-ray barcode (``0166`` + 8 digits)."""
    return 1_000_000 + person * 16 + visit.map(OAI_XRAY_VISITS.index).to_numpy()


def _kl_frame(
    rows: pd.DataFrame, ids: np.ndarray, projects: np.ndarray, barcode_base: np.ndarray, visit: str
) -> pd.DataFrame:
    kl = rows["kl"].to_numpy()
    status = rows["status"].to_numpy()
    kl_text = np.where(
        status == "graded", kl.astype(str), pd.Series(status).map(STATUS_TEXT).to_numpy()
    )
    jsn = np.clip(kl - 1, 0, 3)
    jsn_text = np.where(kl >= 0, [f"{j}" for j in jsn], kl_text)
    return pd.DataFrame(
        {
            "ID": ids[rows["participant_index"].to_numpy()],
            "SIDE": np.where(rows["side"].to_numpy() == "R", "1: Right", "2: Left"),
            "READPRJ": projects,
            "VERSION": "1.6",
            f"V{visit}BARCDBU": [f"0166{b:08d}" for b in barcode_base],
            f"V{visit}XRKL": kl_text,
            f"V{visit}XRJSM": jsn_text,
            f"V{visit}XRJSL": np.where(kl >= 0, "0", kl_text),
            f"V{visit}XROSFL": np.where(kl >= 2, "1", np.where(kl >= 0, "0", kl_text)),
        }
    )


def _write_outcomes(
    cohort: SimulatedCohort, ids: np.ndarray, rng: np.random.Generator, out: Path
) -> Path:
    knees = cohort.knees
    people = cohort.participants
    month = knees["replacement_month"].to_numpy()
    owner = knees["participant_index"].to_numpy()
    left_at = np.minimum(people["dropout_month"], people["death_month"]).to_numpy()[owner]
    reported = ~np.isnan(month) & (month <= left_at) & (rng.random(len(month)) >= 0.005)
    baseline = reported & (month < 0)
    days_known = reported & ~baseline & (rng.random(len(month)) >= 0.02)
    partial = rng.random(len(month)) < 0.08
    visit_codes = np.array([int(c) for c in OAI_VISIT_MONTHS])
    visit_month = np.array(list(OAI_VISIT_MONTHS.values()))
    last_before = np.searchsorted(visit_month, np.nan_to_num(month, nan=0.0), side="left") - 1
    pending = ~reported & (rng.random(len(month)) < 0.003)
    columns: dict[str, np.ndarray] = {"ID": ids}
    for side in ("R", "L"):
        pick = knees["side"].to_numpy() == side
        rep, base, known = reported[pick], baseline[pick], days_known[pick]
        prefix = f"V99E{side}K"
        columns[f"{prefix}RPCF"] = np.where(
            rep,
            "3: Replacement adjudicated, confirmed",
            np.where(pending[pick], "1: Replacement reported, not adjudicated", NOT_EXPECTED),
        )
        days = np.round(month[pick] * 365.25 / 12).astype("float64")
        columns[f"{prefix}DAYS"] = np.where(
            known,
            np.nan_to_num(days).astype(int).astype(str),
            np.where(rep & ~base, ".", NOT_EXPECTED),
        )
        last = visit_codes[np.clip(last_before[pick], 0, None)]
        columns[f"{prefix}VSPR"] = np.where(
            rep & ~base, [f"{c}: {visit_month[c]}-month visit" for c in last], NOT_EXPECTED
        )
        columns[f"{prefix}TLPR"] = np.where(
            rep, np.where(partial[pick], "2: Partial", "1: Total"), NOT_EXPECTED
        )
        columns[f"{prefix}BLRP"] = np.where(rep, np.where(base, "1: Yes", "0: No"), NOT_EXPECTED)
    return write_delimited(pd.DataFrame(columns), out / "Outcomes99.txt", "|")


def _write_demographics(
    cohort: SimulatedCohort, ids: np.ndarray, rng: np.random.Generator, out: Path
) -> list[Path]:
    people = cohort.participants
    race = people["ethnicity"].map(RACE_CODES).to_numpy()
    enrollees = pd.DataFrame(
        {
            "ID": ids,
            "P02SEX": np.where(people["sex"] == "male", "1: Male", "2: Female"),
            "P02RACE": coded(race, RACE_LABELS),
            "V00COHORT": "2: Incidence",
        }
    )
    weight_missing = rng.random(len(people)) < 0.01
    clinical = pd.DataFrame(
        {
            "ID": ids,
            "V00AGE": people["age"].astype(int).astype(str),
            "P01HEIGHT": (people["height_m"] * 1000).round().astype(int).astype(str),
            "P01WEIGHT": np.where(
                weight_missing,
                ".: Missing Form/Incomplete Workbook",
                people["weight_kg"].astype(str),
            ),
            "P01BMI": np.where(
                weight_missing, ".: Missing Form/Incomplete Workbook", people["bmi"].astype(str)
            ),
        }
    )
    return [
        write_delimited(enrollees, out / "Enrollees.txt", "|"),
        write_delimited(clinical, out / "AllClinical00.txt", "|"),
    ]
