"""QA overlays: a downsampled radiograph with the knee boxes drawn, as PNG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from knee_localize.dicom_io import Radiograph
from knee_localize.locate import KneeBox

COLOURS = {"R": (255, 80, 80), "L": (80, 160, 255)}


def draw_boxes(
    radiograph: Radiograph,
    knees: Sequence[KneeBox],
    path: Path,
    max_side: int = 800,
    truth: Sequence[tuple[float, float, float, float]] = (),
) -> Path:
    """Write a PNG of ``radiograph`` with predicted boxes (red R, blue L) and true boxes (green)."""
    scale = min(1.0, max_side / max(radiograph.pixels.shape))
    image = Image.fromarray(np.round(radiograph.pixels * 255).astype(np.uint8)).convert("RGB")
    image = image.resize(
        (round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR
    )
    draw = ImageDraw.Draw(image)
    for box in truth:
        draw.rectangle([v * scale for v in box], outline=(60, 220, 60), width=2)
    for knee in knees:
        if knee.present:
            draw.rectangle([v * scale for v in knee.box], outline=COLOURS[knee.side], width=3)
            draw.text(
                (knee.box[0] * scale + 4, knee.box[1] * scale + 4),
                f"{knee.side} {knee.probability:.2f}",
                fill=COLOURS[knee.side],
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
