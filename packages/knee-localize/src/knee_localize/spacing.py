"""Pixel spacing of a radiograph that states none (PNG/JPEG exports, stripped DICOMs), from its anatomy.

Two steps, each recorded as ``spacing_source = "estimated"``:

1. a field prior: the longer image side is taken to span ``FIELD_MM`` (430 mm, a 35 x 43 cm detector or
   cassette, the usual bilateral knee field), ``s0 = FIELD_MM / max(H, W)``;
2. the knees' separation: the localizer runs at ``s0``; when it finds both knees, their centres lie
   ``d`` pixels apart and the spacing becomes ``s = KNEE_SEPARATION_MM / d``. The localizer runs once more at
   ``s`` and the separation is re-measured (the overview's field depends on the spacing).

``KNEE_SEPARATION_MM`` (200 mm) is the mean centre-to-centre distance of two knees standing in a bilateral
PA view (the phantom draws 162-242 mm; adults stand at roughly 170-240 mm), so the estimate carries about
10-15 % error per image: good enough to find the knees and cut ROIs of about the right size, not for
measurements in mm. With one knee or none, the field prior ``s0`` is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from knee_localize.checkpoint import Localizer
from knee_localize.dicom_io import Radiograph
from knee_localize.locate import KneeBox, locate_knees

FIELD_MM = 430.0
KNEE_SEPARATION_MM = 200.0
ROUNDS = 2


@dataclass(frozen=True)
class SpacingEstimate:
    """An estimated spacing and how it was found (``knee separation`` or ``field prior``)."""

    spacing_mm: float
    method: str
    knees: list[KneeBox]


def estimate_spacing(localizer: Localizer, radiograph: Radiograph) -> SpacingEstimate:
    """Estimate the spacing of ``radiograph`` (its own spacing is ignored); see the module docstring."""
    spacing = FIELD_MM / max(radiograph.pixels.shape)
    knees = locate_knees(localizer, _with_spacing(radiograph, spacing))
    method = "field prior"
    for _ in range(ROUNDS):
        if not all(knee.present for knee in knees):
            break
        (ax, ay), (bx, by) = (knee.centre for knee in knees)
        distance = float(np.hypot(ax - bx, ay - by))
        if distance <= 0:
            break
        spacing = KNEE_SEPARATION_MM / distance
        method = "knee separation"
        knees = locate_knees(localizer, _with_spacing(radiograph, spacing))
    return SpacingEstimate(spacing, method, knees)


def _with_spacing(radiograph: Radiograph, spacing: float) -> Radiograph:
    return replace(radiograph, spacing_mm=(spacing, spacing), spacing_source="estimated")
