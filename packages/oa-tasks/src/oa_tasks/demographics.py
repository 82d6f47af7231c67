"""Baseline demographics (sex, ethnicity, age, height, weight, BMI) for the cohort tables.

The column names and codes differ between cohorts, so each cohort has a :class:`DemographicsSpec` that lists,
per variable, the accepted column names (documented name first, then aliases seen in releases and user
exports); the first file, in the order given, that has one of them provides the variable.

- OAI: ``P02SEX`` (1 male, 2 female) and ``P02RACE`` (0 other non-white, 1 white, 2 black, 3 asian) in
  ``Enrollees``; ``V00AGE``, ``P01HEIGHT`` (mm), ``P01WEIGHT`` (kg) and ``P01BMI`` in ``AllClinical00`` or
  ``SubjectChar00`` (aliases ``V00HEIGHT``, ``V00WEIGHT``, ``V00BMI``).
- MOST: the enrolment file has ``SEX`` (1 male, 2 female), ``RACE`` (1 white, 2 black, 3 asian, 4 other) and
  ``AGE`` (age at enrolment; ``V0AGE`` accepted); the visit-0 clinic data have ``V0HEIGHT`` (mm; ``V0HT``,
  ``HEIGHT``), ``V0WEIGHT`` (kg; ``V0WT``, ``WEIGHT``) and ``V0BMI`` (``BMI``). The aliases follow the
  project's reference notes; check them against the MOST data dictionary of your release.

A variable whose columns are in no file is a warning naming the files and the columns looked for (logged and
kept in the :class:`~oa_tasks.cohort_data.ReadReport`), never a silent all-missing column; codes outside
the documented lists are read as ``unknown`` and counted (no label needs them). Heights below 3 are taken as
metres and below 300 as centimetres, whatever the spec says, because user exports differ. BMI is computed
from height and weight where it is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.codes import coded_column, tolerant_coded_column
from oa_tasks.cohort_data import DEMOGRAPHIC_COLUMNS, ReadReport
from oa_tasks.errors import SchemaError

VARIABLES: tuple[str, ...] = ("sex", "ethnicity", "age", "height", "weight", "bmi")


@dataclass(frozen=True)
class DemographicsSpec:
    """Accepted column names (documented name first) and codes of one cohort's demographic variables."""

    id_column: str
    sex: tuple[str, ...]
    ethnicity: tuple[str, ...]
    age: tuple[str, ...]
    height: tuple[str, ...]
    weight: tuple[str, ...]
    bmi: tuple[str, ...]
    sex_codes: Mapping[int, str]
    ethnicity_codes: Mapping[int, str]


OAI_DEMOGRAPHICS = DemographicsSpec(
    id_column="ID",
    sex=("P02SEX",),
    ethnicity=("P02RACE",),
    age=("V00AGE",),
    height=("P01HEIGHT", "V00HEIGHT"),
    weight=("P01WEIGHT", "V00WEIGHT"),
    bmi=("P01BMI", "V00BMI"),
    sex_codes={1: "male", 2: "female"},
    ethnicity_codes={0: "other nonwhite", 1: "white", 2: "black", 3: "asian"},
)
MOST_DEMOGRAPHICS = DemographicsSpec(
    id_column="MOSTID",
    sex=("SEX", "V0SEX"),
    ethnicity=("RACE", "V0RACE"),
    age=("AGE", "V0AGE"),
    height=("V0HEIGHT", "V0HT", "HEIGHT"),
    weight=("V0WEIGHT", "V0WT", "WEIGHT"),
    bmi=("V0BMI", "BMI"),
    sex_codes={1: "male", 2: "female"},
    ethnicity_codes={1: "white", 2: "black", 3: "asian", 4: "other"},
)


def parse_demographics(
    frames: Mapping[Path, pd.DataFrame], spec: DemographicsSpec, report: ReadReport | None = None
) -> pd.DataFrame:
    """Combine the demographic files of a cohort into one row per participant.

    Args:
        frames: ``{path: table}`` of every demographic file found, in order of preference.
        spec: the cohort's column names and codes.
        report: receives a warning per absent variable and the count of undocumented codes (default: a
            new, discarded report; the warnings are still logged).

    Returns:
        A table with the columns of :data:`oa_tasks.cohort_data.DEMOGRAPHIC_COLUMNS`.

    Raises:
        SchemaError: a file lacks the ID column or repeats an ID.
    """
    report = report if report is not None else ReadReport()
    merged: pd.DataFrame | None = None
    chosen: dict[str, str] = {}
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
        found = {
            variable: column
            for variable in VARIABLES
            if variable not in chosen
            and (column := next((c for c in getattr(spec, variable) if c in frame.columns), None))
        }
        chosen.update(found)
        origin.update(dict.fromkeys(found.values(), path))
        part = frame[list(found.values())].set_axis(ids, axis=0)
        merged = part if merged is None else merged.join(part, how="outer")
    if merged is None:
        raise SchemaError("no demographic file given")
    for variable in VARIABLES:
        if variable not in chosen:
            report.warn(
                f"demographic column {variable} absent: none of {list(getattr(spec, variable))} is in "
                f"{', '.join(str(p) for p in frames)}; {variable} will be missing in the cohort tables"
            )
            chosen[variable] = variable.upper()
    out = pd.DataFrame({"participant_id": merged.index.astype(str)})
    out["sex"] = _coded(merged, chosen["sex"], spec.sex_codes, origin, report)
    out["ethnicity"] = _coded(merged, chosen["ethnicity"], spec.ethnicity_codes, origin, report)
    out["age"] = _number(merged, chosen["age"], origin)
    height = _number(merged, chosen["height"], origin)
    out["height_m"] = np.select(
        [height < 3, height < 300], [height, height / 100.0], default=height / 1000.0
    )
    out["height_m"] = out["height_m"].where(height.notna().to_numpy())
    out["weight_kg"] = _number(merged, chosen["weight"], origin)
    bmi = _number(merged, chosen["bmi"], origin)
    computed = out["weight_kg"] / out["height_m"] ** 2
    out["bmi"] = bmi.where(bmi.notna(), computed)
    return out[list(DEMOGRAPHIC_COLUMNS)].reset_index(drop=True)


def _coded(
    merged: pd.DataFrame,
    column: str,
    codes: Mapping[int, str],
    origin: Mapping[str, Path],
    report: ReadReport,
) -> pd.Series:
    values = tolerant_coded_column(
        merged.reset_index(drop=True),
        column,
        file=Path(origin.get(column, "demographics")).name,
        allowed=codes,
        part="demographics",
        report=report,
    )
    mapping = {float(k): v for k, v in codes.items()}
    return values.map(mapping).fillna("unknown").astype(object)


def _number(merged: pd.DataFrame, column: str, origin: Mapping[str, Path]) -> pd.Series:
    file = str(origin.get(column, "demographics"))
    return coded_column(merged.reset_index(drop=True), column, file=file)
