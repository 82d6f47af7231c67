"""CUDA checks: device-side views equal the CPU ones; bf16 + channels_last steps of every image method."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from ssl_objectives import (
    CNNJEPA,
    BarlowTwins,
    BarlowTwinsConfig,
    CNNJEPAConfig,
    MoCoV2,
    MoCoV2Config,
    TwoViews,
    VICReg,
    VICRegConfig,
    build_backbone,
    load_encoder,
    paper_view,
    save_checkpoint,
)
from ssl_objectives.views import apply_view, sample_params

pytestmark = pytest.mark.gpu


def test_views_on_cuda_match_cpu() -> None:
    config = paper_view(64)
    g = torch.Generator().manual_seed(0)
    rois = torch.randint(0, 256, (16, 80, 80), dtype=torch.uint8, generator=g)
    params = sample_params(config, 16, 80, 80, g)
    cuda_params = type(params)(**{k: v.cuda() for k, v in params.__dict__.items()})
    on_cpu = apply_view(rois, params, config)
    on_gpu = apply_view(rois.cuda(), cuda_params, config).cpu()
    assert torch.allclose(on_cpu, on_gpu, atol=1e-3)


@pytest.mark.parametrize("name", ["moco_v2", "barlow_twins", "vicreg", "cnn_jepa"])
def test_bf16_channels_last_steps(name: str, tmp_path: Path) -> None:
    torch.manual_seed(0)
    backbone = build_backbone("resnet18")
    method = {
        "moco_v2": lambda: MoCoV2(backbone, MoCoV2Config(queue_size=256)),
        "barlow_twins": lambda: BarlowTwins(backbone, BarlowTwinsConfig(projector_dims=(512, 512))),
        "vicreg": lambda: VICReg(backbone, VICRegConfig(projector_dims=(512, 512))),
        "cnn_jepa": lambda: CNNJEPA(backbone, CNNJEPAConfig(total_steps=10)),
    }[name]()
    method = method.cuda().to(memory_format=torch.channels_last).train()
    optimizer = torch.optim.SGD(method.parameters(), lr=0.01)
    rois = torch.randint(0, 256, (32, 72, 72), dtype=torch.uint8, device="cuda")
    views = TwoViews(paper_view(64))
    g = torch.Generator(device="cuda").manual_seed(0)
    for _ in range(3):
        v1, v2 = views(rois, g)
        batch = v1 if name == "cnn_jepa" else (v1, v2)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss, _ = method(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        method.after_step()
        assert math.isfinite(loss.item())
    save_checkpoint(tmp_path / name, method, input_size=64)
    encoder = load_encoder(tmp_path / name)
    assert encoder(torch.randn(2, 1, 64, 64)).shape == (2, 512)
