"""Localization quality against ground-truth boxes.

Per knee slot of every radiograph: presence is right when predicted presence equals the truth; for knees
present in the truth, IoU of the predicted and true boxes (0 when the knee was missed) and the distance
between box centres in mm.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from knee_localize.checkpoint import Localizer
from knee_localize.dicom_io import read_radiograph
from knee_localize.locate import KneeBox, locate_knees


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ``[x1, y1, x2, y2]`` boxes."""
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def score_localization(rows: Iterable[tuple[str, KneeBox, pd.Series, float]]) -> dict[str, float]:
    """Metrics over ``(image, prediction, truth row, spacing_mm)`` tuples.

    Returns:
        ``mean_iou``, ``median_center_error_mm``, ``p95_center_error_mm``, ``presence_accuracy``,
        ``n_images``, ``n_knees``.
    """
    ious, errors, correct, images = [], [], [], set()
    for image, prediction, truth, spacing in rows:
        images.add(image)
        present = bool(truth["present"])
        correct.append(prediction.present == present)
        if not present:
            continue
        true_box = truth[["x1", "y1", "x2", "y2"]].to_numpy(dtype=float)
        if not prediction.present:
            ious.append(0.0)
            continue
        ious.append(box_iou(np.asarray(prediction.box), true_box))
        cx, cy = prediction.centre
        errors.append(
            float(
                np.hypot(cx - (true_box[0] + true_box[2]) / 2, cy - (true_box[1] + true_box[3]) / 2)
            )
            * spacing
        )
    return {
        "mean_iou": float(np.mean(ious)) if ious else float("nan"),
        "median_center_error_mm": float(np.median(errors)) if errors else float("nan"),
        "p95_center_error_mm": float(np.percentile(errors, 95)) if errors else float("nan"),
        "presence_accuracy": float(np.mean(correct)) if correct else float("nan"),
        "n_images": len(images),
        "n_knees": len(ious),
    }


def evaluate_folder(localizer: Localizer, data: Path) -> dict[str, float]:
    """:func:`score_localization` of ``localizer`` on the radiographs annotated in ``data/boxes.csv``."""
    from knee_localize.train import load_annotations

    table = load_annotations(data)
    rows = []
    for image, group in table.groupby("image", sort=True):
        radiograph = read_radiograph(Path(data) / str(image))
        predictions = {knee.side: knee for knee in locate_knees(localizer, radiograph)}
        for _, truth in group.iterrows():
            rows.append(
                (str(image), predictions[str(truth["side"])], truth, radiograph.spacing_mm[1])
            )
    return score_localization(rows)
