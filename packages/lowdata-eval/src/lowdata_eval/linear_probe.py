"""Linear probing on cached features: the frozen encoder runs once, every trial trains only the head.

Features are standardised with the mean and standard deviation of the training subset (the head then sees
comparable scales whatever the encoder), and the head ``Linear(D, n_outputs)`` is trained on mini-batches
with the trial's optimizer and one-cycle schedule. Features are computed without training-time augmentation
(the documented choice that makes a 50-trial search cost seconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from lowdata_eval.search_space import Hyperparams
from lowdata_eval.selection import FitResult, Report, fit_and_select, predict
from lowdata_eval.tasks import TaskSpec


@torch.no_grad()
def extract_features(
    encoder: nn.Module,
    images: Tensor,
    transform: Callable[[Tensor], Tensor],
    *,
    batch_size: int = 256,
    device: torch.device | str = "cpu",
) -> Tensor:
    """Run a frozen encoder once over ``images``.

    Args:
        encoder: maps a float batch ``[B, C, h, w]`` to features ``[B, D]`` (or ``[B, D, 1, 1]``).
        images: uint8 ``[N, H, W]`` (e.g. the ROI store, memory-mapped) or ``[N, C, H, W]``.
        transform: the evaluation transform (e.g. :meth:`FineTuneAugment.evaluate`).
        batch_size: images per forward pass.
        device: where the encoder runs.

    Returns:
        float32 ``[N, D]`` on the CPU.
    """
    device = torch.device(device)
    encoder = encoder.to(device).eval()
    chunks = []
    for start in range(0, len(images), batch_size):
        batch = torch.as_tensor(np.asarray(images[start : start + batch_size])).to(device)
        chunks.append(predict(encoder, [transform(batch)], device).reshape(len(batch), -1))
    return torch.from_numpy(np.concatenate(chunks)).float()


@dataclass(frozen=True)
class FeatureSplits:
    """Features and targets of the train / val / test subsets (tensors on one device)."""

    train: tuple[Tensor, Tensor]
    val: tuple[Tensor, Tensor]
    test: tuple[Tensor, Tensor]

    @classmethod
    def from_arrays(
        cls,
        features: dict[str, np.ndarray | Tensor],
        targets: dict[str, Tensor],
        device: torch.device | str = "cpu",
    ) -> FeatureSplits:
        """Standardise with the training subset's statistics and move to ``device``."""
        train = torch.as_tensor(features["train"], dtype=torch.float32)
        mean = train.mean(dim=0, keepdim=True)
        std = train.std(dim=0, keepdim=True).clamp_min(1e-6)

        def prepare(split: str) -> tuple[Tensor, Tensor]:
            x = (torch.as_tensor(features[split], dtype=torch.float32) - mean) / std
            return x.to(device), targets[split].to(device)

        return cls(prepare("train"), prepare("val"), prepare("test"))


def fit_linear_probe(
    data: FeatureSplits,
    task: TaskSpec,
    params: Hyperparams,
    report: Report,
    *,
    seed: int,
    batch_size: int = 256,
) -> FitResult:
    """Train and select one linear head (one trial)."""
    x_train, y_train = data.train
    device = x_train.device
    torch.manual_seed(seed)
    head = nn.Linear(x_train.shape[1], task.n_outputs).to(device)
    generator = torch.Generator(device="cpu").manual_seed(seed)
    n = len(x_train)
    steps = max(1, -(-n // batch_size))

    def batches(epoch: int) -> Iterator[tuple[Tensor, Tensor]]:
        order = torch.randperm(n, generator=generator).to(device)
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            yield x_train[index], y_train[index]

    def evaluate(model: nn.Module, split: str) -> tuple[np.ndarray, np.ndarray]:
        x, y = data.val if split == "val" else data.test
        return y.cpu().numpy(), predict(model, [x], device)

    return fit_and_select(head, params, task, batches, steps, evaluate, report, device)
