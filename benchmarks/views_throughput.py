"""Batched per-sample views vs a per-image torchvision loop, side by side (goal: >= 3x on the CPU).

Run: ``uv run python benchmarks/views_throughput.py [--batch 128] [--roi 256] [--size 224] [--device cpu]``

Both paths apply the SAME per-sample parameters of the paper's pretraining view (random resized crop, flip,
rotation, Gaussian blur) to a uint8 ROI batch: ``apply_view`` as one batched warp + grouped blur, and
``reference_view`` image by image with ``torchvision.transforms.v2.functional`` (resized_crop,
horizontal_flip, rotate, gaussian_blur) - the usual per-sample Dataset path without worker processes.
"""

from __future__ import annotations

import argparse
import time

import torch
from ssl_objectives.views import (
    ViewConfig,
    ViewParams,
    apply_view,
    moco_v2_view,
    paper_view,
    reference_view,
    sample_params,
)


def _best_of(fn, repeats: int, device: torch.device) -> float:
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--roi", type=int, default=256)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    g = torch.Generator().manual_seed(0)
    rois = torch.randint(0, 256, (args.batch, args.roi, args.roi), dtype=torch.uint8, generator=g)
    print(
        f"{args.batch} uint8 ROIs {args.roi} px -> {args.size} px views on {device} "
        f"({torch.get_num_threads()} CPU threads)"
    )
    for label, config in (
        ("paper view", paper_view(args.size)),
        ("MoCo v2 view", moco_v2_view(args.size)),
    ):
        params = sample_params(config, args.batch, args.roi, args.roi, g)
        batched, loop = _compare(rois, params, config, args.repeats, device)
        print(
            f"{label:<14} batched {args.batch / batched:9.1f} images/s   per-image torchvision loop "
            f"{args.batch / loop:9.1f} images/s   speed-up {loop / batched:5.1f}x (goal 3x)"
        )


def _compare(
    rois: torch.Tensor, params: ViewParams, config: ViewConfig, repeats: int, device: torch.device
) -> tuple[float, float]:
    """Best-of-``repeats`` seconds of the batched path (on ``device``) and of the per-image loop (CPU)."""
    on_device = rois.to(device)
    device_params = ViewParams(**{k: v.to(device) for k, v in params.__dict__.items()})
    batched = _best_of(lambda: apply_view(on_device, device_params, config), repeats, device)
    loop = _best_of(
        lambda: torch.stack(
            [reference_view(rois[i : i + 1], params, i, config) for i in range(len(rois))]
        ),
        repeats,
        torch.device("cpu"),
    )
    return batched, loop


if __name__ == "__main__":
    main()
