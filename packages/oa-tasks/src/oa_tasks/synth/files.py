"""Small helpers shared by the synthetic cohort writers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from oa_tasks.synth.model import SimulatedCohort

TRUTH_FILE = "synth_truth.csv"


def write_delimited(frame: pd.DataFrame, path: Path, sep: str) -> Path:
    """Write ``frame`` as text with a header row, cells verbatim (no index, no quoting of ``|``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=sep, index=False, lineterminator="\n")
    return path


def coded(codes: np.ndarray, labels: dict[int, str]) -> np.ndarray:
    """Render integer codes as ``"<code>: <label>"`` strings."""
    return np.array([f"{c}: {labels[int(c)]}" for c in codes], dtype=object)


def write_truth(cohort: SimulatedCohort, ids: np.ndarray, out: Path) -> Path:
    """Write the per-knee ground truth (latent risk, true baseline KL, replacement month).

    The phantom radiograph generator reads this to draw each knee from its KL grade and latent risk.
    """
    knees = cohort.knees
    truth = pd.DataFrame(
        {
            "participant_id": ids[knees["participant_index"].to_numpy()],
            "side": knees["side"],
            "latent_risk": knees["latent_risk"],
            "baseline_kl_true": knees["baseline_kl"],
            "replacement_month": knees["replacement_month"].round(2),
        }
    )
    return write_delimited(truth, out / TRUTH_FILE, ",")


def first_visit_index_at_or_after(months: np.ndarray, visit_months: list[int]) -> np.ndarray:
    """Index of the first visit whose month is >= each event month (-1 when after every visit/NaN)."""
    grid = np.asarray(visit_months, dtype=float)
    index = np.searchsorted(grid, np.nan_to_num(months, nan=np.inf), side="left")
    return np.where(index >= len(grid), -1, index)
