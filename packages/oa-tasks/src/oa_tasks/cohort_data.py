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

import logging
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from oa_tasks.errors import CodeError

logger = logging.getLogger("oa_tasks")

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


#: The parts of a cohort (besides KL readings and sides, always strict) that each task needs: an undocumented
#: code in a column of a needed part is an error when the labels are built, elsewhere a counted warning.
PARTS_NEEDED_BY_TASK: dict[str, tuple[str, ...]] = {
    "kl": (),
    "incidence": ("outcomes",),
    "progression": ("outcomes",),
}


@dataclass
class ReadReport:
    """What the readers noticed: files read, non-grade KL codes, duplicate and conflicting readings.

    Attributes:
        files: every file read, in order.
        unknown_kl_codes: ``(file, column, code) -> count`` of KL values outside 0-4, set to missing.
        duplicate_readings: knee-visits read by more than one reading project (or twice by one).
        conflicts: one row per knee-visit whose graded duplicates disagree:
            ``participant_id, side, visit, kl_values, reading_projects, chosen_project, chosen_kl``.
        unknown_codes: ``(part, file, column, code) -> count`` of values outside a column's documented
            code list, read as missing; ``part`` is ``"outcomes"`` or ``"demographics"``.
            :meth:`require_known_codes` turns those of a part a task needs into an error.
        notes: other remarks (a cohort read from SAS, an absent demographic column, ...), each also logged
            as a warning by the reader.
    """

    files: list[str] = field(default_factory=list)
    unknown_kl_codes: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    duplicate_readings: int = 0
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    unknown_codes: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Log ``message`` as a warning and keep it in :attr:`notes` (shown by :meth:`summary_lines`)."""
        logger.warning(message)
        self.notes.append(message)

    def count_unknown_codes(
        self, part: str, file: str, column: str, counts: dict[str, int], allowed: list[float]
    ) -> None:
        """Record undocumented codes read as missing, and warn naming the file, column and counts."""
        if not counts:
            return
        for code, n in counts.items():
            self.unknown_codes[(part, file, column, code)] += n
        tasks = [t for t, parts in PARTS_NEEDED_BY_TASK.items() if part in parts]
        consequence = (
            f"the {' and '.join(tasks)} labels refuse them" if tasks else "no label needs them"
        )
        logger.warning(
            "%s: column %s holds %d value(s) outside the documented codes %s (%s); read as missing, "
            "%s",
            file,
            column,
            sum(counts.values()),
            [int(a) if float(a).is_integer() else a for a in allowed],
            ", ".join(f"{code} x{n}" for code, n in sorted(counts.items())),
            consequence,
        )

    def require_known_codes(self, task: str) -> None:
        """Raise :class:`CodeError` if a column that ``task`` needs held undocumented codes.

        Raises:
            CodeError: naming the file, the column, the codes and their counts.
        """
        needed = PARTS_NEEDED_BY_TASK.get(task, ())
        bad = {key: n for key, n in self.unknown_codes.items() if key[0] in needed}
        if bad:
            detail = "; ".join(
                f"{file}: column {column} = {code} ({n} row(s))"
                for (_part, file, column, code), n in sorted(bad.items())
            )
            raise CodeError(
                f"the {task} labels need columns that hold undocumented codes: {detail}. Correct the "
                "file or report the code so it can be documented."
            )

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
        if self.unknown_codes:
            detail = ", ".join(
                f"{column}={code} x{n} in {file}"
                for (_part, file, column, code), n in sorted(self.unknown_codes.items())
            )
            lines.append(
                f"undocumented codes read as missing: {sum(self.unknown_codes.values())} ({detail}); "
                "incidence/progression labels refuse undocumented outcome codes"
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
