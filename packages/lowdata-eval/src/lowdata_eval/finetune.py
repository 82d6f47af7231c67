"""Full fine-tuning: the whole network trains, with the paper's augmentations applied on the device.

Images stay uint8 (``[N, H, W]``, as in the ROI store) until a batch is drawn; each batch is warped per sample
(:class:`lowdata_eval.augment.FineTuneAugment`) on the training device. On CUDA the model runs in
channels_last with bf16 autocast under ``cudnn.benchmark`` (restored afterwards), the training and validation
subsets are kept on the GPU as uint8 when they fit (:func:`stage_images`; a 1-10 % subset of 224 px ROIs is
tens to hundreds of MB) and otherwise stay in pinned host memory, each batch gathered into one of two pinned
buffers and copied asynchronously; the training loss is summed on the device (no per-step synchronisation).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from lowdata_eval.augment import FineTuneAugment
from lowdata_eval.named_splits import NamedSplits
from lowdata_eval.search_space import Hyperparams
from lowdata_eval.selection import FitResult, Report, fit_and_select, predict
from lowdata_eval.tasks import TaskSpec

logger = logging.getLogger(__name__)
#: ``model_factory(n_outputs)`` returns a fresh network (pretrained encoder + new head).
ModelFactory = Callable[[int], nn.Module]
#: Fraction of the free GPU memory a staged uint8 subset may take.
DEVICE_BUDGET = 0.25


def stage_images(images: Tensor, device: torch.device | str) -> Tensor:
    """Where a subset's uint8 images ``[N, H, W]`` live during training.

    CPU training: unchanged. CUDA: on the GPU if they take less than ``DEVICE_BUDGET`` of its free memory,
    else in pinned host memory (asynchronous copies).
    """
    device = torch.device(device)
    if device.type != "cuda" or images.device.type == "cuda":
        return images
    size = images.numel() * images.element_size()
    free, _ = torch.cuda.mem_get_info(device)
    if size <= DEVICE_BUDGET * free:
        return images.to(device)
    logger.info(
        "%.1f GB of images stay in pinned host memory (GPU free %.1f GB)", size / 1e9, free / 1e9
    )
    return images.pin_memory()


@contextmanager
def cudnn_benchmark(enabled: bool) -> Iterator[None]:
    """``torch.backends.cudnn.benchmark = enabled`` inside the block, the caller's value restored after."""
    before = torch.backends.cudnn.benchmark
    torch.backends.cudnn.benchmark = enabled
    try:
        yield
    finally:
        torch.backends.cudnn.benchmark = before


class _BatchGatherer:
    """Gathers ``images[index]`` onto ``device``: directly when co-located, else via two pinned buffers.

    A pinned buffer is reused only after the copy that read it has finished (one CUDA event per buffer), so
    gathering batch ``k + 1`` on the CPU overlaps the copy and the training step of batch ``k``.
    """

    def __init__(self, images: Tensor, batch_size: int, device: torch.device) -> None:
        self.images, self.device = images, device
        self.pinned = images.device.type == "cpu" and device.type == "cuda"
        if self.pinned:
            shape = (batch_size, *images.shape[1:])
            self.buffers = [torch.empty(shape, dtype=images.dtype).pin_memory() for _ in range(2)]
            self.events: list[torch.cuda.Event | None] = [None, None]
            self.turn = 0

    def __call__(self, index: Tensor) -> Tensor:
        if not self.pinned:
            return self.images[index.to(self.images.device)].to(self.device, non_blocking=True)
        slot = self.turn
        self.turn ^= 1
        event = self.events[slot]
        if event is not None:
            event.synchronize()
        buffer = self.buffers[slot][: len(index)]
        torch.index_select(self.images, 0, index, out=buffer)
        batch = buffer.to(self.device, non_blocking=True)
        self.events[slot] = torch.cuda.Event()
        self.events[slot].record()  # type: ignore[union-attr]
        return batch


class EncoderWithHead(nn.Module):
    """An encoder producing ``[B, D]`` (or ``[B, D, 1, 1]``) features followed by ``Linear(D, n_outputs)``."""

    def __init__(self, encoder: nn.Module, feature_dim: int, n_outputs: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(feature_dim, n_outputs)

    def forward(self, x: Tensor) -> Tensor:
        """``[B, C, H, W]`` -> logits ``[B, n_outputs]``."""
        return self.head(torch.flatten(self.encoder(x), 1))


@dataclass(frozen=True)
class ImageSplits(NamedSplits):
    """uint8 images ``[N, H, W]`` and targets of the train / val subsets and of every named test set."""


def fit_finetune(
    model_factory: ModelFactory,
    data: ImageSplits,
    task: TaskSpec,
    params: Hyperparams,
    report: Report,
    *,
    seed: int,
    augment: FineTuneAugment,
    batch_size: int = 32,
    device: torch.device | str = "cpu",
) -> FitResult:
    """Fine-tune a fresh model from ``model_factory`` and select its best validation epoch (one trial)."""
    device = torch.device(device)
    torch.manual_seed(seed)
    model = model_factory(task.n_outputs).to(device)
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    generator = torch.Generator(device=device).manual_seed(seed)
    order_generator = torch.Generator(device="cpu").manual_seed(seed)
    images, targets = stage_images(data.train[0], device), data.train[1].to(device)
    gather = _BatchGatherer(images, batch_size, device)
    n = len(images)
    steps = max(1, n // batch_size) if n >= batch_size else 1

    def batches(epoch: int) -> Iterator[tuple[Tensor, Tensor]]:
        order = torch.randperm(n, generator=order_generator)
        stop = steps * batch_size if n >= batch_size else n
        for start in range(0, stop, batch_size):
            index = order[start : start + batch_size]
            yield augment.train(gather(index), generator), targets[index.to(device)]

    tests: dict[str, tuple[Tensor, Tensor]] = data.tests  # type: ignore[assignment]

    val = (stage_images(data.val[0], device), data.val[1])  # evaluated every epoch

    def evaluate(net: nn.Module, split: str) -> tuple[np.ndarray, np.ndarray]:
        x, y = val if split == "val" else tests[split]
        chunks = (augment.evaluate(x[i : i + 256].to(device)) for i in range(0, len(x), 256))
        return y.cpu().numpy(), predict(net, chunks, device)

    with cudnn_benchmark(device.type == "cuda" or torch.backends.cudnn.benchmark):
        result = fit_and_select(
            model, params, task, batches, steps, evaluate, report, device, tuple(tests)
        )
    result.model_info = {
        "model": "finetune",
        "architecture": type(model).__name__,
        "n_outputs": task.n_outputs,
        "task_kind": task.kind.value,
    }
    return result
