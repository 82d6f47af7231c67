"""Synthetic knee radiograph reports with PHI and exact gold spans (see :mod:`.templates`)."""

from report_deid.synth.generator import KL_BALANCED, KL_HOSPITAL, clean_reports, synth_reports
from report_deid.synth.templates import FAMILIES, TEST_FAMILIES, TRAIN_FAMILIES

__all__ = [
    "FAMILIES",
    "KL_BALANCED",
    "KL_HOSPITAL",
    "TEST_FAMILIES",
    "TRAIN_FAMILIES",
    "clean_reports",
    "synth_reports",
]
