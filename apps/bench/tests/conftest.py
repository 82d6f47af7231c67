"""One finished tiny run shared by the tests (made once per session through the real CLI).

Under pytest-xdist the workers share it too: the first worker that needs it builds it under a file lock in
the session's common temporary folder, the others wait for it. Tests treat it as read-only (whatever writes
to a run works on :func:`copy_run`'s copy), so a worker may copy it while another reads it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TINY = HERE / "tiny.toml"


def bench(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the ``bench`` CLI in a subprocess (as a user would), capturing its output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    result = subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"bench {' '.join(args)} exited {result.returncode}:\n{result.stderr[-3000:]}"
        )
    return result


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock`` (other xdist workers block until it is released)."""
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``tiny.toml``; runs go to its ``runs/`` (one folder for all xdist workers)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "bench-shared"
    with _exclusive(shared / "bench-shared.lock"):
        if not folder.is_dir():
            folder.mkdir()
            shutil.copy(TINY, folder / "tiny.toml")
    return folder


@pytest.fixture(scope="session")
def tiny_run(workdir: Path) -> Path:
    """The finished run folder of ``bench run --config tiny.toml`` (built once, by whichever worker asks
    first; a failed build is retried by the next worker rather than trusted)."""
    finished = workdir / "tiny-run.finished"
    with _exclusive(workdir / "tiny-run.lock"):
        if not finished.is_file():
            bench("run", "--config", "tiny.toml", cwd=workdir)
            finished.touch()
    return workdir / "runs" / "tiny"


class Helpers:
    """The helpers above, as the ``helpers`` fixture (importlib mode cannot import conftest)."""

    tiny = TINY

    @staticmethod
    def bench(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        """See :func:`bench`."""
        return bench(*args, cwd=cwd, check=check)

    @staticmethod
    def copy_run(run: Path, target_root: Path) -> Path:
        """See :func:`copy_run`."""
        return copy_run(run, target_root)


@pytest.fixture(scope="session")
def helpers() -> type[Helpers]:
    """CLI runner, the tiny config and the run copier."""
    return Helpers


def copy_run(run: Path, target_root: Path) -> Path:
    """A copy of a finished run under ``target_root/runs/tiny`` (with the config beside it)."""
    shutil.copy(TINY, target_root / "tiny.toml")
    target = target_root / "runs" / run.name
    shutil.copytree(run, target, copy_function=_link_weights)
    cache = run.parent / ".cache"
    if cache.is_dir():
        shutil.copytree(cache, target_root / "runs" / ".cache")
    return target


def _link_weights(source: str, target: str) -> None:
    """Hard-link safetensors files (GBs of checkpoints and kept models, only ever replaced atomically, never
    written in place), copy everything else."""
    if source.endswith(".safetensors"):
        os.link(source, target)
    else:
        shutil.copy2(source, target)
