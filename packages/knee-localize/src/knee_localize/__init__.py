"""knee-localize: bilateral knee radiographs -> knee boxes -> standardised ROIs.

:mod:`.phantom` draws DICOM knee phantoms with ground-truth boxes, :mod:`.dicom_io` reads radiographs,
:mod:`.train` and :mod:`.locate` train and run the two-stage ResNet localizer, :mod:`.roi_store` exports ROIs,
:mod:`.predict` runs resumable batches with per-input error reporting, :mod:`.annotations` imports Pascal
VOC / COCO / CSV boxes, :mod:`.laterality` and :mod:`.spacing` handle sides and unknown spacing.
"""

from __future__ import annotations

from knee_localize.anatomy import KneeSpec, knee_attenuation
from knee_localize.annotations import import_boxes
from knee_localize.checkpoint import Localizer, LocalizerConfig
from knee_localize.dicom_io import (
    DicomStyle,
    Radiograph,
    SpacingFallbackWarning,
    read_radiograph,
    write_dicom,
)
from knee_localize.errors import (
    AnnotationError,
    KneeLocalizeError,
    NotAKneeRadiographError,
    RadiographReadError,
)
from knee_localize.laterality import assign_sides, roi_mirrored
from knee_localize.locate import KneeBox, locate_knees
from knee_localize.phantom import PhantomConfig, render_radiograph, write_phantom_set
from knee_localize.predict import predict_batch
from knee_localize.roi_store import ROI_PRESETS, RoiStoreWriter, extract_roi
from knee_localize.spacing import estimate_spacing
from knee_localize.train import TrainConfig, train_localizer

__version__ = "0.4.0"

__all__ = [
    "ROI_PRESETS",
    "AnnotationError",
    "DicomStyle",
    "KneeBox",
    "KneeLocalizeError",
    "KneeSpec",
    "Localizer",
    "LocalizerConfig",
    "NotAKneeRadiographError",
    "PhantomConfig",
    "Radiograph",
    "RadiographReadError",
    "RoiStoreWriter",
    "SpacingFallbackWarning",
    "TrainConfig",
    "assign_sides",
    "estimate_spacing",
    "extract_roi",
    "import_boxes",
    "knee_attenuation",
    "locate_knees",
    "predict_batch",
    "read_radiograph",
    "render_radiograph",
    "roi_mirrored",
    "train_localizer",
    "write_dicom",
    "write_phantom_set",
]
