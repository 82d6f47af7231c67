"""Full fine-tuning: the whole network trains, with the paper's augmentations applied on the device.

Images stay uint8 (``[N, H, W]``, as in the ROI store) until a batch is drawn; each batch is warped per sample
(:class:`lowdata_eval.augment.FineTuneAugment`) on the training device. On CUDA the model runs in
channels_last with bf16 autocast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from lowdata_eval.augment import FineTuneAugment
from lowdata_eval.search_space import Hyperparams
from lowdata_eval.selection import FitResult, Report, fit_and_select, predict
from lowdata_eval.tasks import TaskSpec

#: ``model_factory(n_outputs)`` returns a fresh network (pretrained encoder + new head).
ModelFactory = Callable[[int], nn.Module]


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
class ImageSplits:
    """uint8 images ``[N, H, W]`` and targets of the train / val subsets and of every named test set.

    ``tests`` maps a test set name to ``(images, targets)`` in reporting order; a bare tuple means
    ``{"test": it}``.
    """

    train: tuple[Tensor, Tensor]
    val: tuple[Tensor, Tensor]
    tests: dict[str, tuple[Tensor, Tensor]] | tuple[Tensor, Tensor]

    def __post_init__(self) -> None:
        if isinstance(self.tests, tuple):
            object.__setattr__(self, "tests", {"test": self.tests})

    @property
    def test(self) -> tuple[Tensor, Tensor]:
        """The first test set."""
        return next(iter(self.tests.values()))  # type: ignore[union-attr]


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
    images, targets = data.train
    n = len(images)
    steps = max(1, n // batch_size) if n >= batch_size else 1

    def batches(epoch: int) -> Iterator[tuple[Tensor, Tensor]]:
        order = torch.randperm(n, generator=order_generator)
        stop = steps * batch_size if n >= batch_size else n
        for start in range(0, stop, batch_size):
            index = order[start : start + batch_size]
            x = images[index].to(device, non_blocking=True)
            yield augment.train(x, generator), targets[index].to(device)

    tests: dict[str, tuple[Tensor, Tensor]] = data.tests  # type: ignore[assignment]

    def evaluate(net: nn.Module, split: str) -> tuple[np.ndarray, np.ndarray]:
        x, y = data.val if split == "val" else tests[split]
        chunks = (augment.evaluate(x[i : i + 256].to(device)) for i in range(0, len(x), 256))
        return y.numpy(), predict(net, chunks, device)

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
