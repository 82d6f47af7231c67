"""Participant-level train/validation/test splits, stratified by label.

A participant's knees always land in the same split. Stratification is by the participant's stratum, the
largest label among their knees (for binary tasks: "has a positive knee"; for KL: the worst knee). Within
each stratum, participants are shuffled by a generator seeded with ``seed`` and cut into the requested
fractions by the largest-remainder rule (ties broken at random by the same generator), so every split gets
its share of every stratum within one participant. The result depends only on ``(labels, fractions, seed)``.

External validation: :func:`external_test_split` puts a whole cohort in ``test``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oa_tasks.errors import LabelDefinitionError

DEFAULT_FRACTIONS: tuple[float, float, float] = (0.7, 0.1, 0.2)
SPLIT_NAMES: tuple[str, str, str] = ("train", "val", "test")


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
    shares = np.asarray(fractions, dtype=float)
    if len(shares) != len(names) or (shares < 0).any() or not np.isclose(shares.sum(), 1.0):
        raise LabelDefinitionError(
            f"split fractions must be {len(names)} non-negative numbers summing to 1 for {list(names)}, "
            f"got {list(fractions)}"
        )
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
