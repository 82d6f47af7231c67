"""Comparisons between methods and aggregation over seeds.

- :func:`delong_test`: two correlated AUROCs on the same test set (DeLong, DeLong & Clarke-Pearson 1988),
  computed with midranks as in Sun & Xu (2014). With positives ``X_1..X_m`` and negatives ``Y_1..Y_n`` and
  ``psi(x, y) = 1[x > y] + 0.5 1[x = y]``, the structural components of model ``k`` are
  ``V10_i = mean_j psi(X_i, Y_j)`` and ``V01_j = mean_i psi(X_i, Y_j)``; ``S = S10 / m + S01 / n`` with
  ``S10``, ``S01`` their sample covariances across models, and
  ``z = (AUC_a - AUC_b) / sqrt(S_aa + S_bb - 2 S_ab)``, two-sided ``p = 2 (1 - Phi(|z|))``.
- :func:`paired_wilcoxon`: the same seeds (= the same labelled subsets) for two methods; Wilcoxon signed-rank.
- :func:`paired_bootstrap_ci`: CI of a metric difference by resampling test examples, both models together.
- :func:`summarize_over_seeds` and :func:`paper_table`: mean (SD) over seeds in the paper's table format.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from lowdata_eval.errors import DataError
from lowdata_eval.metrics import auroc


@dataclass(frozen=True)
class DeLongResult:
    """Two AUROCs, their difference, its standard error, z statistic and two-sided p-value."""

    auc_a: float
    auc_b: float
    difference: float
    std_error: float
    z: float
    p_value: float


def delong_test(
    y_true: npt.ArrayLike, score_a: npt.ArrayLike, score_b: npt.ArrayLike
) -> DeLongResult:
    """DeLong's test for two AUROCs measured on the same examples.

    Args:
        y_true: ``[N]`` binary labels.
        score_a: ``[N]`` scores of model A.
        score_b: ``[N]`` scores of model B.
    """
    y = np.asarray(y_true).astype(bool).ravel()
    scores = np.vstack([np.asarray(score_a, float).ravel(), np.asarray(score_b, float).ravel()])
    m, n = int(y.sum()), int((~y).sum())
    if m < 2 or n < 2:
        raise DataError(
            f"DeLong's test needs at least 2 positives and 2 negatives; got {m} and {n}"
        )
    positives, negatives = scores[:, y], scores[:, ~y]
    tx = np.apply_along_axis(stats.rankdata, 1, positives)
    ty = np.apply_along_axis(stats.rankdata, 1, negatives)
    tz = np.apply_along_axis(stats.rankdata, 1, np.hstack([positives, negatives]))
    aucs = (tz[:, :m].sum(axis=1) - m * (m + 1) / 2.0) / (m * n)
    v10 = (tz[:, :m] - tx) / n
    v01 = 1.0 - (tz[:, m:] - ty) / m
    cov = np.cov(v10) / m + np.cov(v01) / n
    variance = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    difference = float(aucs[0] - aucs[1])
    if variance <= 0:
        z, p = (0.0, 1.0) if difference == 0 else (float("inf") * np.sign(difference), 0.0)
        return DeLongResult(float(aucs[0]), float(aucs[1]), difference, 0.0, z, p)
    se = float(np.sqrt(variance))
    z = difference / se
    return DeLongResult(
        float(aucs[0]), float(aucs[1]), difference, se, z, float(2 * stats.norm.sf(abs(z)))
    )


@dataclass(frozen=True)
class WilcoxonResult:
    """Paired Wilcoxon signed-rank test over seeds."""

    n_pairs: int
    median_difference: float
    statistic: float
    p_value: float


def paired_wilcoxon(values_a: npt.ArrayLike, values_b: npt.ArrayLike) -> WilcoxonResult:
    """Wilcoxon signed-rank test of ``a - b`` over paired seeds (two-sided, exact when small)."""
    a = np.asarray(values_a, float)
    b = np.asarray(values_b, float)
    if a.shape != b.shape or a.ndim != 1:
        raise DataError(
            f"paired values must be two 1-D arrays of one length, got {a.shape} and {b.shape}"
        )
    diff = a - b
    if np.allclose(diff, 0):
        return WilcoxonResult(len(a), 0.0, 0.0, 1.0)
    result = stats.wilcoxon(a, b)
    return WilcoxonResult(
        len(a), float(np.median(diff)), float(result.statistic), float(result.pvalue)
    )


@dataclass(frozen=True)
class BootstrapResult:
    """Observed difference ``metric(a) - metric(b)`` and its bootstrap confidence interval."""

    difference: float
    low: float
    high: float
    confidence: float
    n_resamples: int
    reason: str | None = None


def paired_bootstrap_ci(
    y_true: npt.ArrayLike,
    score_a: npt.ArrayLike,
    score_b: npt.ArrayLike,
    metric: Callable[[np.ndarray, np.ndarray], float] = auroc,
    *,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    method: str = "BCa",
    min_per_class: int = 5,
) -> BootstrapResult:
    """Confidence interval of ``metric(y, a) - metric(y, b)``, resampling test examples jointly.

    Uses :func:`scipy.stats.bootstrap` over example indices (so both models see the same resample);
    ``method`` is ``"BCa"`` (default), ``"percentile"`` or ``"basic"``. A resample without both classes gives
    NaN for AUROC-type metrics and is ignored by the percentile methods.

    With binary labels and fewer than ``min_per_class`` positives or negatives, or when the metric or the
    interval is undefined, ``low`` and ``high`` are NaN and ``reason`` says why (no warning is raised).
    """
    y = np.asarray(y_true)
    a = np.asarray(score_a)
    b = np.asarray(score_b)

    def undefined(observed: float, reason: str) -> BootstrapResult:
        nan = float("nan")
        return BootstrapResult(observed, nan, nan, confidence, n_resamples, reason)

    def difference(index: np.ndarray) -> float:
        index = index.astype(int)
        try:
            return metric(y[index], a[index]) - metric(y[index], b[index])
        except DataError:
            return float("nan")

    observed = difference(np.arange(len(y)))
    if y.ndim == 1 and set(np.unique(y).tolist()) <= {0, 1}:
        positives = int(np.sum(y == 1))
        negatives = len(y) - positives
        if min(positives, negatives) < min_per_class:
            return undefined(
                observed,
                f"too few examples of a class for a bootstrap CI: {positives} positives, {negatives} "
                f"negatives (need at least {min_per_class} of each)",
            )
    if not np.isfinite(observed):
        return undefined(observed, "the metric is undefined on these examples")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = stats.bootstrap(
            (np.arange(len(y)),),
            difference,
            vectorized=False,
            n_resamples=n_resamples,
            confidence_level=confidence,
            method=method,
            rng=np.random.default_rng(seed),
        )
    interval = result.confidence_interval
    low, high = float(interval.low), float(interval.high)
    if not (np.isfinite(low) and np.isfinite(high)):
        messages = "; ".join(sorted({str(w.message) for w in caught})) or "degenerate resamples"
        return undefined(observed, f"the bootstrap interval is undefined: {messages}")
    return BootstrapResult(observed, low, high, confidence, n_resamples)


def summarize_over_seeds(
    results: pd.DataFrame,
    by: Sequence[str] = ("method", "task", "fraction", "protocol"),
    value: str = "test_metric",
) -> pd.DataFrame:
    """Mean, SD (ddof=1) and number of seeds of ``value`` per group of ``by``."""
    grouped = results.groupby(list(by), sort=True)[value]
    summary = grouped.agg(mean="mean", sd="std", n_seeds="count").reset_index()
    summary["sd"] = summary["sd"].fillna(0.0)
    return summary


def paper_table(
    summary: pd.DataFrame,
    rows: str = "method",
    columns: Sequence[str] = ("fraction", "protocol"),
    digits: int = 3,
) -> pd.DataFrame:
    """Pivot :func:`summarize_over_seeds` output into cells like ``0.646 (0.009)``."""
    cells = summary.assign(
        cell=[
            f"{m:.{digits}f} ({s:.{digits}f})"
            for m, s in zip(summary["mean"], summary["sd"], strict=True)
        ]
    )
    table = cells.pivot_table(index=rows, columns=list(columns), values="cell", aggfunc="first")
    return table.fillna("-")
