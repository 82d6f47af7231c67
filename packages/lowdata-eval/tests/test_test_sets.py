"""Several named test sets from one search, the best model kept and re-applied, data fingerprints."""

from __future__ import annotations

from pathlib import Path

import lowdata_eval
import numpy as np
import optuna
import pandas as pd
import pytest
from lowdata_eval import (
    FingerprintMismatchError,
    ProtocolSpec,
    StudyConfig,
    TaskKind,
    TaskSpec,
    linear_probe_fits,
    load_kept_model,
    open_storage,
    predict_with_kept_model,
    run_protocol,
    task_targets,
)

optuna.logging.set_verbosity(optuna.logging.WARNING)
ENCODER = ("encoders/moco.safetensors", "ab" * 32)


def oai_and_most(synthetic) -> tuple[pd.DataFrame, np.ndarray]:  # type: ignore[no-untyped-def]
    """OAI train/val/test plus an external ``most`` test set (rows interleaved with the others)."""
    oai = synthetic.table(150)
    most = synthetic.table(40, seed=5).assign(
        split="most", participant_id=lambda t: "most-" + t["participant_id"]
    )
    table = pd.concat([oai, most]).sample(frac=1.0, random_state=0).reset_index(drop=True)
    features = synthetic.features(table["label"].to_numpy(), signal=1.0)
    return table, features


def run(tmp_path: Path, synthetic, test_splits=("test", "most"), encoder=ENCODER, **kwargs):  # type: ignore[no-untyped-def]
    table, features = oai_and_most(synthetic)
    task = TaskSpec(TaskKind.BINARY)
    spec = ProtocolSpec("knee", "moco", "progression", "lp", [0.5], [0], test_splits=test_splits)
    make_fit = linear_probe_fits(features, task_targets(table, spec, task), task, batch_size=64)
    results = run_protocol(
        spec,
        table,
        make_fit,
        tmp_path,
        open_storage(tmp_path),
        StudyConfig(n_trials=6),
        encoder_id=encoder,
        **kwargs,
    )
    return table, features, results


def test_every_test_set_is_evaluated_and_the_best_model_is_kept(tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    seen: list[dict[str, object]] = []
    table, features, results = run(tmp_path, synthetic, on_trial=seen.append)
    row = results.iloc[0]
    assert [s["trial"] for s in seen] == list(range(6))
    assert set(seen[0]) == {"study", "trial", "state", "value"}
    assert row["metric"] == "auroc"
    assert row["n_trials"] == 6
    assert (row["encoder"], row["encoder_sha256"]) == ENCODER
    assert row["package_version"] == lowdata_eval.__version__
    assert row["test_metric"] == row["test_metric_test"]
    assert row["n_test_most"] == (table["split"] == "most").sum()
    saved = pd.read_csv(tmp_path / "results.csv")
    for column in ("metric", "test_metric_most", "test_logits_file_most", "model_dir"):
        assert column in saved.columns
    for name in ("test", "most"):
        rows = table["split"] == name
        logits = np.load(tmp_path / "predictions" / row[f"test_logits_file_{name}"])
        assert logits.shape == (rows.sum(), 1)
        auroc = TaskSpec(TaskKind.BINARY).metric(table.loc[rows, "label"].to_numpy(), logits)
        assert auroc == pytest.approx(row[f"test_metric_{name}"])
    # the kept model is the best trial's and reproduces its test logits on raw features
    weights, metadata = load_kept_model(tmp_path / row["model_dir"])
    assert metadata["trial"] == row["best_trial"]
    assert metadata["encoder_sha256"] == ENCODER[1]
    assert set(weights) == {"mean", "std", "head.weight", "head.bias"}
    most = (table["split"] == "most").to_numpy()
    again = predict_with_kept_model(tmp_path / row["model_dir"], features[most])
    expected = np.load(tmp_path / "predictions" / row["test_logits_file_most"])
    np.testing.assert_allclose(again, expected, rtol=1e-5, atol=1e-5)
    kept = list((tmp_path / "models").glob("*/trial*"))
    assert kept == [tmp_path / row["model_dir"]]  # weights of the other trials were deleted
    trials = pd.read_parquet(tmp_path / "trials.parquet")
    assert {"test_metric_test", "test_metric_most"} <= set(trials.columns)


def test_a_study_name_is_bound_to_its_data(tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    run(tmp_path, synthetic)
    run(tmp_path, synthetic)  # same data: resumes, no error
    with pytest.raises(FingerprintMismatchError, match="knee/moco/progression/lp") as error:
        run(tmp_path, synthetic, test_splits=("test",))
    assert "test:most" in str(error.value)  # names what both fingerprints cover
    with pytest.raises(FingerprintMismatchError):
        run(tmp_path, synthetic, encoder=("encoders/moco.safetensors", "cd" * 32))


def test_one_test_set_keeps_the_0_1_columns(tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    _, _, results = run(tmp_path, synthetic, test_splits=("test",), encoder=None)
    row = results.iloc[0]
    assert row["test_logits_file"] == row["test_logits_file_test"]
    assert pd.isna(row["encoder"])
