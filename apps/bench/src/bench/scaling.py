"""The scaling plot: downstream test metric against the size of the pretraining set, one line per corpus.

Encoders pretrained on the nested subsets of ``bench data`` (``data/scaling.parquet``) join a run's tables
through ``bench evaluate --encoder FILE --name NAME`` with names of the form

    <method>.<corpus>.n<size>[.s<pretraining seed>]      e.g. moco_v2.knee.n6000.s1

:func:`scaling_rows` reads these names back from ``results.csv``; :func:`scaling_plot` draws, for each task
and protocol, the mean test metric (largest label fraction) with its SD over every evaluation seed and
pretraining seed, against the subset size (log axis), one line per (corpus, method). A run without such
encoders gets no scaling plot.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

#: ``<method>.<corpus>.n<size>[.s<seed>]``: an encoder pretrained on a nested subset.
SCALED_NAME = re.compile(
    r"^(?P<base>[A-Za-z0-9_-]+)\.(?P<corpus>[A-Za-z0-9_-]+)\.n(?P<size>\d+)(?:\.s(?P<pretrain_seed>\d+))?$"
)


def scaled_name(method: str, corpus: str, size: int, seed: int | None = None) -> str:
    """The encoder name that puts a subset-pretrained encoder on the scaling plot."""
    name = f"{method}.{corpus}.n{size}"
    return name if seed is None else f"{name}.s{seed}"


def scaling_rows(results: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``results`` whose method is a scaled name, with ``base, corpus, size, pretrain_seed``."""
    parsed = results["method"].astype(str).str.extract(SCALED_NAME)
    rows = results[parsed["size"].notna()].copy()
    if rows.empty:
        return rows
    parsed = parsed.loc[rows.index]
    rows["base"] = parsed["base"]
    rows["corpus"] = parsed["corpus"]
    rows["size"] = parsed["size"].astype(int)
    rows["pretrain_seed"] = parsed["pretrain_seed"].fillna("0").astype(int)
    return rows


def scaling_table(results: pd.DataFrame) -> pd.DataFrame:
    """Mean and SD of ``test_metric`` per task, protocol, corpus, method and size (largest fraction)."""
    rows = scaling_rows(results)
    if rows.empty:
        return pd.DataFrame(
            columns=["task", "protocol", "corpus", "base", "size", "mean", "sd", "n"]
        )
    largest = rows.groupby("task")["fraction"].transform("max")
    rows = rows[rows["fraction"] == largest]
    stats = (
        rows.groupby(["task", "protocol", "corpus", "base", "size"])["test_metric"]
        .agg(mean="mean", sd="std", n="count")
        .reset_index()
    )
    stats["sd"] = stats["sd"].fillna(0.0)
    return stats


def scaling_plot(results: pd.DataFrame, out: Path) -> Path | None:
    """``out/scaling.png`` and the numbers behind it in ``out/../tables/scaling.csv``.

    Returns ``None`` (and writes nothing) when no encoder has a scaled name.
    """
    stats = scaling_table(results)
    if stats.empty:
        return None
    out.mkdir(parents=True, exist_ok=True)
    (out.parent / "tables").mkdir(exist_ok=True)
    stats.to_csv(out.parent / "tables" / "scaling.csv", index=False, float_format="%.6g")
    panels = sorted({(t, p) for t, p in zip(stats["task"], stats["protocol"], strict=True)})
    fig, axes = plt.subplots(1, len(panels), figsize=(5.0 * len(panels), 3.8), squeeze=False)
    palette = plt.get_cmap("tab10")
    lines = sorted({(c, b) for c, b in zip(stats["corpus"], stats["base"], strict=True)})
    for ax, (task, protocol) in zip(axes[0], panels, strict=True):
        for i, (corpus, base) in enumerate(lines):
            part = stats[
                (stats["task"] == task)
                & (stats["protocol"] == protocol)
                & (stats["corpus"] == corpus)
                & (stats["base"] == base)
            ].sort_values("size")
            if part.empty:
                continue
            ax.errorbar(
                part["size"],
                part["mean"],
                yerr=part["sd"],
                marker="o",
                capsize=3,
                color=palette(i % 10),
                label=f"{corpus} ({base})",
            )
        ax.set_xscale("log")
        ax.set_title(f"{task}: {protocol.upper()}")
        ax.set_xlabel("pretraining images")
        ax.set_ylabel("test metric (mean, SD over seeds)")
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.tight_layout()
    path = out / "scaling.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
