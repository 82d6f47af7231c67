"""Train / validation subsets plus any number of named test sets: the data every trial trainer receives."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor


@dataclass(frozen=True)
class NamedSplits:
    """``(inputs, targets)`` of the train and val subsets and of every named test set.

    ``tests`` maps a test set name to ``(inputs, targets)`` in reporting order; a bare tuple means
    ``{"test": it}``.
    """

    train: tuple[Tensor, Tensor]
    val: tuple[Tensor, Tensor]
    tests: dict[str, tuple[Tensor, Tensor]] | tuple[Tensor, Tensor]

    def __post_init__(self) -> None:
        if isinstance(self.tests, tuple):
            object.__setattr__(self, "tests", {"test": self.tests})

    @property
    def test(self) -> tuple[Tensor, Tensor]:
        """The first test set."""
        return next(iter(self.tests.values()))  # type: ignore[union-attr]
