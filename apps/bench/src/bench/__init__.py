"""bench: the knee-SSL study end to end.

``bench.run(config)`` runs the stages of the paper's Figure 1 (world -> localize -> reports -> pretrain ->
evaluate -> report) on the synthetic world or on real data; the ``bench`` CLI is a thin layer over it::

    from bench import load_config, run

    result = run(load_config(profile="smoke"))
"""

from __future__ import annotations

from bench.config import BenchConfig, load_config, profile_names, profile_text
from bench.errors import BenchError, ConfigError, DataError, LeakageError, StageError
from bench.pipeline import RunResult, run

__version__ = "0.2.6"

__all__ = [
    "BenchConfig",
    "BenchError",
    "ConfigError",
    "DataError",
    "LeakageError",
    "RunResult",
    "StageError",
    "load_config",
    "profile_names",
    "profile_text",
    "run",
]
