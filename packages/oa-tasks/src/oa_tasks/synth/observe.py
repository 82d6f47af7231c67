"""What a reading centre would record at each X-ray visit of a simulated cohort.

Per knee and visit: ``absent`` (no row: the participant had left or died, or the visit was missed and not
entered), ``missing`` (a row with the ordinary missing code), ``technical`` (``.T``), ``prosthesis``
(``.P``: the knee was replaced before the visit) or ``graded``, with reading noise (a grade off by one with
probability ``noise``, so grades can fall back as in real longitudinal readings).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oa_tasks.synth.model import SimulatedCohort

STATUSES: tuple[str, ...] = ("absent", "missing", "technical", "prosthesis", "graded")


def observe_readings(
    cohort: SimulatedCohort,
    visit_months: Sequence[int],
    rng: np.random.Generator,
    *,
    noise: float = 0.02,
    missed_visit: float = 0.03,
    technical: float = 0.007,
) -> pd.DataFrame:
    """Return ``knee_row, participant_index, side, visit_month, status, kl`` for every knee and visit.

    ``kl`` is -1 unless ``status == "graded"``. Rows with ``status == "absent"`` are included so writers can
    decide how to show them.
    """
    knees = cohort.knees
    people = cohort.participants
    n_knees, n_visits = len(knees), len(visit_months)
    months = np.asarray(visit_months)
    owner = knees["participant_index"].to_numpy()
    left_at = np.minimum(people["dropout_month"].to_numpy(), people["death_month"].to_numpy())[
        owner
    ]
    gone = (left_at[:, None] < months[None, :]) & (months[None, :] > 0)
    missed_by_person = rng.random((len(people), n_visits)) < missed_visit
    missed = missed_by_person[owner] & (months[None, :] > 0)
    entered_as_missing = rng.random((n_knees, n_visits)) < 0.5
    replaced = knees["replacement_month"].to_numpy()[:, None] <= months[None, :]
    tech = rng.random((n_knees, n_visits)) < technical
    status = np.select(
        [gone, replaced, missed & entered_as_missing, missed, tech],
        ["absent", "prosthesis", "missing", "absent", "technical"],
        default="graded",
    )
    true_kl = cohort.kl_by_month[:, np.minimum(months, cohort.kl_by_month.shape[1] - 1)].astype(int)
    shift = np.where(
        rng.random((n_knees, n_visits)) < noise, rng.choice([-1, 1], (n_knees, n_visits)), 0
    )
    read_kl = np.clip(true_kl + shift, 0, 4)
    return pd.DataFrame(
        {
            "knee_row": np.repeat(np.arange(n_knees), n_visits),
            "participant_index": np.repeat(owner, n_visits),
            "side": np.repeat(knees["side"].to_numpy(), n_visits),
            "visit_month": np.tile(months, n_knees),
            "status": status.ravel(),
            "kl": np.where(status == "graded", read_kl, -1).ravel(),
        }
    )
