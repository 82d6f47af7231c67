"""The paper's control experiments run by ``bench run``: pretraining on other corpora, scale and MAE sweeps.

Two kinds of run, chosen by the config:

- **Dataset runs** (a ``[datasets.*]`` entry with ``evaluate`` in its ``use``: ``chest_image_ssl``,
  ``chest_convirt``, ``imagenette_sanity``). No knee world: the stages are ``data`` (``bench data``: each
  corpus decoded once into an ROI store) -> ``pretrain`` (every configured method on the training split of
  each ``pretrain`` corpus: image-only methods on its images, image-text methods on MIMIC-CXR's image-report
  pairs with a WordPiece vocabulary learnt from the training reports, or the local BERT's; Random and
  ImageNet baselines) -> ``evaluate`` (each ``evaluate`` corpus as one downstream task under lowdata-eval's
  protocol: the same fractions of the training and validation pools, Optuna studies, the best-validation
  model on the test split) -> ``report``. Chest corpora are multi-label tasks (ChestX-ray14's 14 labels,
  CheXpert's 5; macro AUROC), an ImageFolder tree a multi-class task (balanced accuracy; its ``val`` folder
  is the test split and 20 % of the training images, by a seeded hash, the validation split).
- **Knee runs with controls** (``[scaling]`` or ``[sweeps] mae_mask_ratios``: ``scaling_knee``,
  ``scaling_imagenet``, ``mae_ratios``): the knee pipeline, plus a ``controls`` stage after ``pretrain``
  that pretrains one encoder per method x corpus x subset size x permutation seed on the nested subsets of
  ``bench data`` (named ``<method>.<corpus>.n<size>.s<seed>``, :func:`bench.scaling.scaled_name`, so
  ``bench report`` draws the scaling plot) and one MAE per mask ratio on the knee corpus (``mae.mask<pct>``,
  e.g. ``mae.mask25``). These encoders join the knee evaluation like any other.

Images of a mixed corpus come from stores of different ROI sides: each part is resized (bilinear, with
antialiasing) to the largest side before pretraining.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench import evaluate as evaluate_stage
from bench import pretrain as pretrain_stage
from bench.config import IMAGE_METHODS, TEXT_METHODS, BenchConfig, DatasetConfig
from bench.errors import ConfigError, DataError
from bench.markers import combine, read_json, read_marker, write_atomically
from bench.progress import Reporter
from bench.reports import ReportsOutputs
from bench.scaling import scaled_name

CONTROLS = "controls"
#: Share of an ImageFolder tree's training images held out (by a seeded hash) as the validation split.
IMAGEFOLDER_VAL_SHARE = 0.2


def evaluates_datasets(config: BenchConfig) -> bool:
    """Whether ``config`` is a dataset run (some ``[datasets.*]`` is a downstream task)."""
    return any("evaluate" in d.roles for d in config.datasets.values())


def has_knee_controls(config: BenchConfig) -> bool:
    """Whether a knee run has a ``controls`` stage (scaling subsets or an MAE mask-ratio sweep)."""
    return config.scaling is not None or bool(config.sweeps and config.sweeps.mae_mask_ratios)


def check_dataset_run(config: BenchConfig) -> None:
    """Refuse what a dataset run does not do (named in the message).

    Raises:
        ConfigError: ``[scaling]`` / ``[sweeps]`` in a dataset run, or no corpus to pretrain on.
    """
    if config.scaling is not None or config.sweeps is not None:
        raise ConfigError(
            "[scaling] and [sweeps] run on the knee evaluation: remove them, or set the evaluated "
            "[datasets] to use = ['pretrain']"
        )
    if config.pretrain.methods and not any("pretrain" in d.roles for d in config.datasets.values()):
        raise ConfigError(
            "pretrain.methods are set but no [datasets.*] has 'pretrain' in its use: name a corpus"
        )


def mask_ratio_name(ratio: float) -> str:
    """The encoder name of the MAE pretrained with ``ratio`` (``0.25`` -> ``mae.mask25``)."""
    return f"mae.mask{round(ratio * 100)}"


# ---------------------------------------------------------------- dataset runs


def pretrain_datasets(
    config: BenchConfig, manifests: dict[str, pd.DataFrame], folder: Path, reporter: Reporter
) -> pretrain_stage.PretrainOutputs:
    """Pretrain every method on every ``pretrain`` corpus; save Random / ImageNet; write the registry.

    An encoder is named after its method when there is one pretraining corpus (the tables' rows), else
    ``<method>.<corpus>``. Image-text methods pretrain on the corpora that have reports (MIMIC-CXR).
    """
    from bench.runtime import resolve_device

    out = pretrain_stage.PretrainOutputs(folder)
    folder.mkdir(parents=True, exist_ok=True)
    device = resolve_device(config.device)
    corpora = [n for n, d in config.datasets.items() if "pretrain" in d.roles]
    encoders: dict[str, dict[str, Any]] = {}
    for corpus in corpora:
        store = config.run_dir / "data" / corpus
        rois = np.load(store / "rois.npy", mmap_mode="r")
        train = manifests[corpus][manifests[corpus]["split"] == "train"]
        if train.empty:
            raise DataError(f"datasets.{corpus}: no training image to pretrain on")
        data_hash = pretrain_stage.rows_data_hash(train, store / "rois.npy")
        for method in config.pretrain.methods:
            name = method if len(corpora) == 1 else f"{method}.{corpus}"
            if method in TEXT_METHODS:
                if not (store / "corpus.parquet").is_file():
                    continue  # an image-only corpus: the text methods pretrain on the others
                reports = _training_reports(config, store, train, folder / f"{name}.reports")
                table = train.assign(cohort="hospital")
            else:
                reports, table = ReportsOutputs(folder / "no_reports"), train
            path = pretrain_stage.pretrain_method(
                config, method, table, rois, reports, folder / name, device, data_hash, reporter
            )
            encoders[name] = pretrain_stage._entry(path, config.run_dir)
    missing = [
        m for m in config.pretrain.methods if not any(n.split(".")[0] == m for n in encoders)
    ]
    if missing:
        raise DataError(f"no corpus to pretrain {missing} on (image-text methods need MIMIC-CXR)")
    encoders.update(pretrain_stage.baseline_entries(config, folder))
    out.encoders.write_text(json.dumps(encoders, indent=2, sort_keys=True), encoding="utf-8")
    return out


def _training_reports(
    config: BenchConfig, store: Path, train: pd.DataFrame, folder: Path
) -> ReportsOutputs:
    """The report corpus of the training images and a vocabulary learnt from it (or the local BERT's)."""
    reports = ReportsOutputs(folder)
    folder.mkdir(parents=True, exist_ok=True)
    corpus = pd.read_parquet(store / "corpus.parquet")
    corpus = corpus[corpus["image_id"].isin(set(train["image_id"]))]
    if corpus.empty:
        raise DataError(f"{store.name}: no training image has a report")
    corpus.to_parquet(reports.corpus, index=False)
    if config.weights.bert is None and not (reports.tokenizer / "tokenizer.json").is_file():
        from report_deid.tokenization import train_wordpiece

        train_wordpiece(
            corpus.drop_duplicates("report_id")["impression"],
            reports.tokenizer,
            config.reports.vocab_size,
        )
    return reports


def task_table(
    dataset: DatasetConfig, manifest: pd.DataFrame, seed: int
) -> tuple[pd.DataFrame, Any, list[str]]:
    """The downstream table of an ``evaluate`` corpus, its lowdata-eval ``TaskSpec`` and label columns.

    Chest corpora: the adapter's label columns (NaN = unknown, CheXpert's ``ignore`` policy), multi-label.
    ImageFolder: ``label`` (the class index), multi-class; ``val/`` is the test split.
    """
    from lowdata_eval import TaskKind, TaskSpec

    from bench.datasets.chest import CHEXPERT_LABELS, NIH_LABELS, patient_splits

    if dataset.kind in ("chestxray14", "chexpert"):
        labels = list(NIH_LABELS if dataset.kind == "chestxray14" else CHEXPERT_LABELS)
        return manifest, TaskSpec(TaskKind.MULTILABEL, n_classes=len(labels)), labels
    table = manifest.copy()
    if (table["split"] == "val").any():  # the tree's val/ folder: the test split
        table["split"] = table["split"].replace({"val": "test"})
        train = table["split"] == "train"
        table.loc[train, "split"] = patient_splits(
            table.loc[train, "participant_id"],
            (1 - IMAGEFOLDER_VAL_SHARE, IMAGEFOLDER_VAL_SHARE),
            ("train", "val"),
            seed,
        )
    else:
        table["split"] = patient_splits(
            table["participant_id"], (0.7, 0.1, 0.2), ("train", "val", "test"), seed
        )
    if not (table["split"] == "val").any():
        raise DataError(
            f"{dataset.root}: too few training images to hold out a validation split "
            f"({IMAGEFOLDER_VAL_SHARE:.0%} by a seeded hash drew none)"
        )
    classes = int(table["label"].max()) + 1
    return table, TaskSpec(TaskKind.MULTICLASS, n_classes=max(2, classes)), ["label"]


def evaluate_datasets(
    config: BenchConfig,
    manifests: dict[str, pd.DataFrame],
    pretrain: pretrain_stage.PretrainOutputs,
    folder: Path,
    reporter: Reporter,
    storage_url: str | None,
) -> None:
    """Every encoder x ``evaluate`` corpus x protocol under the low-data protocol (see the module doc)."""
    from lowdata_eval import open_storage

    settings = config.evaluate
    storage = open_storage(config.run_dir, storage_url)
    encoders = evaluate_stage.encoders_to_evaluate(config, pretrain)
    tasks = {n: d for n, d in config.datasets.items() if "evaluate" in d.roles}
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    total = sum(
        len(d.fractions) * len(settings.seeds) * settings.trials[p]
        for d in tasks.values()
        for p in settings.protocols
    ) * len(encoders)
    reporter.start("evaluate", "evaluate: trials", total)
    for name, dataset in tasks.items():
        table, kind, labels = task_table(dataset, manifests[name], config.seed)
        keep = ["participant_id", "split", "roi_index", *labels]
        table = table[keep].reset_index(drop=True)
        write_atomically(
            folder / "tables" / f"{name}.parquet", lambda p, t=table: t.to_parquet(p, index=False)
        )
        rois = np.load(config.run_dir / "data" / name / "rois.npy", mmap_mode="r")
        needed = np.unique(table["roi_index"].to_numpy())
        for encoder in encoders:
            for protocol in settings.protocols:
                features = None
                if protocol == "lp":
                    features = evaluate_stage._features(
                        config, encoder, rois, needed, folder / "features" / name
                    )
                evaluate_stage._run_one(
                    config,
                    encoder,
                    name,
                    protocol,
                    table,
                    rois,
                    features,
                    storage,
                    reporter,
                    kind=kind,
                    label_col=labels if len(labels) > 1 else labels[0],
                    fractions=dataset.fractions,
                )
    reporter.finish("evaluate")


# ---------------------------------------------------------------- knee runs with controls


def controls_hash(config: BenchConfig) -> str:
    """The settings of the ``controls`` stage (combined with the pretrain stage's hash by the pipeline)."""
    return config.section_hash("datasets", "scaling", "sweeps", "pretrain", "seed")


def pretrain_knee_controls(
    config: BenchConfig, localize: Any, folder: Path, reporter: Reporter
) -> None:
    """Pretrain the scaling-subset and mask-ratio encoders; write ``controls/encoders.json``.

    A method's checkpoint resumes at its epoch in flight (ssl-objectives' ``pretrain``), so a killed stage
    loses at most one epoch of one encoder.
    """
    from bench.datasets.stage import run as build_data
    from bench.runtime import resolve_device

    folder.mkdir(parents=True, exist_ok=True)
    device = resolve_device(config.device)
    encoders: dict[str, dict[str, Any]] = {}
    if config.scaling is not None:
        build_data(config, config.run_dir / "data", reporter)
        subsets = pd.read_parquet(config.run_dir / "data" / "scaling.parquet")
        stores = {name: config.run_dir / "data" / name / "rois.npy" for name in config.datasets}
        stores["knee"] = localize.rois
        side = max(int(np.load(p, mmap_mode="r").shape[1]) for p in stores.values())
        methods = [m for m in config.pretrain.methods if m in IMAGE_METHODS]
        for (corpus, seed, size), subset in subsets.groupby(["corpus", "seed", "size"], sort=True):
            images = _subset_images(subset, stores, side)
            data_hash = combine(
                *(f"{p}:{i}" for p, i in zip(subset["part"], subset["roi_index"], strict=True))
            )[:16]
            seeded = config.model_copy(update={"seed": int(seed)})
            rows = pd.DataFrame({"roi_index": np.arange(len(images))})
            for method in methods:
                name = scaled_name(method, str(corpus), int(size), int(seed))
                path = pretrain_stage.pretrain_method(
                    seeded, method, rows, images, ReportsOutputs(folder), folder / name, device,
                    data_hash, reporter,
                )  # fmt: skip
                encoders[name] = pretrain_stage._entry(path, config.run_dir)
    if config.sweeps is not None and config.sweeps.mae_mask_ratios:
        corpus = pd.read_parquet(localize.corpus)
        rois = np.load(localize.rois, mmap_mode="r")
        data_hash = pretrain_stage.rows_data_hash(corpus, localize.rois)
        for ratio in config.sweeps.mae_mask_ratios:
            name = mask_ratio_name(ratio)
            swept = config.model_copy(
                update={"pretrain": config.pretrain.model_copy(update={"mae_mask_ratio": ratio})}
            )
            path = pretrain_stage.pretrain_method(
                swept, "mae", corpus, rois, ReportsOutputs(folder), folder / name, device,
                data_hash, reporter,
            )  # fmt: skip
            encoders[name] = pretrain_stage._entry(path, config.run_dir)
    (folder / "encoders.json").write_text(
        json.dumps(encoders, indent=2, sort_keys=True), encoding="utf-8"
    )


def _subset_images(subset: pd.DataFrame, stores: dict[str, Path], side: int) -> np.ndarray:
    """uint8 ``[n, side, side]``: the subset's ROIs from each part's store, resized to ``side``."""
    import torch

    parts = []
    for part, rows in subset.groupby("part", sort=False):
        rois = np.load(stores[str(part)], mmap_mode="r")
        chosen = np.ascontiguousarray(rois[np.sort(rows["roi_index"].to_numpy())])
        if chosen.shape[1] != side:
            resized = torch.nn.functional.interpolate(
                torch.from_numpy(chosen).float()[:, None],
                size=(side, side),
                mode="bilinear",
                antialias=True,
                align_corners=False,
            )
            chosen = resized[:, 0].round().clamp(0, 255).to(torch.uint8).numpy()
        parts.append(chosen)
    return np.concatenate(parts)


def control_encoders(run_dir: Path) -> list[evaluate_stage.Encoder]:
    """The ``controls`` stage's encoders (none when the run has no such stage)."""
    registry = read_json(run_dir / CONTROLS / "encoders.json") or {}
    return [evaluate_stage.Encoder(n, Path(e["path"]), e["sha256"]) for n, e in registry.items()]


def data_hash_of(run_dir: Path) -> str:
    """The done-marker hash of the run's ``data`` stage (``""`` before it ran)."""
    marker = read_marker(run_dir / "data")
    return str(marker["hash"]) if marker else ""


def run_datasets(
    config: BenchConfig, reporter: Reporter, result: Any, storage_url: str | None
) -> Any:
    """A dataset run's stages: ``data`` -> ``pretrain`` -> ``evaluate`` -> ``report`` (module doc).

    Each stage is skipped when up to date and resumed when interrupted, as in the knee pipeline.
    """
    import time

    from bench import pipeline
    from bench import report as report_stage
    from bench.datasets.stage import run as build_data

    check_dataset_run(config)
    run_dir = config.run_dir
    began = time.perf_counter()
    manifests = pipeline._guarded(
        run_dir, "data", lambda: build_data(config, run_dir / "data", reporter)
    )
    result.seconds["data"] = time.perf_counter() - began
    pretrain_hash = combine(
        data_hash_of(run_dir),
        config.section_hash("pretrain", "weights", "reports", "seed"),
        json.dumps([config.evaluate.image_size, config.evaluate.batch_size]),
    )
    evaluate_hash = combine(pretrain_hash, config.section_hash("evaluate", "seed", "name"))
    pretrain = pretrain_stage.PretrainOutputs(run_dir / "pretrain")
    pipeline._stage(
        config,
        "pretrain",
        pretrain_hash,
        lambda: pretrain_datasets(config, manifests, pretrain.folder, reporter),
        result,
        reporter,
    )
    pipeline._stage(
        config,
        "evaluate",
        evaluate_hash,
        lambda: evaluate_datasets(
            config, manifests, pretrain, run_dir / "evaluate", reporter, storage_url
        ),
        result,
        reporter,
        run_outputs=pipeline.EVALUATE_OUTPUTS,
    )
    began = time.perf_counter()
    pipeline._guarded(run_dir, "report", lambda: report_stage.build(run_dir, reporter))
    result.seconds["report"] = time.perf_counter() - began
    return result
