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

from lowdata_eval.named_splits import NamedSplits
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


class LinearProbe(nn.Module):
    """Standardisation with the training subset's statistics followed by ``Linear(D, n_outputs)``.

    ``logits = W ((x - mean) / std) + b``; the whole kept linear-probing model, applied to raw features.

    Shape:
        ``x``: ``[B, D]`` raw features; output ``[B, n_outputs]``.
    """

    def __init__(self, in_features: int, n_outputs: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(1, in_features))
        self.register_buffer("std", torch.ones(1, in_features))
        self.head = nn.Linear(in_features, n_outputs)

    def forward(self, x: Tensor) -> Tensor:
        """``[B, D]`` raw features -> logits ``[B, n_outputs]``."""
        return self.head((x - self.mean) / self.std)


@dataclass(frozen=True)
class FeatureSplits(NamedSplits):
    """Standardised features and targets of the train / val subsets and of every named test set.

    Attributes:
        train, val: ``(features [N, D], targets)`` on one device.
        tests: test set name -> ``(features, targets)``, in reporting order (a bare tuple
            means ``{"test": it}``).
        mean, std: ``[1, D]`` training statistics the features were standardised with (CPU).
    """

    mean: Tensor | None = None
    std: Tensor | None = None

    @classmethod
    def from_arrays(
        cls,
        features: dict[str, np.ndarray | Tensor],
        targets: dict[str, Tensor],
        device: torch.device | str = "cpu",
    ) -> FeatureSplits:
        """Standardise with the training subset's statistics and move to ``device``.

        ``features`` and ``targets`` hold ``"train"``, ``"val"`` and one entry per test set (every other
        key, in order).
        """
        train = torch.as_tensor(features["train"], dtype=torch.float32)
        mean = train.mean(dim=0, keepdim=True)
        std = train.std(dim=0, keepdim=True).clamp_min(1e-6)

        def prepare(split: str) -> tuple[Tensor, Tensor]:
            x = (torch.as_tensor(features[split], dtype=torch.float32) - mean) / std
            return x.to(device), targets[split].to(device)

        tests = {name: prepare(name) for name in features if name not in ("train", "val")}
        return cls(prepare("train"), prepare("val"), tests, mean, std)


def fit_linear_probe(
    data: FeatureSplits,
    task: TaskSpec,
    params: Hyperparams,
    report: Report,
    *,
    seed: int,
    batch_size: int = 256,
) -> FitResult:
    """Train and select one linear head (one trial); its weights come back as a :class:`LinearProbe`."""
    x_train, y_train = data.train
    device = x_train.device
    torch.manual_seed(seed)
    head = nn.Linear(x_train.shape[1], task.n_outputs).to(device)
    generator = torch.Generator(device="cpu").manual_seed(seed)
    n = len(x_train)
    steps = max(1, -(-n // batch_size))
    tests: dict[str, tuple[Tensor, Tensor]] = data.tests  # type: ignore[assignment]

    def batches(epoch: int) -> Iterator[tuple[Tensor, Tensor]]:
        order = torch.randperm(n, generator=generator).to(device)
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            yield x_train[index], y_train[index]

    def evaluate(model: nn.Module, split: str) -> tuple[np.ndarray, np.ndarray]:
        x, y = data.val if split == "val" else tests[split]
        return y.cpu().numpy(), predict(model, [x], device)

    result = fit_and_select(
        head, params, task, batches, steps, evaluate, report, device, tuple(tests)
    )
    dim = x_train.shape[1]
    mean = data.mean if data.mean is not None else torch.zeros(1, dim)
    std = data.std if data.std is not None else torch.ones(1, dim)
    result.weights = {
        "mean": mean.detach().cpu().float(),
        "std": std.detach().cpu().float(),
        **{f"head.{k}": v for k, v in result.weights.items()},
    }
    result.model_info = {
        "model": "linear_probe",
        "in_features": int(dim),
        "n_outputs": task.n_outputs,
        "task_kind": task.kind.value,
    }
    return result
