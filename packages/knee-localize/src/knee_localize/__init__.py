"""knee-localize: bilateral knee radiographs -> knee boxes -> standardised ROIs.

Implemented: the DICOM knee phantom with ground-truth boxes (:mod:`.phantom`) and the radiograph reader
(:mod:`.dicom_io`). In progress: the ResNet localizer, ROI export and the train / evaluate / predict CLI.
"""

from __future__ import annotations

from knee_localize.anatomy import KneeSpec, knee_attenuation
from knee_localize.dicom_io import (
    DicomStyle,
    Radiograph,
    SpacingFallbackWarning,
    read_radiograph,
    write_dicom,
)
from knee_localize.errors import KneeLocalizeError, RadiographReadError
from knee_localize.phantom import PhantomConfig, render_radiograph, write_phantom_set

__version__ = "0.1.0"

__all__ = [
    "DicomStyle",
    "KneeLocalizeError",
    "KneeSpec",
    "PhantomConfig",
    "Radiograph",
    "RadiographReadError",
    "SpacingFallbackWarning",
    "knee_attenuation",
    "read_radiograph",
    "render_radiograph",
    "write_dicom",
    "write_phantom_set",
]
