"""Optuna storages: a journal file per run directory (one machine) or PostgreSQL (several machines).

- default: ``JournalStorage(JournalFileBackend(<run_dir>/optuna.journal))``; several worker processes on one
  machine may share it (the file backend locks). The journal has no heartbeat, so a trial whose worker died
  is detected on this host by its recorded process (host, pid, start time) and failed before new trials
  are counted (:func:`fail_dead_local_trials`).
- ``postgresql://user:pass@host/db``: ``RDBStorage`` with a heartbeat every 30 s and a 120 s grace period;
  stale trials are failed with ``failure = "heartbeat: ..."`` (:func:`fail_stale_trials`) and retried once
  with the same parameters. Every worker must write to ONE run directory on a shared file system.
- SQLite is refused: it is not safe for several writers.
"""

from __future__ import annotations

import copy
import datetime
import inspect
import logging
import os
import socket
import warnings
from pathlib import Path
from typing import Any

import optuna
from optuna.storages import BaseStorage, JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from lowdata_eval.errors import StorageError

logger = logging.getLogger(__name__)
JOURNAL_FILE = "optuna.journal"
HEARTBEAT_SECONDS = 30
GRACE_SECONDS = 120
WORKER_ATTR = "worker"


def open_storage(
    run_dir: Path,
    url: str | None = None,
    *,
    heartbeat_seconds: int = HEARTBEAT_SECONDS,
    grace_seconds: int = GRACE_SECONDS,
) -> BaseStorage:
    """Open the storage of a run.

    Args:
        run_dir: the run directory (holds the journal file by default).
        url: ``None`` for the journal file, a ``postgresql://`` (or ``mysql://``) URL for an RDB, or the path
            of a journal file.
        heartbeat_seconds: RDB only: how often a running trial sends its heartbeat.
        grace_seconds: RDB only: a trial without heartbeat for this long is failed and retried.

    Raises:
        StorageError: SQLite, an unknown scheme, or a database that cannot be reached.
    """
    if url is None or url.endswith(".journal"):
        path = Path(url) if url else Path(run_dir) / JOURNAL_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        return JournalStorage(JournalFileBackend(str(path)))
    if url.startswith("sqlite"):
        raise StorageError(
            "SQLite is not safe for several workers; use the default journal file (one machine) or "
            "--storage postgresql://... (several machines)"
        )
    if url.startswith(("postgresql", "mysql")):
        try:
            return _rdb_storage(url, heartbeat_seconds, grace_seconds)
        except ImportError as exc:
            raise StorageError(
                f"no database driver for {_redact(url)}: pip install 'lowdata-eval[postgres]'"
            ) from exc
        except Exception as exc:  # SQLAlchemy raises driver-specific errors
            raise StorageError(
                f"cannot open the database storage: {_redact(url)} ({type(exc).__name__})"
            ) from exc
    raise StorageError(
        f"unknown storage {_redact(url)!r}: give a postgresql:// URL or a .journal path"
    )


def _rdb_storage(url: str, heartbeat_seconds: int, grace_seconds: int) -> RDBStorage:
    """RDB storage with heartbeat and one retry of stale trials (Optuna 4.2 to 5.x argument names)."""
    retry = getattr(optuna.storages, "RetryHeartbeatStaleTrialCallback", None)
    retry = retry or optuna.storages.RetryFailedTrialCallback
    accepted = inspect.signature(RDBStorage.__init__).parameters
    argument = (
        "heartbeat_stale_trial_callback"
        if "heartbeat_stale_trial_callback" in accepted
        else "failed_trial_callback"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return RDBStorage(
            url,
            heartbeat_interval=heartbeat_seconds,
            grace_period=grace_seconds,
            engine_kwargs={"pool_pre_ping": True},
            **{argument: retry(max_retry=1)},
        )


def _redact(url: str) -> str:
    """The URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        if ":" in credentials:
            return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return url


def worker_identity() -> dict[str, Any]:
    """This process: host name, pid and (on Linux) its start time, to tell a dead worker from a live one."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "start": _process_start(os.getpid())}


def _process_start(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _alive(identity: dict[str, Any]) -> bool:
    pid = int(identity.get("pid", -1))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    recorded = identity.get("start", "")
    return not recorded or recorded == _process_start(pid)


def fail_dead_local_trials(study: optuna.Study) -> int:
    """Fail RUNNING trials whose worker process on this host has died; return how many.

    Only for storages without a heartbeat (the journal file); RDB storages use Optuna's heartbeat. A trial
    that never recorded its worker is failed once it is older than the grace period.
    """
    if _rdb_backend(study._storage) is not None:
        return 0
    host = socket.gethostname()
    now = datetime.datetime.now()
    failed = 0
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        identity = trial.user_attrs.get(WORKER_ATTR)
        if identity is None:
            started = trial.datetime_start or now
            if (now - started).total_seconds() < GRACE_SECONDS:
                continue  # a worker between asking for the trial and recording itself
        elif identity.get("host") != host or _alive(identity):
            continue
        try:
            study._storage.set_trial_user_attr(trial._trial_id, "failure", "worker process died")
            if study._storage.set_trial_state_values(trial._trial_id, state=TrialState.FAIL):
                failed += 1
        except optuna.exceptions.UpdateFinishedTrialError:
            continue
    if failed:
        logger.warning("study %s: failed %d trial(s) whose worker died", study.study_name, failed)
    return failed


def fail_stale_trials(study: optuna.Study) -> int:
    """Fail RUNNING trials whose heartbeat is older than the grace period, recording why; return how many.

    Like :func:`optuna.storages.fail_stale_trials` (then the storage's retry callback enqueues each failed
    trial once more with the same parameters), but each trial first gets ``failure = "heartbeat: ..."`` so
    ``trials.parquet`` says why it failed. Storages without a heartbeat: nothing to do.
    """
    storage = study._storage
    backend = _rdb_backend(storage)
    if backend is None or backend.get_heartbeat_interval() is None:
        return 0
    grace = backend.grace_period or 2 * backend.get_heartbeat_interval()
    reason = f"heartbeat: none for {grace} s (the worker died or hung); retried once"
    failed = []
    for trial_id in backend._get_stale_trial_ids(study._study_id):
        try:
            storage.set_trial_user_attr(trial_id, "failure", reason)
            if storage.set_trial_state_values(trial_id, state=TrialState.FAIL):
                failed.append(trial_id)
        except optuna.exceptions.UpdateFinishedTrialError:
            continue  # another worker failed it first
    getter = getattr(backend, "get_heartbeat_stale_trial_callback", None)
    callback = getter() if getter is not None else backend.get_failed_trial_callback()
    for trial_id in failed:
        if callback is not None:
            callback(study, copy.deepcopy(storage.get_trial(trial_id)))
    if failed:
        logger.warning(
            "study %s: failed %d stale trial(s) (heartbeat)", study.study_name, len(failed)
        )
    return len(failed)


def _rdb_backend(storage: BaseStorage) -> RDBStorage | None:
    """The RDB storage behind ``storage`` (Optuna wraps it in a cache), or ``None``."""
    backend = getattr(storage, "_backend", storage)
    return backend if isinstance(backend, RDBStorage) else None
