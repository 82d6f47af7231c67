"""A 50-trial linear-probing study on 4,000 x 512 cached features (binary task) on the CPU.

Run: ``uv run python benchmarks/lp_search.py [--trials 50] [--baseline-trials 3] [--device cpu]``
(``--threads 1`` by default: torch intra-op threads during the study; 0 keeps torch's default).

Prints the seconds and trials/s of the study on features cached once (the goal: under 60 s), next to the same
study computing the features inside each trial (a frozen 512-channel CNN over 4,000 64 px images every trial;
timed on ``--baseline-trials`` trials and scaled to the same trial count), and the ratio.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
import optuna
import torch
from lowdata_eval import (
    FeatureSplits,
    FineTuneAugment,
    StudyConfig,
    StudyKey,
    TaskKind,
    TaskSpec,
    extract_features,
    fit_linear_probe,
    open_storage,
    run_study,
)
from torch import nn

N, SIDE, DIM = 4000, 64, 512


def encoder() -> nn.Module:
    torch.manual_seed(0)
    widths = [1, 64, 128, 256, DIM]
    layers: list[nn.Module] = []
    for cin, cout in itertools.pairwise(widths):
        layers += [nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())


def data() -> tuple[torch.Tensor, np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    labels = (rng.random(N) < 0.2).astype(int)
    images = rng.integers(0, 120, (N, SIDE, SIDE)).astype(np.uint8)
    images[labels == 1, 24:40, 24:40] += 60
    order = rng.permutation(N)
    parts = {"train": order[:2800], "val": order[2800:3200], "test": order[3200:]}
    return torch.from_numpy(images), labels, parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--baseline-trials", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads in the study; 0: default"
    )
    args = parser.parse_args()
    config = StudyConfig(n_trials=args.trials, threads=args.threads or None)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    images, labels, parts = data()
    task = TaskSpec(TaskKind.BINARY)
    targets = task.target_tensor(labels)
    split_targets = {name: targets[index] for name, index in parts.items()}
    transform = FineTuneAugment(crop=SIDE, resize=SIDE).evaluate
    net = encoder()

    start = time.perf_counter()
    features = extract_features(net, images, transform, device=args.device)
    extract_seconds = time.perf_counter() - start
    cached = FeatureSplits.from_arrays(
        {name: features[index] for name, index in parts.items()}, split_targets, args.device
    )

    def cached_fit(params, report, seed):  # type: ignore[no-untyped-def]
        return fit_linear_probe(cached, task, params, report, seed=seed)

    def uncached_fit(params, report, seed):  # type: ignore[no-untyped-def]
        fresh = {
            name: extract_features(net, images[index], transform, device=args.device)
            for name, index in parts.items()
        }
        data = FeatureSplits.from_arrays(fresh, split_targets, args.device)
        return fit_linear_probe(data, task, params, report, seed=seed)

    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        start = time.perf_counter()
        study = run_study(
            StudyKey("bench", "cached", "binary", "lp", 1.0, 0),
            cached_fit,
            open_storage(run),
            config,
            run / "p",
        )
        cached_seconds = time.perf_counter() - start
        pruned = len(study.get_trials(states=(optuna.trial.TrialState.PRUNED,)))
        start = time.perf_counter()
        run_study(
            StudyKey("bench", "uncached", "binary", "lp", 1.0, 0),
            uncached_fit,
            open_storage(run),
            StudyConfig(n_trials=args.baseline_trials, threads=config.threads),
            run / "p",
        )
        per_trial = (time.perf_counter() - start) / args.baseline_trials

    total = extract_seconds + cached_seconds
    baseline = per_trial * args.trials
    print(
        f"device: {args.device}, features: {N} x {DIM}, trials: {args.trials} ({pruned} pruned), "
        f"torch threads in the study: {config.threads or torch.get_num_threads()}"
    )
    print(f"feature extraction once:       {extract_seconds:8.2f} s")
    print(
        f"cached-feature study:          {cached_seconds:8.2f} s  "
        f"{args.trials / cached_seconds:6.2f} trials/s"
    )
    print(
        f"total (extraction + study):    {total:8.2f} s   goal 60 s   ratio to goal {total / 60:.2f}"
    )
    print(
        f"features inside each trial:    {baseline:8.2f} s  {args.trials / baseline:6.2f} trials/s "
        f"(measured on {args.baseline_trials} trials: {per_trial:.2f} s/trial)"
    )
    print(f"speed-up of caching:           {baseline / total:8.1f} x")


if __name__ == "__main__":
    main()
