"""Test automation for the knee-SSL workspace.

Members are discovered on disk (every ``packages/*/pyproject.toml`` and ``apps/*/pyproject.toml``):

- ``tests(<member>)``: builds the member's wheel, installs it ALONE into a fresh environment with only its
  declared dependencies and its ``test`` dependency group (versions constrained by ``uv.lock``) and runs ALL
  its tests (``slow`` ones included) against the installed wheel, so a missing dependency or a stray import
  of another member fails; a member that depends on other members (``apps/bench``) gets their wheels built
  beside its own. Tests run on every core with pytest-xdist (``KNEE_SSL_TEST_WORKERS``, default: the
  machine's cores, at most 2; ``1`` runs them in one process);
- ``report-browser``: a smoke run's ``report.html`` and a ``bench compare`` page rendered by headless Chromium
  (the distribution's package): screenshots kept under the run's ``browser/``, images decoded, no console
  errors, the expected headings and tables; ``$BENCH_BROWSER_RUN`` names a finished run to use (CI: the
  fresh-clone smoke run), else the session makes one;
- ``lint``: ``ruff check`` and ``ruff format --check``.

For a quick loop in the workspace environment use ``uv run pytest packages/oa-tasks/tests -m "not slow"``.
Narrow a nox run with ``uv run nox -s "tests(oa-tasks)"``, ``uv run nox -k oa-tasks`` or
``KNEE_SSL_MEMBERS=oa-tasks,lowdata-eval uv run nox``. Extra arguments after ``--`` go to pytest.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True
nox.needs_version = ">=2024.10.9"

ROOT = Path(__file__).resolve().parent
PYTEST_ARGS = ["-p", "no:cacheprovider"]


def _members() -> list[tuple[str, Path]]:
    found = []
    for manifest in sorted(
        [*ROOT.glob("packages/*/pyproject.toml"), *ROOT.glob("apps/*/pyproject.toml")]
    ):
        name = tomllib.loads(manifest.read_text(encoding="utf-8"))["project"]["name"]
        found.append((name, manifest.parent))
    wanted = {m.strip() for m in os.environ.get("KNEE_SSL_MEMBERS", "").split(",") if m.strip()}
    unknown = wanted - {name for name, _ in found}
    if unknown:
        raise SystemExit(f"KNEE_SSL_MEMBERS names unknown members {sorted(unknown)}")
    return [(n, p) for n, p in found if not wanted or n in wanted]


MEMBERS = _members()
NAMES = [name for name, _ in MEMBERS]
PATHS = [str(path.relative_to(ROOT)) for _, path in MEMBERS]


def _locked_version(package: str) -> str:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    for entry in lock["package"]:
        if entry["name"] == package:
            return str(entry["version"])
    raise SystemExit(f"{package} is not in uv.lock; run `uv lock`")


def _uv_env(session: nox.Session) -> dict[str, str]:
    return {"UV_PROJECT_ENVIRONMENT": str(session.virtualenv.location)}


def _sync_workspace(session: nox.Session) -> None:
    """Install every member and the dev group into the session's environment (versions from uv.lock)."""
    session.run_install(
        "uv",
        "sync",
        "--frozen",
        "--all-packages",
        "--group",
        "dev",
        "--active",
        env=_uv_env(session),
    )


@nox.session
@nox.parametrize("member", PATHS, ids=NAMES)
def tests(session: nox.Session, member: str) -> None:
    """Build one member's wheel, install it alone with its test group, and run all its tests against it."""
    manifest = tomllib.loads((ROOT / member / "pyproject.toml").read_text(encoding="utf-8"))
    name = manifest["project"]["name"]
    module = name.replace("-", "_")
    test_requirements = manifest.get("dependency-groups", {}).get("test", [])
    tmp = Path(session.create_tmp())
    dist = tmp / "dist"
    for old in dist.glob("*.whl"):
        old.unlink()
    session.run("uv", "build", "--package", name, "--wheel", "--out-dir", str(dist), external=True)
    constraints = tmp / "constraints.txt"
    session.run(
        "uv",
        "export",
        "--frozen",
        "--all-packages",
        "--all-groups",
        "--no-emit-workspace",
        "--no-hashes",
        "--quiet",
        "--output-file",
        str(constraints),
        external=True,
    )
    local = _workspace_dependencies(manifest)
    for (
        dependency
    ) in local:  # members this one depends on (apps/bench): built here, never from an index
        session.run(
            "uv", "build", "--package", dependency, "--wheel", "--out-dir", str(dist), external=True
        )
    wheels = sorted(str(w) for w in dist.glob("*.whl"))
    session.install(*wheels, *test_requirements, "pytest-xdist", "--constraint", str(constraints))
    location = session.run(
        "python", "-c", f"import {module}; print({module}.__file__)", silent=True
    )
    if location is None or "site-packages" not in str(location):
        session.error(f"{module} was imported from {location!r}, not from the installed wheel")
    workers = _worker_count()
    parallel = ["-n", str(workers), "--dist", "worksteal"] if workers > 1 else []
    # one torch / BLAS thread per worker: the workers already fill the cores
    threads = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"} if workers > 1 else {}
    session.run("pytest", f"{member}/tests", *PYTEST_ARGS, *parallel, *session.posargs, env=threads)


def _worker_count() -> int:
    """pytest-xdist workers: one per core, at most 2, or ``KNEE_SSL_TEST_WORKERS`` (1: no xdist).

    ``--dist worksteal`` rebalances when one worker draws the long whole-pipeline tests; each worker builds
    the session fixtures it needs (e.g. bench's tiny run) on its own.
    """
    wanted = os.environ.get("KNEE_SSL_TEST_WORKERS", "").strip()
    count = int(wanted) if wanted else min(2, os.cpu_count() or 1)
    if count < 1:
        raise SystemExit(f"KNEE_SSL_TEST_WORKERS must be >= 1, got {wanted!r}")
    return count


def _workspace_dependencies(manifest: dict) -> list[str]:
    """Names of the workspace members a member depends on (its ``tool.uv.sources`` with workspace = true)."""
    sources = manifest.get("tool", {}).get("uv", {}).get("sources", {})
    return sorted(name for name, source in sources.items() if source.get("workspace"))


@nox.session(name="report-browser")
def report_browser(session: nox.Session) -> None:
    """Render a run's results page and a comparison page in headless Chromium and check what it shows."""
    _sync_workspace(session)
    given = os.environ.get("BENCH_BROWSER_RUN")
    if given:
        run_dir = Path(given).resolve()
        session.run("bench", "report", str(run_dir))  # the page as the code under test writes it
    else:
        work = Path(session.create_tmp()).resolve()
        session.chdir(work)
        session.run("bench", "run", "--profile", "smoke", "--name", "browser-smoke")
        session.chdir(ROOT)
        run_dir = work / "runs" / "browser-smoke"
    # "before and after a change": the same run with a larger LP search, every seed paired
    other = f"{run_dir.name}-lp3"
    derived = session.run(
        "python",
        "apps/bench/browser_tests/derive_run.py",
        str(run_dir),
        other,
        "evaluate.trials.lp=3",
        silent=True,
    )
    session.run("bench", "run", "--config", str(derived).strip().splitlines()[-1])
    compare_dir = run_dir / "compare"
    session.run(
        "bench", "compare", str(run_dir), str(run_dir.parent / other), "--out", str(compare_dir)
    )
    session.run(
        "pytest",
        "apps/bench/browser_tests",
        *PYTEST_ARGS,
        "--import-mode=prepend",  # the tests import their CDP client from their own folder
        *session.posargs,
        env={"BENCH_BROWSER_RUN": str(run_dir), "BENCH_BROWSER_COMPARE": str(compare_dir)},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check over the whole workspace."""
    session.install(f"ruff=={_locked_version('ruff')}")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
