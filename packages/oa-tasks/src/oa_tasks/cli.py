"""``oa-tasks`` command line: ``synth``, ``splits``, ``labels``, ``exclude-list``, ``cohort-table``, ``demo``.

Heavy imports happen inside the commands so ``--help`` is instant. Errors of the library
(:class:`oa_tasks.OATasksError`) are printed as one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

COHORTS = ("oai", "most")
DEMO_PARTICIPANTS = 400
HORIZON_RULES = ("exact", "nearest", "first-at-or-after", "last-at-or-before")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    from oa_tasks.errors import OATasksError

    # The library's warnings reach the user through the report lines printed below, not twice.
    library_logger = logging.getLogger("oa_tasks")
    if not library_logger.handlers:
        library_logger.addHandler(logging.NullHandler())

    try:
        return int(args.handler(args))
    except OATasksError as exc:
        print(f"oa-tasks {args.command}: error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oa-tasks",
        description="OAI / MOST tables -> KL, 4-year incidence and progression labels.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    synth = commands.add_parser("synth", help="write a synthetic cohort in the real file formats")
    synth.add_argument("--cohort", choices=COHORTS, required=True)
    synth.add_argument(
        "--participants",
        type=_positive_int,
        default=None,
        help="number of participants (default: the full cohort, 4796 OAI / 3026 MOST)",
    )
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", type=Path, required=True, help="output folder")
    synth.set_defaults(handler=_synth)

    labels = commands.add_parser(
        "labels", help="build one task's labels (one row per included knee)"
    )
    _add_source_arguments(labels)
    labels.add_argument("--task", choices=("kl", "incidence", "progression"), required=True)
    labels.add_argument("--out", type=Path, required=True, help="labels file (.csv or .parquet)")
    labels.add_argument(
        "--exclusions", type=Path, default=None, help="CSV of excluded knees with their reason"
    )
    labels.add_argument(
        "--splits",
        type=Path,
        default=None,
        help="the cohort's split file from `oa-tasks splits` (default: draw the cohort split here with "
        "--split-fractions / --split-seed / --external-test, the same one `splits` would write)",
    )
    _add_split_arguments(labels, seed_flag="--split-seed")
    labels.add_argument(
        "--images",
        type=Path,
        default=None,
        help="images root (OAI releases with contents.csv, or MOST most_image_index.csv): adds "
        "image_path to every row and writes the rows without an image to --missing-images",
    )
    labels.add_argument(
        "--image-view",
        default="PA10",
        choices=("PA05", "PA10", "PA15"),
        help="MOST view to link (default PA10)",
    )
    labels.add_argument(
        "--missing-images",
        type=Path,
        default=None,
        help="CSV of label rows without an image (default: <out stem>_missing_images.csv)",
    )
    labels.add_argument(
        "--no-check-images",
        action="store_true",
        help="fill image_path from the index without looking for the files (images rendered later)",
    )
    labels.add_argument(
        "--all-visits",
        action="store_true",
        help="kl task: one row per knee and visit instead of baseline only",
    )
    labels.set_defaults(handler=_labels)

    splits = commands.add_parser(
        "splits", help="one participant-level train/val/test split per cohort, shared by every task"
    )
    splits.add_argument("--cohort", choices=COHORTS, required=True)
    splits.add_argument("--root", type=Path, required=True, help="folder holding the cohort files")
    splits.add_argument("--out", type=Path, required=True, help="split CSV")
    _add_split_arguments(splits, seed_flag="--seed")
    splits.set_defaults(handler=_splits)

    exclude = commands.add_parser(
        "exclude-list",
        help="every val/test participant of the given split files: the pretraining corpus filter",
    )
    exclude.add_argument(
        "--splits", type=Path, action="append", required=True, help="a split CSV (repeatable)"
    )
    exclude.add_argument("--out", type=Path, required=True, help="excluded_participants.csv")
    exclude.set_defaults(handler=_exclude_list)

    table = commands.add_parser("cohort-table", help="paper-style cohort table (Markdown + CSV)")
    _add_source_arguments(table)
    table.add_argument("--task", choices=("incidence", "progression"), required=True)
    table.add_argument(
        "--out", type=Path, required=True, help="Markdown file; the CSV goes beside it"
    )
    table.set_defaults(handler=_cohort_table)
    demo = commands.add_parser(
        "demo",
        help="synthesize OAI and MOST, build every label set and the cohort tables into one folder",
    )
    demo.add_argument("--out", type=Path, default=Path("runs/oa-tasks-demo"))
    demo.add_argument(
        "--participants",
        type=_positive_int,
        default=DEMO_PARTICIPANTS,
        help=f"participants per cohort (default {DEMO_PARTICIPANTS}; 4796 / 3026 for full size)",
    )
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(handler=_demo)
    return parser


def _add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", choices=COHORTS, required=True)
    parser.add_argument("--root", type=Path, required=True, help="folder holding the cohort files")
    parser.add_argument("--horizon-months", type=_positive_int, default=48)
    parser.add_argument(
        "--horizon-rule",
        choices=HORIZON_RULES,
        default=None,
        help="visit matching for the horizon (default: oai exact, most nearest)",
    )
    parser.add_argument(
        "--reading-priority",
        default="15,37,42=37",
        help="OAI reading-project priority; 'a=b' recodes a to b (default 15,37,42=37)",
    )
    parser.add_argument(
        "--count-partial-replacement",
        action="store_true",
        help="count partial knee replacements as events (default: total only)",
    )


def _add_split_arguments(parser: argparse.ArgumentParser, seed_flag: str) -> None:
    parser.add_argument(
        "--split-fractions",
        type=_fractions,
        default=(0.7, 0.1, 0.2),
        help="train,val,test shares of participants (default 0.7,0.1,0.2)",
    )
    parser.add_argument(seed_flag, dest="split_seed", type=int, default=0)
    parser.add_argument(
        "--external-test",
        action="store_true",
        help="external-validation mode (MOST): every participant goes to the test split",
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _fractions(text: str) -> tuple[float, float, float]:
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"expected three comma-separated shares, got {text!r}")
    return parts[0], parts[1], parts[2]


def _synth(args: argparse.Namespace) -> int:
    from oa_tasks.synth import FULL_SIZE, write_synthetic_cohort

    n = args.participants or FULL_SIZE[args.cohort]
    start = time.perf_counter()
    paths = write_synthetic_cohort(args.cohort, n, args.seed, args.out)
    elapsed = time.perf_counter() - start
    print(
        f"wrote a synthetic {args.cohort.upper()} cohort of {n} participants to {args.out} "
        f"in {elapsed:.1f} s:",
        file=sys.stderr,
    )
    for path in paths:
        print(f"  {path.name}", file=sys.stderr)
    return 0


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from oa_tasks import LabelConfig, read_cohort
    from oa_tasks.readings import ReadingPriority
    from oa_tasks.visits import HorizonRule

    data = read_cohort(
        args.cohort, args.root, priority=ReadingPriority.parse(args.reading_priority)
    )
    for line in data.report.summary_lines():
        print(f"[{args.cohort}] {line}", file=sys.stderr)
    config = LabelConfig(
        horizon_months=args.horizon_months,
        horizon_rule=HorizonRule(args.horizon_rule) if args.horizon_rule else None,
        count_partial_replacement=args.count_partial_replacement,
        kl_visits="all" if getattr(args, "all_visits", False) else "baseline",
    )
    return data, config


def _labels(args: argparse.Namespace) -> int:
    from oa_tasks import build_labels, cohort_splits, read_splits
    from oa_tasks.errors import OATasksError

    if args.out.suffix.lower() not in (".csv", ".parquet"):
        raise OATasksError(f"--out must end in .csv or .parquet, got {args.out.name}")
    data, config = _load(args)
    splits = (
        read_splits(args.splits)
        if args.splits is not None
        else cohort_splits(data, args.split_fractions, args.split_seed, args.external_test)
    )
    result = build_labels(data, args.task, config, splits=splits)
    labels = result.labels
    if args.images is not None:
        labels = _link_images(args, labels)
    _write_atomic(labels, args.out)
    if args.exclusions is not None:
        _write_atomic(result.exclusions, args.exclusions)
    _print_summary(args, result, labels)
    return 0


def _link_images(args: argparse.Namespace, labels):  # type: ignore[no-untyped-def]
    from oa_tasks import attach_image_paths, read_image_index

    index = read_image_index(args.cohort, args.images, view=args.image_view)
    linked, report = attach_image_paths(
        labels, index, args.images, check_exists=not args.no_check_images
    )
    missing = args.missing_images or args.out.with_name(f"{args.out.stem}_missing_images.csv")
    _write_atomic(report.missing, missing)
    for line in report.summary_lines():
        print(f"[{args.cohort}] {line}", file=sys.stderr)
    if report.n_missing:
        print(f"[{args.cohort}] rows without an image -> {missing}", file=sys.stderr)
    return linked


def _print_summary(args: argparse.Namespace, result, labels) -> None:  # type: ignore[no-untyped-def]
    where = (
        f" (horizon visit at {result.horizon_visit_month} months)"
        if result.horizon_visit_month
        else ""
    )
    print(
        f"{args.task}: {len(labels)} knees of {labels['participant_id'].nunique()} participants "
        f"included{where} -> {args.out}",
        file=sys.stderr,
    )
    counts = labels["label"].value_counts().sort_index()
    shares = ", ".join(f"label {k}: {v} ({v / max(len(labels), 1):.1%})" for k, v in counts.items())
    print(f"  {shares}", file=sys.stderr)
    print(f"  splits: {labels['split'].value_counts().to_dict()}", file=sys.stderr)
    report = result.exclusion_report()
    print(f"  excluded knees: {int(report['n_knees'].sum())}", file=sys.stderr)
    for row in report.itertuples(index=False):
        print(f"    {row.reason:<36} {row.n_knees:>7}  {row.description}", file=sys.stderr)


def _splits(args: argparse.Namespace) -> int:
    from oa_tasks import cohort_splits, read_cohort

    data = read_cohort(args.cohort, args.root)
    for line in data.report.summary_lines():
        print(f"[{args.cohort}] {line}", file=sys.stderr)
    splits = cohort_splits(data, args.split_fractions, args.split_seed, args.external_test)
    _write_atomic(splits, args.out)
    counts = splits["split"].value_counts().to_dict()
    print(
        f"{args.cohort}: {len(splits)} participants split {counts} -> {args.out}", file=sys.stderr
    )
    return 0


def _exclude_list(args: argparse.Namespace) -> int:
    from oa_tasks import exclusion_list, read_splits

    excluded = exclusion_list([read_splits(path) for path in args.splits])
    _write_atomic(excluded, args.out)
    counts = excluded.groupby(["cohort", "split"]).size().to_dict()
    print(
        f"{excluded['participant_id'].nunique()} participants held out of pretraining {counts} "
        f"-> {args.out}",
        file=sys.stderr,
    )
    return 0


def _cohort_table(args: argparse.Namespace) -> int:
    from oa_tasks import build_labels, cohort_summary, write_cohort_table
    from oa_tasks.errors import OATasksError

    data, config = _load(args)
    if data.demographics.empty:
        raise OATasksError(
            f"no demographic file found in {args.root}: the cohort table needs sex, age, height, weight, "
            "BMI and ethnicity (OAI: Enrollees + AllClinical00; MOST: MOSTV0ENROLL)"
        )
    result = build_labels(data, args.task, config)
    table = cohort_summary(result.labels, data.demographics)
    title = (
        f"{args.cohort.upper()} {args.task} cohort ({result.horizon_visit_month}-month horizon visit "
        f"for a {args.horizon_months}-month horizon)"
        if result.horizon_visit_month != args.horizon_months
        else f"{args.cohort.upper()} {args.task} cohort ({args.horizon_months}-month horizon)"
    )
    csv_path = write_cohort_table(table, args.out, title)
    print(f"wrote {args.out} and {csv_path}", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    """OAI as the development cohort (train/val/test) and MOST as the external test cohort.

    One split per cohort (``splits_oai.csv``, ``splits_most.csv``), every label set with its split and
    ``image_path`` (the images are not rendered here, so the files are not checked), the cohort tables, and
    ``excluded_participants.csv`` for the pretraining corpus.
    """
    size = ["--participants", str(args.participants)]
    split_files = []
    for cohort in COHORTS:
        root = args.out / cohort
        steps = [["synth", "--cohort", cohort, *size, "--seed", str(args.seed), "--out", str(root)]]
        splits = args.out / f"splits_{cohort}.csv"
        split_files.append(str(splits))
        mode = ["--seed", str(args.seed)] if cohort == "oai" else ["--external-test"]
        steps.append(
            ["splits", "--cohort", cohort, "--root", str(root), "--out", str(splits), *mode]
        )
        for task in ("kl", "incidence", "progression"):
            common = ["--cohort", cohort, "--root", str(root), "--task", task]
            labels = args.out / "labels" / f"{cohort}_{task}.parquet"
            exclusions = args.out / "labels" / f"{cohort}_{task}_exclusions.csv"
            images = ["--images", str(root / "images"), "--no-check-images"]
            outputs = ["--out", str(labels), "--exclusions", str(exclusions)]
            steps.append(["labels", *common, *outputs, "--splits", str(splits), *images])
            if task != "kl":
                table = args.out / "tables" / f"{cohort}_{task}.md"
                steps.append(["cohort-table", *common, "--out", str(table)])
        for step in steps:
            status = main(step)
            if status:
                return status
    excluded = args.out / "excluded_participants.csv"
    status = main(
        [
            "exclude-list",
            *(arg for f in split_files for arg in ("--splits", f)),
            "--out",
            str(excluded),
        ]
    )
    if status:
        return status
    print(
        f"demo finished: splits and {excluded.name} in {args.out}, labels in {args.out / 'labels'}, "
        f"cohort tables in {args.out / 'tables'}",
        file=sys.stderr,
    )
    return 0


def _write_atomic(frame, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Write a table through a temporary file and a rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
