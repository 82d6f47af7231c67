"""Backbones: torchvision ResNet-18/34/50 and ViT-Small/16, one or three input channels.

``build_backbone(name, in_channels, weights)`` returns a :class:`Backbone`: an ``nn.Module`` mapping
``[B, in_channels, H, W]`` to pooled features ``[B, feature_dim]`` (what linear probing and fine-tuning
need), with the submodule names of torchvision's models so torchvision state dicts load directly.

- :class:`ResNetBackbone`: ``conv1 ... layer4`` + global average pooling; ``feature_maps(x)`` also returns
  the ``layer3`` and ``layer4`` maps (GLoRIA's local and global branches, CNN-JEPA's grid).
  ``feature_dim`` is 512 (ResNet-18/34) or 2048 (ResNet-50); ``layer3_channels`` 256 or 1024.
- :class:`ViTBackbone`: torchvision's ``VisionTransformer`` configured as ViT-Small/16 (depth 12, width 384,
  6 heads, MLP 1536) by default; the class token after the final LayerNorm is the feature.

ImageNet weights come ONLY from a local torchvision-format state dict (``.pth`` read with
``torch.load(weights_only=True)``, or ``.safetensors``); for one input channel the stem's RGB filters are
summed (a grey image ``x`` repeated on three channels gives the same first-layer response). torchvision has
no ViT-S, so the ViT also accepts timm's ViT-S/16 key names (``patch_embed.proj``, ``cls_token``,
``pos_embed``, ``blocks.{i}.attn.qkv`` ...; e.g. ``model.safetensors`` of
https://huggingface.co/timm/vit_small_patch16_224.augreg_in21k_ft_in1k), renamed by
:func:`timm_vit_to_torchvision`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import Tensor, nn

from ssl_objectives.errors import CheckpointError, ConfigError, WeightsNotFoundError

RESNETS = ("resnet18", "resnet34", "resnet50")
BACKBONES = (*RESNETS, "vit_small")
IMAGENET_FILES = {
    "resnet18": "resnet18-f37072fd.pth",
    "resnet34": "resnet34-b627a593.pth",
    "resnet50": "resnet50-11ad3fa6.pth",
    "vit_small": "vit_small_patch16_224.safetensors",
}
IMAGENET_SOURCES = {
    name: f"torchvision's {file} (`torchvision.models.{name}(weights='DEFAULT')` caches it under "
    "~/.cache/torch/hub/checkpoints/)"
    for name, file in IMAGENET_FILES.items()
    if name != "vit_small"
} | {
    "vit_small": "timm's ViT-S/16 weights: model.safetensors of "
    "https://huggingface.co/timm/vit_small_patch16_224.augreg_in21k_ft_in1k, saved as "
    "vit_small_patch16_224.safetensors"
}


@dataclass(frozen=True)
class ViTSpec:
    """Shape of a Vision Transformer (ViT-Small/16 by default; shrink depth and width for tests).

    Attributes:
        image_size: input side in pixels (multiple of ``patch_size``).
        patch_size: patch side in pixels.
        depth: number of transformer blocks.
        width: token width.
        heads: attention heads.
        mlp_ratio: MLP hidden width / token width.
    """

    image_size: int = 224
    patch_size: int = 16
    depth: int = 12
    width: int = 384
    heads: int = 6
    mlp_ratio: float = 4.0

    def __post_init__(self) -> None:
        if self.image_size % self.patch_size:
            raise ConfigError(
                f"ViT image_size {self.image_size} is not a multiple of patch_size {self.patch_size}"
            )
        if self.width % self.heads:
            raise ConfigError(f"ViT width {self.width} is not divisible by heads {self.heads}")

    @property
    def grid(self) -> int:
        """Patches per side."""
        return self.image_size // self.patch_size


class Backbone(nn.Module):
    """Common interface: ``forward([B, C, H, W]) -> [B, feature_dim]`` plus a JSON-able description."""

    name: str
    in_channels: int
    feature_dim: int

    def describe(self) -> dict[str, Any]:
        """What :func:`build_backbone` needs to rebuild this backbone (stored in checkpoint sidecars)."""
        return {"name": self.name, "in_channels": self.in_channels, "feature_dim": self.feature_dim}


class ResNetBackbone(Backbone):
    """A torchvision ResNet without its classifier: ``[B, C, H, W] -> [B, feature_dim]``."""

    def __init__(self, name: str, in_channels: int = 1) -> None:
        super().__init__()
        if name not in RESNETS:
            raise ConfigError(f"unknown ResNet {name!r}; expected one of {RESNETS}")
        model = getattr(torchvision.models, name)(weights=None)
        if in_channels != 3:
            model.conv1 = nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
            nn.init.kaiming_normal_(model.conv1.weight, mode="fan_out", nonlinearity="relu")
        self.name, self.in_channels = name, in_channels
        self.conv1, self.bn1, self.relu, self.maxpool = (
            model.conv1,
            model.bn1,
            model.relu,
            model.maxpool,
        )
        self.layer1, self.layer2, self.layer3, self.layer4 = (
            model.layer1,
            model.layer2,
            model.layer3,
            model.layer4,
        )
        self.feature_dim = _block_width(self.layer4)
        self.layer3_channels = _block_width(self.layer3)

    def stem(self, x: Tensor) -> Tensor:
        """``[B, C, H, W] -> [B, 64, H/4, W/4]``."""
        return self.maxpool(self.relu(self.bn1(self.conv1(x))))

    def feature_maps(self, x: Tensor) -> dict[str, Tensor]:
        """``{"layer3": [B, C3, H/16, W/16], "layer4": [B, D, H/32, W/32]}``."""
        x = self.layer2(self.layer1(self.stem(x)))
        layer3 = self.layer3(x)
        return {"layer3": layer3, "layer4": self.layer4(layer3)}

    def forward(self, x: Tensor) -> Tensor:
        """``[B, C, H, W] -> [B, feature_dim]`` (global average pool of layer4)."""
        return self.feature_maps(x)["layer4"].mean(dim=(2, 3))


def _block_width(layer: nn.Sequential) -> int:
    last = layer[-1]
    norm = getattr(last, "bn3", None) or last.bn2
    return int(norm.num_features)


class ViTBackbone(Backbone):
    """torchvision ``VisionTransformer`` (ViT-S/16 by default): ``[B, C, H, W] -> [B, width]`` class token."""

    def __init__(self, spec: ViTSpec, in_channels: int = 1) -> None:
        super().__init__()
        self.name, self.in_channels, self.spec = "vit_small", in_channels, spec
        self.vit = torchvision.models.VisionTransformer(
            image_size=spec.image_size,
            patch_size=spec.patch_size,
            num_layers=spec.depth,
            num_heads=spec.heads,
            hidden_dim=spec.width,
            mlp_dim=int(spec.width * spec.mlp_ratio),
        )
        self.vit.heads = nn.Identity()
        if in_channels != 3:
            proj = nn.Conv2d(in_channels, spec.width, spec.patch_size, spec.patch_size)
            nn.init.trunc_normal_(
                proj.weight, std=math.sqrt(1.0 / (in_channels * spec.patch_size**2))
            )
            nn.init.zeros_(proj.bias)
            self.vit.conv_proj = proj
        self.feature_dim = spec.width

    def describe(self) -> dict[str, Any]:
        """Name, channels, width and the ViT shape."""
        return {**super().describe(), "vit": asdict(self.spec)}

    def patch_tokens(self, x: Tensor) -> Tensor:
        """``[B, C, H, W] -> [B, L, width]`` patch embeddings plus their position embeddings."""
        tokens = self.vit.conv_proj(x).flatten(2).transpose(1, 2)
        return tokens + self.vit.encoder.pos_embedding[:, 1:]

    def encode_tokens(self, tokens: Tensor) -> Tensor:
        """Prepend the class token and run the blocks: ``[B, L', width] -> [B, 1 + L', width]``."""
        cls = self.vit.class_token + self.vit.encoder.pos_embedding[:, :1]
        x = torch.cat([cls.expand(tokens.shape[0], -1, -1), tokens], dim=1)
        encoder = self.vit.encoder
        return encoder.ln(encoder.layers(encoder.dropout(x)))

    def forward(self, x: Tensor) -> Tensor:
        """``[B, C, H, W] -> [B, width]``: the class token after the final LayerNorm."""
        return self.encode_tokens(self.patch_tokens(x))[:, 0]


def zero_init_residual(backbone: Backbone) -> int:
    """Zero the last BatchNorm weight of every residual block (torchvision's ``zero_init_residual=True``).

    Each block then starts as the identity. Returns the number of blocks changed (0 for a ViT).
    """
    changed = 0
    if not isinstance(backbone, ResNetBackbone):
        return changed
    with torch.no_grad():
        for layer in (backbone.layer1, backbone.layer2, backbone.layer3, backbone.layer4):
            for block in layer:
                norm = getattr(block, "bn3", None) or block.bn2
                norm.weight.zero_()
                changed += 1
    return changed


def build_backbone(
    name: str,
    in_channels: int = 1,
    weights: str | Path | None = None,
    *,
    vit: ViTSpec | None = None,
) -> Backbone:
    """Build a backbone, optionally initialised from local ImageNet weights.

    Args:
        name: ``"resnet18" | "resnet34" | "resnet50" | "vit_small"``.
        in_channels: 1 (grey radiographs) or 3.
        weights: a torchvision-format state dict file, a directory holding the expected file name
            (see :data:`IMAGENET_FILES`), or None for random initialisation.
        vit: ViT shape (ViT-S/16 at 224 px when None); ignored for ResNets.

    Raises:
        ConfigError: unknown name or channel count.
        WeightsNotFoundError: ``weights`` does not point to a file.
        CheckpointError: the file is not a matching state dict.
    """
    if in_channels not in (1, 3):
        raise ConfigError(f"in_channels must be 1 or 3, got {in_channels}")
    if name not in BACKBONES:
        raise ConfigError(f"unknown backbone {name!r}; expected one of {BACKBONES}")
    backbone: Backbone = (
        ViTBackbone(vit or ViTSpec(), in_channels)
        if name == "vit_small"
        else ResNetBackbone(name, in_channels)
    )
    if weights is not None:
        load_imagenet_weights(backbone, weights)
    return backbone


def load_imagenet_weights(backbone: Backbone, weights: str | Path) -> None:
    """Load a local torchvision-format ImageNet state dict into ``backbone`` (classifier dropped)."""
    path = Path(weights).expanduser()
    expected = IMAGENET_FILES[backbone.name]
    if path.is_dir():
        path = path / expected
    if not path.is_file():
        raise WeightsNotFoundError(
            f"ImageNet weights for {backbone.name} not found at {path}. Nothing is downloaded at run time: "
            f"on a machine with internet, fetch {IMAGENET_SOURCES[backbone.name]} and copy it to that "
            "path, or pass weights=None for random initialisation"
        )
    state = _read_state_dict(path)
    if isinstance(backbone, ViTBackbone) and "cls_token" in state:
        state = timm_vit_to_torchvision(state)
    prefix = "vit." if isinstance(backbone, ViTBackbone) else ""
    stem_key = "conv_proj.weight" if prefix else "conv1.weight"
    skip = ("heads.", "fc.", "head.")
    state = {prefix + k: v for k, v in state.items() if not k.startswith(skip)}
    stem = state.get(prefix + stem_key)
    if stem is not None and backbone.in_channels == 1 and stem.shape[1] == 3:
        state[prefix + stem_key] = stem.sum(dim=1, keepdim=True)
    own = backbone.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    mismatched = [k for k in own if k in state and state[k].shape != own[k].shape]
    if missing or unexpected or mismatched:
        raise CheckpointError(
            f"{path} is not a {backbone.name} state dict: {len(missing)} missing keys "
            f"{missing[:3]}, {len(unexpected)} unexpected {unexpected[:3]}, shape mismatches "
            f"{mismatched[:3]}. Expected {IMAGENET_SOURCES[backbone.name]}"
        )
    backbone.load_state_dict(state)


_TIMM_BLOCK = {
    "norm1": "ln_1",
    "attn.qkv.weight": "self_attention.in_proj_weight",
    "attn.qkv.bias": "self_attention.in_proj_bias",
    "attn.proj": "self_attention.out_proj",
    "norm2": "ln_2",
    "mlp.fc1": "mlp.0",
    "mlp.fc2": "mlp.3",
}


def timm_vit_to_torchvision(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """Rename a timm ``VisionTransformer`` state dict to torchvision's names (the layouts are the same).

    ``patch_embed.proj -> conv_proj``, ``cls_token -> class_token``, ``pos_embed -> encoder.pos_embedding``,
    ``blocks.{i}.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2} -> encoder.layers.encoder_layer_{i}.
    {ln_1, self_attention.in_proj_*, self_attention.out_proj, ln_2, mlp.0, mlp.3}``, ``norm -> encoder.ln``;
    the classifier ``head.*`` is kept under its name (dropped by the loader).
    """
    renamed = {}
    for key, value in state.items():
        new = key
        if key.startswith("patch_embed.proj."):
            new = "conv_proj." + key[len("patch_embed.proj.") :]
        elif key == "cls_token":
            new = "class_token"
        elif key == "pos_embed":
            new = "encoder.pos_embedding"
        elif key.startswith("norm."):
            new = "encoder.ln." + key[len("norm.") :]
        elif key.startswith("blocks."):
            _, index, rest = key.split(".", 2)
            for old_name, tv_name in _TIMM_BLOCK.items():
                if rest.startswith(old_name):
                    rest = tv_name + rest[len(old_name) :]
                    break
            new = f"encoder.layers.encoder_layer_{index}.{rest}"
        renamed[new] = value
    return renamed


def _read_state_dict(path: Path) -> dict[str, Tensor]:
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise CheckpointError(f"could not read a state dict from {path}: {error}") from error
    if not isinstance(loaded, dict):
        raise CheckpointError(f"{path} does not hold a state dict (found {type(loaded).__name__})")
    return loaded
