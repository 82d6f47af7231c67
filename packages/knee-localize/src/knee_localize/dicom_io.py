"""Reading and writing radiographs: DICOM (pydicom 3, compressed syntaxes through pylibjpeg), PNG, TIFF.

Reading (:func:`read_radiograph`), in this order:

0. the anatomy gate: a DICOM whose ``Modality`` is not a projection radiograph (CR, DX, RG, OT) or whose
   ``BodyPartExamined`` names something other than a knee or leg is refused with
   :class:`NotAKneeRadiographError` before any pixel is decoded (``require_knee=False`` turns it off);
1. the modality LUT (``pydicom.pixels.apply_modality_lut``) or the rescale slope and intercept (the same
   formula in float32);
2. the VOI LUT or window when the file has one (``apply_voi_lut``; the common LINEAR window computed in
   float32 with the same formula);
3. MONOCHROME1 is inverted, so bone is bright in every result;
4. percentile clipping (0.5 %-99.5 % by default) and scaling to [0, 1] (float32).

Header defects (an empty ``WindowCenter``, a one-valued ``PixelSpacing``, a non-numeric ``RescaleSlope``...)
raise :class:`~knee_localize.errors.RadiographReadError` naming the attribute, never a bare ``TypeError``.
Compressed pixel data (JPEG Lossless, JPEG-LS, JPEG 2000, HTJ2K, RLE) is decoded by pydicom's pylibjpeg
plugins (``pylibjpeg-libjpeg``, ``pylibjpeg-openjpeg``), installed with this package.

Spacing policy, recorded in :attr:`Radiograph.spacing_source`:

1. ``PixelSpacing`` (0028,0030): calibrated at the patient, used as is;
2. ``ImagerPixelSpacing`` (0018,1164) divided by ``EstimatedRadiographicMagnificationFactor`` (0018,1114)
   when the file has one (``ImagerPixelSpacing/ERMF``): the detector spacing projected back to the patient
   plane; without the factor, ``ImagerPixelSpacing`` as is (the detector spacing, a few per cent too large);
3. the spacing the caller gives (``given``);
4. none known: 0.15 mm with a :class:`SpacingFallbackWarning` (``fallback``); :mod:`knee_localize.predict`
   replaces it by an estimate from the anatomy (``estimated``, see :mod:`knee_localize.spacing`).

KNEEL (Tiulpin et al. 2019, ``kneel/data/utils.py``) reads ``ImagerPixelSpacing`` first and
``PixelSpacing`` only when the former is absent, and never applies the magnification factor, so on files
with both tags its mm are detector mm (about 5-15 % larger than ours on the knee when ERMF is 1.05-1.15).
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

from knee_localize.errors import NotAKneeRadiographError, RadiographReadError

FALLBACK_SPACING_MM = 0.15
DX_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation
IMAGE_SUFFIXES = (".png", ".tif", ".tiff", ".jpg", ".jpeg")
#: Modalities of projection radiographs (OT: digitised film and secondary captures).
RADIOGRAPH_MODALITIES = ("CR", "DX", "RG", "OT")
#: ``BodyPartExamined`` values (upper case, spaces and underscores removed) accepted as a knee radiograph.
KNEE_BODY_PARTS = (
    "KNEE",
    "KNEES",
    "BOTHKNEES",
    "LEG",
    "LEGS",
    "LOWEXM",
    "LOWERLIMB",
    "EXTREMITY",
    "LOWEREXTREMITY",
    "LOWERLEG",
)


class SpacingFallbackWarning(UserWarning):
    """A radiograph without spacing information: the documented fallback was used."""


@dataclass(frozen=True)
class Radiograph:
    """A radiograph ready for localization.

    Attributes:
        pixels: float32 ``[H, W]`` in [0, 1], bone bright.
        spacing_mm: (row, column) spacing in mm.
        spacing_source: ``PixelSpacing``, ``ImagerPixelSpacing/ERMF``, ``ImagerPixelSpacing``, ``given``,
            ``fallback`` or ``estimated``.
        photometric: the stored photometric interpretation.
        laterality: ``ImageLaterality`` (``R``, ``L``, ``B``, ``U``) when present, else ``""``.
        patient_id: the DICOM ``PatientID`` (``""`` for PNG/TIFF).
        orientation: ``PatientOrientation`` as ``"ROW/COLUMN"`` (e.g. ``L/F``), else ``""``.
        sop_instance_uid: the DICOM ``SOPInstanceUID`` (``""`` for PNG/TIFF).
    """

    pixels: np.ndarray
    spacing_mm: tuple[float, float]
    spacing_source: str
    photometric: str = "MONOCHROME2"
    laterality: str = ""
    patient_id: str = ""
    orientation: str = ""
    sop_instance_uid: str = ""


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
    path: Path,
    spacing_mm: float | None = None,
    clip_percentiles: tuple[float, float] = (0.5, 99.5),
    require_knee: bool = True,
) -> Radiograph:
    """Read a DICOM, PNG, JPEG or TIFF radiograph (see the module docstring for the steps).

    Raises:
        NotAKneeRadiographError: ``require_knee`` and the DICOM header says another modality or body part.
        RadiographReadError: not a readable image, truncated, without pixel data, or a header defect.
    """
    path = Path(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return _read_image(path, spacing_mm, clip_percentiles)
    try:
        ds = pydicom.dcmread(path)
    except (InvalidDicomError, OSError, EOFError, ValueError, TypeError, KeyError) as exc:
        raise RadiographReadError(
            f"{path}: not a readable DICOM file ({type(exc).__name__})"
        ) from exc
    if require_knee:
        check_knee_radiograph(ds, path)
    if "PixelData" not in ds:
        raise RadiographReadError(f"{path}: the DICOM file has no pixel data")
    try:
        raw = ds.pixel_array
    except (
        Exception
    ) as exc:  # truncated data, unsupported compression: pydicom raises several types
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        name = getattr(syntax, "name", str(syntax))
        raise RadiographReadError(
            f"{path}: the pixel data ({name}) cannot be decoded ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:200] if str(exc) else ''})"
        ) from exc
    if raw.ndim != 2:
        raise RadiographReadError(
            f"{path}: expected one grey-level frame, got an array of shape {raw.shape}"
        )
    if "ModalityLUTSequence" in ds:
        values = apply_modality_lut(raw, ds).astype(np.float32)
    else:  # the rescale of apply_modality_lut, in float32 (half the memory traffic of its float64 result)
        slope = _header_number(ds, "RescaleSlope", path, default=1.0)
        intercept = _header_number(ds, "RescaleIntercept", path, default=0.0)
        values = raw.astype(np.float32)  # the one copy; every later step works in place
        if slope != 1.0:
            values *= np.float32(slope)
        if intercept != 0.0:
            values += np.float32(intercept)
    values = _apply_voi(values, ds, path)
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2"))
    if photometric == "MONOCHROME1":
        np.subtract(values.max(), values, out=values)
    spacing, source = _dicom_spacing(ds, spacing_mm, path)
    laterality = str(ds.get("ImageLaterality", "") or "").strip().upper()
    orientation = ds.get("PatientOrientation")
    orientation = (
        "/".join(str(v) for v in orientation)
        if isinstance(orientation, pydicom.multival.MultiValue)
        else str(orientation or "")
    )
    pixels = _normalise(values, clip_percentiles)
    return Radiograph(
        pixels,
        spacing,
        source,
        photometric,
        laterality,
        str(ds.get("PatientID", "") or ""),
        orientation.upper(),
        str(ds.get("SOPInstanceUID", "") or ""),
    )


def check_knee_radiograph(ds: pydicom.Dataset, path: Path) -> None:
    """Refuse a DICOM whose header says it is not a knee radiograph (the anatomy gate).

    ``Modality`` must be one of :data:`RADIOGRAPH_MODALITIES` (or absent) and ``BodyPartExamined`` one of
    :data:`KNEE_BODY_PARTS` (or absent / empty): CT, MR, ultrasound, dose files, chest or hand radiographs
    are refused before the network sees them.

    Raises:
        NotAKneeRadiographError: naming the attribute and its value.
    """
    modality = str(ds.get("Modality", "") or "").strip().upper()
    if modality and modality not in RADIOGRAPH_MODALITIES:
        raise NotAKneeRadiographError(
            f"{path}: Modality {modality!r} is not a projection radiograph "
            f"(expected one of {', '.join(RADIOGRAPH_MODALITIES)})"
        )
    body_part = str(ds.get("BodyPartExamined", "") or "").strip().upper()
    compact = body_part.replace(" ", "").replace("_", "")
    if compact and compact not in KNEE_BODY_PARTS:
        raise NotAKneeRadiographError(
            f"{path}: BodyPartExamined {body_part[:32]!r} is not a knee radiograph"
        )


def _header_number(ds: pydicom.Dataset, keyword: str, path: Path, default: float) -> float:
    """One numeric header value (the first of several); ``default`` when absent.

    Raises:
        RadiographReadError: empty or not a number.
    """
    try:
        value = ds.get(keyword)
    except (TypeError, ValueError) as exc:  # pydicom converts DS / IS values when first accessed
        raise RadiographReadError(f"{path}: {keyword} is not a number ({exc})"[:300]) from exc
    if value is None and keyword not in ds:
        return default
    if isinstance(value, pydicom.multival.MultiValue):
        value = value[0] if len(value) else None
    if value is None or str(value).strip() == "":
        raise RadiographReadError(f"{path}: {keyword} is present but empty")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise RadiographReadError(f"{path}: {keyword} {str(value)[:20]!r} is not a number") from exc
    if not np.isfinite(number):
        raise RadiographReadError(f"{path}: {keyword} is not finite")
    return number


def _apply_voi(values: np.ndarray, ds: pydicom.Dataset, path: Path) -> np.ndarray:
    """Apply the VOI LUT or window.

    The common LINEAR window is computed here in float32 with the DICOM formula
    ``clip((x - (c - 0.5)) / (w - 1) + 0.5, 0, 1)``, several times faster than pydicom's float64 path on a
    3,000 px radiograph; VOI LUT sequences and other functions go through ``apply_voi_lut``.
    """
    function = str(ds.get("VOILUTFunction", "LINEAR") or "LINEAR").upper()
    if "VOILUTSequence" in ds or function != "LINEAR":
        try:
            return apply_voi_lut(values, ds, prefer_lut=True).astype(np.float32)
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise RadiographReadError(
                f"{path}: the VOI LUT / window cannot be applied ({type(exc).__name__})"
            ) from exc
    if "WindowCenter" not in ds or "WindowWidth" not in ds:
        return values
    centre = _header_number(ds, "WindowCenter", path, default=0.0)
    width = max(_header_number(ds, "WindowWidth", path, default=1.0), 1.0)
    values -= np.float32(centre - 0.5)  # in place: ``values`` is the reader's own float32 copy
    values /= np.float32(max(width - 1.0, 1.0))
    values += np.float32(0.5)
    return np.clip(values, 0.0, 1.0, out=values)


def _spacing_pair(ds: pydicom.Dataset, keyword: str, path: Path) -> tuple[float, float] | None:
    """``(row, column)`` spacing of ``keyword``; ``None`` when absent or empty.

    Raises:
        RadiographReadError: not two positive numbers.
    """
    try:
        value = ds.get(keyword)
    except (TypeError, ValueError) as exc:
        raise RadiographReadError(f"{path}: {keyword} is not a pair of numbers") from exc
    if value is None or (not isinstance(value, pydicom.multival.MultiValue) and str(value) == ""):
        return None
    values = list(value) if isinstance(value, pydicom.multival.MultiValue) else [value]
    if len(values) != 2:
        raise RadiographReadError(
            f"{path}: {keyword} has {len(values)} value(s); DICOM requires two (row\\column spacing)"
        )
    try:
        pair = (float(values[0]), float(values[1]))
    except (TypeError, ValueError) as exc:
        raise RadiographReadError(f"{path}: {keyword} is not a pair of numbers") from exc
    if not all(np.isfinite(v) and v > 0 for v in pair):
        raise RadiographReadError(f"{path}: {keyword} must be two positive numbers")
    return pair


def _dicom_spacing(
    ds: pydicom.Dataset, given: float | None, path: Path
) -> tuple[tuple[float, float], str]:
    calibrated = _spacing_pair(ds, "PixelSpacing", path)
    if calibrated is not None:
        return calibrated, "PixelSpacing"
    detector = _spacing_pair(ds, "ImagerPixelSpacing", path)
    if detector is not None:
        if "EstimatedRadiographicMagnificationFactor" in ds:
            factor = _header_number(ds, "EstimatedRadiographicMagnificationFactor", path, 1.0)
            if not 1.0 <= factor <= 3.0:
                raise RadiographReadError(
                    f"{path}: EstimatedRadiographicMagnificationFactor {factor:g} is not a "
                    "magnification (expected 1-3)"
                )
            return (detector[0] / factor, detector[1] / factor), "ImagerPixelSpacing/ERMF"
        return detector, "ImagerPixelSpacing"
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
            values = np.array(image, dtype=np.float32)  # a writable copy
    except (OSError, ValueError) as exc:
        raise RadiographReadError(f"{path}: not a readable image ({type(exc).__name__})") from exc
    if values.ndim == 3:
        values = values[..., :3].mean(axis=2)
    spacing, source = _given_or_fallback(spacing_mm, path)
    return Radiograph(_normalise(values, clip), spacing, source, "MONOCHROME2")


def _normalise(values: np.ndarray, clip: tuple[float, float]) -> np.ndarray:
    """``clip((v - low) / (high - low), 0, 1)`` with ``low, high`` the ``clip`` percentiles, float32.

    Works in place on a writable float32 array (a 3,000 x 4,000 radiograph is 46 MB: every extra
    temporary costs several milliseconds); anything else is copied first.
    """
    if values.dtype != np.float32 or not values.flags.writeable:
        values = values.astype(np.float32)
    step = max(1, int(np.sqrt(values.size / 1_000_000)))  # percentiles from about a million pixels
    low, high = np.percentile(values[::step, ::step], clip)
    if high <= low:
        raise RadiographReadError("the image is uniform (no contrast after percentile clipping)")
    values -= np.float32(low)
    values /= np.float32(high - low)
    return np.clip(values, 0.0, 1.0, out=values)
