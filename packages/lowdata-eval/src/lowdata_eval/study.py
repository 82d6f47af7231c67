"""One Optuna study per (experiment, method, task, fraction, protocol, seed), capped exactly, resumable.

- Name: ``{experiment}/{method}/{task}/{protocol}/frac={fraction:g}/seed={seed}`` (:meth:`StudyKey.name`).
- Sampler: ``TPESampler(seed=..., multivariate=True, constant_liar=True)``; pruner:
  ``MedianPruner(n_startup_trials=5, n_warmup_steps=5)`` over per-epoch validation values.
- Exactly ``n_trials`` trials end COMPLETE or PRUNED, however many workers share the study. Workers stop
  through ``MaxTrialsCallback``; in addition a trial only runs if fewer than ``n_trials`` trials with a
  smaller number are not FAILED (trial numbers are assigned atomically by the storage), otherwise it is
  marked FAIL as ``surplus`` and its worker stops. A trial can only finish as COMPLETE or PRUNED if it
  passed that check, so the count can never exceed ``n_trials``.
- Resume: trials of dead workers are failed first (heartbeat for PostgreSQL, process check for the journal),
  then the study continues until the count is reached; a finished study returns at once.
- Every trial records its worker, parameters, per-epoch validation values (Optuna's intermediate values),
  best epoch, best validation value, and per test set the metric of its best checkpoint and the file of its
  logits (``<slug>__trial<N>__<test set>.npy``).
- Kept model: a trial whose best validation value beats every COMPLETE trial so far saves its weights
  (:mod:`lowdata_eval.kept_models`); weights of trials that are no longer the best are deleted, so the study
  ends with the best trial's model only.
- Data fingerprint: the study records the digest of its data (:class:`DataFingerprint`); loading it with other
  data (another subset, other test sets, another encoder) raises :class:`FingerprintMismatchError`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
from optuna.storages import BaseStorage
from optuna.trial import TrialState

from lowdata_eval.errors import DataError
from lowdata_eval.kept_models import save_kept_model
from lowdata_eval.search_space import Hyperparams, SearchSpace
from lowdata_eval.selection import FitResult, Report
from lowdata_eval.storage import WORKER_ATTR, fail_dead_local_trials, worker_identity

logger = logging.getLogger(__name__)
COUNTED_STATES = (TrialState.COMPLETE, TrialState.PRUNED)

#: ``fit(params, report, seed)`` trains one trial and returns its :class:`FitResult`.
Fit = Callable[[Hyperparams, Report, int], FitResult]
#: ``on_trial({"study", "trial", "state", "value"})`` after every trial this worker finishes.
OnTrial = Callable[[dict[str, Any]], None]
FINGERPRINT_ATTR = "data_fingerprint"


class FingerprintMismatchError(DataError):
    """A study name reused with other data: another subset, other test sets or another encoder."""


@dataclass(frozen=True)
class DataFingerprint:
    """The identity of a study's data: SHA-256 over its named row sets and the encoder's SHA-256.

    ``digest = sha256(name_1 | int64 rows_1 | ... | name_k | int64 rows_k | encoder_sha256)`` over the sets
    in their given order (train, val, then every test set), so another subset, another test table or
    another encoder gives another digest.
    """

    digest: str
    description: dict[str, Any]

    @classmethod
    def of(
        cls, row_sets: Mapping[str, np.ndarray], encoder_sha256: str | None = None
    ) -> DataFingerprint:
        """Fingerprint of row positions ``row_sets`` (name -> positions) and an encoder."""
        sha = hashlib.sha256()
        for name, rows in row_sets.items():
            sha.update(f"{name}\0".encode())
            sha.update(np.ascontiguousarray(rows, dtype=np.int64).tobytes())
        sha.update(f"encoder\0{encoder_sha256 or ''}".encode())
        description = {
            "rows": {name: len(rows) for name, rows in row_sets.items()},
            "encoder_sha256": encoder_sha256,
        }
        return cls(sha.hexdigest(), description)


@dataclass(frozen=True)
class StudyKey:
    """The coordinates of one study (one table cell for one seed)."""

    experiment: str
    method: str
    task: str
    protocol: str
    fraction: float
    seed: int

    @property
    def name(self) -> str:
        """The deterministic study name."""
        return (
            f"{self.experiment}/{self.method}/{self.task}/{self.protocol}/"
            f"frac={self.fraction:g}/seed={self.seed}"
        )

    def coordinates(self) -> dict[str, object]:
        """``study`` (the name) and the six coordinates, as the leading columns of every output table."""
        return {
            "study": self.name,
            "experiment": self.experiment,
            "method": self.method,
            "task": self.task,
            "protocol": self.protocol,
            "fraction": self.fraction,
            "seed": self.seed,
        }

    @property
    def slug(self) -> str:
        """The name as a file-system-safe string."""
        return re.sub(r"[^A-Za-z0-9_.=-]+", "_", self.name)


@dataclass(frozen=True)
class StudyConfig:
    """Search settings shared by the studies of a run.

    Attributes:
        n_trials: COMPLETE + PRUNED trials per study (Appendix C: 50).
        space: the search space.
        warmup_epochs: epochs before the median pruner may prune (5).
        startup_trials: trials before the median pruner may prune.
    """

    n_trials: int = 50
    space: SearchSpace = field(default_factory=SearchSpace)
    warmup_epochs: int = 5
    startup_trials: int = 5


class SurplusTrialError(Exception):
    """Raised inside a trial that would exceed the study's trial count; the trial ends FAIL."""


def counted_trials(study: optuna.Study) -> int:
    """COMPLETE + PRUNED trials of ``study``."""
    return len(study.get_trials(deepcopy=False, states=COUNTED_STATES))


def run_study(
    key: StudyKey,
    fit: Fit,
    storage: BaseStorage,
    config: StudyConfig,
    predictions_dir: Path,
    *,
    models_dir: Path | None = None,
    fingerprint: DataFingerprint | None = None,
    model_metadata: Mapping[str, Any] | None = None,
    on_trial: OnTrial | None = None,
) -> optuna.Study:
    """Create or load the study of ``key`` and run trials until exactly ``config.n_trials`` are counted.

    Args:
        key: the study's coordinates.
        fit: trains one trial.
        storage: shared Optuna storage.
        config: trial count, search space and pruner settings.
        predictions_dir: where each completed trial's test logits are saved (``.npy``, one per test set).
        models_dir: where the best trial's weights are kept (``<slug>/trial<N>/``); ``None`` keeps none.
        fingerprint: the study's data; checked against the one the study was created with.
        model_metadata: extra JSON fields for the kept model's metadata (e.g. the encoder).
        on_trial: called after every trial this worker finishes.

    Raises:
        FingerprintMismatchError: the study exists with another data fingerprint.
    """
    sampler = optuna.samplers.TPESampler(seed=key.seed, multivariate=True, constant_liar=True)
    pruner = optuna.pruners.MedianPruner(
        n_startup_trials=config.startup_trials, n_warmup_steps=config.warmup_epochs
    )
    study = optuna.create_study(
        study_name=key.name,
        storage=storage,
        sampler=sampler,
        pruner=pruner,
        direction="maximize",
        load_if_exists=True,
    )
    if fingerprint is not None:
        check_fingerprint(study, fingerprint)
    fail_dead_local_trials(study)
    if counted_trials(study) >= config.n_trials:
        logger.info("study %s is finished (%d trials); not rerun", key.name, counted_trials(study))
        return study
    predictions_dir.mkdir(parents=True, exist_ok=True)

    def objective(trial: optuna.Trial) -> float:
        trial.set_user_attr(WORKER_ATTR, worker_identity())
        fail_dead_local_trials(study)
        earlier = [
            t
            for t in study.get_trials(deepcopy=False)
            if t.number < trial.number and t.state != TrialState.FAIL
        ]
        if len(earlier) >= config.n_trials:
            trial.set_user_attr("failure", "surplus: the study already has its trials")
            study.stop()
            raise SurplusTrialError(key.name)
        params = config.space.suggest(trial)

        def report(epoch: int, value: float) -> None:
            trial.report(value, step=epoch)
            if trial.should_prune():
                raise optuna.TrialPruned(f"epoch {epoch}: {value:.4f} below the median")

        trial.set_user_attr(
            "failure", None
        )  # a retried trial inherits its failed parent's attributes
        result = fit(params, report, key.seed * 100_003 + trial.number)
        files = {}
        for name, logits in result.test_logits.items():
            path = predictions_dir / f"{key.slug}__trial{trial.number}__{name}.npy"
            np.save(path, np.asarray(logits, dtype=np.float32))
            files[name] = path.name
        model_dir = None
        if models_dir is not None and result.weights and _beats_completed(study, result.best_val):
            relative = f"{key.slug}/trial{trial.number}"
            metadata = {
                **key.coordinates(),
                **(model_metadata or {}),
                **result.model_info,
                "trial": trial.number,
                "params": trial.params,
                "metric": result.metric,
                "best_val": result.best_val,
                "best_epoch": result.best_epoch,
                "test_metrics": result.test_metrics,
                "data_fingerprint": fingerprint.digest if fingerprint else None,
            }
            save_kept_model(models_dir / relative, result.weights, metadata)
            model_dir = relative
        for name, value in (
            ("best_epoch", result.best_epoch),
            ("best_val", result.best_val),
            ("metric", result.metric),
            ("test_metric", result.test_metric),
            ("test_metrics", result.test_metrics),
            ("seconds", round(result.seconds, 3)),
            ("train_loss", [round(v, 6) for v in result.train_loss]),
            ("test_logits_file", next(iter(files.values()))),
            ("test_logits_files", files),
            ("model_dir", model_dir),
        ):
            trial.set_user_attr(name, value)
        return result.best_val

    def after_trial(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if models_dir is not None:
            prune_kept_models(study, models_dir / key.slug)
        if on_trial is not None:
            on_trial(
                {
                    "study": key.name,
                    "trial": trial.number,
                    "state": trial.state.name,
                    "value": trial.value,
                }
            )

    study.optimize(
        objective,
        callbacks=[
            after_trial,
            optuna.study.MaxTrialsCallback(config.n_trials, states=COUNTED_STATES),
        ],
        catch=(SurplusTrialError,),
        gc_after_trial=False,
    )
    if models_dir is not None:
        prune_kept_models(study, models_dir / key.slug)
    return study


def check_fingerprint(study: optuna.Study, fingerprint: DataFingerprint) -> None:
    """Record ``fingerprint`` on a new study; raise if the study was created with other data.

    Raises:
        FingerprintMismatchError: naming both digests and what they cover.
    """
    recorded = study.user_attrs.get(FINGERPRINT_ATTR)
    if recorded is None:
        study.set_user_attr(
            FINGERPRINT_ATTR, {"digest": fingerprint.digest, **fingerprint.description}
        )
        recorded = study.user_attrs.get(FINGERPRINT_ATTR)  # a concurrent worker may have won
    if recorded["digest"] != fingerprint.digest:
        raise FingerprintMismatchError(
            f"study {study.study_name!r} was run on data {recorded['digest'][:16]} ({recorded}); this "
            f"call gives data {fingerprint.digest[:16]} ({fingerprint.description}): the subset, the test "
            "sets or the encoder differ. Use another experiment name, or delete the study to rerun it"
        )


def _beats_completed(study: optuna.Study, value: float) -> bool:
    """Whether ``value`` is at least the best validation value of the COMPLETE trials so far."""
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return not complete or value >= max(t.value for t in complete if t.value is not None)


def prune_kept_models(study: optuna.Study, directory: Path) -> None:
    """Delete the kept weights of finished trials that are not the study's best COMPLETE trial."""
    if not directory.is_dir():
        return
    trials = {t.number: t for t in study.get_trials(deepcopy=False)}
    complete = [t for t in trials.values() if t.state == TrialState.COMPLETE]
    best = max(complete, key=lambda t: (t.value, -t.number)).number if complete else None
    for path in directory.glob("trial*"):
        number = int(path.name.removeprefix("trial")) if path.name[5:].isdigit() else None
        trial = trials.get(number) if number is not None else None
        if trial is not None and trial.state.is_finished() and number != best:
            shutil.rmtree(path, ignore_errors=True)


def trials_frame(study: optuna.Study, key: StudyKey) -> pd.DataFrame:
    """One row per trial of ``study``: coordinates, state, parameters, per-epoch values and results."""
    rows = []
    for trial in study.get_trials(deepcopy=False):
        attrs = trial.user_attrs
        worker = attrs.get(WORKER_ATTR) or {}
        rows.append(
            {
                **key.coordinates(),
                "trial": trial.number,
                "state": trial.state.name,
                **{f"param_{name}": value for name, value in trial.params.items()},
                "val_by_epoch": [
                    trial.intermediate_values[s] for s in sorted(trial.intermediate_values)
                ],
                "best_epoch": attrs.get("best_epoch"),
                "best_val": attrs.get("best_val"),
                "metric": attrs.get("metric"),
                "test_metric": attrs.get("test_metric"),
                **{f"test_metric_{n}": v for n, v in (attrs.get("test_metrics") or {}).items()},
                "seconds": attrs.get("seconds"),
                "test_logits_file": attrs.get("test_logits_file"),
                "model_dir": attrs.get("model_dir"),
                "failure": attrs.get("failure"),
                "worker": f"{worker.get('host', '')}:{worker.get('pid', '')}" if worker else None,
            }
        )
    return pd.DataFrame(rows)


def best_completed_trial(study: optuna.Study) -> optuna.trial.FrozenTrial:
    """The COMPLETE trial with the best validation value (ties: the earliest)."""
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        raise optuna.exceptions.OptunaError(f"study {study.study_name} has no completed trial")
    return max(complete, key=lambda t: (t.value, -t.number))
