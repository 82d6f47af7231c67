"""The whole low-data protocol for one method: every (fraction, seed) study, results written as they finish.

For each fraction and seed: :func:`lowdata_eval.splits.proportional_subsample` takes the fraction of the
training AND the validation pool (the test split stays whole), a study searches the hyperparameters, and the
test metric of the best-validation trial becomes one row of ``results.csv``. Every trial of the study is
appended to ``trials.parquet``. Both files are rewritten under a file lock after each study, so finished work
is never lost and several worker processes can share a run directory; a rerun skips finished studies.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import torch
from optuna.storages import BaseStorage

from lowdata_eval.augment import FineTuneAugment
from lowdata_eval.errors import DataError
from lowdata_eval.finetune import ImageSplits, ModelFactory, fit_finetune
from lowdata_eval.linear_probe import FeatureSplits, fit_linear_probe
from lowdata_eval.search_space import Hyperparams
from lowdata_eval.selection import FitResult, Report
from lowdata_eval.splits import proportional_subsample
from lowdata_eval.study import (
    COUNTED_STATES,
    Fit,
    StudyConfig,
    StudyKey,
    best_completed_trial,
    run_study,
    trials_frame,
)
from lowdata_eval.tasks import TaskKind, TaskSpec

logger = logging.getLogger(__name__)
RESULTS_FILE = "results.csv"
TRIALS_FILE = "trials.parquet"
PREDICTIONS_DIR = "predictions"

#: ``make_fit(train_rows, val_rows, test_rows)`` returns the trial trainer for one subset (positions).
MakeFit = Callable[[np.ndarray, np.ndarray, np.ndarray], Fit]


@dataclass(frozen=True)
class ProtocolSpec:
    """Which studies to run for one method on one task.

    Attributes:
        experiment: run-level name (e.g. ``"knee-kl"``).
        method: the pretraining method (``"imagenet"``, ``"moco"``, ...).
        task: the task name (``"kl"``, ``"incidence"``, ...).
        protocol: ``"lp"`` or ``"ft"``.
        fractions: label fractions, e.g. ``(0.01, 0.05, 0.1)``.
        seeds: subsampling seeds (the same for every method: the paired design).
        label_col: the label column(s) of the table.
        group_col: the participant column (subsampling keeps whole participants).
        split_col: the column holding ``train`` / ``val`` / ``test``.
    """

    experiment: str
    method: str
    task: str
    protocol: str
    fractions: Sequence[float]
    seeds: Sequence[int]
    label_col: str | Sequence[str] = "label"
    group_col: str = "participant_id"
    split_col: str = "split"


def task_targets(table: pd.DataFrame, spec: ProtocolSpec, task: TaskSpec) -> torch.Tensor:
    """Targets of every row of ``table`` for ``task``."""
    columns = [spec.label_col] if isinstance(spec.label_col, str) else list(spec.label_col)
    values = table[columns].to_numpy()
    return task.target_tensor(values if task.kind is TaskKind.MULTILABEL else values[:, 0])


def run_protocol(
    spec: ProtocolSpec,
    table: pd.DataFrame,
    make_fit: MakeFit,
    run_dir: Path,
    storage: BaseStorage,
    config: StudyConfig,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run (or resume) every study of ``spec``; return this method's rows of ``results.csv``.

    Args:
        spec: the grid of studies.
        table: one row per example (aligned with the features / images given to ``make_fit``), with the
            split, group and label columns.
        make_fit: builds the trial trainer of a subset.
        run_dir: where ``results.csv``, ``trials.parquet`` and ``predictions/`` go.
        storage: the Optuna storage shared by the run's workers.
        config: trials per study, search space, pruner settings.
        progress: called with one line per finished study (CLIs print it).
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    missing = [c for c in (spec.split_col, spec.group_col) if c not in table.columns]
    if missing:
        raise DataError(f"the labels table lacks column(s) {missing}")
    positions = pd.Series(np.arange(len(table)), index=table.index)
    pools = {name: table[table[spec.split_col] == name] for name in ("train", "val", "test")}
    for name, pool in pools.items():
        if pool.empty:
            raise DataError(f"the labels table has no '{name}' rows in column {spec.split_col!r}")
    rows = []
    for fraction in spec.fractions:
        for seed in spec.seeds:
            key = StudyKey(
                spec.experiment, spec.method, spec.task, spec.protocol, float(fraction), int(seed)
            )
            train, val = proportional_subsample(
                pools["train"],
                pools["val"],
                fraction,
                seed,
                label_col=spec.label_col,
                group_col=spec.group_col,
            )
            index = [
                positions[frame.index].to_numpy(copy=True) for frame in (train, val, pools["test"])
            ]
            fit = make_fit(*index)
            study = run_study(key, fit, storage, config, run_dir / PREDICTIONS_DIR)
            row = _result_row(key, study, len(train), len(val), len(pools["test"]))
            rows.append(row)
            _update_table(run_dir / RESULTS_FILE, pd.DataFrame([row]), key.name)
            _update_table(run_dir / TRIALS_FILE, trials_frame(study, key), key.name)
            if progress is not None:
                progress(
                    f"{key.name}: n_train={len(train)} n_val={len(val)} trials={row['n_complete']}+"
                    f"{row['n_pruned']} pruned; best val {row['best_val']:.4f}, test {row['test_metric']:.4f}"
                )
    return pd.DataFrame(rows)


def _result_row(
    key: StudyKey, study: optuna.Study, n_train: int, n_val: int, n_test: int
) -> dict[str, object]:
    best = best_completed_trial(study)
    counted = study.get_trials(deepcopy=False, states=COUNTED_STATES)
    return {
        **key.coordinates(),
        "n_train": n_train,
        "n_val": n_val,
        "n_test": n_test,
        "n_complete": sum(t.state.name == "COMPLETE" for t in counted),
        "n_pruned": sum(t.state.name == "PRUNED" for t in counted),
        "best_trial": best.number,
        "best_val": best.value,
        "best_epoch": best.user_attrs.get("best_epoch"),
        "test_metric": best.user_attrs.get("test_metric"),
        "test_logits_file": best.user_attrs.get("test_logits_file"),
        **{f"param_{name}": value for name, value in best.params.items()},
    }


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_name(f".{path.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _update_table(path: Path, rows: pd.DataFrame, study: str) -> None:
    """Replace ``study``'s rows of a CSV / Parquet table, atomically and under a lock."""
    with _locked(path):
        if path.exists():
            old = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
            rows = pd.concat([old[old["study"] != study], rows], ignore_index=True)
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        if path.suffix == ".parquet":
            rows.to_parquet(tmp, index=False)
        else:
            rows.to_csv(tmp, index=False)
        os.replace(tmp, path)


def linear_probe_fits(
    features: np.ndarray | torch.Tensor,
    targets: torch.Tensor,
    task: TaskSpec,
    *,
    device: torch.device | str = "cpu",
    batch_size: int = 256,
) -> MakeFit:
    """``make_fit`` for linear probing on features ``[N, D]`` computed once by the frozen encoder."""
    all_features = (
        features.float()
        if isinstance(features, torch.Tensor)
        else torch.tensor(np.asarray(features), dtype=torch.float32)
    )

    def make_fit(train: np.ndarray, val: np.ndarray, test: np.ndarray) -> Fit:
        data = FeatureSplits.from_arrays(
            {"train": all_features[train], "val": all_features[val], "test": all_features[test]},
            {"train": targets[train], "val": targets[val], "test": targets[test]},
            device,
        )

        def fit(params: Hyperparams, report: Report, seed: int) -> FitResult:
            return fit_linear_probe(data, task, params, report, seed=seed, batch_size=batch_size)

        return fit

    return make_fit


def finetune_fits(
    images: np.ndarray | torch.Tensor,
    targets: torch.Tensor,
    task: TaskSpec,
    model_factory: ModelFactory,
    augment: FineTuneAugment,
    *,
    device: torch.device | str = "cpu",
    batch_size: int = 32,
) -> MakeFit:
    """``make_fit`` for full fine-tuning on uint8 images ``[N, H, W]`` (e.g. the memory-mapped ROI store)."""

    def make_fit(train: np.ndarray, val: np.ndarray, test: np.ndarray) -> Fit:
        def take(rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
            return torch.as_tensor(np.asarray(images[rows])), targets[rows]

        data = ImageSplits(take(train), take(val), take(test))

        def fit(params: Hyperparams, report: Report, seed: int) -> FitResult:
            return fit_finetune(
                model_factory,
                data,
                task,
                params,
                report,
                seed=seed,
                augment=augment,
                batch_size=batch_size,
                device=device,
            )

        return fit

    return make_fit
