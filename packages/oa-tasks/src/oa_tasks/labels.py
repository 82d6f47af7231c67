"""The paper's labels: KL grade, 4-year structural incidence and 4-year structural progression.

Definitions (``H`` is the horizon visit, matched to ``horizon_months`` by :mod:`oa_tasks.visits`; "within
the horizon" means at a follow-up visit up to and including ``H``, or a replacement before
``H`` months, i.e. ``days_from_baseline <= H * 365.25 / 12``):

- ``kl``: the KL grade of a knee at the baseline visit (or, with ``kl_visits="all"``, at every visit as a
  separate row).
- ``incidence``: knees with baseline KL 0-1. Label 1 if KL >= 2 at a follow-up visit within the horizon, a
  ``.P`` (prosthesis) code at such a visit, or a confirmed knee replacement within the horizon; label 0 if
  KL is graded at ``H`` and none of these happened. KL 0 -> 1 is not incidence.
- ``progression``: knees with baseline KL 2. Label 1 if KL > 2 at a follow-up visit within the horizon, a
  ``.P`` code, or a confirmed replacement within the horizon; label 0 as above. A KL that falls back
  (2 -> 1) is not progression.

Every other knee is excluded with one reason (checked in this order):

=====================================  ===================================================================
reason                                 meaning
=====================================  ===================================================================
``baseline_replacement``               replaced before or at baseline (``.P`` at baseline or Outcomes)
``missing_baseline_kl``                no graded KL at baseline (no reading, a missing or non-grade code)
``baseline_kl_not_eligible``           baseline KL outside the task's range (incidence 0-1, progression 2)
(event)                                label 1, whatever follows
``partial_replacement_within_horizon`` a partial replacement within the horizon, when partial replacements
                                       do not count as events (default; the paper counts total ones)
``died_before_horizon``                death recorded before ``H`` without an event (MOST)
``replacement_timing_unknown``         a replacement whose timing cannot be placed before or after ``H``
``censored_before_horizon``            no graded KL at ``H`` and no event: lost, missed or not read
=====================================  ===================================================================

For ``kl``: ``prosthesis`` (``.P``), ``non_grade_kl_code`` (e.g. MOST's 8/9) and ``missing_kl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from oa_tasks.codes import PROSTHESIS_CODE
from oa_tasks.cohort_data import CohortData
from oa_tasks.errors import LabelDefinitionError
from oa_tasks.splits import split_of_rows
from oa_tasks.visits import DEFAULT_HORIZON_RULE, HorizonRule, match_horizon_visit

TASKS: tuple[str, ...] = ("kl", "incidence", "progression")
PROGNOSIS_TASKS: tuple[str, ...] = ("incidence", "progression")
DAYS_PER_MONTH = 365.25 / 12
KNEE_KEY = ["participant_id", "side"]

EXCLUSION_REASONS: dict[str, str] = {
    "baseline_replacement": "replaced before or at baseline",
    "missing_baseline_kl": "no graded KL at baseline",
    "baseline_kl_not_eligible": "baseline KL outside the task's range",
    "partial_replacement_within_horizon": "partial replacement within the horizon (not counted)",
    "died_before_horizon": "death before the horizon visit without an event",
    "replacement_timing_unknown": "replacement that cannot be placed before or after the horizon",
    "censored_before_horizon": "no graded KL at the horizon visit and no event",
    "prosthesis": "prosthesis at that visit (.P)",
    "non_grade_kl_code": "a KL code outside 0-4",
    "missing_kl": "no graded KL at that visit",
}
ELIGIBLE_BASELINE_KL: dict[str, tuple[int, ...]] = {"incidence": (0, 1), "progression": (2,)}


@dataclass(frozen=True)
class LabelConfig:
    """How labels are built.

    Attributes:
        horizon_months: prediction horizon (the paper: 48).
        horizon_rule: how the horizon is matched to a visit; ``None`` = the cohort's default
            (OAI exact, MOST nearest).
        count_partial_replacement: whether a partial knee replacement is an event (default: only total
            replacements are, as in the paper; partial ones within the horizon exclude the knee).
        kl_visits: ``"baseline"`` for one KL row per knee, ``"all"`` for one row per knee and visit.
    """

    horizon_months: int = 48
    horizon_rule: HorizonRule | None = None
    count_partial_replacement: bool = False
    kl_visits: Literal["baseline", "all"] = "baseline"

    def __post_init__(self) -> None:
        if self.horizon_months <= 0:
            raise LabelDefinitionError(
                f"horizon_months must be positive, got {self.horizon_months}"
            )
        if self.kl_visits not in ("baseline", "all"):
            raise LabelDefinitionError(
                f"kl_visits must be 'baseline' or 'all', got {self.kl_visits!r}"
            )


@dataclass
class LabelSet:
    """Included knees with their labels, and excluded knees with their reasons.

    Attributes:
        task: ``"kl"``, ``"incidence"`` or ``"progression"``.
        labels: one row per included knee (per knee and visit for ``kl_visits="all"``).
        exclusions: ``participant_id, side, task, reason, baseline_kl, visit_month`` per excluded knee.
        horizon_visit_month: the month of the matched horizon visit (``None`` for ``kl``).
    """

    task: str
    labels: pd.DataFrame
    exclusions: pd.DataFrame
    horizon_visit_month: int | None = None

    def exclusion_report(self) -> pd.DataFrame:
        """Count excluded knees per reason: ``reason, description, n_knees``."""
        counts = self.exclusions["reason"].value_counts()
        return pd.DataFrame(
            {
                "reason": counts.index.astype(str),
                "description": [EXCLUSION_REASONS[r] for r in counts.index],
                "n_knees": counts.to_numpy(),
            }
        )


def build_labels(
    data: CohortData,
    task: str,
    config: LabelConfig | None = None,
    *,
    splits: pd.DataFrame | None = None,
) -> LabelSet:
    """Build one task's labels from a cohort's tidy tables.

    Args:
        data: output of :func:`oa_tasks.read_oai` or :func:`oa_tasks.read_most`.
        task: ``"kl"``, ``"incidence"`` or ``"progression"``.
        config: horizon and rule options.
        splits: the cohort's split table (:func:`oa_tasks.cohort_splits`); every label row gets its
            participant's ``split``. Without it the labels have no ``split`` column (assign one with
            :func:`oa_tasks.assign_splits`, the 0.1 behaviour).

    Raises:
        LabelDefinitionError: unknown task, no visit matches the horizon, or label participants absent
            from ``splits``.
        CodeError: a column this task needs held undocumented codes (see
            :attr:`oa_tasks.ReadReport.unknown_codes`).
    """
    config = config or LabelConfig()
    if task not in TASKS:
        raise LabelDefinitionError(f"unknown task {task!r}; expected one of {TASKS}")
    data.report.require_known_codes(task)
    result = _kl_labels(data, config) if task == "kl" else _prognosis_labels(data, task, config)
    if splits is not None:
        result.labels["split"] = split_of_rows(result.labels, splits, data.cohort).to_numpy()
    return result


def _kl_labels(data: CohortData, config: LabelConfig) -> LabelSet:
    readings = data.readings
    baseline = readings[readings["visit_month"] == 0].set_index(KNEE_KEY)["kl"]
    rows = readings if config.kl_visits == "all" else _baseline_rows(readings)
    rows = rows.assign(
        task="kl",
        baseline_kl=baseline.reindex(pd.MultiIndex.from_frame(rows[KNEE_KEY])).to_numpy(),
        baseline_visit_month=0,
        cohort=data.cohort,
    )
    graded = rows["kl"].notna()
    labels = rows[graded].assign(label=rows.loc[graded, "kl"].astype("int64"))
    excluded = rows[~graded]
    reason = np.select(
        [excluded["kl_code"].eq(PROSTHESIS_CODE), excluded["kl_code"].eq("unknown")],
        ["prosthesis", "non_grade_kl_code"],
        default="missing_kl",
    )
    exclusions = _exclusion_frame(excluded, "kl", reason)
    columns = [
        *KNEE_KEY,
        "task",
        "label",
        "baseline_kl",
        "baseline_visit_month",
        "visit_month",
        "visit",
        "barcode",
        "cohort",
    ]
    labels = labels[columns].astype({"baseline_kl": "Int64"}).reset_index(drop=True)
    return LabelSet("kl", labels, exclusions)


def _baseline_rows(readings: pd.DataFrame) -> pd.DataFrame:
    """Baseline readings, plus an empty row for knees read only at follow-up (excluded as missing)."""
    baseline = readings[readings["visit_month"] == 0]
    knees = readings[KNEE_KEY].drop_duplicates()
    absent = knees.merge(baseline[KNEE_KEY], how="left", indicator=True)
    absent = absent[absent["_merge"] == "left_only"].drop(columns="_merge")
    filler = absent.assign(visit_month=0, kl=pd.NA, kl_code=".", barcode="", visit="")
    return pd.concat([baseline, filler], ignore_index=True).astype({"kl": "Int64"})


def _prognosis_labels(data: CohortData, task: str, config: LabelConfig) -> LabelSet:
    rule = config.horizon_rule or DEFAULT_HORIZON_RULE[data.cohort]
    horizon = match_horizon_visit(config.horizon_months, data.visit_months, rule)
    knees = _knee_matrix(data, horizon)
    baseline_kl = knees["baseline_kl"]
    follow_kl, follow_p, months = knees["follow_kl"], knees["follow_p"], knees["follow_months"]
    kl_hit = follow_kl >= 2 if task == "incidence" else follow_kl > baseline_kl[:, None]
    repl = _replacement_status(knees["replacements"], horizon, knees["observed_at_h"])
    partial_blocked = repl["partial"] & (not config.count_partial_replacement)
    p_hit = follow_p & ~partial_blocked[:, None]
    repl_event = repl["within"] & ~partial_blocked

    kl_month = _first_month(kl_hit, months)
    p_month = _first_month(p_hit, months)
    repl_month = np.where(repl_event, repl["month"], np.nan)
    event_month = np.fmin(np.fmin(kl_month, p_month), repl_month)
    event = ~np.isnan(event_month) | repl_event

    eligible = np.isin(baseline_kl, ELIGIBLE_BASELINE_KL[task])
    conditions = [
        knees["baseline_p"] | repl["at_baseline"],
        np.isnan(baseline_kl),
        ~eligible,
        event,
        repl["within"] & partial_blocked,
        knees["observed_at_h"],
        knees["died_before_h"],
        repl["timing_unknown"],
    ]
    outcomes = [
        "baseline_replacement",
        "missing_baseline_kl",
        "baseline_kl_not_eligible",
        "event",
        "partial_replacement_within_horizon",
        "no_event",
        "died_before_horizon",
        "replacement_timing_unknown",
    ]
    outcome = np.select(conditions, outcomes, default="censored_before_horizon")
    frame = knees["index"].assign(
        task=task,
        baseline_kl=pd.array(np.where(np.isnan(baseline_kl), None, baseline_kl), dtype="Int64"),
        baseline_visit_month=0,
        visit_month=horizon,
        cohort=data.cohort,
        barcode=knees["baseline_barcode"],
    )
    included = np.isin(outcome, ["event", "no_event"])
    source = _event_sources(kl_month, p_month, repl_month)
    labels = frame[included].assign(
        label=(outcome[included] == "event").astype("int64"),
        horizon_months=config.horizon_months,
        horizon_visit_month=horizon,
        event_source=source[included],
        event_month=pd.array(
            np.where(np.isnan(event_month), None, event_month)[included], dtype="Int64"
        ),
    )
    columns = [
        *KNEE_KEY,
        "task",
        "label",
        "baseline_kl",
        "baseline_visit_month",
        "horizon_months",
        "horizon_visit_month",
        "event_source",
        "event_month",
        "barcode",
        "cohort",
    ]
    exclusions = _exclusion_frame(frame[~included], task, outcome[~included])
    return LabelSet(task, labels[columns].reset_index(drop=True), exclusions, horizon)


def _knee_matrix(data: CohortData, horizon: int) -> dict[str, object]:
    """Per-knee arrays: baseline KL, follow-up KL/.P up to the horizon, replacement and death rows."""
    readings = data.readings
    index = pd.concat([readings[KNEE_KEY], data.replacements[KNEE_KEY]]).drop_duplicates()
    index = index.sort_values(KNEE_KEY, kind="stable").reset_index(drop=True)
    multi = pd.MultiIndex.from_frame(index)
    wide_kl = readings.pivot(index=KNEE_KEY, columns="visit_month", values="kl").reindex(multi)
    wide_code = readings.pivot(index=KNEE_KEY, columns="visit_month", values="kl_code").reindex(
        multi
    )
    wide_barcode = readings.pivot(index=KNEE_KEY, columns="visit_month", values="barcode").reindex(
        multi
    )
    months = np.array([m for m in wide_kl.columns if 0 < m <= horizon], dtype=float)

    def kl_at(month: int) -> np.ndarray:
        if month not in wide_kl.columns:
            return np.full(len(index), np.nan)
        return wide_kl[month].to_numpy(dtype="float64", na_value=np.nan)

    def code_at(month: int) -> np.ndarray:
        if month not in wide_code.columns:
            return np.full(len(index), "", dtype=object)
        return wide_code[month].fillna("").to_numpy(dtype=object)

    follow_kl = wide_kl[list(months.astype(int))].to_numpy(dtype="float64", na_value=np.nan)
    follow_p = wide_code[list(months.astype(int))].eq(PROSTHESIS_CODE).to_numpy()
    died = np.zeros(len(index), dtype=bool)
    if len(data.deaths):
        death_month = data.deaths.set_index("participant_id")["first_visit_month_after"]
        months_of_death = death_month.reindex(index["participant_id"]).to_numpy(
            dtype="float64", na_value=np.nan
        )
        died = months_of_death <= horizon
    baseline_barcode = (
        wide_barcode[0].fillna("").to_numpy(dtype=object)
        if 0 in wide_barcode.columns
        else np.full(len(index), "", dtype=object)
    )
    return {
        "index": index,
        "baseline_kl": kl_at(0),
        "baseline_p": code_at(0) == PROSTHESIS_CODE,
        "baseline_barcode": baseline_barcode,
        "follow_kl": follow_kl,
        "follow_p": follow_p,
        "follow_months": months,
        "observed_at_h": ~np.isnan(kl_at(horizon)),
        "died_before_h": died,
        "replacements": data.replacements.drop_duplicates(KNEE_KEY)
        .set_index(KNEE_KEY)
        .reindex(multi),
    }


def _replacement_status(
    repl: pd.DataFrame, horizon: int, observed_at_h: np.ndarray
) -> dict[str, np.ndarray]:
    """Place each knee's confirmed replacement relative to the horizon visit at ``horizon`` months.

    - ``within``: ``days_from_baseline <= horizon * 365.25 / 12`` when days are known (OAI), else
      ``first_visit_month_after <= horizon`` when the recording visit is known (MOST).
    - decided after the horizon: no days, no recording visit, but the last visit before the replacement is
      at or after the horizon visit.
    - ``timing_unknown``: none of the above, unless the horizon X-ray shows a graded (native) knee, which
      places the replacement after the horizon visit.
    - ``month``: months from baseline of the replacement (days / 30.44, rounded up) or its recording visit.
    """
    present = repl["kind"].notna().to_numpy()
    days = repl["days_from_baseline"].to_numpy(dtype="float64", na_value=np.nan)
    after_visit = repl["first_visit_month_after"].to_numpy(dtype="float64", na_value=np.nan)
    before_visit = repl["last_visit_month_before"].to_numpy(dtype="float64", na_value=np.nan)
    horizon_days = horizon * DAYS_PER_MONTH
    by_days = ~np.isnan(days)
    by_after = ~by_days & ~np.isnan(after_visit)
    decided_after = ~by_days & ~by_after & (before_visit >= horizon)
    within = present & ((by_days & (days <= horizon_days)) | (by_after & (after_visit <= horizon)))
    undecided = present & ~by_days & ~by_after & ~decided_after & ~observed_at_h
    month = np.where(by_days, np.ceil(days / DAYS_PER_MONTH), after_visit)
    return {
        "within": within,
        "timing_unknown": undecided,
        "partial": present & (repl["kind"].to_numpy(dtype=object) == "partial"),
        "at_baseline": present & repl["at_baseline"].fillna(False).to_numpy(dtype=bool),
        "month": month,
    }


def _first_month(hits: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Month of the first ``True`` per row of ``hits`` ``[n_knees, n_visits]``; NaN when none."""
    if hits.shape[1] == 0:
        return np.full(hits.shape[0], np.nan)
    first = hits.argmax(axis=1)
    return np.where(hits.any(axis=1), months[first], np.nan)


def _event_sources(kl_month: np.ndarray, p_month: np.ndarray, repl_month: np.ndarray) -> np.ndarray:
    """``"kl"``, ``"prosthesis_code"``, ``"replacement"`` or a ``+``-joined list, ``""`` without event."""
    parts = [
        np.where(~np.isnan(kl_month), "kl", ""),
        np.where(~np.isnan(p_month), "prosthesis_code", ""),
        np.where(~np.isnan(repl_month), "replacement", ""),
    ]
    joined = ["+".join(p for p in triple if p) for triple in zip(*parts, strict=True)]
    return np.array(joined, dtype=object)


def _exclusion_frame(rows: pd.DataFrame, task: str, reasons: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": rows["participant_id"].to_numpy(),
            "side": rows["side"].to_numpy(),
            "task": task,
            "reason": np.asarray(reasons, dtype=object),
            "baseline_kl": pd.array(rows["baseline_kl"].to_numpy(), dtype="Int64"),
            "visit_month": rows["visit_month"].to_numpy(dtype="int64"),
        }
    )
