"""``knee-localize`` command line. Implemented so far: ``phantom``.

The localizer commands of the design (``train``, ``evaluate``, ``predict``) are not implemented yet; see
the package README.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="knee-localize", description="Bilateral knee radiographs."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    phantom = commands.add_parser(
        "phantom", help="synthetic bilateral PA radiographs (DICOM) + boxes.csv"
    )
    phantom.add_argument("--n", type=int, required=True)
    phantom.add_argument("--seed", type=int, default=0)
    phantom.add_argument("--out", type=Path, required=True)
    phantom.add_argument(
        "--spacing-mm",
        type=float,
        nargs=2,
        default=None,
        metavar=("LOW", "HIGH"),
        help="pixel spacing range (default 0.12 0.18)",
    )
    args = parser.parse_args(argv)
    from knee_localize.phantom import PhantomConfig, write_phantom_set

    config = (
        PhantomConfig()
        if args.spacing_mm is None
        else PhantomConfig(spacing_mm=tuple(args.spacing_mm))
    )
    start = time.perf_counter()
    table = write_phantom_set(args.n, args.seed, args.out, config)
    seconds = time.perf_counter() - start
    print(
        f"wrote {args.n} radiographs ({int(table['present'].sum())} knees) to {args.out} in {seconds:.1f} s; "
        f"ground truth: {args.out / 'boxes.csv'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
