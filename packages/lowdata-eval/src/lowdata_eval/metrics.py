"""Metrics of the paper: balanced accuracy (KL grade), AUROC (prognosis), macro AUROC (multi-label).

All match scikit-learn exactly (``balanced_accuracy_score``, ``roc_auc_score``, ``roc_auc_score(average=
"macro")``); they are written in numpy so the per-epoch validation inside every trial is cheap.

AUROC is the Mann-Whitney statistic with midranks for ties:

    AUC = (sum of the ranks of the positives - m (m + 1) / 2) / (m n)

for ``m`` positives and ``n`` negatives, ranks taken over all ``m + n`` scores with tied scores sharing their
mean rank.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import rankdata

from lowdata_eval.errors import DataError

ArrayLike = npt.ArrayLike


def auroc(y_true: ArrayLike, score: ArrayLike) -> float:
    """Area under the ROC curve of a binary task.

    Args:
        y_true: ``[N]`` labels in {0, 1}.
        score: ``[N]`` scores, higher meaning more likely positive.

    Raises:
        DataError: only one class is present (the AUROC is undefined).
    """
    y = np.asarray(y_true).astype(bool).ravel()
    s = np.asarray(score, dtype=np.float64).ravel()
    m = int(y.sum())
    n = y.size - m
    if m == 0 or n == 0:
        raise DataError(f"AUROC needs both classes; got {m} positives and {n} negatives")
    ranks = rankdata(s)  # midranks for ties
    return float((ranks[y].sum() - m * (m + 1) / 2.0) / (m * n))


def balanced_accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean recall over the classes present in ``y_true`` (scikit-learn's definition, unadjusted).

    Args:
        y_true: ``[N]`` integer class labels.
        y_pred: ``[N]`` predicted class labels.
    """
    y = np.asarray(y_true).ravel()
    p = np.asarray(y_pred).ravel()
    if y.size == 0:
        raise DataError("balanced accuracy of an empty set")
    classes = np.unique(y)
    recalls = [np.mean(p[y == c] == c) for c in classes]
    return float(np.mean(recalls))


def macro_auroc(y_true: ArrayLike, scores: ArrayLike) -> float:
    """Unweighted mean of the per-label AUROCs of a multi-label task, over the labels it is defined for.

    A target of NaN means "label not known" (e.g. CheXpert's U-Ignore policy): that entry is left out of
    its label's AUROC. A label whose known entries hold one class only has no AUROC and is left out of the
    mean (a rare finding absent from a small test set); with every label defined this equals
    scikit-learn's ``roc_auc_score(average="macro")``.

    Args:
        y_true: ``[N, K]`` binary indicators, NaN where unknown.
        scores: ``[N, K]`` scores.

    Raises:
        DataError: shapes differ, or no label has both classes among its known entries.
    """
    y = np.asarray(y_true, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    if y.ndim != 2 or y.shape != s.shape:
        raise DataError(
            f"macro AUROC needs [N, K] labels and scores of one shape, got {y.shape}, {s.shape}"
        )
    values = []
    for k in range(y.shape[1]):
        known = ~np.isnan(y[:, k])
        positives = int(y[known, k].sum())
        if 0 < positives < int(known.sum()):
            values.append(auroc(y[known, k], s[known, k]))
    if not values:
        raise DataError(
            f"macro AUROC: none of the {y.shape[1]} labels has both classes among its known entries"
        )
    return float(np.mean(values))


def stratified_auroc(y_true: ArrayLike, score: ArrayLike, strata: ArrayLike) -> pd.DataFrame:
    """AUROC within each stratum (e.g. baseline KL grade) for the prognosis tables.

    Returns:
        ``stratum, n, n_positive, auroc`` per stratum, sorted by stratum; ``auroc`` is NaN where a stratum
        holds one class only.
    """
    frame = pd.DataFrame(
        {
            "y": np.asarray(y_true).ravel(),
            "s": np.asarray(score).ravel(),
            "g": np.asarray(strata).ravel(),
        }
    )
    rows = []
    for stratum, group in frame.groupby("g", sort=True):
        positives = int(group["y"].sum())
        both = 0 < positives < len(group)
        value = auroc(group["y"], group["s"]) if both else float("nan")
        rows.append({"stratum": stratum, "n": len(group), "n_positive": positives, "auroc": value})
    return pd.DataFrame(rows, columns=["stratum", "n", "n_positive", "auroc"])
