"""Property tests of the participant-level splits (scikit-learn test_split.py style)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oa_tasks import LabelDefinitionError, assign_splits, external_test_split


@st.composite
def knee_tables(draw: st.DrawFn) -> pd.DataFrame:
    n_people = draw(st.integers(min_value=1, max_value=300))
    n_classes = draw(st.sampled_from([2, 5]))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    knees = rng.integers(1, 3, n_people)
    ids = np.repeat([f"9{i:06d}" for i in range(n_people)], knees)
    labels = rng.integers(0, n_classes, len(ids))
    frame = pd.DataFrame({"participant_id": ids, "label": labels})
    return frame.sample(frac=1.0, random_state=seed % 2**31).set_axis(rng.permutation(len(ids)) * 3)


fractions = st.sampled_from([(0.7, 0.1, 0.2), (0.6, 0.2, 0.2), (0.5, 0.25, 0.25), (0.8, 0.0, 0.2)])


@settings(max_examples=60, deadline=None)
@given(knee_tables(), fractions, st.integers(0, 10_000))
def test_participants_never_cross_splits(table: pd.DataFrame, shares, seed: int) -> None:
    split = assign_splits(table, shares, seed)
    assert split.index.equals(table.index)
    assert split.notna().all()
    assert (table.assign(split=split).groupby("participant_id")["split"].nunique() == 1).all()


@settings(max_examples=60, deadline=None)
@given(knee_tables(), fractions, st.integers(0, 10_000))
def test_stratified_shares_within_one_participant(table: pd.DataFrame, shares, seed: int) -> None:
    split = assign_splits(table, shares, seed)
    people = (
        table.assign(split=split)
        .groupby("participant_id")
        .agg(stratum=("label", "max"), split=("split", "first"))
    )
    for _, members in people.groupby("stratum"):
        counts = members["split"].value_counts()
        for name, share in zip(("train", "val", "test"), shares, strict=True):
            assert abs(counts.get(name, 0) - share * len(members)) < 1.0 + 1e-9


@settings(max_examples=30, deadline=None)
@given(knee_tables(), st.integers(0, 10_000))
def test_deterministic_for_a_seed(table: pd.DataFrame, seed: int) -> None:
    first = assign_splits(table, seed=seed)
    again = assign_splits(table.sample(frac=1.0, random_state=1), seed=seed)
    pd.testing.assert_series_equal(first, again.loc[first.index])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_distinct_across_seeds(seed: int) -> None:
    table = pd.DataFrame({"participant_id": [f"p{i}" for i in range(200)], "label": [0, 1] * 100})
    assert not assign_splits(table, seed=seed).equals(assign_splits(table, seed=seed + 1))


@pytest.mark.parametrize("bad", [(0.5, 0.5), (0.7, 0.2, 0.2), (1.2, -0.1, -0.1)])
def test_invalid_fractions(bad) -> None:  # type: ignore[no-untyped-def]
    table = pd.DataFrame({"participant_id": ["a"], "label": [1]})
    with pytest.raises(LabelDefinitionError, match="split fractions"):
        assign_splits(table, bad)


def test_external_test_split() -> None:
    table = pd.DataFrame({"participant_id": ["a", "b"], "label": [0, 1]}, index=[5, 9])
    assert external_test_split(table).to_dict() == {5: "test", 9: "test"}
