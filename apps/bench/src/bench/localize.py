"""Stage 2, ``localize``: find both knees of every radiograph and write the ROI store; filter the corpus.

The localizer (knee-localize's two-stage ResNet box regressor) is a given checkpoint, or trained on annotated
radiographs (``weights.localizer_annotations``; default: knee-localize phantoms) and cached under
``<runs_dir>/.cache/`` by the hash of its settings, so runs with the same settings reuse it.

Radiographs are localized in chunks; each chunk's ROI store is kept with its own done-marker, so a killed run
resumes at the chunk in flight. A radiograph that cannot be read or shows no knee is an ``errors.csv`` row and
skipped. The chunks are then joined into ``rois.npy`` (uint8 ``[N, roi_px, roi_px]``, left knees mirrored),
``manifest.parquet`` (the knee-manifest contract, ``image_id`` = the radiograph's path relative to the world
folder) and ``rois.json``.

The pretraining corpus (``pretrain_corpus.parquet``): every hospital ROI, plus the ROIs of the cohorts named
in ``pretrain.corpus`` whose participants are in NO validation or test split of any task
(``excluded_participants.csv``); :func:`check_no_leakage` enforces it here and again before pretraining.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench.config import BenchConfig
from bench.errors import DataError, LeakageError
from bench.markers import combine, file_sha256, is_done, write_marker
from bench.progress import Reporter
from bench.world import WorldOutputs


@dataclass(frozen=True)
class LocalizeOutputs:
    """Paths of the localize stage's outputs."""

    folder: Path

    @property
    def rois(self) -> Path:
        """The ROI store array."""
        return self.folder / "rois.npy"

    @property
    def manifest(self) -> Path:
        """The knee manifest."""
        return self.folder / "manifest.parquet"

    @property
    def corpus(self) -> Path:
        """ROIs allowed in pretraining."""
        return self.folder / "pretrain_corpus.parquet"

    @property
    def errors(self) -> Path:
        """Radiographs that failed."""
        return self.folder / "errors.csv"

    @property
    def guard(self) -> Path:
        """The leakage-guard summary."""
        return self.folder / "leakage_guard.json"


def run(
    config: BenchConfig, world: WorldOutputs, folder: Path, reporter: Reporter
) -> LocalizeOutputs:
    """Localize every radiograph of the world; write the ROI store, the manifest and the corpus."""
    import torch
    from knee_localize import Localizer

    out = LocalizeOutputs(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model_path = _localizer(config, reporter)
    localizer = Localizer.load(model_path)
    radiographs = pd.read_parquet(world.radiographs)
    chunk = config.localize.chunk
    starts = list(range(0, len(radiographs), chunk))
    reporter.start("localize", "localize: radiographs", len(radiographs))
    errors = []
    with torch.inference_mode():
        for number, start in enumerate(starts):
            part = radiographs.iloc[start : start + chunk]
            chunk_dir = folder / "chunks" / f"{number:05d}"
            chunk_hash = combine(file_sha256(model_path), *part["path"].tolist())
            if not is_done(chunk_dir, chunk_hash):
                shutil.rmtree(chunk_dir, ignore_errors=True)
                began = time.perf_counter()
                chunk_errors = _localize_chunk(
                    config, localizer, model_path, part, world, chunk_dir
                )
                pd.DataFrame(chunk_errors, columns=["input", "level", "reason"]).to_csv(
                    chunk_dir / "errors.csv", index=False
                )
                write_marker(chunk_dir, chunk_hash, time.perf_counter() - began)
            errors.append(pd.read_csv(chunk_dir / "errors.csv"))
            reporter.advance("localize", len(part), detail=f"chunk {number + 1}/{len(starts)}")
    reporter.finish("localize")
    manifest = _join_chunks(folder, len(starts), radiographs, world)
    pd.concat(errors, ignore_index=True).to_csv(out.errors, index=False)
    failed = sum(int((e["level"] == "error").sum()) for e in errors)
    reporter.note(
        f"localize: {len(manifest)} knee ROIs from {len(radiographs) - failed} radiographs; "
        f"{failed} radiograph(s) failed (see {out.errors})"
    )
    corpus, summary = pretraining_corpus(config, manifest, world.excluded)
    if len(corpus) < config.pretrain.batch_size:
        raise DataError(
            f"the pretraining corpus has {len(corpus)} knee ROIs, fewer than one batch of "
            f"{config.pretrain.batch_size}: check {out.errors} for radiographs that failed"
        )
    corpus.to_parquet(out.corpus, index=False)
    check_no_leakage(corpus, world.excluded)
    out.guard.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    reporter.note(
        f"leakage guard: {summary['excluded_rois']} ROIs of {summary['excluded_participants']} "
        "val/test participants kept out of pretraining; 0 slipped through"
    )
    return out


def _localizer(config: BenchConfig, reporter: Reporter) -> Path:
    """The localizer checkpoint: given, cached, or trained now (and cached)."""
    from knee_localize import (
        LocalizerConfig,
        PhantomConfig,
        TrainConfig,
        train_localizer,
        write_phantom_set,
    )

    given = config.weights.localizer
    if given is not None:
        if not Path(given).is_file():
            raise DataError(f"weights.localizer: {given} not found")
        return Path(given)
    settings = config.section_hash("localize") + json.dumps(
        [
            str(config.weights.localizer_annotations or ""),
            config.world.localizer_phantoms,
            config.world.spacing_mm,
            config.seed,
        ]
    )
    cache = config.runs_dir / ".cache" / f"localizer-{combine(settings)[:16]}"
    model = cache / "localizer.safetensors"
    if model.is_file() and model.with_suffix(".json").is_file():
        reporter.note(f"localize: reusing the cached localizer {model}")
        return model
    annotations = config.weights.localizer_annotations
    if annotations is None:
        annotations = cache / "phantoms"
        write_phantom_set(
            config.world.localizer_phantoms,
            config.seed + 1000,
            annotations,
            PhantomConfig(spacing_mm=config.world.spacing_mm),
        )
    settings_ = config.localize
    total = settings_.epochs + settings_.refine_epochs
    reporter.start("localizer", "localize: train localizer", total)
    localizer = train_localizer(
        annotations,
        LocalizerConfig(
            backbone=settings_.backbone,
            overview_px=settings_.overview_px,
            refine_px=settings_.refine_px,
        ),
        TrainConfig(
            epochs=settings_.epochs,
            refine_epochs=settings_.refine_epochs,
            lr=3e-3,
            seed=config.seed,
        ),
        progress=lambda line: reporter.advance("localizer", int("epoch" in line), detail=line),
    )
    tmp = cache / ".tmp" / "localizer.safetensors"
    localizer.save(tmp)
    tmp.with_suffix(".json").replace(model.with_suffix(".json"))
    tmp.replace(model)
    reporter.finish("localizer")
    return model


def _localize_chunk(
    config: BenchConfig,
    localizer: object,
    model_path: Path,
    part: pd.DataFrame,
    world: WorldOutputs,
    chunk_dir: Path,
) -> list[dict[str, str]]:
    from knee_localize import RoiStoreWriter, locate_knees, read_radiograph

    store = RoiStoreWriter(
        chunk_dir, config.localize.roi_mm, config.localize.roi_px, "mixed", model_path
    )
    errors = []
    for item in part.itertuples(index=False):
        path = world.resolve(item.path)
        try:
            radiograph = read_radiograph(path)
            knees = locate_knees(localizer, radiograph)  # type: ignore[arg-type]
        except Exception as exc:  # a bad file is reported and skipped, whatever pydicom raised
            errors.append({"input": world.image_id(path), "level": "error", "reason": _reason(exc)})
            continue
        if not any(k.present for k in knees):
            errors.append(
                {"input": world.image_id(path), "level": "error", "reason": "no knee found"}
            )
            continue
        participant = item.participant_id or radiograph.patient_id
        for knee in knees:
            if knee.present:
                store.add(radiograph, knee, world.image_id(path), participant, path)
    store.close()
    return errors


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]


def _join_chunks(
    folder: Path, n_chunks: int, radiographs: pd.DataFrame, world: WorldOutputs
) -> pd.DataFrame:
    """Concatenate the chunk stores into ``rois.npy`` + ``manifest.parquet`` + ``rois.json``."""
    manifests, arrays = [], []
    for number in range(n_chunks):
        chunk_dir = folder / "chunks" / f"{number:05d}"
        manifests.append(pd.read_parquet(chunk_dir / "manifest.parquet"))
        arrays.append(np.load(chunk_dir / "rois.npy", mmap_mode="r"))
    manifest = pd.concat(manifests, ignore_index=True)
    if manifest.empty:
        raise DataError(
            "no knee was found in any radiograph; check errors.csv of the localize stage"
        )
    side = arrays[0].shape[1:]
    tmp = folder / ".rois.npy.tmp"
    joined = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(len(manifest), *side))
    position = 0
    for array in arrays:
        joined[position : position + len(array)] = array
        position += len(array)
    joined.flush()
    del joined
    tmp.replace(folder / "rois.npy")
    source = radiographs.assign(image_id=[world.image_id(p) for p in radiographs["path"]])
    meta = source.set_index("image_id")
    manifest["roi_index"] = np.arange(len(manifest))
    manifest["cohort"] = manifest["image_id"].map(meta["cohort"])
    manifest["visit_month"] = manifest["image_id"].map(meta["visit_month"]).astype("Int64")
    manifest["participant_id"] = manifest["participant_id"].astype(str)
    manifest.to_parquet(folder / "manifest.parquet", index=False)
    sidecar = json.loads((folder / "chunks" / "00000" / "rois.json").read_text())
    sidecar["n_rois"] = len(manifest)
    (folder / "rois.json").write_text(json.dumps(sidecar, indent=2), encoding="utf-8")
    return manifest


def pretraining_corpus(
    config: BenchConfig, manifest: pd.DataFrame, excluded_path: Path
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Hospital ROIs + allowed cohort ROIs, without any val/test participant; and the counts."""
    excluded = read_excluded(excluded_path)
    allowed_cohorts = {"hospital", *config.pretrain.corpus}
    candidates = manifest[manifest["cohort"].isin(allowed_cohorts)]
    keys = set(zip(excluded["cohort"], excluded["participant_id"], strict=True))
    blocked = np.array(
        [
            (c, p) in keys
            for c, p in zip(candidates["cohort"], candidates["participant_id"], strict=True)
        ],
        dtype=bool,
    )
    corpus = candidates[~blocked].reset_index(drop=True)
    summary = {
        "corpus_rois": len(corpus),
        "hospital_rois": int((corpus["cohort"] == "hospital").sum()),
        "excluded_rois": int(blocked.sum()),
        "excluded_participants": int(candidates.loc[blocked, "participant_id"].nunique()),
        "val_test_participants_listed": len(excluded),
    }
    return corpus, summary


def read_excluded(path: Path) -> pd.DataFrame:
    """``excluded_participants.csv`` (cohort, participant_id, split) with string ids."""
    table = pd.read_csv(path, dtype={"participant_id": str, "cohort": str})
    return table


def check_no_leakage(corpus: pd.DataFrame, excluded_path: Path) -> None:
    """Fail when any val/test participant of any task is in a pretraining set.

    Participant ids are compared as strings, across cohorts (a hospital export can hold a cohort
    participant under the same id).

    Raises:
        LeakageError: naming how many participants slipped through (never their ids in logs).
    """
    excluded = set(read_excluded(excluded_path)["participant_id"].astype(str))
    leaked = sorted(set(corpus["participant_id"].astype(str)) & excluded)
    if leaked:
        raise LeakageError(
            f"leakage guard: {len(leaked)} participant(s) of a validation or test split are in the "
            f"pretraining corpus; remove them from the corpus (see excluded_participants.csv)"
        )
