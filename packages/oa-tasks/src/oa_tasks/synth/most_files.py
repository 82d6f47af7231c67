"""Write a synthetic cohort as MOST files, tab-separated text as released.

``MOSTV01235XRAY.txt`` (wide: ``MOSTID``, ``V{0,1,2,3,5}X{R,L}KL``; empty cells for missing readings and
about 0.5 % non-grade codes 8/9), ``mostoutcomes.txt`` (``V99E{R,L}KRINDEX`` and ``V99EDINDEX``: the first
visit index at or after the replacement or death), ``MOSTV0ENROLL.txt`` (demographics), ``synth_truth.csv``
and the image index ``images/most_image_index.csv`` (:mod:`oa_tasks.synth.images`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.synth.files import first_visit_index_at_or_after, write_delimited, write_truth
from oa_tasks.synth.images import write_most_index
from oa_tasks.synth.model import SimulatedCohort, simulate_cohort
from oa_tasks.synth.observe import observe_readings
from oa_tasks.visits import MOST_VISIT_MONTHS, MOST_XRAY_VISITS

FOLLOW_UP_MONTHS = 84
RACE_CODES = {"white": 1, "black": 2, "asian": 3, "other": 4}


def write_most_cohort(n_participants: int, seed: int, out: Path) -> list[Path]:
    """Simulate ``n_participants`` and write the MOST files into ``out``; return the paths written."""
    rng = np.random.default_rng([seed, 2])
    cohort = simulate_cohort(n_participants, seed, FOLLOW_UP_MONTHS)
    sites = rng.choice(["MA", "MB"], n_participants)
    numbers = rng.choice(np.arange(10_000, 100_000), n_participants, replace=False)
    ids = np.array([f"{s}{n:05d}" for s, n in zip(sites, numbers, strict=True)], dtype=object)
    months = [MOST_VISIT_MONTHS[v] for v in MOST_XRAY_VISITS]
    readings = observe_readings(cohort, months, rng)
    graded = readings["status"] == "graded"
    non_grade = graded & (rng.random(len(readings)) < 0.005)
    text = np.where(graded, readings["kl"].astype(str), "")
    text = np.where(non_grade, rng.choice(["8", "9"], len(readings)), text)
    readings = readings.assign(
        text=text,
        column=[
            f"V{MOST_XRAY_VISITS[months.index(m)]}X{s}KL"
            for m, s in zip(readings["visit_month"], readings["side"], strict=True)
        ],
    )
    wide = readings.pivot(index="participant_index", columns="column", values="text")
    order = [f"V{v}X{s}KL" for v in MOST_XRAY_VISITS for s in ("R", "L")]
    kl_table = wide[order].reset_index(drop=True)
    kl_table.insert(0, "MOSTID", ids)
    paths = [write_delimited(kl_table, out / "MOSTV01235XRAY.txt", "\t")]
    x_rayed = readings.loc[readings["status"] != "absent", ["participant_index", "visit_month"]]
    visit_codes = {MOST_VISIT_MONTHS[v]: v for v in MOST_XRAY_VISITS}
    paths.append(write_most_index(x_rayed.drop_duplicates(), ids, visit_codes, seed, out))
    paths.append(_write_outcomes(cohort, ids, out))
    paths.append(_write_demographics(cohort, ids, out))
    paths.append(write_truth(cohort, ids, out))
    return paths


def _write_outcomes(cohort: SimulatedCohort, ids: np.ndarray, out: Path) -> Path:
    knees, people = cohort.knees, cohort.participants
    all_months = list(MOST_VISIT_MONTHS.values())
    owner = knees["participant_index"].to_numpy()
    left_at = np.minimum(people["dropout_month"], people["death_month"]).to_numpy()[owner]
    month = knees["replacement_month"].to_numpy()
    month = np.where(month <= left_at, month, np.nan)
    index = first_visit_index_at_or_after(month, all_months)
    death = people["death_month"].to_numpy()
    death = np.where(death <= people["dropout_month"].to_numpy(), death, np.nan)
    death_index = first_visit_index_at_or_after(death, all_months)
    columns: dict[str, np.ndarray] = {"MOSTID": ids}
    for side in ("R", "L"):
        pick = knees["side"].to_numpy() == side
        columns[f"V99E{side}KRINDEX"] = np.where(index[pick] >= 0, index[pick].astype(str), "")
    columns["V99EDINDEX"] = np.where(death_index >= 0, death_index.astype(str), "")
    return write_delimited(pd.DataFrame(columns), out / "mostoutcomes.txt", "\t")


def _write_demographics(cohort: SimulatedCohort, ids: np.ndarray, out: Path) -> Path:
    people = cohort.participants
    table = pd.DataFrame(
        {
            "MOSTID": ids,
            "SEX": np.where(people["sex"] == "male", 1, 2),
            "RACE": people["ethnicity"].map(RACE_CODES).to_numpy(),
            "V0AGE": people["age"].astype(int),
            "V0HEIGHT": (people["height_m"] * 1000).round().astype(int),
            "V0WEIGHT": people["weight_kg"],
            "V0BMI": people["bmi"],
        }
    )
    return write_delimited(table, out / "MOSTV0ENROLL.txt", "\t")
