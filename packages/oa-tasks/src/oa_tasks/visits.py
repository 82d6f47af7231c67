"""Visit codes, visit months and the rule that picks the horizon visit.

OAI visits are two-digit codes (``V00`` baseline, ``V06`` 48 months, ...); MOST visits are one digit
(``V0`` baseline, ``V3`` 60 months). MOST has no 48-month visit, so a horizon in months is matched to a visit
by a :class:`HorizonRule`. Defaults: OAI ``exact`` (48 -> V06), MOST ``nearest`` (48 -> V3 at 60 months,
12 months away, rather than V2 at 30 months, 18 months away; ties go to the later visit).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from oa_tasks.errors import LabelDefinitionError

#: OAI visit code -> months from baseline.
OAI_VISIT_MONTHS: dict[str, int] = {
    "00": 0,
    "01": 12,
    "02": 18,
    "03": 24,
    "04": 30,
    "05": 36,
    "06": 48,
    "07": 60,
    "08": 72,
    "09": 84,
    "10": 96,
    "11": 108,
}
#: OAI visits with central (BU) KL readings.
OAI_XRAY_VISITS: tuple[str, ...] = ("00", "01", "03", "05", "06", "08", "10")

#: MOST visit index -> months from baseline (V4, 72 months, has no X-ray reading).
MOST_VISIT_MONTHS: dict[str, int] = {"0": 0, "1": 15, "2": 30, "3": 60, "4": 72, "5": 84}
#: MOST visits with KL readings in MOSTV01235XRAY.
MOST_XRAY_VISITS: tuple[str, ...] = ("0", "1", "2", "3", "5")

COHORTS: tuple[str, ...] = ("oai", "most")


class HorizonRule(StrEnum):
    """How a horizon in months is matched to a visit with X-ray readings."""

    EXACT = "exact"
    """The visit whose month equals the horizon; an error when there is none."""
    NEAREST = "nearest"
    """The visit closest to the horizon; ties go to the later visit."""
    FIRST_AT_OR_AFTER = "first-at-or-after"
    """The earliest visit at or after the horizon."""
    LAST_AT_OR_BEFORE = "last-at-or-before"
    """The latest visit at or before the horizon."""


DEFAULT_HORIZON_RULE: dict[str, HorizonRule] = {
    "oai": HorizonRule.EXACT,
    "most": HorizonRule.NEAREST,
}


def visit_months(cohort: str) -> dict[str, int]:
    """Return the visit code -> month table of a cohort."""
    if cohort == "oai":
        return OAI_VISIT_MONTHS
    if cohort == "most":
        return MOST_VISIT_MONTHS
    raise LabelDefinitionError(f"unknown cohort {cohort!r}; expected one of {COHORTS}")


def match_horizon_visit(
    horizon_months: int, available_months: Iterable[int], rule: HorizonRule
) -> int:
    """Return the month of the follow-up visit that stands for the horizon.

    Args:
        horizon_months: the prediction horizon (48 for the paper's 4-year labels).
        available_months: months of the visits that have KL readings.
        rule: the matching rule.

    Raises:
        LabelDefinitionError: no follow-up visit satisfies the rule.
    """
    months = sorted({int(m) for m in available_months if int(m) > 0})
    if horizon_months <= 0:
        raise LabelDefinitionError(
            f"the horizon must be a positive number of months, got {horizon_months}"
        )
    chosen: int | None = None
    if rule is HorizonRule.EXACT:
        chosen = horizon_months if horizon_months in months else None
    elif rule is HorizonRule.NEAREST and months:
        chosen = min(months, key=lambda m: (abs(m - horizon_months), -m))
    elif rule is HorizonRule.FIRST_AT_OR_AFTER:
        chosen = next((m for m in months if m >= horizon_months), None)
    elif rule is HorizonRule.LAST_AT_OR_BEFORE:
        chosen = next((m for m in reversed(months) if m <= horizon_months), None)
    if chosen is None:
        raise LabelDefinitionError(
            f"no follow-up visit with KL readings matches a {horizon_months}-month horizon under the "
            f"'{rule.value}' rule; follow-up visits present (months): {months}. Add the visit's KL file "
            "or choose another --horizon-rule."
        )
    return chosen
