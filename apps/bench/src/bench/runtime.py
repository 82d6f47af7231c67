"""Where and how computations run: the device and torch's CPU thread count, chosen once and printed.

On a small shared CPU machine torch's default intra-op threads oversubscribe the cores (a search ran 23x
slower), so the thread count is always set explicitly: ``threads = 0`` means one per core, at most 4.
"""

from __future__ import annotations

import os
from typing import Any


def resolve_device(device: str) -> Any:
    """``cpu``, ``cuda`` or ``auto`` (CUDA when available) as a ``torch.device``."""
    import torch

    from bench.errors import ConfigError

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device = 'cuda' but no CUDA device is available; use 'cpu' or 'auto'")
    return torch.device(device)


def configure_threads(threads: int) -> int:
    """Set torch's intra-op threads (0: one per core, at most 4); return the number set."""
    import torch

    count = threads or max(1, min(4, len(os.sched_getaffinity(0))))
    torch.set_num_threads(count)
    return count


def device_description(device: Any) -> str:
    """A one-line description of the device (GPU name, or the CPU count)."""
    import torch

    if device.type == "cuda":
        return f"cuda:{torch.cuda.current_device()} {torch.cuda.get_device_name()}"
    return f"cpu ({len(os.sched_getaffinity(0))} cores, {torch.get_num_threads()} torch threads)"
