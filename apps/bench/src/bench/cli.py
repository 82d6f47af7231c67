"""``bench``: the command line over :func:`bench.pipeline.run` (heavy imports happen inside the commands).

Exit status: 0 done; 1 a stage failed (one line names the stage and the log with the traceback); 2 a bad
config, missing data or weights (the line names the key or file).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bench.errors import BenchError, ConfigError, DataError

app = typer.Typer(
    help="The knee-SSL benchmark: does self-supervised pretraining beat ImageNet for knee OA?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
config_app = typer.Typer(help="Built-in configs.", no_args_is_help=True)
app.add_typer(config_app, name="config")

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="A TOML config file (see `bench config show default`)."),
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile", "-p", help="A built-in config: default, smoke, table3, table6, table7."
    ),
]


def _fail(exc: BaseException) -> None:
    code = 2 if isinstance(exc, ConfigError | DataError) else 1
    typer.echo(f"bench: {exc}", err=True)
    raise typer.Exit(code)


def _load(
    config: Path | None,
    profile: str | None,
    *,
    name: str | None = None,
    imagenet: Path | None = None,
    bert: Path | None = None,
    device: str | None = None,
    threads: int | None = None,
) -> Any:
    from bench.config import load_config

    overrides: dict[str, Any] = {}
    if name:
        overrides["name"] = name
    if device:
        overrides["device"] = device
    if threads is not None:
        overrides["threads"] = threads
    weights = {
        k: str(v.resolve()) for k, v in (("imagenet", imagenet), ("bert", bert)) if v is not None
    }
    if weights:
        overrides["weights"] = weights
    return load_config(config, profile, overrides)


@app.command()
def run(
    config: ConfigOption = None,
    profile: ProfileOption = None,
    name: Annotated[str | None, typer.Option(help="Run name (default: the config's).")] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete the run folder and start over.")
    ] = False,
    imagenet_weights: Annotated[
        Path | None, typer.Option(help="Local torchvision ResNet weights (.pth / .safetensors).")
    ] = None,
    bert: Annotated[Path | None, typer.Option(help="Local Bio_ClinicalBERT folder.")] = None,
    device: Annotated[str | None, typer.Option(help="cpu, cuda or auto.")] = None,
    threads: Annotated[
        int | None, typer.Option(help="Torch CPU threads (0: one per core, max 4).")
    ] = None,
    storage: Annotated[
        str | None,
        typer.Option(help="Optuna storage URL (postgresql://...); default: a journal file."),
    ] = None,
    stop_after: Annotated[
        str | None,
        typer.Option(
            help="End after this stage (world, localize, reports, pretrain, evaluate), e.g. "
            "reports before `bench pretrain` under torchrun."
        ),
    ] = None,
) -> None:
    """Run (or resume) the whole study: world, localize, reports, pretrain, evaluate, report."""
    try:
        settings = _load(
            config,
            profile,
            name=name,
            imagenet=imagenet_weights,
            bert=bert,
            device=device,
            threads=threads,
        )
        _run(settings, fresh=fresh, storage=storage, stop_after=stop_after)
    except BenchError as exc:
        _fail(exc)


def _run(
    settings: Any,
    *,
    fresh: bool = False,
    storage: str | None = None,
    stop_after: str | None = None,
) -> None:
    import logging
    import time

    import optuna

    from bench.pipeline import run as run_pipeline
    from bench.progress import RichReporter
    from bench.runtime import configure_threads, device_description, resolve_device

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the live display shows every trial
    warnings_log = _log_warnings_to(settings.run_dir / "logs" / "warnings.log")
    threads = configure_threads(settings.threads)
    device = resolve_device(settings.device)
    typer.echo(
        f"bench: run {settings.name!r} in {settings.run_dir} on {device_description(device)}; "
        f"torch threads: {threads}"
    )
    began = time.perf_counter()
    with RichReporter() as reporter:
        result = run_pipeline(
            settings, reporter, fresh=fresh, storage_url=storage, stop_after=stop_after
        )
    ran = ", ".join(f"{k} {v:.0f} s" for k, v in result.seconds.items())
    typer.echo(
        f"bench: done in {time.perf_counter() - began:.0f} s ({ran}); up to date: {result.skipped or 'none'}"
    )
    typer.echo(f"bench: summary: {result.run_dir / 'summary.md'}")
    typer.echo(f"bench: results page: {result.run_dir / 'report.html'}")
    if warnings_log.is_file() and warnings_log.stat().st_size:
        typer.echo(f"bench: warnings (e.g. classes topped up in tiny subsets): {warnings_log}")


def _log_warnings_to(path: Path) -> Path:
    """Send Python warnings to ``path`` instead of the terminal (they would break the live display)."""
    import logging

    path.parent.mkdir(parents=True, exist_ok=True)
    logging.captureWarnings(True)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)  # opened at the first warning
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    captured = logging.getLogger("py.warnings")
    captured.addHandler(handler)
    captured.propagate = False
    return path


@app.command()
def pretrain(
    run_dir: Annotated[Path, typer.Argument(help="The run folder, e.g. runs/default (shared).")],
    method: Annotated[str, typer.Option(help="The method of the run's pretrain.methods.")],
    device: Annotated[
        str | None, typer.Option(help="cpu, cuda or auto (default: the run's).")
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            help="Torch CPU threads per process (default: the cores shared by the node's ranks)."
        ),
    ] = None,
) -> None:
    """Pretrain one method of a run; under `torchrun --nproc-per-node K` with DDP over K processes."""
    import logging
    import os

    from bench.distributed_pretrain import Ranks, pretrain_under_torchrun
    from bench.progress import LogReporter
    from bench.runtime import configure_threads, device_description, resolve_device
    from bench.worker import run_config

    ranks = Ranks.from_environment()
    logging.basicConfig(
        level=logging.DEBUG if ranks.rank == 0 else logging.WARNING,
        format="%(message)s",
        stream=sys.stdout,
        force=True,
    )
    for noisy in ("PIL", "matplotlib", "urllib3", "filelock", "fsspec"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = run_config(run_dir, device=device)
        per_node = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))
        cores = len(os.sched_getaffinity(0))
        chosen = threads if threads is not None else settings.threads
        count = configure_threads(chosen or max(1, min(4, cores // per_node)))
        typer.echo(
            f"bench pretrain {method} [rank {ranks.rank}/{ranks.world_size}]: run {settings.name!r} "
            f"in {settings.run_dir} on {device_description(resolve_device(settings.device))}; "
            f"torch threads: {count}"
        )
        path = pretrain_under_torchrun(settings, method, LogReporter())
    except BenchError as exc:
        _fail(exc)
    if ranks.rank == 0:
        typer.echo(f"bench pretrain: {path}")


@app.command()
def worker(
    run_dir: Annotated[Path, typer.Argument(help="The run folder, e.g. runs/default (shared).")],
    storage: Annotated[
        str | None,
        typer.Option(
            help="The main process's storage (postgresql://...); default: its journal file."
        ),
    ] = None,
    device: Annotated[
        str | None, typer.Option(help="cpu, cuda or auto (default: the run's).")
    ] = None,
    threads: Annotated[
        int | None, typer.Option(help="Torch CPU threads (default: the run's).")
    ] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for the run's evaluation to begin.")
    ] = 24 * 3600.0,
) -> None:
    """Join the evaluation studies of a run started with `bench run --storage` (any machine, any number)."""
    import logging

    import optuna
    from lowdata_eval.errors import StorageError

    from bench.progress import RichReporter
    from bench.runtime import configure_threads, device_description, resolve_device
    from bench.worker import run_config, work

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        settings = run_config(run_dir, device=device)
        _log_warnings_to(settings.run_dir / "logs" / f"worker-{_host_pid()}.log")
        count = configure_threads(settings.threads if threads is None else threads)
        typer.echo(
            f"bench worker {_host_pid()}: run {settings.name!r} in {settings.run_dir} on "
            f"{device_description(resolve_device(settings.device))}; torch threads: {count}"
        )
        with RichReporter() as reporter:
            done = work(
                run_dir,
                storage,
                reporter,
                device=device,
                wait_seconds=wait,
                on_wait=lambda line: typer.echo(f"bench worker: {line}"),
            )
    except BenchError as exc:
        _fail(exc)
    except StorageError as exc:  # an unreachable database, SQLite, another run's studies
        _fail(ConfigError(str(exc)))
    if done.already_done:
        typer.echo("bench worker: the run's evaluation is already finished; nothing to do")
    else:
        typer.echo(
            f"bench worker {_host_pid()}: every study is complete; this worker ran {done.trials} trials"
        )


def _host_pid() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


@app.command()
def perf(
    config: ConfigOption = None,
    profile: ProfileOption = None,
    device: Annotated[str | None, typer.Option(help="cpu, cuda or auto.")] = None,
    methods: Annotated[
        str | None, typer.Option(help="Comma-separated image-only methods (default: all five).")
    ] = None,
    warmup: Annotated[int, typer.Option(help="Untimed warm-up steps.")] = 3,
    steps: Annotated[int, typer.Option(help="Steps per timed repeat.")] = 10,
    repeats: Annotated[int, typer.Option(help="Timed repeats (the median is reported).")] = 3,
    small: Annotated[
        bool | None,
        typer.Option(
            "--small/--full",
            help="CPU sizes (64 px, batch 16) or the config's; default: small on the CPU only.",
        ),
    ] = None,
    threads: Annotated[
        int | None, typer.Option(help="Torch CPU threads (0: one per core, max 4).")
    ] = None,
) -> None:
    """Images/s of each method's pretraining step (real data path) vs a bare supervised step."""
    import shlex

    from bench.perf import PerfSettings, measure, parse_methods, perf_config, write_report
    from bench.progress import RichReporter
    from bench.runtime import configure_threads, resolve_device

    try:
        default = (
            config is None and profile is None
        )  # the paper's sizes (table3), run folder runs/perf
        settings = _load(
            config,
            "table3" if default else profile,
            name="perf" if default else None,
            device=device,
            threads=threads,
        )
        count = configure_threads(settings.threads)
        target = resolve_device(settings.device)
        settings = perf_config(
            settings, target, small=target.type == "cpu" if small is None else small
        )
        chosen = PerfSettings(tuple(parse_methods(methods)), warmup, steps, repeats)
        typer.echo(f"bench perf: torch threads: {count}")
        with RichReporter() as reporter:
            result = measure(settings, target, chosen, reporter)
    except BenchError as exc:
        _fail(exc)
    command = shlex.join(["bench", *sys.argv[1:]])
    markdown, _ = write_report(result, settings.run_dir / "perf", command)
    typer.echo(result.header())
    typer.echo(result.table())
    typer.echo(f"bench perf: {markdown}")


@app.command()
def data(
    config: ConfigOption = None,
    profile: ProfileOption = None,
    name: Annotated[str | None, typer.Option(help="Run name (default: the config's).")] = None,
) -> None:
    """Build the ROI stores of the config's [datasets] and its [scaling] subsets (runs/<name>/data/)."""
    from bench.datasets.stage import run as build_data
    from bench.progress import RichReporter

    try:
        settings = _load(config, profile, name=name)
        if not settings.datasets and settings.scaling is None:
            raise ConfigError("the config has no [datasets.*] or [scaling] table: nothing to build")
        with RichReporter() as reporter:
            manifests = build_data(settings, settings.run_dir / "data", reporter)
    except BenchError as exc:
        _fail(exc)
    for key, manifest in manifests.items():
        typer.echo(f"bench data: {key}: {len(manifest)} images")
    typer.echo(f"bench data: {settings.run_dir / 'data'}")


@app.command()
def validate(
    config: Annotated[Path, typer.Argument(help="The TOML config to check.")],
) -> None:
    """Check a config and the data and weights it points at, without training anything."""
    from bench.validation import validate_config

    try:
        settings = _load(config, None)
        for line in validate_config(settings):
            typer.echo(f"ok: {line}")
    except BenchError as exc:
        _fail(exc)
    typer.echo("bench: the config and its data are valid")


@app.command()
def evaluate(
    encoder: Annotated[
        Path, typer.Option(help="ssl-objectives checkpoint or torchvision ResNet state dict.")
    ],
    name: Annotated[str, typer.Option(help="Method name for the tables.")],
    config: ConfigOption = None,
    profile: ProfileOption = None,
    run_name: Annotated[
        str | None, typer.Option(help="The run to add it to (default: the config's).")
    ] = None,
) -> None:
    """Evaluate any encoder under the run's protocol and add it to the run's tables."""
    from bench.encoders import register_encoder

    try:
        settings = _load(config, profile, name=run_name)
        entry = register_encoder(settings, encoder, name)
        typer.echo(f"bench: encoder {name!r} registered ({entry['path']})")
        _run(settings)
    except BenchError as exc:
        _fail(exc)


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder, e.g. runs/default.")],
) -> None:
    """Rebuild tables, plots, model cards, summary.md and report.html of a run from its stored results."""
    from bench.report import build

    try:
        path = build(run_dir)
    except BenchError as exc:
        _fail(exc)
    typer.echo(f"bench: {path}")
    typer.echo(f"bench: {path.parent / 'report.html'}")


@app.command()
def compare(
    run_dirs: Annotated[
        list[Path], typer.Argument(help="Two or more run folders; the first is the baseline.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder (default: <runs>/compare-<a>-vs-<b>)."),
    ] = None,
) -> None:
    """Compare runs cell by cell: means, difference and a paired test where seeds match."""
    from bench.compare import write_comparison

    folder = out or run_dirs[0].parent / "compare-{}".format("-vs-".join(r.name for r in run_dirs))
    try:
        written = write_comparison(run_dirs, folder)
    except BenchError as exc:
        _fail(exc)
    for kind, path in written.items():
        typer.echo(f"bench: {kind}: {path}")


@app.command()
def dashboard(
    run_dir: Annotated[Path, typer.Argument(help="A run folder, e.g. runs/default.")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8080,
    storage: Annotated[
        str | None,
        typer.Option(
            help="The run's Optuna storage URL when not its journal file (postgresql://...)."
        ),
    ] = None,
) -> None:
    """Open Optuna's dashboard on the run's studies (127.0.0.1 only; Ctrl-C stops it)."""
    from bench.dashboard import HOST, serve

    typer.echo(f"bench: optuna-dashboard for {run_dir} at http://{HOST}:{port}/ (Ctrl-C to stop)")
    try:
        serve(run_dir, port, storage)
    except BenchError as exc:
        _fail(exc)


@app.command("list")
def list_runs(
    runs_dir: Annotated[Path, typer.Option(help="Where runs live.")] = Path("runs"),
) -> None:
    """Show the runs and the state of their stages."""
    from bench.runs import describe_runs

    lines = describe_runs(runs_dir)
    typer.echo("\n".join(lines) if lines else f"no runs in {runs_dir}")


@config_app.command("show")
def config_show(
    name: Annotated[str, typer.Argument(help="default, smoke, table3, table6 or table7.")],
) -> None:
    """Print a built-in config (start your own from it: `bench config show table3 > my.toml`)."""
    from bench.config import profile_text

    try:
        sys.stdout.write(profile_text(name))
    except BenchError as exc:
        _fail(exc)
