"""Training the two localizer networks from an annotation table.

Annotations (``boxes.csv`` as the phantom writes it, or your own): one row per knee with ``image`` (path
relative to the data folder), ``side`` (``R``/``L``), ``present`` (0/1) and ``x1, y1, x2, y2`` in source
pixels.

Every radiograph is read once and kept at 0.75 mm/px. Each epoch draws new augmented views:

- overview: centre shifted by N(0, 25 mm) per axis (clipped at 80 mm), size x U(0.7, 1.3) (the scale
  +-30 % a wrong or estimated spacing causes), turned by U(-15, 15) degrees, mirrored with p = 0.5 (slots
  swap, since slot 0 is the knee on the image's left), gamma/contrast/brightness jitter and in 30 % of
  views a loss of resolution (2-4 px blocks averaged); a knee whose centre
  leaves the view is absent; in 20 % of two-knee views one knee's half is blanked to background and in 5 %
  the whole view (targets: absent), so presence learns absence, which real single-knee and knee-less images
  need (the domain-randomised phantom adds real negatives: lateral views, other anatomy, blank fields);
- refinement: per present knee, a crop centred N(0, 25 mm) off the true centre per axis (clipped at 60 mm,
  so the joint stays inside the 160 mm crop; an overview on a real radiograph can miss by several
  centimetres, and the refinement must pull such a start back to the joint line) or, for half of the
  crops, N(0, 5 mm) (the later passes start near the joint and must be precise), size x U(0.8, 1.2),
  turned by U(-15, 15) degrees, the left knee mirrored.

Loss: 20 x L1 on box coordinates in view units (present knees only) + binary cross-entropy on presence.
AdamW with a one-cycle schedule; batch 16.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.nn import functional

from knee_localize.checkpoint import Localizer, LocalizerConfig
from knee_localize.dicom_io import read_radiograph
from knee_localize.errors import KneeLocalizeError
from knee_localize.geometry import View, square_view
from knee_localize.locate import SIDES, overview_view, refine_view
from knee_localize.model import load_imagenet_trunk

CACHE_MM = 0.75
SHIFT_MM, SHIFT_LIMIT_MM = 25.0, 80.0
SCALE_RANGE = (0.7, 1.3)
ROTATE_DEG = 15.0
ERASE_SHARE = 0.2
ERASE_BOTH_SHARE = 0.05
REFINE_SHIFT_MM, REFINE_SHIFT_LIMIT_MM, REFINE_NEAR_MM = 25.0, 60.0, 5.0
REFINE_SCALE_RANGE = (0.8, 1.2)
LOW_RES_SHARE = 0.3
REQUIRED = ("image", "side", "present", "x1", "y1", "x2", "y2")


@dataclass(frozen=True)
class TrainConfig:
    """Training settings."""

    epochs: int = 50
    refine_epochs: int = 80
    batch_size: int = 16
    lr: float = 2e-3
    seed: int = 0


@dataclass
class CachedImage:
    """A radiograph at ``CACHE_MM`` and its knees' boxes in the cached pixels (``nan`` when absent)."""

    pixels: np.ndarray
    spacing: tuple[float, float]
    boxes: dict[str, np.ndarray]


def load_annotations(data: Path) -> pd.DataFrame:
    """Read ``data/boxes.csv`` and check its columns."""
    path = Path(data) / "boxes.csv"
    if not path.is_file():
        raise KneeLocalizeError(
            f"{path} not found: the training folder needs a boxes.csv annotation table"
        )
    table = pd.read_csv(path)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise KneeLocalizeError(f"{path}: missing column(s) {missing}")
    return table


def cache_images(data: Path, table: pd.DataFrame) -> list[CachedImage]:
    """Read every annotated radiograph once, downsampled to ``CACHE_MM``."""
    cached = []
    for image, rows in table.groupby("image", sort=True):
        radiograph = read_radiograph(Path(data) / str(image))
        factor = max(1, round(CACHE_MM / radiograph.spacing_mm[1]))
        h, w = (
            (radiograph.pixels.shape[0] // factor) * factor,
            (radiograph.pixels.shape[1] // factor) * factor,
        )
        small = (
            radiograph.pixels[:h, :w]
            .reshape(h // factor, factor, w // factor, factor)
            .mean(axis=(1, 3))
        )
        boxes = {}
        for row in rows.itertuples(index=False):
            box = np.array([row.x1, row.y1, row.x2, row.y2], dtype=np.float64)
            boxes[str(row.side)] = (
                (box - (factor - 1) / 2) / factor if row.present else np.full(4, np.nan)
            )
        spacing = (radiograph.spacing_mm[0] * factor, radiograph.spacing_mm[1] * factor)
        cached.append(CachedImage(small.astype(np.float32), spacing, boxes))
    return cached


def _jitter_contrast(patch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gamma / contrast / brightness jitter, then (p = ``LOW_RES_SHARE``) a loss of resolution."""
    gamma = float(np.exp(rng.normal(0, 0.3)))
    patch = np.clip(
        np.clip(patch, 0, 1) ** gamma * rng.uniform(0.85, 1.15) + rng.normal(0, 0.05), 0, 1
    )
    if rng.random() < LOW_RES_SHARE:
        patch = lose_resolution(patch, int(rng.integers(2, 5)))
    return patch


def lose_resolution(patch: np.ndarray, factor: int) -> np.ndarray:
    """``[S, S]`` -> ``[S, S]`` averaged over ``factor`` x ``factor`` blocks and interpolated back.

    Real radiographs reach users as thumbnails, figure panels and downsampled exports (1-2 mm/px, coarser
    than the 1 mm/px refinement crop); the phantom is sharp, so training sees its crops coarser too.
    """
    tensor = torch.from_numpy(np.ascontiguousarray(patch, dtype=np.float32))[None, None]
    small = functional.avg_pool2d(tensor, factor, ceil_mode=True)
    return functional.interpolate(small, size=patch.shape, mode="bilinear", align_corners=False)[
        0, 0
    ].numpy()


def overview_batch(
    images: list[CachedImage], localizer: Localizer, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Augmented overview inputs ``[N, 1, S, S]`` and targets ``[N, 10]``."""
    inputs, targets = [], []
    size = localizer.config.overview_px
    for image in images:
        base = overview_view(image.pixels, image.spacing, localizer)
        mirror = bool(rng.random() < 0.5)
        shift = np.clip(rng.normal(0, SHIFT_MM, size=2), -SHIFT_LIMIT_MM, SHIFT_LIMIT_MM)
        view = View(
            base.centre_x + shift[0] / image.spacing[1],
            base.centre_y + shift[1] / image.spacing[0],
            base.size_mm * rng.uniform(*SCALE_RANGE),
            size,
            image.spacing,
            mirror,
            float(rng.uniform(-ROTATE_DEG, ROTATE_DEG)),
        )
        patch = square_view(image.pixels, view)
        slots = SIDES[::-1] if mirror else SIDES
        target = np.zeros(10, dtype=np.float32)
        for slot, side in enumerate(slots):
            box = image.boxes.get(side, np.full(4, np.nan))
            present = not np.isnan(box).any()
            if present:
                in_view = view.box_to_view(box)
                centre = (in_view[:2] + in_view[2:]) / 2
                present = bool(((centre >= 0) & (centre <= size)).all())
            target[4 * slot : 4 * slot + 4] = in_view / size if present else np.nan
            target[8 + slot] = float(present)
        draw = rng.random()
        if target[8] and target[9] and draw < ERASE_BOTH_SHARE:
            patch[:] = float(np.percentile(patch, 1)) + rng.normal(0, 0.01, patch.shape)
            target[:8] = np.nan
            target[8:] = 0.0
        elif target[8] and target[9] and draw < ERASE_BOTH_SHARE + ERASE_SHARE:
            _erase_one_knee(patch, target, rng)
        inputs.append(_jitter_contrast(patch, rng))
        targets.append(target)
    return torch.from_numpy(np.stack(inputs))[:, None], torch.from_numpy(np.stack(targets))


def _erase_one_knee(patch: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> None:
    """Turn a two-knee view into a one-knee view: blank one knee's side of the image (in place).

    Single-knee radiographs are rare, so without this the presence outputs never learn absence.
    """
    slot = int(rng.integers(2))
    centres = [(target[4 * s] + target[4 * s + 2]) / 2 * patch.shape[1] for s in (0, 1)]
    cut = round((centres[0] + centres[1]) / 2)
    background = float(np.percentile(patch, 1))
    region = np.s_[:, :cut] if slot == 0 else np.s_[:, cut:]
    patch[region] = background + rng.normal(0, 0.01, patch[region].shape)
    target[4 * slot : 4 * slot + 4] = np.nan
    target[8 + slot] = 0.0


def refine_batch(
    images: list[CachedImage], localizer: Localizer, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Augmented refinement crops ``[N, 1, S, S]`` and box targets ``[N, 4]`` (present knees only)."""
    inputs, targets = [], []
    size = localizer.config.refine_px
    for image in images:
        for side in SIDES:
            box = image.boxes.get(side)
            if box is None or np.isnan(box).any():
                continue
            spread = REFINE_SHIFT_MM if rng.random() < 0.5 else REFINE_NEAR_MM
            shift = np.clip(
                rng.normal(0, spread, size=2), -REFINE_SHIFT_LIMIT_MM, REFINE_SHIFT_LIMIT_MM
            )
            centre = (
                (box[0] + box[2]) / 2 + shift[0] / image.spacing[1],
                (box[1] + box[3]) / 2 + shift[1] / image.spacing[0],
            )
            base = refine_view(centre, side, image.spacing, localizer)
            view = View(
                base.centre_x,
                base.centre_y,
                base.size_mm * rng.uniform(*REFINE_SCALE_RANGE),
                size,
                image.spacing,
                base.mirror,
                float(rng.uniform(-ROTATE_DEG, ROTATE_DEG)),
            )
            inputs.append(_jitter_contrast(square_view(image.pixels, view), rng))
            targets.append(view.box_to_view(box) / size)
    return torch.from_numpy(np.stack(inputs))[:, None], torch.from_numpy(
        np.stack(targets).astype(np.float32)
    )


def overview_loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """20 x L1 on present knees' boxes + BCE on presence."""
    boxes, present = target[:, :8], target[:, 8:]
    mask = ~torch.isnan(boxes)
    l1 = (output[:, :8][mask] - boxes[mask]).abs().mean() if mask.any() else output.sum() * 0
    return 20 * l1 + functional.binary_cross_entropy_with_logits(output[:, 8:], present)


def _fit(
    network: torch.nn.Module,
    make_batch: Callable[[list[CachedImage]], tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    images: list[CachedImage],
    epochs: int,
    config: TrainConfig,
    rng: np.random.Generator,
    label: str,
    progress: Callable[[str], None],
) -> list[float]:
    if epochs <= 0:
        return []
    steps = max(1, -(-len(images) // config.batch_size))
    optimizer = torch.optim.AdamW(network.parameters(), lr=config.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=config.lr, total_steps=epochs * steps
    )
    history = []
    for epoch in range(1, epochs + 1):
        network.train()
        order = rng.permutation(len(images))
        total = 0.0
        start = time.perf_counter()
        for step in range(steps):
            chunk = [
                images[i] for i in order[step * config.batch_size : (step + 1) * config.batch_size]
            ]
            inputs, targets = make_batch(chunk)
            loss = loss_fn(network(inputs), targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss.detach())
        history.append(total / steps)
        progress(
            f"{label} epoch {epoch}/{epochs}: loss {history[-1]:.4f} ({time.perf_counter() - start:.1f} s)"
        )
    return history


def train_localizer(
    data: Path,
    config: LocalizerConfig | None = None,
    train_config: TrainConfig | None = None,
    imagenet_weights: Path | None = None,
    progress: Callable[[str], None] = lambda line: None,
    init: Path | None = None,
) -> Localizer:
    """Train both networks on the radiographs of ``data`` annotated in ``data/boxes.csv``.

    ``init``: a checkpoint to fine-tune (e.g. the phantom-trained localizer on your own imported boxes); its
    settings are kept and ``config`` must be ``None`` or equal to them. ``train_config.epochs`` or
    ``refine_epochs`` of 0 leave that network as it is.
    """
    base = None
    if init is not None:
        if imagenet_weights is not None:
            raise KneeLocalizeError(
                "give either a checkpoint to fine-tune or ImageNet weights, not both"
            )
        base = Localizer.load(init)
        if config is not None and config != base.config:
            raise KneeLocalizeError(
                f"{init} was trained with {base.config}; fine-tuning keeps those settings "
                "(leave --backbone and --input-px out)"
            )
        config = base.config
    config = config or LocalizerConfig()
    train_config = train_config or TrainConfig()
    torch.manual_seed(train_config.seed)
    rng = np.random.default_rng(train_config.seed)
    table = load_annotations(data)
    start = time.perf_counter()
    images = cache_images(data, table)
    progress(f"read {len(images)} radiographs in {time.perf_counter() - start:.1f} s")
    localizer = base if base is not None else Localizer.create(config)
    base_training = base.metadata.get("training") if base is not None else None
    if imagenet_weights is not None:
        load_imagenet_trunk(localizer.overview, imagenet_weights)
        load_imagenet_trunk(localizer.refine, imagenet_weights)
    overview_history = _fit(
        localizer.overview,
        lambda chunk: overview_batch(chunk, localizer, rng),
        overview_loss,
        images,
        train_config.epochs,
        train_config,
        rng,
        "overview",
        progress,
    )
    refine_history = _fit(
        localizer.refine,
        lambda chunk: refine_batch(chunk, localizer, rng),
        lambda out, target: 20 * (out - target).abs().mean(),
        images,
        train_config.refine_epochs,
        train_config,
        rng,
        "refine",
        progress,
    )
    localizer.metadata = {
        "training": {
            "images": len(images),
            "knees": int(table["present"].sum()),
            "data": str(data),
            "epochs": train_config.epochs,
            "refine_epochs": train_config.refine_epochs,
            "seconds": round(time.perf_counter() - start, 1),
            "imagenet": str(imagenet_weights or ""),
            "init": str(init or ""),
            "init_training": base_training,  # how the fine-tuned checkpoint was trained
            "lr": train_config.lr,
            "final_loss": {  # null: the network was not trained (0 epochs of a fine-tuning)
                "overview": overview_history[-1] if overview_history else None,
                "refine": refine_history[-1] if refine_history else None,
            },
        },
        "input": {
            "in_channels": 1,
            "normalisation": "percentile clip 0.5-99.5 to [0, 1], minus 0.5",
        },
    }
    return localizer
