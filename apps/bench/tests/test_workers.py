"""Two ``bench worker`` processes and the main ``bench run`` share one run's evaluation on PostgreSQL.

Every study ends with exactly its trial count, each worker runs some of the trials, and the results equal
those of the single-process tiny run (same subsets, slot-seeded parameters and training seeds).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import optuna
import pandas as pd
import pytest
import tomli_w

POSTGRES_URL = os.environ.get("LOWDATA_EVAL_POSTGRES_URL")
#: 16 of the tiny run's studies (2 encoders x 2 tasks x LP/FT x 2 seeds), all of them shared.
METHODS = ["random", "moco_v2"]
TASKS = ["kl", "incidence"]


def _delete_studies(storage: optuna.storages.BaseStorage, prefix: str) -> None:
    for summary in optuna.get_all_study_summaries(storage, include_best_trial=False):
        if summary.study_name.startswith(prefix):
            optuna.delete_study(study_name=summary.study_name, storage=storage)


def _start(args: list[str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bench", *args], cwd=cwd, env=env, stdout=out, stderr=out
        )


@pytest.mark.slow
@pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="LOWDATA_EVAL_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)",
)
def test_two_workers_and_the_main_process_share_the_studies(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    from lowdata_eval import open_storage

    assert POSTGRES_URL is not None
    run = helpers.copy_run(tiny_run, tmp_path)
    for name in ("evaluate", "predictions", "models", "tables", "plots"):
        shutil.rmtree(run / name, ignore_errors=True)
    for name in ("results.csv", "trials.parquet", "optuna.journal", "summary.md", "run.json"):
        (run / name).unlink(missing_ok=True)
    config = tomllib.loads((tmp_path / "tiny.toml").read_text(encoding="utf-8"))
    config["evaluate"]["methods"], config["evaluate"]["tasks"] = METHODS, TASKS
    config["evaluate"]["fractions"] = {t: config["evaluate"]["fractions"][t] for t in TASKS}
    (tmp_path / "tiny.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    storage = open_storage(run, POSTGRES_URL)
    _delete_studies(storage, "tiny/")  # left by an earlier session on the same database

    logs = [tmp_path / f"{who}.log" for who in ("main", "worker1", "worker2")]
    main = _start(["run", "--config", "tiny.toml", "--storage", POSTGRES_URL], tmp_path, logs[0])
    workers = [
        _start(["worker", "runs/tiny", "--storage", POSTGRES_URL, "--wait", "600"], tmp_path, log)
        for log in logs[1:]
    ]
    try:
        for process, log in zip([main, *workers], logs, strict=True):
            assert process.wait(timeout=900) == 0, log.read_text()[-3000:]
    finally:
        for process in (main, *workers):
            if process.poll() is None:
                process.kill()

    # every study: exactly its trial count, whoever ran the trials
    names = [
        s.study_name
        for s in optuna.get_all_study_summaries(storage, include_best_trial=False)
        if s.study_name.startswith("tiny/")
    ]
    assert len(names) == len(METHODS) * len(TASKS) * 2 * 2
    ran_by: set[int] = set()
    for name in names:
        study = optuna.load_study(study_name=name, storage=storage)
        counted = study.get_trials(
            states=(optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        )
        assert len(counted) == 1, name  # the tiny config: one trial per study
        ran_by |= {t.user_attrs["worker"]["pid"] for t in counted}
    assert {w.pid for w in workers} <= ran_by, "a worker ran no trial"
    assert main.pid in ran_by
    for log in logs[1:]:
        assert "every study is complete" in log.read_text(), log.read_text()[-2000:]

    # the same numbers as the single-process run of the same studies
    shared = pd.read_csv(run / "results.csv").set_index("study").sort_index()
    single = pd.read_csv(tiny_run / "results.csv").set_index("study").loc[shared.index]
    assert len(shared) == len(names)
    columns = ["test_metric_test", "test_metric_most", "best_val", "n_train", "n_val"]
    columns += [c for c in shared.columns if c.startswith("param_")]
    pd.testing.assert_frame_equal(shared[columns], single[columns], check_exact=False, rtol=1e-6)
    assert (run / "summary.md").is_file()
    _delete_studies(storage, "tiny/")


def test_a_worker_on_a_finished_run_exits_and_a_wrong_folder_is_refused(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    from bench.errors import ConfigError, DataError
    from bench.worker import evaluation_state, run_config

    run = helpers.copy_run(tiny_run, tmp_path)
    assert evaluation_state(run)[1] == "done"
    done = helpers.bench("worker", "runs/tiny", cwd=tmp_path)  # the run's journal: one machine
    assert "already finished; nothing to do" in done.stdout
    assert "torch threads:" in done.stdout
    (run / "evaluate" / "done.json").unlink()
    assert evaluation_state(run)[1] == "running"  # begun under the config's settings, not finished
    (run / "evaluate" / "started.json").write_text('{"hash": "other settings"}')
    assert evaluation_state(run)[1] == "waiting"
    renamed = run.rename(tmp_path / "runs" / "copy")
    with pytest.raises(ConfigError, match="named 'tiny'"):
        run_config(renamed)
    with pytest.raises(DataError, match=r"config\.toml not found"):
        run_config(tmp_path / "nowhere")
