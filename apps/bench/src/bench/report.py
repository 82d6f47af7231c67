"""Stage 6, ``report``: tables, plots, model cards, ``summary.md`` and ``report.html`` from stored outputs.

Reads ``results.csv``, the test predictions, the evaluated row tables and the earlier stages' small outputs
(leakage guard, de-identification audit, proxy KL grades, pretraining logs, checkpoints' JSON sidecars,
stage markers); trains and recomputes nothing, so ``bench report runs/<name>`` rebuilds byte-identical
tables. The sanity checks are those of :mod:`bench.checks`.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from bench import plots
from bench.checks import SanityCheck, sanity_checks
from bench.config import DISPLAY_NAMES
from bench.errors import DataError
from bench.markers import read_json, read_marker
from bench.model_cards import write_model_cards
from bench.pages import embed_png
from bench.pipeline import MARKED_STAGES
from bench.progress import LogReporter, Reporter
from bench.results_page import write_results_page
from bench.tables import BuiltTable, write_tables


def build(run_dir: Path, reporter: Reporter | None = None) -> Path:
    """Write ``tables/``, ``plots/``, model cards, ``summary.md`` and ``report.html``; return the summary."""
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
    encoders = read_json(run_dir / "pretrain" / "encoders.json") or {}
    imagenet = bool(encoders.get("imagenet", {}).get("available"))
    tables = write_tables(results, run_dir, task_tables, imagenet)
    _copy_cohort_tables(run_dir)
    figures = _plots(run_dir, results, task_tables)
    checks = sanity_checks(results)
    cards = write_model_cards(run_dir, {t.spec.name: t.long for t in tables})
    summary = _summary(run_dir, results, tables, figures, checks, imagenet)
    path = run_dir / "summary.md"
    path.write_text(summary, encoding="utf-8")
    embedded = [embed_png(f, *plots.describe(f)) for f in figures]
    page = write_results_page(run_dir, results, tables, embedded, checks, cards, imagenet)
    reporter.note(
        f"report: {len(tables)} tables, {len(figures)} plots, {len(cards)} model cards; "
        f"summary at {path}, page at {page}"
    )
    return path


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


def _summary(
    run_dir: Path,
    results: pd.DataFrame,
    tables: list[BuiltTable],
    figures: list[Path],
    checks: list[SanityCheck],
    imagenet: bool,
) -> str:
    config = tomllib.loads((run_dir / "config.toml").read_text(encoding="utf-8"))
    env = read_json(run_dir / "env.json") or {}
    guard = read_json(run_dir / "localize" / "leakage_guard.json") or {}
    audit = read_json(run_dir / "reports" / "audit.json") or {}
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
    named = {t.spec.name: t.markdown for t in tables}
    headline = named.get("table7_progression") or next(iter(named.values()), "")
    lines += ["", "## Headline", "", headline, "", "## All tables", ""]
    lines += [f"- [{name}](tables/{name}.md)" for name in named]
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
        lines.append(f"- {check.line}" if check.passed else f"- **{check.line}**")
    lines += ["", "The results page with provenance of every cell: [report.html](report.html)."]
    return "\n".join(lines) + "\n"
