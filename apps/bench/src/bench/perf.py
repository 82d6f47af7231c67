"""``bench perf``: images/s of each method's pretraining step through the real data path, against the ceiling.

For every image-only method of the config the exact pretraining path of ``bench run`` is timed: the uint8
ROI store is memory-mapped (``rois.npy`` of the run's localize stage, or a synthetic store of the same kind
written under ``<run>/perf/``), copied to the device once, and each step draws a batch of indices, makes the
method's views on the device with per-sample random parameters, and runs forward, backward, the optimiser
step of the method's official recipe and ``after_step`` (ssl-objectives' ``train_one_epoch``, bf16 autocast
and channels_last on CUDA). The ceiling is a bare supervised step of the same backbone (ResNet + linear
head, cross-entropy, SGD; ViT-Small for MAE) on already-normalised float tensors that live on the device.

Each measurement runs ``warmup`` untimed steps, then ``repeats`` timed runs of ``steps`` steps (one device
synchronisation at the end of each run); the table gives the median of the repeats and their range.

- ``samples/s``: ROIs per second (batch size / step time).
- ``views/s``: augmented views through the backbone per second (samples/s x 2 for MoCo v2, Barlow Twins and
  VICReg, whose steps process two views of each ROI (MoCo's key view forward only); x 1 for CNN-JEPA, MAE).
- ``ratio``: views/s over the ceiling's images/s: the share of the model-only speed that the data path and
  the method keep (the target on one H100/H200 at the paper's sizes: >= 0.7 for MoCo v2, Barlow Twins and
  VICReg).

On the CPU the same command runs at small sizes (:data:`CPU_SIZES`) and still reports the ratios.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.config import IMAGE_METHODS, TEXT_METHODS, BenchConfig
from bench.errors import ConfigError
from bench.progress import Reporter

#: Views through the backbone per ROI in one step of each method (see the module docstring).
VIEWS_PER_SAMPLE = {"moco_v2": 2, "barlow_twins": 2, "vicreg": 2, "cnn_jepa": 1, "mae": 1}
#: The sizes a CPU measurement uses instead of the config's (the paper's sizes take minutes per step there).
CPU_SIZES = {
    "image_size": 64,
    "batch_size": 16,
    "projector_dim": 1024,
    "moco_queue": 4096,
    "jepa_cell": 8,
    "vit": {"patch_size": 8, "depth": 4, "width": 192, "heads": 3},
}
PERF_DIR = "perf"


@dataclass(frozen=True)
class PerfSettings:
    """How much to measure.

    Attributes:
        methods: image-only methods to time (ConVIRT / GLoRIA need a run's tokenizer: not measured).
        warmup: untimed steps before the timed runs (cuDNN autotuning, allocator warm-up).
        steps: steps per timed run.
        repeats: timed runs; the median is reported.
        n_rois: ROIs in the synthetic store when the run has none (at least one epoch of ``steps``).
    """

    methods: tuple[str, ...] = IMAGE_METHODS
    warmup: int = 3
    steps: int = 10
    repeats: int = 3
    n_rois: int | None = None

    def __post_init__(self) -> None:
        unknown = [m for m in self.methods if m not in IMAGE_METHODS]
        if unknown:
            hint = (
                " (image-text methods need a run's tokenizer)"
                if set(unknown) & set(TEXT_METHODS)
                else ""
            )
            raise ConfigError(f"bench perf times {list(IMAGE_METHODS)}; got {unknown}{hint}")
        if self.warmup < 0 or self.steps < 1 or self.repeats < 1:
            raise ConfigError("warm-up >= 0, steps >= 1 and repeats >= 1 are required")


@dataclass(frozen=True)
class Throughput:
    """One measured row.

    Attributes:
        name: the method, or ``ceiling:<backbone>`` for a supervised step.
        backbone: the network whose step is timed.
        samples_per_s: median ROIs (images for a ceiling) per second over the repeats.
        low, high: the slowest and fastest repeat, in the same unit.
        views_per_s: median views through the backbone per second (= samples/s for a ceiling).
        ratio: views/s over the matching ceiling (None for a ceiling row).
    """

    name: str
    backbone: str
    samples_per_s: float
    low: float
    high: float
    views_per_s: float
    ratio: float | None = None


@dataclass(frozen=True)
class PerfReport:
    """What ``bench perf`` measured, where and how."""

    device: str
    image_size: int
    batch_size: int
    roi_px: int
    roi_store: str
    precision: str
    settings: PerfSettings
    rows: tuple[Throughput, ...]

    def table(self) -> str:
        """The rows as a Markdown table."""
        lines = [
            "| step | backbone | samples/s (median) | range | views/s | ratio to ceiling |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for row in self.rows:
            ratio = f"{row.ratio:.2f}" if row.ratio is not None else "(ceiling)"
            lines.append(
                f"| {row.name} | {row.backbone} | {row.samples_per_s:.1f} | "
                f"{row.low:.1f}-{row.high:.1f} | {row.views_per_s:.1f} | {ratio} |"
            )
        return "\n".join(lines)

    def header(self) -> str:
        """One line: device, sizes, precision, store, repeats."""
        s = self.settings
        return (
            f"{self.device}; {self.image_size} px views of {self.roi_px} px ROIs ({self.roi_store}), batch "
            f"{self.batch_size}, {self.precision}; {s.warmup} warm-up steps, {s.repeats} x {s.steps} timed"
        )


def perf_config(config: BenchConfig, device: Any, *, small: bool) -> BenchConfig:
    """``config`` with :data:`CPU_SIZES` applied when ``small`` (the default on the CPU)."""
    if not small:
        return config
    pretrain = dict(CPU_SIZES)
    vit = config.pretrain.vit.model_copy(update=pretrain.pop("vit"))
    settings = config.pretrain.model_copy(update={**pretrain, "vit": vit})
    roi_px = round(settings.image_size * 8 / 7)  # the paper's 256 px ROIs for 224 px views
    return config.model_copy(
        update={
            "pretrain": settings,
            "localize": config.localize.model_copy(update={"roi_px": roi_px}),
        }
    )


def roi_store(config: BenchConfig, n_rois: int) -> tuple[np.ndarray, str]:
    """The run's memory-mapped ROI store, or a synthetic uint8 store written under ``<run>/perf/``.

    The synthetic store holds ``n_rois`` ROIs of ``localize.roi_px`` pixels: smooth random fields with
    edges (the cost of the data path does not depend on the content; the format is the run's).
    """
    real = config.run_dir / "localize" / "rois.npy"
    if real.is_file():
        return np.load(real, mmap_mode="r"), str(real)
    folder = config.run_dir / PERF_DIR
    folder.mkdir(parents=True, exist_ok=True)
    size = config.localize.roi_px
    path = folder / f"rois_{n_rois}x{size}.npy"
    if not path.is_file():
        rng = np.random.default_rng(config.seed)
        coarse = rng.integers(0, 256, (n_rois, size // 8 + 1, size // 8 + 1), dtype=np.uint8)
        rois = np.repeat(np.repeat(coarse, 8, axis=1), 8, axis=2)[:, :size, :size]
        tmp = folder / f".{path.stem}.tmp.npy"
        np.save(tmp, np.ascontiguousarray(rois))
        tmp.replace(path)
    return np.load(path, mmap_mode="r"), f"synthetic store {path.name}"


def measure(
    config: BenchConfig, device: Any, settings: PerfSettings, reporter: Reporter
) -> PerfReport:
    """Time every method of ``settings`` and the ceilings on ``device`` (see the module docstring)."""
    import torch

    pretrain = config.pretrain
    batch = pretrain.batch_size
    needed = batch * max(settings.steps, settings.warmup, 1)
    n_rois = max(settings.n_rois or 0, needed)
    store, where = roi_store(config, n_rois)
    if len(store) < needed:
        raise ConfigError(
            f"{where} holds {len(store)} ROIs, fewer than {settings.steps} steps x batch {batch}: "
            "lower --steps or the batch size"
        )
    n_rois = min(n_rois, len(store))
    gpu = device.type == "cuda"
    if gpu:
        torch.backends.cudnn.benchmark = True
    # the data path of `bench run`: memory-mapped store -> device once (uint8), views made per step there
    images = torch.from_numpy(np.array(store[:n_rois])).to(device)  # a copy: the map is read-only
    names = [*settings.methods]
    reporter.start("perf", "perf: steps timed", len(names) + 1 + ("mae" in names))
    ceilings = {"resnet": _ceiling(config, device, settings, vit=False)}
    reporter.advance("perf", detail=f"ceiling {pretrain.backbone}")
    if "mae" in names:
        ceilings["vit"] = _ceiling(config, device, settings, vit=True)
        reporter.advance("perf", detail="ceiling vit_small")
    rows = []
    for name in names:
        rates = _method_rates(config, name, images, device, settings)
        views = VIEWS_PER_SAMPLE[name]
        ceiling = ceilings["vit" if name == "mae" else "resnet"]
        median = statistics.median(rates)
        rows.append(
            Throughput(
                name,
                "vit_small" if name == "mae" else pretrain.backbone,
                median,
                min(rates),
                max(rates),
                median * views,
                median * views / ceiling.samples_per_s,
            )
        )
        reporter.advance("perf", detail=f"{name}: {median:.1f} samples/s")
        if gpu:
            torch.cuda.empty_cache()
    reporter.finish("perf")
    from bench.runtime import device_description

    return PerfReport(
        device_description(device),
        pretrain.image_size,
        batch,
        int(store.shape[-1]),
        where,
        "bf16 autocast + channels_last" if gpu else "float32",
        settings,
        (*ceilings.values(), *rows),
    )


def _time_runs(
    step_run: Callable[[int], None], device: Any, settings: PerfSettings, batch: int
) -> list[float]:
    """Samples/s of each timed run of ``settings.steps`` steps, after the warm-up steps."""
    import torch

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    if settings.warmup:
        step_run(settings.warmup)
    sync()
    rates = []
    for _ in range(settings.repeats):
        began = time.perf_counter()
        step_run(settings.steps)
        sync()
        rates.append(settings.steps * batch / (time.perf_counter() - began))
    return rates


def _method_rates(
    config: BenchConfig, name: str, images: Any, device: Any, settings: PerfSettings
) -> list[float]:
    """Samples/s of ``name``'s real pretraining step (``train_one_epoch`` over ``images`` on the device)."""
    import torch
    from ssl_objectives import PretrainConfig
    from ssl_objectives.optim import build_optimizer, official_recipe
    from ssl_objectives.pretrain import train_one_epoch

    from bench.pretrain import build_method

    batch = config.pretrain.batch_size
    torch.manual_seed(config.seed)
    steps_total = settings.warmup + settings.repeats * settings.steps
    method, make_batch = build_method(config, name, images, None, None, device, steps_total)  # type: ignore[arg-type]
    method.to(device)
    if device.type == "cuda":
        method.to(memory_format=torch.channels_last)
    recipe = official_recipe(method.method_name)
    optimizer = build_optimizer(method, recipe, batch)
    epochs = [0]

    def step_run(steps: int) -> None:
        run = PretrainConfig(epochs=steps_total, batch_size=batch, seed=config.seed)
        train_one_epoch(
            method, optimizer, make_batch, steps * batch, epochs[0], run, recipe, device
        )
        epochs[0] += 1

    return _time_runs(step_run, device, settings, batch)


def _ceiling(config: BenchConfig, device: Any, settings: PerfSettings, *, vit: bool) -> Throughput:
    """The bare supervised step: backbone + linear head, cross-entropy, SGD, inputs already on the device."""
    import torch
    from ssl_objectives import ViTSpec, build_backbone
    from torch import nn

    pretrain = config.pretrain
    size, batch = pretrain.image_size, pretrain.batch_size
    torch.manual_seed(config.seed)
    if vit:
        shape = pretrain.vit
        encoder = build_backbone(
            "vit_small",
            vit=ViTSpec(
                image_size=size,
                patch_size=shape.patch_size,
                depth=shape.depth,
                width=shape.width,
                heads=shape.heads,
            ),
        )
    else:
        encoder = build_backbone(pretrain.backbone)
    model = nn.Sequential(encoder, nn.Linear(encoder.feature_dim, 5)).to(device)
    gpu = device.type == "cuda"
    if gpu:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 1, size, size, device=device)
    if gpu:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 5, (batch,), device=device)

    def step_run(steps: int) -> None:
        for _ in range(steps):
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=gpu):
                loss = nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()

    rates = _time_runs(step_run, device, settings, batch)
    median = statistics.median(rates)
    backbone = "vit_small" if vit else pretrain.backbone
    return Throughput(f"ceiling:{backbone}", backbone, median, min(rates), max(rates), median)


def write_report(report: PerfReport, folder: Path, command: str) -> tuple[Path, Path]:
    """``perf.md`` (header, command, table) and ``perf.json`` (every number) under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / "perf.md"
    markdown.write_text(
        f"# bench perf\n\n{report.header()}\n\n`{command}`\n\n{report.table()}\n", encoding="utf-8"
    )
    payload = {**asdict(report), "command": command}
    (folder / "perf.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return markdown, folder / "perf.json"


def parse_methods(text: str | None) -> Sequence[str]:
    """``moco_v2,vicreg`` -> the names; ``None`` -> every image-only method."""
    if not text:
        return IMAGE_METHODS
    return tuple(m.strip() for m in text.split(",") if m.strip())
