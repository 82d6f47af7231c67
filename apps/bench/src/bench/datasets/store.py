"""Images of any format -> the ROI store contract: ``rois.npy`` (uint8 ``[N, S, S]``) + ``manifest.parquet``.

Each image is decoded once (PNG / JPEG with Pillow, DICOM with pydicom), converted to grey, its shorter side
resized to ``size`` pixels (area-preserving antialiasing) and centre-cropped to ``size x size``. An image
that cannot be read is reported in ``errors.csv`` (its id and the exception type) and skipped; the others
are stored, and the manifest's ``roi_index`` is the row of each stored image.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pandas as pd

from bench.errors import DataError


def load_grey(path: Path, size: int) -> np.ndarray:
    """One image as uint8 ``[size, size]``: grey, shorter side resized to ``size``, centre crop."""
    from PIL import Image

    path = Path(path)
    if path.suffix.lower() == ".dcm":
        image = Image.fromarray(_dicom_uint8(path))
    else:
        with Image.open(path) as opened:
            image = opened.convert("L")
            image.load()
    width, height = image.size
    scale = size / min(width, height)
    resized = image.resize(
        (max(size, round(width * scale)), max(size, round(height * scale))),
        Image.Resampling.BILINEAR,
    )
    left = (resized.width - size) // 2
    top = (resized.height - size) // 2
    return np.asarray(resized.crop((left, top, left + size, top + size)), dtype=np.uint8)


def _dicom_uint8(path: Path) -> np.ndarray:
    """A DICOM's pixels min-max scaled to uint8 (MONOCHROME1 inverted)."""
    import pydicom

    dataset = pydicom.dcmread(path)
    pixels = dataset.pixel_array.astype(np.float32)
    low, high = float(pixels.min()), float(pixels.max())
    scaled = (pixels - low) / (high - low) if high > low else np.zeros_like(pixels)
    if getattr(dataset, "PhotometricInterpretation", "") == "MONOCHROME1":
        scaled = 1.0 - scaled
    return (scaled * 255).round().astype(np.uint8)


def build_store(table: pd.DataFrame, folder: Path, size: int) -> pd.DataFrame:
    """Decode ``table.image_path`` into ``folder/rois.npy``; return the manifest of the stored rows.

    The manifest (also ``folder/manifest.parquet``) is ``table`` without unreadable images, plus
    ``roi_index``. ``folder/errors.csv`` lists the skipped images (``image_id, error``).

    Raises:
        DataError: no image could be read.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rois = np.lib.format.open_memmap(
        folder / ".rois.npy.tmp", mode="w+", dtype=np.uint8, shape=(len(table), size, size)
    )
    kept, errors = [], []
    for row, (image_id, path) in enumerate(
        zip(table["image_id"], table["image_path"], strict=True)
    ):
        try:
            rois[len(kept)] = load_grey(Path(path), size)
        except Exception as exc:  # a bad file is reported and skipped, never fatal for the others
            errors.append((image_id, type(exc).__name__))
            continue
        kept.append(row)
    with (folder / "errors.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image_id", "error"])
        writer.writerows(errors)
    if not kept:
        del rois
        (folder / ".rois.npy.tmp").unlink()
        raise DataError(
            f"none of the {len(table)} images could be read (see {folder / 'errors.csv'})"
        )
    final = np.lib.format.open_memmap(
        folder / ".rois.npy.part", mode="w+", dtype=np.uint8, shape=(len(kept), size, size)
    )
    final[:] = rois[: len(kept)]
    final.flush()
    del rois, final
    (folder / ".rois.npy.tmp").unlink()
    os.replace(folder / ".rois.npy.part", folder / "rois.npy")
    manifest = table.iloc[kept].reset_index(drop=True).assign(roi_index=np.arange(len(kept)))
    manifest.to_parquet(folder / "manifest.parquet", index=False)
    return manifest
