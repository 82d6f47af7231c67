"""Progress reporting: stages report to a :class:`Reporter`; the CLI shows it live with rich.

Library code never prints: :class:`LogReporter` (the default) sends lines to ``logging``;
:class:`RichReporter` (the CLI) draws one bar per task with counts, elapsed and estimated time left, and a
detail field (method, epoch, trial, current metric).
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Protocol

logger = logging.getLogger("bench")


class Reporter(Protocol):
    """What stages call while they work."""

    def start(self, key: str, description: str, total: int | None) -> None:
        """A task begins (``total`` steps, None when unknown)."""

    def advance(self, key: str, n: int = 1, detail: str = "") -> None:
        """``n`` steps of a task are done; ``detail`` says what is happening now."""

    def finish(self, key: str, detail: str = "") -> None:
        """A task ended."""

    def note(self, line: str) -> None:
        """A line worth keeping in the log (never report text or PHI)."""


class LogReporter:
    """Reports through ``logging`` (library use, notebooks, tests)."""

    def __init__(self) -> None:
        self._totals: dict[str, tuple[str, int | None, int]] = {}

    def start(self, key: str, description: str, total: int | None) -> None:
        """Log the start of a task."""
        self._totals[key] = (description, total, 0)
        logger.info("%s: started (%s steps)", description, total if total is not None else "?")

    def advance(self, key: str, n: int = 1, detail: str = "") -> None:
        """Count steps; log a detail when given."""
        description, total, done = self._totals.get(key, (key, None, 0))
        self._totals[key] = (description, total, done + n)
        if detail:
            logger.debug("%s %d/%s %s", description, done + n, total, detail)

    def finish(self, key: str, detail: str = "") -> None:
        """Log the end of a task."""
        description, _, done = self._totals.pop(key, (key, None, 0))
        logger.info("%s: done (%d steps) %s", description, done, detail)

    def note(self, line: str) -> None:
        """Log a line."""
        logger.info("%s", line)


class RichReporter:
    """A live rich display: one row per task (description, bar, M/N, elapsed, time left, detail)."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[detail]}"),
            transient=False,
        )
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def start(self, key: str, description: str, total: int | None) -> None:
        """Add a row."""
        self._tasks[key] = self._progress.add_task(description, total=total, detail="")

    def advance(self, key: str, n: int = 1, detail: str = "") -> None:
        """Advance a row and update its detail."""
        if key in self._tasks:
            self._progress.update(self._tasks[key], advance=n, detail=detail)

    def finish(self, key: str, detail: str = "") -> None:
        """Complete a row."""
        task = self._tasks.pop(key, None)
        if task is not None:
            total = self._progress.tasks[task].total
            if total is None:
                total = self._progress.tasks[task].completed
            self._progress.update(task, completed=total, total=total, detail=detail)

    def note(self, line: str) -> None:
        """Print a line above the bars."""
        self._progress.console.print(line)
