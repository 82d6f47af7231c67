"""Metrics against scikit-learn, on random data with ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lowdata_eval import DataError, auroc, balanced_accuracy, macro_auroc, stratified_auroc
from sklearn.metrics import balanced_accuracy_score, roc_auc_score


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 200), st.integers(0, 2**31 - 1), st.sampled_from([3, 10, 1000]))
def test_auroc_matches_sklearn(n: int, seed: int, levels: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[0], y[1] = 0, 1
    score = rng.integers(0, levels, n) / levels  # few levels: many ties
    assert auroc(y, score) == pytest.approx(roc_auc_score(y, score), abs=1e-12)


@pytest.mark.filterwarnings("ignore::UserWarning:sklearn")
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 200), st.integers(0, 2**31 - 1), st.integers(2, 5))
def test_balanced_accuracy_matches_sklearn(n: int, seed: int, classes: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    pred = rng.integers(0, classes, n)
    assert balanced_accuracy(y, pred) == pytest.approx(balanced_accuracy_score(y, pred), abs=1e-12)


def test_macro_auroc_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, (300, 5))
    scores = rng.normal(size=(300, 5)) + y
    assert macro_auroc(y, scores) == pytest.approx(
        roc_auc_score(y, scores, average="macro"), abs=1e-12
    )


def test_one_class_is_an_error() -> None:
    with pytest.raises(DataError, match="both classes"):
        auroc([1, 1, 1], [0.1, 0.2, 0.3])


def test_stratified_auroc() -> None:
    y = np.array([0, 1, 0, 1, 1, 1])
    s = np.array([0.1, 0.9, 0.8, 0.2, 0.5, 0.6])
    kl = np.array([0, 0, 1, 1, 2, 2])
    table = stratified_auroc(y, s, kl).set_index("stratum")
    assert table.loc[0, "auroc"] == 1.0
    assert table.loc[1, "auroc"] == 0.0
    assert np.isnan(table.loc[2, "auroc"])
    assert table["n"].tolist() == [2, 2, 2]


def test_macro_auroc_leaves_out_unknown_entries_and_undefined_labels() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, (200, 3)).astype(float)
    scores = rng.normal(size=(200, 3)) + y
    masked = y.copy()
    masked[:50, 0] = np.nan  # unknown entries of label 0
    masked[:, 2] = 0.0  # label 2: one class only, no AUROC
    expected = np.mean(
        [roc_auc_score(y[50:, 0], scores[50:, 0]), roc_auc_score(y[:, 1], scores[:, 1])]
    )
    assert macro_auroc(masked, scores) == pytest.approx(expected, abs=1e-12)
    with pytest.raises(DataError, match="none of the 3 labels"):
        macro_auroc(np.zeros((10, 3)), rng.normal(size=(10, 3)))
