"""Standardised knee ROIs and the ROI store of the architecture's data contract.

An ROI is a square of ``roi_mm`` (140 mm by default) centred on a detected knee, resampled to ``roi_px``
(256) pixels, the left knee mirrored so every ROI has the right knee's orientation, stored as uint8.

The store in a folder: ``rois.npy`` (uint8 ``[N, roi_px, roi_px]``, memory-mappable), ``manifest.parquet``
(``image_id, participant_id, side, visit_month, cohort, roi_index, kl`` + ``source_path``, ``probability``,
``x1, y1, x2, y2``, ``spacing_mm``, ``spacing_source``), and ``rois.json`` (ROI size in mm and pixels,
spacing sources seen, localizer checkpoint and its SHA-256).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from knee_localize.dicom_io import Radiograph
from knee_localize.geometry import View, square_view
from knee_localize.locate import KneeBox

SPACING_POLICY = "PixelSpacing, then ImagerPixelSpacing, then --spacing-mm, then 0.15 mm fallback"
#: Per-knee localization columns shared by ``boxes.csv`` and the manifest.
BOX_COLUMNS = ("probability", "x1", "y1", "x2", "y2", "spacing_mm", "spacing_source")
MANIFEST_COLUMNS = (
    "image_id",
    "participant_id",
    "side",
    "visit_month",
    "cohort",
    "roi_index",
    "kl",
)


def box_fields(knee: KneeBox, radiograph: Radiograph) -> dict[str, object]:
    """The :data:`BOX_COLUMNS` of one knee."""
    x1, y1, x2, y2 = knee.box
    return {
        "probability": round(knee.probability, 4),
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
        "spacing_mm": radiograph.spacing_mm[1],
        "spacing_source": radiograph.spacing_source,
    }


def extract_roi(
    radiograph: Radiograph, knee: KneeBox, roi_mm: float = 140.0, roi_px: int = 256
) -> np.ndarray:
    """The uint8 ``[roi_px, roi_px]`` ROI of one knee (left knees mirrored)."""
    view = View(
        knee.centre[0],
        knee.centre[1],
        roi_mm,
        roi_px,
        radiograph.spacing_mm,
        mirror=knee.side == "L",
    )
    return np.clip(np.round(square_view(radiograph.pixels, view) * 255.0), 0, 255).astype(np.uint8)


@dataclass
class RoiStoreWriter:
    """Collects ROIs and writes the store atomically at :meth:`close`."""

    folder: Path
    roi_mm: float = 140.0
    roi_px: int = 256
    cohort: str = "unknown"
    checkpoint: Path | None = None
    rois: list[np.ndarray] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        radiograph: Radiograph,
        knee: KneeBox,
        image_id: str,
        participant_id: str,
        source: Path,
    ) -> None:
        """Add one knee's ROI and manifest row."""
        self.rois.append(extract_roi(radiograph, knee, self.roi_mm, self.roi_px))
        self.rows.append(
            {
                "image_id": image_id,
                "participant_id": participant_id,
                "side": knee.side,
                "visit_month": pd.NA,
                "cohort": self.cohort,
                "roi_index": len(self.rows),
                "kl": pd.NA,
                "source_path": str(source),
                **box_fields(knee, radiograph),
            }
        )

    def close(self) -> int:
        """Write ``rois.npy``, ``manifest.parquet`` and ``rois.json``; return the number of ROIs."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / ".rois.npy.tmp"
        array = np.lib.format.open_memmap(
            tmp, mode="w+", dtype=np.uint8, shape=(len(self.rois), self.roi_px, self.roi_px)
        )
        for index, roi in enumerate(self.rois):
            array[index] = roi
        array.flush()
        del array
        os.replace(tmp, self.folder / "rois.npy")
        manifest = pd.DataFrame(self.rows, columns=[*MANIFEST_COLUMNS, "source_path", *BOX_COLUMNS])
        manifest = manifest.astype({"kl": "Int64", "visit_month": "Int64"})
        manifest.to_parquet(self.folder / "manifest.parquet", index=False)
        sidecar = {
            "roi_mm": self.roi_mm,
            "roi_px": self.roi_px,
            "dtype": "uint8",
            "mirrored": "left knees",
            "spacing_sources": dict(Counter(r["spacing_source"] for r in self.rows)),
            "spacing_policy": SPACING_POLICY,
            "localizer_checkpoint": str(self.checkpoint or ""),
            "localizer_sha256": _sha256(self.checkpoint) if self.checkpoint else "",
        }
        (self.folder / "rois.json").write_text(json.dumps(sidecar, indent=2))
        return len(self.rois)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
