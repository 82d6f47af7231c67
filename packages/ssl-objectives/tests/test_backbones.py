"""Backbones: shapes, widths, local ImageNet weights and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torchvision
from ssl_objectives import (
    CheckpointError,
    ConfigError,
    ViTSpec,
    WeightsNotFoundError,
    build_backbone,
)


@pytest.mark.parametrize(
    ("name", "dim", "layer3"), [("resnet18", 512, 256), ("resnet50", 2048, 1024)]
)
def test_resnet_shapes(name: str, dim: int, layer3: int) -> None:
    backbone = build_backbone(name, in_channels=1)
    x = torch.randn(2, 1, 64, 64)
    assert backbone(x).shape == (2, dim)
    maps = backbone.feature_maps(x)
    assert maps["layer3"].shape == (2, layer3, 4, 4)
    assert backbone.feature_dim == dim
    assert backbone.layer3_channels == layer3


def test_vit_shapes() -> None:
    spec = ViTSpec(image_size=32, patch_size=8, depth=2, width=32, heads=2)
    backbone = build_backbone("vit_small", in_channels=1, vit=spec)
    assert backbone(torch.randn(3, 1, 32, 32)).shape == (3, 32)
    assert backbone.describe()["vit"]["depth"] == 2
    assert ViTSpec().width == 384
    assert ViTSpec().depth == 12
    assert ViTSpec().heads == 6
    with pytest.raises(ConfigError, match="multiple"):
        ViTSpec(image_size=30, patch_size=8)


def test_imagenet_weights_are_summed_for_one_channel(tmp_path: Path) -> None:
    reference = torchvision.models.resnet18(weights=None)
    path = tmp_path / "resnet18-f37072fd.pth"
    torch.save(reference.state_dict(), path)
    grey = build_backbone("resnet18", 1, weights=tmp_path)  # a directory holding the expected file
    assert torch.allclose(grey.conv1.weight, reference.conv1.weight.sum(dim=1, keepdim=True))
    assert torch.equal(grey.layer4[1].bn2.running_var, reference.layer4[1].bn2.running_var)
    rgb = build_backbone("resnet18", 3, weights=path)
    reference.fc = torch.nn.Identity()
    reference.eval()
    rgb.eval()
    x = torch.rand(2, 1, 64, 64)
    # a grey image on three channels through RGB weights == the grey image through summed weights
    assert torch.allclose(
        rgb(x.expand(-1, 3, -1, -1)), reference(x.expand(-1, 3, -1, -1)), atol=1e-5
    )
    assert torch.allclose(grey.eval()(x), reference(x.expand(-1, 3, -1, -1)), atol=1e-4)


def test_missing_and_wrong_weights(tmp_path: Path) -> None:
    with pytest.raises(WeightsNotFoundError, match=r"resnet34-b627a593\.pth"):
        build_backbone("resnet34", 1, weights=tmp_path / "nowhere")
    wrong = tmp_path / "wrong.pth"
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), wrong)
    with pytest.raises(CheckpointError, match="not a resnet34"):
        build_backbone("resnet34", 1, weights=wrong)
    with pytest.raises(ConfigError, match="unknown backbone"):
        build_backbone("resnet101")
    with pytest.raises(ConfigError, match="in_channels"):
        build_backbone("resnet18", in_channels=2)
