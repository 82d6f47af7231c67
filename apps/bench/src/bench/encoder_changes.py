"""Forget the evaluation of encoders whose checkpoint changed since it was evaluated.

lowdata-eval binds every study to its data fingerprint, which covers the encoder's SHA-256; a study of the
same name run on a rewritten checkpoint (``bench pretrain`` retrained the method) would raise
``FingerprintMismatchError``. Before the evaluate stage resumes, every study of this run whose recorded
encoder SHA-256 differs from the encoder's current one is deleted from the Optuna storage, with its rows in
``results.csv`` / ``trials.parquet``, its per-trial logits (``predictions/<slug>__*``) and its kept models
(``models/<slug>``). The studies of unchanged encoders are kept: they resume without recomputing anything.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from bench.config import BenchConfig
from bench.markers import write_atomically

if TYPE_CHECKING:
    from bench.evaluate import Encoder

RESULTS = "results.csv"
TRIALS = "trials.parquet"


def forget_changed_encoders(
    config: BenchConfig, encoders: Sequence[Encoder], storage_url: str | None
) -> list[str]:
    """Delete the studies of ``encoders`` evaluated on another checkpoint; return their names."""
    import optuna
    from lowdata_eval import open_storage
    from lowdata_eval.study import FINGERPRINT_ATTR

    run_dir = config.run_dir
    if storage_url is None and not (run_dir / "optuna.journal").is_file():
        return []  # nothing was ever evaluated
    current = {encoder.name: encoder.sha256 for encoder in encoders}
    storage = open_storage(run_dir, storage_url)
    stale = []
    for summary in optuna.get_all_study_summaries(storage, include_best_trial=False):
        parts = summary.study_name.split("/")
        if len(parts) != 6 or parts[0] != config.name or parts[1] not in current:
            continue
        recorded = (summary.user_attrs.get(FINGERPRINT_ATTR) or {}).get("encoder_sha256")
        if recorded is not None and recorded != current[parts[1]]:
            stale.append(summary.study_name)
    for name in stale:
        optuna.delete_study(study_name=name, storage=storage)
        _remove_files(run_dir, study_slug(name))
    if stale:
        _drop_rows(run_dir / RESULTS, stale)
        _drop_rows(run_dir / TRIALS, stale)
    return stale


def study_slug(name: str) -> str:
    """lowdata-eval's file-system name of the study ``experiment/method/task/protocol/frac=F/seed=S``."""
    from lowdata_eval import StudyKey

    experiment, method, task, protocol, fraction, seed = name.split("/")
    key = StudyKey(
        experiment,
        method,
        task,
        protocol,
        float(fraction.removeprefix("frac=")),
        int(seed.removeprefix("seed=")),
    )
    return key.slug


def _remove_files(run_dir: Path, slug: str) -> None:
    for path in (run_dir / "predictions").glob(f"{slug}__*"):
        path.unlink(missing_ok=True)
    shutil.rmtree(run_dir / "models" / slug, ignore_errors=True)


def _drop_rows(path: Path, studies: list[str]) -> None:
    """Remove the rows of ``studies`` from a CSV / Parquet table (written through a rename)."""
    if not path.is_file():
        return
    table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    kept = table[~table["study"].isin(studies)]
    if path.suffix == ".parquet":
        write_atomically(path, lambda p: kept.to_parquet(p, index=False))
    else:
        write_atomically(path, lambda p: kept.to_csv(p, index=False))
