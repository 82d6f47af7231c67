"""The oa-tasks command line, end to end, exactly as the README shows it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from oa_tasks.cli import main

LABEL_COLUMNS = {
    "participant_id",
    "side",
    "task",
    "label",
    "baseline_kl",
    "baseline_visit_month",
    "split",
}


@pytest.fixture(scope="module")
def oai_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("oai")
    assert (
        main(
            ["synth", "--cohort", "oai", "--participants", "400", "--seed", "1", "--out", str(root)]
        )
        == 0
    )
    return root


@pytest.mark.parametrize("task", ["kl", "incidence", "progression"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_labels_command(oai_root: Path, tmp_path: Path, task: str, suffix: str) -> None:
    out, exclusions = tmp_path / f"labels{suffix}", tmp_path / "excluded.csv"
    args = (
        f"labels --cohort oai --root {oai_root} --task {task} --out {out} --exclusions {exclusions}"
    )
    args = args.split()
    assert main(args) == 0
    labels = (
        pd.read_parquet(out)
        if suffix == ".parquet"
        else pd.read_csv(out, dtype={"participant_id": str})
    )
    assert set(labels.columns) >= LABEL_COLUMNS
    assert set(labels["task"]) == {task}
    assert set(labels["split"]) == {"train", "val", "test"}
    assert labels["participant_id"].str.fullmatch(r"9\d{6}").all()
    excluded = pd.read_csv(exclusions, dtype={"participant_id": str})
    assert {"participant_id", "side", "task", "reason"} <= set(excluded.columns)
    assert excluded["reason"].notna().all()
    merged = labels.merge(excluded, on=["participant_id", "side"])
    assert merged.empty  # a knee is either included or excluded


def test_external_test_and_horizon_options(oai_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "ext.csv"
    args = f"labels --cohort oai --root {oai_root} --task incidence --out {out} --external-test"
    args = [*args.split(), "--horizon-months", "24"]
    assert main(args) == 0
    labels = pd.read_csv(out)
    assert set(labels["split"]) == {"test"}
    assert set(labels["horizon_visit_month"]) == {24}


def test_cohort_table_command(oai_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables" / "incidence.md"
    args = f"cohort-table --cohort oai --root {oai_root} --task incidence --out {out}".split()
    assert main(args) == 0
    text = out.read_text()
    assert "| No. of patients |" in text
    assert "Men Patients" in text
    assert out.with_suffix(".csv").exists()


def test_errors_are_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = f"labels --cohort oai --root {tmp_path} --task kl --out {tmp_path / 'x.csv'}".split()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("oa-tasks labels: error: OAI KL file(s)")
    assert "Traceback" not in err
    assert main([*args[:-1], str(tmp_path / "x.json")]) == 2
    assert "--out must end in .csv or .parquet" in capsys.readouterr().err


def test_console_script_help_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "oa_tasks.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("synth", "splits", "labels", "exclude-list", "cohort-table", "demo"):
        assert command in result.stdout


def test_demo_uses_one_split_per_cohort_and_links_images(tmp_path: Path) -> None:
    assert main(["demo", "--out", str(tmp_path), "--participants", "60"]) == 0
    excluded = pd.read_csv(tmp_path / "excluded_participants.csv", dtype=str)
    held_out = set(zip(excluded["cohort"], excluded["participant_id"], strict=True))
    for cohort in ("oai", "most"):
        splits = pd.read_csv(tmp_path / f"splits_{cohort}.csv", dtype=str)
        labels = pd.concat(
            pd.read_parquet(tmp_path / "labels" / f"{cohort}_{task}.parquet")
            for task in ("kl", "incidence", "progression")
        )
        assert labels.groupby("participant_id")["split"].nunique().max() == 1
        assert labels["image_path"].notna().all()
        lookup = splits.set_index("participant_id")["split"]
        assert (labels["participant_id"].map(lookup) == labels["split"]).all()
        not_train = labels.loc[labels["split"] != "train", "participant_id"]
        assert {(cohort, p) for p in not_train} <= held_out
    assert set(pd.read_csv(tmp_path / "splits_most.csv")["split"]) == {"test"}
    assert "60-month horizon visit" in (tmp_path / "tables" / "most_progression.md").read_text()
