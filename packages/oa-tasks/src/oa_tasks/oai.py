"""Readers of the Osteoarthritis Initiative (OAI) distribution files.

- ``kXR_SQ_BU{vv}.txt`` (pipe-delimited ASCII with a header; or ``.sas7bdat``/``.xpt``), one per X-ray visit
  ``vv`` in 00, 01, 03, 05, 06, 08, 10: one row per knee and reading project; columns ``ID``, ``SIDE``
  (1 right, 2 left), ``READPRJ``, ``V{vv}XRKL`` and, when present, ``V{vv}BARCDBU``.
- ``Outcomes99.txt``: per knee ``V99E{R,L}KRPCF`` (3 = replacement adjudicated and confirmed; 0-2 are other
  adjudication states and are not counted), ``V99E{R,L}KDAYS`` (days from baseline),
  ``V99E{R,L}KVSPR`` (the last OAI visit before the replacement, visit-coded 0-11), ``V99E{R,L}KTLPR``
  (1 total, 2 partial) and ``V99E{R,L}KBLRP`` (1 = already replaced on the baseline X-ray).
- ``Enrollees``, ``AllClinical00`` and ``SubjectChar00`` for demographics (see :mod:`oa_tasks.demographics`).
- NDA structure files ``kxrsq{nn}.txt`` (tab-separated, two header lines, see :mod:`oa_tasks.table_io`): the
  same KL columns, lower-cased; a file may hold several visits, each row belonging to the visit whose
  ``V{vv}XRKL`` or ``V{vv}BARCDBU`` cell is filled. A visit that has its own ``kXR_SQ_BU{vv}`` file is read
  from that file.

Files are found recursively under the root, names matched case-insensitively; text files win over SAS files
of the same name. Undocumented codes in ``Outcomes99`` are read as missing and counted
(:meth:`ReadReport.require_known_codes` refuses them for incidence and progression labels).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.barcodes import normalise_barcodes
from oa_tasks.codes import (
    coded_column,
    parse_codes,
    parse_kl_grades,
    require_codes,
    tolerant_coded_column,
)
from oa_tasks.cohort_data import (
    DEATH_COLUMNS,
    DEMOGRAPHIC_COLUMNS,
    READING_COLUMNS,
    REPLACEMENT_COLUMNS,
    CohortData,
    ReadReport,
    empty_frame,
)
from oa_tasks.demographics import OAI_DEMOGRAPHICS, parse_demographics
from oa_tasks.errors import CohortFileNotFoundError, SchemaError
from oa_tasks.readings import ReadingPriority, resolve_duplicates
from oa_tasks.table_io import SAS_LOSSES, SAS_SUFFIXES, find_files, read_table, require_columns
from oa_tasks.visits import OAI_VISIT_MONTHS, OAI_XRAY_VISITS

KL_FILE_PATTERN = r"kxr_sq_bu(\d\d)"
NDA_KL_FILE_PATTERN = r"(kxrsq\d\d)"
OUTCOMES_PATTERN = r"outcomes99"
DEMOGRAPHIC_PATTERNS = (r"enrollees", r"allclinical00", r"subjectchar00")
CONFIRMED_REPLACEMENT = 3
SIDES = {1.0: "R", 2.0: "L"}


def read_oai(
    root: Path,
    *,
    visits: Iterable[str] | None = None,
    priority: ReadingPriority | None = None,
) -> CohortData:
    """Read every OAI file present in ``root`` into tidy tables.

    Args:
        root: the folder holding the OAI files.
        visits: two-digit visit codes to read (default: every ``kXR_SQ_BU`` file present).
        priority: how duplicate readings are chosen (default :class:`ReadingPriority`).

    Raises:
        CohortFileNotFoundError: no KL file, a requested visit's file, or ``Outcomes99`` is missing.
    """
    root = Path(root)
    report = ReadReport()
    paths = find_files(root, KL_FILE_PATTERN)
    unexpected = sorted(set(paths) - set(OAI_XRAY_VISITS))
    if unexpected:
        report.notes.append(
            f"ignored kXR_SQ_BU files of visits without central readings: {unexpected}"
        )
    nda = _read_nda_kl_files(root, set(paths) & set(OAI_XRAY_VISITS), report)
    available = (set(paths) & set(OAI_XRAY_VISITS)) | set(nda)
    wanted = sorted(available) if visits is None else sorted(set(visits))
    absent = [v for v in wanted if v not in available]
    if absent or not wanted:
        raise CohortFileNotFoundError(
            f"OAI KL file(s) for visit(s) {absent or list(OAI_XRAY_VISITS)} not found in {root} or its "
            "subfolders: expected kXR_SQ_BU{vv}.txt (or .sas7bdat) with vv in "
            + ", ".join(OAI_XRAY_VISITS)
            + ", or an NDA kxrsq01.txt"
        )
    frames = []
    sas_files = []
    for visit in wanted:
        if visit in nda:
            frames.append(nda[visit])
            continue
        path = paths[visit]
        frames.append(read_oai_kl_file(path, visit, report))
        if path.suffix.lower() in SAS_SUFFIXES:
            sas_files.append(path.name)
    raw = pd.concat(frames, ignore_index=True)
    resolved, report.duplicate_readings, report.conflicts = resolve_duplicates(
        raw, priority or ReadingPriority()
    )
    outcomes = find_files(root, OUTCOMES_PATTERN)
    if not outcomes:
        raise CohortFileNotFoundError(
            f"Outcomes99.txt not found in {root}: it holds the knee replacements that the incidence and "
            "progression labels need"
        )
    outcome_path = next(iter(outcomes.values()))
    report.files.append(outcome_path.name)
    if outcome_path.suffix.lower() in SAS_SUFFIXES:
        sas_files.append(outcome_path.name)
    if sas_files:
        report.warn(f"OAI read from SAS ({', '.join(sas_files)}): {SAS_LOSSES}")
    replacements = read_oai_outcomes(outcome_path, report)
    demographics = _read_demographics(root, report)
    return CohortData(
        cohort="oai",
        readings=resolved,
        replacements=replacements,
        deaths=empty_frame(DEATH_COLUMNS),
        demographics=demographics,
        report=report,
    )


def read_oai_kl_file(path: Path, visit: str, report: ReadReport) -> pd.DataFrame:
    """Read one ``kXR_SQ_BU{vv}`` file into long readings (duplicates kept).

    Raises:
        SchemaError: a required column is missing (the message says when the file holds another
            visit's columns).
        CodeError: ``SIDE`` holds a value other than 1 or 2, or a cell is not a valid code.
    """
    frame = read_table(path, id_column="ID")
    report.files.append(path.name)
    return kl_readings(frame, path, visit, report)


def _read_nda_kl_files(
    root: Path, covered: set[str], report: ReadReport
) -> dict[str, pd.DataFrame]:
    """Readings per visit from NDA ``kxrsq`` files, for the visits no ``kXR_SQ_BU`` file covers."""
    out: dict[str, list[pd.DataFrame]] = {}
    for path in find_files(root, NDA_KL_FILE_PATTERN).values():
        frame = read_table(path, id_column="ID")
        report.files.append(path.name)
        for visit in OAI_XRAY_VISITS:
            kl_column, barcode_column = f"V{visit}XRKL", f"V{visit}BARCDBU"
            if visit in covered or kl_column not in frame.columns:
                continue
            filled = frame[kl_column].astype(str).str.strip().ne("")
            if barcode_column in frame.columns:
                filled |= frame[barcode_column].astype(str).str.strip().ne("")
            rows = frame[filled.to_numpy()].reset_index(drop=True)
            out.setdefault(visit, []).append(kl_readings(rows, path, visit, report))
    return {visit: pd.concat(parts, ignore_index=True) for visit, parts in out.items()}


def kl_readings(frame: pd.DataFrame, path: Path, visit: str, report: ReadReport) -> pd.DataFrame:
    """Long readings of one visit from a KL table (``kXR_SQ_BU{vv}`` or the visit's NDA rows).

    Raises:
        SchemaError: a required column is missing.
        CodeError: ``SIDE`` holds a value other than 1 or 2, or a cell is not a valid code.
    """
    kl_column, barcode_column = f"V{visit}XRKL", f"V{visit}BARCDBU"
    if kl_column not in frame.columns:
        other = sorted(c for c in frame.columns if c.endswith("XRKL"))
        hint = f"; it has {other}: is it another visit's file under this name?" if other else ""
        raise SchemaError(f"{path}: missing column {kl_column} for visit {visit}{hint}")
    require_columns(frame, ["ID", "SIDE", "READPRJ"], path)
    ids = frame["ID"].astype(str).str.strip()
    if (ids == "").any():
        raise SchemaError(f"{path}: column ID is empty on {int((ids == '').sum())} row(s)")
    side = parse_codes(frame["SIDE"], file=path.name, name="SIDE")
    require_codes(side, SIDES, file=path.name, name="SIDE")
    if side.value.isna().any():
        raise SchemaError(
            f"{path}: column SIDE is missing on {int(side.value.isna().sum())} row(s)"
        )
    kl, kl_code, unknown = parse_kl_grades(frame[kl_column], file=path.name, name=kl_column)
    for code, count in unknown.items():
        report.unknown_kl_codes[(path.name, kl_column, code)] += count
    barcode = (
        normalise_barcodes(frame[barcode_column])
        if barcode_column in frame.columns
        else pd.Series("", index=frame.index)
    )
    return pd.DataFrame(
        {
            "participant_id": ids,
            "side": side.value.map(SIDES),
            "visit": f"V{visit}",
            "visit_month": OAI_VISIT_MONTHS[visit],
            "kl": kl,
            "kl_code": kl_code,
            "reading_project": _project_codes(frame["READPRJ"]),
            "barcode": barcode,
            "source_file": path.name,
        },
        columns=list(READING_COLUMNS),
    )


def _project_codes(column: pd.Series) -> pd.Series:
    """``READPRJ`` cells as plain project codes (``"15"``, ``"37"``; ``"15.0"`` and ``"15: ..."`` too)."""
    positions, uniques = pd.factorize(column.astype(str))
    cleaned = np.array(
        [re.sub(r"\.0$", "", u.split(":")[0].strip()) for u in uniques], dtype=object
    )
    return pd.Series(cleaned[positions], index=column.index, dtype=object)


def read_oai_outcomes(path: Path, report: ReadReport | None = None) -> pd.DataFrame:
    """Read confirmed knee replacements from ``Outcomes99`` (one row per replaced knee).

    Undocumented codes are read as missing and counted in ``report`` (see
    :func:`oa_tasks.codes.tolerant_coded_column`).

    Raises:
        SchemaError: the ID column or a side's ``KRPCF``/``KDAYS`` column is missing.
        CodeError: a cell is neither a number, a coded answer nor a missing code.
    """
    report = report if report is not None else ReadReport()
    frame = read_table(path, id_column="ID")
    require_columns(frame, ["ID"], path)
    ids = frame["ID"].astype(str).str.strip()
    rows = []
    for side in ("R", "L"):
        prefix = f"V99E{side}K"
        require_columns(frame, [f"{prefix}RPCF", f"{prefix}DAYS"], path)

        def coded(suffix: str, allowed: Iterable[float], prefix: str = prefix) -> pd.Series:
            return tolerant_coded_column(
                frame,
                prefix + suffix,
                file=path.name,
                allowed=allowed,
                part="outcomes",
                report=report,
            )

        status = coded("RPCF", (0, 1, 2, 3))
        confirmed = status.eq(CONFIRMED_REPLACEMENT).to_numpy()
        days = coded_column(frame, f"{prefix}DAYS", file=path.name)
        last_visit = coded("VSPR", range(12))
        kind = coded("TLPR", (1, 2)).map({1.0: "total", 2.0: "partial"})
        on_baseline = coded("BLRP", (0, 1)).eq(1)
        last_month = last_visit.map(
            lambda v: OAI_VISIT_MONTHS.get(f"{int(v):02d}") if v == v else None
        )
        rows.append(
            pd.DataFrame(
                {
                    "participant_id": ids,
                    "side": side,
                    "kind": kind.fillna(""),
                    "days_from_baseline": days.round().astype("Int64"),
                    "last_visit_month_before": pd.array(last_month, dtype="Int64"),
                    "first_visit_month_after": pd.array([None] * len(ids), dtype="Int64"),
                    "at_baseline": on_baseline.to_numpy() | (days <= 0).to_numpy(),
                }
            )[confirmed]
        )
    out = pd.concat(rows, ignore_index=True)
    return out[list(REPLACEMENT_COLUMNS)]


def _read_demographics(root: Path, report: ReadReport) -> pd.DataFrame:
    tables: dict[Path, pd.DataFrame] = {}
    for pattern in DEMOGRAPHIC_PATTERNS:
        for path in find_files(root, pattern).values():
            tables[path] = read_table(path, id_column="ID")
            report.files.append(path.name)
    if not tables:
        report.warn("no OAI demographic file (Enrollees, AllClinical00) found")
        return empty_frame(DEMOGRAPHIC_COLUMNS)
    return parse_demographics(tables, OAI_DEMOGRAPHICS, report)
