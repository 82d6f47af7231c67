"""Exception types raised by lowdata-eval."""

from __future__ import annotations


class LowDataEvalError(Exception):
    """Base class of every error raised by lowdata-eval."""


class DataError(LowDataEvalError):
    """Input data that cannot be evaluated (a missing column, an empty pool, one class only, ...)."""


class StorageError(LowDataEvalError):
    """An Optuna storage that cannot be opened or used as asked."""
