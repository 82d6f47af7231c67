"""Checkpoints: safetensors weights + a JSON sidecar; never pickles.

``save_checkpoint(path, method, ...)`` writes ``<path>.safetensors`` holding every tensor of the method
(``method.*``: encoder, heads, momentum/EMA copies, MoCo's queue and pointer, CNN-JEPA's step) and, when an
optimizer is given, its state tensors (``optimizer.<param>.<name>``), and ``<path>.json`` with

    format, format_version, method, config, backbone {name, in_channels, feature_dim[, vit]},
    input_size, normalisation {mean, std}, text_encoder (BERT config, image-text methods), step, epoch,
    optimizer (param_groups and non-tensor state), data_hash, pretrain (the run's schedule settings and
    views, written by ``pretrain``), versions {torch, torchvision, ssl_objectives}.

Format version 2 (ssl-objectives 0.2): CNN-JEPA's ``method.encoder`` is its EMA target encoder (version 1
stored the online context encoder there; :func:`load_encoder` reads the target of either).

Both files are written to temporary names and renamed, the weights first, so a crash never leaves a
sidecar pointing at partial weights. :func:`load_checkpoint` rebuilds the method (and restores an optimizer);
:func:`load_encoder` returns only the backbone, ready for linear probing or fine-tuning, reading just its
tensors. :func:`save_encoder` stores a bare backbone (ImageNet or random baselines) in the same format.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ssl_objectives.backbones import Backbone, ViTSpec, build_backbone
from ssl_objectives.errors import CheckpointError
from ssl_objectives.methods import METHODS, TEXT_METHODS, SSLMethod

FORMAT = "ssl-objectives-checkpoint"
FORMAT_VERSION = 2
ENCODER_PREFIX = "method.encoder."


@dataclass(frozen=True)
class Normalisation:
    """Input normalisation ``(x / 255 - mean) / std`` the encoder was trained with."""

    mean: float = 0.5
    std: float = 0.25


def _paths(path: str | Path) -> tuple[Path, Path]:
    base = Path(path)
    if base.suffix in (".safetensors", ".json"):
        base = base.with_suffix("")
    return base.with_name(base.name + ".safetensors"), base.with_name(base.name + ".json")


def _versions() -> dict[str, str]:
    found = {}
    for package in ("torch", "torchvision", "ssl-objectives", "transformers"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def _tensors_of(module: nn.Module, prefix: str) -> dict[str, Tensor]:
    return {
        prefix + k: v.detach().to("cpu").clone().contiguous()
        for k, v in module.state_dict().items()
    }


def _optimizer_payload(
    optimizer: torch.optim.Optimizer,
) -> tuple[dict[str, Tensor], dict[str, Any]]:
    state = optimizer.state_dict()
    tensors: dict[str, Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for param_id, entries in state["state"].items():
        for name, value in entries.items():
            if isinstance(value, Tensor):
                tensors[f"optimizer.{param_id}.{name}"] = (
                    value.detach().to("cpu").clone().contiguous()
                )
            else:
                scalars.setdefault(str(param_id), {})[name] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def _json_value(value: Any) -> Any:
    """JSON for the values ``json`` cannot write: one-element tensors as numbers, paths as strings.

    Anything else raises, so a sidecar never holds ``"tensor(...)"`` strings.
    """
    if isinstance(value, Tensor) and value.numel() == 1:
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"cannot store a {type(value).__name__} in a checkpoint sidecar: {value!r:.80}")


def _write(weights: dict[str, Tensor], meta: dict[str, Any], path: str | Path) -> Path:
    from safetensors.torch import save_file

    weights_path, meta_path = _paths(path)
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_weights = weights_path.with_name(weights_path.name + ".tmp")
    tmp_meta = meta_path.with_name(meta_path.name + ".tmp")
    save_file(weights, str(tmp_weights), metadata={"format": FORMAT})
    tmp_meta.write_text(
        json.dumps(meta, indent=2, sort_keys=True, default=_json_value), encoding="utf-8"
    )
    os.replace(tmp_weights, weights_path)
    os.replace(tmp_meta, meta_path)
    return weights_path


def _sidecar(
    method: str,
    config: dict[str, Any],
    backbone: Backbone,
    input_size: int,
    normalisation: Normalisation | None,
    data_hash: str | None,
    *,
    step: int = 0,
    epoch: int = 0,
) -> dict[str, Any]:
    """The JSON sidecar shared by method and bare-encoder checkpoints."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "method": method,
        "config": config,
        "backbone": backbone.describe(),
        "input_size": input_size,
        "normalisation": dataclasses.asdict(normalisation or Normalisation()),
        "text_encoder": None,
        "step": step,
        "epoch": epoch,
        "optimizer": None,
        "data_hash": data_hash,
        "pretrain": None,
        "versions": _versions(),
    }


def save_checkpoint(
    path: str | Path,
    method: SSLMethod,
    *,
    input_size: int,
    normalisation: Normalisation | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    step: int = 0,
    epoch: int = 0,
    data_hash: str | None = None,
    pretrain: dict[str, Any] | None = None,
) -> Path:
    """Save a method (and optionally its optimizer) as ``<path>.safetensors`` + ``<path>.json``.

    ``pretrain``: the run's schedule-relevant settings (epochs, batch size, recipe, views, seed, items,
    processes), written by :func:`~ssl_objectives.pretrain.pretrain` and checked when it resumes.

    Returns:
        The weights file.
    """
    weights = _tensors_of(method, "method.")
    meta = _sidecar(
        method.method_name,
        method.config_dict(),
        method.encoder,
        input_size,
        normalisation,
        data_hash,
        step=step,
        epoch=epoch,
    )
    meta["pretrain"] = pretrain
    text_encoder = getattr(method, "text_encoder", None)
    if text_encoder is not None:
        meta["text_encoder"] = text_encoder.config_dict()
    if optimizer is not None:
        tensors, meta["optimizer"] = _optimizer_payload(optimizer)
        weights.update(tensors)
    return _write(weights, meta, path)


def save_encoder(
    path: str | Path,
    backbone: Backbone,
    *,
    method: str,
    input_size: int,
    normalisation: Normalisation | None = None,
    data_hash: str | None = None,
) -> Path:
    """Save a bare backbone (e.g. ``method="imagenet"`` or ``"random"``) readable by :func:`load_encoder`."""
    meta = _sidecar(method, {}, backbone, input_size, normalisation, data_hash)
    return _write(_tensors_of(backbone, ENCODER_PREFIX), meta, path)


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The JSON sidecar of a checkpoint (``<path>.json``)."""
    weights_path, meta_path = _paths(path)
    if not meta_path.is_file() or not weights_path.is_file():
        raise CheckpointError(
            f"checkpoint {weights_path.with_suffix('')} needs both {weights_path.name} and {meta_path.name}"
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise CheckpointError(f"{meta_path} is not valid JSON: {error}") from error
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{meta_path} is not an ssl-objectives checkpoint sidecar")
    if int(meta.get("format_version", 0)) > FORMAT_VERSION:
        raise CheckpointError(
            f"{meta_path} has format version {meta['format_version']}; upgrade ssl-objectives to read it"
        )
    return meta


def _backbone_from(meta: dict[str, Any]) -> Backbone:
    spec = meta["backbone"]
    vit = ViTSpec(**spec["vit"]) if "vit" in spec else None
    return build_backbone(spec["name"], spec["in_channels"], vit=vit)


def load_encoder(path: str | Path, device: torch.device | str = "cpu") -> Backbone:
    """The pretrained backbone of a checkpoint (any method, or :func:`save_encoder`), in eval mode.

    This is ``method.encoder``: the query encoder (MoCo v2), the backbone (Barlow Twins, VICReg, ConVIRT,
    GLoRIA), the ViT encoder (MAE) and the EMA TARGET encoder of CNN-JEPA (as the official evaluation).

    The backbone maps normalised ``[B, in_channels, H, W]`` to ``[B, feature_dim]``; the sidecar's
    ``normalisation`` and ``input_size`` say how to prepare inputs (:func:`read_metadata`).
    """
    from safetensors import safe_open

    meta = read_metadata(path)
    weights_path, _ = _paths(path)
    backbone = _backbone_from(meta)
    prefix = ENCODER_PREFIX
    if meta["method"] == "cnn_jepa" and int(meta.get("format_version", 1)) < 2:
        prefix = "method.target_encoder."  # 0.1 stored the EMA target under this name
    state = {}
    with safe_open(str(weights_path), framework="pt") as handle:
        for key in handle.keys():  # noqa: SIM118 - safe_open handles are not iterable
            if key.startswith(prefix):
                state[key[len(prefix) :]] = handle.get_tensor(key)
    _load_strict(backbone, state, weights_path)
    return backbone.to(device).eval()


def _load_strict(module: nn.Module, state: dict[str, Tensor], source: Path) -> None:
    own = module.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    if missing or unexpected:
        raise CheckpointError(
            f"{source} does not match the model: missing {missing[:3]} ({len(missing)}), "
            f"unexpected {unexpected[:3]} ({len(unexpected)})"
        )
    module.load_state_dict(state)


def config_from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a (nested) frozen config dataclass from its JSON dict (lists become tuples)."""
    hints = typing.get_type_hints(cls)
    values = {}
    for field in dataclasses.fields(cls):
        if field.name not in data:
            continue
        value, hint = data[field.name], hints[field.name]
        if dataclasses.is_dataclass(hint) and isinstance(value, dict):
            value = config_from_dict(hint, value)  # type: ignore[arg-type]
        elif isinstance(value, list) and _is_tuple(hint):
            value = tuple(value)
        values[field.name] = value
    return cls(**values)


def _is_tuple(hint: Any) -> bool:
    if typing.get_origin(hint) is tuple:
        return True
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_is_tuple(arg) for arg in typing.get_args(hint))
    return False


def load_checkpoint(
    path: str | Path,
    *,
    optimizer_factory: typing.Callable[[SSLMethod], torch.optim.Optimizer] | None = None,
    device: torch.device | str = "cpu",
) -> tuple[SSLMethod, torch.optim.Optimizer | None, dict[str, Any]]:
    """Rebuild a method from a checkpoint to resume training.

    Args:
        path: checkpoint path (with or without suffix).
        optimizer_factory: builds the optimizer for the rebuilt method; its state is restored from the
            checkpoint when one was saved.
        device: where to put the method.

    Returns:
        ``(method, optimizer or None, metadata)``.
    """
    meta = read_metadata(path)
    weights_path, _ = _paths(path)
    name = meta["method"]
    if name not in METHODS:
        raise CheckpointError(f"{weights_path} holds {name!r}, not a method (use load_encoder)")
    method_cls, config_cls = METHODS[name]
    config = config_from_dict(config_cls, meta["config"])
    backbone = _backbone_from(meta)
    if name in TEXT_METHODS:
        from ssl_objectives.text_encoder import BertTextEncoder

        method = method_cls(backbone, BertTextEncoder.from_config(meta["text_encoder"]), config)  # type: ignore[call-arg]
    else:
        method = method_cls(backbone, config)  # type: ignore[call-arg]
    method.to(device)
    optimizer = optimizer_factory(method) if optimizer_factory is not None else None
    restore_checkpoint(path, method, optimizer)
    return method, optimizer, meta


def restore_checkpoint(
    path: str | Path, method: SSLMethod, optimizer: torch.optim.Optimizer | None = None
) -> dict[str, Any]:
    """Load a checkpoint's weights (and optimizer state, when both have one) into existing objects.

    Raises:
        CheckpointError: the checkpoint holds another method or does not match the model.
    """
    from safetensors.torch import load_file

    meta = read_metadata(path)
    weights_path, _ = _paths(path)
    if meta["method"] != method.method_name:
        raise CheckpointError(
            f"{weights_path} holds {meta['method']!r}, not {method.method_name!r}"
        )
    tensors = load_file(str(weights_path))
    state = {k[len("method.") :]: v for k, v in tensors.items() if k.startswith("method.")}
    _load_strict(method, state, weights_path)
    if optimizer is not None and meta.get("optimizer") is not None:
        _restore_optimizer(optimizer, tensors, meta["optimizer"], weights_path)
    return meta


def _restore_optimizer(
    optimizer: torch.optim.Optimizer,
    tensors: dict[str, Tensor],
    saved: dict[str, Any],
    source: Path,
) -> None:
    state: dict[int, dict[str, Any]] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, param_id, name = key.split(".", 2)
            state.setdefault(int(param_id), {})[name] = value
    for param_id, entries in saved["scalars"].items():
        state.setdefault(int(param_id), {}).update(entries)
    try:
        optimizer.load_state_dict({"state": state, "param_groups": saved["param_groups"]})
    except (ValueError, KeyError) as error:
        raise CheckpointError(
            f"optimizer state in {source} does not fit this optimizer: {error}"
        ) from error
