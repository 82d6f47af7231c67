"""The run's figures (PNG, matplotlib's Agg backend: no display needed).

- ``fractions_<task>.png``: test metric vs label fraction, one line per method (mean, SD error bars), one
  panel per protocol (and per test set for the prognostic tasks).
- ``figure5_corpus_kl.png``: the KL distribution of the hospital pretraining corpus inferred by the
  supervised proxy (KL Pret (Sup)) beside the synthetic world's TRUE distribution.
- ``figure6_stratified_auroc.png``: prognosis AUROC within each baseline KL grade, OAI test and MOST.
- ``pretrain_loss.png``: pretraining loss per epoch of every method.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from bench.config import DISPLAY_NAMES
from bench.markers import read_jsonl

SET_NAMES = {"test": "OAI test", "most": "MOST (external)"}
METRIC_NAMES = {"kl": "balanced accuracy", "incidence": "AUROC", "progression": "AUROC"}


def rows_metric(results: pd.DataFrame, task: str) -> str:
    """The metric of a task not in :data:`METRIC_NAMES` (a control corpus), as results.csv names it."""
    metric = results.loc[results["task"] == task, "metric"]
    return str(metric.iloc[0]).replace("_", " ") if len(metric) else "metric"


def _name(method: str) -> str:
    return DISPLAY_NAMES.get(method, method)


def _colors(methods: list[str]) -> dict[str, tuple[float, ...]]:
    palette = plt.get_cmap("tab10")
    return {m: palette(i % 10) for i, m in enumerate(methods)}


def fraction_curves(results: pd.DataFrame, task: str, out: Path) -> Path:
    """Metric vs label fraction for one task: one panel per (test set, protocol)."""
    rows = results[results["task"] == task]
    sets = [
        s
        for s in ("test", "most")
        if f"test_metric_{s}" in rows and rows[f"test_metric_{s}"].notna().any()
    ]
    if task == "kl":
        sets = sets[:1]
    protocols = [p for p in ("lp", "ft") if p in set(rows["protocol"])]
    methods = sorted(set(rows["method"]), key=_order)
    colors = _colors(methods)
    fig, axes = plt.subplots(
        len(sets), len(protocols), figsize=(5.2 * len(protocols), 3.8 * len(sets)), squeeze=False
    )
    for i, test_set in enumerate(sets):
        column = f"test_metric_{test_set}"
        for j, protocol in enumerate(protocols):
            ax = axes[i][j]
            for method in methods:
                part = rows[(rows["method"] == method) & (rows["protocol"] == protocol)]
                stats = part.groupby("fraction")[column].agg(["mean", "std"]).fillna(0.0)
                ax.errorbar(
                    stats.index * 100,
                    stats["mean"],
                    yerr=stats["std"],
                    marker="o",
                    capsize=3,
                    label=_name(method),
                    color=colors[method],
                    linestyle="--" if method in ("random", "imagenet", "kl_sup") else "-",
                )
            ax.set_title(f"{task}: {protocol.upper()} on {SET_NAMES[test_set]}")
            ax.set_xlabel("labelled fraction of train and validation pools (%)")
            ax.set_ylabel(f"test {METRIC_NAMES.get(task, rows_metric(results, task))}")
            ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.tight_layout()
    path = out / f"fractions_{task}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def _order(method: str) -> int:
    names = list(DISPLAY_NAMES)
    return names.index(method) if method in names else len(names)


def corpus_kl(predicted: pd.DataFrame, truth: pd.DataFrame | None, out: Path) -> Path:
    """Figure 5: inferred (and, synthetic only, true) KL distribution of the hospital corpus."""
    hospital = predicted[predicted["cohort"] == "hospital"]
    grades = np.arange(5)
    inferred = np.bincount(hospital["kl_predicted"], minlength=5) / max(len(hospital), 1)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    width = 0.38 if truth is not None else 0.6
    ax.bar(
        grades - (width / 2 if truth is not None else 0),
        inferred * 100,
        width,
        label="inferred by KL Pret (Sup)",
    )
    if truth is not None:
        true = np.bincount(truth["kl_true"], minlength=5) / max(len(truth), 1)
        ax.bar(grades + width / 2, true * 100, width, label="true (synthetic world)")
    ax.set_xticks(grades, [f"KL {g}" for g in grades])
    ax.set_ylabel("share of knees in the hospital corpus (%)")
    ax.set_title(f"Pretraining corpus severity ({len(hospital)} knees)")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path = out / "figure5_corpus_kl.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def stratified(strata: pd.DataFrame, out: Path) -> Path | None:
    """Figure 6: AUROC by baseline KL per method, one panel per (task, test set)."""
    if strata.empty:
        return None
    panels = strata[["task", "test_set"]].drop_duplicates().values.tolist()
    columns = min(2, len(panels))
    rows = -(-len(panels) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6.0 * columns, 3.6 * rows), squeeze=False)
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for ax, (task, test_set) in zip(axes.flat, panels, strict=False):
        part = strata[(strata["task"] == task) & (strata["test_set"] == test_set)]
        methods = sorted(set(part["method"]), key=_order)
        colors = _colors(methods)
        grades = sorted(set(part["stratum"]))
        width = 0.8 / max(len(methods), 1)
        for k, method in enumerate(methods):
            rows = part[part["method"] == method].set_index("stratum").reindex(grades)
            ax.bar(
                np.arange(len(grades)) + k * width - 0.4 + width / 2,
                rows["auroc"],
                width,
                label=_name(method),
                color=colors[method],
            )
        ax.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
        ax.set_xticks(np.arange(len(grades)), [f"KL {int(g)}" for g in grades])
        ax.set_ylim(0, 1)
        ax.set_ylabel("AUROC within stratum")
        ax.set_title(f"{task}, {SET_NAMES[test_set]}")
    axes[0][-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.suptitle("AUROC within each baseline KL grade (FT, largest fraction, mean over seeds)")
    fig.tight_layout()
    path = out / "figure6_stratified_auroc.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def loss_curves(pretrain_dir: Path, out: Path) -> Path | None:
    """Pretraining loss per epoch, one small panel per method (losses differ in scale)."""
    logs = sorted(pretrain_dir.glob("*/log.jsonl"))
    if not logs:
        return None
    fig, axes = plt.subplots(1, len(logs), figsize=(2.6 * len(logs), 2.8), squeeze=False)
    for ax, log in zip(axes[0], logs, strict=True):
        records = read_jsonl(log)
        epochs = [r["epoch"] for r in records]
        ax.plot(epochs, [r["loss"] for r in records], marker="o")
        ax.set_title(_name(log.parent.name), fontsize=9)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("training loss")
    fig.tight_layout()
    path = out / "pretrain_loss.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def describe(path: Path) -> tuple[str, str]:
    """Alt text and caption of a figure written by this module (from its file name)."""
    stem = path.stem
    if stem.startswith("fractions_"):
        task = stem.removeprefix("fractions_")
        metric = METRIC_NAMES.get(task, "metric")
        return (
            f"Line plots of test {metric} against the fraction of labels for the {task} task, one line "
            "per pretraining method with error bars of one standard deviation over seeds, one panel per "
            "protocol (linear probe, fine-tuning) and test set.",
            f"{task}: test {metric} vs label fraction (mean ± SD over seeds).",
        )
    if stem == "figure5_corpus_kl":
        return (
            "Bar chart of the share of each KL grade (0 to 4) in the hospital pretraining corpus as "
            "inferred by the supervised proxy model, beside the true distribution of the synthetic world.",
            "Figure 5: KL distribution of the pretraining corpus inferred by KL Pret (Sup), and the truth.",
        )
    if stem == "figure6_stratified_auroc":
        return (
            "Grouped bars of prognosis AUROC within each baseline KL grade, per method, for incidence "
            "and progression on the OAI test split and on MOST, fine-tuned at the largest label fraction.",
            "Figure 6: AUROC within baseline KL strata (fine-tuning, largest fraction).",
        )
    if stem == "pretrain_loss":
        return (
            "Small line plots of the pretraining loss per epoch, one panel per method.",
            "Pretraining loss per epoch.",
        )
    if stem == "scaling":
        return (
            "Line plot of the downstream test metric against the pretraining set size, one line per "
            "pretraining corpus, mean and standard deviation over seeds.",
            "Scaling: downstream metric vs pretraining set size (mean ± SD over seeds).",
        )
    return (f"Figure {stem} of this run (no description registered).", stem)
