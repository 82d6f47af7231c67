"""Time building all three label sets for a full-size synthetic OAI cohort (4,796 participants).

Run: ``uv run python benchmarks/oa_tasks_labels.py [--participants 4796] [--repeats 3]``

Prints one line per stage (median over repeats) and the total against the 2-second target. The synthetic
files are written once to a temporary folder; reading them is part of the timed work, since a user's
``oa-tasks labels`` run reads them too.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from oa_tasks import build_labels, read_cohort
from oa_tasks.synth import FULL_SIZE, write_synthetic_cohort

TARGET_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=FULL_SIZE["oai"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        write_synthetic_cohort("oai", args.participants, 0, root)
        print(f"synth (not timed below): {time.perf_counter() - start:.2f} s")
        stages: dict[str, list[float]] = {"read": [], "kl": [], "incidence": [], "progression": []}
        rows: dict[str, int] = {}
        for _ in range(args.repeats):
            start = time.perf_counter()
            data = read_cohort("oai", root)
            stages["read"].append(time.perf_counter() - start)
            for task in ("kl", "incidence", "progression"):
                start = time.perf_counter()
                rows[task] = len(build_labels(data, task).labels)
                stages[task].append(time.perf_counter() - start)
    medians = {stage: statistics.median(times) for stage, times in stages.items()}
    print(f"participants: {args.participants}, knee-visit readings: {len(data.readings)}")
    for stage, seconds in medians.items():
        extra = f"  ({rows[stage]} knees labelled)" if stage in rows else ""
        print(f"{stage:<12} {seconds:7.3f} s{extra}")
    total = sum(medians.values())
    print(
        f"{'total':<12} {total:7.3f} s   target {TARGET_SECONDS:.1f} s   ratio {total / TARGET_SECONDS:.2f}"
    )


if __name__ == "__main__":
    main()
