"""The training loop shared by linear probing and fine-tuning, with best-validation model selection.

Each epoch: one pass of one-cycle training, then the task metric on the validation subset, reported to the
trial (which may prune it). The weights of the best validation epoch are kept and, at the end, evaluated on
every named test set (e.g. ``test`` for OAI and ``most`` for the external MOST validation): those test
metrics are what table cells report for the trial. The best weights are returned too, so the study can keep
the best trial's model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from lowdata_eval.search_space import Hyperparams
from lowdata_eval.tasks import TaskSpec

#: ``evaluate(model, split)`` -> ``(targets, logits)`` as numpy arrays; ``split``: ``"val"`` or a test set.
Evaluate = Callable[[nn.Module, str], tuple[np.ndarray, np.ndarray]]
#: ``report(epoch, value)``; raises :class:`optuna.TrialPruned` to stop the trial.
Report = Callable[[int, float], None]


@dataclass
class FitResult:
    """What one trial produced.

    Attributes:
        best_epoch: 1-based epoch of the best validation metric.
        best_val: that validation metric.
        test_metrics: test set name -> the metric of the best-validation weights on it, in test set order.
        test_logits: test set name -> ``[N_set, n_outputs]`` logits of those weights (DeLong / bootstrap).
        val_history: validation metric per epoch.
        train_loss: mean training loss per epoch.
        seconds: wall time of the trial.
        metric: the metric's name (``balanced_accuracy``, ``auroc``, ``macro_auroc``).
        weights: the best-validation weights (CPU tensors) to keep if the trial is the study's best; empty
            when the trainer does not return them.
        model_info: JSON-serialisable description of the model those weights belong to.
    """

    best_epoch: int
    best_val: float
    test_metrics: dict[str, float]
    test_logits: dict[str, np.ndarray]
    val_history: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    metric: str = ""
    weights: dict[str, Tensor] = field(default_factory=dict)
    model_info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if list(self.test_metrics) != list(self.test_logits):
            raise ValueError(
                f"test_metrics {list(self.test_metrics)} and test_logits {list(self.test_logits)} "
                "must name the same test sets in the same order"
            )

    @property
    def test_metric(self) -> float:
        """The metric on the first test set (the primary one)."""
        return next(iter(self.test_metrics.values()))


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
    test_sets: Sequence[str] = ("test",),
) -> FitResult:
    """Train ``model`` with one-cycle LR, select the best validation epoch, evaluate it on every test set.

    Args:
        model: maps a batch to logits ``[B, n_outputs]``; already on ``device``.
        params: the trial's hyperparameters.
        task: the task (loss and metric).
        train_batches: ``train_batches(epoch)`` yields ``(inputs, targets)`` on ``device``.
        steps_per_epoch: number of batches ``train_batches`` yields.
        evaluate: returns targets and logits of a split.
        report: receives the validation metric of every epoch.
        device: where the model lives.
        test_sets: names of the test sets ``evaluate`` accepts, in reporting order.
    """
    start = time.perf_counter()
    optimizer = params.make_optimizer(model.parameters())
    scheduler = params.make_scheduler(optimizer, steps_per_epoch)
    best_val, best_epoch, best_state = -np.inf, 0, None
    history, losses = [], []
    for epoch in range(1, params.epochs + 1):
        model.train()
        total, count = torch.zeros((), device=device), 0  # summed on the device: no per-step sync
        for inputs, targets in train_batches(epoch):
            with autocast_context(device):
                loss = task.loss(model(inputs), targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.detach().float() * len(targets)
            count += len(targets)
        losses.append(float(total) / max(count, 1))
        value = task.metric(*evaluate(model, "val"))
        history.append(value)
        if value > best_val:
            best_val, best_epoch = value, epoch
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        report(epoch, value)
    if best_state is not None:
        model.load_state_dict(best_state)
    else:  # no finite validation value: keep the last weights
        best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
    metrics, all_logits = {}, {}
    for name in test_sets:
        targets, logits = evaluate(model, name)
        metrics[name], all_logits[name] = task.metric(targets, logits), logits
    return FitResult(
        best_epoch=best_epoch,
        best_val=float(best_val),
        test_metrics=metrics,
        test_logits=all_logits,
        val_history=history,
        train_loss=losses,
        seconds=time.perf_counter() - start,
        metric=task.metric_name,
        weights=best_state,
    )


def predict(model: nn.Module, batches: Iterable[Tensor], device: torch.device) -> np.ndarray:
    """Concatenated float32 logits of ``model`` over ``batches`` in eval mode, without gradients."""
    model.eval()
    outputs = []
    with torch.no_grad(), autocast_context(device):
        for inputs in batches:
            outputs.append(model(inputs).float().cpu())
    return torch.cat(outputs).numpy()
