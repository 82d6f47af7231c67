"""report-deid: offline PHI scrubbing of radiology reports, text preparation and WordPiece tokenization."""

from __future__ import annotations

import os

os.environ.setdefault(
    "TRANSFORMERS_VERBOSITY", "error"
)  # presidio imports transformers; torch is not used

from report_deid.allow_list import ALLOW_PHRASES, allowed_spans
from report_deid.errors import InputFormatError, ModelNotFoundError, ReportDeidError
from report_deid.phi_types import PHI_TYPES, placeholder
from report_deid.scrubber import Detection, Scrubber, ScrubResult
from report_deid.synth import TEST_FAMILIES, TRAIN_FAMILIES, clean_reports, synth_reports
from report_deid.text_prep import clean_text, prepare_sentences, split_sentences

__version__ = "0.2.0"

__all__ = [
    "ALLOW_PHRASES",
    "PHI_TYPES",
    "TEST_FAMILIES",
    "TRAIN_FAMILIES",
    "Detection",
    "InputFormatError",
    "ModelNotFoundError",
    "ReportDeidError",
    "ScrubResult",
    "Scrubber",
    "allowed_spans",
    "clean_reports",
    "clean_text",
    "placeholder",
    "prepare_sentences",
    "split_sentences",
    "synth_reports",
]
