"""Stage 6, ``report``: tables, plots and ``summary.md`` from the stored outputs alone.

Reads ``results.csv``, the test predictions, the evaluated row tables and the earlier stages' small outputs
(leakage guard, de-identification audit, proxy KL grades, pretraining logs, stage markers); trains and
recomputes nothing, so ``bench report runs/<name>`` rebuilds byte-identical tables. Sanity checks: KL Pret
(Sup) beats Random on KL; every SSL method's LP beats Random's LP on KL (means over fractions and seeds).
"""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench import plots
from bench.config import DISPLAY_NAMES, SSL_METHODS
from bench.errors import DataError
from bench.markers import read_marker
from bench.pipeline import MARKED_STAGES
from bench.progress import LogReporter, Reporter
from bench.tables import write_tables


@dataclass(frozen=True)
class Check:
    """One sanity check and whether it passed."""

    description: str
    passed: bool
    detail: str


def build(run_dir: Path, reporter: Reporter | None = None) -> Path:
    """Write ``tables/``, ``plots/`` and ``summary.md`` of a run; return the summary's path."""
    reporter = reporter or LogReporter()
    run_dir = Path(run_dir)
    results_path = run_dir / "results.csv"
    if not results_path.is_file():
        raise DataError(
            f"{results_path} not found: the evaluate stage has not finished any study yet"
        )
    results = pd.read_csv(results_path).sort_values(
        ["task", "method", "protocol", "fraction", "seed"], ignore_index=True
    )
    task_tables = {
        path.stem: pd.read_parquet(path)
        for path in sorted((run_dir / "evaluate" / "tables").glob("*.parquet"))
    }
    encoders = _read_json(run_dir / "pretrain" / "encoders.json") or {}
    imagenet = bool(encoders.get("imagenet", {}).get("available"))
    tables = write_tables(results, run_dir, task_tables, imagenet)
    _copy_cohort_tables(run_dir)
    figures = _plots(run_dir, results, task_tables)
    checks = sanity_checks(results)
    summary = _summary(run_dir, results, tables, figures, checks, imagenet)
    path = run_dir / "summary.md"
    path.write_text(summary, encoding="utf-8")
    reporter.note(f"report: {len(tables)} tables, {len(figures)} plots, summary at {path}")
    return path


def _read_json(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _copy_cohort_tables(run_dir: Path) -> None:
    source = run_dir / "world" / "cohort_tables"
    for path in sorted(source.glob("*")) if source.is_dir() else []:
        shutil.copyfile(path, run_dir / "tables" / f"cohort_{path.name}")


def _plots(
    run_dir: Path, results: pd.DataFrame, task_tables: dict[str, pd.DataFrame]
) -> list[Path]:
    out = run_dir / "plots"
    out.mkdir(parents=True, exist_ok=True)
    figures = [plots.fraction_curves(results, task, out) for task in sorted(set(results["task"]))]
    predicted = run_dir / "pretrain" / "kl_sup" / "corpus_kl.csv"
    if predicted.is_file():
        corpus = pd.read_csv(predicted, dtype={"participant_id": str})
        truth_path = run_dir / "world" / "truth.parquet"
        truth = None
        if truth_path.is_file():
            truth = pd.read_parquet(truth_path)
            truth = truth[truth["cohort"] == "hospital"]
        figures.append(plots.corpus_kl(corpus, truth, out))
    strata = stratified_table(run_dir, results, task_tables)
    strata.to_csv(
        run_dir / "tables" / "figure6_stratified_auroc.csv", index=False, float_format="%.6g"
    )
    from bench.scaling import scaling_plot

    scaling = scaling_plot(results, out)  # encoders named <method>.<corpus>.n<size>: bench.scaling
    for figure in (
        plots.stratified(strata, out),
        plots.loss_curves(run_dir / "pretrain", out),
        scaling,
    ):
        if figure is not None:
            figures.append(figure)
    return figures


def stratified_table(
    run_dir: Path, results: pd.DataFrame, task_tables: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """AUROC within each baseline KL grade (prognostic tasks, FT, largest fraction; mean over seeds)."""
    from lowdata_eval import stratified_auroc

    rows = []
    for task in ("incidence", "progression"):
        part = results[(results["task"] == task) & (results["protocol"] == "ft")]
        if part.empty or task not in task_tables:
            continue
        fraction = part["fraction"].max()
        part = part[part["fraction"] == fraction]
        table = task_tables[task]
        for test_set in ("test", "most"):
            column = f"test_logits_file_{test_set}"
            if column not in part or part[column].isna().all():
                continue
            subset = table[table["split"] == test_set]
            for method, group in part.groupby("method", sort=True):
                per_seed = []
                for logits_file in group.sort_values("seed")[column].dropna():
                    score = np.load(run_dir / "predictions" / str(logits_file)).reshape(-1)
                    per_seed.append(
                        stratified_auroc(subset["label"], score, subset["baseline_kl"]).set_index(
                            "stratum"
                        )
                    )
                if not per_seed:
                    continue
                mean = pd.concat([s["auroc"] for s in per_seed], axis=1).mean(axis=1)
                for stratum, value in mean.items():
                    rows.append(
                        {
                            "task": task,
                            "test_set": test_set,
                            "method": method,
                            "fraction": fraction,
                            "stratum": int(stratum),
                            "n": int(per_seed[0].loc[stratum, "n"]),
                            "n_positive": int(per_seed[0].loc[stratum, "n_positive"]),
                            "auroc": value,
                        }
                    )
    return pd.DataFrame(
        rows,
        columns=["task", "test_set", "method", "fraction", "stratum", "n", "n_positive", "auroc"],
    )


def sanity_checks(results: pd.DataFrame) -> list[Check]:
    """KL Pret (Sup) beats Random on KL; every SSL LP beats Random LP on KL."""
    kl = results[results["task"] == "kl"]
    checks = []

    def mean(method: str, protocol: str | None = None) -> float:
        rows = kl[kl["method"] == method]
        if protocol is not None:
            rows = rows[rows["protocol"] == protocol]
        return float(rows["test_metric_test"].mean()) if len(rows) else float("nan")

    random_all, random_lp = mean("random"), mean("random", "lp")
    sup = mean("kl_sup")
    if np.isfinite(sup) and np.isfinite(random_all):
        checks.append(
            Check(
                "KL Pret (Sup) beats Random on KL",
                sup > random_all,
                f"{sup:.3f} vs {random_all:.3f}",
            )
        )
    for method in SSL_METHODS:
        value = mean(method, "lp")
        if np.isfinite(value) and np.isfinite(random_lp):
            checks.append(
                Check(
                    f"{DISPLAY_NAMES[method]} LP beats Random LP on KL",
                    value > random_lp,
                    f"{value:.3f} vs {random_lp:.3f}",
                )
            )
    return checks


def _summary(
    run_dir: Path,
    results: pd.DataFrame,
    tables: dict[str, str],
    figures: list[Path],
    checks: list[Check],
    imagenet: bool,
) -> str:
    config = tomllib.loads((run_dir / "config.toml").read_text(encoding="utf-8"))
    env = _read_json(run_dir / "env.json") or {}
    guard = _read_json(run_dir / "localize" / "leakage_guard.json") or {}
    audit = _read_json(run_dir / "reports" / "audit.json") or {}
    evaluate = config.get("evaluate", {})
    data = "synthetic world" if "data" not in config else "real data (see config.toml [data])"
    lines = [
        f"# knee-SSL benchmark run `{config.get('name')}`",
        "",
        "## What ran",
        "",
        f"- Data: {data}; backbone {config['pretrain']['backbone']}, pretraining views "
        f"{config['pretrain']['image_size']} px for {config['pretrain']['epochs']} epochs; fine-tuning crops "
        f"{evaluate.get('image_size')} px.",
        f"- Methods evaluated: {', '.join(DISPLAY_NAMES.get(m, m) for m in sorted(set(results['method'])))}"
        + ("" if imagenet else "; ImageNet: not available (give --imagenet-weights PATH)"),
        f"- Protocol: fractions {evaluate.get('fractions')}, seeds {evaluate.get('seeds')}, trials per study "
        f"{evaluate.get('trials')}; {results['study'].nunique()} studies in `results.csv`.",
        f"- Device: {env.get('device', '?')}; software: "
        + ", ".join(f"{k} {v}" for k, v in sorted(env.get("versions", {}).items())),
        "",
        "## Wall time per stage",
        "",
        "| stage | seconds |",
        "|---|---:|",
    ]
    for stage in MARKED_STAGES:
        marker = read_marker(run_dir / stage)
        lines.append(f"| {stage} | {marker['seconds'] if marker else 'not finished'} |")
    headline = next((t for n, t in tables.items() if n.startswith("table7_progression")), None)
    headline = headline or next(iter(tables.values()), "")
    lines += ["", "## Headline", "", headline, "", "## All tables", ""]
    lines += [f"- [{name}](tables/{name}.md)" for name in tables]
    lines += ["", "## Plots", ""]
    lines += [f"![{figure.stem}](plots/{figure.name})" for figure in figures]
    lines += [
        "",
        "## Leakage guard",
        "",
        f"{guard.get('excluded_rois', '?')} ROIs of {guard.get('excluded_participants', '?')} participants "
        "in a validation or test split were kept out of pretraining; **0** slipped through (the guard "
        f"stops the run otherwise). Pretraining corpus: {guard.get('corpus_rois', '?')} ROIs "
        f"({guard.get('hospital_rois', '?')} hospital).",
        "",
        "## De-identification audit",
        "",
        f"{audit.get('reports_kept', '?')} of {audit.get('reports_read', '?')} reports kept "
        f"({audit.get('reports_failed', '?')} failed); PHI spans replaced per type: "
        + ", ".join(f"{k} {v}" for k, v in audit.get("phi_spans_replaced", {}).items())
        + f". Tokenizer: {audit.get('tokenizer', '?')}.",
        "",
        "## Sanity checks",
        "",
    ]
    for check in checks:
        line = f"{check.description}: {'passed' if check.passed else 'FAILED'} ({check.detail})"
        lines.append(f"- {line}" if check.passed else f"- **{line}**")
    return "\n".join(lines) + "\n"
