"""The study as one function: ``run(config)`` runs the stages in the order of the paper's Figure 1.

    world -> localize -> reports -> pretrain -> evaluate -> report

Each stage reads only earlier stages' outputs and writes ``<run>/<stage>/done.json`` holding the hash of its
settings and of the markers of the stages it reads. A rerun skips every stage whose hash is unchanged; a
changed setting reruns that stage and every stage after it. A stage interrupted with the SAME settings
resumes (the localize chunks, the pretraining epochs and the Optuna trials are checkpointed); one whose
settings changed starts over from an empty folder. The ``report`` stage always runs (it only reads).

A failing stage stops the run with :class:`~bench.errors.StageError` (one line: stage, what, where the full
traceback is: ``<run>/logs/<stage>.log``).
"""

from __future__ import annotations

import json
import logging
import platform
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import controls
from bench import evaluate as evaluate_stage
from bench import localize as localize_stage
from bench import pretrain as pretrain_stage
from bench import reports as reports_stage
from bench import world as world_stage
from bench.config import BenchConfig
from bench.encoder_changes import forget_changed_encoders
from bench.errors import ConfigError, DataError, LeakageError, StageError
from bench.markers import combine, is_done, read_json, read_marker, write_marker
from bench.progress import LogReporter, Reporter

logger = logging.getLogger("bench")

STAGES = ("world", "localize", "reports", "pretrain", "evaluate", "report")
#: The stages with a done-marker (``report`` always runs: it only reads).
MARKED_STAGES = STAGES[:-1]
STARTED = "started.json"
#: Run-level files written by the evaluate stage (lowdata-eval's outputs); removed when it starts over.
EVALUATE_OUTPUTS = ("results.csv", "trials.parquet", "predictions", "models", "optuna.journal")
EXTRA_ENCODERS = "extra_encoders.json"
#: The key of :func:`stage_hashes` naming the hash an evaluation begun under (its ``started.json``).
EVALUATE_BEGUN = "evaluate_begun"


@dataclass
class RunResult:
    """What a run did: seconds per stage run now, and the stages found up to date."""

    run_dir: Path
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def run(
    config: BenchConfig,
    reporter: Reporter | None = None,
    *,
    fresh: bool = False,
    storage_url: str | None = None,
    stop_after: str | None = None,
) -> RunResult:
    """Run (or resume) the whole study of ``config``; return what ran.

    ``stop_after`` (a marked stage) ends the run once that stage is done, e.g. ``"reports"`` before
    pretraining with ``bench pretrain`` under torchrun on several nodes.
    """
    if stop_after is not None and stop_after not in MARKED_STAGES:
        raise ConfigError(f"--stop-after {stop_after!r}: one of {', '.join(MARKED_STAGES)}")
    reporter = reporter or LogReporter()
    run_dir = config.run_dir
    if fresh and run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "logs").mkdir(exist_ok=True)
    (run_dir / "config.toml").write_text(config.to_toml(), encoding="utf-8")
    write_environment(config, run_dir)
    result = RunResult(run_dir)
    if controls.evaluates_datasets(config):  # chest / Imagenette controls: no knee stages
        return controls.run_datasets(config, reporter, result, storage_url)
    world = world_stage.WorldOutputs(run_dir / "world")
    localize = localize_stage.LocalizeOutputs(run_dir / "localize")
    reports = reports_stage.ReportsOutputs(run_dir / "reports")
    pretrain = pretrain_stage.PretrainOutputs(run_dir / "pretrain")

    extras = read_extra_encoders(run_dir)
    hashes = stage_hashes(config, extras)
    _stage(
        config,
        "world",
        hashes["world"],
        lambda: world_stage.run(config, world.folder, reporter),
        result,
        reporter,
    )
    if stop_after == "world":
        return result
    _stage(
        config,
        "localize",
        hashes["localize"],
        lambda: localize_stage.run(config, world, localize.folder, reporter),
        result,
        reporter,
    )
    if stop_after == "localize":
        return result
    _stage(
        config,
        "reports",
        hashes["reports"],
        lambda: reports_stage.run(config, world, reports.folder, reporter),
        result,
        reporter,
    )
    if stop_after == "reports":
        return result
    _stage(
        config,
        "pretrain",
        hashes["pretrain"],
        lambda: pretrain_stage.run(config, world, localize, reports, pretrain.folder, reporter),
        result,
        reporter,
    )
    if controls.has_knee_controls(config):  # scaling subsets, MAE mask ratios: bench.controls
        _stage(
            config,
            controls.CONTROLS,
            hashes[controls.CONTROLS],
            lambda: controls.pretrain_knee_controls(
                config, localize, run_dir / controls.CONTROLS, reporter
            ),
            result,
            reporter,
        )
    if stop_after == "pretrain":
        return result
    hashes = stage_hashes(config, extras)  # the evaluate hash covers the encoders just registered
    encoders = evaluation_encoders(config, pretrain, extras)

    def evaluate() -> None:
        forgotten = forget_changed_encoders(config, encoders, storage_url)
        if forgotten:
            reporter.note(f"evaluate: {len(forgotten)} studies of changed encoders start over")
        evaluate_stage.run(
            config,
            world,
            localize,
            pretrain,
            run_dir / "evaluate",
            reporter,
            encoders=encoders,
            storage_url=storage_url,
        )

    _stage(
        config,
        "evaluate",
        hashes["evaluate"],
        evaluate,
        result,
        reporter,
        start_over_hash=hashes[EVALUATE_BEGUN],
        run_outputs=EVALUATE_OUTPUTS,
    )
    if stop_after == "evaluate":
        return result
    from bench import report as report_stage

    began = time.perf_counter()
    _guarded(run_dir, "report", lambda: report_stage.build(run_dir, reporter))
    result.seconds["report"] = time.perf_counter() - began
    return result


def stage_hashes(config: BenchConfig, extras: dict[str, dict[str, str]]) -> dict[str, str]:
    """The done-marker hash of every marked stage, plus ``EVALUATE_BEGUN``.

    Each hash combines the settings the stage reads with the hashes of the stages it reads from.
    The ``evaluate`` hash also covers the SHA-256 of every encoder in the pretrain stage's registry (a
    checkpoint rewritten by ``bench pretrain`` makes the evaluation rerun: only the studies of the changed
    encoder are recomputed, see :mod:`bench.encoder_changes`).
    ``EVALUATE_BEGUN`` is the evaluation's hash without the encoders added by ``bench evaluate`` and without
    the encoder SHAs: an evaluation that began under it continues (only new or changed encoders' studies
    run), any other starts over.
    ``bench worker`` joins an evaluation only while its ``started.json`` holds this hash.
    """
    world = combine(config.section_hash("world", "data", "splits", "seed"), _horizons(config))
    localize = combine(
        world,
        config.section_hash("localize", "weights"),
        json.dumps([config.pretrain.corpus, config.world.localizer_phantoms]),
    )
    reports = combine(world, config.section_hash("reports"), str(config.weights.bert))
    pretrain = combine(
        localize,
        reports,
        config.section_hash("pretrain", "weights", "seed"),
        json.dumps([config.evaluate.image_size, config.evaluate.batch_size]),
    )
    begun = combine(pretrain, config.section_hash("evaluate", "seed", "name"))
    marked = {}
    if controls.has_knee_controls(config):
        marked[controls.CONTROLS] = combine(pretrain, controls.controls_hash(config))
        begun = combine(begun, marked[controls.CONTROLS])
    evaluated = {"extras": extras, "run_encoders": registry_shas(config.run_dir)}
    return {
        **marked,
        "world": world,
        "localize": localize,
        "reports": reports,
        "pretrain": pretrain,
        "evaluate": combine(begun, json.dumps(evaluated, sort_keys=True)),
        EVALUATE_BEGUN: begun,
    }


def registry_shas(run_dir: Path) -> dict[str, str]:
    """``{method: sha256}`` of the available encoders in ``pretrain/encoders.json`` (``{}`` before it)."""
    registry = read_json(run_dir / "pretrain" / "encoders.json") or {}
    return {
        name: str(entry["sha256"]) for name, entry in registry.items() if entry.get("available")
    }


def _horizons(config: BenchConfig) -> str:
    return json.dumps(config.evaluate.horizon_months, sort_keys=True)


def evaluation_encoders(
    config: BenchConfig,
    pretrain: pretrain_stage.PretrainOutputs,
    extras: dict[str, dict[str, str]],
) -> list[evaluate_stage.Encoder]:
    """Every encoder a knee run evaluates: the pretrain stage's, ``bench evaluate``'s and the controls'."""
    return [
        *evaluate_stage.encoders_to_evaluate(config, pretrain),
        *extra_encoders(extras),
        *controls.control_encoders(config.run_dir),
    ]


def extra_encoders(extras: dict[str, dict[str, str]]) -> list[evaluate_stage.Encoder]:
    """The encoders of :func:`read_extra_encoders` as :class:`~bench.evaluate.Encoder` entries."""
    return [
        evaluate_stage.Encoder(name, Path(e["path"]), e["sha256"]) for name, e in extras.items()
    ]


def read_extra_encoders(run_dir: Path) -> dict[str, dict[str, str]]:
    """Encoders added with ``bench evaluate`` (name -> path, sha256)."""
    return read_json(run_dir / EXTRA_ENCODERS) or {}


def _stage(
    config: BenchConfig,
    name: str,
    stage_hash: str,
    work: Callable[[], Any],
    result: RunResult,
    reporter: Reporter,
    *,
    start_over_hash: str | None = None,
    run_outputs: tuple[str, ...] = (),
) -> None:
    """Run one stage unless up to date; start it over when its settings changed since it began."""
    folder = config.run_dir / name
    if is_done(folder, stage_hash):
        result.skipped.append(name)
        reporter.note(f"{name}: up to date")
        return
    begin_stage(config.run_dir, name, start_over_hash or stage_hash, run_outputs)
    began = time.perf_counter()
    _guarded(config.run_dir, name, work)
    seconds = time.perf_counter() - began
    previous = read_marker(folder)
    total = seconds + float(previous.get("seconds", 0.0)) if previous else seconds
    write_marker(folder, stage_hash, total)
    result.seconds[name] = seconds


def begin_stage(
    run_dir: Path, name: str, begun_hash: str, run_outputs: tuple[str, ...] = ()
) -> None:
    """Prepare ``run_dir/name`` for work begun under ``begun_hash``.

    A folder begun under another hash (or without ``started.json``) is removed with the stage's run-level
    ``run_outputs``: it starts over; one begun under the same hash is kept (the stage resumes). Then
    ``started.json`` records the hash.
    """
    folder = run_dir / name
    started = read_json(folder / STARTED)
    if folder.exists() and (started is None or started.get("hash") != begun_hash):
        shutil.rmtree(folder)
        for output in run_outputs:
            path = run_dir / output
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STARTED).write_text(json.dumps({"hash": begun_hash}), encoding="utf-8")


def _guarded(run_dir: Path, name: str, work: Callable[[], Any]) -> Any:
    """Run ``work``; on failure write the traceback to ``logs/<name>.log`` and raise a one-line error."""
    log = run_dir / "logs" / f"{name}.log"
    try:
        return work()
    except (ConfigError, DataError, LeakageError):
        log.write_text(traceback.format_exc(), encoding="utf-8")
        raise
    except Exception as exc:
        log.write_text(traceback.format_exc(), encoding="utf-8")
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StageError(name, f"{type(exc).__name__}: {message}", str(log)) from exc


def write_environment(config: BenchConfig, run_dir: Path) -> None:
    """``env.json``: versions of every workspace package and key dependency, the device, the host."""
    from importlib.metadata import PackageNotFoundError, version

    from bench.runtime import device_description, resolve_device

    packages = (
        "bench",
        "oa-tasks",
        "knee-localize",
        "report-deid",
        "ssl-objectives",
        "lowdata-eval",
        "torch",
        "torchvision",
        "optuna",
        "pydicom",
        "presidio-analyzer",
        "transformers",
        "numpy",
        "pandas",
    )
    versions = {}
    for package in packages:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    env = {
        "versions": versions,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "device": device_description(resolve_device(config.device)),
    }
    (run_dir / "env.json").write_text(json.dumps(env, indent=2), encoding="utf-8")
