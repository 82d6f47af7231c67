"""The paper's result tables from ``results.csv`` and the stored test predictions.

- Table 3: KL grade (balanced accuracy) of image-only SSL vs Random / ImageNet / KL Pret (Sup), FT and LP.
- Table 6: KL grade of the image-text methods (ConVIRT, GLoRIA) vs the same baselines.
- Table 7: 4-year incidence and progression AUROC on the OAI test split and on MOST, LP and FT.
- ``controls_<corpus>``: a control run's downstream corpus (:mod:`bench.controls`): ChestX-ray14 and
  CheXpert macro AUROC (the paper's Tables 4-5), an ImageFolder tree's balanced accuracy.

Each cell is ``mean (SD)`` over seeds of the best-validation model's test metric. Marks: ``**bold**`` = best
in the column; ``*`` = paired Wilcoxon over seeds against the reference (ImageNet, or Random when ImageNet is
not available) at p < 0.05; ``†`` = DeLong test at p < 0.05 on the pooled test predictions (each test row's
probability averaged over seeds) against the reference, AUROC cells only. The CSV files hold the numbers
behind every cell (mean, SD, seeds, both p-values, best). Everything is deterministic: ``bench report``
rebuilds byte-identical tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from bench.config import BASELINES, DISPLAY_NAMES, IMAGE_METHODS, TEXT_METHODS
from bench.pages import format_cell, significance_marks

LEGEND = (
    "Mean (SD) over seeds. **Bold**: best in the column. `*`: paired Wilcoxon over seeds vs {reference}, "
    "p < 0.05. `†`: DeLong test on the pooled test predictions vs {reference}, p < 0.05 (AUROC only)."
)
UNAVAILABLE = "not available (give --imagenet-weights PATH)"


@dataclass(frozen=True)
class TableSpec:
    """One paper table: its file name, title, task(s), methods and column layout."""

    name: str
    title: str
    task: str
    methods: tuple[str, ...]
    test_sets: tuple[str, ...]


def table_specs(results: pd.DataFrame) -> list[TableSpec]:
    """The tables this run can fill (extra encoders added with ``bench evaluate`` join every table)."""
    from bench.scaling import SCALED_NAME

    extras = tuple(
        sorted(
            m
            for m in set(results["method"])
            - set(BASELINES)
            - set(IMAGE_METHODS)
            - set(TEXT_METHODS)
            if not SCALED_NAME.match(str(m))  # subset-pretrained encoders: the scaling plot / table
        )
    )
    tasks = set(results["task"])
    specs = []
    if "kl" in tasks:
        specs.append(
            TableSpec(
                "table3_kl_image_ssl",
                "Table 3: KL grade, image-only SSL (balanced accuracy, OAI test)",
                "kl",
                BASELINES + IMAGE_METHODS + extras,
                ("test",),
            )
        )
        specs.append(
            TableSpec(
                "table6_kl_multimodal",
                "Table 6: KL grade, image-text SSL (balanced accuracy, OAI test)",
                "kl",
                BASELINES + TEXT_METHODS + extras,
                ("test",),
            )
        )
    for task in ("progression", "incidence"):
        if task in tasks:
            specs.append(
                TableSpec(
                    f"table7_{task}",
                    f"Table 7: 4-year structural {task} (AUROC, OAI test and MOST)",
                    task,
                    BASELINES + IMAGE_METHODS + TEXT_METHODS + extras,
                    ("test", "most"),
                )
            )
    for task in sorted(tasks - {"kl", "progression", "incidence"}):  # bench.controls' corpora
        metric = str(results.loc[results["task"] == task, "metric"].iloc[0])
        specs.append(
            TableSpec(
                f"controls_{task}",
                f"{CONTROL_TITLES.get(metric, 'Control')}: {task} ({metric.replace('_', ' ')}, test split)",
                task,
                BASELINES + IMAGE_METHODS + TEXT_METHODS + extras,
                ("test",),
            )
        )
    return specs


#: The paper's table each kind of control task fills (chest multi-label: Tables 4-5).
CONTROL_TITLES = {
    "macro_auroc": "Tables 4-5 (chest radiography)",
    "balanced_accuracy": "Sanity check (natural images)",
}


def metric_column(test_set: str) -> str:
    """The results.csv column of a test set's metric."""
    return f"test_metric_{test_set}"


def reference_method(results: pd.DataFrame) -> str:
    """ImageNet when it was evaluated, else Random."""
    return "imagenet" if (results["method"] == "imagenet").any() else "random"


def build_table(
    spec: TableSpec,
    results: pd.DataFrame,
    run_dir: Path,
    task_table: pd.DataFrame,
    imagenet_available: bool,
) -> tuple[str, pd.DataFrame]:
    """The Markdown text and the long CSV frame of one table."""
    reference = reference_method(results)
    rows = results[results["task"] == spec.task]
    fractions = sorted(rows["fraction"].unique())
    protocols = [p for p in ("ft", "lp") if p in set(rows["protocol"])]
    test_sets = [
        s
        for s in spec.test_sets
        if metric_column(s) in rows.columns and rows[metric_column(s)].notna().any()
    ]
    columns = [(f, s, p) for f in fractions for s in test_sets for p in protocols]
    present = [m for m in spec.methods if m in set(rows["method"])]
    records = []
    for method in present:
        for fraction, test_set, protocol in columns:
            records.append(
                _cell(
                    rows,
                    run_dir,
                    task_table,
                    method,
                    reference,
                    fraction,
                    test_set,
                    protocol,
                    spec.task,
                )
            )
    long = pd.DataFrame(records)
    if not long.empty:
        best = long.groupby(["fraction", "test_set", "protocol"])["mean"].transform("max")
        long["best"] = np.isclose(long["mean"], best)
    return _markdown(spec, long, columns, present, reference, imagenet_available), long


def _cell(
    rows: pd.DataFrame,
    run_dir: Path,
    task_table: pd.DataFrame,
    method: str,
    reference: str,
    fraction: float,
    test_set: str,
    protocol: str,
    task: str,
) -> dict[str, object]:
    from lowdata_eval import delong_test, paired_wilcoxon

    column = metric_column(test_set)
    mine = _seeds(rows, method, fraction, protocol, column)
    theirs = _seeds(rows, reference, fraction, protocol, column)
    p_wilcoxon, p_delong = np.nan, np.nan
    if method != reference and len(mine) > 1:
        common = mine.index.intersection(theirs.index)
        if len(common) > 1:
            p_wilcoxon = paired_wilcoxon(mine[common].to_numpy(), theirs[common].to_numpy()).p_value
    if method != reference and task in ("incidence", "progression"):  # binary tasks: DeLong
        y = task_table.loc[task_table["split"] == test_set, "label"].to_numpy()
        a = pooled_probability(rows, run_dir, method, fraction, protocol, test_set)
        b = pooled_probability(rows, run_dir, reference, fraction, protocol, test_set)
        if a is not None and b is not None and min(int(y.sum()), int((1 - y).sum())) >= 2:
            p_delong = delong_test(y, a, b).p_value
    return {
        "method": method,
        "fraction": fraction,
        "test_set": test_set,
        "protocol": protocol,
        "mean": float(mine.mean()) if len(mine) else np.nan,
        "sd": float(mine.std(ddof=1)) if len(mine) > 1 else 0.0,
        "n_seeds": len(mine),
        "p_wilcoxon": p_wilcoxon,
        "p_delong": p_delong,
    }


def _seeds(
    rows: pd.DataFrame, method: str, fraction: float, protocol: str, column: str
) -> pd.Series:
    selected = rows[
        (rows["method"] == method) & (rows["fraction"] == fraction) & (rows["protocol"] == protocol)
    ]
    return selected.set_index("seed")[column].dropna().sort_index()


def pooled_probability(
    rows: pd.DataFrame, run_dir: Path, method: str, fraction: float, protocol: str, test_set: str
) -> np.ndarray | None:
    """Each test row's positive-class probability averaged over the seeds (binary tasks)."""
    selected = rows[
        (rows["method"] == method) & (rows["fraction"] == fraction) & (rows["protocol"] == protocol)
    ].sort_values("seed")
    files = selected.get(f"test_logits_file_{test_set}")
    if files is None or files.isna().all():
        return None
    probabilities = [
        expit(np.load(run_dir / "predictions" / str(f)).reshape(-1)) for f in files.dropna()
    ]
    return np.mean(probabilities, axis=0)


def _markdown(
    spec: TableSpec,
    long: pd.DataFrame,
    columns: Sequence[tuple[float, str, str]],
    methods: Sequence[str],
    reference: str,
    imagenet_available: bool,
) -> str:
    names = {"test": "OAI", "most": "MOST"}
    multi_set = len({s for _, s, _ in columns}) > 1
    header = ["Pretraining"] + [
        f"{f:g} {names[s] + ' ' if multi_set else ''}{p.upper()}" for f, s, p in columns
    ]
    lines = [f"### {spec.title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    indexed = (
        long.set_index(["method", "fraction", "test_set", "protocol"]) if not long.empty else None
    )
    for method in methods:
        cells = [DISPLAY_NAMES.get(method, method)]
        for fraction, test_set, protocol in columns:
            assert indexed is not None
            cells.append(_format(indexed.loc[(method, fraction, test_set, protocol)]))
        lines.append("| " + " | ".join(cells) + " |")
        if method == "random" and not imagenet_available:
            lines.append(
                "| ImageNet | " + " | ".join([UNAVAILABLE] + [""] * (len(columns) - 1)) + " |"
            )
    lines += ["", LEGEND.format(reference=DISPLAY_NAMES[reference]), ""]
    return "\n".join(lines)


def _format(cell: pd.Series) -> str:
    text = format_cell(float(cell["mean"]), float(cell["sd"]))
    if text == "-":
        return text
    if bool(cell.get("best")):
        text = f"**{text}**"
    return text + significance_marks(float(cell["p_wilcoxon"]), float(cell["p_delong"]))


@dataclass(frozen=True)
class BuiltTable:
    """One written table: its spec, its Markdown text and the long frame behind every cell."""

    spec: TableSpec
    markdown: str
    long: pd.DataFrame
    reference: str


def write_tables(
    results: pd.DataFrame,
    run_dir: Path,
    task_tables: dict[str, pd.DataFrame],
    imagenet_available: bool,
) -> list[BuiltTable]:
    """Write every table as ``tables/<name>.md`` and ``.csv``; return them in paper order."""
    folder = run_dir / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in table_specs(results):
        markdown, long = build_table(
            spec, results, run_dir, task_tables[spec.task], imagenet_available
        )
        (folder / f"{spec.name}.md").write_text(markdown, encoding="utf-8")
        long.to_csv(folder / f"{spec.name}.csv", index=False, float_format="%.6g")
        written.append(BuiltTable(spec, markdown, long, reference_method(results)))
    return written
