"""Localizer checkpoints: ``MODEL.safetensors`` (weights of both networks) + ``MODEL.json`` (settings).

No pickle is ever loaded: weights go through safetensors, settings through JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from safetensors.torch import load_file, save_file

from knee_localize.errors import KneeLocalizeError
from knee_localize.model import ResNetRegressor


@dataclass(frozen=True)
class LocalizerConfig:
    """Settings of a localizer (saved in the JSON sidecar).

    Attributes:
        backbone: ``resnet18`` (default) or ``resnet34``.
        overview_px: input side of the overview network.
        overview_mm: physical side of the overview (the whole bilateral field, 4 mm/px by default).
        refine_px: input side of the refinement network.
        refine_mm: physical side of a refinement crop around a first estimate (160 mm since 0.3.0, so a
            first estimate up to 60 mm off still shows the joint; checkpoints keep their own value).
        box_mm: side of the ground-truth knee boxes (for reporting).
        input_norm: ``equalize`` (per-view histogram equalisation, the default since 0.3.0) or ``none``
            (checkpoints written before 0.3.0, whose JSON has no such key).
        refine_passes: how often the refinement runs at inference, each crop centred on the previous box
            (2 since 0.4.0: a third pass changed no score of the 0.4.0 model; checkpoints whose JSON has no
            such key run 3, as 0.3.0 did).
    """

    backbone: str = "resnet18"
    overview_px: int = 128
    overview_mm: float = 512.0
    refine_px: int = 128
    refine_mm: float = 160.0
    box_mm: float = 110.0
    input_norm: str = "equalize"
    refine_passes: int = 2


@dataclass
class Localizer:
    """The two networks and their settings."""

    config: LocalizerConfig
    overview: ResNetRegressor
    refine: ResNetRegressor
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, config: LocalizerConfig) -> Localizer:
        """Fresh, randomly initialised networks."""
        if config.refine_passes < 1:
            raise KneeLocalizeError(f"refine_passes must be at least 1, got {config.refine_passes}")
        return cls(
            config,
            ResNetRegressor(config.backbone, 10, config.overview_px, config.input_norm),
            ResNetRegressor(config.backbone, 4, config.refine_px, config.input_norm),
        )

    def save(self, path: Path) -> None:
        """Write ``path`` (.safetensors) and its ``.json`` sidecar."""
        path = Path(path)
        if path.suffix != ".safetensors":
            raise KneeLocalizeError(f"{path}: the model file must end in .safetensors")
        path.parent.mkdir(parents=True, exist_ok=True)
        tensors = {f"overview.{k}": v.contiguous() for k, v in self.overview.state_dict().items()}
        tensors |= {f"refine.{k}": v.contiguous() for k, v in self.refine.state_dict().items()}
        save_file(tensors, str(path))
        sidecar = {"format": "knee-localize/1", "config": asdict(self.config), **self.metadata}
        path.with_suffix(".json").write_text(json.dumps(sidecar, indent=2, default=str))

    @classmethod
    def load(cls, path: Path) -> Localizer:
        """Read a checkpoint written by :meth:`save`."""
        path = Path(path)
        sidecar_path = path.with_suffix(".json")
        if not path.is_file() or not sidecar_path.is_file():
            raise KneeLocalizeError(
                f"{path} and {sidecar_path.name} are both needed: train a model first"
            )
        sidecar = json.loads(sidecar_path.read_text())
        config = LocalizerConfig(**{"input_norm": "none", "refine_passes": 3, **sidecar["config"]})
        model = cls.create(config)
        tensors = load_file(str(path))
        model.overview.load_state_dict(
            {k[9:]: v for k, v in tensors.items() if k.startswith("overview.")}
        )
        model.refine.load_state_dict(
            {k[7:]: v for k, v in tensors.items() if k.startswith("refine.")}
        )
        model.metadata = {k: v for k, v in sidecar.items() if k not in ("format", "config")}
        return model
