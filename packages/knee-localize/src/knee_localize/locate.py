"""Two-stage localization: an overview of the whole radiograph, then a refinement crop per knee.

1. Overview: a ``overview_mm`` square (512 mm at 4 mm/px by default) centred on the image; the network gives
   both knees' boxes and presence. Slot 0 is the knee on the image's left, which in a PA view is the
   patient's RIGHT knee; slot 1 the LEFT knee.
2. Refinement: a ``refine_mm`` crop (160 mm at 1.25 mm/px) around each present knee's estimate, the left knee
   mirrored so both look alike; the network gives the box inside the crop. Run ``refine_passes`` times (2 by
   default), each crop centred on the previous refinement (trained from starts up to 60 mm off, so a coarse
   overview converges).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from knee_localize.checkpoint import Localizer
from knee_localize.dicom_io import Radiograph
from knee_localize.geometry import View, square_view

SIDES = ("R", "L")


@dataclass(frozen=True)
class KneeBox:
    """One knee's localization in source pixels."""

    side: str
    present: bool
    probability: float
    box: tuple[float, float, float, float]

    @property
    def centre(self) -> tuple[float, float]:
        """Box centre ``(x, y)``."""
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


def overview_view(pixels: np.ndarray, spacing: tuple[float, float], localizer: Localizer) -> View:
    """The overview square centred on the image."""
    config = localizer.config
    return View(
        (pixels.shape[1] - 1) / 2,
        (pixels.shape[0] - 1) / 2,
        config.overview_mm,
        config.overview_px,
        spacing,
    )


def refine_view(
    centre: tuple[float, float], side: str, spacing: tuple[float, float], localizer: Localizer
) -> View:
    """The refinement crop around ``centre``, mirrored for the left knee."""
    config = localizer.config
    return View(
        centre[0], centre[1], config.refine_mm, config.refine_px, spacing, mirror=side == "L"
    )


@torch.no_grad()
def locate_knees(
    localizer: Localizer, radiograph: Radiograph, threshold: float = 0.5
) -> list[KneeBox]:
    """Both knees' boxes (source pixels) and presence of one radiograph."""
    localizer.overview.eval()
    localizer.refine.eval()
    pixels, spacing = radiograph.pixels, radiograph.spacing_mm
    view = overview_view(pixels, spacing, localizer)
    image = torch.from_numpy(square_view(pixels, view))[None, None]
    output = localizer.overview(image)[0].numpy()
    probability = 1 / (1 + np.exp(-output[8:10]))
    boxes = [
        view.box_to_source(output[4 * s : 4 * s + 4] * localizer.config.overview_px) for s in (0, 1)
    ]
    present = [slot for slot in (0, 1) if probability[slot] >= threshold]
    for _ in range(localizer.config.refine_passes if present else 0):  # both knees in one batch
        crops = [refine_view(_centre(boxes[s]), SIDES[s], spacing, localizer) for s in present]
        patches = torch.from_numpy(np.stack([square_view(pixels, crop) for crop in crops]))[:, None]
        refined = localizer.refine(patches).numpy() * localizer.config.refine_px
        for slot, crop, box in zip(present, crops, refined, strict=True):
            boxes[slot] = crop.box_to_source(box)
    return [
        KneeBox(
            side,
            bool(probability[s] >= threshold),
            float(probability[s]),
            tuple(map(float, boxes[s])),
        )
        for s, side in enumerate(SIDES)
    ]


def _centre(box: np.ndarray) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
