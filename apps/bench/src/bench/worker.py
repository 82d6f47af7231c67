"""``bench worker``: one more process (on this or any machine) joining the evaluation studies of a run.

The run's main process (``bench run --storage URL``) builds the world, the ROIs and the encoders, then starts
the ``evaluate`` stage. A worker reads the run's resolved ``config.toml`` from the run folder, waits until
that evaluation has begun under the same settings (``evaluate/started.json`` holds the hash
:func:`bench.pipeline.stage_hashes` computes from the config) and then runs the same studies through the same
Optuna storage, visiting them in its own seeded order. The storage coordinates everything (no scheduler):

- lowdata-eval caps each study at exactly its trial count, whoever runs the trials; a process that finds a
  study full waits for its running trials and moves on, and a finished study is never rerun;
- on PostgreSQL every running trial sends a heartbeat; the trial of a killed worker is failed after the grace
  period and retried once with the same parameters and seed, so a kill loses at most the trial in flight;
- results rows, trials and kept models are written to the ONE shared run folder under a file lock.

The worker never writes a done-marker and never builds the report: the main process does both once every
study is complete. The run folder (config, ROI store, encoder checkpoints, results) must be on a file system
that every node sees at the same or any path (the worker takes the folder it is given, not the path in the
config).
"""

from __future__ import annotations

import os
import socket
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.config import BenchConfig, load_config
from bench.errors import ConfigError, DataError
from bench.markers import read_json
from bench.progress import Reporter

STARTED = "started.json"


@dataclass(frozen=True)
class WorkerResult:
    """What one worker did.

    Attributes:
        trials: trials this process finished (complete, pruned or failed).
        waited_seconds: time spent waiting for the run's evaluation to begin.
        already_done: the evaluation was finished before this worker joined (nothing ran).
    """

    trials: int
    waited_seconds: float
    already_done: bool


def run_config(run_dir: Path, *, device: str | None = None) -> BenchConfig:
    """The resolved config a run was started with, re-rooted at ``run_dir`` (as this machine sees it).

    Raises:
        DataError: ``run_dir`` holds no ``config.toml`` (not a run folder, or the run has not started).
        ConfigError: the folder's name is not the run's name (a renamed copy is another run).
    """
    run_dir = Path(run_dir).resolve()
    path = run_dir / "config.toml"
    if not path.is_file():
        raise DataError(
            f"{path} not found: give a run folder (runs/<name>) whose main process has started "
            "(`bench run --storage ...`)"
        )
    overrides: dict[str, object] = {"runs_dir": str(run_dir.parent)}
    if device is not None:
        overrides["device"] = device
    config = load_config(path, overrides=overrides)
    if config.name != run_dir.name:
        raise ConfigError(
            f"the run in {run_dir} is named {config.name!r} in its config.toml; a worker joins the folder "
            "of that name (runs/<name>)"
        )
    return config


def evaluation_state(run_dir: Path) -> tuple[BenchConfig, str]:
    """The run's config and its evaluation's state: ``waiting``, ``running`` or ``done``.

    ``running`` means the main process has begun the evaluation under the settings of the current
    ``config.toml``; ``done`` that it has finished it.
    """
    from bench.markers import is_done
    from bench.pipeline import EVALUATE_BEGUN, read_extra_encoders, stage_hashes

    config = run_config(run_dir)
    from bench.controls import evaluates_datasets

    if evaluates_datasets(config):
        raise ConfigError(
            f"{run_dir} is a dataset run (chest / ImageFolder controls): bench worker joins knee runs "
            "only; its main process (`bench run`) evaluates it"
        )
    hashes = stage_hashes(config, read_extra_encoders(config.run_dir))
    folder = config.run_dir / "evaluate"
    if is_done(folder, hashes["evaluate"]):
        return config, "done"
    started = (read_json(folder / STARTED) or {}).get("hash")
    pretrained = is_done(config.run_dir / "pretrain", hashes["pretrain"])
    if pretrained and started == hashes[EVALUATE_BEGUN]:
        return config, "running"
    return config, "waiting"


def work(
    run_dir: Path,
    storage_url: str | None,
    reporter: Reporter,
    *,
    device: str | None = None,
    wait_seconds: float = 24 * 3600.0,
    poll_seconds: float = 5.0,
    on_wait: Callable[[str], None] | None = None,
) -> WorkerResult:
    """Wait for the run's evaluation to begin, then run its studies until every one is complete.

    Args:
        run_dir: the run folder (shared by every node).
        storage_url: the Optuna storage of the run's main process (``postgresql://...``); ``None`` for the
            run's journal file (processes on the machine that holds the run folder).
        reporter: progress of this worker's trials.
        device: overrides the config's device on this node (``cpu``, ``cuda``, ``auto``).
        wait_seconds: give up when the evaluation has not begun after this long.
        poll_seconds: how often the run folder is checked while waiting.
        on_wait: called once with a line saying what the worker waits for.

    Raises:
        DataError: the run folder is not a run, or the evaluation did not begin in time.
    """
    from bench import evaluate as evaluate_stage
    from bench.localize import LocalizeOutputs
    from bench.pipeline import evaluation_encoders, read_extra_encoders
    from bench.pretrain import PretrainOutputs
    from bench.world import WorldOutputs

    began = time.monotonic()
    told = False
    while True:
        config, state = evaluation_state(run_dir)
        if state != "waiting":
            break
        if time.monotonic() - began > wait_seconds:
            raise DataError(
                f"the evaluation of {config.run_dir} did not begin within {wait_seconds:.0f} s: is its "
                "main process (`bench run --storage ...`) running with this run folder?"
            )
        if on_wait is not None and not told:
            on_wait(f"waiting for the main process of {config.run_dir} to begin its evaluation")
            told = True
        time.sleep(poll_seconds)
    waited = time.monotonic() - began
    if state == "done":
        return WorkerResult(0, waited, already_done=True)
    if device is not None:
        config = config.model_copy(update={"device": device})
    run_dir = config.run_dir
    pretrain = PretrainOutputs(run_dir / "pretrain")
    counting = _CountingReporter(reporter)
    evaluate_stage.run(
        config,
        WorldOutputs(run_dir / "world"),
        LocalizeOutputs(run_dir / "localize"),
        pretrain,
        run_dir / "evaluate",
        counting,
        encoders=evaluation_encoders(config, pretrain, read_extra_encoders(run_dir)),
        storage_url=storage_url,
        order_seed=worker_seed(),
    )
    return WorkerResult(counting.trials, waited, already_done=False)


def worker_seed() -> int:
    """A seed that differs between the processes of a run (host and pid).

    Each worker visits the studies in its own order; no trial's parameters or data depend on it.
    """
    return zlib.crc32(f"{socket.gethostname()}:{os.getpid()}".encode())


class _CountingReporter:
    """Passes everything to ``inner`` and counts the evaluation trials this process finished."""

    def __init__(self, inner: Reporter) -> None:
        self.inner = inner
        self.trials = 0

    def start(self, key: str, description: str, total: int | None) -> None:
        self.inner.start(key, description, total)

    def advance(self, key: str, n: int = 1, detail: str = "") -> None:
        if key == "evaluate":
            self.trials += n
        self.inner.advance(key, n, detail)

    def finish(self, key: str, detail: str = "") -> None:
        self.inner.finish(key, detail)

    def note(self, line: str) -> None:
        self.inner.note(line)
