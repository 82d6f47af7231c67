"""`bench pretrain` under torchrun (two gloo processes on the CPU) on a copy of the finished tiny run."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from bench.distributed_pretrain import pretrain_under_torchrun
from bench.errors import ConfigError
from bench.markers import is_done
from bench.pipeline import MARKED_STAGES, read_extra_encoders, stage_hashes
from bench.pipeline import run as run_pipeline
from bench.progress import LogReporter
from bench.worker import run_config
from safetensors import safe_open

METHOD = "vicreg"


def _tensor_kinds(path: Path) -> dict[str, tuple[tuple[int, ...], str]]:
    """Name -> (shape, dtype) of every tensor of a safetensors file."""
    with safe_open(str(path), framework="pt") as handle:
        return {
            key: (tuple(handle.get_slice(key).get_shape()), handle.get_slice(key).get_dtype())
            for key in handle.keys()  # noqa: SIM118 (safe_open is not a mapping)
        }


def _torchrun(run: Path, cwd: Path) -> subprocess.Popen[str]:
    """``torchrun --nproc-per-node 2 -m bench pretrain RUN --method vicreg`` in its own process group (its
    scratch folders, ``torchelastic_*``, in ``cwd``: a SIGKILLed agent cannot remove them)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1", "TMPDIR": str(cwd)}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2"]
    command += ["-m", "bench", "pretrain", str(run), "--method", METHOD]
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every descendant (torchrun starts its ranks in sessions of their own)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    for member in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(member, signal.SIGKILL)


def _sha(run: Path, name: str) -> str:
    return json.loads((run / "pretrain" / "encoders.json").read_text())[name]["sha256"]


@pytest.mark.slow
def test_torchrun_pretrain_is_killed_resumed_and_evaluated_alone(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    """90 s (up to 210 s on a loaded 2-core machine), plus the shared tiny run; marked slow."""
    run = helpers.copy_run(tiny_run, tmp_path)
    single = tmp_path / "single"
    (run / "pretrain" / METHOD).rename(single)  # the single-process checkpoint, kept to compare
    others = [
        m for m in json.loads((run / "pretrain" / "encoders.json").read_text()) if m != METHOD
    ]
    before = {m: _sha(run, m) for m in others if m != "imagenet"}
    results_before = pd.read_csv(run / "results.csv")
    trials_before = pd.read_parquet(run / "trials.parquet")
    kl_sup_marker = (run / "pretrain" / "kl_sup" / "done.json").read_text()

    # 1. killed with SIGKILL in the middle of the (only) epoch
    launch = _torchrun(run, tmp_path)
    assert launch.stdout is not None
    seen = []
    for line in launch.stdout:
        seen.append(line)
        if f"{METHOD}" in line and "step 2/" in line:
            _kill_tree(launch.pid)
            break
    launch.wait(timeout=60)
    assert launch.returncode == -signal.SIGKILL, "".join(seen[-30:])
    time.sleep(2)  # nothing left running could still write a checkpoint
    assert not (run / "pretrain" / METHOD / "last.json").exists()  # no epoch finished
    assert not (
        run / "pretrain" / "done.json"
    ).exists()  # `bench run` must re-register the encoders
    assert json.loads((run / "pretrain" / "started.json").read_text())["hash"]  # the stage resumes

    # 2. `bench run` with world_size = 2 resumes it through torchrun, then evaluates only that encoder
    config = (
        (tmp_path / "tiny.toml").read_text().replace("threads = 1 ", "world_size = 2\nthreads = 1 ")
    )
    (tmp_path / "tiny.toml").write_text(config)
    helpers.bench("run", "--config", "tiny.toml", cwd=tmp_path)
    torchrun_log = (run / "logs" / f"pretrain-{METHOD}.log").read_text()
    assert "rank 1/2" in torchrun_log
    assert not (
        run / "logs" / "pretrain-moco_v2.log"
    ).exists()  # finished methods start no processes

    # the same kind of checkpoint as one process, in the same place
    ddp = run / "pretrain" / METHOD
    assert _tensor_kinds(ddp / "last.safetensors") == _tensor_kinds(single / "last.safetensors")
    meta_ddp, meta_single = (json.loads((f / "last.json").read_text()) for f in (ddp, single))
    assert meta_ddp.keys() == meta_single.keys()
    assert meta_ddp["epoch"] == meta_single["epoch"] == 1
    assert meta_ddp["pretrain"]["world_size"] == 2
    assert meta_single["pretrain"]["world_size"] == 1
    log = [json.loads(line) for line in (ddp / "log.jsonl").read_text().splitlines()]
    assert [(r["epoch"], r["processes"]) for r in log] == [(1, 2)]
    assert (
        _sha(run, METHOD)
        != json.loads((tiny_run / "pretrain" / "encoders.json").read_text())[METHOD]["sha256"]
    )

    # nothing else recomputed: other encoders, the supervised proxy, other studies' rows and trials
    assert {m: _sha(run, m) for m in before} == before
    assert (run / "pretrain" / "kl_sup" / "done.json").read_text() == kl_sup_marker
    results = pd.read_csv(run / "results.csv")
    trials = pd.read_parquet(run / "trials.parquet")
    kept = results_before[results_before["method"] != METHOD]
    pd.testing.assert_frame_equal(
        results[results["method"] != METHOD].sort_values("study").reset_index(drop=True),
        kept.sort_values("study").reset_index(drop=True),
    )
    other_trials = trials[~trials["study"].str.contains(f"/{METHOD}/")]
    pd.testing.assert_frame_equal(
        other_trials.sort_values(["study", "trial"]).reset_index(drop=True),
        trials_before[~trials_before["study"].str.contains(f"/{METHOD}/")]
        .sort_values(["study", "trial"])
        .reset_index(drop=True),
    )
    # the new encoder: every study evaluated again, on the new checkpoint
    mine = results[results["method"] == METHOD]
    assert len(mine) == (results_before["method"] == METHOD).sum() > 0
    assert set(mine["encoder_sha256"]) == {_sha(run, METHOD)}
    assert (mine["status"] == "complete").all()

    # a further `bench run` would find every stage up to date
    config = run_config(run)
    hashes = stage_hashes(config, read_extra_encoders(run))
    assert all(is_done(run / stage, hashes[stage]) for stage in MARKED_STAGES)


def test_bench_pretrain_refuses_a_run_whose_earlier_stages_are_not_done(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    """`bench run --stop-after reports`; then `bench pretrain` (one process) refuses a run whose localize
    marker is gone, and an unknown method (about 15 s)."""
    run = helpers.copy_run(tiny_run, tmp_path)
    stopped = helpers.bench("run", "--config", "tiny.toml", "--stop-after", "reports", cwd=tmp_path)
    assert "up to date: ['world', 'localize', 'reports']" in stopped.stdout
    with pytest.raises(ConfigError, match="--stop-after 'pretrained'"):
        run_pipeline(run_config(run), stop_after="pretrained")
    (run / "localize" / "done.json").unlink()
    result = helpers.bench("pretrain", str(run), "--method", METHOD, cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "stage 'localize'" in result.stderr
    assert "--stop-after reports" in result.stderr
    with pytest.raises(ConfigError, match=r"pretrain\.methods"):
        pretrain_under_torchrun(run_config(run), "simclr", LogReporter())
