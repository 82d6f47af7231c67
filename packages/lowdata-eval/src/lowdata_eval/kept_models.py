"""The best trial's model, kept with its study: ``model.safetensors`` (weights) + ``model.json`` (metadata).

A study keeps the best-validation weights of its best COMPLETE trial under
``RUN_DIR/models/<study slug>/trial<N>/`` so stratified analyses and test sets added later need no retraining.
Linear probing keeps a :class:`~lowdata_eval.linear_probe.LinearProbe` (the training statistics ``mean`` and
``std`` ``[1, D]`` and the head ``head.weight`` ``[K, D]``, ``head.bias`` ``[K]``), applied to raw features by
:func:`predict_with_kept_model`; fine-tuning keeps the whole network's ``state_dict`` (encoder and head),
which :func:`load_kept_model` returns for ``model.load_state_dict``. Nothing is pickled.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import Tensor

from lowdata_eval.errors import DataError
from lowdata_eval.linear_probe import LinearProbe

MODELS_DIR = "models"
WEIGHTS_FILE = "model.safetensors"
METADATA_FILE = "model.json"


def save_kept_model(directory: Path, weights: dict[str, Tensor], metadata: dict[str, Any]) -> Path:
    """Write ``weights`` (safetensors) and ``metadata`` (JSON) into ``directory``, atomically per file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {name: value.detach().cpu().contiguous() for name, value in weights.items()}
    tmp = directory / f".{WEIGHTS_FILE}.tmp{os.getpid()}"
    save_file(tensors, str(tmp))
    os.replace(tmp, directory / WEIGHTS_FILE)
    tmp = directory / f".{METADATA_FILE}.tmp{os.getpid()}"
    tmp.write_text(json.dumps(metadata, indent=2, sort_keys=True, default=_json_default))
    os.replace(tmp, directory / METADATA_FILE)
    return directory


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def load_kept_model(directory: Path) -> tuple[dict[str, Tensor], dict[str, Any]]:
    """The weights (CPU tensors) and metadata of a kept model.

    Raises:
        DataError: ``directory`` holds no kept model.
    """
    directory = Path(directory)
    weights, metadata = directory / WEIGHTS_FILE, directory / METADATA_FILE
    if not weights.is_file() or not metadata.is_file():
        raise DataError(
            f"{directory} holds no kept model ({WEIGHTS_FILE} + {METADATA_FILE}); give the model_dir "
            "column of results.csv, relative to the run directory"
        )
    return load_file(str(weights)), json.loads(metadata.read_text())


def predict_with_kept_model(
    directory: Path, features: np.ndarray | Tensor, *, batch_size: int = 4096
) -> np.ndarray:
    """Logits ``[N, n_outputs]`` of a kept linear-probing model on raw features ``[N, D]``.

    The features must come from the same frozen encoder (``encoder_sha256`` in the metadata) and the same
    evaluation transform as those the model was trained on.

    Raises:
        DataError: the kept model is not a linear probe (load fine-tuned weights into your network with
            :func:`load_kept_model`), or the feature width differs.
    """
    weights, metadata = load_kept_model(directory)
    if metadata.get("model") != "linear_probe":
        raise DataError(
            f"{directory} keeps a {metadata.get('model')!r} model; only linear probes are applied to "
            "features. Load fine-tuned weights with load_kept_model() into the network of model_factory"
        )
    x = torch.as_tensor(np.asarray(features), dtype=torch.float32)
    dim, outputs = int(metadata["in_features"]), int(metadata["n_outputs"])
    if x.ndim != 2 or x.shape[1] != dim:
        raise DataError(f"features of shape {tuple(x.shape)}; the kept model expects [N, {dim}]")
    model = LinearProbe(dim, outputs)
    model.load_state_dict(weights)
    model.eval()
    with torch.no_grad():
        chunks = [model(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
    return torch.cat(chunks).numpy() if chunks else np.zeros((0, outputs), np.float32)
