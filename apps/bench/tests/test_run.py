"""The tiny run end to end: every stage, table and plot; reruns, reports and listings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from bench.config import ALL_METHODS

TABLES = (
    "table3_kl_image_ssl",
    "table6_kl_multimodal",
    "table7_incidence",
    "table7_progression",
    "cohort_oai_progression",
    "cohort_most_incidence",
)
PLOTS = (
    "fractions_kl",
    "fractions_incidence",
    "fractions_progression",
    "figure5_corpus_kl",
    "figure6_stratified_auroc",
    "pretrain_loss",
)

pytestmark = pytest.mark.slow  # a whole pipeline run (the session's tiny run)


def _tables(run: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run / "tables").iterdir())}


def test_every_stage_table_and_plot(tiny_run: Path) -> None:
    for stage in ("world", "localize", "reports", "pretrain", "evaluate"):
        assert (tiny_run / stage / "done.json").is_file(), stage
    for table in TABLES:
        assert (tiny_run / "tables" / f"{table}.md").stat().st_size > 100, table
        assert (tiny_run / "tables" / f"{table}.csv").is_file()
    for plot in PLOTS:
        assert (tiny_run / "plots" / f"{plot}.png").stat().st_size > 5000, plot
    for name in ("config.toml", "env.json", "results.csv", "trials.parquet", "summary.md"):
        assert (tiny_run / name).is_file(), name


def test_results_cover_every_method_task_protocol_and_seed(tiny_run: Path) -> None:
    results = pd.read_csv(tiny_run / "results.csv")
    methods = set(ALL_METHODS) - {"imagenet"}  # no local ImageNet weights in the tests
    assert set(results["method"]) == methods
    assert len(results) == len(methods) * 3 * 2 * 1 * 2
    assert results.groupby(["method", "task", "protocol"]).size().eq(2).all()
    assert results["test_metric_most"].notna().all()  # MOST from the same search as the OAI test


def test_every_cell_traces_to_its_encoder_checkpoint(tiny_run: Path) -> None:
    results = pd.read_csv(tiny_run / "results.csv")
    for path, digest in (
        results[["encoder", "encoder_sha256"]].drop_duplicates().itertuples(index=False)
    ):
        assert hashlib.sha256((tiny_run / path).read_bytes()).hexdigest() == digest


def test_summary_reports_guard_audit_checks_and_missing_imagenet(tiny_run: Path) -> None:
    summary = (tiny_run / "summary.md").read_text()
    assert "ImageNet: not available (give --imagenet-weights PATH)" in summary
    assert "## Leakage guard" in summary
    assert "**0** slipped through" in summary
    assert "PHI spans replaced per type" in summary
    assert "NAME" in summary
    assert "KL Pret (Sup) beats Random on KL" in summary
    table = (tiny_run / "tables" / "table3_kl_image_ssl.md").read_text()
    assert "| ImageNet | not available (give --imagenet-weights PATH)" in table


def test_no_report_text_leaves_the_reports_stage(tiny_run: Path) -> None:
    raw = [
        json.loads(line)["text"] for line in (tiny_run / "world/hospital/reports_raw.jsonl").open()
    ]
    corpus = pd.read_parquet(tiny_run / "reports" / "corpus.parquet")
    phi = json.loads((tiny_run / "reports" / "audit.json").read_text())["phi_spans_replaced"]
    assert phi["NAME"] > 0
    assert phi["DATE"] > 0
    assert "[name]" in " ".join(corpus["impression"]) or "name" in " ".join(corpus["impression"])
    first_lines = {text.splitlines()[0] for text in raw}
    logs = " ".join(p.read_text() for p in (tiny_run / "logs").glob("*") if p.is_file())
    assert not any(line and line in logs for line in first_lines)


def test_leakage_guard_kept_every_val_test_participant_out(tiny_run: Path) -> None:
    corpus = pd.read_parquet(tiny_run / "localize" / "pretrain_corpus.parquet")
    excluded = pd.read_csv(tiny_run / "world" / "excluded_participants.csv", dtype=str)
    assert not set(corpus["participant_id"]) & set(excluded["participant_id"])
    guard = json.loads((tiny_run / "localize" / "leakage_guard.json").read_text())
    assert guard["excluded_rois"] > 0
    splits = pd.read_csv(tiny_run / "world" / "splits_oai.csv", dtype=str)
    train = set(splits.loc[splits["split"] == "train", "participant_id"])
    oai_in_corpus = set(corpus.loc[corpus["cohort"] == "oai", "participant_id"])
    assert oai_in_corpus
    assert oai_in_corpus <= train


def test_rerun_is_up_to_date_and_report_rebuilds_identical_tables(
    tiny_run: Path, tmp_path: Path, helpers
) -> None:
    run = helpers.copy_run(tiny_run, tmp_path)  # the shared run stays read-only
    before = _tables(run)
    rerun = helpers.bench("run", "--config", "tiny.toml", cwd=tmp_path)
    assert "up to date: ['world', 'localize', 'reports', 'pretrain', 'evaluate']" in rerun.stdout
    assert _tables(run) == before == _tables(tiny_run)
    helpers.bench("report", str(run), cwd=tmp_path)
    assert _tables(run) == before
    listing = helpers.bench("list", "--runs-dir", str(run.parent), cwd=tmp_path)
    assert "tiny: complete" in listing.stdout
