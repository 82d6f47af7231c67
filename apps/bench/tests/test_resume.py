"""A run killed with SIGKILL during its evaluation and rerun recomputes no finished trial and ends with the
tables of an uninterrupted run (pretraining resumes by epoch: ssl-objectives' own tests)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pandas as pd
import pytest


def _finished_trials(journal: Path) -> dict[tuple[str, int], object]:
    storage = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(journal))
    )
    finished = {}
    for summary in optuna.get_all_study_summaries(storage):
        study = optuna.load_study(study_name=summary.study_name, storage=storage)
        for trial in study.get_trials(deepcopy=False):
            if trial.state.is_finished() and trial.state.name != "FAIL":
                finished[(summary.study_name, trial.number)] = trial.datetime_complete
    return finished


@pytest.mark.slow
def test_sigkill_then_rerun_recomputes_nothing_and_matches(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    # the finished run without its evaluation: the rerun evaluates from scratch and is killed mid-way
    run = helpers.copy_run(tiny_run, tmp_path)
    for name in ("evaluate", "predictions", "models", "tables", "plots"):
        shutil.rmtree(run / name, ignore_errors=True)
    for name in ("results.csv", "trials.parquet", "optuna.journal", "summary.md", "run.json"):
        (run / name).unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", "run", "--config", "tiny.toml"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.time() + 600
    try:
        while time.time() < deadline and process.poll() is None:
            results = run / "results.csv"
            if results.is_file() and len(pd.read_csv(results)) >= 6:
                break
            time.sleep(0.5)
        assert process.poll() is None, "the run ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    before = _finished_trials(run / "optuna.journal")
    assert before
    rerun = helpers.bench("run", "--config", "tiny.toml", cwd=tmp_path)
    assert "up to date: ['world', 'localize', 'reports', 'pretrain']" in rerun.stdout
    after = _finished_trials(run / "optuna.journal")
    assert all(
        after[key] == when for key, when in before.items()
    )  # nothing finished was recomputed
    for log in (run / "pretrain").glob("*/log.jsonl"):
        epochs = [line for line in log.read_text().splitlines() if line]
        assert len(epochs) == len({e.split(",")[0] for e in epochs})  # every epoch once
    for table in sorted((tiny_run / "tables").glob("table*.md")):
        assert (run / "tables" / table.name).read_text() == table.read_text(), table.name
