"""Localizer accuracy on real radiographs and on phantoms, side by side.

Run: ``uv run python benchmarks/localize_accuracy.py --model MODEL.safetensors [--real DIR] [--phantoms DIR]``

``--real DIR``: radiographs kept OUTSIDE the repository (validation only, never training) and
``DIR/truth.csv`` with one row per knee slot: ``image, side, present, cx, cy, spacing_mm`` (joint centre in
pixels, annotated by eye or by the images' authors; ``spacing_mm`` the reference spacing used to express
errors in mm, e.g. the field of view burned into the image divided by its width). Each image goes through
``predict``'s path: read, spacing from the file or estimated from the anatomy when it has none, two-stage
localization. Predicted knees are matched to annotated ones by position (the nearest pairing), so the numbers
measure finding the joints, not naming sides. Reported: knees found within 10 mm (all images, and the
bilateral PA images alone: those with both knees annotated, which the >= 11 of 12 target is about), median /
max centre error, knees missed, false knees in knee-less slots (single-knee, lateral and other images), and
the spacing estimate's error.

``--qa DIR``: one overlay PNG per real image (annotated centres as green ``box_mm`` squares, predictions in
red/blue) and ``DIR/contact_sheet.png``; write it OUTSIDE the repository unless every image's licence allows
publishing.

``--phantoms DIR`` (repeatable): phantom folders with ``boxes.csv`` (``knee-localize phantom``), scored
like ``knee-localize evaluate`` (mean IoU, median and 95th-percentile centre error, presence accuracy).
"""

from __future__ import annotations

import argparse
import itertools
import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from knee_localize.checkpoint import Localizer
from knee_localize.dicom_io import read_radiograph
from knee_localize.evaluation import evaluate_folder
from knee_localize.locate import locate_knees
from knee_localize.overlay import draw_boxes
from knee_localize.spacing import estimate_spacing

WITHIN_MM = 10.0


def real_accuracy(localizer: Localizer, folder: Path, qa: Path | None = None) -> dict[str, object]:
    """Centre errors on the annotated real images of ``folder`` (see the module docstring)."""
    truth = pd.read_csv(folder / "truth.csv")
    errors, missed, false_knees, spacing_errors, per_image = [], 0, 0, [], {}
    bilateral_within, bilateral_knees = 0, 0
    for image, rows in truth.groupby("image", sort=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            radiograph = read_radiograph(folder / str(image), require_knee=False)
        reference = float(rows["spacing_mm"].iloc[0])
        if radiograph.spacing_source == "fallback":
            estimate = estimate_spacing(localizer, radiograph)
            knees = estimate.knees
            spacing_errors.append(abs(estimate.spacing_mm / reference - 1))
            radiograph = replace(radiograph, spacing_mm=(estimate.spacing_mm,) * 2)
        else:
            knees = locate_knees(localizer, radiograph)
        found = [knee.centre for knee in knees if knee.present]
        wanted = [(r.cx, r.cy) for r in rows.itertuples() if r.present]
        if qa is not None:
            half = localizer.config.box_mm / 2 / radiograph.spacing_mm[1]
            truth_boxes = [(x - half, y - half, x + half, y + half) for x, y in wanted]
            draw_boxes(radiograph, knees, qa / f"{Path(str(image)).stem}.png", 400, truth_boxes)
        pairs = _nearest_pairs(found, wanted)
        image_errors = [float(np.hypot(f[0] - w[0], f[1] - w[1])) * reference for f, w in pairs]
        errors.extend(image_errors)
        missed += len(wanted) - len(pairs)
        if len(wanted) == 2:  # a bilateral PA image: a missed knee counts as outside 10 mm
            bilateral_knees += 2
            bilateral_within += sum(e <= WITHIN_MM for e in image_errors)
        false_knees += len(found) - len(pairs)
        per_image[str(image)] = {
            "annotated": len(wanted),
            "found": len(found),
            "errors_mm": [round(e, 1) for e in image_errors],
            "probabilities": [round(k.probability, 3) for k in knees],
        }
    n_knees = int(truth["present"].sum())
    within = sum(e <= WITHIN_MM for e in errors)
    return {
        "images": truth["image"].nunique(),
        "knees": n_knees,
        f"within_{WITHIN_MM:.0f}_mm": f"{within}/{n_knees}",
        f"bilateral_pa_within_{WITHIN_MM:.0f}_mm": f"{bilateral_within}/{bilateral_knees}",
        "median_center_error_mm": float(np.median(errors)) if errors else float("nan"),
        "max_center_error_mm": float(np.max(errors)) if errors else float("nan"),
        "missed_knees": missed,
        "false_knees": false_knees,
        "spacing_estimate_error": [round(float(e), 3) for e in spacing_errors],
        "per_image": per_image,
    }


def _contact_sheet(paths: list[Path], out: Path, tile: int = 300, columns: int = 5) -> None:
    """Tile the overlays (each fitted into ``tile`` x ``tile``) into one PNG."""
    from PIL import Image

    paths = [p for p in paths if p != out]
    rows = -(-len(paths) // columns)
    sheet = Image.new("RGB", (columns * tile, max(1, rows) * tile))
    for index, path in enumerate(paths):
        image = Image.open(path)
        image.thumbnail((tile, tile))
        sheet.paste(image, ((index % columns) * tile, (index // columns) * tile))
    sheet.save(out)


def _nearest_pairs(found: list, wanted: list) -> list:
    """The pairing of found and wanted centres (at most 2 each) with the smallest total distance."""
    best, best_cost = [], float("inf")
    for order in itertools.permutations(range(len(found)), min(len(found), len(wanted))):
        pairs = [(found[i], wanted[j]) for j, i in enumerate(order)]
        cost = sum(np.hypot(f[0] - w[0], f[1] - w[1]) for f, w in pairs)
        if cost < best_cost:
            best, best_cost = pairs, cost
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--real", type=Path, default=None, help="folder with truth.csv")
    parser.add_argument("--phantoms", type=Path, action="append", default=[])
    parser.add_argument("--qa", type=Path, default=None, help="overlay folder (outside the repo)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    print("torch threads: 1")
    localizer = Localizer.load(args.model)
    results: dict[str, object] = {}
    if args.real is not None:
        results["real"] = real_accuracy(localizer, args.real, args.qa)
        if args.qa is not None:
            _contact_sheet(sorted(args.qa.glob("*.png")), args.qa / "contact_sheet.png")
    for folder in args.phantoms:
        results[f"phantom:{folder.name}"] = evaluate_folder(localizer, folder)
    print(json.dumps(results, indent=2, default=float))
    print(f"\n{'set':<28} {'knees':>6} {'<=10 mm':>8} {'median mm':>10} {'IoU':>6} {'presence':>9}")
    for name, result in results.items():
        if name == "real":
            print(
                f"{'real (outside the repo)':<28} {result['knees']:>6} "
                f"{result[f'within_{WITHIN_MM:.0f}_mm']:>8} {result['median_center_error_mm']:>10.2f} "
                f"{'-':>6} {'-':>9}  missed {result['missed_knees']}, false {result['false_knees']}"
            )
            bilateral = result[f"bilateral_pa_within_{WITHIN_MM:.0f}_mm"]
            print(f"{'  of which bilateral PA':<28} {bilateral.split('/')[1]:>6} {bilateral:>8}")
        else:
            print(
                f"{name:<28} {result['n_knees']:>6} {'-':>8} {result['median_center_error_mm']:>10.2f} "
                f"{result['mean_iou']:>6.3f} {result['presence_accuracy']:>9.3f}"
            )


if __name__ == "__main__":
    main()
