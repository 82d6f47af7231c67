"""Exception types of ssl-objectives: each says what was wrong and what to do."""

from __future__ import annotations


class SSLObjectivesError(Exception):
    """Base class of every error raised on purpose by this package."""


class WeightsNotFoundError(SSLObjectivesError, FileNotFoundError):
    """Pretrained weights (ImageNet, BERT) are not at the local path given; nothing is downloaded."""


class CheckpointError(SSLObjectivesError):
    """A checkpoint is missing, incomplete, or does not match the model it is loaded into."""


class ConfigError(SSLObjectivesError, ValueError):
    """A configuration value or an input shape is invalid."""
