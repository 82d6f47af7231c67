"""Losses compute in float32 (or float64 when given float64), also inside an autocast region.

Under ``torch.autocast`` a matmul would run in bfloat16 even on float32 inputs; batch statistics, cosine
logits and exponentials lose too much there. :func:`full_precision` turns autocast off for the loss body;
each loss promotes its inputs with :func:`promote` (bfloat16/float16 -> float32, float64 kept).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import torch
from torch import Tensor

P = ParamSpec("P")
R = TypeVar("R")


def full_precision(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with autocast disabled on the device of its first tensor argument."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        device = next((a.device.type for a in args if isinstance(a, Tensor)), "cpu")
        with torch.autocast(device_type=device, enabled=False):
            return fn(*args, **kwargs)

    return wrapper


def promote(*tensors: Tensor) -> list[Tensor]:
    """Cast to ``promote_types(first.dtype, float32)``: half precisions become float32, float64 stays."""
    dtype = torch.promote_types(tensors[0].dtype, torch.float32)
    return [t.to(dtype) for t in tensors]
