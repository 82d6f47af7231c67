"""Square views of a radiograph at a chosen physical size and resolution.

:func:`square_view` samples ``out_px x out_px`` pixels covering ``size_mm x size_mm`` around a centre (in
source pixels), optionally mirrored left-right, with bilinear interpolation after an area pre-filter (block
averaging) when the view is much coarser than the source, so a 4 mm/px overview of a 0.15 mm/px radiograph
is not aliased. Regions outside the radiograph are 0. The same function makes the localizer's overview, its
refinement crops and the exported ROIs.

Coordinates: ``(x, y)`` = (column, row) in source pixels, pixel centres at integers; view coordinates
run continuously over ``[0, out_px]`` (view pixel ``i`` is centred at ``i + 0.5``). A view maps view
position ``(u, v)`` to millimetre offsets ``du = (u - out_px/2) s`` (negated when mirrored) and
``dv = (v - out_px/2) s`` with ``s = size_mm / out_px``, turns them by ``angle_deg``
(``dx = cos a du - sin a dv``, ``dy = sin a du + cos a dv``; training augmentation), and lands at source
``x = cx + dx / sx``, ``y = cy + dy / sy``.
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
    angle_deg: float = 0.0

    @property
    def mm_per_px(self) -> float:
        """View resolution."""
        return self.size_mm / self.out_px

    def to_source(
        self, u: np.ndarray | float, v: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """View pixel coordinates -> source pixel coordinates."""
        du = (np.asarray(u, dtype=np.float64) - self.out_px / 2) * self.mm_per_px
        dv = (np.asarray(v, dtype=np.float64) - self.out_px / 2) * self.mm_per_px
        if self.mirror:
            du = -du
        cos, sin = np.cos(np.radians(self.angle_deg)), np.sin(np.radians(self.angle_deg))
        dx, dy = cos * du - sin * dv, sin * du + cos * dv
        return self.centre_x + dx / self.spacing[1], self.centre_y + dy / self.spacing[0]

    def to_view(
        self, x: np.ndarray | float, y: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Source pixel coordinates -> view pixel coordinates."""
        dx = (np.asarray(x, dtype=np.float64) - self.centre_x) * self.spacing[1]
        dy = (np.asarray(y, dtype=np.float64) - self.centre_y) * self.spacing[0]
        cos, sin = np.cos(np.radians(self.angle_deg)), np.sin(np.radians(self.angle_deg))
        du, dv = cos * dx + sin * dy, -sin * dx + cos * dy
        if self.mirror:
            du = -du
        return self.out_px / 2 + du / self.mm_per_px, self.out_px / 2 + dv / self.mm_per_px

    def box_to_view(self, box: np.ndarray) -> np.ndarray:
        """``[x1, y1, x2, y2]`` source box -> view box (corners re-ordered after mirroring).

        A turned view keeps the box axis-aligned around its turned centre (boxes are squares).
        """
        if self.angle_deg:
            u, v = self.to_view((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            half_u = (box[2] - box[0]) / 2 * self.spacing[1] / self.mm_per_px
            half_v = (box[3] - box[1]) / 2 * self.spacing[0] / self.mm_per_px
            return np.array([u - half_u, v - half_v, u + half_u, v + half_v], dtype=np.float64)
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
    if view.angle_deg:
        xs, ys = view.to_source(*np.meshgrid(centres, centres))
    else:
        xs, _ = view.to_source(centres, np.zeros_like(centres))
        _, ys = view.to_source(np.zeros_like(centres), centres)
    margin = 2 * factor
    x0 = max(0, (int(np.floor(xs.min())) - margin) // factor * factor)
    y0 = max(0, (int(np.floor(ys.min())) - margin) // factor * factor)
    x1 = min(pixels.shape[1], int(np.ceil(xs.max())) + margin)
    y1 = min(pixels.shape[0], int(np.ceil(ys.max())) + margin)
    if x1 - x0 < factor or y1 - y0 < factor:  # the view lies outside the image
        return np.zeros((view.out_px, view.out_px), dtype=np.float32)
    region = np.ascontiguousarray(pixels[y0:y1, x0:x1], dtype=np.float32)
    tensor = torch.from_numpy(region)[None, None]
    # the mean of each factor x factor block (a partial last row / column is dropped)
    if factor > 1:
        tensor = functional.avg_pool2d(tensor, factor)
    # source pixel centres sit at integer coordinates; a block of the pre-filter keeps that mapping
    gx = (xs - x0 + 0.5) / (tensor.shape[-1] * factor) * 2 - 1
    gy = (ys - y0 + 0.5) / (tensor.shape[-2] * factor) * 2 - 1
    if not view.angle_deg:
        gx, gy = np.meshgrid(gx, gy)
    grid = np.stack([gx, gy], axis=-1)[None].astype(np.float32)
    out = functional.grid_sample(
        tensor, torch.from_numpy(grid), mode="bilinear", padding_mode="zeros", align_corners=False
    )
    return out[0, 0].numpy()
