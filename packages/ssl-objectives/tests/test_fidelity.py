"""0.2 fidelity defaults: CNN-JEPA hands its EMA target downstream and schedules over the real run, MAE's
official defaults, learning-rate rules, zero-init residuals, refused resumes, sidecar JSON, timm ViT keys,
synchronised BatchNorm in one process, views without host syncs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from ssl_objectives import (
    CNNJEPA,
    MAE,
    BarlowTwins,
    BarlowTwinsConfig,
    CheckpointError,
    CNNJEPAConfig,
    ConfigError,
    MAEConfig,
    MaskingConfig,
    MoCoV2,
    MoCoV2Config,
    OptimizerRecipe,
    PretrainConfig,
    TwoViews,
    ViTSpec,
    WeightsNotFoundError,
    barlow_twins_views,
    build_backbone,
    convert_sync_batchnorm,
    load_encoder,
    moco_v2_view,
    official_recipe,
    one_view_batches,
    paper_view,
    pretrain,
    two_view_batches,
    vicreg_views,
)
from ssl_objectives.backbones import load_imagenet_weights
from ssl_objectives.optim import build_optimizer
from ssl_objectives.sync_batchnorm import SyncBatchNorm2d, batch_norm_train
from ssl_objectives.views import apply_view, sample_params

SMALL = PretrainConfig(
    epochs=2, batch_size=4, recipe=OptimizerRecipe("sgd", 0.05, 0.0), input_size=32
)


def _rois(n: int, size: int = 40) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, 256, (n, size, size), dtype=torch.uint8, generator=g)


def test_cnn_jepa_hands_its_ema_target_downstream_and_schedules_over_the_run(
    tmp_path: Path,
) -> None:
    torch.manual_seed(0)
    method = CNNJEPA(build_backbone("resnet18"), CNNJEPAConfig(masking=MaskingConfig(patch=16)))
    with pytest.raises(ConfigError, match="no length"):
        method.after_step()
    rois = _rois(8, 64)
    result = pretrain(method, one_view_batches(rois, paper_view(64), "cpu"), 8, tmp_path, SMALL)
    assert int(method.schedule_steps) == 4 == int(method.step)  # 2 epochs x 2 steps
    assert method.momentum == pytest.approx(1.0)  # the schedule ends with the run
    encoder = load_encoder(result.checkpoint)
    target = method.encoder.state_dict()
    context = method.context_encoder.state_dict()
    for key, value in encoder.state_dict().items():
        assert torch.equal(value, target[key]), key
    assert any(
        not torch.equal(value, context[key])
        for key, value in encoder.state_dict().items()
        if value.is_floating_point()
    )


def test_mae_official_defaults() -> None:
    assert MAEConfig().norm_pix_loss is True
    spec = ViTSpec(image_size=32, patch_size=8, depth=1, width=32, heads=2)
    method = MAE(
        build_backbone("vit_small", vit=spec),
        MAEConfig(decoder_width=32, decoder_depth=1, decoder_heads=2),
    )
    for module in method.modules():
        if isinstance(module, torch.nn.Linear) and module.bias is not None:
            assert torch.count_nonzero(module.bias) == 0
        if isinstance(module, torch.nn.LayerNorm):
            assert torch.all(module.weight == 1)
            assert torch.count_nonzero(module.bias) == 0
    optimizer = build_optimizer(method, official_recipe("mae"), batch_size=256)
    decayed, plain = optimizer.param_groups
    assert decayed["weight_decay"] == 0.05
    assert plain["weight_decay"] == 0.0
    ids = {id(p) for p in plain["params"]}
    assert id(method.encoder.vit.class_token) in ids
    assert id(method.decoder_norm.weight) in ids
    assert id(method.decoder_embed.bias) in ids
    assert id(method.decoder_embed.weight) not in ids
    assert all(p.ndim > 1 for p in decayed["params"])
    assert decayed["lr"] == pytest.approx(1.5e-4)


def test_learning_rate_rules() -> None:
    model = torch.nn.Linear(2, 2)
    for name, lr in (("convirt", 1e-4), ("gloria", 5e-5)):
        for batch in (16, 48, 512):  # the official rate at any batch
            assert build_optimizer(model, official_recipe(name), batch).param_groups[0]["lr"] == lr
    assert official_recipe("convirt").reference_batch == 32
    assert official_recipe("gloria").reference_batch == 48
    sgd = build_optimizer(model, official_recipe("moco_v2"), 512)
    assert sgd.param_groups[0]["lr"] == pytest.approx(0.06)
    assert official_recipe("cnn_jepa").warmup_epochs == 10


def test_zero_init_residual_and_vicreg_views() -> None:
    method = BarlowTwins(build_backbone("resnet18"), BarlowTwinsConfig(projector_dims=(8, 8)))
    for layer in (method.encoder.layer1, method.encoder.layer4):
        for block in layer:
            assert torch.count_nonzero(block.bn2.weight) == 0
    kept = BarlowTwins(
        build_backbone("resnet18"),
        BarlowTwinsConfig(projector_dims=(8, 8), zero_init_residual=False),
    )
    assert torch.count_nonzero(kept.encoder.layer1[0].bn2.weight) > 0
    assert vicreg_views(64) == barlow_twins_views(64)


def _moco() -> MoCoV2:
    torch.manual_seed(0)
    return MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=8, momentum=0.9))


def test_resume_refuses_changed_schedule_and_stores_it(tmp_path: Path) -> None:
    rois = _rois(8)
    views = TwoViews(paper_view(32))
    first = dataclasses.replace(SMALL, epochs=1)
    pretrain(_moco(), two_view_batches(rois, views, "cpu"), 8, tmp_path, first)
    text = (tmp_path / "last.json").read_text()
    assert "tensor(" not in text
    meta = json.loads(text)
    assert meta["pretrain"]["views"]["views"][0]["size"] == 32
    assert meta["pretrain"]["recipe"]["lr"] == 0.05
    assert meta["pretrain"]["epochs"] == 1
    changes = {
        "epochs": (dataclasses.replace(SMALL, epochs=3), views),
        "batch_size": (dataclasses.replace(first, batch_size=8), views),
        "recipe": (dataclasses.replace(first, recipe=OptimizerRecipe("sgd", 0.1, 0.0)), views),
        "views": (first, TwoViews(moco_v2_view(32))),
    }
    for key, (config, other_views) in changes.items():
        with pytest.raises(CheckpointError, match=f"{key}: saved"):
            pretrain(_moco(), two_view_batches(rois, other_views, "cpu"), 8, tmp_path, config)
    again = pretrain(_moco(), two_view_batches(rois, views, "cpu"), 8, tmp_path, first)
    assert again.resumed_from == 1
    assert again.losses == []


def test_timm_vit_keys_load(tmp_path: Path) -> None:
    spec = ViTSpec(image_size=32, patch_size=8, depth=2, width=32, heads=2)
    source = build_backbone("vit_small", 3, vit=spec)
    timm_names = {
        "vit.conv_proj.": "patch_embed.proj.",
        "vit.class_token": "cls_token",
        "vit.encoder.pos_embedding": "pos_embed",
        "vit.encoder.ln.": "norm.",
        "ln_1": "norm1",
        "ln_2": "norm2",
        "self_attention.in_proj_weight": "attn.qkv.weight",
        "self_attention.in_proj_bias": "attn.qkv.bias",
        "self_attention.out_proj": "attn.proj",
        "mlp.0": "mlp.fc1",
        "mlp.3": "mlp.fc2",
        "vit.encoder.layers.encoder_layer_": "blocks.",
    }
    state = {}
    for key, value in source.state_dict().items():
        for ours, theirs in timm_names.items():
            key = key.replace(ours, theirs)
        state[key] = value
    state["head.weight"] = torch.zeros(10, 32)  # timm's classifier is dropped
    assert "blocks.1.attn.qkv.weight" in state
    assert "cls_token" in state
    save_file(state, str(tmp_path / "vit.safetensors"))
    grey = build_backbone("vit_small", 1, weights=tmp_path / "vit.safetensors", vit=spec)
    assert torch.equal(grey.vit.class_token, source.vit.class_token)
    assert torch.allclose(
        grey.vit.conv_proj.weight, source.vit.conv_proj.weight.sum(dim=1, keepdim=True)
    )
    with pytest.raises(WeightsNotFoundError, match=r"huggingface\.co/timm/vit_small_patch16_224"):
        load_imagenet_weights(grey, tmp_path / "missing")


def test_sync_batchnorm_in_one_process_is_batchnorm() -> None:
    torch.manual_seed(0)
    x = torch.randn(6, 3, 5, 5, dtype=torch.float64)
    plain = torch.nn.BatchNorm2d(3).double()
    synced = torch.nn.BatchNorm2d(3).double()
    assert convert_sync_batchnorm(torch.nn.Sequential(synced)) == 1
    assert isinstance(synced, SyncBatchNorm2d)
    assert torch.equal(synced(x), plain(x))  # no process group: the plain forward
    formula = torch.nn.BatchNorm2d(3).double()
    out = batch_norm_train(formula, x, None, sync=False)  # the synchronised formula on one rank
    assert torch.allclose(out, plain(x), atol=1e-12)
    assert torch.allclose(formula.running_mean, synced.running_mean, atol=1e-12)
    assert torch.allclose(formula.running_var, synced.running_var, atol=1e-12)


@pytest.mark.parametrize("config", [moco_v2_view(32), barlow_twins_views(32)[1]])
def test_views_without_host_syncs_equal_the_subset_path(config) -> None:
    images = _rois(16)
    params = sample_params(config, 16, 40, 40, torch.Generator().manual_seed(3))
    assert bool(params.sigma.eq(0).any())
    assert bool(params.sigma.gt(0).any())
    subset = apply_view(images, params, config, host_sync=True)
    full = apply_view(images, params, config, host_sync=False)  # the accelerator path
    assert torch.allclose(full, subset, atol=1e-6)
