"""Draw docs/views.png: pretraining views of one phantom knee ROI (needs knee-localize, as in the workspace).

Run: ``uv run python packages/ssl-objectives/docs/make_views_figure.py``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from knee_localize.phantom import PhantomConfig, render_radiograph
from PIL import Image, ImageDraw
from ssl_objectives.views import ViewConfig, barlow_twins_views, make_view, moco_v2_view, paper_view
from torch.nn import functional

ROI_MM, ROI_PX, VIEWS, SIZE = 140.0, 256, 6, 160


def phantom_roi(seed: int = 3) -> torch.Tensor:
    """A right-knee ROI (KL 3) of a phantom radiograph: uint8 ``[1, 256, 256]``."""
    rng = np.random.default_rng(seed)
    image = render_radiograph(rng, PhantomConfig(), {"R": 3, "L": 1}, risk={"R": 0.8, "L": 0.0})
    col, row = image.centres_px["R"]
    half = round(ROI_MM / 2 / image.spacing_mm)
    crop = image.image[round(row) - half : round(row) + half, round(col) - half : round(col) + half]
    x = torch.from_numpy(np.ascontiguousarray(crop))[None, None]
    x = functional.interpolate(x, size=(ROI_PX, ROI_PX), mode="area")[0]
    return (x.clamp(0, 1) * 255).round().to(torch.uint8)


def row_of_views(roi: torch.Tensor, config: ViewConfig, seed: int) -> list[Image.Image]:
    """``VIEWS`` views of the ROI as PIL images, back on the [0, 255] scale."""
    batch = roi.expand(VIEWS, -1, -1)
    views = make_view(batch, config, torch.Generator().manual_seed(seed)) * config.std + config.mean
    pixels = (views[:, 0].clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    return [Image.fromarray(p) for p in pixels]


def main() -> None:
    """Compose the grid: the ROI, then one row per view recipe."""
    roi = phantom_roi()
    first, second = barlow_twins_views(SIZE)
    rows = [
        ("paper view", paper_view(SIZE)),
        ("MoCo v2 view", moco_v2_view(SIZE)),
        ("Barlow view 1", first),
        ("Barlow view 2", second),
    ]
    label_w, pad, header = 130, 4, 22
    width = label_w + (SIZE + pad) * (VIEWS + 1)
    canvas = Image.new("L", (width, header + (SIZE + pad) * len(rows)), 255)
    draw = ImageDraw.Draw(canvas)
    draw.text((label_w + 4, 5), "phantom ROI (KL 3)", fill=0)
    draw.text(
        (label_w + SIZE + pad + 4, 5), f"{VIEWS} views, independent parameters per sample", fill=0
    )
    source = Image.fromarray(roi[0].numpy()).resize((SIZE, SIZE))
    for r, (label, config) in enumerate(rows):
        y = header + r * (SIZE + pad)
        draw.text((6, y + SIZE // 2 - 6), label, fill=0)
        canvas.paste(source, (label_w, y))
        for c, view in enumerate(row_of_views(roi, config, seed=r)):
            canvas.paste(view, (label_w + (c + 1) * (SIZE + pad), y))
    out = Path(__file__).resolve().parent / "views.png"
    canvas.save(out, optimize=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
