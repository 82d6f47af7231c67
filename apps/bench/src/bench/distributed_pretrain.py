"""``bench pretrain RUN --method M``: one method's pretraining under torchrun (DDP), and its launcher.

Launched as ``torchrun --nproc-per-node K -m bench pretrain runs/<name> --method M`` (several nodes: the same
command on every node with ``--nnodes N --rdzv-backend c10d --rdzv-endpoint HOST:PORT``), every process

1. reads the run's ``config.toml`` and refuses unless the stages before ``pretrain`` (world, localize,
   reports) are done under its current settings;
2. joins the process group torchrun describes: ``gloo`` on the CPU, ``nccl`` on CUDA with one GPU per process
   (``LOCAL_RANK``);
3. rank 0 prepares ``pretrain/`` exactly as ``bench run`` does before the stage (a folder begun under other
   settings starts over; ``started.json`` records the stage hash) and removes the stage's ``done.json``, so
   the next ``bench run`` rebuilds the encoder registry from the checkpoints (a changed checkpoint changes
   its SHA-256, hence the evaluation hash; only that encoder's studies are recomputed);
4. every rank runs :func:`bench.pretrain.pretrain_method`, the single-process stage's own code:
   ssl-objectives' ``pretrain`` sees the process group and trains with DDP (the global batch is the config's
   ``batch_size``, split over the ranks; SyncBN, gathered embeddings, rank-split epochs), rank 0 writing
   ``pretrain/<method>/last.safetensors`` + ``last.json`` + ``log.jsonl`` every epoch: the files of the
   single-process stage, in the same place. A killed launch resumes at the epoch in flight when started
   again; a method already pretrained under the current settings is left as it is.

``bench run`` with ``world_size > 1`` in the config calls :func:`launch` for each method of its pretraining
stage: ``python -m torch.distributed.run --standalone --nproc-per-node world_size -m bench pretrain ...``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.config import BenchConfig
from bench.errors import ConfigError
from bench.progress import Reporter

#: The stages ``bench pretrain`` reads (they must be done).
EARLIER_STAGES = ("world", "localize", "reports")


@dataclass(frozen=True)
class Ranks:
    """This process's place in the torchrun job: global rank, world size, rank on its node."""

    rank: int
    world_size: int
    local_rank: int

    @classmethod
    def from_environment(cls) -> Ranks:
        """``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` as torchrun sets them (one process without torchrun)."""
        return cls(
            int(os.environ.get("RANK", "0")),
            int(os.environ.get("WORLD_SIZE", "1")),
            int(os.environ.get("LOCAL_RANK", "0")),
        )


def check_earlier_stages(config: BenchConfig) -> str:
    """Refuse unless world, localize and reports are done under ``config``; return the pretrain hash.

    Raises:
        ConfigError: naming the first stage that is missing or was done under other settings.
    """
    from bench.markers import is_done
    from bench.pipeline import read_extra_encoders, stage_hashes

    hashes = stage_hashes(config, read_extra_encoders(config.run_dir))
    for stage in EARLIER_STAGES:
        if not is_done(config.run_dir / stage, hashes[stage]):
            raise ConfigError(
                f"stage {stage!r} of {config.run_dir} is not done under the run's config.toml: run "
                f"`bench run --config <the run's config> --stop-after reports` first, then `bench pretrain`"
            )
    return hashes["pretrain"]


def pretrain_under_torchrun(config: BenchConfig, method: str, reporter: Reporter) -> Path:
    """Pretrain ``method`` of the run of ``config`` on every rank of the torchrun job; return the checkpoint.

    Raises:
        ConfigError: an unknown method, earlier stages not done, or CUDA asked for without a GPU per process.
    """
    import torch

    from bench.localize import LocalizeOutputs
    from bench.markers import clear_marker
    from bench.pipeline import begin_stage
    from bench.pretrain import pretrain_inputs, pretrain_method
    from bench.reports import ReportsOutputs
    from bench.runtime import resolve_device
    from bench.world import WorldOutputs

    if method not in config.pretrain.methods:
        raise ConfigError(
            f"--method {method!r} is not in the run's pretrain.methods {list(config.pretrain.methods)}"
        )
    stage_hash = check_earlier_stages(config)
    ranks = Ranks.from_environment()
    device = _device(resolve_device(config.device), ranks)
    folder = config.run_dir / "pretrain"
    finished = finished_checkpoint(config, method, stage_hash)
    if finished is not None:
        reporter.note(f"pretrain: {method} is already pretrained under the run's settings")
        return finished
    group = _join(device, ranks)
    try:
        if ranks.rank == 0:
            begin_stage(config.run_dir, "pretrain", stage_hash)
            clear_marker(folder)  # the next `bench run` re-registers the encoders
        _barrier(group)
        world = WorldOutputs(config.run_dir / "world")
        localize = LocalizeOutputs(config.run_dir / "localize")
        corpus, rois, data_hash = pretrain_inputs(world, localize)
        reports = ReportsOutputs(config.run_dir / "reports")
        path = pretrain_method(
            config,
            method,
            corpus,
            rois,
            reports,
            folder / method,
            device,
            data_hash,
            reporter,
        )
    finally:
        if group and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()
    return path


def finished_checkpoint(config: BenchConfig, method: str, stage_hash: str) -> Path | None:
    """``method``'s checkpoint when its pretraining is finished under the current settings, else None.

    Finished: ``pretrain/started.json`` holds ``stage_hash`` (the folder was begun under these settings and
    data) and the checkpoint's ``last.json`` records the config's last epoch.
    """
    from bench.markers import read_json
    from bench.pipeline import STARTED

    folder = config.run_dir / "pretrain"
    started = read_json(folder / STARTED) or {}
    meta = read_json(folder / method / "last.json") or {}
    checkpoint = folder / method / "last.safetensors"
    if (
        started.get("hash") == stage_hash
        and int(meta.get("epoch", 0)) >= config.pretrain.epochs
        and checkpoint.is_file()
    ):
        return checkpoint
    return None


def _device(device: Any, ranks: Ranks) -> Any:
    """CUDA: this process's GPU (``LOCAL_RANK``); the CPU otherwise."""
    import torch

    if device.type != "cuda":
        return device
    if ranks.local_rank >= torch.cuda.device_count():
        raise ConfigError(
            f"LOCAL_RANK {ranks.local_rank} but this node has {torch.cuda.device_count()} GPUs: give "
            "torchrun --nproc-per-node at most the number of GPUs"
        )
    torch.cuda.set_device(ranks.local_rank)
    return torch.device("cuda", ranks.local_rank)


def _join(device: Any, ranks: Ranks) -> bool:
    """Join torchrun's process group (gloo on the CPU, nccl on CUDA); False for a single process."""
    import torch

    if ranks.world_size == 1 or torch.distributed.is_initialized():
        return False
    backend = "nccl" if device.type == "cuda" else "gloo"
    torch.distributed.init_process_group(backend, device_id=device if backend == "nccl" else None)
    return True


def _barrier(group: bool) -> None:
    import torch

    if group:
        torch.distributed.barrier()


def torchrun_command(config: BenchConfig, method: str) -> list[str]:
    """The one-node torchrun command line ``bench run`` uses for ``method`` (``world_size`` processes)."""
    return [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc-per-node={config.world_size}",
        "-m",
        "bench",
        "pretrain",
        str(config.run_dir),
        "--method",
        method,
    ]


def launch(config: BenchConfig, method: str, reporter: Reporter) -> Path:
    """Run :func:`torchrun_command` to completion (unless already finished); return the checkpoint.

    Every rank's output goes to ``logs/pretrain-<method>.log``.

    Raises:
        RuntimeError: torchrun failed (the message names the log holding every rank's output).
    """
    from bench.pipeline import read_extra_encoders, stage_hashes

    stage_hash = stage_hashes(config, read_extra_encoders(config.run_dir))["pretrain"]
    finished = finished_checkpoint(config, method, stage_hash)
    if finished is not None:  # nothing to train: no processes to start
        return finished
    log = config.run_dir / "logs" / f"pretrain-{method}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    key = f"pretrain-{method}"
    reporter.start(key, f"pretrain: {method} ({config.world_size} processes, torchrun)", None)
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            torchrun_command(config, method),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(
            f"torchrun for {method} exited {done.returncode}; every rank's output: {log}"
        )
    reporter.finish(key, detail=f"log: {log.name}")
    return config.run_dir / "pretrain" / method / "last.safetensors"
