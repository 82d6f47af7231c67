"""``runs/<name>/report.html``: the run's results page, one self-contained file.

It answers "did SSL beat the reference here, by how much, how sure are we, and what produced this number":

- **Verdict**: for every column of every paper table, the best SSL method against the reference (ImageNet,
  or Random without ImageNet weights): difference of means over seeds, the paired Wilcoxon p over seeds and,
  for AUROC, the DeLong p on pooled predictions; a note where too few seeds make the Wilcoxon test powerless.
- **Tables**: Tables 3, 6, 7 and the cohort tables as HTML (mean (SD), best per column, ``*`` / ``†``,
  cells of a failed sanity check flagged). Every cell opens to its provenance: per seed the study name, trials
  completed / pruned, best trial, its parameters and epoch, the encoder checkpoint and SHA-256, the data
  fingerprint, and the command that reproduces the run.
- **Plots**, **model cards**, and the run's **provenance** (resolved config, leakage guard, de-identification
  audit, software versions, device, wall time per stage).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.checks import SanityCheck
from bench.config import BASELINES, DISPLAY_NAMES
from bench.markers import read_json, read_marker
from bench.model_cards import ModelCard
from bench.pages import (
    MIN_WILCOXON_SEEDS,
    P_THRESHOLD,
    SET_NAMES,
    Figure,
    format_cell,
    render,
    significance_marks,
    write_page,
)
from bench.pipeline import MARKED_STAGES
from bench.tables import LEGEND, BuiltTable, metric_column

PROVENANCE_COLUMNS = (
    ("study", "study"),
    ("status", "status"),
    ("n_complete", "trials completed"),
    ("n_pruned", "trials pruned"),
    ("best_trial", "best trial"),
    ("best_val", "best validation metric"),
    ("best_epoch", "best epoch"),
    ("encoder", "encoder checkpoint"),
    ("encoder_sha256", "encoder SHA-256"),
    ("data_fingerprint", "data fingerprint"),
)


@dataclass
class CellView:
    """One table cell as the page shows it."""

    text: str
    marks: str
    best: bool
    flagged: bool
    seeds: list[dict[str, str]] = field(default_factory=list)


@dataclass
class TableView:
    """One table as the page shows it."""

    id: str
    title: str
    headers: list[str]
    rows: list[tuple[str, list[CellView]]]
    legend: str


def write_results_page(
    run_dir: Path,
    results: pd.DataFrame,
    tables: Sequence[BuiltTable],
    figures: Sequence[Figure],
    checks: Sequence[SanityCheck],
    cards: Sequence[ModelCard],
    imagenet_available: bool,
) -> Path:
    """Render ``report.html`` of a run from its stored outputs; return its path."""
    config_text = (run_dir / "config.toml").read_text(encoding="utf-8")
    env = read_json(run_dir / "env.json") or {}
    name = run_dir.name
    reproduce = f"bench run --config {shlex.quote(str(Path(name) / 'config.toml'))}"
    failed = [c for c in checks if not c.passed]
    context = {
        "name": name,
        "generated_from": "results.csv, predictions/, pretrain/, localize/, reports/ of this run",
        "verdicts": verdicts(tables),
        "reference": DISPLAY_NAMES.get(tables[0].reference, tables[0].reference) if tables else "",
        "min_seeds": MIN_WILCOXON_SEEDS,
        "imagenet_available": imagenet_available,
        "tables": [_table_view(t, results, failed, reproduce) for t in tables],
        "cohort_tables": _cohort_tables(run_dir),
        "figures": list(figures),
        "checks": list(checks),
        "cards": list(cards),
        "config_text": config_text,
        "guard": read_json(run_dir / "localize" / "leakage_guard.json"),
        "audit": read_json(run_dir / "reports" / "audit.json"),
        "versions": sorted((env.get("versions") or {}).items()),
        "device": env.get("device", "?"),
        "host": {k: v for k, v in env.items() if k not in ("versions", "device")},
        "stages": _stage_times(run_dir),
        "reproduce": reproduce,
        "n_studies": int(results["study"].nunique()),
    }
    return write_page(run_dir / "report.html", render("report.html.j2", **context))


def verdicts(tables: Sequence[BuiltTable]) -> list[dict[str, Any]]:
    """Per table column: the best SSL method against the reference, with the difference and p-values."""
    rows = []
    for table in tables:
        long = table.long
        if long.empty:
            continue
        candidates = long[~long["method"].isin(BASELINES)]
        for (fraction, test_set, protocol), column in candidates.groupby(
            ["fraction", "test_set", "protocol"], sort=True
        ):
            column = column[np.isfinite(column["mean"])]
            reference = long[
                (long["method"] == table.reference)
                & (long["fraction"] == fraction)
                & (long["test_set"] == test_set)
                & (long["protocol"] == protocol)
            ]
            if column.empty or reference.empty:
                continue
            best = column.loc[column["mean"].idxmax()]
            ref = reference.iloc[0]
            delta = float(best["mean"] - ref["mean"])
            significant = bool(best["p_wilcoxon"] < P_THRESHOLD or best["p_delong"] < P_THRESHOLD)
            if significant:
                outcome = "SSL better" if delta > 0 else "reference better"
            else:
                outcome = "not significant"
            rows.append(
                {
                    "table": table.spec.title.split(":")[0],
                    "task": table.spec.task,
                    "test_set": SET_NAMES.get(str(test_set), str(test_set)),
                    "protocol": str(protocol).upper(),
                    "fraction": f"{float(fraction):g}",
                    "method": DISPLAY_NAMES.get(str(best["method"]), str(best["method"])),
                    "ssl": format_cell(float(best["mean"]), float(best["sd"])),
                    "ref": format_cell(float(ref["mean"]), float(ref["sd"])),
                    "delta": f"{delta:+.3f}",
                    "p_wilcoxon": float(best["p_wilcoxon"]),
                    "p_delong": float(best["p_delong"]),
                    "n_seeds": int(best["n_seeds"]),
                    "underpowered": int(best["n_seeds"]) < MIN_WILCOXON_SEEDS,
                    "outcome": outcome,
                    "positive": significant and delta > 0,
                    "negative": significant and delta < 0,
                }
            )
    return rows


def _table_view(
    table: BuiltTable, results: pd.DataFrame, failed: Sequence[SanityCheck], reproduce: str
) -> TableView:
    long = table.long
    rows_of_task = results[results["task"] == table.spec.task]
    columns = (
        list(long[["fraction", "test_set", "protocol"]].drop_duplicates().itertuples(index=False))
        if not long.empty
        else []
    )
    multi_set = len({c.test_set for c in columns}) > 1
    headers = [
        f"{c.fraction:g} {SET_NAMES[c.test_set] + ' ' if multi_set else ''}{c.protocol.upper()}"
        for c in columns
    ]
    indexed = long.set_index(["method", "fraction", "test_set", "protocol"]) if len(long) else None
    rows = []
    for method in dict.fromkeys(long["method"]) if len(long) else []:
        cells = []
        for column in columns:
            assert indexed is not None
            cell = indexed.loc[(method, column.fraction, column.test_set, column.protocol)]
            flagged = any(
                c.task == table.spec.task
                and c.method == method
                and (c.protocol is None or c.protocol == column.protocol)
                for c in failed
            )
            seeds = rows_of_task[
                (rows_of_task["method"] == method)
                & (rows_of_task["fraction"] == column.fraction)
                & (rows_of_task["protocol"] == column.protocol)
            ].sort_values("seed")
            cells.append(
                CellView(
                    text=format_cell(float(cell["mean"]), float(cell["sd"])),
                    marks=significance_marks(float(cell["p_wilcoxon"]), float(cell["p_delong"])),
                    best=bool(cell.get("best", False)),
                    flagged=flagged,
                    seeds=[
                        _seed_provenance(r, column.test_set, reproduce) for _, r in seeds.iterrows()
                    ],
                )
            )
        rows.append((DISPLAY_NAMES.get(str(method), str(method)), cells))
    return TableView(
        id=table.spec.name,
        title=table.spec.title,
        headers=headers,
        rows=rows,
        legend=LEGEND.format(reference=DISPLAY_NAMES.get(table.reference, table.reference))
        .replace("**", "")
        .replace("`", "")
        + " ⚠: a sanity check on this method failed.",
    )


def _seed_provenance(row: pd.Series, test_set: str, reproduce: str) -> dict[str, str]:
    details = {"seed": str(int(row["seed"]))}
    metric = row.get(metric_column(test_set))
    details["test metric"] = f"{float(metric):.4f}" if pd.notna(metric) else "-"
    for column, label in PROVENANCE_COLUMNS:
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            details[label] = f"{value:.4f}" if isinstance(value, float) else str(value)
    params = {
        str(k).removeprefix("param_"): v
        for k, v in row.items()
        if str(k).startswith("param_") and pd.notna(v)
    }
    details["best parameters"] = ", ".join(
        f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(params.items())
    )
    details["reproduce"] = reproduce
    return details


def _cohort_tables(run_dir: Path) -> list[tuple[str, pd.DataFrame]]:
    found = []
    for path in sorted((run_dir / "tables").glob("cohort_*.csv")):
        found.append(
            (
                path.stem.removeprefix("cohort_").replace("_", " "),
                pd.read_csv(path, keep_default_na=False),
            )
        )
    return found


def _stage_times(run_dir: Path) -> list[tuple[str, str]]:
    times = []
    for stage in MARKED_STAGES:
        marker = read_marker(run_dir / stage)
        times.append((stage, f"{marker['seconds']}" if marker else "not finished"))
    return times
