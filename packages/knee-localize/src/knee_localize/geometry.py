"""Square views of a radiograph at a chosen physical size and resolution.

:func:`square_view` samples ``out_px x out_px`` pixels covering ``size_mm x size_mm`` around a centre (in
source pixels), optionally mirrored left-right, with bilinear interpolation after an area pre-filter (block
averaging) when the view is much coarser than the source, so a 4 mm/px overview of a 0.15 mm/px radiograph
is not aliased. Regions outside the radiograph are 0. The same function makes the localizer's overview, its
refinement crops and the exported ROIs.

Coordinates: ``(x, y)`` = (column, row) in source pixels, pixel centres at integers; view coordinates
run continuously over ``[0, out_px]`` (view pixel ``i`` is centred at ``i + 0.5``); a view maps view
position ``(u, v)`` to source ``x = cx + (u - out_px/2) * s / sx`` (``-`` when mirrored) and
``y = cy + (v - out_px/2) * s / sy`` with ``s = size_mm / out_px``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional


@dataclass(frozen=True)
class View:
    """Where a square view lies in the source image."""

    centre_x: float
    centre_y: float
    size_mm: float
    out_px: int
    spacing: tuple[float, float]
    mirror: bool = False

    @property
    def mm_per_px(self) -> float:
        """View resolution."""
        return self.size_mm / self.out_px

    def to_source(
        self, u: np.ndarray | float, v: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """View pixel coordinates -> source pixel coordinates."""
        sign = -1.0 if self.mirror else 1.0
        x = (
            self.centre_x
            + sign * (np.asarray(u) - self.out_px / 2) * self.mm_per_px / self.spacing[1]
        )
        y = self.centre_y + (np.asarray(v) - self.out_px / 2) * self.mm_per_px / self.spacing[0]
        return x, y

    def to_view(
        self, x: np.ndarray | float, y: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Source pixel coordinates -> view pixel coordinates."""
        sign = -1.0 if self.mirror else 1.0
        u = (
            self.out_px / 2
            + sign * (np.asarray(x) - self.centre_x) * self.spacing[1] / self.mm_per_px
        )
        v = self.out_px / 2 + (np.asarray(y) - self.centre_y) * self.spacing[0] / self.mm_per_px
        return u, v

    def box_to_view(self, box: np.ndarray) -> np.ndarray:
        """``[x1, y1, x2, y2]`` source box -> view box (corners re-ordered after mirroring)."""
        u1, v1 = self.to_view(box[0], box[1])
        u2, v2 = self.to_view(box[2], box[3])
        return np.array([min(u1, u2), min(v1, v2), max(u1, u2), max(v1, v2)], dtype=np.float64)

    def box_to_source(self, box: np.ndarray) -> np.ndarray:
        """View box -> source box."""
        x1, y1 = self.to_source(box[0], box[1])
        x2, y2 = self.to_source(box[2], box[3])
        return np.array([min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)], dtype=np.float64)


def square_view(pixels: np.ndarray, view: View) -> np.ndarray:
    """Sample ``view`` from ``pixels`` ``[H, W]`` (float); returns float32 ``[out_px, out_px]``.

    Only the part of the image under the view is pre-filtered, so a small crop of a large radiograph costs
    little.
    """
    factor = max(1, int(view.mm_per_px / max(view.spacing) / 1.5))
    centres = np.arange(view.out_px, dtype=np.float64) + 0.5
    xs, _ = view.to_source(centres, np.zeros_like(centres))
    _, ys = view.to_source(np.zeros_like(centres), centres)
    margin = 2 * factor
    x0 = max(0, (int(np.floor(min(xs[0], xs[-1]))) - margin) // factor * factor)
    y0 = max(0, (int(np.floor(min(ys[0], ys[-1]))) - margin) // factor * factor)
    x1 = min(pixels.shape[1], int(np.ceil(max(xs[0], xs[-1]))) + margin)
    y1 = min(pixels.shape[0], int(np.ceil(max(ys[0], ys[-1]))) + margin)
    if x1 - x0 < factor or y1 - y0 < factor:  # the view lies outside the image
        return np.zeros((view.out_px, view.out_px), dtype=np.float32)
    region = pixels[y0:y1, x0:x1]
    if factor > 1:
        h, w = (region.shape[0] // factor) * factor, (region.shape[1] // factor) * factor
        region = region[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))
    # source pixel centres sit at integer coordinates; a block of the pre-filter keeps that mapping
    gx = (xs - x0 + 0.5) / (region.shape[1] * factor) * 2 - 1
    gy = (ys - y0 + 0.5) / (region.shape[0] * factor) * 2 - 1
    grid = np.stack(np.meshgrid(gx, gy), axis=-1)[None].astype(np.float32)
    tensor = torch.from_numpy(np.ascontiguousarray(region, dtype=np.float32))[None, None]
    out = functional.grid_sample(
        tensor, torch.from_numpy(grid), mode="bilinear", padding_mode="zeros", align_corners=False
    )
    return out[0, 0].numpy()
