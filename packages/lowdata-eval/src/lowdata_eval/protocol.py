"""The whole low-data protocol for one method: every (fraction, seed) study, results written as they finish.

For each fraction and seed: :func:`lowdata_eval.splits.proportional_subsample` takes the fraction of the
training AND the validation pool (every test set stays whole), a study searches the hyperparameters, and the
best-validation trial becomes one row of ``results.csv`` with its metric on every named test set
(``ProtocolSpec.test_splits``, e.g. OAI ``test`` and the external ``most``). The best trial's weights are
kept under ``models/`` and every trial is appended to ``trials.parquet``. Both files are rewritten under a
file lock after each study, so finished work is never lost and several worker processes can share a run
directory; a rerun skips finished studies. A study is bound to the fingerprint of its data
(:class:`lowdata_eval.study.DataFingerprint`): rerunning a study name on other data is an error.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import uuid
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
from lowdata_eval.finetune import ImageSplits, ModelFactory, fit_finetune, stage_images
from lowdata_eval.kept_models import MODELS_DIR
from lowdata_eval.linear_probe import FeatureSplits, fit_linear_probe
from lowdata_eval.search_space import Hyperparams
from lowdata_eval.selection import FitResult, Report
from lowdata_eval.splits import proportional_subsample
from lowdata_eval.study import (
    COUNTED_STATES,
    FINGERPRINT_ATTR,
    DataFingerprint,
    Fit,
    OnTrial,
    StudyConfig,
    StudyKey,
    best_completed_trial,
    counted_trials,
    run_study,
    trials_frame,
)
from lowdata_eval.tasks import TaskKind, TaskSpec

logger = logging.getLogger(__name__)
RESULTS_FILE = "results.csv"
RUN_FILE = "run.json"
TRIALS_FILE = "trials.parquet"
PREDICTIONS_DIR = "predictions"

#: ``make_fit(train_rows, val_rows, tests)`` returns the trial trainer for one subset; ``tests`` maps each
#: test set name to its row positions, in ``ProtocolSpec.test_splits`` order.
MakeFit = Callable[[np.ndarray, np.ndarray, dict[str, np.ndarray]], Fit]


def package_version() -> str:
    """The version of lowdata-eval (recorded in every result row)."""
    from lowdata_eval import __version__

    return __version__


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
        split_col: the column holding ``train``, ``val`` or the name of a test set.
        test_splits: the split values that are test sets, in reporting order (the first is the primary
            ``test_metric``), e.g. ``("test", "most")``; each is evaluated whole by every trial.
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
    test_splits: Sequence[str] = ("test",)

    def __post_init__(self) -> None:
        names = list(self.test_splits)
        if not names or len(set(names)) != len(names) or {"train", "val"} & set(names):
            raise DataError(
                f"test_splits must be distinct split names other than train/val, got {names}"
            )
        bad = [n for n in names if not n.replace("_", "").replace("-", "").isalnum()]
        if bad:
            raise DataError(
                f"test set names {bad} must be letters, digits, '-' or '_' (file names)"
            )


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
    *,
    encoder_id: tuple[str, str] | None = None,
    on_trial: OnTrial | None = None,
) -> pd.DataFrame:
    """Run (or resume) every study of ``spec``; return this method's rows of ``results.csv``.

    Args:
        spec: the grid of studies and the test sets.
        table: one row per example (aligned with the features / images given to ``make_fit``), with the
            split, group and label columns; a row's split is ``train``, ``val`` or one of
            ``spec.test_splits`` (other rows are ignored).
        make_fit: builds the trial trainer of a subset.
        run_dir: where ``results.csv``, ``trials.parquet``, ``predictions/`` and ``models/`` go. With
            several machines this must be ONE shared directory (e.g. NFS) seen by every worker.
        storage: the Optuna storage shared by the run's workers.
        config: trials per study, search space, pruner settings.
        progress: called with one line per finished study (CLIs print it).
        encoder_id: ``(identifier, sha256)`` of the frozen / initial encoder; recorded in every row and
            in the data fingerprint of every study.
        on_trial: called after every trial this worker finishes with ``{study, trial, state, value}``.

    Raises:
        DataError: a missing column or an empty split.
        FingerprintMismatchError: a study of this name exists with other data.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    missing = [c for c in (spec.split_col, spec.group_col) if c not in table.columns]
    if missing:
        raise DataError(f"the labels table lacks column(s) {missing}")
    positions = pd.Series(np.arange(len(table)), index=table.index)
    names = ("train", "val", *spec.test_splits)
    pools = {name: table[table[spec.split_col] == name] for name in names}
    for name, pool in pools.items():
        if pool.empty:
            raise DataError(
                f"the labels table has no '{name}' rows in column {spec.split_col!r} (splits present: "
                f"{sorted(map(str, table[spec.split_col].unique()))})"
            )
    tests = {name: positions[pools[name].index].to_numpy(copy=True) for name in spec.test_splits}
    encoder, encoder_sha = encoder_id if encoder_id is not None else (None, None)
    identity = {
        "n_trials": config.n_trials,
        "encoder": encoder,
        "encoder_sha256": encoder_sha,
        "package_version": package_version(),
    }
    run_id = _run_id(run_dir)
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
            train_rows = positions[train.index].to_numpy(copy=True)
            val_rows = positions[val.index].to_numpy(copy=True)
            fingerprint = DataFingerprint.of(
                {
                    "train": train_rows,
                    "val": val_rows,
                    **{f"test:{n}": r for n, r in tests.items()},
                },
                encoder_sha,
            )
            fit = make_fit(train_rows, val_rows, dict(tests))
            study = run_study(
                key,
                fit,
                storage,
                config,
                run_dir / PREDICTIONS_DIR,
                models_dir=run_dir / MODELS_DIR,
                fingerprint=fingerprint,
                model_metadata={"encoder": encoder, "encoder_sha256": encoder_sha},
                on_trial=on_trial,
                run_id=run_id,
            )
            sizes = {"n_train": len(train), "n_val": len(val)}
            sizes |= {"n_test": len(tests[spec.test_splits[0]])}
            sizes |= {f"n_test_{n}": len(r) for n, r in tests.items()}
            with _locked(run_dir / RESULTS_FILE):  # rows from the storage, not this worker's view
                study = optuna.load_study(study_name=key.name, storage=storage)
                if counted_trials(study) < config.n_trials:
                    logger.warning("study %s is not complete; no result row written", key.name)
                    continue
                row = _result_row(key, study, sizes, identity, spec.test_splits)
                _replace_rows(run_dir / RESULTS_FILE, pd.DataFrame([row]), key.name)
                _replace_rows(run_dir / TRIALS_FILE, trials_frame(study, key), key.name)
            rows.append(row)
            if progress is not None:
                progress(_progress_line(key, row, spec.test_splits))
    return pd.DataFrame(rows)


def _progress_line(key: StudyKey, row: dict[str, object], test_splits: Sequence[str]) -> str:
    head = (
        f"{key.name}: n_train={row['n_train']} n_val={row['n_val']} trials={row['n_complete']}+"
        f"{row['n_pruned']} pruned"
    )
    if row["status"] != "complete":
        return f"{head}; {row['status']}: no trial completed, no test metric"
    tested = ", ".join(f"{n} {row[f'test_metric_{n}']:.4f}" for n in test_splits)
    return f"{head}; best val {row['best_val']:.4f}, test {tested}"


def _result_row(
    key: StudyKey,
    study: optuna.Study,
    sizes: dict[str, int],
    identity: dict[str, object],
    test_splits: Sequence[str],
) -> dict[str, object]:
    counted = study.get_trials(deepcopy=False, states=COUNTED_STATES)
    try:
        best = best_completed_trial(study)
    except optuna.exceptions.OptunaError:  # every trial was pruned: an explicit error row
        best = None
    attrs = best.user_attrs if best is not None else {}
    metrics = attrs.get("test_metrics") or {}
    files = attrs.get("test_logits_files") or {}
    model_dir = attrs.get("model_dir")
    return {
        **key.coordinates(),
        **sizes,
        "metric": attrs.get("metric"),
        **identity,
        "data_fingerprint": (study.user_attrs.get(FINGERPRINT_ATTR) or {}).get("digest"),
        "status": "complete" if best is not None else "no_complete_trial",
        "n_complete": sum(t.state.name == "COMPLETE" for t in counted),
        "n_pruned": sum(t.state.name == "PRUNED" for t in counted),
        "best_trial": best.number if best is not None else None,
        "best_val": best.value if best is not None else float("nan"),
        "best_epoch": attrs.get("best_epoch"),
        "test_metric": attrs.get("test_metric", float("nan")),
        "test_logits_file": attrs.get("test_logits_file"),
        **{f"test_metric_{n}": metrics.get(n, float("nan")) for n in test_splits},
        **{f"test_logits_file_{n}": files.get(n) for n in test_splits},
        "model_dir": f"{MODELS_DIR}/{model_dir}" if model_dir else None,
        **{f"param_{name}": value for name, value in (best.params if best else {}).items()},
    }


def _run_id(run_dir: Path) -> str:
    """The id in ``run_dir/run.json``, created atomically by the first worker of the run."""
    path = run_dir / RUN_FILE
    if not path.exists():
        tmp = run_dir / f".{RUN_FILE}.tmp{os.getpid()}"
        tmp.write_text(json.dumps({"run_id": uuid.uuid4().hex}))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic: exactly one worker's id wins
        tmp.unlink()
    return str(json.loads(path.read_text())["run_id"])


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_name(f".{path.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _replace_rows(path: Path, rows: pd.DataFrame, study: str) -> None:
    """Replace ``study``'s rows of a CSV / Parquet table atomically (the caller holds the lock)."""
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

    def make_fit(train: np.ndarray, val: np.ndarray, tests: dict[str, np.ndarray]) -> Fit:
        rows = {"train": train, "val": val, **_as_test_sets(tests)}
        data = FeatureSplits.from_arrays(
            {name: all_features[r] for name, r in rows.items()},
            {name: targets[r] for name, r in rows.items()},
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

    def make_fit(train: np.ndarray, val: np.ndarray, tests: dict[str, np.ndarray]) -> Fit:
        def take(rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
            return torch.as_tensor(np.asarray(images[rows])), targets[rows]

        def staged(rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
            x, y = take(rows)  # once per subset, not once per trial
            return stage_images(x, device), y.to(device)

        test_sets = {name: take(rows) for name, rows in _as_test_sets(tests).items()}
        data = ImageSplits(staged(train), staged(val), test_sets)

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


def _as_test_sets(tests: dict[str, np.ndarray] | np.ndarray) -> dict[str, np.ndarray]:
    """``tests`` as name -> positions; a bare array (the 0.1 signature) is the single set ``test``."""
    return dict(tests) if isinstance(tests, dict) else {"test": np.asarray(tests)}
