"""Encoders brought by the user (``bench evaluate --encoder FILE --name NAME``).

Accepted: an ssl-objectives checkpoint (``.safetensors`` + ``.json`` sidecar, any method), or a plain
torchvision ResNet state dict (``.pth`` read with ``weights_only=True``, or ``.safetensors``), whose
architecture (ResNet-18/34/50) is recognised from its keys. A state dict is converted once into the
ssl-objectives encoder format under ``<run>/encoders/<name>``; the run's ``extra_encoders.json`` lists every
added encoder with its SHA-256, and the next ``bench run`` evaluates it under the same protocol. No pickled
object is ever loaded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bench.config import ALL_METHODS, BenchConfig
from bench.errors import ConfigError, DataError
from bench.markers import file_sha256
from bench.pipeline import EXTRA_ENCODERS, read_extra_encoders

RESNETS = ("resnet18", "resnet34", "resnet50")


def register_encoder(config: BenchConfig, source: Path, name: str) -> dict[str, str]:
    """Add ``source`` as method ``name`` to the run of ``config``; return its registry entry."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ConfigError(f"--name {name!r}: use letters, digits, '_', '.', '-' only")
    if name in ALL_METHODS:
        raise ConfigError(f"--name {name!r} is a built-in method; choose another name")
    source = Path(source)
    if not source.is_file():
        raise DataError(f"--encoder {source} not found")
    run_dir = config.run_dir
    run_dir.mkdir(parents=True, exist_ok=True)
    path = _as_ssl_checkpoint(source, run_dir / "encoders" / name, config)
    entry = {
        "path": str(path.resolve()),
        "sha256": file_sha256(path),
        "source": str(source.resolve()),
    }
    extras = read_extra_encoders(run_dir)
    extras[name] = entry
    (run_dir / EXTRA_ENCODERS).write_text(
        json.dumps(extras, indent=2, sort_keys=True), encoding="utf-8"
    )
    return entry


def _as_ssl_checkpoint(source: Path, target: Path, config: BenchConfig) -> Path:
    from ssl_objectives import CheckpointError, build_backbone, load_encoder, save_encoder

    if source.suffix == ".safetensors" and source.with_suffix(".json").is_file():
        try:
            load_encoder(source)
        except CheckpointError as exc:
            raise DataError(f"--encoder {source}: {exc}") from exc
        return source
    errors: list[str] = []
    for arch in RESNETS:
        try:
            backbone: Any = build_backbone(arch, weights=source)
        except Exception as exc:  # a state dict of another architecture: try the next one
            errors.append(f"{arch}: {type(exc).__name__}")
            continue
        return save_encoder(
            target / "encoder", backbone, method=arch, input_size=config.evaluate.image_size
        )
    raise DataError(
        f"--encoder {source}: neither an ssl-objectives checkpoint (with its .json sidecar) nor a "
        f"torchvision ResNet-18/34/50 state dict ({'; '.join(errors)})"
    )
