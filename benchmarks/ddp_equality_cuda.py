"""DDP equality on CUDA: one 2-rank DDP step per method == one single-GPU step on the concatenated batch.

Run on a machine with two GPUs (NCCL): ``uv run python benchmarks/ddp_equality_cuda.py``. With one GPU,
``--backend gloo`` puts both ranks on ``cuda:0`` (gloo all-reduces CUDA tensors; NCCL refuses two ranks on
one device). It runs the CPU test's worker (``packages/ssl-objectives/tests/ddp_worker.py``: float64, tiny
models, synchronised BatchNorm, fixed masks) on CUDA and prints, per method, the loss difference and the
largest relative difference of every gradient and of the whole state after the step; then a 2-rank
``pretrain`` on CUDA is killed mid-epoch, resumed, and compared bit for bit with an uninterrupted run. It
exits non-zero when a difference exceeds 1e-9 (the CPU test's tolerance). Prepared for the GPU machine; CI
runs the CPU version (``packages/ssl-objectives/tests/test_ddp.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file

WORKER = Path(__file__).resolve().parents[1] / "packages/ssl-objectives/tests/ddp_worker.py"
TOLERANCE = 1e-9


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker(env: dict[str, str], *args: str, check: bool = True) -> int:
    done = subprocess.run([sys.executable, str(WORKER), *args], env=env, check=check, timeout=1800)
    return done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="nccl", choices=("nccl", "gloo"))
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("no CUDA device: run the CPU test instead (tests/test_ddp.py)")
    if args.backend == "nccl" and torch.cuda.device_count() < 2:
        raise SystemExit("NCCL needs one GPU per rank: use two GPUs or --backend gloo")
    env = dict(os.environ, DDP_DEVICE="cuda", DDP_BACKEND=args.backend)
    print(f"{torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}, backend {args.backend}")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _worker(env, "steps", str(out), str(_port()), str(out / "straight"))
        report = json.loads((out / "steps.json").read_text())
        print(
            f"{'method':<14} {'|loss diff|':>12} {'grad rel':>10} {'state rel':>10} {'syncBN':>7}"
        )
        for name, r in report.items():
            diff = abs(r["loss"] - r["reference_loss"]) / abs(r["reference_loss"])
            worst = max(diff, r["grad_rel"], r["state_rel"])
            failures += worst > TOLERANCE
            print(
                f"{name:<14} {diff:12.2e} {r['grad_rel']:10.2e} {r['state_rel']:10.2e} "
                f"{r['sync_batchnorm']:7d}{'  FAIL' if worst > TOLERANCE else ''}"
            )
        folder = out / "resumed"
        _worker(env, "run", str(out), str(_port()), str(folder), "5", check=False)
        _worker(env, "run", str(out), str(_port()), str(folder))
        straight = load_file(str(out / "straight" / "last.safetensors"))
        resumed = load_file(str(folder / "last.safetensors"))
        same = straight.keys() == resumed.keys() and all(
            torch.equal(v, resumed[k]) for k, v in straight.items()
        )
        failures += not same
        print(f"killed + resumed 2-rank run == uninterrupted: {same}")
    if failures:
        raise SystemExit(f"{failures} check(s) failed")


if __name__ == "__main__":
    main()
