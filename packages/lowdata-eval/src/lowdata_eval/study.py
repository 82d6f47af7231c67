"""One Optuna study per (experiment, method, task, fraction, protocol, seed), capped exactly, resumable.

- Name: ``{experiment}/{method}/{task}/{protocol}/frac={fraction:g}/seed={seed}`` (:meth:`StudyKey.name`).
- Sampler: ``TPESampler(multivariate=True, constant_liar=True)`` reseeded before every trial from the
  study seed and the trial's SLOT, the number of earlier trials that did not fail (:class:`SlotSeededTPE`,
  :func:`sampler_seed`). A trial's parameters therefore depend only on (study seed, slot, the finished
  trials before it): a single-worker study is reproducible, a trial retried after its worker was killed gets
  the parameters it had, so a resumed study ends exactly like an uninterrupted one, and concurrent workers
  (different slots) never replay each other's start-up trials. An explicit ``StudyConfig.worker_id`` mixes
  the worker into the seed. Pruner: ``MedianPruner(n_startup_trials=5, n_warmup_steps=5)`` over per-epoch
  validation values.
- Exactly ``n_trials`` trials end COMPLETE or PRUNED, however many workers share the study, and every worker
  keeps going until they do. Before each trial a worker fails dead trials, then starts one only if
  ``COMPLETE + PRUNED + RUNNING < n_trials``; otherwise it waits (``poll_seconds``) because a RUNNING trial
  may still fail and free its slot, and it stops as soon as the study is full. Inside the trial
  (:func:`claim_slot`) the trial only runs if fewer than ``n_trials`` trials with a smaller number are not
  FAILED (trial numbers are assigned atomically by the storage); a trial that loses that race is marked FAIL
  as ``surplus`` before any training, and its worker re-checks. So the count never exceeds ``n_trials``.
- Dead workers: PostgreSQL trials whose heartbeat is older than the grace period are failed with
  ``failure = "heartbeat: ..."`` and retried once with the same parameters (:func:`fail_stale_trials`);
  journal trials whose recorded process on this host is gone are failed with ``failure = "worker process
  died"``. A finished study returns at once.
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
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
import torch
from optuna.storages import BaseStorage
from optuna.trial import TrialState

from lowdata_eval.errors import DataError, StorageError
from lowdata_eval.kept_models import save_kept_model
from lowdata_eval.search_space import Hyperparams, SearchSpace
from lowdata_eval.selection import FitResult, Report
from lowdata_eval.storage import (
    WORKER_ATTR,
    fail_dead_local_trials,
    fail_stale_trials,
    worker_identity,
)

logger = logging.getLogger(__name__)
COUNTED_STATES = (TrialState.COMPLETE, TrialState.PRUNED)

#: ``fit(params, report, seed)`` trains one trial and returns its :class:`FitResult`.
Fit = Callable[[Hyperparams, Report, int], FitResult]
#: ``on_trial({"study", "trial", "state", "value"})`` after every trial this worker finishes.
OnTrial = Callable[[dict[str, Any]], None]
FINGERPRINT_ATTR = "data_fingerprint"
RUN_ID_ATTR = "run_id"


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
        worker_id: mixed into this worker's sampler seeds (:func:`sampler_seed`); ``None`` or 0: every
            worker seeds each trial from the study seed and the trial's slot alone.
        threads: torch intra-op threads while the study runs (restored afterwards); 1 suits small
            linear-probing workloads and one worker per core; ``None`` leaves the caller's setting.
        poll_seconds: how often a worker waiting for RUNNING trials of other workers re-checks the study.
    """

    n_trials: int = 50
    space: SearchSpace = field(default_factory=SearchSpace)
    warmup_epochs: int = 5
    startup_trials: int = 5
    worker_id: int | None = None
    threads: int | None = 1
    poll_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.n_trials < 1:
            raise ValueError(f"n_trials must be >= 1, got {self.n_trials}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be >= 1 or None, got {self.threads}")
        if self.poll_seconds <= 0:
            raise ValueError(f"poll_seconds must be > 0, got {self.poll_seconds}")


class SurplusTrialError(Exception):
    """Raised inside a trial that would exceed the study's trial count; the trial ends FAIL."""


def counted_trials(study: optuna.Study) -> int:
    """COMPLETE + PRUNED trials of ``study``."""
    return len(study.get_trials(deepcopy=False, states=COUNTED_STATES))


def sampler_seed(study_seed: int, worker_id: int) -> int:
    """A seed derived from ``study_seed`` and a number: the study seed itself for 0, else a hash of both.

    ``seed = study_seed`` if ``worker_id == 0`` else ``int(sha256(f"{study_seed}/{worker_id}")[:4 bytes])``.
    Used for a worker's base seed and, on top of it, for each trial's slot.
    """
    if worker_id == 0:
        return study_seed
    digest = hashlib.sha256(f"{study_seed}/{worker_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def trial_slot(study: optuna.Study, number: int) -> int:
    """The slot of trial ``number``: how many trials with a smaller number did not fail."""
    return sum(
        t.number < number and t.state != TrialState.FAIL for t in study.get_trials(deepcopy=False)
    )


class SlotSeededTPE(optuna.samplers.TPESampler):
    """TPE (multivariate, constant liar) reseeded before each trial with ``sampler_seed(base, slot)``.

    Args:
        base_seed: the study seed, or a worker's seed derived from it.
        n_startup_trials: random trials before TPE models the history (Optuna's default 10).
    """

    def __init__(self, base_seed: int, n_startup_trials: int = 10) -> None:
        self.base_seed = base_seed
        self.current_seed = base_seed
        self._startup = n_startup_trials
        super().__init__(
            seed=base_seed, multivariate=True, constant_liar=True, n_startup_trials=n_startup_trials
        )

    def before_trial(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        """Reset the random state from the trial's slot, then run TPE's own preparation."""
        self.current_seed = sampler_seed(self.base_seed, trial_slot(study, trial.number))
        super().__init__(
            seed=self.current_seed,
            multivariate=True,
            constant_liar=True,
            n_startup_trials=self._startup,
        )
        super().before_trial(study, trial)


def claim_slot(study: optuna.Study, trial: optuna.Trial, n_trials: int) -> None:
    """Let ``trial`` run only if fewer than ``n_trials`` trials with a smaller number are not FAILED.

    Raises:
        SurplusTrialError: the slot is taken (another worker won the race); ``failure`` says ``surplus``.
    """
    earlier = sum(
        t.number < trial.number and t.state != TrialState.FAIL
        for t in study.get_trials(deepcopy=False)
    )
    if earlier >= n_trials:
        trial.set_user_attr("failure", "surplus: the study already has its trials")
        raise SurplusTrialError(study.study_name)


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Set torch's intra-op threads to ``threads`` inside the block and restore the caller's afterwards."""
    if threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


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
    run_id: str | None = None,
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
        run_id: the identity of the run directory (``run.json``); every worker of a study must write to
            the same (shared) run directory.

    Raises:
        FingerprintMismatchError: the study exists with another data fingerprint.
        StorageError: the study belongs to another run directory (e.g. a node-local one).
    """
    study, _ = _create_or_load(key.name, storage)
    if fingerprint is not None:
        check_fingerprint(study, fingerprint)
    if run_id is not None and _bind_attr(study, RUN_ID_ATTR, run_id) != run_id:
        raise StorageError(
            f"study {key.name!r} writes to the run directory with id "
            f"{study.user_attrs[RUN_ID_ATTR]}, but this worker's run directory {predictions_dir.parent} "
            f"has id {run_id}: every worker (every machine) must use ONE run directory on a shared file "
            "system, or results and predictions are scattered over nodes"
        )
    sampler = SlotSeededTPE(sampler_seed(key.seed, config.worker_id or 0))
    study = optuna.load_study(
        study_name=key.name,
        storage=storage,
        sampler=sampler,
        pruner=optuna.pruners.MedianPruner(
            n_startup_trials=config.startup_trials, n_warmup_steps=config.warmup_epochs
        ),
    )
    _fail_dead_trials(study)
    if counted_trials(study) >= config.n_trials:
        logger.info("study %s is finished (%d trials); not rerun", key.name, counted_trials(study))
        return study
    predictions_dir.mkdir(parents=True, exist_ok=True)

    def objective(trial: optuna.Trial) -> float:
        trial.set_user_attr(WORKER_ATTR, worker_identity())
        trial.set_user_attr("sampler_seed", sampler.current_seed)
        claim_slot(study, trial, config.n_trials)
        params = config.space.suggest(trial)

        def report(epoch: int, value: float) -> None:
            trial.report(value, step=epoch)
            if trial.should_prune():
                raise optuna.TrialPruned(f"epoch {epoch}: {value:.4f} below the median")

        # a retried trial inherits the attributes of its failed parent: clear the failure reason
        trial.set_user_attr("failure", None)
        # seeded by slot, like the sampler: a trial retried after a kill repeats the killed one exactly
        result = fit(params, report, key.seed * 100_003 + trial_slot(study, trial.number))
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

    with torch_threads(config.threads):
        while True:
            _fail_dead_trials(study)
            trials = study.get_trials(deepcopy=False)
            counted = sum(t.state in COUNTED_STATES for t in trials)
            if counted >= config.n_trials:
                break
            if counted + sum(t.state == TrialState.RUNNING for t in trials) >= config.n_trials:
                time.sleep(config.poll_seconds)  # a RUNNING trial of another worker may still fail
                continue
            study.optimize(
                objective,
                n_trials=1,
                callbacks=[after_trial],
                catch=(SurplusTrialError,),
                gc_after_trial=False,
            )
    if models_dir is not None:
        prune_kept_models(study, models_dir / key.slug)
    return study


def _create_or_load(name: str, storage: BaseStorage) -> tuple[optuna.Study, bool]:
    """The study ``name`` and whether this call created it (exactly one concurrent caller does)."""
    try:
        return optuna.create_study(study_name=name, storage=storage, direction="maximize"), True
    except optuna.exceptions.DuplicatedStudyError:
        return optuna.load_study(study_name=name, storage=storage), False


def _fail_dead_trials(study: optuna.Study) -> None:
    fail_dead_local_trials(study)
    fail_stale_trials(study)


def check_fingerprint(study: optuna.Study, fingerprint: DataFingerprint) -> None:
    """Record ``fingerprint`` on a new study; raise if the study was created with other data.

    Raises:
        FingerprintMismatchError: naming both digests and what they cover.
    """
    recorded = _bind_attr(
        study, FINGERPRINT_ATTR, {"digest": fingerprint.digest, **fingerprint.description}
    )
    if recorded["digest"] != fingerprint.digest:
        raise FingerprintMismatchError(
            f"study {study.study_name!r} was run on data {recorded['digest'][:16]} ({recorded}); this "
            f"call gives data {fingerprint.digest[:16]} ({fingerprint.description}): the subset, the test "
            "sets or the encoder differ. Use another experiment name, or delete the study to rerun it"
        )


def _bind_attr(study: optuna.Study, name: str, value: Any) -> Any:
    """Record ``value`` as the study's user attribute ``name`` unless it has one; return the recorded one."""
    if name not in study.user_attrs:
        study.set_user_attr(name, value)
    return study.user_attrs[name]


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
                "sampler_seed": attrs.get("sampler_seed"),
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
