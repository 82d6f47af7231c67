"""Speed of report-deid: reports per second, time against report length, and command start-up.

Run (from the repository root): ``uv run python benchmarks/deid_throughput.py [--n 1000] [--workers 2]``

Prints
- reports/s of the default engine in one process and in ``--workers`` processes, and scrubadub's, with the
  ratio to the 200 reports/s goal; for one process also reports per CPU second (``time.process_time``),
  which a busy shared machine disturbs less than wall-clock time;
- seconds to scrub one report of 0.1, 0.2, 0.4 and 0.8 MB (synthetic reports joined), and seconds per MB:
  a constant per-MB cost means linear time (Presidio's context enhancer took 455 s on a 0.9 MB report);
- wall-clock start-up of ``report-deid --help`` and of ``report-deid scrub`` on a one-report file (and the
  CPU time of those processes, which a busy shared machine inflates less)
  (goal < 3 s),
  median of three runs, each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

from report_deid import Scrubber, synth_reports
from report_deid.baselines import scrubadub_detector

GOAL = 200.0
STARTUP_GOAL = 3.0
_worker_scrubber: Scrubber | None = None


def _init() -> None:
    global _worker_scrubber
    _worker_scrubber = Scrubber()


def _scrub(text: str) -> str:
    assert _worker_scrubber is not None
    return _worker_scrubber.scrub(text).text


def rate(label: str, n: int, seconds: float) -> None:
    per_second = n / seconds
    print(
        f"{label:<38} {per_second:8.1f} reports/s   goal {GOAL:.0f}   ratio {per_second / GOAL:.2f}"
    )


def long_reports(scrubber: Scrubber, texts: list[str]) -> None:
    """Time one scrub of ever longer reports; print seconds and seconds per MB."""
    joined = "\n\n".join(texts)
    while len(joined) < 800_000:
        joined += "\n\n" + joined
    for size in (100_000, 200_000, 400_000, 800_000):
        text = joined[:size]
        start = time.perf_counter()
        scrubber.scrub(text)
        seconds = time.perf_counter() - start
        print(
            f"one report of {size / 1e6:.1f} MB: {seconds:6.2f} s   {seconds / (size / 1e6):6.2f} s/MB"
        )


def startup() -> None:
    """Median wall-clock time of the CLI's --help and of scrubbing one report, fresh processes."""
    command = [sys.executable, "-m", "report_deid.cli"]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "one.jsonl"
        source.write_text(
            json.dumps({"id": "1", "text": "Seen by Dr. Ada Quux on 03/04/2021."}) + "\n"
        )
        runs = {
            "report-deid --help": [*command, "--help"],
            "report-deid scrub (1 report)": [
                *command,
                "scrub",
                str(source),
                "--out",
                str(Path(folder) / "o.jsonl"),
            ],
        }
        for label, argv in runs.items():
            times, cpu_times = [], []
            for _ in range(3):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True)
                times.append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu_times.append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
            median = statistics.median(times)
            print(
                f"start-up {label:<30} {median:6.2f} s   goal < {STARTUP_GOAL:.0f} s   "
                f"ratio {median / STARTUP_GOAL:.2f}   (CPU {statistics.median(cpu_times):.2f} s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    texts = [str(r["text"]) for r in synth_reports(args.n, 7)]
    print(f"{args.n} synthetic reports, mean {sum(map(len, texts)) / len(texts):.0f} characters")
    scrubber = Scrubber()
    scrubber.scrub(texts[0])  # warm-up: compiles nothing new, loads the census lists
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        scrubber.scrub(text)
    rate("report-deid, 1 process", args.n, time.perf_counter() - start)
    rate("report-deid, 1 process, per CPU second", args.n, time.process_time() - cpu)
    with get_context("fork").Pool(args.workers, initializer=_init) as pool:
        pool.map(_scrub, texts[: args.workers * 2])  # warm-up: build the engines
        start = time.perf_counter()
        pool.map(_scrub, texts, chunksize=32)
        rate(f"report-deid, {args.workers} processes", args.n, time.perf_counter() - start)
    detect = scrubadub_detector()
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        detect(text)
    rate("scrubadub (baseline), 1 process", args.n, time.perf_counter() - start)
    rate("scrubadub, per CPU second", args.n, time.process_time() - cpu)
    long_reports(scrubber, texts)
    startup()


if __name__ == "__main__":
    main()
