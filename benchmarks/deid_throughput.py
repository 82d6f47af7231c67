"""Reports per second of report-deid's scrubber on synthetic knee reports, next to scrubadub.

Run: ``uv run python benchmarks/deid_throughput.py [--n 1000] [--workers 2]``

Prints one line per configuration: the default offline engine in one process, the same in ``--workers``
processes (each builds its own engine), and the scrubadub baseline, with the ratio to the 200 reports/s goal.
"""

from __future__ import annotations

import argparse
import os
import time
from multiprocessing import get_context

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from report_deid import Scrubber, synth_reports
from report_deid.baselines import scrubadub_detector

GOAL = 200.0
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    texts = [str(r["text"]) for r in synth_reports(args.n, 7)]
    print(f"{args.n} synthetic reports, mean {sum(map(len, texts)) / len(texts):.0f} characters")
    scrubber = Scrubber()
    scrubber.scrub(texts[0])  # warm-up
    start = time.perf_counter()
    for text in texts:
        scrubber.scrub(text)
    rate("report-deid, 1 process", args.n, time.perf_counter() - start)
    with get_context("fork").Pool(args.workers, initializer=_init) as pool:
        pool.map(_scrub, texts[: args.workers * 2])  # warm-up: build the engines
        start = time.perf_counter()
        pool.map(_scrub, texts, chunksize=32)
        rate(f"report-deid, {args.workers} processes", args.n, time.perf_counter() - start)
    detect = scrubadub_detector()
    start = time.perf_counter()
    for text in texts:
        detect(text)
    rate("scrubadub (baseline), 1 process", args.n, time.perf_counter() - start)


if __name__ == "__main__":
    main()
