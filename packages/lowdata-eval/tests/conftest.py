"""Tiny synthetic data for the training and study tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn


def make_table(n_participants: int = 300, seed: int = 0, classes: int = 2) -> pd.DataFrame:
    """Two knees per participant, labels, and a 70/10/20 participant split."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_participants), 2)
    labels = rng.integers(0, classes, len(groups))
    split = np.select([groups % 10 < 7, groups % 10 < 8], ["train", "val"], "test")
    return pd.DataFrame({"participant_id": groups.astype(str), "label": labels, "split": split})


def make_features(
    labels: np.ndarray, dim: int = 32, signal: float = 1.0, seed: int = 0
) -> np.ndarray:
    """Gaussian features whose first coordinates carry the label."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(len(labels), dim)).astype(np.float32)
    x[:, : min(4, dim)] += signal * labels[:, None]
    return x


class TinyEncoder(nn.Module):
    """A two-layer CNN with BatchNorm producing ``[B, 8]`` features (for 1-channel 32 px images)."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Conv2d(8, 8, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def make_images(labels: np.ndarray, size: int = 40, seed: int = 0) -> np.ndarray:
    """uint8 images ``[N, size, size]``: label-1 images have a bright square in the centre."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 80, (len(labels), size, size)).astype(np.uint8)
    c = size // 2
    images[labels == 1, c - 6 : c + 6, c - 6 : c + 6] = 220
    return images


def make_image_splits(n_participants: int, size: int = 40):  # type: ignore[no-untyped-def]
    """A binary task on tiny images, split 70/10/20 by participant: ``(ImageSplits, TaskSpec)``."""
    from lowdata_eval import ImageSplits, TaskKind, TaskSpec

    table = make_table(n_participants)
    labels = table["label"].to_numpy()
    images = torch.from_numpy(make_images(labels, size=size))
    task = TaskSpec(TaskKind.BINARY)
    targets = task.target_tensor(labels)
    parts = [
        torch.from_numpy(np.flatnonzero(table["split"] == s)) for s in ("train", "val", "test")
    ]
    return ImageSplits(*[(images[i], targets[i]) for i in parts]), task


class Synthetic:
    """The helpers above, as the ``synthetic`` fixture (importlib mode cannot import conftest)."""

    table = staticmethod(make_table)
    features = staticmethod(make_features)
    images = staticmethod(make_images)
    image_splits = staticmethod(make_image_splits)
    encoder = TinyEncoder


@pytest.fixture
def synthetic() -> type[Synthetic]:
    return Synthetic


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``gpu`` when CUDA is not available."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
