"""Stage 5, ``evaluate``: every encoder on every task under the realistic low-data protocol (lowdata-eval).

For each encoder x task x protocol, one ``run_protocol`` call: for each label fraction and seed the same
fraction of BOTH the OAI training and validation pools (identical subsets for every encoder: the paired
design), one Optuna TPE study with median pruning, the best-validation model evaluated on the OAI test split
(``test``) and on the whole MOST cohort (``most``, external validation) from the SAME search.

Linear probing runs on features computed once per encoder (cached under ``evaluate/features/``); fine-tuning
trains the encoder + a new head on the ROIs (uint8, per-sample augmentation on the device). Studies live in
the run's Optuna journal (``optuna.journal``), so a killed run loses at most the trial in flight.
Outputs (run folder): ``results.csv``, ``trials.parquet``, ``predictions/``, ``models/`` (lowdata-eval), and
``evaluate/tables/<task>.parquet`` (the evaluated rows: the row order of every logits file).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.config import BenchConfig
from bench.labelled import labelled_rois
from bench.localize import LocalizeOutputs
from bench.markers import combine, write_atomically
from bench.pretrain import PretrainOutputs
from bench.progress import Reporter
from bench.runtime import resolve_device
from bench.world import WorldOutputs

#: The test sets of every study: the OAI test split and MOST as external validation.
TEST_SETS = ("test", "most")


@dataclass(frozen=True)
class Encoder:
    """An encoder to evaluate: a method name and its checkpoint.

    ``path`` is relative to the run folder (the run's own encoders) or absolute (encoders given by the user).
    """

    name: str
    path: Path
    sha256: str

    def file(self, run_dir: Path) -> Path:
        """The checkpoint file."""
        return run_dir / self.path


def task_tables(
    config: BenchConfig, world: WorldOutputs, localize: LocalizeOutputs, folder: Path
) -> dict[str, pd.DataFrame]:
    """Per task: OAI rows (train / val / test) + MOST rows (split ``most``), each with its ROI index."""
    tables = {}
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    notes = {}
    for task in config.evaluate.tasks:
        parts, missing = [], 0
        for cohort in ("oai", "most"):
            if not world.labels(cohort, task).is_file():
                continue
            rows = labelled_rois(world, localize, cohort, task)
            table = rows.table
            if cohort == "most":
                table = table.assign(split="most")
            parts.append(table)
            missing += rows.n_without_roi
        table = pd.concat(parts, ignore_index=True)
        table["participant_id"] = table["cohort"] + ":" + table["participant_id"].astype(str)
        keep = ["participant_id", "side", "cohort", "label", "baseline_kl", "split", "roi_index"]
        table = table[keep].reset_index(drop=True)
        write_atomically(
            folder / "tables" / f"{task}.parquet", lambda p, t=table: t.to_parquet(p, index=False)
        )
        tables[task] = table
        notes[task] = {"rows": len(table), "rows_without_roi": missing}
    write_atomically(
        folder / "tables" / "counts.json",
        lambda p: p.write_text(json.dumps(notes, indent=2), encoding="utf-8"),
    )
    return tables


def encoders_to_evaluate(config: BenchConfig, pretrain: PretrainOutputs) -> list[Encoder]:
    """The configured methods whose encoder exists (ImageNet without weights is skipped, and reported)."""
    registry = pretrain.read_encoders()
    chosen = []
    for name in config.evaluate.methods:
        entry = registry.get(name)
        if entry and entry.get("available"):
            chosen.append(Encoder(name, Path(entry["path"]), entry["sha256"]))
    return chosen


def run(
    config: BenchConfig,
    world: WorldOutputs,
    localize: LocalizeOutputs,
    pretrain: PretrainOutputs,
    folder: Path,
    reporter: Reporter,
    *,
    encoders: Sequence[Encoder] | None = None,
    storage_url: str | None = None,
    order_seed: int | None = None,
) -> None:
    """Run every study (or only those of ``encoders``), resuming finished ones from the storage.

    The studies are visited encoder by encoder, protocol by protocol, task by task; ``order_seed`` (a
    ``bench worker``) visits the same (encoder, protocol, task) units in a seeded random order instead, so
    that several processes spread over the studies rather than queue on the same one. Every study still
    ends with exactly its trial count, whoever runs its trials.
    """
    from lowdata_eval import open_storage

    run_dir = config.run_dir
    tables = task_tables(config, world, localize, folder)
    chosen = list(encoders) if encoders is not None else encoders_to_evaluate(config, pretrain)
    storage = open_storage(run_dir, storage_url)
    rois = np.load(localize.rois, mmap_mode="r")
    needed = np.unique(np.concatenate([t["roi_index"].to_numpy() for t in tables.values()]))
    settings = config.evaluate
    total = sum(
        len(settings.fractions[t]) * len(settings.seeds) * settings.trials[p]
        for t in settings.tasks
        for p in settings.protocols
    ) * len(chosen)
    reporter.start("evaluate", "evaluate: trials", total)
    units = [(e, p, t) for e in chosen for p in settings.protocols for t in tables]
    if order_seed is not None:  # a worker: start where the others are not
        random.Random(order_seed).shuffle(units)
    features: dict[str, Any] = {}
    for encoder, protocol, task in units:
        if protocol == "lp" and encoder.name not in features:
            features[encoder.name] = _features(config, encoder, rois, needed, folder / "features")
        _run_one(
            config,
            encoder,
            task,
            protocol,
            tables[task],
            rois,
            features.get(encoder.name) if protocol == "lp" else None,
            storage,
            reporter,
        )
    reporter.finish("evaluate")


def _run_one(
    config: BenchConfig,
    encoder: Encoder,
    task: str,
    protocol: str,
    table: pd.DataFrame,
    rois: np.ndarray,
    features: Any,
    storage: Any,
    reporter: Reporter,
    *,
    kind: Any = None,
    label_col: str | Sequence[str] = "label",
    fractions: Sequence[float] | None = None,
) -> None:
    """One encoder x task x protocol: every (fraction, seed) study of lowdata-eval's ``run_protocol``.

    ``kind`` (a lowdata-eval ``TaskSpec``), ``label_col`` and ``fractions`` default to the knee task's
    (KL: 5 classes; incidence / progression: binary; ``[evaluate] fractions``); the control experiments
    (:mod:`bench.controls`) give their own.
    """
    import torch
    from lowdata_eval import (
        EncoderWithHead,
        ProtocolSpec,
        SearchSpace,
        StudyConfig,
        TaskKind,
        TaskSpec,
        finetune_fits,
        linear_probe_fits,
        run_protocol,
        task_targets,
    )
    from ssl_objectives import load_encoder

    settings = config.evaluate
    test_splits = tuple(s for s in TEST_SETS if (table["split"] == s).any())
    spec = ProtocolSpec(
        config.name,
        encoder.name,
        task,
        protocol,
        fractions=settings.fractions[task] if fractions is None else fractions,
        seeds=settings.seeds,
        label_col=label_col,
        test_splits=test_splits,
    )
    if kind is None:
        kind = (
            TaskSpec(TaskKind.MULTICLASS, n_classes=5)
            if task == "kl"
            else TaskSpec(TaskKind.BINARY)
        )
    targets = task_targets(table, spec, kind)
    device = resolve_device(config.device)
    rows = table["roi_index"].to_numpy()
    if protocol == "lp":
        make_fit = linear_probe_fits(features[rows], targets, kind, device=device)
    else:
        images = torch.from_numpy(np.ascontiguousarray(rois[rows]))

        def factory(n_outputs: int) -> torch.nn.Module:
            backbone = load_encoder(encoder.file(config.run_dir))
            return EncoderWithHead(backbone, backbone.feature_dim, n_outputs)

        make_fit = finetune_fits(
            images,
            targets,
            kind,
            factory,
            augment(config),
            device=device,
            batch_size=settings.batch_size,
        )
    low, high = settings.epochs[protocol]
    study = StudyConfig(
        n_trials=settings.trials[protocol],
        space=SearchSpace(epochs=(low, high)),
        warmup_epochs=min(5, low),
    )
    label = f"{encoder.name} {task} {protocol}"
    run_protocol(
        spec,
        table,
        make_fit,
        config.run_dir,
        storage,
        study,
        encoder_id=(encoder.path.as_posix(), encoder.sha256),
        on_trial=_trial_callback(reporter, label),
    )


def _trial_callback(reporter: Reporter, label: str) -> Callable[[dict[str, Any]], None]:
    def on_trial(info: dict[str, Any]) -> None:
        value = info.get("value")
        shown = f"{value:.3f}" if isinstance(value, float) else "-"
        reporter.advance(
            "evaluate", detail=f"{label} trial {info.get('trial')} {info.get('state')} {shown}"
        )

    return on_trial


def augment(config: BenchConfig) -> Any:
    """The fine-tuning / evaluation transform at the configured size (the paper's 256 -> 224 ratio)."""
    from lowdata_eval import FineTuneAugment

    size = config.evaluate.image_size
    return FineTuneAugment(crop=size, resize=max(size, round(size * 256 / 224)))


def _features(
    config: BenchConfig, encoder: Encoder, rois: np.ndarray, needed: np.ndarray, folder: Path
) -> Any:
    """Frozen features ``[N_rois, D]`` of the ``needed`` ROIs (other rows zero), once per encoder, cached."""
    import torch
    from lowdata_eval import extract_features
    from ssl_objectives import load_encoder

    folder.mkdir(parents=True, exist_ok=True)
    digest = combine(
        encoder.sha256, str(rois.shape), config.section_hash("evaluate"), str(needed.tolist())
    )
    path = folder / f"{encoder.name}.npy"
    marker = folder / f"{encoder.name}.json"
    if path.is_file() and marker.is_file() and json.loads(marker.read_text())["hash"] == digest:
        return torch.from_numpy(np.load(path))
    device = resolve_device(config.device)
    computed = extract_features(
        load_encoder(encoder.file(config.run_dir)),
        rois[needed],
        augment(config).evaluate,
        device=device,
    )
    features = torch.zeros(len(rois), computed.shape[1])
    features[torch.from_numpy(needed)] = computed
    write_atomically(path, lambda p: np.save(p, features.numpy()))
    write_atomically(marker, lambda p: p.write_text(json.dumps({"hash": digest}), encoding="utf-8"))
    return features
