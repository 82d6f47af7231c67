"""Multi-process helpers: ranks, differentiable collectives, gathering, unwrapping DDP.

Under DDP every rank computes a loss on its own rows and DDP AVERAGES the gradients over the ``W`` ranks, so
the gradient applied is that of ``L = (1/W) sum_r L_r``. Every collective here is written for that rule:

- :func:`gather_with_grad` concatenates ``[N_local, ...]`` tensors of every rank into ``[N_global, ...]``; its
  backward all-reduces the incoming gradient and keeps this rank's rows. When every rank computes the same
  global loss, each slice receives ``W`` times its share and DDP's averaging restores exactly the gradient
  of the global-batch loss.
- :func:`all_reduce_sum` sums a tensor over ranks; its backward sums the gradient over ranks (the same
  rule: ``dL/dx_r = (1/W) sum_q dL_q/dS`` after DDP's averaging), which makes batch statistics built
  from all-reduced sums (:mod:`ssl_objectives.sync_batchnorm`) differentiable across processes.

Without an initialised process group (or with one process) every helper returns its input unchanged. Every
rank must pass the same number of rows (``drop_last`` batches).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def is_distributed() -> bool:
    """True when torch.distributed is initialised with more than one process."""
    return world_size() > 1


def world_size() -> int:
    """Number of processes in the default group, 1 when torch.distributed is not initialised."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return int(torch.distributed.get_world_size())
    return 1


def rank() -> int:
    """This process's rank in the default group, 0 when torch.distributed is not initialised."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return int(torch.distributed.get_rank())
    return 0


def barrier() -> None:
    """Wait for every rank (no-op in one process)."""
    if is_distributed():
        torch.distributed.barrier()


def gather_with_grad(x: Tensor) -> Tensor:
    """``[N_local, ...]`` on every rank -> ``[N_local * world_size, ...]``, differentiable."""
    if world_size() == 1:
        return x
    return _GatherWithGrad.apply(x)


class _GatherWithGrad(torch.autograd.Function):
    """All-gather whose backward all-reduces the gradient and keeps this rank's rows (gloo and NCCL)."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, x: Tensor) -> Tensor:
        ctx.rows = x.shape[0]  # type: ignore[attr-defined]
        return gather_no_grad(x)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: Tensor) -> Tensor:
        grad = grad.contiguous()
        torch.distributed.all_reduce(grad)
        start = torch.distributed.get_rank() * ctx.rows  # type: ignore[attr-defined]
        return grad[start : start + ctx.rows]  # type: ignore[attr-defined]


def gather_no_grad(x: Tensor) -> Tensor:
    """``[N_local, ...]`` -> ``[N_global, ...]`` without gradients (MoCo keys for the shared queue)."""
    if world_size() == 1:
        return x
    parts = [torch.empty_like(x) for _ in range(world_size())]
    torch.distributed.all_gather(parts, x.contiguous())
    return torch.cat(parts, dim=0)


def all_reduce_sum(x: Tensor) -> Tensor:
    """Sum of ``x`` over ranks (same shape), differentiable: the backward sums the gradient over ranks."""
    if world_size() == 1:
        return x
    return _AllReduceSum.apply(x)


class _AllReduceSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, x: Tensor) -> Tensor:
        out = x.clone().contiguous()
        torch.distributed.all_reduce(out)
        return out

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: Tensor) -> Tensor:
        grad = grad.clone().contiguous()
        torch.distributed.all_reduce(grad)
        return grad


def all_reduce_max(value: int, device: torch.device) -> int:
    """The largest ``value`` over ranks (no gradient; e.g. the longest word count of a text batch)."""
    if world_size() == 1:
        return value
    t = torch.tensor([value], device=device, dtype=torch.long)
    torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
    return int(t.item())


def unwrap(model: nn.Module) -> nn.Module:
    """The module inside a ``DistributedDataParallel`` wrapper (or the module itself)."""
    return model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model
