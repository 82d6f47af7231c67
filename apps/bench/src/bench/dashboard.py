"""``bench dashboard runs/<name>``: Optuna's own view of a run's evaluation studies.

Starts ``optuna-dashboard`` (a local web app bundled in the wheel: no CDN, no network) on 127.0.0.1 only,
over the run's storage: its journal file (``optuna.journal``) by default, or the PostgreSQL URL the run's
workers used. To look from another machine, forward the port (``ssh -L 8080:127.0.0.1:8080 host``) rather
than exposing it: study names and parameters are shown to whoever can reach the port.
"""

from __future__ import annotations

from pathlib import Path

from bench.errors import DataError

HOST = "127.0.0.1"


def open_run_storage(run_dir: Path, storage_url: str | None = None) -> object:
    """The Optuna storage of a run: ``storage_url`` when given, else the run's journal file."""
    from lowdata_eval import open_storage

    run_dir = Path(run_dir)
    if storage_url is None and not (run_dir / "optuna.journal").is_file():
        raise DataError(
            f"{run_dir / 'optuna.journal'} not found: {run_dir} has no evaluation studies yet "
            "(or they live on PostgreSQL: give --storage postgresql://...)"
        )
    return open_storage(run_dir, storage_url)


def serve(run_dir: Path, port: int, storage_url: str | None = None) -> None:
    """Serve the dashboard on ``http://127.0.0.1:<port>/`` until interrupted (blocking)."""
    from optuna_dashboard import run_server

    storage = open_run_storage(run_dir, storage_url)
    run_server(storage, host=HOST, port=port)  # type: ignore[arg-type]
