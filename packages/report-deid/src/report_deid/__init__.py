"""report-deid: offline PHI scrubbing of radiology reports, text preparation and WordPiece tokenization.

Names are imported on first use (PEP 562), so ``import report_deid`` and the command line's ``--help`` load
nothing heavy.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

os.environ.setdefault(
    "TRANSFORMERS_VERBOSITY", "error"
)  # tokenizer classes only; torch is not used

__version__ = "0.10.0"

_EXPORTS = {
    "ALLOW_PHRASES": "report_deid.allow_list",
    "allowed_spans": "report_deid.allow_list",
    "InputFormatError": "report_deid.errors",
    "ModelNotFoundError": "report_deid.errors",
    "ReportDeidError": "report_deid.errors",
    "PHI_TYPES": "report_deid.phi_types",
    "placeholder": "report_deid.phi_types",
    "Detection": "report_deid.spans",
    "Scrubber": "report_deid.scrubber",
    "ScrubResult": "report_deid.scrubber",
    "TEST_FAMILIES": "report_deid.synth",
    "TRAIN_FAMILIES": "report_deid.synth",
    "clean_reports": "report_deid.synth",
    "synth_reports": "report_deid.synth",
    "clean_text": "report_deid.text_prep",
    "prepare_sentences": "report_deid.text_prep",
    "split_sentences": "report_deid.text_prep",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import an exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'report_deid' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
