"""Readers of the Multicenter Osteoarthritis Study (MOST) files.

- ``MOSTV01235XRAY`` (SAS or delimited text): one row per participant, ID ``MOSTID``, KL columns
  ``V{v}X{R,L}KL`` for visits 0, 1, 2, 3, 5 (no V4 reading). Non-grade codes (8, 9, ...) are treated as
  missing and counted in the report.
- ``mostoutcomes``: ``V99E{R,L}KRINDEX``, the index of the first visit at which a knee replacement was
  recorded (the replacement happened between the previous visit and that one; index 0 = before baseline),
  and ``V99EDINDEX``, the same for death.
- Demographics: files named like ``MOSTV0ENROLL``, ``MOST*DEMOG*`` or ``MOSTV0CLINIC*`` (see
  :mod:`oa_tasks.demographics`).

Files are found recursively, as tab-separated text (the release), other delimited text, SAS or NDA layout
(:mod:`oa_tasks.table_io`). Undocumented visit indices in ``mostoutcomes`` are read as missing and counted
(:meth:`ReadReport.require_known_codes` refuses them for incidence and progression labels).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oa_tasks.codes import parse_kl_grades, tolerant_coded_column
from oa_tasks.cohort_data import (
    DEMOGRAPHIC_COLUMNS,
    READING_COLUMNS,
    REPLACEMENT_COLUMNS,
    CohortData,
    ReadReport,
    empty_frame,
)
from oa_tasks.demographics import MOST_DEMOGRAPHICS, parse_demographics
from oa_tasks.errors import CohortFileNotFoundError, SchemaError
from oa_tasks.readings import ReadingPriority, resolve_duplicates
from oa_tasks.table_io import (
    SAS_LOSSES,
    SAS_SUFFIXES,
    find_files,
    find_one,
    read_table,
    require_columns,
)
from oa_tasks.visits import MOST_VISIT_MONTHS, MOST_XRAY_VISITS

KL_FILE_PATTERN = r"mostv01235xray"
OUTCOMES_PATTERN = r"mostoutcomes.*"
DEMOGRAPHIC_PATTERN = r"(mostv0enroll.*|most.*demog.*|mostv0clinic.*)"
#: Outcome visit indices beyond the X-ray visits (MOST's 144- and 168-month extension visits).
MOST_OUTCOME_VISIT_MONTHS: dict[str, int] = {**MOST_VISIT_MONTHS, "6": 144, "7": 168}


def read_most(root: Path) -> CohortData:
    """Read the MOST KL, outcomes and demographic files present in ``root``.

    Raises:
        CohortFileNotFoundError: the KL file or the outcomes file is missing.
    """
    root = Path(root)
    report = ReadReport()
    kl_path = find_one(root, KL_FILE_PATTERN, "MOST KL file", "MOSTV01235XRAY.txt or .sas7bdat")
    readings = read_most_kl_file(kl_path, report)
    resolved, report.duplicate_readings, report.conflicts = resolve_duplicates(
        readings, ReadingPriority(projects=())
    )
    try:
        outcome_path = find_one(root, OUTCOMES_PATTERN, "MOST outcomes file", "mostoutcomes.txt")
    except CohortFileNotFoundError as exc:
        raise CohortFileNotFoundError(
            f"{exc}; it holds the knee replacements that the incidence and progression labels need"
        ) from exc
    report.files.append(outcome_path.name)
    sas_files = [p.name for p in (kl_path, outcome_path) if p.suffix.lower() in SAS_SUFFIXES]
    if sas_files:
        report.warn(f"MOST read from SAS ({', '.join(sas_files)}): {SAS_LOSSES}")
    replacements, deaths = read_most_outcomes(outcome_path, report)
    demographics = empty_frame(DEMOGRAPHIC_COLUMNS)
    demographic_paths = list(find_files(root, DEMOGRAPHIC_PATTERN).values())
    if demographic_paths:
        report.files.extend(p.name for p in demographic_paths)
        demographics = parse_demographics(
            {p: read_table(p, id_column="MOSTID") for p in demographic_paths},
            MOST_DEMOGRAPHICS,
            report,
        )
    else:
        report.warn("no MOST demographic file (MOSTV0ENROLL*, MOST*DEMOG*, MOSTV0CLINIC*) found")
    return CohortData("most", resolved, replacements, deaths, demographics, report)


def read_most_kl_file(path: Path, report: ReadReport) -> pd.DataFrame:
    """Read ``MOSTV01235XRAY`` (wide, one row per participant) into long readings.

    Raises:
        SchemaError: ``MOSTID`` or the baseline KL columns are missing, or an ID repeats.
    """
    frame = read_table(path, id_column="MOSTID")
    report.files.append(path.name)
    require_columns(frame, ["MOSTID", "V0XRKL", "V0XLKL"], path)
    ids = frame["MOSTID"].astype(str).str.strip()
    if ids.duplicated().any():
        raise SchemaError(f"{path}: {int(ids.duplicated().sum())} duplicated MOSTID value(s)")
    parts = []
    for visit in MOST_XRAY_VISITS:
        for side in ("R", "L"):
            column = f"V{visit}X{side}KL"
            if column not in frame.columns:
                continue
            kl, kl_code, unknown = parse_kl_grades(frame[column], file=path.name, name=column)
            for code, count in unknown.items():
                report.unknown_kl_codes[(path.name, column, code)] += count
            parts.append(
                pd.DataFrame(
                    {
                        "participant_id": ids,
                        "side": side,
                        "visit": f"V{visit}",
                        "visit_month": MOST_VISIT_MONTHS[visit],
                        "kl": kl,
                        "kl_code": kl_code,
                        "reading_project": "",
                        "barcode": "",
                        "source_file": path.name,
                    },
                    columns=list(READING_COLUMNS),
                )
            )
    return pd.concat(parts, ignore_index=True)


def read_most_outcomes(
    path: Path, report: ReadReport | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read knee replacements and deaths from ``mostoutcomes``.

    Visit indices outside 0-7 are read as missing and counted in ``report``.

    Returns:
        ``(replacements, deaths)`` as described in :mod:`oa_tasks.cohort_data`.

    Raises:
        SchemaError: ``MOSTID`` or a side's ``KRINDEX`` column is missing.
        CodeError: a cell is neither a number nor a missing code.
    """
    report = report if report is not None else ReadReport()
    frame = read_table(path, id_column="MOSTID")
    require_columns(frame, ["MOSTID", "V99ERKRINDEX", "V99ELKRINDEX"], path)
    ids = frame["MOSTID"].astype(str).str.strip()
    parts = []
    for side in ("R", "L"):
        month = _visit_month(frame, f"V99E{side}KRINDEX", path, report)
        present = month.notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "participant_id": ids,
                    "side": side,
                    "kind": "",
                    "days_from_baseline": pd.array([None] * len(ids), dtype="Int64"),
                    "last_visit_month_before": pd.array([None] * len(ids), dtype="Int64"),
                    "first_visit_month_after": month,
                    "at_baseline": (month == 0).fillna(False).to_numpy(dtype=bool),
                }
            )[present]
        )
    replacements = pd.concat(parts, ignore_index=True)[list(REPLACEMENT_COLUMNS)]
    deaths = pd.DataFrame({"participant_id": ids, "first_visit_month_after": pd.NA})
    if "V99EDINDEX" in frame.columns:
        deaths["first_visit_month_after"] = _visit_month(frame, "V99EDINDEX", path, report)
    deaths = deaths[deaths["first_visit_month_after"].notna()].reset_index(drop=True)
    return replacements.reset_index(drop=True), deaths


def _visit_month(frame: pd.DataFrame, column: str, path: Path, report: ReadReport) -> pd.Series:
    index = tolerant_coded_column(
        frame,
        column,
        file=path.name,
        allowed=range(len(MOST_OUTCOME_VISIT_MONTHS)),
        part="outcomes",
        report=report,
    )
    months = index.map(lambda v: MOST_OUTCOME_VISIT_MONTHS.get(str(int(v))) if v == v else None)
    return pd.Series(pd.array(months, dtype="Int64"), index=frame.index)
