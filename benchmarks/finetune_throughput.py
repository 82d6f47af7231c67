"""Fine-tuning throughput of ``fit_finetune`` (images/s), with the training subset on the GPU or pinned.

Run: ``uv run python benchmarks/finetune_throughput.py [--device cuda] [--n 4000] [--side 224] [--epochs 3]``

A ResNet-like 1-channel CNN (torchvision-free), binary task, uint8 ROIs ``[N, side, side]``. Each
configuration runs one warm-up epoch, then ``--epochs`` timed epochs (``torch.cuda.synchronize()`` around
the timed part).
Prints one line per configuration: images/s of the training steps (validation included, as in a trial) and
the ratio to the first configuration. On CUDA it compares the subset kept on the GPU (uint8) with the subset
in pinned host memory, with and without ``cudnn.benchmark``; on the CPU only the default is run.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
import torch
from lowdata_eval import (
    EncoderWithHead,
    FineTuneAugment,
    Hyperparams,
    ImageSplits,
    TaskKind,
    TaskSpec,
    fit_finetune,
)
from lowdata_eval import finetune as finetune_module
from torch import nn


def encoder() -> nn.Module:
    layers: list[nn.Module] = []
    widths = [1, 64, 128, 256, 512]
    for cin, cout in itertools.pairwise(widths):
        layers += [nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(cout)]
        layers += [nn.ReLU(inplace=True)]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())


def splits(n: int, side: int) -> ImageSplits:
    rng = np.random.default_rng(0)
    labels = (rng.random(n) < 0.3).astype(np.float32)
    images = rng.integers(0, 120, (n, side, side)).astype(np.uint8)
    c = side // 2
    images[labels == 1, c - side // 8 : c + side // 8, c - side // 8 : c + side // 8] += 80
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    val = slice(int(0.8 * n), int(0.9 * n))
    test = slice(int(0.9 * n), n)
    return ImageSplits((x[: int(0.8 * n)], y[: int(0.8 * n)]), (x[val], y[val]), (x[test], y[test]))


def run(data: ImageSplits, args: argparse.Namespace, budget: float, benchmark: bool) -> float:
    finetune_module.DEVICE_BUDGET = budget
    torch.backends.cudnn.benchmark = benchmark
    task = TaskSpec(TaskKind.BINARY)
    augment = FineTuneAugment(crop=args.side - args.side // 8, resize=args.side)

    def once(epochs: int) -> float:
        params = Hyperparams("adamw", 1e-3, 1e-4, epochs, 3)
        if args.device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        fit_finetune(
            lambda k: EncoderWithHead(encoder(), 512, k),
            data,
            task,
            params,
            lambda e, v: None,
            seed=0,
            augment=augment,
            batch_size=args.batch_size,
            device=args.device,
        )
        if args.device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    once(1)  # warm-up (cudnn autotuning, allocator)
    seconds = once(args.epochs)
    return args.epochs * len(data.train[0]) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--side", type=int, default=224)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    data = splits(args.n, args.side)
    configs = [("default (on GPU if it fits, cudnn.benchmark)", 0.25, True)]
    if args.device == "cuda":
        configs += [("pinned host memory, cudnn.benchmark", 0.0, True)]
        configs += [("on GPU, no cudnn.benchmark", 0.25, False)]
    print(
        f"device {args.device}, {len(data.train[0])} training images {args.side} px, "
        f"batch {args.batch_size}"
    )
    first = None
    for name, budget, benchmark in configs:
        rate = run(data, args, budget, benchmark)
        first = first or rate
        print(f"{name:48s} {rate:9.1f} images/s   ratio {rate / first:5.2f}")


if __name__ == "__main__":
    main()
