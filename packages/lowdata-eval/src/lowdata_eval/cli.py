"""``lowdata-eval`` command line: ``probe`` (linear-probing studies), ``predict`` and ``report``.

``probe`` runs the whole grid of (fraction, seed) studies for one method; several processes (one machine,
default journal storage) or machines (``--storage postgresql://...``, one shared run directory) may run the
same command at once and share the work. ``predict`` applies a kept model (``model_dir`` of ``results.csv``)
to new features. ``report`` turns ``results.csv`` into paper-style tables and paired comparisons.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    import optuna

    from lowdata_eval.errors import LowDataEvalError

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        return int(args.handler(args))
    except LowDataEvalError as exc:
        print(f"lowdata-eval {args.command}: error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lowdata-eval", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    probe = commands.add_parser(
        "probe", help="linear-probing studies for one method on cached features"
    )
    probe.add_argument(
        "--features", type=Path, required=True, help=".npy array [N, D], rows as in --labels"
    )
    probe.add_argument(
        "--labels", type=Path, required=True, help=".csv or .parquet with split, group, label"
    )
    probe.add_argument("--task-kind", choices=("binary", "multiclass", "multilabel"), required=True)
    probe.add_argument(
        "--n-classes", type=int, default=None, help="classes (multiclass) or labels (multilabel)"
    )
    probe.add_argument(
        "--label-col", default="label", help="label column; comma-separated for multilabel"
    )
    probe.add_argument("--group-col", default="participant_id")
    probe.add_argument("--split-col", default="split")
    probe.add_argument("--experiment", default="experiment")
    probe.add_argument(
        "--method", required=True, help="pretraining method name, e.g. imagenet, moco"
    )
    probe.add_argument(
        "--task", default=None, help="task name in tables (default: the labels file stem)"
    )
    probe.add_argument("--fractions", type=_floats, default=(0.01, 0.05, 0.1))
    probe.add_argument("--seeds", type=_seeds, default=tuple(range(10)), help="e.g. 0-9 or 0,3,7")
    probe.add_argument("--trials", type=int, default=50, help="COMPLETE + PRUNED trials per study")
    probe.add_argument("--run-dir", type=Path, required=True)
    probe.add_argument("--storage", default=None, help="postgresql://... for several machines")
    probe.add_argument("--device", default="cpu")
    probe.add_argument("--batch-size", type=int, default=256)
    probe.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads per worker (default 1: best for small linear heads, one worker per "
        "core); 0 keeps torch's default",
    )
    probe.add_argument(
        "--test-splits",
        type=lambda text: tuple(text.split(",")),
        default=("test",),
        help="split values that are test sets, e.g. test,most (the first gives test_metric)",
    )
    probe.add_argument("--encoder", default=None, help="identifier of the encoder (e.g. its path)")
    probe.add_argument("--encoder-sha256", default=None, help="SHA-256 of the encoder weights")
    probe.set_defaults(handler=_probe)

    predict = commands.add_parser("predict", help="apply a kept linear-probing model to features")
    predict.add_argument(
        "--model-dir", type=Path, required=True, help="RUN_DIR/<model_dir of results.csv>"
    )
    predict.add_argument("--features", type=Path, required=True, help=".npy array [N, D]")
    predict.add_argument("--out", type=Path, required=True, help=".npy logits [N (or split), K]")
    predict.add_argument("--labels", type=Path, default=None, help="table with rows as --features")
    predict.add_argument("--split", default=None, help="only the rows of this split of --labels")
    predict.add_argument("--split-col", default="split")
    predict.add_argument("--label-col", default=None, help="print the metric against this column")
    predict.set_defaults(handler=_predict)

    report = commands.add_parser("report", help="paper-style tables and paired comparisons")
    report.add_argument("--run-dir", type=Path, required=True)
    report.add_argument(
        "--baseline", default="imagenet", help="method every other is compared with"
    )
    report.add_argument(
        "--labels", type=Path, default=None, help="the run's labels table (binary task)"
    )
    report.add_argument(
        "--stratify-col", default=None, help="e.g. baseline_kl: AUROC within each stratum"
    )
    report.add_argument(
        "--test-split", default="test", help="the test set of the stratified AUROC, e.g. most"
    )
    report.add_argument("--label-col", default="label")
    report.add_argument("--split-col", default="split")
    report.set_defaults(handler=_report)
    return parser


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(","))


def _seeds(text: str) -> tuple[int, ...]:
    if "-" in text and "," not in text:
        low, high = (int(part) for part in text.split("-"))
        return tuple(range(low, high + 1))
    return tuple(int(part) for part in text.split(","))


def _probe(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from lowdata_eval import (
        ProtocolSpec,
        StudyConfig,
        TaskKind,
        TaskSpec,
        linear_probe_fits,
        open_storage,
        run_protocol,
        task_targets,
    )
    from lowdata_eval.errors import DataError

    table = _read_table(args.labels)
    features = np.load(args.features, mmap_mode="r")
    if features.ndim != 2 or len(features) != len(table):
        raise DataError(
            f"{args.features} holds {features.shape}; expected [N, D] with N = {len(table)}, "
            f"the number of rows of {args.labels}"
        )
    labels = args.label_col.split(",")
    kind = TaskKind(args.task_kind)
    n_classes = args.n_classes or (
        1 if kind is TaskKind.BINARY else _count_classes(table, labels, kind)
    )
    task = TaskSpec(kind, n_classes)
    spec = ProtocolSpec(
        experiment=args.experiment,
        method=args.method,
        task=args.task or args.labels.stem,
        protocol="lp",
        fractions=args.fractions,
        seeds=args.seeds,
        label_col=labels if kind is TaskKind.MULTILABEL else labels[0],
        group_col=args.group_col,
        split_col=args.split_col,
        test_splits=args.test_splits,
    )
    make_fit = linear_probe_fits(
        np.asarray(features),
        task_targets(table, spec, task),
        task,
        device=args.device,
        batch_size=args.batch_size,
    )
    storage = open_storage(args.run_dir, args.storage)
    threads = args.threads or None
    print(
        f"torch threads per worker: {threads or f'{torch.get_num_threads()} (torch default)'}",
        file=sys.stderr,
    )
    total = len(spec.fractions) * len(spec.seeds)
    done = [0]

    def progress(line: str) -> None:
        done[0] += 1
        print(f"[{done[0]}/{total}] {line}", file=sys.stderr, flush=True)

    if (args.encoder is None) != (args.encoder_sha256 is None):
        raise DataError("give --encoder and --encoder-sha256 together")
    encoder_id = (args.encoder, args.encoder_sha256) if args.encoder else None
    results = run_protocol(
        spec,
        table,
        make_fit,
        args.run_dir,
        storage,
        StudyConfig(n_trials=args.trials, threads=threads),
        progress,
        encoder_id=encoder_id,
    )
    print(
        f"{len(results)} studies -> {args.run_dir / 'results.csv'}, {args.run_dir / 'trials.parquet'}",
        file=sys.stderr,
    )
    return 0


def _predict(args: argparse.Namespace) -> int:
    import numpy as np

    from lowdata_eval.errors import DataError
    from lowdata_eval.kept_models import load_kept_model, predict_with_kept_model
    from lowdata_eval.tasks import TaskKind, TaskSpec

    features = np.load(args.features, mmap_mode="r")
    rows = np.arange(len(features))
    table = None
    if args.labels is not None:
        table = _read_table(args.labels)
        if len(table) != len(features):
            raise DataError(
                f"{args.features} has {len(features)} rows, {args.labels} has {len(table)}"
            )
        if args.split is not None:
            rows = np.flatnonzero(table[args.split_col].to_numpy() == args.split)
            if rows.size == 0:
                raise DataError(f"no rows with {args.split_col} == {args.split!r} in {args.labels}")
    elif args.split is not None or args.label_col is not None:
        raise DataError("--split and --label-col need --labels")
    logits = predict_with_kept_model(args.model_dir, np.asarray(features[rows]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, logits)
    print(f"{logits.shape[0]} x {logits.shape[1]} logits -> {args.out}", file=sys.stderr)
    if table is not None and args.label_col is not None:
        metadata = load_kept_model(args.model_dir)[1]
        kind = TaskKind(metadata["task_kind"])
        task = TaskSpec(kind, 1 if kind is TaskKind.BINARY else int(metadata["n_outputs"]))
        columns = args.label_col.split(",")
        values = table[columns].to_numpy()[rows]
        targets = values if kind is TaskKind.MULTILABEL else values[:, 0]
        print(f"{metadata.get('metric') or task.metric_name}: {task.metric(targets, logits):.4f}")
    return 0


def _count_classes(table, labels: list[str], kind) -> int:  # type: ignore[no-untyped-def]
    from lowdata_eval.tasks import TaskKind

    if kind is TaskKind.MULTILABEL:
        return len(labels)
    return int(table[labels[0]].max()) + 1


def _read_table(path: Path):  # type: ignore[no-untyped-def]
    import pandas as pd

    from lowdata_eval.errors import DataError

    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype={"participant_id": str})
    raise DataError(f"{path}: expected a .csv or .parquet labels table")


def _report(args: argparse.Namespace) -> int:
    import pandas as pd

    from lowdata_eval.errors import DataError
    from lowdata_eval.statistics import paired_wilcoxon, paper_table, summarize_over_seeds

    path = args.run_dir / "results.csv"
    if not path.exists():
        raise DataError(f"{path} not found: run `lowdata-eval probe` (or the bench) first")
    results = pd.read_csv(path)
    tables = args.run_dir / "tables"
    tables.mkdir(exist_ok=True)
    summary = summarize_over_seeds(
        results, by=("experiment", "task", "method", "fraction", "protocol")
    )
    summary.to_csv(tables / "summary.csv", index=False)
    for (experiment, task), part in summary.groupby(["experiment", "task"]):
        table = paper_table(part)
        name = f"{experiment}_{task}".replace("/", "_")
        table.to_csv(tables / f"{name}.csv")
        (tables / f"{name}.md").write_text(
            _markdown(table, f"{experiment} / {task}: mean (SD) over seeds")
        )
        print((tables / f"{name}.md").read_text(), file=sys.stderr)
    comparisons = []
    keys = ["experiment", "task", "fraction", "protocol"]
    for group, part in results.groupby(keys):
        base = part[part["method"] == args.baseline].set_index("seed")["test_metric"]
        for method, rows in part[part["method"] != args.baseline].groupby("method"):
            other = rows.set_index("seed")["test_metric"]
            seeds = base.index.intersection(other.index)
            if len(seeds) == 0:
                continue
            test = paired_wilcoxon(other.loc[seeds].to_numpy(), base.loc[seeds].to_numpy())
            comparisons.append(
                {
                    **dict(zip(keys, group, strict=True)),
                    "method": method,
                    "baseline": args.baseline,
                    "n_seeds": test.n_pairs,
                    "median_difference": test.median_difference,
                    "wilcoxon_p": test.p_value,
                }
            )
    pd.DataFrame(comparisons).to_csv(tables / "comparisons.csv", index=False)
    if args.stratify_col:
        _stratified(args, results, tables)
    print(f"tables -> {tables}", file=sys.stderr)
    return 0


def _stratified(args: argparse.Namespace, results, tables: Path) -> None:  # type: ignore[no-untyped-def]
    """Mean (SD) over seeds of the test AUROC within each stratum, from each study's best test logits."""
    import numpy as np
    import pandas as pd

    from lowdata_eval.errors import DataError
    from lowdata_eval.metrics import stratified_auroc

    if args.labels is None:
        raise DataError("--stratify-col needs --labels, the labels table the run was made from")
    table = _read_table(args.labels)
    test = table[table[args.split_col] == args.test_split]
    column = f"test_logits_file_{args.test_split}"
    if column not in results.columns:
        raise DataError(f"results.csv has no {column}: the run had no test set {args.test_split!r}")
    rows = []
    for result in results.to_dict("records"):
        if not isinstance(result[column], str):
            continue  # a study without a completed trial
        logits = np.load(args.run_dir / "predictions" / result[column])
        if logits.shape != (len(test), 1):
            raise DataError(
                f"{result[column]} holds {logits.shape}; the {args.test_split} split of {args.labels} has "
                f"{len(test)} rows (a binary task is needed)"
            )
        strata = stratified_auroc(test[args.label_col], logits[:, 0], test[args.stratify_col])
        for stratum in strata.itertuples(index=False):
            rows.append(
                {
                    "test_set": args.test_split,
                    **{k: result[k] for k in ("method", "task", "fraction", "protocol", "seed")},
                    "stratum": stratum.stratum,
                    "n": stratum.n,
                    "n_positive": stratum.n_positive,
                    "auroc": stratum.auroc,
                }
            )
    frame = pd.DataFrame(rows)
    summary = frame.groupby(["test_set", "task", "method", "fraction", "protocol", "stratum"]).agg(
        mean=("auroc", "mean"),
        sd=("auroc", "std"),
        n=("n", "first"),
        n_positive=("n_positive", "first"),
    )
    summary.reset_index().to_csv(
        tables / f"stratified_auroc_by_{args.stratify_col}_{args.test_split}.csv", index=False
    )


def _markdown(table, title: str) -> str:  # type: ignore[no-untyped-def]
    def label(column: tuple[object, ...]) -> str:
        return " ".join(f"{c:g}" if isinstance(c, float) else str(c) for c in column)

    headers = [str(table.index.name or "")] + [label(column) for column in table.columns]
    lines = [f"**{title}**", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for name, row in table.iterrows():
        lines.append("| " + " | ".join([str(name), *map(str, row.tolist())]) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
