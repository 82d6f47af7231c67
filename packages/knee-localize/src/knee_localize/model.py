"""The localizer network: a torchvision ResNet with a spatial regression head.

``ResNetRegressor(backbone, out_features, input_px)``: a ResNet-18 or -34 trunk (one input channel) whose
last feature map ``[B, 512, input_px/32, input_px/32]`` is reduced by a 1x1 convolution to 32 channels and
flattened before two linear layers, so the regression keeps where things are (global average pooling would
throw the position away). Used twice: the overview network predicts both knees' boxes and presence
(``out_features = 10``: ``[x1, y1, x2, y2]`` per knee in view units / input_px, and two presence logits); the
refinement network predicts one knee's box in a crop around a first estimate (``out_features = 4``).

Input normalisation (``input_norm``, applied inside :meth:`ResNetRegressor.forward`, so training and inference
cannot differ): ``"equalize"`` maps every pixel of a view to its quantile among that view's pixels,
``q(v) = (#{u < v} + #{u <= v}) / (2 n)`` over the ``n`` pixels, then centres it (``q - 0.5``). Any monotonic
grey-level change -- film response, gamma, window, exposure, MONOCHROME1 vs 2 after inversion -- leaves the
input unchanged, so a phantom-trained network sees real radiographs through the same histogram (uniform).
``"none"``: the view as read (``[0, 1]`` after the reader's percentile clip) minus 0.5; checkpoints written
before 0.3.0 use it.

ImageNet initialisation: :func:`load_imagenet_trunk` reads a torchvision ResNet state dict from a LOCAL
file (``.pth`` through ``torch.load(weights_only=True)``, or ``.safetensors``) and sums the stem's RGB filters
into one channel. Nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torchvision
from torch import Tensor, nn

from knee_localize.errors import KneeLocalizeError

BACKBONES = ("resnet18", "resnet34")
INPUT_NORMS = ("equalize", "none")


def equalize(x: Tensor) -> Tensor:
    """Per-image histogram equalisation: ``[B, C, H, W]`` -> quantiles in ``[0, 1]`` of the same shape.

    ``q(v) = (#{u < v} + #{u <= v}) / (2 n)`` over the ``n = C H W`` values of each image: ties (padding,
    burned-out background) share their mid-rank instead of being ordered arbitrarily. One sort per image:
    in sorted order, ``#{u < v}`` is the index where ``v``'s run of equal values starts (a running maximum
    of run starts) and ``#{u <= v}`` the index where it ends (a running minimum from the right); the
    quantiles are scattered back through the sort's permutation (twice as fast as two binary searches).
    """
    flat = x.reshape(x.shape[0], -1)
    batch, n = flat.shape
    ordered, order = flat.sort(dim=1)
    position = torch.arange(n, device=x.device).expand(batch, n)
    change = ordered[:, 1:] != ordered[:, :-1]
    run_start = torch.ones(batch, n, dtype=torch.bool, device=x.device)
    run_start[:, 1:] = change
    run_end = torch.ones(batch, n, dtype=torch.bool, device=x.device)
    run_end[:, :-1] = change
    below = torch.where(run_start, position, 0).cummax(dim=1).values
    upto = torch.where(run_end, position + 1, n).flip(1).cummin(dim=1).values.flip(1)
    quantiles = (below + upto).to(x.dtype) / (2 * n)
    return torch.empty_like(flat).scatter_(1, order, quantiles).reshape(x.shape)


class ResNetRegressor(nn.Module):
    """ResNet trunk + spatial regression head: ``[B, 1, input_px, input_px]`` -> ``[B, out_features]``."""

    def __init__(
        self, backbone: str, out_features: int, input_px: int, input_norm: str = "equalize"
    ) -> None:
        super().__init__()
        if backbone not in BACKBONES:
            raise KneeLocalizeError(f"unknown backbone {backbone!r}; expected one of {BACKBONES}")
        if input_norm not in INPUT_NORMS:
            raise KneeLocalizeError(
                f"unknown input_norm {input_norm!r}; expected one of {INPUT_NORMS}"
            )
        self.input_norm = input_norm
        if input_px % 32:
            raise KneeLocalizeError(f"input_px must be a multiple of 32, got {input_px}")
        trunk = getattr(torchvision.models, backbone)(weights=None)
        trunk.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.trunk = nn.Sequential(*list(trunk.children())[:-2])
        cells = (input_px // 32) ** 2
        self.head = nn.Sequential(
            nn.Conv2d(512, 32, kernel_size=1),
            nn.ReLU(inplace=True),
            nn.Flatten(),
            nn.Linear(32 * cells, 256),
            nn.ReLU(inplace=True),
            nn.Linear(256, out_features),
        )

    def forward(self, x: Tensor) -> Tensor:
        """``[B, 1, H, W]`` in [0, 1] -> ``[B, out_features]`` (normalised by ``input_norm``, centred)."""
        if self.input_norm == "equalize":
            x = equalize(x)
        return self.head(self.trunk(x - 0.5))


def load_imagenet_trunk(model: ResNetRegressor, path: Path) -> None:
    """Initialise ``model.trunk`` from a local torchvision ResNet state dict (RGB stem summed to grey).

    Raises:
        KneeLocalizeError: the file is missing or is not a matching ResNet state dict.
    """
    path = Path(path)
    if not path.is_file():
        raise KneeLocalizeError(
            f"ImageNet weights not found at {path}: copy torchvision's resnet18-f37072fd.pth (or resnet34) "
            "there from a machine with internet, or leave --imagenet-weights out for random initialisation"
        )
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    state = {k: v for k, v in state.items() if not k.startswith("fc.")}
    state["conv1.weight"] = state["conv1.weight"].sum(dim=1, keepdim=True)
    names = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"]
    renamed = {}
    for key, value in state.items():
        prefix = key.split(".")[0]
        if prefix in names:
            renamed[f"{names.index(prefix)}.{key.split('.', 1)[1]}"] = value
    missing, unexpected = model.trunk.load_state_dict(renamed, strict=False)
    if missing or unexpected:
        raise KneeLocalizeError(
            f"{path} does not match the backbone: missing {missing[:3]}, unexpected {unexpected[:3]}"
        )
