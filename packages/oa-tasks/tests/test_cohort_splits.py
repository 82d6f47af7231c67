"""One split per cohort shared by every task, and the pretraining exclusion list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oa_tasks import (
    LabelDefinitionError,
    SchemaError,
    build_labels,
    cohort_splits,
    exclusion_list,
    read_cohort,
)
from oa_tasks.cli import main
from oa_tasks.splits import participant_splits
from oa_tasks.synth import write_synthetic_cohort

TASKS = ("kl", "incidence", "progression")


@pytest.fixture(scope="module")
def oai(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("oai")
    write_synthetic_cohort("oai", 300, 3, root)
    return root, read_cohort("oai", root)


def test_one_split_per_participant_across_tasks(oai) -> None:  # type: ignore[no-untyped-def]
    _, data = oai
    splits = cohort_splits(data, seed=0)
    assert list(splits.columns) == ["participant_id", "split", "cohort"]
    assert splits["participant_id"].is_unique
    assert set(splits["cohort"]) == {"oai"}
    every = pd.concat(
        [build_labels(data, task, splits=splits).labels for task in TASKS], ignore_index=True
    )
    assert every.groupby("participant_id")["split"].nunique().max() == 1
    lookup = splits.set_index("participant_id")["split"]
    assert (every["participant_id"].map(lookup) == every["split"]).all()
    counts = splits["split"].value_counts()
    for name, share in zip(("train", "val", "test"), (0.7, 0.1, 0.2), strict=True):
        assert abs(counts[name] - share * len(splits)) <= 1


def test_deterministic_and_seed_dependent(oai) -> None:  # type: ignore[no-untyped-def]
    _, data = oai
    first = cohort_splits(data, seed=5)
    pd.testing.assert_frame_equal(first, cohort_splits(data, seed=5))
    assert not first["split"].equals(cohort_splits(data, seed=6)["split"])


def test_external_test_puts_everyone_in_test(oai) -> None:  # type: ignore[no-untyped-def]
    _, data = oai
    splits = cohort_splits(data, external_test=True)
    assert set(splits["split"]) == {"test"}
    assert len(splits) == data.readings["participant_id"].nunique()


def test_absent_participant_is_an_error_naming_the_count(oai) -> None:  # type: ignore[no-untyped-def]
    _, data = oai
    splits = cohort_splits(data).iloc[3:]
    with pytest.raises(LabelDefinitionError, match=r"^\d+ participant\(s\) of the oai labels"):
        build_labels(data, "kl", splits=splits)


def test_without_splits_no_split_column(oai) -> None:  # type: ignore[no-untyped-def]
    _, data = oai
    assert "split" not in build_labels(data, "kl").labels.columns


def test_exclusion_list_covers_every_held_out_participant() -> None:
    oai = pd.DataFrame(
        {
            "participant_id": ["1", "2", "3", "4"],
            "split": ["train", "val", "test", "test"],
            "cohort": "oai",
        }
    )
    most = pd.DataFrame({"participant_id": ["MA1", "MB2"], "split": "test", "cohort": "most"})
    excluded = exclusion_list([oai, most, oai])
    assert list(excluded.columns) == ["cohort", "participant_id", "split"]
    assert excluded.values.tolist() == [
        ["most", "MA1", "test"],
        ["most", "MB2", "test"],
        ["oai", "2", "val"],
        ["oai", "3", "test"],
        ["oai", "4", "test"],
    ]


def test_exclusion_list_rejects_bad_tables() -> None:
    with pytest.raises(SchemaError, match="no 'cohort' column"):
        exclusion_list(pd.DataFrame({"participant_id": ["1"], "split": ["val"]}))
    bad = pd.DataFrame({"participant_id": ["1"], "split": ["holdout"], "cohort": ["oai"]})
    with pytest.raises(SchemaError, match=r"column split holds \['holdout'\]"):
        exclusion_list(bad)
    twice = pd.DataFrame({"participant_id": ["1", "1"], "split": ["val", "test"], "cohort": "oai"})
    with pytest.raises(SchemaError, match="listed more than once"):
        exclusion_list(twice)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=200),
    st.sampled_from([(0.7, 0.1, 0.2), (0.5, 0.25, 0.25), (0.8, 0.0, 0.2)]),
    st.integers(0, 1000),
)
def test_running_deficit_shares(strata: list[str], shares, seed: int) -> None:  # type: ignore[no-untyped-def]
    table = pd.Series(strata, index=[f"p{i}" for i in range(len(strata))])
    split = participant_splits(table, shares, seed)
    assert split.index.equals(table.index)
    for name, share in zip(("train", "val", "test"), shares, strict=True):
        assert abs((split == name).sum() - share * len(table)) < 1 + 1e-9
        for stratum in set(strata):
            members = split[table == stratum]
            assert abs((members == name).sum() - share * len(members)) < 2 + 1e-9


def test_cli_splits_labels_and_exclude_list(oai, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root, _ = oai
    splits = tmp_path / "splits_oai.csv"
    assert main(["splits", "--cohort", "oai", "--root", str(root), "--out", str(splits)]) == 0
    table = pd.read_csv(splits, dtype=str)
    seen = []
    for task in TASKS:
        out = tmp_path / f"{task}.csv"
        args = ["labels", "--cohort", "oai", "--root", str(root), "--task", task]
        assert main([*args, "--out", str(out), "--splits", str(splits)]) == 0
        seen.append(pd.read_csv(out, dtype={"participant_id": str}))
    every = pd.concat(seen)
    assert every.groupby("participant_id")["split"].nunique().max() == 1
    excluded_path = tmp_path / "excluded_participants.csv"
    assert main(["exclude-list", "--splits", str(splits), "--out", str(excluded_path)]) == 0
    excluded = pd.read_csv(excluded_path, dtype=str)
    held_out = set(every.loc[every["split"].isin(["val", "test"]), "participant_id"])
    assert held_out <= set(excluded["participant_id"])
    assert set(excluded["participant_id"]) == set(
        table.loc[table["split"] != "train", "participant_id"]
    )
