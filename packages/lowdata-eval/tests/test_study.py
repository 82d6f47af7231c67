"""Studies end to end: exact trial counts, pruning, resume after a kill, several workers on one storage."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
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
from lowdata_eval.storage import worker_identity
from lowdata_eval.study import SurplusTrialError, claim_slot, counted_trials


def study_objective_guard(study: optuna.Study, trial: optuna.Trial, n_trials: int) -> None:
    claim_slot(study, trial, n_trials)


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
experiment, run_dir = sys.argv[1], Path(sys.argv[2])
n_trials, sleep = int(sys.argv[3]), float(sys.argv[4])
url = sys.argv[5] if len(sys.argv) > 5 else None
beat = dict(heartbeat_seconds=int(sys.argv[6]), grace_seconds=int(sys.argv[7])) if len(sys.argv) > 7 else {}

def fit(params, report, seed):
    value = 1.0 / (1.0 + abs(np.log10(params.lr) + 3.0))
    for epoch in range(1, 4):
        time.sleep(sleep)
        report(epoch, value)
    return FitResult(3, value, {"test": value}, {"test": np.zeros((3, 1))})

key = StudyKey(experiment, "method", "task", "lp", 0.1, 0)
config = StudyConfig(n_trials=n_trials, poll_seconds=0.2)
run_study(key, fit, open_storage(run_dir, url, **beat), config, run_dir / "predictions")
"""


def quick_fit(params, report, seed):  # type: ignore[no-untyped-def]
    value = 1.0 / (1.0 + abs(np.log10(params.lr) + 3.0))
    for epoch in range(1, 4):
        report(epoch, value)
    return FitResult(3, value, {"test": value}, {"test": np.zeros((3, 1))})


def start_worker(
    tmp_path: Path,
    run_dir: Path,
    n_trials: int,
    sleep: float,
    url: str | None = None,
    heartbeat: tuple[int, int] | None = None,
    key: StudyKey = KEY,
):  # type: ignore[no-untyped-def]
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    args = [sys.executable, str(script), key.experiment, str(run_dir), str(n_trials), str(sleep)]
    args += ([url] if url else []) + ([str(v) for v in heartbeat] if heartbeat else [])
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
    again = run_protocol(spec, table, make_fit, tmp_path, open_storage(tmp_path), config)
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
    steps = [max(t.intermediate_values) for t in pruned]
    assert min(steps) >= 5  # never before the warm-up ends
    assert 5 in steps  # the first epoch the pruner may act
    assert counted_trials(study) == 30
    sampler = study.sampler
    assert isinstance(sampler, optuna.samplers.TPESampler)


def test_a_failed_running_trial_frees_its_slot(tmp_path: Path) -> None:
    """Another worker holds all n trials; one of them fails: this worker must run the missing one."""
    storage = open_storage(tmp_path)
    study = optuna.create_study(study_name=KEY.name, storage=storage, direction="maximize")
    held = [study.ask() for _ in range(3)]
    for trial in held:
        trial.set_user_attr("worker", worker_identity())  # alive: never failed as dead
    config = StudyConfig(n_trials=3, poll_seconds=0.05)
    worker = threading.Thread(
        target=run_study, args=(KEY, quick_fit, storage, config, tmp_path / "p")
    )
    worker.start()
    time.sleep(0.5)
    assert worker.is_alive()  # it waits: the held trials may still fail
    study.tell(held[0], state=optuna.trial.TrialState.FAIL)
    study.tell(held[1], 0.5)
    study.tell(held[2], 0.6)
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert counted_trials(study) == 3
    assert states(study) == {"COMPLETE": 3, "FAIL": 1}


def test_surplus_trial_is_failed_not_counted(tmp_path: Path) -> None:
    """A trial that loses the race for the last slot is FAIL (surplus); the study never overshoots."""
    storage = open_storage(tmp_path)
    study = optuna.create_study(study_name=KEY.name, storage=storage, direction="maximize")
    for value in (0.1, 0.2, 0.3):
        study.tell(study.ask(), value)
    late = (
        study.ask()
    )  # asked before the count check of a racing worker: trial 3 of a 3-trial study
    late.set_user_attr("worker", worker_identity())
    with pytest.raises(SurplusTrialError):
        study_objective_guard(study, late, 3)
    assert late.user_attrs["failure"].startswith("surplus")
    study = run_study(KEY, quick_fit, storage, StudyConfig(n_trials=3), tmp_path / "p")
    assert counted_trials(study) == 3


def test_study_without_completed_trial_gives_an_error_row(tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    table = synthetic.table(60)

    def make_fit(train, val, tests):  # type: ignore[no-untyped-def]
        def fit(params, report, seed):  # type: ignore[no-untyped-def]
            raise optuna.TrialPruned("always")

        return fit

    spec = ProtocolSpec("knee", "m", "t", "lp", [1.0], [0])
    results = run_protocol(
        spec, table, make_fit, tmp_path, open_storage(tmp_path), StudyConfig(n_trials=2)
    )
    row = pd.read_csv(tmp_path / "results.csv").iloc[0]
    assert row["status"] == "no_complete_trial"
    assert row["n_pruned"] == 2
    assert np.isnan(row["test_metric"])
    assert results.iloc[0]["status"] == "no_complete_trial"


def first_params(tmp_path: Path, config: StudyConfig, create_first: bool = False) -> dict:  # type: ignore[type-arg]
    storage = open_storage(tmp_path)
    if create_first:  # another worker created the study
        optuna.create_study(study_name=KEY.name, storage=storage, direction="maximize")
    study = run_study(KEY, quick_fit, storage, config, tmp_path / "p")
    return {t.number: t.params for t in study.get_trials()}


def test_trials_are_seeded_by_slot(tmp_path: Path) -> None:
    config = StudyConfig(n_trials=3)
    alone = first_params(tmp_path / "a", config)
    assert first_params(tmp_path / "b", config) == alone  # one worker: reproducible
    assert first_params(tmp_path / "c", StudyConfig(n_trials=3, worker_id=0)) == alone
    assert first_params(tmp_path / "d", StudyConfig(n_trials=3, worker_id=1)) != alone
    # a worker joining a study someone else created samples the same slots the same way
    assert first_params(tmp_path / "e", config, create_first=True) == alone
    study = optuna.load_study(study_name=KEY.name, storage=open_storage(tmp_path / "d"))
    seeds = [t.user_attrs["sampler_seed"] for t in study.trials]
    assert (
        len(set(seeds)) == 3
    )  # every slot its own seed: concurrent workers never replay a start-up trial
    assert KEY.seed not in seeds


def test_a_retried_trial_gets_the_parameters_of_the_failed_one(tmp_path: Path) -> None:
    alone = first_params(tmp_path / "a", StudyConfig(n_trials=3))
    storage = open_storage(tmp_path / "b")
    study = optuna.create_study(study_name=KEY.name, storage=storage, direction="maximize")
    run_study(KEY, quick_fit, storage, StudyConfig(n_trials=1), tmp_path / "p")
    killed = study.ask()  # a worker took slot 1 and died with it
    killed.set_user_attr("worker", {"host": "elsewhere", "pid": 1, "start": "0"})
    study.tell(killed, state=optuna.trial.TrialState.FAIL)
    resumed = run_study(KEY, quick_fit, storage, StudyConfig(n_trials=3), tmp_path / "p")
    counted = [t for t in resumed.get_trials() if t.state != optuna.trial.TrialState.FAIL]
    assert [t.params for t in counted] == [alone[0], alone[1], alone[2]]


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
    # a study of its own: pytest-xdist may run both PostgreSQL tests at once
    key = replace(KEY, experiment="pg-two-workers")
    assert url is not None
    run_dir = tmp_path / "run"
    storage = open_storage(run_dir, url)
    with contextlib.suppress(KeyError):
        optuna.delete_study(study_name=key.name, storage=storage)
    workers = [
        start_worker(tmp_path, run_dir, n_trials=12, sleep=0.1, url=url, key=key) for _ in range(2)
    ]
    for worker in workers:
        output = worker.communicate(timeout=300)[0]
        assert worker.returncode == 0, output
    study = optuna.load_study(study_name=key.name, storage=storage)
    assert counted_trials(study) == 12
    counted = study.get_trials(
        states=(optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    )
    assert len({t.user_attrs["worker"]["pid"] for t in counted}) == 2
    assert storage.get_heartbeat_interval() == 30
    optuna.delete_study(study_name=key.name, storage=storage)


@pytest.mark.skipif(
    postgres_url() is None,
    reason="LOWDATA_EVAL_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)",
)
def test_postgresql_stale_trial_is_failed_and_retried(tmp_path: Path) -> None:
    """SIGKILL a worker mid-trial; another worker fails it after the grace period and retries it."""
    url = postgres_url()
    key = replace(KEY, experiment="pg-stale-retry")
    assert url is not None
    run_dir = tmp_path / "run"
    storage = open_storage(run_dir, url, heartbeat_seconds=1, grace_seconds=2)
    with contextlib.suppress(KeyError):
        optuna.delete_study(study_name=key.name, storage=storage)
    first = start_worker(tmp_path, run_dir, 4, sleep=0.5, url=url, heartbeat=(1, 2), key=key)
    deadline = time.time() + 120
    try:
        while time.time() < deadline:
            time.sleep(0.2)
            try:
                study = optuna.load_study(study_name=key.name, storage=storage)
            except KeyError:
                continue
            trials = study.get_trials()  # one snapshot
            running = [t for t in trials if t.state == optuna.trial.TrialState.RUNNING]
            counted = sum(t.state.name in ("COMPLETE", "PRUNED") for t in trials)
            if counted >= 1 and running and running[-1].user_attrs.get("worker"):
                killed = running[-1].number
                break
        else:
            pytest.fail(f"the worker never got going: {first.communicate()[0]!r}")
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
    second = start_worker(tmp_path, run_dir, 4, sleep=0.05, url=url, heartbeat=(1, 2), key=key)
    output = second.communicate(timeout=300)[0]
    assert second.returncode == 0, output
    study = optuna.load_study(study_name=key.name, storage=storage)
    assert counted_trials(study) == 4
    dead = study.trials[killed]
    assert dead.state == optuna.trial.TrialState.FAIL
    assert dead.user_attrs["failure"].startswith("heartbeat")
    retried = [t for t in study.trials if t.system_attrs.get("failed_trial") == killed]
    assert len(retried) == 1
    assert retried[0].state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    # the retry keeps every parameter the dead trial had drawn (a worker killed while its trial was still
    # suggesting leaves only some; the retry draws the rest)
    assert dead.params.items() <= retried[0].params.items()
    assert retried[0].user_attrs.get("failure") is None
    optuna.delete_study(study_name=key.name, storage=storage)


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


def test_every_worker_must_share_the_run_directory(tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    """Two 'nodes' with their own run directories on one storage: the second is refused."""
    from lowdata_eval import StorageError

    table = synthetic.table(60)
    features = synthetic.features(table["label"].to_numpy())
    task = TaskSpec(TaskKind.BINARY)
    spec = ProtocolSpec("knee", "m", "t", "lp", [1.0], [0])
    make_fit = linear_probe_fits(features, task_targets(table, spec, task), task)
    storage = open_storage(tmp_path, str(tmp_path / "shared.journal"))
    config = StudyConfig(n_trials=2)
    run_protocol(spec, table, make_fit, tmp_path / "node1", storage, config)
    with pytest.raises(StorageError, match="ONE run directory on a shared file system"):
        run_protocol(spec, table, make_fit, tmp_path / "node2", storage, config)


@pytest.mark.parametrize("threads", [1, None])
def test_threads_are_set_for_the_study_and_restored(tmp_path: Path, threads: int | None) -> None:
    import torch

    before = torch.get_num_threads()
    caller = 3 if before != 3 else 2
    torch.set_num_threads(caller)  # the caller set it explicitly
    seen = []

    def fit(params, report, seed):  # type: ignore[no-untyped-def]
        seen.append(torch.get_num_threads())
        return quick_fit(params, report, seed)

    try:
        run_study(
            KEY, fit, open_storage(tmp_path), StudyConfig(n_trials=2, threads=threads), tmp_path
        )
        assert set(seen) == {threads or caller}
        assert torch.get_num_threads() == caller
    finally:
        torch.set_num_threads(before)
