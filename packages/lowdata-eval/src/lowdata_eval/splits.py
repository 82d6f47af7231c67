"""The paper's realistic low-data protocol: the SAME fraction of the training and of the validation pool.

:func:`proportional_subsample` keeps whole groups (participants), stratified by label:

1. Each group gets a stratum: the largest label among its rows (for several label columns, the pattern of
   per-column maxima, e.g. ``"0|1|0"``).
2. A pool of ``G`` groups keeps ``T = max(1, round(fraction * G))`` of them, shared among the strata by the
   largest-remainder rule on ``fraction * G_s`` (ties broken by stratum order), so every stratum is within one
   group of its share.
3. If the kept rows lack a class (a label value) that the pool has, the first group in seeded order that has
   it is added, with a warning: every class stays represented where the pool allows (AUROC and balanced
   accuracy need them), at the price of a subset slightly above the fraction.
4. Within a stratum, groups are taken in the order of a permutation drawn from ``seed`` and the pool
   (``"train"`` or ``"val"``) only. The subsets of a seed are therefore identical for every method (the
   paired design), different across seeds, and cut from one permutation at every fraction, so a larger
   fraction's subset contains a smaller one's whenever no stratum's count shrinks (the usual case).
"""

from __future__ import annotations

import logging
import warnings
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lowdata_eval.errors import DataError

logger = logging.getLogger(__name__)


class UnderrepresentedClassWarning(UserWarning):
    """A class had no example at the requested fraction and a group holding it was added."""


def proportional_subsample(
    train: pd.DataFrame,
    val: pd.DataFrame,
    fraction: float,
    seed: int,
    *,
    label_col: str | Sequence[str] = "label",
    group_col: str = "participant_id",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Take ``fraction`` of the training pool AND of the validation pool, whole groups at a time.

    Args:
        train: the training pool, one row per example.
        val: the validation pool.
        fraction: share of groups to keep, in (0, 1].
        seed: the subsampling seed (the same for every method compared).
        label_col: the label column, or several (multi-label).
        group_col: the group (participant) column.

    Returns:
        ``(train_subset, val_subset)``, rows of the inputs with their original index.

    Raises:
        DataError: a fraction outside (0, 1], a missing column, or an empty pool.
    """
    if not 0.0 < fraction <= 1.0:
        raise DataError(f"fraction must be in (0, 1], got {fraction}")
    labels = [label_col] if isinstance(label_col, str) else list(label_col)
    subsets = []
    for pool_name, pool in (("train", train), ("val", val)):
        missing = [c for c in [*labels, group_col] if c not in pool.columns]
        if missing:
            raise DataError(f"the {pool_name} pool lacks column(s) {missing}")
        if pool.empty:
            raise DataError(f"the {pool_name} pool is empty")
        keep = _choose_groups(pool, fraction, seed, labels, group_col, pool_name)
        subsets.append(pool[pool[group_col].isin(keep)])
    return subsets[0], subsets[1]


def _choose_groups(
    pool: pd.DataFrame,
    fraction: float,
    seed: int,
    labels: list[str],
    group_col: str,
    pool_name: str,
) -> set[object]:
    maxima = pool.groupby(group_col, sort=True)[labels].max()
    # a group whose label is unknown (NaN) in every row forms the "unknown" stratum of that label
    strata = maxima.astype(object).where(maxima.notna(), "unknown").astype(str)
    strata = strata.agg("|".join, axis=1)
    sizes = strata.value_counts().sort_index()
    target = max(1, round(fraction * len(strata)))
    counts = _largest_remainder(sizes.to_numpy(), fraction, target)
    rng = np.random.default_rng([seed, zlib.crc32(pool_name.encode())])
    keep: list[object] = []
    reserve: list[object] = []
    for (stratum, _), k in zip(sizes.items(), counts, strict=True):
        members = strata.index[strata == stratum].to_numpy()
        order = members[rng.permutation(len(members))]
        keep.extend(order[:k].tolist())
        reserve.extend(order[k:].tolist())
    extra, missing = _groups_for_missing_classes(pool, set(keep), reserve, labels, group_col)
    if missing:
        warnings.warn(
            f"{pool_name} pool: at fraction {fraction:g} the class(es) {missing} had no example; added "
            f"{len(extra)} {group_col} so every class is represented",
            UnderrepresentedClassWarning,
            stacklevel=4,
        )
    logger.debug(
        "%s pool: kept %d of %d groups at fraction %g", pool_name, len(keep), len(strata), fraction
    )
    return set(keep) | set(extra)


def _groups_for_missing_classes(
    pool: pd.DataFrame, keep: set[object], reserve: list[object], labels: list[str], group_col: str
) -> tuple[list[object], list[str]]:
    """Groups (first in seeded order) that bring back the classes the kept rows lack; and those classes."""
    kept = pool.loc[pool[group_col].isin(keep)]
    present = {(c, v) for c in labels for v in kept[c].dropna()}  # NaN: an unknown label, no class
    wanted = {(c, v) for c in labels for v in pool[c].dropna()} - present
    missing = sorted(f"{c}={v}" for c, v in wanted)
    extra: list[object] = []
    if wanted:
        rows = pool.set_index(group_col)[labels]
        for group in reserve:
            found = {(c, v) for c in labels for v in rows.loc[[group], c].dropna()} & wanted
            if found:
                extra.append(group)
                wanted -= found
            if not wanted:
                break
    return extra, missing


def _largest_remainder(sizes: np.ndarray, fraction: float, target: int) -> np.ndarray:
    """Integer counts per stratum summing to ``target``, each within one of ``fraction * size``."""
    exact = sizes * fraction
    counts = np.minimum(np.floor(exact).astype(int), sizes)
    short = target - int(counts.sum())
    if short > 0:
        order = np.argsort(-(exact - counts), kind="stable")
        for index in order:
            if short == 0:
                break
            if counts[index] < sizes[index]:
                counts[index] += 1
                short -= 1
    return counts
