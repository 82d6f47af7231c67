"""Standardised knee ROIs and the ROI store of the architecture's data contract.

An ROI is a square of ``roi_mm`` centred on a detected knee, resampled to ``roi_px`` (256) pixels, mirrored
when needed so every ROI shows a knee as a right knee looks in the standard PA display, stored as uint8.
Named sizes (:data:`ROI_PRESETS`): ``kneel`` = 140 mm (KNEEL, Tiulpin et al. 2019; the default) and
``zhang`` = 205 mm (Zhang et al. 2020: a 1024 px crop at 0.2 mm/px, the localizer the paper cites).

The store in a folder: ``rois.npy`` (uint8 ``[N, roi_px, roi_px]``, memory-mappable), ``manifest.parquet``
(``image_id, participant_id, side, visit_month, cohort, roi_index, kl`` + ``source_path``, ``mirrored``,
``probability``, ``x1, y1, x2, y2``, ``spacing_mm``, ``spacing_source``), and ``rois.json`` (ROI preset, size
in mm and pixels, spacing sources seen, localizer checkpoint and its SHA-256).

Written incrementally, so a crash loses at most the uncommitted chunk: ``rois.npy`` is a preallocated memory
map (grown by doubling; the unwritten tail is a sparse hole on Linux); each :meth:`RoiStoreWriter.commit`
flushes it and then writes one ``.store/commit-NNNNNN.json`` (the chunk's manifest rows and the caller's
journal) atomically (temporary file + rename). A new writer on the same folder resumes after the last commit
(the settings must match); :meth:`RoiStoreWriter.close` trims ``rois.npy`` to ``N`` rows in place (its
header has a fixed size) and writes the manifest and the sidecar. Memory stays bounded by one chunk.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from knee_localize.dicom_io import Radiograph
from knee_localize.errors import KneeLocalizeError
from knee_localize.geometry import View, square_view
from knee_localize.locate import KneeBox

SPACING_POLICY = (
    "PixelSpacing, then ImagerPixelSpacing / EstimatedRadiographicMagnificationFactor, then "
    "ImagerPixelSpacing, then --spacing-mm, then an estimate from the knees' separation"
)
#: Named ROI sizes in mm.
ROI_PRESETS = {"kneel": 140.0, "zhang": 205.0}
DEFAULT_ROI_PRESET = "kneel"
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
STORE_FOLDER = ".store"


def resolve_roi_size(roi_mm: float | None, preset: str | None) -> tuple[float, str]:
    """The ROI side in mm and its preset name.

    An explicit ``roi_mm`` wins (``custom`` unless it equals a preset's size), else the preset (default
    ``kneel``).

    Raises:
        KneeLocalizeError: an unknown preset or a non-positive size.
    """
    if roi_mm is not None:
        if roi_mm <= 0:
            raise KneeLocalizeError(f"the ROI size must be positive, got {roi_mm} mm")
        named = [name for name, size in ROI_PRESETS.items() if size == roi_mm]
        return float(roi_mm), (named[0] if named else "custom")
    preset = preset or DEFAULT_ROI_PRESET
    if preset not in ROI_PRESETS:
        raise KneeLocalizeError(
            f"unknown ROI preset {preset!r}; expected one of {sorted(ROI_PRESETS)}"
        )
    return ROI_PRESETS[preset], preset


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
    radiograph: Radiograph,
    knee: KneeBox,
    roi_mm: float = 140.0,
    roi_px: int = 256,
    mirror: bool | None = None,
) -> np.ndarray:
    """The uint8 ``[roi_px, roi_px]`` ROI of one knee, flipped when ``mirror`` (default: left knees)."""
    view = View(
        knee.centre[0],
        knee.centre[1],
        roi_mm,
        roi_px,
        radiograph.spacing_mm,
        mirror=knee.side == "L" if mirror is None else mirror,
    )
    return np.clip(np.round(square_view(radiograph.pixels, view) * 255.0), 0, 255).astype(np.uint8)


class RoiStoreWriter:
    """Writes the ROI store incrementally (see the module docstring); resumes an interrupted store.

    Args:
        folder: the store folder.
        roi_mm: ROI side in mm.
        roi_px: ROI side in pixels.
        cohort: the manifest's ``cohort`` value.
        checkpoint: the localizer checkpoint (its SHA-256 goes into ``rois.json`` and the resume check).
        preset: the ROI preset name recorded in ``rois.json`` (default: derived from ``roi_mm``).
        resume: continue a store left by an interrupted writer with the same settings (else start anew).

    Raises:
        KneeLocalizeError: resuming a store written with other settings.
    """

    def __init__(
        self,
        folder: Path,
        roi_mm: float = 140.0,
        roi_px: int = 256,
        cohort: str = "unknown",
        checkpoint: Path | None = None,
        *,
        preset: str | None = None,
        resume: bool = True,
    ) -> None:
        self.folder = Path(folder)
        self.roi_mm, self.roi_px, self.cohort = float(roi_mm), int(roi_px), cohort
        self.checkpoint = Path(checkpoint) if checkpoint else None
        self.preset = preset or resolve_roi_size(roi_mm, None)[1]
        self.settings = {
            "roi_mm": self.roi_mm,
            "roi_px": self.roi_px,
            "roi_preset": self.preset,
            "cohort": cohort,
            "localizer_sha256": _sha256(self.checkpoint) if self.checkpoint else "",
        }
        self._store = self.folder / STORE_FOLDER
        self._array_path = self.folder / "rois.npy"
        self._pending: list[dict[str, Any]] = []
        self._commits = 0
        self.n_committed = 0
        self.folder.mkdir(parents=True, exist_ok=True)
        if resume and (self._store / "settings.json").is_file():
            self._reopen()
        else:
            shutil.rmtree(self._store, ignore_errors=True)
            self._store.mkdir()
            (self._store / "settings.json").write_text(json.dumps(self.settings, indent=2))
            self._array = np.lib.format.open_memmap(
                self._array_path, mode="w+", dtype=np.uint8, shape=(64, roi_px, roi_px)
            )
        self.n = self.n_committed

    def _reopen(self) -> None:
        saved = json.loads((self._store / "settings.json").read_text())
        if saved != self.settings:
            changed = sorted(k for k in self.settings if saved.get(k) != self.settings[k])
            raise KneeLocalizeError(
                f"{self.folder} holds an interrupted store written with other settings "
                f"({', '.join(changed)}); use another output folder or delete this one"
            )
        commits = self._commit_files()
        self._commits = len(commits)
        self.n_committed = sum(len(json.loads(p.read_text())["rows"]) for p in commits)
        if not self._array_path.is_file():
            raise KneeLocalizeError(
                f"{self._array_path} is missing: delete {self.folder} and start again"
            )
        capacity = max(64, self.n_committed)
        _resize_npy(self._array_path, capacity, self.roi_px)
        self._array = np.load(self._array_path, mmap_mode="r+")

    def _commit_files(self) -> list[Path]:
        return sorted(self._store.glob("commit-*.json"))

    def journals(self) -> Iterator[dict[str, Any]]:
        """The journals of every commit so far, oldest first (read from disk, one at a time)."""
        for path in self._commit_files():
            yield json.loads(path.read_text())["journal"]

    def add(
        self,
        radiograph: Radiograph,
        knee: KneeBox,
        image_id: str,
        participant_id: str,
        source: Path,
        mirrored: bool | None = None,
    ) -> int:
        """Write one knee's ROI and queue its manifest row; return its ``roi_index``.

        ``mirrored`` defaults to ``knee.side == "L"`` (the standard PA display).
        """
        mirror = knee.side == "L" if mirrored is None else bool(mirrored)
        if self.n == self._array.shape[0]:
            self._array.flush()
            del self._array
            _resize_npy(self._array_path, 2 * self.n, self.roi_px)
            self._array = np.load(self._array_path, mmap_mode="r+")
        self._array[self.n] = extract_roi(radiograph, knee, self.roi_mm, self.roi_px, mirror)
        self._pending.append(
            {
                "image_id": image_id,
                "participant_id": participant_id,
                "side": knee.side,
                "visit_month": None,
                "cohort": self.cohort,
                "roi_index": self.n,
                "kl": None,
                "source_path": str(source),
                "mirrored": mirror,
                **box_fields(knee, radiograph),
            }
        )
        self.n += 1
        return self.n - 1

    def discard_from(self, roi_index: int) -> None:
        """Forget the uncommitted ROIs from ``roi_index`` on (an input that failed half-way)."""
        if roi_index < self.n_committed:
            raise KneeLocalizeError("committed ROIs cannot be discarded")
        self._pending = [row for row in self._pending if row["roi_index"] < roi_index]
        self.n = min(self.n, roi_index)

    def commit(self, journal: dict[str, Any] | None = None) -> None:
        """Flush the ROIs added since the last commit, then record their rows and ``journal`` atomically."""
        self._array.flush()
        self._commits += 1
        path = self._store / f"commit-{self._commits:06d}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"rows": self._pending, "journal": journal or {}}, default=str))
        os.replace(tmp, path)
        self.n_committed = self.n
        self._pending = []

    def close(self) -> int:
        """Commit, trim ``rois.npy`` to the ROIs written, write ``manifest.parquet`` and ``rois.json``."""
        if self._pending or not self._commit_files():
            self.commit()
        self._array.flush()
        del self._array
        _resize_npy(self._array_path, self.n, self.roi_px)
        rows = [
            row for path in self._commit_files() for row in json.loads(path.read_text())["rows"]
        ]
        manifest = pd.DataFrame(
            rows, columns=[*MANIFEST_COLUMNS, "source_path", "mirrored", *BOX_COLUMNS]
        )
        manifest = manifest.astype(
            {"kl": "Int64", "visit_month": "Int64", "roi_index": "int64", "mirrored": "bool"}
        )
        tmp = self.folder / ".manifest.parquet.tmp"
        manifest.to_parquet(tmp, index=False)
        os.replace(tmp, self.folder / "manifest.parquet")
        sidecar = {
            "roi_preset": self.preset,
            "roi_presets_mm": ROI_PRESETS,
            "roi_mm": self.roi_mm,
            "roi_px": self.roi_px,
            "dtype": "uint8",
            "n_rois": self.n,
            "mirrored": "ROIs flipped left-right so every knee looks like a right knee in the standard "
            "PA display (left knees; right knees of mirrored images); see the manifest's mirrored column",
            "spacing_sources": dict(Counter(manifest["spacing_source"])),
            "spacing_policy": SPACING_POLICY,
            "localizer_checkpoint": str(self.checkpoint or ""),
            "localizer_sha256": self.settings["localizer_sha256"],
        }
        (self.folder / "rois.json").write_text(json.dumps(sidecar, indent=2))
        return self.n


def _resize_npy(path: Path, rows: int, roi_px: int) -> None:
    """Set the first axis of the uint8 ``[rows, roi_px, roi_px]`` array in ``path`` in place.

    numpy pads ``.npy`` headers so the first axis can grow to 21 digits without changing the header's
    length; the data after the header is cut or extended (a sparse hole) to ``rows`` ROIs.
    """
    with Path(path).open("r+b") as handle:
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            np.lib.format.read_array_header_1_0(handle)
        else:
            np.lib.format.read_array_header_2_0(handle)
        offset = handle.tell()
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "|u1", "fortran_order": False, "shape": (rows, roi_px, roi_px)}
        )
        if len(header.getvalue()) != offset:
            raise KneeLocalizeError(
                f"{path}: unexpected .npy header; delete the folder and start again"
            )
        handle.seek(0)
        handle.write(header.getvalue())
        handle.truncate(offset + rows * roi_px * roi_px)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
