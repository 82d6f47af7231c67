"""The training loop shared by linear probing and fine-tuning, with best-validation model selection.

Each epoch: one pass of one-cycle training, then the task metric on the validation subset, reported to the
trial (which may prune it). The weights of the best validation epoch are kept and, at the end, evaluated on
the test set: that test metric is what a table cell reports for the trial.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor, nn

from lowdata_eval.search_space import Hyperparams
from lowdata_eval.tasks import TaskSpec

#: ``evaluate(model, split)`` -> ``(targets, logits)`` as numpy arrays, ``split`` in ``{"val", "test"}``.
Evaluate = Callable[[nn.Module, str], tuple[np.ndarray, np.ndarray]]
#: ``report(epoch, value)``; raises :class:`optuna.TrialPruned` to stop the trial.
Report = Callable[[int, float], None]


@dataclass
class FitResult:
    """What one trial produced.

    Attributes:
        best_epoch: 1-based epoch of the best validation metric.
        best_val: that validation metric.
        test_metric: the test metric of the best-validation weights.
        test_logits: ``[N_test, n_outputs]`` logits of those weights (for DeLong / bootstrap).
        val_history: validation metric per epoch.
        train_loss: mean training loss per epoch.
        seconds: wall time of the trial.
    """

    best_epoch: int
    best_val: float
    test_metric: float
    test_logits: np.ndarray
    val_history: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0


def autocast_context(device: torch.device) -> torch.autocast | nullcontext[None]:
    """bf16 autocast on CUDA, nothing elsewhere."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


def fit_and_select(
    model: nn.Module,
    params: Hyperparams,
    task: TaskSpec,
    train_batches: Callable[[int], Iterable[tuple[Tensor, Tensor]]],
    steps_per_epoch: int,
    evaluate: Evaluate,
    report: Report,
    device: torch.device,
) -> FitResult:
    """Train ``model`` with one-cycle LR, select the best validation epoch, evaluate it on test.

    Args:
        model: maps a batch to logits ``[B, n_outputs]``; already on ``device``.
        params: the trial's hyperparameters.
        task: the task (loss and metric).
        train_batches: ``train_batches(epoch)`` yields ``(inputs, targets)`` on ``device``.
        steps_per_epoch: number of batches ``train_batches`` yields.
        evaluate: returns targets and logits of a split.
        report: receives the validation metric of every epoch.
        device: where the model lives.
    """
    start = time.perf_counter()
    optimizer = params.make_optimizer(model.parameters())
    scheduler = params.make_scheduler(optimizer, steps_per_epoch)
    best_val, best_epoch, best_state = -np.inf, 0, None
    history, losses = [], []
    for epoch in range(1, params.epochs + 1):
        model.train()
        total, count = 0.0, 0
        for inputs, targets in train_batches(epoch):
            with autocast_context(device):
                loss = task.loss(model(inputs), targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += float(loss.detach()) * len(targets)
            count += len(targets)
        losses.append(total / max(count, 1))
        value = task.metric(*evaluate(model, "val"))
        history.append(value)
        if value > best_val:
            best_val, best_epoch = value, epoch
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        report(epoch, value)
    if best_state is not None:
        model.load_state_dict(best_state)
    targets, logits = evaluate(model, "test")
    return FitResult(
        best_epoch=best_epoch,
        best_val=float(best_val),
        test_metric=task.metric(targets, logits),
        test_logits=logits,
        val_history=history,
        train_loss=losses,
        seconds=time.perf_counter() - start,
    )


def predict(model: nn.Module, batches: Iterable[Tensor], device: torch.device) -> np.ndarray:
    """Concatenated float32 logits of ``model`` over ``batches`` in eval mode, without gradients."""
    model.eval()
    outputs = []
    with torch.no_grad(), autocast_context(device):
        for inputs in batches:
            outputs.append(model(inputs).float().cpu())
    return torch.cat(outputs).numpy()
