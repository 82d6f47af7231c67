"""DeLong against an independent O(m n) computation; Wilcoxon, bootstrap and the table format."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from lowdata_eval import (
    auroc,
    delong_test,
    paired_bootstrap_ci,
    paired_wilcoxon,
    paper_table,
    summarize_over_seeds,
)
from scipy import stats


def delong_reference(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """DeLong et al. (1988) written out: the kernel psi over every positive-negative pair."""
    pos, neg = y == 1, y == 0
    components = []
    for score in (a, b):
        x, z = score[pos][:, None], score[neg][None, :]
        psi = (x > z) + 0.5 * (x == z)
        components.append((psi.mean(axis=1), psi.mean(axis=0), psi.mean()))
    m, n = pos.sum(), neg.sum()
    v10 = np.array([c[0] for c in components])
    v01 = np.array([c[1] for c in components])
    s10 = (
        (v10 - v10.mean(axis=1, keepdims=True))
        @ (v10 - v10.mean(axis=1, keepdims=True)).T
        / (m - 1)
    )
    s01 = (
        (v01 - v01.mean(axis=1, keepdims=True))
        @ (v01 - v01.mean(axis=1, keepdims=True)).T
        / (n - 1)
    )
    s = s10 / m + s01 / n
    diff = components[0][2] - components[1][2]
    se = np.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])
    return diff, se, 2 * stats.norm.sf(abs(diff / se))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("levels", [5, 1000])
def test_delong_matches_reference(seed: int, levels: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 150)
    a = np.round(rng.normal(size=150) + y, 0 if levels == 5 else 3)
    b = np.round(0.5 * rng.normal(size=150) + 0.3 * y + 0.5 * a, 0 if levels == 5 else 3)
    result = delong_test(y, a, b)
    diff, se, p = delong_reference(y, a, b)
    assert result.auc_a == pytest.approx(auroc(y, a))
    assert result.difference == pytest.approx(diff, abs=1e-12)
    assert result.std_error == pytest.approx(se, rel=1e-9)
    assert result.p_value == pytest.approx(p, rel=1e-7)


def test_delong_identical_models() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    result = delong_test(y, s, s)
    assert result.p_value == 1.0
    assert result.difference == 0.0


def test_paired_wilcoxon() -> None:
    a = np.array([0.70, 0.72, 0.69, 0.71, 0.73, 0.70, 0.74, 0.72, 0.71, 0.69])
    b = a - np.array([0.02, 0.01, 0.03, 0.02, 0.01, 0.02, 0.03, 0.01, 0.02, 0.015])
    result = paired_wilcoxon(a, b)
    assert result.p_value == pytest.approx(stats.wilcoxon(a, b).pvalue)
    assert result.p_value < 0.01
    assert result.median_difference == pytest.approx(0.02)
    assert paired_wilcoxon(a, a).p_value == 1.0


def test_paired_bootstrap_ci() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    good = y + rng.normal(0, 0.6, 200)
    poor = y + rng.normal(0, 2.0, 200)
    result = paired_bootstrap_ci(y, good, poor, n_resamples=300, seed=1)
    assert result.low < result.difference < result.high
    assert result.low > 0  # the better model is better
    again = paired_bootstrap_ci(y, good, poor, n_resamples=300, seed=1)
    assert (again.low, again.high) == (result.low, result.high)


def test_summary_and_paper_table() -> None:
    results = pd.DataFrame(
        {
            "method": ["imagenet"] * 3 + ["moco"] * 3,
            "task": "kl",
            "fraction": 0.1,
            "protocol": "ft",
            "seed": [0, 1, 2] * 2,
            "test_metric": [0.64, 0.65, 0.649, 0.63, 0.64, 0.638],
        }
    )
    summary = summarize_over_seeds(results)
    row = summary.set_index("method").loc["imagenet"]
    assert row["mean"] == pytest.approx(0.646333, abs=1e-6)
    assert row["sd"] == pytest.approx(np.std([0.64, 0.65, 0.649], ddof=1))
    assert row["n_seeds"] == 3
    table = paper_table(summary)
    assert table.loc["imagenet", (0.1, "ft")] == "0.646 (0.006)"


def test_bootstrap_with_too_few_positives_is_nan_with_a_reason() -> None:
    rng = np.random.default_rng(0)
    y = np.zeros(60, dtype=int)
    y[:2] = 1
    a, b = rng.normal(size=60) + y, rng.normal(size=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a reason, not a warning
        result = paired_bootstrap_ci(y, a, b, n_resamples=200)
    assert np.isnan(result.low)
    assert np.isnan(result.high)
    assert result.reason is not None
    assert "2 positives" in result.reason
    assert np.isfinite(result.difference)
