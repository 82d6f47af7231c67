"""Batch prediction: files and folders in, ``boxes.csv``, the ROI store and ``errors.csv`` out.

Every file is accounted for. A folder is walked recursively; each file in it is either processed or an
``errors.csv`` row (``input, image_id, level, reason``):

- ``skipped``: hidden files and suffixes that are never radiographs (:data:`NOT_IMAGES`: ``notes.txt``,
  ``boxes.csv``...);
- ``error``: anything raised while reading or localizing that input (unreadable, truncated, a header defect
  such as an empty ``WindowCenter``, not a knee radiograph by its ``Modality``/``BodyPartExamined``, no knee
  found); the rest of the batch goes on;
- ``warning``: processed, with a caveat (spacing estimated, laterality tags disagreeing with positions).

``image_id`` is unique: the path relative to the folder given (``a/001.dcm`` and ``b/001.dcm`` differ), the
path as given for files named directly; ids that still collide fall back to the absolute path.

Work is committed every ``chunk`` inputs through :class:`~knee_localize.roi_store.RoiStoreWriter` (ROIs
flushed, then the chunk's manifest rows, box rows, error rows and finished inputs in one atomic file), so a
killed run keeps every finished chunk and running ``predict`` again with the same ``--out`` resumes: finished
inputs are not read again. ``boxes.csv`` and ``errors.csv`` are written from the commits at the end.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from knee_localize.checkpoint import Localizer
from knee_localize.dicom_io import SpacingFallbackWarning, read_radiograph
from knee_localize.errors import KneeLocalizeError
from knee_localize.laterality import assign_sides, roi_mirrored
from knee_localize.locate import KneeBox, locate_knees
from knee_localize.roi_store import BOX_COLUMNS, RoiStoreWriter, box_fields, resolve_roi_size
from knee_localize.spacing import estimate_spacing

#: Files skipped when walking folders (DICOMs often have no suffix, so images cannot be whitelisted).
NOT_IMAGES = (".csv", ".json", ".txt", ".md", ".parquet", ".npy", ".safetensors", ".log", ".xml")
ERROR_COLUMNS = ("input", "image_id", "level", "reason")
BOXES_COLUMNS = ("image", "image_id", "side", "present", "mirrored", *BOX_COLUMNS)


@dataclass
class PredictionSummary:
    """Counts of a batch (``n_resumed``: inputs finished by an earlier, interrupted run)."""

    n_inputs: int
    n_succeeded: int
    n_failed: int
    n_rois: int
    n_skipped: int = 0
    n_resumed: int = 0


@dataclass(frozen=True)
class InputFile:
    """One file found in the inputs: its path, unique id, and why it is skipped (``""``: process it)."""

    path: Path
    image_id: str
    skip: str = ""


def expand_inputs(inputs: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders walked recursively (sorted), without hidden files and ``NOT_IMAGES``."""
    for item in find_inputs(inputs):
        if not item.skip:
            yield item.path


def find_inputs(inputs: Iterable[Path]) -> list[InputFile]:
    """Every file of ``inputs`` (folders walked recursively, sorted) with a unique ``image_id``."""
    found: list[InputFile] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                skip = ""
                if any(part.startswith(".") for part in relative.parts):
                    skip = "hidden file"
                elif file.suffix.lower() in NOT_IMAGES:
                    skip = f"not a radiograph (suffix {file.suffix.lower()})"
                found.append(InputFile(file, relative.as_posix(), skip))
        else:
            found.append(InputFile(path, path.as_posix()))
    counts = Counter(item.image_id for item in found)
    return [
        replace(item, image_id=item.path.resolve().as_posix())
        if counts[item.image_id] > 1
        else item
        for item in found
    ]


def predict_batch(
    localizer: Localizer,
    inputs: Iterable[Path],
    out: Path,
    *,
    checkpoint: Path | None = None,
    spacing_mm: float | None = None,
    roi_mm: float | None = None,
    roi_preset: str | None = None,
    roi_px: int = 256,
    cohort: str = "unknown",
    qa: int = 0,  # overlays for the first ``qa`` localized inputs
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 32,
    resume: bool = True,
    require_knee: bool = True,
) -> PredictionSummary:
    """Localize every input, export ROIs, and write ``out/boxes.csv`` and ``out/errors.csv``.

    ``roi_mm`` (explicit size) wins over ``roi_preset`` (``kneel`` 140 mm by default, ``zhang`` 205 mm).
    ``resume`` continues an interrupted run in ``out`` (same settings); ``require_knee=False`` turns the
    ``Modality`` / ``BodyPartExamined`` gate off.
    """
    files = find_inputs(inputs)
    out = Path(out)
    size_mm, preset = resolve_roi_size(roi_mm, roi_preset)
    store = RoiStoreWriter(out, size_mm, roi_px, cohort, checkpoint, preset=preset, resume=resume)
    done = {key for journal in store.journals() for key in journal.get("done", [])}
    todo = [item for item in files if item.image_id not in done]
    resumed = len(files) - len(todo)
    qa_left = max(0, qa - resumed)
    for start in range(0, len(todo), max(1, chunk)):
        journal: dict[str, list[Any]] = {"done": [], "boxes": [], "errors": []}
        for offset, item in enumerate(todo[start : start + chunk]):
            if progress:
                progress(resumed + start + offset, len(files))
            boxes, errors = _predict_one(
                localizer, item, store, spacing_mm, require_knee, out if qa_left > 0 else None
            )
            if boxes and qa_left > 0:
                qa_left -= 1
            journal["boxes"].extend(boxes)
            journal["errors"].extend(errors)
            journal["done"].append(item.image_id)
        store.commit(journal)
    n_rois = store.close()
    boxes_rows, error_rows, succeeded = [], [], set()
    for journal in store.journals():
        boxes_rows.extend(journal.get("boxes", []))
        error_rows.extend(journal.get("errors", []))
        succeeded.update(row["image_id"] for row in journal.get("boxes", []))
    pd.DataFrame(boxes_rows, columns=list(BOXES_COLUMNS)).to_csv(
        out / "boxes.csv", index=False, float_format="%.2f"
    )
    pd.DataFrame(error_rows, columns=list(ERROR_COLUMNS)).to_csv(out / "errors.csv", index=False)
    failed = {row["image_id"] for row in error_rows if row["level"] == "error"}
    skipped = sum(1 for row in error_rows if row["level"] == "skipped")
    return PredictionSummary(len(files), len(succeeded), len(failed), n_rois, skipped, resumed)


def _predict_one(
    localizer: Localizer,
    item: InputFile,
    store: RoiStoreWriter,
    spacing_mm: float | None,
    require_knee: bool,
    qa_folder: Path | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Box rows and error rows of one input; its ROIs go into ``store``. Never raises."""

    def row(level: str, reason: str) -> dict[str, Any]:
        return {
            "input": str(item.path),
            "image_id": item.image_id,
            "level": level,
            "reason": reason,
        }

    if item.skip:
        return [], [row("skipped", item.skip)]
    notes: list[dict[str, Any]] = []
    first_roi = store.n
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SpacingFallbackWarning)
            radiograph = read_radiograph(item.path, spacing_mm, require_knee=require_knee)
        if radiograph.spacing_source == "fallback":
            estimate = estimate_spacing(localizer, radiograph)
            radiograph = replace(
                radiograph,
                spacing_mm=(estimate.spacing_mm, estimate.spacing_mm),
                spacing_source="estimated",
            )
            knees = estimate.knees
            notes.append(
                row(
                    "warning",
                    "no pixel spacing (PixelSpacing, ImagerPixelSpacing or --spacing-mm): estimated "
                    f"{estimate.spacing_mm:.4f} mm from the {estimate.method} (spacing_source=estimated)",
                )
            )
        else:
            notes.extend(row("warning", str(w.message)) for w in caught)
            knees = locate_knees(localizer, radiograph)
        if not any(knee.present for knee in knees):
            return [], [*notes, row("error", "no knee found in the image")]
        sides = assign_sides(knees, radiograph)
        notes.extend(row("warning", text) for text in sides.warnings)
        boxes = []
        for knee in sides.knees:
            mirrored = roi_mirrored(knee.side, sides.mirrored_image)
            if knee.present:
                store.add(
                    radiograph, knee, item.image_id, radiograph.patient_id, item.path, mirrored
                )
            boxes.append(
                {
                    "image": str(item.path),
                    "image_id": item.image_id,
                    "side": knee.side,
                    "present": int(knee.present),
                    "mirrored": mirrored,
                    **box_fields(knee, radiograph),
                }
            )
        if qa_folder is not None:
            _qa_overlay(radiograph, sides.knees, qa_folder, item.image_id)
    except Exception as exc:  # any failure of one input must not stop the batch
        store.discard_from(first_roi)
        if isinstance(exc, KneeLocalizeError):
            return [], [*notes, row("error", str(exc))]
        message = str(exc).splitlines()[0][:300] if str(exc) else ""
        return [], [*notes, row("error", f"{type(exc).__name__}: {message}")]
    return boxes, notes


def _qa_overlay(radiograph: object, knees: list[KneeBox], folder: Path, image_id: str) -> None:
    from knee_localize.overlay import draw_boxes

    name = re.sub(r"[^A-Za-z0-9._-]+", "_", image_id).strip("_") or "image"
    draw_boxes(radiograph, knees, folder / "qa" / f"{name}.png")  # type: ignore[arg-type]
