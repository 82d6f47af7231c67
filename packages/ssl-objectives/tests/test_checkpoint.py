"""Checkpoints: safetensors + JSON sidecar round trips (queue and optimizer included), load_encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from ssl_objectives import (
    CNNJEPA,
    MAE,
    CheckpointError,
    ConVIRT,
    ConVIRTConfig,
    MAEConfig,
    MoCoV2,
    MoCoV2Config,
    Normalisation,
    ViTSpec,
    build_backbone,
    load_checkpoint,
    load_encoder,
    read_metadata,
    save_checkpoint,
    save_encoder,
)
from ssl_objectives.text_encoder import BertTextEncoder


def _step(method, batch, optimizer) -> None:
    loss, _ = method(batch)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    method.after_step()


def test_moco_round_trip_with_queue_and_optimizer(tmp_path: Path) -> None:
    torch.manual_seed(0)
    moco = MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=12, momentum=0.9))
    optimizer = torch.optim.SGD(moco.parameters(), lr=0.03, momentum=0.9, weight_decay=1e-4)
    views = (torch.randn(4, 1, 32, 32), torch.randn(4, 1, 32, 32))
    moco.train()
    for _ in range(2):
        _step(moco, views, optimizer)
    path = save_checkpoint(
        tmp_path / "moco",
        moco,
        input_size=32,
        optimizer=optimizer,
        step=2,
        epoch=1,
        data_hash="abc",
    )
    assert path.name == "moco.safetensors"
    assert (tmp_path / "moco.json").is_file()
    assert not list(tmp_path.glob("*.tmp"))

    def factory(m):
        return torch.optim.SGD(m.parameters(), lr=0.03, momentum=0.9, weight_decay=1e-4)

    restored, restored_opt, meta = load_checkpoint(tmp_path / "moco", optimizer_factory=factory)
    assert meta["method"] == "moco_v2"
    assert meta["step"] == 2
    assert meta["data_hash"] == "abc"
    assert meta["config"]["queue_size"] == 12
    assert torch.equal(restored.queue, moco.queue)
    assert int(restored.queue_ptr) == 8
    for a, b in zip(moco.state_dict().values(), restored.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    # resuming continues exactly where the original would have gone
    torch.manual_seed(1)
    _step(moco, views, optimizer)
    torch.manual_seed(1)
    restored.train()
    _step(restored, views, restored_opt)
    for a, b in zip(moco.parameters(), restored.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)
    assert torch.allclose(moco.queue, restored.queue, atol=1e-6)


def test_load_encoder_gives_the_backbone(tmp_path: Path) -> None:
    torch.manual_seed(0)
    method = CNNJEPA(build_backbone("resnet18"))
    save_checkpoint(
        tmp_path / "jepa.safetensors", method, input_size=64, normalisation=Normalisation(0.4, 0.2)
    )
    encoder = load_encoder(tmp_path / "jepa.safetensors")
    assert encoder.feature_dim == 512
    assert not encoder.training
    x = torch.randn(2, 1, 64, 64)
    method.eval()
    assert torch.allclose(encoder(x), method.encoder(x), atol=1e-6)
    meta = read_metadata(tmp_path / "jepa")
    assert meta["normalisation"] == {"mean": 0.4, "std": 0.2}
    assert meta["backbone"] == {"name": "resnet18", "in_channels": 1, "feature_dim": 512}
    assert {"torch", "torchvision"} <= set(meta["versions"])
    restored, _, _ = load_checkpoint(tmp_path / "jepa")
    assert restored.config.masking.block_scale == (0.15, 0.2)


def test_mae_vit_encoder_round_trip(tmp_path: Path) -> None:
    spec = ViTSpec(image_size=32, patch_size=8, depth=1, width=32, heads=2)
    method = MAE(
        build_backbone("vit_small", vit=spec),
        MAEConfig(decoder_width=32, decoder_depth=1, decoder_heads=2),
    )
    save_checkpoint(tmp_path / "mae", method, input_size=32)
    encoder = load_encoder(tmp_path / "mae")
    x = torch.randn(2, 1, 32, 32)
    method.eval()
    assert torch.allclose(encoder(x), method.encoder(x), atol=1e-6)


def test_text_method_round_trip(tmp_path: Path, tiny_bert_config: dict) -> None:
    method = ConVIRT(
        build_backbone("resnet18"),
        BertTextEncoder.from_config(tiny_bert_config),
        ConVIRTConfig(freeze_layers=1),
    )
    save_checkpoint(tmp_path / "convirt", method, input_size=64)
    assert json.loads((tmp_path / "convirt.json").read_text())["text_encoder"]["hidden_size"] == 32
    restored, optimizer, _ = load_checkpoint(tmp_path / "convirt")
    assert optimizer is None
    for a, b in zip(method.state_dict().values(), restored.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert not any(p.requires_grad for p in restored.text_encoder.bert.embeddings.parameters())


def test_save_encoder_and_errors(tmp_path: Path) -> None:
    backbone = build_backbone("resnet18")
    save_encoder(tmp_path / "imagenet", backbone, method="imagenet", input_size=224)
    assert load_encoder(tmp_path / "imagenet").feature_dim == 512
    with pytest.raises(CheckpointError, match="not a method"):
        load_checkpoint(tmp_path / "imagenet")
    with pytest.raises(CheckpointError, match="needs both"):
        load_encoder(tmp_path / "missing")
    (tmp_path / "imagenet.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_encoder(tmp_path / "imagenet")
    sidecar = {
        "format": "ssl-objectives-checkpoint",
        "format_version": 1,
        "method": "imagenet",
        "backbone": {"name": "resnet34", "in_channels": 1, "feature_dim": 512},
    }
    (tmp_path / "imagenet.json").write_text(json.dumps(sidecar), encoding="utf-8")
    with pytest.raises(CheckpointError, match="does not match"):
        load_encoder(tmp_path / "imagenet")
