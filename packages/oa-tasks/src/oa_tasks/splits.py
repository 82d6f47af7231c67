"""Participant-level train/validation/test splits, stratified by label.

A participant's knees always land in the same split. Stratification is by the participant's stratum, the
largest label among their knees (for binary tasks: "has a positive knee"; for KL: the worst knee). Within
each stratum, participants are shuffled by a generator seeded with ``seed`` and cut into the requested
fractions by the largest-remainder rule (ties broken at random by the same generator), so every split gets
its share of every stratum within one participant. The result depends only on ``(labels, fractions, seed)``.

External validation: :func:`external_test_split` puts a whole cohort in ``test``.

**One split per cohort.** :func:`cohort_splits` draws ONE participant-level assignment per cohort, shared by
every task (``build_labels(..., splits=...)``), so no participant is in two splits of any task and the
pretraining corpus can be filtered with :func:`exclusion_list` (every val/test participant). Its strata are
the participant's worst baseline KL (``unknown`` when no knee is graded at baseline) crossed with their
prognostic status (``event`` when a knee is positive for incidence or progression, ``no_event`` when a knee
is labelled and none is positive, ``undefined`` otherwise). Participants are shuffled within each stratum
(seeded), the strata are laid end to end, and each participant in turn goes to the split furthest below its
share (``(i + 1) * share - count``, ties to the earlier split), so every split is within one participant of
its share overall and within two of its share of every stratum, however small the strata.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.cohort_data import CohortData
from oa_tasks.errors import CohortFileNotFoundError, LabelDefinitionError, SchemaError

DEFAULT_FRACTIONS: tuple[float, float, float] = (0.7, 0.1, 0.2)
SPLIT_NAMES: tuple[str, str, str] = ("train", "val", "test")
#: Columns of a cohort split table (:func:`cohort_splits`) and of a splits CSV.
SPLIT_COLUMNS: tuple[str, str, str] = ("participant_id", "split", "cohort")
#: Columns of the pretraining exclusion list (:func:`exclusion_list`).
EXCLUSION_LIST_COLUMNS: tuple[str, str, str] = ("cohort", "participant_id", "split")
#: Splits whose participants must never be seen in pretraining.
HELD_OUT_SPLITS: tuple[str, str] = ("val", "test")


def assign_splits(
    labels: pd.DataFrame,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    *,
    label_col: str = "label",
    group_col: str = "participant_id",
    names: Sequence[str] = SPLIT_NAMES,
) -> pd.Series:
    """Assign every row of ``labels`` to a split, whole participants at a time.

    Args:
        labels: one row per knee (or knee-visit); needs ``label_col`` and ``group_col``.
        fractions: share of participants per split, summing to 1.
        seed: the random seed; the same seed gives the same assignment.
        label_col: the label column used for stratification.
        group_col: the participant column.
        names: split names, one per fraction.

    Returns:
        A string Series aligned with ``labels.index``.

    Raises:
        LabelDefinitionError: fractions that are negative, do not sum to 1, or do not match ``names``.
    """
    shares = _check_fractions(fractions, names)
    if labels.empty:
        return pd.Series([], index=labels.index, dtype=object)
    strata = labels.groupby(labels[group_col].astype(str), sort=True)[label_col].max()
    rng = np.random.default_rng(seed)
    assignment: dict[str, str] = {}
    for _, members in strata.groupby(strata, sort=True):
        participants = rng.permutation(members.index.to_numpy())
        counts = _largest_remainder(len(participants), shares, rng)
        bounds = np.concatenate([[0], np.cumsum(counts)])
        for name, start, stop in zip(names, bounds[:-1], bounds[1:], strict=True):
            assignment.update(dict.fromkeys(participants[start:stop], name))
    return labels[group_col].astype(str).map(assignment).rename("split")


def external_test_split(labels: pd.DataFrame, name: str = "test") -> pd.Series:
    """External-validation mode: every row of a cohort is in ``name`` (``"test"``)."""
    return pd.Series(name, index=labels.index, dtype=object, name="split")


def participant_splits(
    strata: pd.Series,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    *,
    names: Sequence[str] = SPLIT_NAMES,
) -> pd.Series:
    """Assign participants to splits, stratified, by the running-deficit rule of the module docstring.

    Args:
        strata: one stratum label per participant, indexed by participant ID (unique).
        fractions: share of participants per split, summing to 1.
        seed: the random seed (shuffles participants within each stratum).
        names: split names, one per fraction.

    Returns:
        The split name per participant, indexed like ``strata``.
    """
    shares = _check_fractions(fractions, names)
    rng = np.random.default_rng(seed)
    ordered: list[np.ndarray] = []
    for _, members in strata.groupby(strata.astype(str), sort=True):
        ordered.append(rng.permutation(np.sort(members.index.to_numpy(dtype=object))))
    people = np.concatenate(ordered) if ordered else np.array([], dtype=object)
    counts = np.zeros(len(shares))
    chosen = np.empty(len(people), dtype=object)
    for i in range(len(people)):
        k = int(np.argmax((i + 1) * shares - counts))
        counts[k] += 1
        chosen[i] = names[k]
    return pd.Series(chosen, index=people, dtype=object, name="split").reindex(strata.index)


def cohort_splits(
    data: CohortData,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    external_test: bool = False,
) -> pd.DataFrame:
    """One participant-level train/val/test assignment for a whole cohort, shared by every task.

    Args:
        data: a cohort read by :func:`oa_tasks.read_cohort`.
        fractions: share of participants per split (train, val, test), summing to 1.
        seed: the random seed; the same seed and cohort give the same assignment.
        external_test: external-validation mode (MOST): every participant goes to ``test``.

    Returns:
        ``participant_id`` (str), ``split`` (``"train"|"val"|"test"``), ``cohort``: one row per participant
        seen in the readings, replacements or demographics, sorted by participant.

    Raises:
        LabelDefinitionError: invalid fractions.
    """
    _check_fractions(fractions, SPLIT_NAMES)
    ids = pd.concat(
        [
            data.readings["participant_id"],
            data.replacements["participant_id"],
            data.demographics["participant_id"] if len(data.demographics) else pd.Series(dtype=str),
        ]
    )
    people = pd.Index(sorted(set(ids.astype(str))), name="participant_id")
    if external_test:
        split = pd.Series("test", index=people, dtype=object)
    else:
        split = participant_splits(participant_strata(data).reindex(people), fractions, seed)
    return pd.DataFrame(
        {"participant_id": people.to_numpy(), "split": split.to_numpy(), "cohort": data.cohort}
    )


def participant_strata(data: CohortData) -> pd.Series:
    """``"kl<worst baseline KL>|<event|no_event|undefined>"`` per participant (see the module docstring)."""
    from oa_tasks.labels import PROGNOSIS_TASKS, build_labels

    readings = data.readings
    baseline = readings[readings["visit_month"] == 0]
    worst = baseline.groupby(baseline["participant_id"].astype(str))["kl"].max()
    people = pd.Index(sorted(set(readings["participant_id"].astype(str))))
    kl_text = worst.reindex(people).map(lambda v: "unknown" if pd.isna(v) else str(int(v)))
    status = pd.Series("undefined", index=people, dtype=object)
    for task in PROGNOSIS_TASKS:
        try:
            labels = build_labels(data, task).labels
        except LabelDefinitionError:  # no follow-up visit matches the horizon: status undefined
            continue
        positive = labels.groupby(labels["participant_id"].astype(str))["label"].max()
        positive = positive.reindex(people)
        status = status.mask(positive.eq(1).fillna(False).to_numpy(), "event")
        status = status.mask(
            (positive.eq(0).fillna(False) & status.ne("event")).to_numpy(), "no_event"
        )
    return ("kl" + kl_text + "|" + status).rename("stratum")


def split_of_rows(labels: pd.DataFrame, splits: pd.DataFrame, cohort: str) -> pd.Series:
    """The split of every label row, looked up by participant in a cohort split table.

    Args:
        labels: rows with ``participant_id``.
        splits: a table from :func:`cohort_splits` or :func:`read_splits` (rows of other cohorts are
            ignored; a table without ``cohort`` is taken as this cohort's).
        cohort: the labels' cohort.

    Raises:
        SchemaError: the split table lacks a column or names a participant twice.
        LabelDefinitionError: label participants absent from the split table (the count is named).
    """
    table = validate_splits(splits)
    table = table[table["cohort"] == cohort] if "cohort" in splits.columns else table
    lookup = table.set_index("participant_id")["split"]
    split = labels["participant_id"].astype(str).map(lookup)
    absent = labels.loc[split.isna(), "participant_id"].astype(str).unique()
    if len(absent):
        raise LabelDefinitionError(
            f"{len(absent)} participant(s) of the {cohort} labels are not in the split table "
            f"(first: {sorted(absent)[:5]}); draw the splits from the same cohort release with "
            "`oa-tasks splits` or cohort_splits()"
        )
    return split.rename("split")


def exclusion_list(splits: pd.DataFrame | Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Every participant in a val or test split of any cohort: the pretraining corpus filter.

    Args:
        splits: one split table or several (one per cohort, or per task of older runs), each with
            ``participant_id``, ``split`` and ``cohort``.

    Returns:
        ``cohort, participant_id, split``, one row per distinct held-out (cohort, participant, split),
        sorted.
    """
    tables = [splits] if isinstance(splits, pd.DataFrame) else list(splits)
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in EXCLUSION_LIST_COLUMNS})
    checked = []
    for table in tables:
        if "cohort" not in table.columns:
            raise SchemaError(
                f"a split table has no 'cohort' column (columns: {list(table.columns)}); the exclusion "
                "list names the cohort of every participant"
            )
        checked.append(validate_splits(table))
    every = pd.concat(checked, ignore_index=True)
    held_out = every[every["split"].isin(HELD_OUT_SPLITS)]
    out = held_out[list(EXCLUSION_LIST_COLUMNS)].drop_duplicates()
    return out.sort_values(list(EXCLUSION_LIST_COLUMNS)).reset_index(drop=True)


def validate_splits(splits: pd.DataFrame, source: str = "split table") -> pd.DataFrame:
    """Check a split table's columns, split names and uniqueness; return it with string IDs.

    Raises:
        SchemaError: a missing column, an unknown split name, or a participant listed twice in a cohort.
    """
    missing = [c for c in ("participant_id", "split") if c not in splits.columns]
    if missing:
        raise SchemaError(
            f"{source}: missing column(s) {missing}; a split table has columns "
            f"{list(SPLIT_COLUMNS)} (write one with `oa-tasks splits`)"
        )
    table = splits.assign(participant_id=splits["participant_id"].astype(str).str.strip())
    unknown = sorted(set(table["split"].astype(str)) - set(SPLIT_NAMES))
    if unknown:
        raise SchemaError(
            f"{source}: column split holds {unknown}; expected one of {list(SPLIT_NAMES)}"
        )
    key = ["cohort", "participant_id"] if "cohort" in table.columns else ["participant_id"]
    twice = table[table.duplicated(key, keep=False)]
    if len(twice):
        raise SchemaError(
            f"{source}: {twice['participant_id'].nunique()} participant(s) listed more than once "
            f"(first: {sorted(twice['participant_id'])[:5]}); a split table has one row per participant"
        )
    return table


def read_splits(path: Path) -> pd.DataFrame:
    """Read a splits CSV written by ``oa-tasks splits`` (participant IDs kept as text)."""
    if not path.is_file():
        raise CohortFileNotFoundError(
            f"split file {path} not found; write it with `oa-tasks splits`"
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return validate_splits(frame, str(path))


def _check_fractions(fractions: Sequence[float], names: Sequence[str]) -> np.ndarray:
    shares = np.asarray(fractions, dtype=float)
    if len(shares) != len(names) or (shares < 0).any() or not np.isclose(shares.sum(), 1.0):
        raise LabelDefinitionError(
            f"split fractions must be {len(names)} non-negative numbers summing to 1 for {list(names)}, "
            f"got {list(fractions)}"
        )
    return shares


def _largest_remainder(total: int, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Integer counts summing to ``total``, each within 1 of ``total * share``."""
    exact = total * shares
    counts = np.floor(exact).astype(int)
    short = total - int(counts.sum())
    if short:
        remainder = exact - counts
        tie_break = rng.random(len(shares))
        order = np.lexsort((tie_break, -remainder))
        counts[order[:short]] += 1
    return counts
