"""The three kinds of downstream task, their losses, scores and selection metrics.

=============  ==========================  =====================  =================================
kind           targets                     head outputs / loss    metric (validation and test)
=============  ==========================  =====================  =================================
multiclass     ``[N]`` int64 in 0..C-1      C logits, cross-entr.  balanced accuracy of the argmax
binary         ``[N]`` in {0, 1}            1 logit, BCE           AUROC of the logit
multilabel     ``[N, K]`` in {0, 1}         K logits, BCE          macro AUROC
=============  ==========================  =====================  =================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import torch
from torch import Tensor, nn

from lowdata_eval.errors import DataError
from lowdata_eval.metrics import auroc, balanced_accuracy, macro_auroc


class TaskKind(StrEnum):
    """The kind of a downstream task."""

    MULTICLASS = "multiclass"
    BINARY = "binary"
    MULTILABEL = "multilabel"


@dataclass(frozen=True)
class TaskSpec:
    """A downstream task: its kind and number of classes (multiclass) or labels (multilabel).

    Attributes:
        kind: multiclass, binary or multilabel.
        n_classes: classes (multiclass), labels (multilabel); 1 for binary.
    """

    kind: TaskKind
    n_classes: int = 1

    def __post_init__(self) -> None:
        if self.kind is TaskKind.BINARY and self.n_classes != 1:
            raise DataError("a binary task has one output; leave n_classes at 1")
        if self.kind is not TaskKind.BINARY and self.n_classes < 2:
            raise DataError(f"a {self.kind.value} task needs n_classes >= 2, got {self.n_classes}")

    @property
    def n_outputs(self) -> int:
        """Width of the head: classes, labels, or 1."""
        return self.n_classes

    @property
    def metric_name(self) -> str:
        """``balanced_accuracy``, ``auroc`` or ``macro_auroc``."""
        return {"multiclass": "balanced_accuracy", "binary": "auroc", "multilabel": "macro_auroc"}[
            self.kind
        ]

    def loss(self, logits: Tensor, targets: Tensor) -> Tensor:
        """Mean loss of a batch; ``logits`` ``[B, n_outputs]``.

        Multiclass: cross-entropy. Binary: BCE with logits. Multi-label: BCE with logits averaged over
        the KNOWN entries of ``targets`` ``[B, K]`` only, ``sum(m * l) / max(1, sum(m))`` with ``m`` = 1
        where the target is not NaN (NaN marks a label that is not known, e.g. CheXpert's U-Ignore).
        """
        if self.kind is TaskKind.MULTICLASS:
            return nn.functional.cross_entropy(logits.float(), targets.long())
        flat = logits.float().reshape(targets.shape)
        if self.kind is TaskKind.MULTILABEL:
            # NaN targets are unknown labels: masked out, the mean taken over the known entries
            known = ~torch.isnan(targets)
            losses = nn.functional.binary_cross_entropy_with_logits(
                flat, torch.nan_to_num(targets.float()), reduction="none"
            )
            return (losses * known).sum() / known.sum().clamp(min=1)
        return nn.functional.binary_cross_entropy_with_logits(flat, targets.float())

    def metric(self, targets: np.ndarray, logits: np.ndarray) -> float:
        """The task's metric from targets and raw logits ``[N, n_outputs]``."""
        if self.kind is TaskKind.MULTICLASS:
            return balanced_accuracy(targets, logits.argmax(axis=1))
        if self.kind is TaskKind.BINARY:
            return auroc(targets, logits.reshape(-1))
        return macro_auroc(targets, logits)

    def target_tensor(self, values: np.ndarray) -> Tensor:
        """Targets as a tensor of the dtype the loss expects, checked against the task."""
        array = np.asarray(values)
        if self.kind is TaskKind.MULTILABEL:
            if array.ndim != 2 or array.shape[1] != self.n_classes:
                raise DataError(
                    f"multilabel targets must be [N, {self.n_classes}], got {array.shape}"
                )
            return torch.tensor(array, dtype=torch.float32)
        if array.ndim != 1:
            raise DataError(f"{self.kind.value} targets must be 1-D, got shape {array.shape}")
        high = self.n_classes - 1 if self.kind is TaskKind.MULTICLASS else 1
        if array.size and (array.min() < 0 or array.max() > high):
            raise DataError(
                f"{self.kind.value} targets must be in 0..{high}, got {array.min()}..{array.max()}"
            )
        dtype = torch.int64 if self.kind is TaskKind.MULTICLASS else torch.float32
        return torch.tensor(array, dtype=dtype)
