"""The tidy tables a cohort reader produces, and the report of what it found along the way.

``readings`` (one row per knee, visit and reading project before duplicate resolution; one row per knee and
visit after it):

=================  ==========  ==========================================================================
column             dtype       meaning
=================  ==========  ==========================================================================
participant_id     str         the cohort's ID, verbatim (OAI ``ID``, MOST ``MOSTID``)
side               str         ``"R"`` or ``"L"``
visit              str         ``"V00"`` ... (OAI), ``"V0"`` ... (MOST)
visit_month        int64       months from baseline
kl                 Int64       Kellgren-Lawrence grade 0-4, <NA> when not graded
kl_code            str         ``""`` when graded, else the missing code (``"."``, ``".A"``, ``".T"``,
                               ``".P"`` prosthesis, ``"unknown"`` for a non-grade code)
reading_project    str         OAI ``READPRJ`` (``""`` for MOST)
barcode            str         OAI ``V{vv}BARCDBU`` (``""`` when absent)
source_file        str         the file the row came from
=================  ==========  ==========================================================================

``replacements`` (one row per knee with a confirmed replacement): ``participant_id, side, kind``
(``"total"``, ``"partial"`` or ``""``), ``days_from_baseline`` (Int64), ``last_visit_month_before`` (Int64,
the last visit before the replacement), ``first_visit_month_after`` (Int64, the first visit at which it was
recorded), ``at_baseline`` (bool).

``deaths`` (MOST): ``participant_id, first_visit_month_after`` (death before the visit at that month).

``demographics``: ``participant_id, sex ("male"|"female"), ethnicity, age, height_m, weight_kg, bmi``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

READING_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "side",
    "visit",
    "visit_month",
    "kl",
    "kl_code",
    "reading_project",
    "barcode",
    "source_file",
)
REPLACEMENT_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "side",
    "kind",
    "days_from_baseline",
    "last_visit_month_before",
    "first_visit_month_after",
    "at_baseline",
)
DEATH_COLUMNS: tuple[str, ...] = ("participant_id", "first_visit_month_after")
DEMOGRAPHIC_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "sex",
    "ethnicity",
    "age",
    "height_m",
    "weight_kg",
    "bmi",
)


@dataclass
class ReadReport:
    """What the readers noticed: files read, non-grade KL codes, duplicate and conflicting readings.

    Attributes:
        files: every file read, in order.
        unknown_kl_codes: ``(file, column, code) -> count`` of KL values outside 0-4, set to missing.
        duplicate_readings: knee-visits read by more than one reading project (or twice by one).
        conflicts: one row per knee-visit whose graded duplicates disagree:
            ``participant_id, side, visit, kl_values, reading_projects, chosen_project, chosen_kl``.
        notes: other remarks (a SAS file whose ``.P`` codes are unreadable, ...).
    """

    files: list[str] = field(default_factory=list)
    unknown_kl_codes: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    duplicate_readings: int = 0
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """Human-readable lines for a CLI (no participant-level data)."""
        lines = [f"read {len(self.files)} file(s)"]
        if self.unknown_kl_codes:
            by_code: Counter[tuple[str, str]] = Counter()
            for (file, _column, code), n in self.unknown_kl_codes.items():
                by_code[(file, code)] += n
            detail = ", ".join(
                f"{code} x{n} in {file}" for (file, code), n in sorted(by_code.items())
            )
            total = sum(by_code.values())
            lines.append(f"non-grade KL codes treated as missing: {total} ({detail})")
        if self.duplicate_readings:
            lines.append(
                f"knee-visits with several readings: {self.duplicate_readings}; "
                f"conflicting grades: {len(self.conflicts)}"
            )
        lines.extend(self.notes)
        return lines


@dataclass
class CohortData:
    """Everything the label builders and cohort tables need from one cohort.

    Attributes:
        cohort: ``"oai"`` or ``"most"``.
        readings: one resolved reading per knee and visit (see the module docstring).
        replacements: confirmed knee replacements.
        deaths: deaths with the first visit they precede (empty when the cohort has none recorded).
        demographics: one row per participant (empty when no demographics file was found).
        report: what the readers noticed.
    """

    cohort: str
    readings: pd.DataFrame
    replacements: pd.DataFrame
    deaths: pd.DataFrame
    demographics: pd.DataFrame
    report: ReadReport

    @property
    def visit_months(self) -> list[int]:
        """Sorted months of the visits that have readings."""
        return sorted(int(m) for m in self.readings["visit_month"].unique())


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    """An empty DataFrame with the given columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
