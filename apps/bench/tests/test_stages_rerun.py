"""Changed settings, added encoders, a planted leak: each reruns exactly what it must (on a copy)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import torch

pytestmark = pytest.mark.slow  # a whole pipeline run (the session's tiny run)


def test_changed_evaluate_setting_reruns_only_evaluate(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    run = helpers.copy_run(tiny_run, tmp_path)
    config = tmp_path / "tiny.toml"
    config.write_text(config.read_text().replace("seeds = [0, 1]", "seeds = [0]"))
    result = helpers.bench("run", "--config", "tiny.toml", cwd=tmp_path)
    assert "up to date: ['world', 'localize', 'reports', 'pretrain']" in result.stdout
    results = pd.read_csv(run / "results.csv")
    assert set(results["seed"]) == {0}


def test_evaluate_adds_a_torchvision_encoder_without_recomputing(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    import torchvision

    run = helpers.copy_run(tiny_run, tmp_path)
    trials_before = pd.read_parquet(run / "trials.parquet")
    torch.manual_seed(0)
    weights = tmp_path / "mine.pth"
    torch.save(torchvision.models.resnet18().state_dict(), weights)
    result = helpers.bench(
        "evaluate",
        "--encoder",
        str(weights),
        "--name",
        "my_resnet",
        "--config",
        "tiny.toml",
        cwd=tmp_path,
    )
    assert "registered" in result.stdout
    results = pd.read_csv(run / "results.csv")
    mine = results[results["method"] == "my_resnet"]
    assert len(mine) == 3 * 2 * 2  # tasks x protocols x seeds
    trials = pd.read_parquet(run / "trials.parquet")
    kept = trials[trials["method"] != "my_resnet"]
    pd.testing.assert_frame_equal(
        kept.sort_values(["study", "trial"]).reset_index(drop=True)[
            ["study", "trial", "state", "seconds"]
        ],
        trials_before.sort_values(["study", "trial"]).reset_index(drop=True)[
            ["study", "trial", "state", "seconds"]
        ],
    )
    assert "my_resnet" in (run / "tables" / "table7_progression.md").read_text()


def test_a_planted_val_test_participant_fails_the_run(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    run = helpers.copy_run(tiny_run, tmp_path)
    corpus_path = run / "localize" / "pretrain_corpus.parquet"
    corpus = pd.read_parquet(corpus_path)
    excluded = pd.read_csv(run / "world" / "excluded_participants.csv", dtype=str)
    planted = corpus.iloc[[0]].assign(participant_id=excluded["participant_id"].iloc[0])
    pd.concat([corpus, planted], ignore_index=True).to_parquet(corpus_path, index=False)
    (run / "pretrain" / "done.json").unlink()
    result = helpers.bench("run", "--config", "tiny.toml", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert "leakage guard: 1 participant(s)" in result.stderr
    assert excluded["participant_id"].iloc[0] not in result.stderr  # ids never printed
