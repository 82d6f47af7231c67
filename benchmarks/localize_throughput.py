"""Radiographs per second of ``knee-localize predict`` (decode + localize + ROI export) on the CPU.

Run: ``uv run python benchmarks/localize_throughput.py --model MODEL.safetensors [--n 20]``

Writes ``--n`` full-size phantom DICOMs to a temporary folder, then times each stage of prediction over them:
DICOM decode + LUTs + normalisation, the two-stage localization, ROI extraction, and the whole ``predict``
batch (including writing the store), with the ratio to the 5 radiographs/s goal.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from knee_localize.checkpoint import Localizer
from knee_localize.dicom_io import read_radiograph
from knee_localize.locate import locate_knees
from knee_localize.phantom import write_phantom_set
from knee_localize.predict import predict_batch
from knee_localize.roi_store import extract_roi

GOAL = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (predict's default: 1)"
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    print(f"torch threads: {args.threads}")
    localizer = Localizer.load(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dicom"
        write_phantom_set(args.n, 99, folder)
        paths = sorted(folder.glob("*.dcm"))
        stages = {"decode": 0.0, "localize": 0.0, "roi": 0.0}
        for path in paths:
            start = time.perf_counter()
            radiograph = read_radiograph(path)
            stages["decode"] += time.perf_counter() - start
            start = time.perf_counter()
            knees = locate_knees(localizer, radiograph)
            stages["localize"] += time.perf_counter() - start
            start = time.perf_counter()
            for knee in knees:
                if knee.present:
                    extract_roi(radiograph, knee)
            stages["roi"] += time.perf_counter() - start
        start = time.perf_counter()
        predict_batch(localizer, [folder], Path(tmp) / "out", checkpoint=args.model)
        total = time.perf_counter() - start
    shape = radiograph.pixels.shape
    print(f"{args.n} phantom radiographs of about {shape[1]} x {shape[0]} px")
    for stage, seconds in stages.items():
        print(
            f"{stage:<10} {seconds / args.n * 1000:8.1f} ms/radiograph  "
            f"({seconds / sum(stages.values()):.0%})"
        )
    rate = args.n / total
    print(f"predict    {rate:8.2f} radiographs/s   goal {GOAL:.0f}/s   ratio {rate / GOAL:.2f}")


if __name__ == "__main__":
    main()
