"""Batch prediction: files and folders in, ``boxes.csv``, the ROI store and ``errors.csv`` out.

One bad input never stops the others: unreadable files, files without pixel data, images where no knee is
found are listed in ``errors.csv`` with the reason; images read with the spacing fallback are processed and
listed in ``errors.csv`` as warnings.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from knee_localize.checkpoint import Localizer
from knee_localize.dicom_io import SpacingFallbackWarning, read_radiograph
from knee_localize.errors import KneeLocalizeError
from knee_localize.locate import locate_knees
from knee_localize.roi_store import BOX_COLUMNS, RoiStoreWriter, box_fields


@dataclass
class PredictionSummary:
    """Counts of a batch."""

    n_inputs: int
    n_succeeded: int
    n_failed: int
    n_rois: int


#: Files skipped when walking folders (DICOMs often have no suffix, so images cannot be whitelisted).
NOT_IMAGES = (".csv", ".json", ".txt", ".md", ".parquet", ".npy", ".safetensors", ".log")


def expand_inputs(inputs: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders walked recursively (sorted), skipping hidden files and ``NOT_IMAGES``."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in NOT_IMAGES
            )
        else:
            yield path


def predict_batch(
    localizer: Localizer,
    inputs: Iterable[Path],
    out: Path,
    *,
    checkpoint: Path | None = None,
    spacing_mm: float | None = None,
    roi_mm: float = 140.0,
    roi_px: int = 256,
    cohort: str = "unknown",
    qa: int = 0,  # overlays for the first ``qa`` localized inputs
    progress: Callable[[int, int], None] | None = None,
) -> PredictionSummary:
    """Localize every input, export ROIs, and write ``out/boxes.csv`` and ``out/errors.csv``."""
    paths = list(expand_inputs(inputs))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store = RoiStoreWriter(out, roi_mm, roi_px, cohort, checkpoint)
    boxes, errors = [], []
    succeeded = 0
    for index, path in enumerate(paths):
        if progress:
            progress(index, len(paths))
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", SpacingFallbackWarning)
                radiograph = read_radiograph(path, spacing_mm)
            for warning in caught:
                errors.append(
                    {"input": str(path), "level": "warning", "reason": str(warning.message)}
                )
            knees = locate_knees(localizer, radiograph)
        except KneeLocalizeError as exc:
            errors.append({"input": str(path), "level": "error", "reason": str(exc)})
            continue
        if not any(k.present for k in knees):
            errors.append(
                {"input": str(path), "level": "error", "reason": "no knee found in the image"}
            )
            continue
        succeeded += 1
        image_id = path.stem
        for knee in knees:
            boxes.append(
                {
                    "image": str(path),
                    "side": knee.side,
                    "present": int(knee.present),
                    **box_fields(knee, radiograph),
                }
            )
            if knee.present:
                store.add(radiograph, knee, image_id, radiograph.patient_id, path)
        if succeeded <= qa:
            from knee_localize.overlay import draw_boxes

            draw_boxes(radiograph, knees, out / "qa" / f"{image_id}.png")
    n_rois = store.close()
    pd.DataFrame(boxes, columns=["image", "side", "present", *BOX_COLUMNS]).to_csv(
        out / "boxes.csv", index=False, float_format="%.2f"
    )
    pd.DataFrame(errors, columns=["input", "level", "reason"]).to_csv(
        out / "errors.csv", index=False
    )
    failed = sum(1 for e in errors if e["level"] == "error")
    return PredictionSummary(len(paths), succeeded, failed, n_rois)
