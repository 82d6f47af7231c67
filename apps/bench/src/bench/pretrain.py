"""Stage 4, ``pretrain``: every SSL method on the corpus, plus the baselines every table compares against.

- Image-only SSL (MoCo v2, Barlow Twins, VICReg, CNN-JEPA, MAE) on the pretraining corpus (hospital ROIs +
  cohort ROIs of participants outside every val/test split), each with its official view recipe.
- Image-text SSL (ConVIRT, GLoRIA) on the hospital ROIs paired with their de-identified impressions; the
  image encoder starts from ImageNet weights when given (the paper's choice), the text encoder from a local
  Bio_ClinicalBERT or, without one, a small BERT trained from scratch on the corpus vocabulary.
- ``random``: a randomly initialised backbone. ``imagenet``: the backbone with the user's local ImageNet
  weights, or recorded as not available. ``kl_sup`` ("KL Pret (Sup)", the paper's upper bound): a ResNet
  trained on OAI KL grades of TRAINING participants only; it also infers the KL grade of every hospital ROI
  (the paper's Figure 5 proxy).

ssl-objectives' ``pretrain`` checkpoints every epoch, so a killed run resumes at the epoch in flight. With
``world_size > 1`` each SSL method is pretrained by ``bench pretrain`` under torchrun (DDP,
:mod:`bench.distributed_pretrain`), writing the same files. The
leakage guard runs before anything trains. Outputs (``pretrain/``): ``<method>/last.safetensors`` + ``.json``
and ``log.jsonl`` (loss per epoch), ``encoders.json`` (every encoder: path, SHA-256, availability),
``kl_sup/corpus_kl.csv`` (the proxy's KL for each corpus ROI).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.config import TEXT_METHODS, BenchConfig
from bench.errors import DataError
from bench.labelled import labelled_rois
from bench.localize import LocalizeOutputs, check_no_leakage, read_excluded
from bench.markers import combine, file_sha256, is_done, write_marker
from bench.progress import Reporter
from bench.reports import ReportsOutputs
from bench.runtime import resolve_device
from bench.world import WorldOutputs

NOT_AVAILABLE = "not available (give --imagenet-weights PATH)"


@dataclass(frozen=True)
class PretrainOutputs:
    """Paths of the pretrain stage's outputs."""

    folder: Path

    @property
    def encoders(self) -> Path:
        """The encoder registry."""
        return self.folder / "encoders.json"

    @property
    def corpus_kl(self) -> Path:
        """The supervised proxy's KL grades of the pretraining corpus."""
        return self.folder / "kl_sup" / "corpus_kl.csv"

    def read_encoders(self) -> dict[str, dict[str, Any]]:
        """``{method: {"path", "sha256", "available", "reason"}}``."""
        return json.loads(self.encoders.read_text(encoding="utf-8"))


def run(
    config: BenchConfig,
    world: WorldOutputs,
    localize: LocalizeOutputs,
    reports: ReportsOutputs,
    folder: Path,
    reporter: Reporter,
) -> PretrainOutputs:
    """Pretrain every method of the config and save the baselines; write the encoder registry."""
    out = PretrainOutputs(folder)
    folder.mkdir(parents=True, exist_ok=True)
    corpus, rois, data_hash = pretrain_inputs(world, localize)
    device = resolve_device(config.device)
    encoders: dict[str, dict[str, Any]] = {}
    for method in config.pretrain.methods:
        # world_size > 1: DDP, torchrun runs `bench pretrain` per method (bench.distributed_pretrain)
        if config.world_size > 1:
            from bench.distributed_pretrain import launch

            path = launch(config, method, reporter)
        else:
            path = pretrain_method(
                config, method, corpus, rois, reports, folder / method, device, data_hash, reporter
            )
        encoders[method] = _entry(path, config.run_dir)
    encoders.update(baseline_entries(config, folder))
    encoders["kl_sup"] = _entry(
        _kl_supervised(config, world, localize, folder / "kl_sup", device, reporter), config.run_dir
    )
    _infer_corpus_kl(config, corpus, rois, folder / "kl_sup", out.corpus_kl, device)
    out.encoders.write_text(json.dumps(encoders, indent=2, sort_keys=True), encoding="utf-8")
    return out


def pretrain_inputs(
    world: WorldOutputs, localize: LocalizeOutputs
) -> tuple[pd.DataFrame, np.ndarray, str]:
    """The leakage-checked corpus, the memory-mapped ROI store ``[N, H, W]`` and the checkpoints' data hash.

    The data hash is the SHA-256 of the corpus rows and the ROI store, 16 hex digits.
    """
    corpus = pd.read_parquet(localize.corpus)
    check_no_leakage(corpus, world.excluded)
    rois = np.load(localize.rois, mmap_mode="r")
    return corpus, rois, rows_data_hash(corpus, localize.rois)


def rows_data_hash(rows: pd.DataFrame, store: Path) -> str:
    """The checkpoints' data hash: SHA-256 of the rows' ``roi_index`` and the ROI store's bytes, 16 hex."""
    return combine(*map(str, rows["roi_index"].tolist()), file_sha256(store))[:16]


def baseline_entries(config: BenchConfig, folder: Path) -> dict[str, dict[str, Any]]:
    """Registry entries of the Random baseline and of ImageNet (saved, or recorded as not available)."""
    entries = {"random": _entry(_baseline(config, "random", folder, None), config.run_dir)}
    if config.weights.imagenet is not None:
        weights = _baseline(config, "imagenet", folder, config.weights.imagenet)
        entries["imagenet"] = _entry(weights, config.run_dir)
    else:
        entries["imagenet"] = {"available": False, "reason": NOT_AVAILABLE}
    return entries


def _entry(path: Path, run_dir: Path) -> dict[str, Any]:
    """A registry entry; the path is stored relative to the run folder (runs stay movable)."""
    return {
        "path": Path(os.path.relpath(path, run_dir)).as_posix(),
        "sha256": file_sha256(path),
        "available": True,
        "reason": "",
    }


def pretrain_method(
    config: BenchConfig,
    method_name: str,
    corpus: pd.DataFrame,
    rois: np.ndarray,
    reports: ReportsOutputs,
    folder: Path,
    device: Any,
    data_hash: str,
    reporter: Reporter,
) -> Path:
    """Pretrain (or resume) one method into ``folder``; return its checkpoint.

    Under an initialised process group (``bench pretrain`` under torchrun) every rank calls this with its
    own ``device``: ssl-objectives' ``pretrain`` trains with DDP and rank 0 writes the checkpoint.
    """
    import torch
    from ssl_objectives import PretrainConfig, pretrain

    settings = config.pretrain
    if method_name in TEXT_METHODS:
        rows, impressions = _paired_reports(corpus, reports)
    else:
        rows, impressions = corpus["roi_index"].to_numpy(), None
    images = torch.from_numpy(np.ascontiguousarray(rois[rows])).to(device)
    batch_size = min(settings.batch_size, len(images))
    steps = len(images) // batch_size
    torch.manual_seed(config.seed)  # the same initial weights whatever ran before in this process
    method, make_batch = build_method(
        config, method_name, images, impressions, reports, device, steps
    )
    key = f"pretrain-{method_name}"
    reporter.start(key, f"pretrain: {method_name}", settings.epochs * steps)
    result = pretrain(
        method,
        make_batch,
        len(images),
        folder,
        PretrainConfig(
            epochs=settings.epochs,
            batch_size=batch_size,
            seed=config.seed,
            input_size=settings.image_size,
            data_hash=data_hash,
        ),
        device=device,
        on_step=lambda step, total, loss: reporter.advance(key, detail=f"step {step + 1}/{total}"),
    )
    reporter.finish(key, detail=f"loss {result.losses[-1]:.3f}" if result.losses else "resumed")
    return result.checkpoint


def build_method(
    config: BenchConfig,
    name: str,
    images: Any,
    impressions: list[str] | None,
    reports: ReportsOutputs,
    device: Any,
    steps_per_epoch: int,
) -> tuple[Any, Any]:
    """The method module (scaled by the config) and its batch maker over ``images`` (uint8 ``[N, H, W]``)."""
    import ssl_objectives as so

    settings = config.pretrain
    size = settings.image_size
    backbone_weights = config.weights.imagenet if name in TEXT_METHODS else None
    if name == "mae":
        vit = settings.vit
        encoder = so.build_backbone(
            "vit_small",
            vit=so.ViTSpec(
                image_size=size,
                patch_size=vit.patch_size,
                depth=vit.depth,
                width=vit.width,
                heads=vit.heads,
            ),
        )
        method = so.MAE(
            encoder,
            so.MAEConfig(
                mask_ratio=settings.mae_mask_ratio,
                decoder_width=vit.width,
                decoder_depth=2,
                decoder_heads=vit.heads,
            ),
        )
        return method, so.one_view_batches(images, so.mae_view(size), device)
    backbone = so.build_backbone(settings.backbone, weights=backbone_weights)
    projector = (settings.projector_dim,) * 3
    if name == "moco_v2":
        method = so.MoCoV2(backbone, so.MoCoV2Config(queue_size=settings.moco_queue))
        views = so.TwoViews(so.moco_v2_view(size), so.moco_v2_view(size))
        return method, so.two_view_batches(images, views, device)
    if name == "barlow_twins":
        method = so.BarlowTwins(backbone, so.BarlowTwinsConfig(projector_dims=projector))
        return method, so.two_view_batches(
            images, so.TwoViews(*so.barlow_twins_views(size)), device
        )
    if name == "vicreg":
        method = so.VICReg(backbone, so.VICRegConfig(projector_dims=projector))
        return method, so.two_view_batches(
            images, so.TwoViews(*so.barlow_twins_views(size)), device
        )
    if name == "cnn_jepa":
        masking = so.MaskingConfig(patch=settings.jepa_cell)
        jepa_config = so.CNNJEPAConfig(
            masking=masking, total_steps=max(1, settings.epochs * steps_per_epoch)
        )
        return so.CNNJEPA(backbone, jepa_config), so.one_view_batches(
            images, so.paper_view(size), device
        )
    if name in TEXT_METHODS:
        from ssl_objectives.text_encoder import BertTextEncoder, load_tokenizer

        tokenizer_dir = config.weights.bert or reports.tokenizer
        tokenizer = load_tokenizer(tokenizer_dir)
        if config.weights.bert is not None:
            text_encoder = BertTextEncoder.from_pretrained(config.weights.bert)
            frozen = 6
        else:
            shape = settings.bert
            text_encoder = BertTextEncoder.from_config(
                {
                    "vocab_size": len(tokenizer),
                    "hidden_size": shape.hidden_size,
                    "num_hidden_layers": shape.num_hidden_layers,
                    "num_attention_heads": shape.num_attention_heads,
                    "intermediate_size": shape.intermediate_size,
                    "max_position_embeddings": 512,
                }
            )
            frozen = 0  # a text encoder trained from scratch must learn
        sampler = so.SentenceSampler(
            tokenizer, max_length=settings.text_max_length, seed=config.seed
        )
        if name == "convirt":
            method = so.ConVIRT(backbone, text_encoder, so.ConVIRTConfig(freeze_layers=frozen))
        else:
            method = so.GLoRIA(
                backbone,
                text_encoder,
                so.GLoRIAConfig(last_n_layers=min(4, text_encoder_layers(text_encoder))),
            )
        assert impressions is not None
        return method, so.image_text_batches(
            images, impressions, sampler, so.paper_view(size), device
        )
    raise DataError(f"unknown method {name!r}")


def text_encoder_layers(text_encoder: Any) -> int:
    """Number of transformer layers of a :class:`BertTextEncoder`."""
    return int(text_encoder.config_dict()["num_hidden_layers"])


def _paired_reports(corpus: pd.DataFrame, reports: ReportsOutputs) -> tuple[np.ndarray, list[str]]:
    """Hospital ROIs with a de-identified impression of their study (both knees share the report)."""
    text = pd.read_parquet(reports.corpus, columns=["image_id", "impression"])
    hospital = corpus[corpus["cohort"] == "hospital"]
    paired = hospital.merge(text.drop_duplicates("image_id"), on="image_id", how="inner")
    if paired.empty:
        raise DataError("no hospital ROI has a report: check the report table's image column")
    return paired["roi_index"].to_numpy(), paired["impression"].tolist()


def _baseline(config: BenchConfig, name: str, folder: Path, weights: Path | None) -> Path:
    import torch
    from ssl_objectives import build_backbone, save_encoder

    torch.manual_seed(config.seed)
    backbone = build_backbone(config.pretrain.backbone, weights=weights)
    return save_encoder(
        folder / name / "encoder", backbone, method=name, input_size=config.evaluate.image_size
    )


def _kl_supervised(
    config: BenchConfig,
    world: WorldOutputs,
    localize: LocalizeOutputs,
    folder: Path,
    device: Any,
    reporter: Reporter,
) -> Path:
    """KL Pret (Sup): a backbone + 5-way head trained on OAI KL grades of training participants."""
    import torch
    from lowdata_eval import (
        EncoderWithHead,
        FineTuneAugment,
        Hyperparams,
        ImageSplits,
        TaskKind,
        TaskSpec,
        fit_finetune,
    )
    from safetensors.torch import save_file
    from ssl_objectives import build_backbone, save_encoder

    settings = config.pretrain
    stage_hash = combine(
        config.section_hash("pretrain", "evaluate", "seed"), file_sha256(localize.manifest)
    )
    encoder_path = folder / "encoder.safetensors"
    if is_done(folder, stage_hash) and encoder_path.is_file():
        return encoder_path
    table = labelled_rois(world, localize, "oai", "kl").table
    excluded = set(read_excluded(world.excluded)["participant_id"])
    train = table[table["split"] == "train"]
    if set(train["participant_id"]) & excluded:
        raise DataError("KL Pret (Sup) training rows include a val/test participant")
    val = table[table["split"] == "val"]
    rois = np.load(localize.rois, mmap_mode="r")

    def take(rows: pd.DataFrame) -> tuple[Any, Any]:
        return (
            torch.from_numpy(np.ascontiguousarray(rois[rows["roi_index"].to_numpy()])),
            torch.as_tensor(rows["label"].to_numpy(), dtype=torch.long),
        )

    holder: dict[str, Any] = {}

    def factory(n_outputs: int) -> Any:
        backbone = build_backbone(settings.backbone)
        holder["model"] = EncoderWithHead(backbone, backbone.feature_dim, n_outputs)
        return holder["model"]

    torch.manual_seed(config.seed)
    key = "pretrain-kl_sup"
    reporter.start(key, "pretrain: kl_sup (supervised)", settings.supervised_epochs)
    history: list[float] = []

    def report(epoch: int, value: float) -> None:
        history.append(value)
        reporter.advance(key, detail=f"epoch {epoch}: val balanced accuracy {value:.3f}")

    result = fit_finetune(
        factory,
        ImageSplits(take(train), take(val), {"oai_val": take(val)}),
        TaskSpec(TaskKind.MULTICLASS, n_classes=5),
        Hyperparams("adamw", 1e-3, 1e-4, settings.supervised_epochs, 10),
        report,
        seed=config.seed,
        augment=FineTuneAugment(crop=config.evaluate.image_size, resize=config.evaluate.image_size),
        batch_size=config.evaluate.batch_size,
        device=device,
    )
    reporter.finish(key, detail=f"best val {result.best_val:.3f}")
    model = holder["model"].cpu()
    folder.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.contiguous() for k, v in model.head.state_dict().items()},
        str(folder / "head.safetensors"),
    )
    path = save_encoder(
        folder / "encoder", model.encoder, method="kl_sup", input_size=config.evaluate.image_size
    )
    with (folder / "log.jsonl").open("w", encoding="utf-8") as log:
        for epoch, (loss, value) in enumerate(
            zip(result.train_loss, history, strict=False), start=1
        ):
            log.write(
                json.dumps({"epoch": epoch, "loss": loss, "val_balanced_accuracy": value}) + "\n"
            )
    write_marker(folder, stage_hash, result.seconds, best_val=result.best_val)
    return path


def _infer_corpus_kl(
    config: BenchConfig,
    corpus: pd.DataFrame,
    rois: np.ndarray,
    folder: Path,
    out: Path,
    device: Any,
) -> None:
    """The proxy's KL grade of every pretraining-corpus ROI (the paper's Figure 5 estimate)."""
    import torch
    from lowdata_eval import EncoderWithHead, FineTuneAugment
    from safetensors.torch import load_file
    from ssl_objectives import load_encoder

    encoder = load_encoder(folder / "encoder.safetensors")
    model = EncoderWithHead(encoder, encoder.feature_dim, 5)
    model.head.load_state_dict(load_file(str(folder / "head.safetensors")))
    model = model.to(device).eval()
    augment = FineTuneAugment(crop=config.evaluate.image_size, resize=config.evaluate.image_size)
    index = corpus["roi_index"].to_numpy()
    predicted = []
    with torch.inference_mode():
        for start in range(0, len(index), 256):
            batch = torch.from_numpy(np.ascontiguousarray(rois[index[start : start + 256]])).to(
                device
            )
            predicted.append(model(augment.evaluate(batch)).argmax(1).cpu().numpy())
    corpus.assign(kl_predicted=np.concatenate(predicted))[
        ["roi_index", "image_id", "participant_id", "side", "cohort", "kl_predicted"]
    ].to_csv(out, index=False)
