"""The run's sanity checks: properties any working run must show, whatever the data.

- KL Pret (Sup), supervised on KL grades, beats Random on KL (mean test balanced accuracy over fractions,
  seeds and protocols);
- every SSL method's linear probe beats Random's linear probe on KL, and on each natural-image corpus of a
  control run (Imagenette: the object-centric sanity check, where SSL must learn).

A failed check is printed in bold in ``summary.md`` and flags the method's cells in ``report.html``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.config import DISPLAY_NAMES, SSL_METHODS


@dataclass(frozen=True)
class SanityCheck:
    """A check, its outcome, and the cells it concerns (``protocol`` None: every protocol)."""

    description: str
    passed: bool
    detail: str
    task: str
    method: str
    protocol: str | None = None

    @property
    def line(self) -> str:
        """``description: passed (a vs b)``."""
        return f"{self.description}: {'passed' if self.passed else 'FAILED'} ({self.detail})"


def sanity_checks(results: pd.DataFrame) -> list[SanityCheck]:
    """The checks this run's results allow (a method absent from ``results`` is not checked)."""

    def mean(method: str, protocol: str | None = None, task: str = "kl") -> float:
        rows = results[(results["task"] == task) & (results["method"] == method)]
        if protocol is not None:
            rows = rows[rows["protocol"] == protocol]
        return float(rows["test_metric_test"].mean()) if len(rows) else float("nan")

    checks = []
    random_all = mean("random")
    sup = mean("kl_sup")
    if np.isfinite(sup) and np.isfinite(random_all):
        checks.append(
            SanityCheck(
                "KL Pret (Sup) beats Random on KL",
                sup > random_all,
                f"{sup:.3f} vs {random_all:.3f}",
                "kl",
                "kl_sup",
            )
        )
    # KL, and the natural-image sanity corpora of bench.controls (ImageFolder: balanced accuracy)
    natural = results.loc[
        (results["task"] != "kl") & (results["metric"] == "balanced_accuracy"), "task"
    ]
    for task in ["kl", *sorted(set(natural))]:
        random_lp = mean("random", "lp", task)
        for method in SSL_METHODS:
            value = mean(method, "lp", task)
            if np.isfinite(value) and np.isfinite(random_lp):
                checks.append(
                    SanityCheck(
                        f"{DISPLAY_NAMES[method]} LP beats Random LP on "
                        f"{'KL' if task == 'kl' else task}",
                        value > random_lp,
                        f"{value:.3f} vs {random_lp:.3f}",
                        task,
                        method,
                        "lp",
                    )
                )
    return checks
