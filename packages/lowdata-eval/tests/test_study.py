"""Studies end to end: exact trial counts, pruning, resume after a kill, several workers on one storage."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from lowdata_eval import (
    ProtocolSpec,
    StudyConfig,
    StudyKey,
    TaskKind,
    TaskSpec,
    linear_probe_fits,
    open_storage,
    run_protocol,
    run_study,
    task_targets,
)
from lowdata_eval.selection import FitResult
from lowdata_eval.study import counted_trials

optuna.logging.set_verbosity(optuna.logging.WARNING)
KEY = StudyKey("exp", "method", "task", "lp", 0.1, 0)

WORKER = """
import sys, time
from pathlib import Path
import numpy as np
import optuna
from lowdata_eval import StudyConfig, StudyKey, open_storage, run_study
from lowdata_eval.selection import FitResult

optuna.logging.set_verbosity(optuna.logging.WARNING)
run_dir, n_trials, sleep = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
url = sys.argv[4] if len(sys.argv) > 4 else None

def fit(params, report, seed):
    value = 1.0 / (1.0 + abs(np.log10(params.lr) + 3.0))
    for epoch in range(1, 4):
        time.sleep(sleep)
        report(epoch, value)
    return FitResult(3, value, {"test": value}, {"test": np.zeros((3, 1))})

key = StudyKey("exp", "method", "task", "lp", 0.1, 0)
run_study(key, fit, open_storage(run_dir, url), StudyConfig(n_trials=n_trials), run_dir / "predictions")
"""


def quick_fit(params, report, seed):  # type: ignore[no-untyped-def]
    value = 1.0 / (1.0 + abs(np.log10(params.lr) + 3.0))
    for epoch in range(1, 4):
        report(epoch, value)
    return FitResult(3, value, {"test": value}, {"test": np.zeros((3, 1))})


def start_worker(
    tmp_path: Path, run_dir: Path, n_trials: int, sleep: float, url: str | None = None
):  # type: ignore[no-untyped-def]
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    args = [sys.executable, str(script), str(run_dir), str(n_trials), str(sleep)] + (
        [url] if url else []
    )
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def states(study: optuna.Study) -> dict[str, int]:
    return pd.Series([t.state.name for t in study.get_trials()]).value_counts().to_dict()


def test_lp_protocol_end_to_end_and_not_rerun(tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    table = synthetic.table(300)
    features = synthetic.features(table["label"].to_numpy(), signal=1.0)
    task = TaskSpec(TaskKind.BINARY)
    spec = ProtocolSpec("knee", "imagenet", "incidence", "lp", fractions=[0.2, 0.5], seeds=[0, 1])
    make_fit = linear_probe_fits(features, task_targets(table, spec, task), task, batch_size=64)
    config = StudyConfig(n_trials=12)
    lines: list[str] = []
    results = run_protocol(
        spec, table, make_fit, tmp_path, open_storage(tmp_path), config, lines.append
    )
    assert len(results) == 4
    assert len(lines) == 4
    assert ((results["n_complete"] + results["n_pruned"]) == 12).all()
    assert (
        results.loc[results["fraction"] == 0.2, "n_train"]
        .lt(results.loc[results["fraction"] == 0.5, "n_train"].to_numpy())
        .all()
    )
    trials = pd.read_parquet(tmp_path / "trials.parquet")
    assert len(trials) == 48
    assert set(trials["state"]) <= {"COMPLETE", "PRUNED"}
    for row in results.itertuples():
        best = trials[(trials["study"] == row.study) & (trials["trial"] == row.best_trial)].iloc[0]
        assert best["test_metric"] == pytest.approx(row.test_metric)
        assert best["best_val"] == pytest.approx(row.best_val)
        assert len(best["val_by_epoch"]) == best["param_epochs"]
        logits = np.load(tmp_path / "predictions" / row.test_logits_file)
        assert logits.shape == (row.n_test, 1)
    saved = pd.read_csv(tmp_path / "results.csv")
    assert len(saved) == 4
    start = time.perf_counter()
    again = run_protocol(spec, table, make_fit, tmp_path, open_storage(tmp_path), config)
    assert time.perf_counter() - start < 5
    pd.testing.assert_series_equal(again["test_metric"], results["test_metric"])
    assert len(pd.read_parquet(tmp_path / "trials.parquet")) == 48


def test_pruning_prunes(tmp_path: Path) -> None:
    def fit(params, report, seed):  # type: ignore[no-untyped-def]
        value = 1.0 / (1.0 + abs(np.log10(params.lr) + 3.0))
        for epoch in range(1, params.epochs + 1):
            report(epoch, value)
        return FitResult(1, value, {"test": value}, {"test": np.zeros((2, 1))})

    study = run_study(KEY, fit, open_storage(tmp_path), StudyConfig(n_trials=30), tmp_path / "p")
    pruned = study.get_trials(states=(optuna.trial.TrialState.PRUNED,))
    assert len(pruned) > 0
    assert all(
        max(t.intermediate_values) == 5 for t in pruned
    )  # the first epoch the pruner may act
    assert counted_trials(study) == 30
    sampler = study.sampler
    assert isinstance(sampler, optuna.samplers.TPESampler)


def test_surplus_trials_never_run(tmp_path: Path) -> None:
    storage = open_storage(tmp_path)
    study = optuna.create_study(study_name=KEY.name, storage=storage, direction="maximize")
    held = [study.ask() for _ in range(3)]  # another worker holds three trials
    run_study(KEY, quick_fit, storage, StudyConfig(n_trials=3), tmp_path / "p")
    study = optuna.load_study(study_name=KEY.name, storage=storage)
    surplus = study.get_trials(states=(optuna.trial.TrialState.FAIL,))
    assert len(surplus) == 1
    assert surplus[0].user_attrs["failure"].startswith("surplus")
    for trial in held:
        study.tell(trial, 0.5)
    assert counted_trials(study) == 3


def test_resume_after_kill(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    worker = start_worker(tmp_path, run_dir, n_trials=8, sleep=0.4)
    storage_path = run_dir / "optuna.journal"
    deadline = time.time() + 120
    try:
        while time.time() < deadline:
            time.sleep(0.3)
            if not storage_path.exists():
                continue
            try:
                study = optuna.load_study(study_name=KEY.name, storage=open_storage(run_dir))
            except KeyError:
                continue
            running = study.get_trials(states=(optuna.trial.TrialState.RUNNING,))
            if counted_trials(study) >= 2 and running and running[0].user_attrs.get("worker"):
                break
        else:
            pytest.fail(f"the worker never got going: {worker.communicate()[0]!r}")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    study = run_study(
        KEY, quick_fit, open_storage(run_dir), StudyConfig(n_trials=8), run_dir / "predictions"
    )
    assert counted_trials(study) == 8
    failed = study.get_trials(states=(optuna.trial.TrialState.FAIL,))
    assert [t.user_attrs["failure"] for t in failed] == ["worker process died"]


def test_two_processes_share_a_journal(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    workers = [start_worker(tmp_path, run_dir, n_trials=14, sleep=0.15) for _ in range(2)]
    for worker in workers:
        output = worker.communicate(timeout=300)[0]
        assert worker.returncode == 0, output
    study = optuna.load_study(study_name=KEY.name, storage=open_storage(run_dir))
    assert counted_trials(study) == 14
    counted = study.get_trials(
        states=(optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    )
    assert len({t.user_attrs["worker"]["pid"] for t in counted}) == 2
    failures = [
        t.user_attrs.get("failure", "")
        for t in study.get_trials(states=(optuna.trial.TrialState.FAIL,))
    ]
    assert all(f.startswith("surplus") for f in failures)


def postgres_url() -> str | None:
    return os.environ.get("LOWDATA_EVAL_POSTGRES_URL")


@pytest.mark.skipif(
    postgres_url() is None,
    reason="LOWDATA_EVAL_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)",
)
def test_two_workers_on_postgresql(tmp_path: Path) -> None:
    url = postgres_url()
    assert url is not None
    run_dir = tmp_path / "run"
    storage = open_storage(run_dir, url)
    with contextlib.suppress(KeyError):
        optuna.delete_study(study_name=KEY.name, storage=storage)
    workers = [start_worker(tmp_path, run_dir, n_trials=12, sleep=0.1, url=url) for _ in range(2)]
    for worker in workers:
        output = worker.communicate(timeout=300)[0]
        assert worker.returncode == 0, output
    study = optuna.load_study(study_name=KEY.name, storage=storage)
    assert counted_trials(study) == 12
    counted = study.get_trials(
        states=(optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    )
    assert len({t.user_attrs["worker"]["pid"] for t in counted}) == 2
    assert storage.get_heartbeat_interval() == 30
    optuna.delete_study(study_name=KEY.name, storage=storage)


def test_sqlite_is_refused(tmp_path: Path) -> None:
    from lowdata_eval import StorageError

    with pytest.raises(StorageError, match="SQLite is not safe"):
        open_storage(tmp_path, "sqlite:///x.db")


@pytest.mark.filterwarnings("ignore::lowdata_eval.splits.UnderrepresentedClassWarning")
def test_ft_protocol_end_to_end(tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    from lowdata_eval import EncoderWithHead, FineTuneAugment, SearchSpace, finetune_fits

    table = synthetic.table(80)
    images = synthetic.images(table["label"].to_numpy(), size=36)
    task = TaskSpec(TaskKind.BINARY)
    spec = ProtocolSpec("knee", "random", "incidence", "ft", fractions=[0.5], seeds=[0])
    make_fit = finetune_fits(
        images,
        task_targets(table, spec, task),
        task,
        lambda n: EncoderWithHead(synthetic.encoder(), 8, n),
        FineTuneAugment(crop=32, resize=36),
        batch_size=16,
    )
    config = StudyConfig(n_trials=3, space=SearchSpace(epochs=(2, 3), lr=(1e-3, 1e-2)))
    results = run_protocol(spec, table, make_fit, tmp_path, open_storage(tmp_path), config)
    row = results.iloc[0]
    assert row["n_complete"] + row["n_pruned"] == 3
    assert row["n_train"] == (table["split"] == "train").sum() // 2
    assert 0.0 <= row["test_metric"] <= 1.0
    trials = pd.read_parquet(tmp_path / "trials.parquet")
    assert set(trials["param_epochs"]) <= {2, 3}
