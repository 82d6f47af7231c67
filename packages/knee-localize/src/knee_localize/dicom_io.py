"""Reading and writing radiographs: DICOM (pydicom 3), PNG and 16-bit TIFF.

Reading (:func:`read_radiograph`), in this order:

1. the modality LUT (``pydicom.pixels.apply_modality_lut``) or the rescale slope and intercept (the same
   formula in float32);
2. the VOI LUT or window when the file has one (``apply_voi_lut``; the common LINEAR window computed in
   float32 with the same formula);
3. MONOCHROME1 is inverted, so bone is bright in every result;
4. percentile clipping (0.5 %-99.5 % by default) and scaling to [0, 1] (float32).

Spacing policy, recorded in :attr:`Radiograph.spacing_source`: ``PixelSpacing`` (0028,0030, calibrated) first,
then ``ImagerPixelSpacing`` (0018,1164, at the detector), then the spacing the caller gives, then the fallback
0.15 mm with a :class:`SpacingFallbackWarning` (``spacing_source == "fallback"``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.errors import InvalidDicomError
from pydicom.pixels import apply_modality_lut, apply_voi_lut
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from knee_localize.errors import RadiographReadError

FALLBACK_SPACING_MM = 0.15
DX_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation
IMAGE_SUFFIXES = (".png", ".tif", ".tiff")


class SpacingFallbackWarning(UserWarning):
    """A radiograph without spacing information: the documented fallback was used."""


@dataclass(frozen=True)
class Radiograph:
    """A radiograph ready for localization.

    Attributes:
        pixels: float32 ``[H, W]`` in [0, 1], bone bright.
        spacing_mm: (row, column) spacing in mm.
        spacing_source: ``PixelSpacing``, ``ImagerPixelSpacing``, ``given`` or ``fallback``.
        photometric: the stored photometric interpretation.
        laterality: ``ImageLaterality`` when present, else ``""``.
        patient_id: the DICOM ``PatientID`` (``""`` for PNG/TIFF).
    """

    pixels: np.ndarray
    spacing_mm: tuple[float, float]
    spacing_source: str
    photometric: str = "MONOCHROME2"
    laterality: str = ""
    patient_id: str = ""


@dataclass(frozen=True)
class DicomStyle:
    """How a phantom is stored: bits, photometric, rescale, window, spacing tags, laterality."""

    bits_stored: int = 12
    photometric: str = "MONOCHROME2"
    slope: float = 1.0
    intercept: float = 0.0
    window: bool = True
    pixel_spacing: bool = True
    imager_spacing: bool = True
    laterality: str = "B"

    @classmethod
    def random(
        cls, rng: np.random.Generator, monochrome1_share: float = 0.3, no_spacing_share: float = 0.0
    ) -> DicomStyle:
        """A style drawn like a mixed archive."""
        no_spacing = rng.random() < no_spacing_share
        which = int(rng.integers(3))
        return cls(
            bits_stored=int(rng.choice([12, 14, 15, 16])),
            photometric="MONOCHROME1" if rng.random() < monochrome1_share else "MONOCHROME2",
            slope=float(rng.choice([1.0, 0.5, 2.0])),
            intercept=float(rng.choice([0.0, -1024.0, 100.0])),
            window=bool(rng.random() < 0.7),
            pixel_spacing=not no_spacing and which != 1,
            imager_spacing=not no_spacing and which != 0,
            laterality=str(rng.choice(["B", ""])),
        )


def write_dicom(
    path: Path, display: np.ndarray, spacing_mm: float, style: DicomStyle, patient_id: str
) -> None:
    """Store a display image (``[H, W]`` in [0, 1], bone bright) as a DX DICOM file in ``style``."""
    top = 2**style.bits_stored - 1
    stored = np.round(np.clip(display, 0, 1) * top).astype(np.uint16)
    if style.photometric == "MONOCHROME1":
        stored = (top - stored).astype(np.uint16)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = DX_IMAGE_STORAGE
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality, ds.PatientID, ds.PatientName = "DX", patient_id, "PHANTOM^KNEE"
    ds.SeriesDescription = "Bilateral PA Fixed Flexion Knee"
    ds.ViewPosition, ds.BodyPartExamined = "PA", "KNEE"
    if style.laterality:
        ds.ImageLaterality = style.laterality
    ds.Rows, ds.Columns = stored.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, style.photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = (
        16,
        style.bits_stored,
        style.bits_stored - 1,
        0,
    )
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = (
        f"{style.slope:g}",
        f"{style.intercept:g}",
        "US",
    )
    if style.window:
        low, high = style.intercept, top * style.slope + style.intercept
        ds.WindowCenter, ds.WindowWidth = f"{(low + high) / 2:.1f}", f"{(high - low):.1f}"
    if style.pixel_spacing:
        ds.PixelSpacing = [f"{spacing_mm:.6f}", f"{spacing_mm:.6f}"]
    if style.imager_spacing:
        ds.ImagerPixelSpacing = [f"{spacing_mm:.6f}", f"{spacing_mm:.6f}"]
    ds.PixelData = stored.tobytes()
    ds.save_as(path, enforce_file_format=True)


def read_radiograph(
    path: Path, spacing_mm: float | None = None, clip_percentiles: tuple[float, float] = (0.5, 99.5)
) -> Radiograph:
    """Read a DICOM, PNG or TIFF radiograph (see the module docstring for the steps).

    Raises:
        RadiographReadError: not a readable image, truncated, or without pixel data.
    """
    path = Path(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return _read_image(path, spacing_mm, clip_percentiles)
    try:
        ds = pydicom.dcmread(path)
    except (InvalidDicomError, OSError, EOFError, ValueError) as exc:
        raise RadiographReadError(
            f"{path}: not a readable DICOM file ({type(exc).__name__})"
        ) from exc
    if "PixelData" not in ds:
        raise RadiographReadError(f"{path}: the DICOM file has no pixel data")
    try:
        raw = ds.pixel_array
    except (
        Exception
    ) as exc:  # truncated data, unsupported compression: pydicom raises several types
        raise RadiographReadError(
            f"{path}: the pixel data cannot be decoded ({type(exc).__name__}: {exc})"
        ) from exc
    if raw.ndim != 2:
        raise RadiographReadError(
            f"{path}: expected one grey-level frame, got an array of shape {raw.shape}"
        )
    if "ModalityLUTSequence" in ds:
        values = apply_modality_lut(raw, ds).astype(np.float32)
    else:  # the rescale of apply_modality_lut, in float32 (half the memory traffic of its float64 result)
        slope, intercept = (
            float(ds.get("RescaleSlope", 1.0)),
            float(ds.get("RescaleIntercept", 0.0)),
        )
        values = raw.astype(np.float32) * np.float32(slope) + np.float32(intercept)
    values = _apply_voi(values, ds)
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2"))
    if photometric == "MONOCHROME1":
        values = values.max() - values
    spacing, source = _dicom_spacing(ds, spacing_mm, path)
    laterality = str(ds.get("ImageLaterality", ""))
    pixels = _normalise(values, clip_percentiles)
    return Radiograph(
        pixels, spacing, source, photometric, laterality, str(ds.get("PatientID", ""))
    )


def _apply_voi(values: np.ndarray, ds: pydicom.Dataset) -> np.ndarray:
    """Apply the VOI LUT or window.

    The common LINEAR window is computed here in float32 with the DICOM formula
    ``clip((x - (c - 0.5)) / (w - 1) + 0.5, 0, 1)``, several times faster than pydicom's float64 path on a
    3,000 px radiograph; VOI LUT sequences and other functions go through ``apply_voi_lut``.
    """
    if "VOILUTSequence" in ds or str(ds.get("VOILUTFunction", "LINEAR")).upper() != "LINEAR":
        return apply_voi_lut(values, ds, prefer_lut=True).astype(np.float32)
    if "WindowCenter" not in ds or "WindowWidth" not in ds:
        return values
    centre, width = ds.WindowCenter, ds.WindowWidth
    centre = float(centre[0] if isinstance(centre, pydicom.multival.MultiValue) else centre)
    width = max(float(width[0] if isinstance(width, pydicom.multival.MultiValue) else width), 1.0)
    return np.clip(
        (values - np.float32(centre - 0.5)) / np.float32(max(width - 1.0, 1.0)) + 0.5, 0.0, 1.0
    )


def _dicom_spacing(
    ds: pydicom.Dataset, given: float | None, path: Path
) -> tuple[tuple[float, float], str]:
    for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
        value = ds.get(keyword)
        if value is not None and len(value) == 2 and all(float(v) > 0 for v in value):
            return (float(value[0]), float(value[1])), keyword
    return _given_or_fallback(given, path)


def _given_or_fallback(given: float | None, path: Path) -> tuple[tuple[float, float], str]:
    if given is not None:
        return (float(given), float(given)), "given"
    warnings.warn(
        f"{path}: no pixel spacing (PixelSpacing, ImagerPixelSpacing or --spacing-mm); assuming "
        f"{FALLBACK_SPACING_MM} mm",
        SpacingFallbackWarning,
        stacklevel=3,
    )
    return (FALLBACK_SPACING_MM, FALLBACK_SPACING_MM), "fallback"


def _read_image(path: Path, spacing_mm: float | None, clip: tuple[float, float]) -> Radiograph:
    try:
        with Image.open(path) as image:
            values = np.asarray(image, dtype=np.float32)
    except (OSError, ValueError) as exc:
        raise RadiographReadError(f"{path}: not a readable image ({type(exc).__name__})") from exc
    if values.ndim == 3:
        values = values[..., :3].mean(axis=2)
    spacing, source = _given_or_fallback(spacing_mm, path)
    return Radiograph(_normalise(values, clip), spacing, source, "MONOCHROME2")


def _normalise(values: np.ndarray, clip: tuple[float, float]) -> np.ndarray:
    step = max(1, int(np.sqrt(values.size / 1_000_000)))  # percentiles from about a million pixels
    low, high = np.percentile(values[::step, ::step], clip)
    if high <= low:
        raise RadiographReadError("the image is uniform (no contrast after percentile clipping)")
    return np.clip((values - low) / (high - low), 0.0, 1.0).astype(np.float32)
