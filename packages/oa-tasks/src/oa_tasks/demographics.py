"""Baseline demographics (sex, ethnicity, age, height, weight, BMI) for the cohort tables.

The column names and codes differ between cohorts, so each cohort has a :class:`DemographicsSpec`.
OAI: ``P02SEX`` (1 male, 2 female) and ``P02RACE`` (0 other non-white, 1 white, 2 black, 3 asian) in
``Enrollees``; ``V00AGE``, ``P01HEIGHT`` (mm), ``P01WEIGHT`` (kg) and ``P01BMI`` in ``Enrollees``,
``AllClinical00`` or ``SubjectChar00`` (the first file that has the column wins).
MOST: ``SEX``, ``RACE`` (1 white, 2 black, 3 asian, 4 other), ``V0AGE``, ``V0HEIGHT`` (mm), ``V0WEIGHT`` (kg),
``V0BMI``. Heights below 3 are taken as metres and below 300 as centimetres, whatever the spec says,
because user exports differ. BMI is computed from height and weight where it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.codes import coded_column
from oa_tasks.cohort_data import DEMOGRAPHIC_COLUMNS
from oa_tasks.errors import SchemaError


@dataclass(frozen=True)
class DemographicsSpec:
    """Column names and codes of one cohort's demographic variables."""

    id_column: str
    sex: str
    ethnicity: str
    age: str
    height: str
    weight: str
    bmi: str
    sex_codes: Mapping[int, str]
    ethnicity_codes: Mapping[int, str]


OAI_DEMOGRAPHICS = DemographicsSpec(
    id_column="ID",
    sex="P02SEX",
    ethnicity="P02RACE",
    age="V00AGE",
    height="P01HEIGHT",
    weight="P01WEIGHT",
    bmi="P01BMI",
    sex_codes={1: "male", 2: "female"},
    ethnicity_codes={0: "other nonwhite", 1: "white", 2: "black", 3: "asian"},
)
MOST_DEMOGRAPHICS = DemographicsSpec(
    id_column="MOSTID",
    sex="SEX",
    ethnicity="RACE",
    age="V0AGE",
    height="V0HEIGHT",
    weight="V0WEIGHT",
    bmi="V0BMI",
    sex_codes={1: "male", 2: "female"},
    ethnicity_codes={1: "white", 2: "black", 3: "asian", 4: "other"},
)


def parse_demographics(frames: Mapping[Path, pd.DataFrame], spec: DemographicsSpec) -> pd.DataFrame:
    """Combine the demographic files of a cohort into one row per participant.

    Args:
        frames: ``{path: table}`` of every demographic file found, in order of preference.
        spec: the cohort's column names and codes.

    Returns:
        A table with the columns of :data:`oa_tasks.cohort_data.DEMOGRAPHIC_COLUMNS`.

    Raises:
        SchemaError: a file lacks the ID column, or no file has the sex column.
    """
    merged: pd.DataFrame | None = None
    origin: dict[str, Path] = {}
    for path, frame in frames.items():
        if spec.id_column not in frame.columns:
            raise SchemaError(f"{path}: missing the participant ID column {spec.id_column}")
        ids = frame[spec.id_column].astype(str).str.strip()
        if ids.duplicated().any():
            raise SchemaError(
                f"{path}: {int(ids.duplicated().sum())} duplicated {spec.id_column} value(s); a "
                "demographic file has one row per participant"
            )
        wanted = [
            c
            for c in (spec.sex, spec.ethnicity, spec.age, spec.height, spec.weight, spec.bmi)
            if c in frame.columns and c not in origin
        ]
        origin.update(dict.fromkeys(wanted, path))
        part = frame[wanted].set_axis(ids, axis=0)
        merged = part if merged is None else merged.join(part, how="outer")
    if merged is None or spec.sex not in origin:
        raise SchemaError(
            f"no demographic file has the sex column {spec.sex}; files read: {[str(p) for p in frames]}"
        )
    out = pd.DataFrame({"participant_id": merged.index.astype(str)})
    out["sex"] = _coded(merged, spec.sex, spec.sex_codes, origin)
    out["ethnicity"] = _coded(merged, spec.ethnicity, spec.ethnicity_codes, origin)
    out["age"] = _number(merged, spec.age, origin)
    height = _number(merged, spec.height, origin)
    out["height_m"] = np.select(
        [height < 3, height < 300], [height, height / 100.0], default=height / 1000.0
    )
    out["height_m"] = out["height_m"].where(height.notna().to_numpy())
    out["weight_kg"] = _number(merged, spec.weight, origin)
    bmi = _number(merged, spec.bmi, origin)
    computed = out["weight_kg"] / out["height_m"] ** 2
    out["bmi"] = bmi.where(bmi.notna(), computed)
    return out[list(DEMOGRAPHIC_COLUMNS)].reset_index(drop=True)


def _coded(
    merged: pd.DataFrame, column: str, codes: Mapping[int, str], origin: Mapping[str, Path]
) -> pd.Series:
    values = _number(merged, column, origin, allowed=codes)
    mapping = {float(k): v for k, v in codes.items()}
    return values.map(mapping).fillna("unknown").astype(object)


def _number(
    merged: pd.DataFrame,
    column: str,
    origin: Mapping[str, Path],
    allowed: Iterable[float] | None = None,
) -> pd.Series:
    file = str(origin.get(column, "demographics"))
    return coded_column(merged.reset_index(drop=True), column, file=file, allowed=allowed)
