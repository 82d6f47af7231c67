"""Synthetic OAI and MOST cohorts in the real distribution formats (see :mod:`oa_tasks.synth.model`)."""

from __future__ import annotations

from pathlib import Path

from oa_tasks.errors import LabelDefinitionError
from oa_tasks.synth.model import SimulatedCohort, simulate_cohort
from oa_tasks.synth.most_files import write_most_cohort
from oa_tasks.synth.oai_files import write_oai_cohort

#: Full cohort sizes (OAI enrolled 4,796 participants; MOST 3,026).
FULL_SIZE: dict[str, int] = {"oai": 4796, "most": 3026}


def write_synthetic_cohort(cohort: str, n_participants: int, seed: int, out: Path) -> list[Path]:
    """Write a synthetic ``cohort`` (``"oai"`` or ``"most"``) into ``out``; return the files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if cohort == "oai":
        return write_oai_cohort(n_participants, seed, out)
    if cohort == "most":
        return write_most_cohort(n_participants, seed, out)
    raise LabelDefinitionError(f"unknown cohort {cohort!r}; expected 'oai' or 'most'")


__all__ = ["FULL_SIZE", "SimulatedCohort", "simulate_cohort", "write_synthetic_cohort"]
