"""Exceptions of the bench app; the CLI maps them to exit statuses (2: fix the input, 1: a stage failed)."""

from __future__ import annotations


class BenchError(Exception):
    """Base class of the app's errors."""


class ConfigError(BenchError):
    """A config key, value or referenced path is wrong (exit status 2)."""


class DataError(BenchError):
    """Input data is missing or unreadable (exit status 2)."""


class LeakageError(BenchError):
    """A participant of a validation or test split reached a pretraining set (the run stops)."""


class StageError(BenchError):
    """A stage failed; ``stage`` names it and ``log`` is the file holding the traceback (exit status 1)."""

    def __init__(self, stage: str, message: str, log: str) -> None:
        super().__init__(f"stage {stage!r} failed: {message} (full traceback: {log})")
        self.stage = stage
        self.log = log
