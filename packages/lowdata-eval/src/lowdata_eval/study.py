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
  best epoch, best validation value, the test metric of its best checkpoint and the file of its test logits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
from optuna.storages import BaseStorage
from optuna.trial import TrialState

from lowdata_eval.search_space import Hyperparams, SearchSpace
from lowdata_eval.selection import FitResult, Report
from lowdata_eval.storage import WORKER_ATTR, fail_dead_local_trials, worker_identity

logger = logging.getLogger(__name__)
COUNTED_STATES = (TrialState.COMPLETE, TrialState.PRUNED)

#: ``fit(params, report, seed)`` trains one trial and returns its :class:`FitResult`.
Fit = Callable[[Hyperparams, Report, int], FitResult]


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
) -> optuna.Study:
    """Create or load the study of ``key`` and run trials until exactly ``config.n_trials`` are counted.

    Args:
        key: the study's coordinates.
        fit: trains one trial.
        storage: shared Optuna storage.
        config: trial count, search space and pruner settings.
        predictions_dir: where each completed trial's test logits are saved (``.npy``).
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

        result = fit(params, report, key.seed * 100_003 + trial.number)
        path = predictions_dir / f"{key.slug}__trial{trial.number}.npy"
        np.save(path, result.test_logits.astype(np.float32))
        for name, value in (
            ("best_epoch", result.best_epoch),
            ("best_val", result.best_val),
            ("test_metric", result.test_metric),
            ("seconds", round(result.seconds, 3)),
            ("train_loss", [round(v, 6) for v in result.train_loss]),
            ("test_logits_file", path.name),
        ):
            trial.set_user_attr(name, value)
        return result.best_val

    study.optimize(
        objective,
        callbacks=[optuna.study.MaxTrialsCallback(config.n_trials, states=COUNTED_STATES)],
        catch=(SurplusTrialError,),
        gc_after_trial=False,
    )
    return study


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
                "test_metric": attrs.get("test_metric"),
                "seconds": attrs.get("seconds"),
                "test_logits_file": attrs.get("test_logits_file"),
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
