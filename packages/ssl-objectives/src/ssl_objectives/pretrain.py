"""A resumable pretraining loop for any method, on uint8 ROI arrays, in one process or under torchrun.

``pretrain(method, make_batch, n_items, out_dir, config)`` runs ``config.epochs`` epochs of
:func:`train_one_epoch` (shuffled, ``drop_last`` batches; the official optimiser recipe of the method unless
one is given; linear warm-up then cosine learning rate per step; bf16 autocast and channels_last on CUDA as
switches; optional gradient clipping). After every epoch it writes ``out_dir/last.safetensors`` +
``last.json`` (weights, optimizer state, epoch, the schedule-relevant settings; atomic) and appends a line to
``out_dir/log.jsonl``; a later call with the same ``out_dir`` resumes after the last finished epoch, with the
same shuffling and view randomness as an uninterrupted run (both are seeded per epoch). A restart whose
epochs, batch size, recipe, views, seed or item count differ is refused. A non-finite loss stops the run
with an error that names the last good checkpoint.

Multi-process (DDP) training: launch the same script with ``torchrun --nproc-per-node=G script.py`` and
call ``torch.distributed.init_process_group(...)`` before :func:`pretrain`. With an initialised group of
``W > 1`` processes, :func:`pretrain`

- converts every BatchNorm to its synchronised class (``config.sync_batchnorm``; CNN-JEPA's masked
  BatchNorm too, :mod:`ssl_objectives.sync_batchnorm`) and wraps the method in ``DistributedDataParallel``
  (``broadcast_buffers=False``: the synchronised statistics and the gathered MoCo queue are identical on
  every rank); ``after_step``, checkpoints and the optimizer use the unwrapped method;
- draws the SAME epoch permutation on every rank (same seed) and gives rank ``r`` the rows ``r, r + W, ...``
  of its first ``steps * batch_size`` entries (``DistributedSampler`` semantics): ``config.batch_size`` is
  the GLOBAL batch (``batch_size / W`` rows per rank), so the step count, the schedule and the learning rate
  are those of the one-process run with the same settings;
- seeds each rank's view and mask randomness with its rank (rank 0 draws what a one-process run draws);
- all-reduces the epoch's mean loss (every rank sees the global mean), writes the checkpoint and the log on
  rank 0 only, then waits at a barrier; every rank resumes from ``out_dir`` (which must be visible to every
  rank, e.g. a shared filesystem across nodes).

Batch makers turn the indices of a batch into a method's input: :func:`two_view_batches` (MoCo v2, Barlow
Twins, VICReg), :func:`one_view_batches` (CNN-JEPA, MAE), :func:`image_text_batches` (ConVIRT, GLoRIA: one
sampled sentence of each impression per step). A batch maker with a ``set_epoch(epoch)`` method is told the
epoch before it is used (as ``DistributedSampler``); one with ``describe()`` has its views stored in the
checkpoint and checked on resume.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ssl_objectives.checkpoint import (
    Normalisation,
    read_metadata,
    restore_checkpoint,
    save_checkpoint,
)
from ssl_objectives.distributed import barrier, rank, world_size
from ssl_objectives.errors import CheckpointError, ConfigError, SSLObjectivesError
from ssl_objectives.methods import SSLMethod
from ssl_objectives.optim import OptimizerRecipe, build_optimizer, official_recipe, warmup_cosine
from ssl_objectives.sync_batchnorm import convert_sync_batchnorm
from ssl_objectives.text_batch import ImageTextBatch, SentenceSampler
from ssl_objectives.views import TwoViews, ViewConfig, make_view

logger = logging.getLogger(__name__)

BatchMaker = Callable[[Tensor, torch.Generator], Any]
StepCallback = Callable[[int, int, Tensor], None]
SCHEDULE_KEYS = ("epochs", "batch_size", "recipe", "views", "seed", "n_items")
_RANK_STRIDE = 1_000_003  # seeds of rank r are those of rank 0 shifted by r * _RANK_STRIDE


@dataclass(frozen=True)
class PretrainConfig:
    """Settings of a pretraining run.

    Attributes:
        epochs: total epochs (a resumed run stops at the same total).
        batch_size: images per step over ALL processes (the last partial batch of an epoch is dropped);
            under DDP each of the ``W`` ranks takes ``batch_size / W``.
        recipe: optimiser settings; None = the method's official recipe (:func:`official_recipe`).
        bf16: bf16 autocast on CUDA.
        channels_last: channels_last memory format on CUDA.
        seed: seeds the per-epoch shuffling and view/mask randomness.
        input_size: view side in pixels (recorded in the checkpoint).
        normalisation: input normalisation (recorded in the checkpoint).
        data_hash: identifies the pretraining data (recorded in the checkpoint).
        sync_batchnorm: under DDP, BatchNorm statistics over the global batch (every method; see the
            README for where the official code does the same).
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
    sync_batchnorm: bool = True


@dataclass(frozen=True)
class PretrainResult:
    """What a run did: per-epoch mean losses of THIS call, and the checkpoint to hand downstream."""

    epochs_done: int
    losses: list[float]
    checkpoint: Path
    resumed_from: int


def _to_device(rois: Tensor, index: Tensor, device: torch.device) -> Tensor:
    return rois[index.to(rois.device, non_blocking=True)].to(device, non_blocking=True)


class TwoViewBatches:
    """Indices -> two views of those ROIs (uint8 ``[N, H, W]`` on any device, memory-mapped is fine)."""

    def __init__(self, rois: Tensor, views: TwoViews, device: torch.device | str) -> None:
        self.rois, self.views, self.device = rois, views, torch.device(device)

    def __call__(self, index: Tensor, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        """The two views of the ROIs at ``index``."""
        return self.views(_to_device(self.rois, index, self.device), generator)

    def describe(self) -> dict[str, Any]:
        """The two view configs (stored in the checkpoint, checked on resume)."""
        second = self.views.second or self.views.first
        return {"kind": "two_view", "views": [_asdict(self.views.first), _asdict(second)]}


class OneViewBatches:
    """Indices -> one view of those ROIs."""

    def __init__(self, rois: Tensor, view: ViewConfig, device: torch.device | str) -> None:
        self.rois, self.view, self.device = rois, view, torch.device(device)

    def __call__(self, index: Tensor, generator: torch.Generator) -> Tensor:
        """One view of the ROIs at ``index``."""
        return make_view(_to_device(self.rois, index, self.device), self.view, generator)

    def describe(self) -> dict[str, Any]:
        """The view config (stored in the checkpoint, checked on resume)."""
        return {"kind": "one_view", "views": [_asdict(self.view)]}


def _asdict(config: Any) -> dict[str, Any]:
    return json.loads(json.dumps(dataclasses.asdict(config)))


def two_view_batches(rois: Tensor, views: TwoViews, device: torch.device | str) -> TwoViewBatches:
    """Batch maker for MoCo v2 / Barlow Twins / VICReg (see :class:`TwoViewBatches`)."""
    return TwoViewBatches(rois, views, device)


def one_view_batches(rois: Tensor, view: ViewConfig, device: torch.device | str) -> OneViewBatches:
    """Batch maker for CNN-JEPA / MAE (see :class:`OneViewBatches`)."""
    return OneViewBatches(rois, view, device)


class ImageTextBatches:
    """Indices -> :class:`ImageTextBatch`: one view of each ROI and one sampled sentence of its impression.

    ``set_epoch(epoch)`` (called by :func:`pretrain` at every epoch start, like ``DistributedSampler``)
    reseeds the sentence choice (per rank under DDP), so a resumed run samples the same sentences as an
    uninterrupted one.
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
        """Reseed the sentence sampling for ``epoch`` (and this process's rank)."""
        self.sampler.reseed(self.seed * 100_003 + epoch + rank() * _RANK_STRIDE)

    def __call__(self, index: Tensor, generator: torch.Generator) -> ImageTextBatch:
        """The batch of the ROIs and impressions at ``index``."""
        images = make_view(_to_device(self.rois, index, self.device), self.view, generator)
        text = self.sampler([self.impressions[i] for i in index.tolist()]).to(self.device)
        return ImageTextBatch(images, text)

    def describe(self) -> dict[str, Any]:
        """The view config and the text length (stored in the checkpoint, checked on resume)."""
        return {
            "kind": "image_text",
            "views": [_asdict(self.view)],
            "max_length": self.sampler.max_length,
        }


def image_text_batches(
    rois: Tensor,
    impressions: Sequence[str],
    sampler: SentenceSampler,
    view: ViewConfig,
    device: torch.device | str,
) -> ImageTextBatches:
    """Batch maker for ConVIRT / GLoRIA (see :class:`ImageTextBatches`)."""
    return ImageTextBatches(rois, impressions, sampler, view, device)


def _epoch_seed(seed: int, epoch: int) -> int:
    return seed * 100_003 + epoch + rank() * _RANK_STRIDE


def rank_indices(permutation: Tensor, batch_size: int) -> Tensor:
    """This rank's share of an epoch: rows ``r, r + W, ...`` of the first ``steps * batch_size`` entries.

    ``[n_items]`` -> ``[steps * batch_size / W]``; consecutive chunks of ``batch_size / W`` are the steps'
    batches, and the union over ranks of step ``s`` is ``permutation[s * batch_size : (s + 1) * batch_size]``.
    """
    world = world_size()
    steps = permutation.shape[0] // batch_size
    return permutation[: steps * batch_size][rank() :: world]


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
    model: nn.Module | None = None,
) -> float:
    """One epoch; returns the mean loss over every rank (one device sync, at the end).

    ``model`` is what is called on the batch (the ``DistributedDataParallel`` wrapper under DDP; ``method``
    when None); ``method`` receives ``after_step`` and the gradient clipping.
    """
    model = model if model is not None else method
    world = world_size()
    per_rank = config.batch_size // world
    steps = n_items // config.batch_size
    total = steps * config.epochs
    warmup = steps * recipe.warmup_epochs
    order = torch.Generator().manual_seed(config.seed * 100_003 + epoch)  # the same on every rank
    generator = torch.Generator(device=device).manual_seed(_epoch_seed(config.seed, epoch) + 1)
    set_epoch = getattr(make_batch, "set_epoch", None)
    if set_epoch is not None:
        set_epoch(epoch)
    torch.manual_seed(_epoch_seed(config.seed, epoch) + 2)  # masks of CNN-JEPA / MAE
    mine = rank_indices(torch.randperm(n_items, generator=order), config.batch_size)
    bases = [group.setdefault("base_lr", group["lr"]) for group in optimizer.param_groups]
    use_bf16 = config.bf16 and device.type == "cuda"
    running = torch.zeros((), device=device)
    model.train()
    for step in range(steps):
        global_step = epoch * steps + step
        factor = warmup_cosine(global_step, total, warmup)
        for group, base in zip(optimizer.param_groups, bases, strict=True):
            group["lr"] = base * factor
        batch = make_batch(mine[step * per_rank : (step + 1) * per_rank], generator)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            loss, _ = model(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if recipe.grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(method.parameters(), recipe.grad_clip)
        optimizer.step()
        method.after_step()
        running += loss.detach()
        if on_step is not None:
            on_step(step, steps, loss.detach())
    if world > 1:
        torch.distributed.all_reduce(running)
        running /= world
    return float(running) / steps


def _schedule(
    config: PretrainConfig, recipe: OptimizerRecipe, make_batch: BatchMaker, n_items: int
) -> dict[str, Any]:
    """The settings a resumed run must share with the run it continues (stored in the checkpoint)."""
    describe = getattr(make_batch, "describe", None)
    return json.loads(
        json.dumps(
            {
                "epochs": config.epochs,
                "batch_size": config.batch_size,
                "recipe": dataclasses.asdict(recipe),
                "views": describe() if describe is not None else None,
                "seed": config.seed,
                "n_items": n_items,
                "world_size": world_size(),
            }
        )
    )


def _check_resume(
    out: Path, meta: dict[str, Any], method: SSLMethod, schedule: dict[str, Any]
) -> None:
    if meta["config"] != json.loads(json.dumps(method.config_dict())):
        raise CheckpointError(
            f"{out} holds a {meta['method']} checkpoint with another configuration; "
            "use a new output folder or the same settings to resume"
        )
    saved = meta.get("pretrain")
    if saved is None:
        raise CheckpointError(
            f"{out} holds a checkpoint without its schedule settings (written by ssl-objectives < 0.2); "
            "use a new output folder"
        )
    changed = [key for key in SCHEDULE_KEYS if saved.get(key) != schedule[key]]
    if changed:
        detail = "; ".join(
            f"{key}: saved {saved.get(key)!r}, now {schedule[key]!r}" for key in changed
        )
        raise CheckpointError(
            f"{out} holds a run with other schedule settings ({detail}). Resuming would change the "
            "learning-rate/momentum schedule or the data the run has seen: use the saved settings to "
            "resume, or a new output folder"
        )
    if saved.get("world_size") != schedule["world_size"]:
        logger.warning(
            "resuming a %s-process run with %s processes: the schedule is unchanged but views and masks "
            "are drawn per rank, so the run is no longer identical to an uninterrupted one",
            saved.get("world_size"),
            schedule["world_size"],
        )


def _checkpoint_visible(path: Path, device: torch.device) -> bool:
    """Whether ``path`` exists, checked to agree on every rank (``out_dir`` must be shared)."""
    found = path.is_file()
    if world_size() == 1:
        return found
    count = torch.tensor([int(found)], device=device)
    torch.distributed.all_reduce(count)
    seen = int(count.item())
    if 0 < seen < world_size():
        raise CheckpointError(
            f"{path} is visible to {seen} of {world_size()} processes: out_dir must be on a filesystem "
            "every rank can read"
        )
    return found


def _wrap(method: SSLMethod, device: torch.device, config: PretrainConfig) -> nn.Module:
    """``DistributedDataParallel`` around ``method`` under an initialised group of several processes."""
    if world_size() == 1:
        return method
    if config.sync_batchnorm:
        converted = convert_sync_batchnorm(method)
        logger.info("synchronised %d BatchNorm layers across %d processes", converted, world_size())
    device_ids = None
    if device.type == "cuda":
        device_ids = [device.index if device.index is not None else torch.cuda.current_device()]
    return nn.parallel.DistributedDataParallel(
        method, device_ids=device_ids, broadcast_buffers=False
    )


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

    Under an initialised process group of several processes this is DDP training (module docstring);
    every rank calls it with the same arguments (``device`` = this rank's device) and gets the same result.
    ``on_step`` is called on every rank.

    Raises:
        ConfigError: fewer items than one batch, or a batch not divisible by the number of processes.
        CheckpointError: ``out_dir`` holds a checkpoint of another method, configuration or schedule.
        SSLObjectivesError: the loss became non-finite (the last good checkpoint is kept).
    """
    config = config or PretrainConfig()
    world, is_main = world_size(), rank() == 0
    if n_items < config.batch_size:
        raise ConfigError(f"{n_items} items are fewer than one batch of {config.batch_size}")
    if config.batch_size % world:
        raise ConfigError(
            f"batch_size {config.batch_size} (the global batch) is not divisible by the {world} processes"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = torch.device(device)
    recipe = config.recipe or official_recipe(method.method_name)
    steps_per_epoch = n_items // config.batch_size
    method.set_total_steps(config.epochs * steps_per_epoch)
    method.to(device)
    if device.type == "cuda" and config.channels_last:
        method.to(memory_format=torch.channels_last)
    optimizer = build_optimizer(method, recipe, config.batch_size)
    schedule = _schedule(config, recipe, make_batch, n_items)
    last = out / "last"
    start = 0
    if _checkpoint_visible(out / "last.json", device):
        meta = read_metadata(last)
        _check_resume(out, meta, method, schedule)
        restore_checkpoint(last, method, optimizer)
        start = int(meta["epoch"])
        logger.info("resuming %s from epoch %d in %s", method.method_name, start, out)
    model = _wrap(method, device, config)
    losses = []
    for epoch in range(start, config.epochs):
        began = time.perf_counter()
        loss = train_one_epoch(
            method, optimizer, make_batch, n_items, epoch, config, recipe, device, on_step, model
        )
        if not math.isfinite(loss):
            raise SSLObjectivesError(
                f"{method.method_name} loss became {loss} in epoch {epoch + 1}; the last good checkpoint "
                f"is {last}.safetensors (epoch {epoch}); lower the learning rate and resume"
            )
        if is_main:
            save_checkpoint(
                last,
                method,
                input_size=config.input_size,
                normalisation=config.normalisation,
                optimizer=optimizer,
                epoch=epoch + 1,
                step=(epoch + 1) * steps_per_epoch,
                data_hash=config.data_hash,
                pretrain=schedule,
            )
            record = {
                "epoch": epoch + 1,
                "loss": loss,
                "seconds": round(time.perf_counter() - began, 3),
                "processes": world,
            }
            with (out / "log.jsonl").open("a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
            logger.info(
                "%s epoch %d/%d loss %.4f", method.method_name, epoch + 1, config.epochs, loss
            )
        barrier()
        losses.append(loss)
    return PretrainResult(config.epochs, losses, last.with_suffix(".safetensors"), start)
