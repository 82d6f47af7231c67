"""Exception types raised by report-deid. Messages never contain report text."""

from __future__ import annotations


class ReportDeidError(Exception):
    """Base class of every error raised by report-deid."""


class InputFormatError(ReportDeidError):
    """An input file or record that cannot be read (wrong suffix, missing field, not text)."""


class ModelNotFoundError(ReportDeidError, FileNotFoundError):
    """A local spaCy model or tokenizer directory that is missing or incomplete."""
