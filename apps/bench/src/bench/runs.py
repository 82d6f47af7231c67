"""``bench list``: the runs under a folder and the state of their stages (from the done-markers)."""

from __future__ import annotations

from pathlib import Path

from bench.markers import read_marker
from bench.pipeline import MARKED_STAGES


def describe_runs(runs_dir: Path) -> list[str]:
    """One line per run: name, stages done, whether a summary exists."""
    lines = []
    for run in (
        sorted(p for p in Path(runs_dir).iterdir() if p.is_dir() and not p.name.startswith("."))
        if Path(runs_dir).is_dir()
        else []
    ):
        done = [stage for stage in MARKED_STAGES if read_marker(run / stage) is not None]
        state = (
            "complete"
            if len(done) == len(MARKED_STAGES) and (run / "summary.md").is_file()
            else "incomplete"
        )
        pending = [s for s in MARKED_STAGES if s not in done]
        detail = f"next: {pending[0]}" if pending else "summary.md"
        lines.append(f"{run.name}: {state} ({len(done)}/{len(MARKED_STAGES)} stages; {detail})")
    return lines
