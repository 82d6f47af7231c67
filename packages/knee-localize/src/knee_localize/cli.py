"""``knee-localize`` command line: ``phantom``, ``import-boxes``, ``train``, ``evaluate``, ``predict``.

Heavy imports happen inside the commands, so ``--help`` is instant. Library errors print one line and exit
with status 2; ``predict`` exits 0 when at least one input succeeded and 1 when none did.

Torch threads: ``--threads`` (default 1 for ``evaluate`` and ``predict``: on a busy 2-core machine two
threads made CPU inference about 6x slower than one; ``min(4, cores)`` for ``train``), set with
``torch.set_num_threads`` and printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    from knee_localize.errors import KneeLocalizeError

    try:
        return int(args.handler(args))
    except KneeLocalizeError as exc:
        print(f"knee-localize {args.command}: error: {exc}", file=sys.stderr)
        return 2


def _set_threads(threads: int | None, default: int) -> int:
    """Set torch's intra-op threads (``threads`` or ``default``), print and return the number."""
    import torch

    count = max(1, threads or default)
    torch.set_num_threads(count)
    print(f"torch threads: {count}", file=sys.stderr)
    return count


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knee-localize", description="Bilateral knee radiographs -> knee ROIs."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    phantom = commands.add_parser(
        "phantom", help="synthetic bilateral PA radiographs (DICOM) + boxes.csv"
    )
    phantom.add_argument("--n", type=int, required=True)
    phantom.add_argument("--seed", type=int, default=0)
    phantom.add_argument("--out", type=Path, required=True)
    phantom.add_argument(
        "--spacing-mm",
        type=float,
        nargs=2,
        default=None,
        metavar=("LOW", "HIGH"),
        help="pixel spacing range (default 0.12 0.18)",
    )
    phantom.add_argument(
        "--plain",
        action="store_true",
        help="the plain phantom of 0.1 (no domain randomisation, no negative images)",
    )
    phantom.set_defaults(handler=_phantom)

    imports = commands.add_parser(
        "import-boxes",
        help="Pascal VOC / COCO / Zhang-2020 CSV boxes -> boxes.csv for train/evaluate",
    )
    imports.add_argument("source", type=Path, help="VOC folder (or .xml), COCO .json, or CSV file")
    imports.add_argument("--format", dest="fmt", choices=("voc", "coco", "csv"), required=True)
    imports.add_argument("--out", type=Path, required=True, help="DIR/boxes.csv")
    imports.add_argument(
        "--images", type=Path, default=None, help="folder of the radiographs (default: DIR)"
    )
    imports.set_defaults(handler=_import_boxes)

    train = commands.add_parser("train", help="train the localizer on DIR/boxes.csv")
    train.add_argument("--data", type=Path, required=True)
    train.add_argument("--out", type=Path, required=True, help="MODEL.safetensors (+ MODEL.json)")
    train.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="overview epochs (default 50; 0 keeps the network of --init as it is)",
    )
    train.add_argument(
        "--refine-epochs",
        type=int,
        default=None,
        help="refinement epochs (default 80; 0 keeps it as it is)",
    )
    train.add_argument(
        "--init",
        type=Path,
        default=None,
        help="MODEL.safetensors to fine-tune (e.g. the phantom model on your imported boxes)",
    )
    train.add_argument("--lr", type=float, default=None, help="peak learning rate (default 2e-3)")
    train.add_argument("--backbone", choices=("resnet18", "resnet34"), default=None)
    train.add_argument(
        "--imagenet-weights", type=Path, default=None, help="local torchvision ResNet weights"
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument(
        "--input-px",
        type=int,
        default=None,
        help="input side of both networks (multiple of 32; default 128)",
    )
    train.add_argument("--threads", type=int, default=None, help="torch threads (min(4, cores))")
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser(
        "evaluate", help="localization quality on DIR/boxes.csv (JSON on stdout)"
    )
    evaluate.add_argument("--model", type=Path, required=True)
    evaluate.add_argument("--data", type=Path, required=True)
    evaluate.add_argument("--threads", type=int, default=None, help="torch threads (default 1)")
    evaluate.set_defaults(handler=_evaluate)

    predict = commands.add_parser(
        "predict", help="boxes, ROI store and errors for files and folders"
    )
    predict.add_argument("inputs", type=Path, nargs="+")
    predict.add_argument("--model", type=Path, required=True)
    predict.add_argument("--out", type=Path, required=True)
    predict.add_argument(
        "--spacing-mm", type=float, default=None, help="spacing for PNG/TIFF or untagged DICOM"
    )
    predict.add_argument(
        "--roi-preset",
        choices=("kneel", "zhang"),
        default=None,
        help="ROI size: kneel = 140 mm (default), zhang = 205 mm (Zhang et al. 2020)",
    )
    predict.add_argument(
        "--roi-mm", type=float, default=None, help="ROI size in mm (overrides --roi-preset)"
    )
    predict.add_argument("--roi-px", type=int, default=256)
    predict.add_argument("--cohort", default="unknown")
    predict.add_argument(
        "--qa", type=int, default=0, help="write QA overlays for the first N inputs"
    )
    predict.add_argument(
        "--chunk", type=int, default=32, help="inputs per commit of the ROI store (resume unit)"
    )
    predict.add_argument(
        "--restart",
        action="store_true",
        help="discard an interrupted run in --out instead of resuming",
    )
    predict.add_argument(
        "--any-anatomy",
        action="store_true",
        help="skip the Modality / BodyPartExamined gate (process every DICOM)",
    )
    predict.add_argument("--threads", type=int, default=None, help="torch threads (default 1)")
    predict.set_defaults(handler=_predict)
    return parser


def _phantom(args: argparse.Namespace) -> int:
    from knee_localize.phantom import PhantomConfig, write_phantom_set

    spacing = tuple(args.spacing_mm) if args.spacing_mm else (0.12, 0.18)
    config = PhantomConfig(spacing_mm=spacing) if args.plain else PhantomConfig.realistic(spacing)
    start = time.perf_counter()
    table = write_phantom_set(args.n, args.seed, args.out, config)
    print(
        f"wrote {args.n} radiographs ({int(table['present'].sum())} knees) to {args.out} in "
        f"{time.perf_counter() - start:.1f} s; ground truth: {args.out / 'boxes.csv'}",
        file=sys.stderr,
    )
    return 0


def _import_boxes(args: argparse.Namespace) -> int:
    from knee_localize.annotations import import_boxes

    table = import_boxes(args.fmt, args.source, args.out, args.images)
    print(
        f"wrote {args.out}: {table['image'].nunique()} images, {int(table['present'].sum())} knees",
        file=sys.stderr,
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    _set_threads(args.threads, min(4, os.cpu_count() or 1))
    from knee_localize.checkpoint import LocalizerConfig
    from knee_localize.train import TrainConfig, train_localizer

    config = TrainConfig(seed=args.seed)
    config = replace(
        config,
        epochs=config.epochs if args.epochs is None else args.epochs,
        refine_epochs=config.refine_epochs if args.refine_epochs is None else args.refine_epochs,
        lr=args.lr or config.lr,
    )
    # with --init: the checkpoint's settings, unless some are given (then they must agree)
    network = None
    if args.init is None or args.backbone is not None or args.input_px is not None:
        network = LocalizerConfig()
        if args.backbone is not None:
            network = replace(network, backbone=args.backbone)
        if args.input_px is not None:
            network = replace(network, overview_px=args.input_px, refine_px=args.input_px)
    localizer = train_localizer(
        args.data,
        network,
        config,
        args.imagenet_weights,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
        init=args.init,
    )
    localizer.save(args.out)
    print(f"saved {args.out} and {args.out.with_suffix('.json').name}", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from knee_localize.checkpoint import Localizer
    from knee_localize.evaluation import evaluate_folder

    _set_threads(args.threads, 1)
    localizer = Localizer.load(args.model)
    print(json.dumps(evaluate_folder(localizer, args.data), indent=2))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from knee_localize.checkpoint import Localizer
    from knee_localize.predict import predict_batch

    _set_threads(args.threads, 1)
    localizer = Localizer.load(args.model)
    start = time.perf_counter()

    def progress(index: int, total: int) -> None:
        if index % 25 == 0:
            print(f"predict: {index}/{total}", file=sys.stderr, flush=True)

    summary = predict_batch(
        localizer,
        args.inputs,
        args.out,
        checkpoint=args.model,
        spacing_mm=args.spacing_mm,
        roi_mm=args.roi_mm,
        roi_preset=args.roi_preset,
        roi_px=args.roi_px,
        cohort=args.cohort,
        qa=args.qa,
        progress=progress,
        chunk=args.chunk,
        resume=not args.restart,
        require_knee=not args.any_anatomy,
    )
    seconds = time.perf_counter() - start
    print(
        f"{summary.n_succeeded} of {summary.n_inputs} inputs localized, {summary.n_failed} failed, "
        f"{summary.n_skipped} skipped ({summary.n_resumed} done by an earlier run), "
        f"{summary.n_rois} ROIs in {seconds:.1f} s -> {args.out}",
        file=sys.stderr,
    )
    return 0 if summary.n_succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
