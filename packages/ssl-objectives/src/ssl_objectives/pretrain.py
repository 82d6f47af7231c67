"""A resumable pretraining loop for any method, on uint8 ROI arrays.

``pretrain(method, make_batch, n_items, out_dir, config)`` runs ``config.epochs`` epochs of
:func:`train_one_epoch` (shuffled, ``drop_last`` batches; the official optimiser recipe of the method unless
one is given; linear warm-up then cosine learning rate per step; bf16 autocast and channels_last on CUDA as
switches; optional gradient clipping). After every epoch it writes ``out_dir/last.safetensors`` +
``last.json`` (weights, optimizer state, epoch; atomic) and appends a line to ``out_dir/log.jsonl``; a later
call with the same ``out_dir`` resumes after the last finished epoch, with the same shuffling and view
randomness as an uninterrupted run (both are seeded per epoch). A non-finite loss stops the run with an
error that names the last good checkpoint.

Batch makers turn the indices of a batch into a method's input: :func:`two_view_batches` (MoCo v2, Barlow
Twins, VICReg), :func:`one_view_batches` (CNN-JEPA, MAE), :func:`image_text_batches` (ConVIRT, GLoRIA: one
sampled sentence of each impression per step). A batch maker with a ``set_epoch(epoch)`` method is told the
epoch before it is used (as ``DistributedSampler``).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from ssl_objectives.checkpoint import (
    Normalisation,
    read_metadata,
    restore_checkpoint,
    save_checkpoint,
)
from ssl_objectives.errors import CheckpointError, ConfigError, SSLObjectivesError
from ssl_objectives.methods import SSLMethod
from ssl_objectives.optim import OptimizerRecipe, build_optimizer, official_recipe, warmup_cosine
from ssl_objectives.text_batch import ImageTextBatch, SentenceSampler
from ssl_objectives.views import TwoViews, ViewConfig, make_view

logger = logging.getLogger(__name__)

BatchMaker = Callable[[Tensor, torch.Generator], Any]
StepCallback = Callable[[int, int, Tensor], None]


@dataclass(frozen=True)
class PretrainConfig:
    """Settings of a pretraining run.

    Attributes:
        epochs: total epochs (a resumed run stops at the same total).
        batch_size: images per step (the last partial batch of an epoch is dropped).
        recipe: optimiser settings; None = the method's official recipe (:func:`official_recipe`).
        bf16: bf16 autocast on CUDA.
        channels_last: channels_last memory format on CUDA.
        seed: seeds the per-epoch shuffling and view/mask randomness.
        input_size: view side in pixels (recorded in the checkpoint).
        normalisation: input normalisation (recorded in the checkpoint).
        data_hash: identifies the pretraining data (recorded in the checkpoint).
    """

    epochs: int = 100
    batch_size: int = 256
    recipe: OptimizerRecipe | None = None
    bf16: bool = True
    channels_last: bool = True
    seed: int = 0
    input_size: int = 224
    normalisation: Normalisation = field(default_factory=Normalisation)
    data_hash: str | None = None


@dataclass(frozen=True)
class PretrainResult:
    """What a run did: per-epoch mean losses of THIS call, and the checkpoint to hand downstream."""

    epochs_done: int
    losses: list[float]
    checkpoint: Path
    resumed_from: int


def _to_device(rois: Tensor, index: Tensor, device: torch.device) -> Tensor:
    return rois[index.to(rois.device)].to(device, non_blocking=True)


def two_view_batches(rois: Tensor, views: TwoViews, device: torch.device | str) -> BatchMaker:
    """Indices -> two views of those ROIs (uint8 ``[N, H, W]`` on any device, memory-mapped is fine)."""
    device = torch.device(device)
    return lambda index, generator: views(_to_device(rois, index, device), generator)


def one_view_batches(rois: Tensor, view: ViewConfig, device: torch.device | str) -> BatchMaker:
    """Indices -> one view of those ROIs."""
    device = torch.device(device)
    return lambda index, generator: make_view(_to_device(rois, index, device), view, generator)


class ImageTextBatches:
    """Indices -> :class:`ImageTextBatch`: one view of each ROI and one sampled sentence of its impression.

    ``set_epoch(epoch)`` (called by :func:`pretrain` at every epoch start, like ``DistributedSampler``)
    reseeds the sentence choice, so a resumed run samples the same sentences as an uninterrupted one.
    """

    def __init__(
        self,
        rois: Tensor,
        impressions: Sequence[str],
        sampler: SentenceSampler,
        view: ViewConfig,
        device: torch.device | str,
    ) -> None:
        if len(impressions) != len(rois):
            raise ConfigError(
                f"{len(rois)} ROIs but {len(impressions)} impressions: they must pair row by row"
            )
        self.rois, self.impressions, self.sampler, self.view = rois, impressions, sampler, view
        self.device = torch.device(device)
        self.seed = sampler.seed

    def set_epoch(self, epoch: int) -> None:
        """Reseed the sentence sampling for ``epoch``."""
        self.sampler.reseed(self.seed * 100_003 + epoch)

    def __call__(self, index: Tensor, generator: torch.Generator) -> ImageTextBatch:
        """The batch of the ROIs and impressions at ``index``."""
        images = make_view(_to_device(self.rois, index, self.device), self.view, generator)
        text = self.sampler([self.impressions[i] for i in index.tolist()]).to(self.device)
        return ImageTextBatch(images, text)


def image_text_batches(
    rois: Tensor,
    impressions: Sequence[str],
    sampler: SentenceSampler,
    view: ViewConfig,
    device: torch.device | str,
) -> ImageTextBatches:
    """Batch maker for ConVIRT / GLoRIA (see :class:`ImageTextBatches`)."""
    return ImageTextBatches(rois, impressions, sampler, view, device)


def _epoch_generators(
    seed: int, epoch: int, device: torch.device
) -> tuple[torch.Generator, torch.Generator]:
    order = torch.Generator().manual_seed(seed * 100_003 + epoch)
    views = torch.Generator(device=device).manual_seed(seed * 100_003 + epoch + 1)
    return order, views


def train_one_epoch(
    method: SSLMethod,
    optimizer: torch.optim.Optimizer,
    make_batch: BatchMaker,
    n_items: int,
    epoch: int,
    config: PretrainConfig,
    recipe: OptimizerRecipe,
    device: torch.device,
    on_step: StepCallback | None = None,
) -> float:
    """One epoch; returns the mean loss (one device sync, at the end)."""
    steps = n_items // config.batch_size
    total = steps * config.epochs
    warmup = steps * recipe.warmup_epochs
    order, generator = _epoch_generators(config.seed, epoch, device)
    set_epoch = getattr(make_batch, "set_epoch", None)
    if set_epoch is not None:
        set_epoch(epoch)
    torch.manual_seed(config.seed * 100_003 + epoch + 2)  # masks of CNN-JEPA / MAE
    permutation = torch.randperm(n_items, generator=order)
    bases = [group.setdefault("base_lr", group["lr"]) for group in optimizer.param_groups]
    use_bf16 = config.bf16 and device.type == "cuda"
    running = torch.zeros((), device=device)
    method.train()
    for step in range(steps):
        global_step = epoch * steps + step
        factor = warmup_cosine(global_step, total, warmup)
        for group, base in zip(optimizer.param_groups, bases, strict=True):
            group["lr"] = base * factor
        batch = make_batch(
            permutation[step * config.batch_size : (step + 1) * config.batch_size], generator
        )
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            loss, _ = method(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if recipe.grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(method.parameters(), recipe.grad_clip)
        optimizer.step()
        method.after_step()
        running += loss.detach()
        if on_step is not None:
            on_step(step, steps, loss.detach())
    return float(running) / steps


def pretrain(
    method: SSLMethod,
    make_batch: BatchMaker,
    n_items: int,
    out_dir: str | Path,
    config: PretrainConfig | None = None,
    *,
    device: torch.device | str = "cpu",
    on_step: StepCallback | None = None,
) -> PretrainResult:
    """Pretrain ``method`` on ``n_items`` items (resuming from ``out_dir/last`` when it exists).

    Raises:
        ConfigError: fewer items than one batch.
        CheckpointError: ``out_dir`` holds a checkpoint of another method or configuration.
        SSLObjectivesError: the loss became non-finite (the last good checkpoint is kept).
    """
    config = config or PretrainConfig()
    if n_items < config.batch_size:
        raise ConfigError(f"{n_items} items are fewer than one batch of {config.batch_size}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = torch.device(device)
    recipe = config.recipe or official_recipe(method.method_name)
    method.to(device)
    if device.type == "cuda" and config.channels_last:
        method.to(memory_format=torch.channels_last)
    optimizer = build_optimizer(method, recipe, config.batch_size)
    schedule = getattr(method.config, "total_steps", None)
    steps = config.epochs * (n_items // config.batch_size)
    if schedule is not None and schedule != steps:
        logger.warning(
            "%s's EMA schedule spans %d steps but this run has %d; set total_steps=%d in its config",
            method.method_name,
            schedule,
            steps,
            steps,
        )
    last = out / "last"
    start = 0
    if (out / "last.json").is_file():
        meta = read_metadata(last)
        if meta["config"] != json.loads(json.dumps(method.config_dict())):
            raise CheckpointError(
                f"{out} holds a {meta['method']} checkpoint with another configuration; "
                "use a new output folder or the same settings to resume"
            )
        restore_checkpoint(last, method, optimizer)
        start = int(meta["epoch"])
        logger.info("resuming %s from epoch %d in %s", method.method_name, start, out)
    losses = []
    for epoch in range(start, config.epochs):
        began = time.perf_counter()
        loss = train_one_epoch(
            method, optimizer, make_batch, n_items, epoch, config, recipe, device, on_step
        )
        if not math.isfinite(loss):
            raise SSLObjectivesError(
                f"{method.method_name} loss became {loss} in epoch {epoch + 1}; the last good checkpoint "
                f"is {last}.safetensors (epoch {epoch}); lower the learning rate and resume"
            )
        save_checkpoint(
            last,
            method,
            input_size=config.input_size,
            normalisation=config.normalisation,
            optimizer=optimizer,
            epoch=epoch + 1,
            step=(epoch + 1) * (n_items // config.batch_size),
            data_hash=config.data_hash,
        )
        record = {
            "epoch": epoch + 1,
            "loss": loss,
            "seconds": round(time.perf_counter() - began, 3),
        }
        with (out / "log.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        logger.info("%s epoch %d/%d loss %.4f", method.method_name, epoch + 1, config.epochs, loss)
        losses.append(loss)
    return PretrainResult(config.epochs, losses, last.with_suffix(".safetensors"), start)
