"""The lowdata-eval command line: probe two methods, then report tables and paired comparisons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lowdata_eval.cli import main


def test_probe_and_report(tmp_path: Path, synthetic, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    table = synthetic.table(200).assign(baseline_kl=lambda t: t.index % 2)
    labels = tmp_path / "incidence.parquet"
    table.to_parquet(labels)
    for method, signal in (("imagenet", 0.3), ("moco", 1.5)):
        features = tmp_path / f"{method}.npy"
        np.save(features, synthetic.features(table["label"].to_numpy(), signal=signal, seed=1))
        args = (
            f"probe --features {features} --labels {labels} --task-kind binary --method {method} "
            f"--experiment knee --fractions 0.5 --seeds 0-2 --trials 6 --run-dir {tmp_path / 'run'}"
        )
        assert main(args.split()) == 0
    assert "[3/3] knee/moco/incidence/lp/frac=0.5/seed=2" in capsys.readouterr().err
    results = pd.read_csv(tmp_path / "run" / "results.csv")
    assert len(results) == 6
    report = f"report --run-dir {tmp_path / 'run'} --labels {labels} --stratify-col baseline_kl"
    assert main(report.split()) == 0
    strata = pd.read_csv(tmp_path / "run" / "tables" / "stratified_auroc_by_baseline_kl_test.csv")
    assert set(strata["stratum"]) == {0, 1}
    assert len(strata) == 4  # 2 methods x 2 strata (one fraction, one protocol)
    assert strata["mean"].between(0, 1).all()
    markdown = (tmp_path / "run" / "tables" / "knee_incidence.md").read_text()
    assert "| moco |" in markdown
    assert "(" in markdown
    comparisons = pd.read_csv(tmp_path / "run" / "tables" / "comparisons.csv")
    assert comparisons.loc[0, "method"] == "moco"
    # the paired difference over seeds, recomputed from results.csv (a 6-trial search on 20 validation rows
    # is too noisy for the sign of the difference to be a stable assertion)
    by_seed = results.pivot_table(index="seed", columns="method", values="test_metric")
    expected = float(np.median(by_seed["moco"] - by_seed["imagenet"]))
    assert comparisons.loc[0, "median_difference"] == pytest.approx(expected)


def test_probe_errors(tmp_path: Path, synthetic, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    table = synthetic.table(20)
    labels = tmp_path / "t.csv"
    table.to_csv(labels, index=False)
    features = tmp_path / "f.npy"
    np.save(features, np.zeros((3, 4), dtype=np.float32))
    args = f"probe --features {features} --labels {labels} --task-kind binary --method m --run-dir {tmp_path}"
    assert main(args.split()) == 2
    assert "expected [N, D] with N = 40" in capsys.readouterr().err
    assert main(["report", "--run-dir", str(tmp_path / "nothing")]) == 2
    assert "results.csv not found" in capsys.readouterr().err
    assert main([*args.split(), "--storage", "sqlite:///x.db"]) == 2


def test_probe_two_test_sets_then_predict(
    tmp_path: Path, synthetic, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    table = synthetic.table(120)
    table.loc[table.index % 5 == 0, "split"] = "most"
    labels = tmp_path / "progression.csv"
    table.to_csv(labels, index=False)
    features = tmp_path / "moco.npy"
    np.save(features, synthetic.features(table["label"].to_numpy(), signal=1.5))
    run = tmp_path / "run"
    args = (
        f"probe --features {features} --labels {labels} --task-kind binary --method moco "
        f"--fractions 0.5 --seeds 0 --trials 4 --run-dir {run} --test-splits test,most "
        f"--encoder enc.safetensors --encoder-sha256 {'0' * 64}"
    )
    assert main(args.split()) == 0
    assert "torch threads per worker: 1" in capsys.readouterr().err
    row = pd.read_csv(run / "results.csv").iloc[0]
    out = tmp_path / "most_logits.npy"
    predict = (
        f"predict --model-dir {run / row['model_dir']} --features {features} --labels {labels} "
        f"--split most --label-col label --out {out}"
    )
    capsys.readouterr()
    assert main(predict.split()) == 0
    assert f"auroc: {row['test_metric_most']:.4f}" in capsys.readouterr().out
    expected = np.load(run / "predictions" / row["test_logits_file_most"])
    np.testing.assert_allclose(np.load(out), expected, rtol=1e-5, atol=1e-5)
    assert (
        main(["predict", "--model-dir", str(run), "--features", str(features), "--out", str(out)])
        == 2
    )
    assert "holds no kept model" in capsys.readouterr().err
