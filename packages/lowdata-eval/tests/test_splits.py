"""Property tests of proportional_subsample (the paper's low-data protocol)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lowdata_eval import DataError, proportional_subsample
from lowdata_eval.splits import UnderrepresentedClassWarning


def pool(n_groups: int, seed: int, classes: int, offset: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 3, n_groups)
    groups = np.repeat([f"p{offset + i}" for i in range(n_groups)], sizes)
    labels = rng.integers(0, classes, len(groups))
    index = rng.permutation(len(groups)) * 7 + 3  # a non-trivial index to keep
    return pd.DataFrame({"participant_id": groups, "label": labels}, index=index)


pools = st.tuples(
    st.integers(10, 400), st.integers(5, 200), st.integers(0, 2**31 - 1), st.sampled_from([2, 5])
)
fractions = st.sampled_from([0.01, 0.05, 0.1, 0.25, 0.5, 1.0])


def subsample_pools(sizes, fraction: float, seed: int):  # type: ignore[no-untyped-def]
    """The two pools drawn from ``sizes``, and their subsets (class warnings silenced)."""
    n_train, n_val, data_seed, classes = sizes
    train, val = (
        pool(n_train, data_seed, classes),
        pool(n_val, data_seed + 1, classes, offset=10_000),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnderrepresentedClassWarning)
        return train, val, proportional_subsample(train, val, fraction, seed)


def strata(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby("participant_id")["label"].max()


@settings(max_examples=60, deadline=None)
@given(pools, fractions, st.integers(0, 1000))
def test_whole_groups_fraction_and_stratification(sizes, fraction: float, seed: int) -> None:  # type: ignore[no-untyped-def]
    train, val, (sub_train, sub_val) = subsample_pools(sizes, fraction, seed)
    for full, sub in ((train, sub_train), (val, sub_val)):
        assert set(sub.index) <= set(full.index)
        chosen = set(sub["participant_id"])
        pd.testing.assert_frame_equal(
            sub, full[full["participant_id"].isin(chosen)]
        )  # whole groups, same index
        full_strata, sub_strata = strata(full), strata(sub)
        n_classes = full["label"].nunique()
        assert set(sub["label"]) == set(
            full["label"]
        )  # every class represented where the pool allows
        assert abs(len(sub_strata) - fraction * len(full_strata)) <= 2 * n_classes
        for stratum, size in full_strata.value_counts().items():
            kept = int((sub_strata == stratum).sum())
            assert kept >= np.floor(fraction * size)  # its share, within rounding ...
            assert kept <= np.ceil(fraction * size) + n_classes  # ... plus groups added for classes


@settings(max_examples=30, deadline=None)
@given(pools, fractions, st.integers(0, 1000))
def test_deterministic_and_paired(sizes, fraction: float, seed: int) -> None:  # type: ignore[no-untyped-def]
    train, val, first = subsample_pools(sizes, fraction, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnderrepresentedClassWarning)
        # another method asks for the same (fraction, seed), with the rows in another order
        second = proportional_subsample(train.sample(frac=1, random_state=2), val, fraction, seed)
    assert set(first[0].index) == set(second[0].index)
    assert first[1].index.equals(second[1].index)


def test_distinct_across_seeds_and_nested_across_fractions() -> None:
    train, val = pool(1000, 0, 2), pool(300, 1, 2, offset=10_000)
    a = proportional_subsample(train, val, 0.1, 0)
    b = proportional_subsample(train, val, 0.1, 1)
    assert set(a[0]["participant_id"]) != set(b[0]["participant_id"])
    assert set(a[1]["participant_id"]) != set(b[1]["participant_id"])
    small = proportional_subsample(train, val, 0.05, 0)
    assert set(small[0]["participant_id"]) <= set(a[0]["participant_id"])


def test_rare_class_gets_one_group_with_a_warning() -> None:
    train = pd.DataFrame({"participant_id": [f"p{i}" for i in range(100)], "label": [0] * 99 + [1]})
    val = pd.DataFrame({"participant_id": [f"v{i}" for i in range(20)], "label": [0] * 19 + [1]})
    with pytest.warns(UnderrepresentedClassWarning, match=r"class\(es\) \['label=1'\]"):
        sub_train, sub_val = proportional_subsample(train, val, 0.05, 0)
    assert sub_train["label"].tolist().count(1) == 1
    assert sub_val["label"].sum() == 1


def test_errors() -> None:
    frame = pd.DataFrame({"participant_id": ["a"], "label": [0]})
    with pytest.raises(DataError, match=r"fraction must be in \(0, 1\]"):
        proportional_subsample(frame, frame, 0.0, 0)
    with pytest.raises(DataError, match="lacks column"):
        proportional_subsample(frame, frame.drop(columns="label"), 0.5, 0)
    with pytest.raises(DataError, match="val pool is empty"):
        proportional_subsample(frame, frame.iloc[:0], 0.5, 0)


def test_multilabel_columns() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "participant_id": [f"p{i}" for i in range(200)],
            "a": rng.integers(0, 2, 200),
            "b": rng.integers(0, 2, 200),
        }
    )
    sub, _ = proportional_subsample(frame, frame, 0.1, 0, label_col=["a", "b"])
    assert len(sub) == 20


def test_unknown_multilabel_entries_are_not_a_missing_class() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "participant_id": [f"p{i}" for i in range(100)],
            "a": rng.integers(0, 2, 100).astype(float),
            "b": np.where(rng.random(100) < 0.5, np.nan, rng.integers(0, 2, 100)),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NaN is not a class: no group added for it
        sub, _ = proportional_subsample(frame, frame, 0.2, 0, label_col=["a", "b"])
    assert len(sub) == 20
