"""``bench compare runs/a runs/b [...]``: the cells several runs share, side by side.

A cell is ``(task, method, protocol, label fraction, test set)``. The first run is the baseline; for every
other run and every shared cell the page gives both means over seeds, the difference ``other - baseline``
and, where the runs share at least two seeds, a paired Wilcoxon test over those seeds (the same protocol on
two corpora, or before and after a change to a method, pair naturally by seed). Writes ``compare.md``,
``compare.csv`` and a self-contained ``compare.html`` into the output folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from bench.config import DISPLAY_NAMES
from bench.errors import DataError
from bench.pages import (
    MIN_WILCOXON_SEEDS,
    P_THRESHOLD,
    SET_NAMES,
    format_cell,
    format_p,
    render,
    write_page,
)

CELL = ["task", "method", "protocol", "fraction", "test_set"]


def long_results(run_dir: Path) -> pd.DataFrame:
    """One row per (cell, seed) with the test metric: ``results.csv`` melted over its test sets."""
    path = Path(run_dir) / "results.csv"
    if not path.is_file():
        raise DataError(
            f"{path} not found: {run_dir} is not a run with finished evaluation studies"
        )
    results = pd.read_csv(path)
    columns = [c for c in results.columns if c.startswith("test_metric_")]
    long = results.melt(
        id_vars=["task", "method", "protocol", "fraction", "seed"],
        value_vars=columns,
        var_name="test_set",
        value_name="value",
    )
    long["test_set"] = long["test_set"].str.removeprefix("test_metric_")
    return long.dropna(subset=["value"])


def compare_runs(run_dirs: Sequence[Path]) -> pd.DataFrame:
    """Every shared cell of the first run and each other run, with means, difference and paired p."""
    if len(run_dirs) < 2:
        raise DataError("bench compare needs at least two run folders")
    names = [Path(r).name for r in run_dirs]
    if len(set(names)) != len(names):
        raise DataError(f"run folders must have distinct names to be told apart, got {names}")
    from lowdata_eval import paired_wilcoxon

    base = long_results(run_dirs[0])
    rows = []
    for other_dir in run_dirs[1:]:
        other = long_results(other_dir)
        for key, mine in base.groupby(CELL, sort=True):
            theirs = other
            for column, value in zip(CELL, key, strict=True):
                theirs = theirs[theirs[column] == value]
            if theirs.empty:
                continue
            a = mine.set_index("seed")["value"].sort_index()
            b = theirs.set_index("seed")["value"].sort_index()
            common = a.index.intersection(b.index)
            p = (
                paired_wilcoxon(b[common].to_numpy(), a[common].to_numpy()).p_value
                if len(common) > 1
                else np.nan
            )
            rows.append(
                {
                    **dict(zip(CELL, key, strict=True)),
                    "baseline_run": Path(run_dirs[0]).name,
                    "other_run": Path(other_dir).name,
                    "baseline_mean": float(a.mean()),
                    "baseline_sd": float(a.std(ddof=1)) if len(a) > 1 else 0.0,
                    "other_mean": float(b.mean()),
                    "other_sd": float(b.std(ddof=1)) if len(b) > 1 else 0.0,
                    "difference": float(b.mean() - a.mean()),
                    "paired_seeds": len(common),
                    "p_wilcoxon": p,
                }
            )
    if not rows:
        raise DataError(
            f"the runs share no cell (task, method, protocol, fraction, test set): {', '.join(names)}"
        )
    return pd.DataFrame(rows)


def write_comparison(run_dirs: Sequence[Path], out: Path) -> dict[str, Path]:
    """Write ``compare.csv``, ``compare.md`` and ``compare.html`` into ``out``; return their paths."""
    table = compare_runs(run_dirs)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "compare.csv"
    table.to_csv(csv_path, index=False, float_format="%.6g")
    rows = [_view(row) for _, row in table.iterrows()]
    md_path = out / "compare.md"
    md_path.write_text(_markdown(rows, run_dirs), encoding="utf-8")
    html_path = write_page(
        out / "compare.html",
        render(
            "compare.html.j2",
            runs=[Path(r).name for r in run_dirs],
            paths=[str(r) for r in run_dirs],
            groups=_grouped(rows),
            min_seeds=MIN_WILCOXON_SEEDS,
        ),
    )
    return {"csv": csv_path, "markdown": md_path, "html": html_path}


def _view(row: pd.Series) -> dict[str, object]:
    significant = bool(row["p_wilcoxon"] < P_THRESHOLD)
    return {
        "pair": f"{row['other_run']} vs {row['baseline_run']}",
        "task": row["task"],
        "method": DISPLAY_NAMES.get(row["method"], row["method"]),
        "protocol": str(row["protocol"]).upper(),
        "fraction": f"{row['fraction']:g}",
        "test_set": SET_NAMES.get(row["test_set"], row["test_set"]),
        "baseline": format_cell(row["baseline_mean"], row["baseline_sd"]),
        "other": format_cell(row["other_mean"], row["other_sd"]),
        "difference": f"{row['difference']:+.3f}",
        "paired_seeds": int(row["paired_seeds"]),
        "p": format_p(row["p_wilcoxon"]),
        "significant": significant,
        "direction": "good"
        if significant and row["difference"] > 0
        else "bad"
        if significant
        else "",
    }


def _grouped(rows: list[dict[str, object]]) -> list[tuple[str, list[dict[str, object]]]]:
    groups: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        groups.setdefault(f"{row['pair']}: {row['task']}", []).append(row)
    return list(groups.items())


def _markdown(rows: list[dict[str, object]], run_dirs: Sequence[Path]) -> str:
    lines = [
        f"# Comparison of runs {', '.join(Path(r).name for r in run_dirs)}",
        "",
        f"Baseline: `{Path(run_dirs[0]).name}`. Difference: other minus baseline (mean over seeds). "
        "p: paired Wilcoxon over the seeds both runs share (`-`: fewer than two). "
        f"With fewer than {MIN_WILCOXON_SEEDS} paired seeds the test cannot reach p < 0.05.",
        "",
        "| runs | task | method | protocol | fraction | test set | baseline | other | difference "
        "| paired seeds | p |",
        "|---|---|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['pair']} | {r['task']} | {r['method']} | {r['protocol']} | {r['fraction']} | "
            f"{r['test_set']} | {r['baseline']} | {r['other']} | {r['difference']} | "
            f"{r['paired_seeds']} | {r['p']}{' *' if r['significant'] else ''} |"
        )
    return "\n".join(lines) + "\n"
