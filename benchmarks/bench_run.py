"""Wall time of `bench run` per stage, against the budget of the profile.

    uv run python benchmarks/bench_run.py --profile default   # budget 900 s on the 2-core CPU machine
    uv run python benchmarks/bench_run.py --profile smoke     # budget 180 s

Runs the profile from scratch in a temporary runs folder (no cached localizer), through the real CLI, with
the profile's thread setting, then prints one line per stage (seconds and share of the total) and the total
against the budget. Nothing is asserted: the numbers are for the README.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

BUDGET_S = {"default": 900.0, "smoke": 180.0}
STAGES = ("world", "localize", "reports", "pretrain", "evaluate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default", choices=sorted(BUDGET_S))
    parser.add_argument(
        "--keep", type=Path, help="run in this folder and keep it (default: a temp folder)"
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-run-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench", "run", "--profile", args.profile, "--fresh"],
        cwd=folder,
        check=True,
    )
    total = time.perf_counter() - started
    run = folder / "runs" / args.profile
    config = tomllib.loads((run / "config.toml").read_text())
    env = json.loads((run / "env.json").read_text())
    print(
        f"profile {args.profile}: device {env['device']}, torch threads setting {config['threads']}"
    )
    stage_sum = 0.0
    for stage in STAGES:
        seconds = json.loads((run / stage / "done.json").read_text())["seconds"]
        stage_sum += seconds
        print(f"{stage:>9}: {seconds:7.1f} s  ({seconds / total:5.1%} of the run)")
    other = total - stage_sum
    print(f"{'report+io':>9}: {other:7.1f} s  (start-up, report stage, process exit)")
    budget = BUDGET_S[args.profile]
    print(f"{'total':>9}: {total:7.1f} s  = {total / budget:.2f} x the {budget:.0f} s budget")
    print(f"outputs: {run}")


if __name__ == "__main__":
    main()
