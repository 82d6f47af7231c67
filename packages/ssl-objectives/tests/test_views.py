"""Batched per-sample views against the per-image torchvision reference, and their randomness."""

from __future__ import annotations

import math

import pytest
import torch
from ssl_objectives.views import (
    TwoViews,
    ViewConfig,
    apply_view,
    barlow_twins_views,
    make_view,
    moco_v2_view,
    paper_view,
    reference_view,
    sample_params,
)


def _smooth_images(n: int = 6, size: int = 48) -> torch.Tensor:
    """Smooth, asymmetric uint8 images (bilinear resampling differences stay small)."""
    g = torch.Generator().manual_seed(0)
    coarse = torch.rand(n, 1, 6, 6, generator=g)
    y = torch.linspace(0, 1, size)[:, None]
    ramp = (0.3 * y + 0.2 * torch.linspace(0, 1, size)[None, :] ** 2)[None, None]
    x = torch.nn.functional.interpolate(
        coarse, size=(size, size), mode="bicubic", align_corners=True
    )
    return ((0.6 * x + ramp).clamp(0, 1) * 255).round().to(torch.uint8)[:, 0]


def _compare(config: ViewConfig, radius: float) -> float:
    images = _smooth_images()
    params = sample_params(config, images.shape[0], 48, 48, torch.Generator().manual_seed(4))
    batched = apply_view(images, params, config)
    yy, xx = torch.meshgrid(
        torch.linspace(-1, 1, config.size), torch.linspace(-1, 1, config.size), indexing="ij"
    )
    inside = (xx**2 + yy**2) <= radius**2
    worst = 0.0
    for i in range(images.shape[0]):
        ref = reference_view(images[i : i + 1], params, i, config)
        diff = (batched[i] - ref).abs()[:, inside] * config.std
        worst = max(worst, float(diff.mean()))
    return worst


def test_crop_flip_jitter_blur_match_reference() -> None:
    config = ViewConfig(
        size=32, degrees=0.0, jitter_p=1.0, brightness=0.3, contrast=0.3, blur_p=0.5, solarize_p=0.0
    )
    assert _compare(config, radius=2.0) < 0.01


def test_rotation_matches_reference_inside_the_inscribed_circle() -> None:
    config = ViewConfig(size=32, degrees=40.0, blur_p=0.0)
    assert _compare(config, radius=0.8) < 0.012


def test_rotation_direction_is_counter_clockwise() -> None:
    image = torch.zeros(1, 33, 33, dtype=torch.uint8)
    image[0, 16, 24:] = 255  # a bar pointing right from the centre
    config = ViewConfig(
        size=33, scale=(1.0, 1.0), ratio=(1.0, 1.0), flip_p=0.0, degrees=0.0, blur_p=0.0
    )
    params = sample_params(config, 1, 33, 33)
    params = type(params)(**{**params.__dict__, "angle": torch.tensor([90.0])})
    out = apply_view(image, params, config)[0, 0] * config.std + config.mean
    assert out[1:8, 16].mean() > 0.8  # now points up
    assert out[25:32, 16].mean() < 0.2


def test_solarize_inverts_bright_pixels_only() -> None:
    images = torch.tensor([[[0, 100], [200, 255]]], dtype=torch.uint8)
    config = ViewConfig(
        size=2,
        scale=(1.0, 1.0),
        ratio=(1.0, 1.0),
        flip_p=0.0,
        degrees=0.0,
        blur_p=0.0,
        solarize_p=1.0,
    )
    out = make_view(images, config)[0, 0] * config.std + config.mean
    expected = torch.tensor([[0.0, 100 / 255], [1 - 200 / 255, 0.0]])
    assert torch.allclose(out, expected, atol=1e-6)


def test_each_sample_gets_its_own_parameters() -> None:
    params = sample_params(paper_view(64), 64, 256, 256, torch.Generator().manual_seed(1))
    assert len({tuple(b.tolist()) for b in params.boxes}) > 60
    assert 10 < int(params.flip.sum()) < 54
    assert params.angle.std() > 3
    assert 10 < int((params.sigma > 0).sum()) < 54
    # identical images give different views
    images = torch.full((8, 64, 64), 0, dtype=torch.uint8)
    images[:, :, 32:] = 255
    views = make_view(images, paper_view(32), torch.Generator().manual_seed(2))
    assert views.flatten(1).std(dim=0).mean() > 0.05


def test_views_are_reproducible_from_the_generator() -> None:
    images = _smooth_images(4, 64)
    two = TwoViews(*barlow_twins_views(32))
    a1, a2 = two(images, torch.Generator().manual_seed(9))
    b1, b2 = two(images, torch.Generator().manual_seed(9))
    assert torch.equal(a1, b1)
    assert torch.equal(a2, b2)
    assert not torch.equal(a1, a2)
    assert a1.shape == (4, 1, 32, 32)
    assert a1.dtype == torch.float32


def test_three_channels_and_bad_input() -> None:
    config = ViewConfig(size=16, channels=3)
    out = make_view(_smooth_images(2, 32), config)
    assert out.shape == (2, 3, 16, 16)
    assert torch.equal(out[:, 0], out[:, 2])
    with pytest.raises(ValueError, match="grey images"):
        make_view(torch.zeros(2, 3, 8, 8, dtype=torch.uint8), config)
    with pytest.raises(ValueError, match="scale"):
        ViewConfig(scale=(0.0, 1.0))


def test_presets_follow_the_official_recipes() -> None:
    first, second = barlow_twins_views()
    assert (first.blur_p, second.blur_p, first.solarize_p, second.solarize_p) == (
        1.0,
        0.1,
        0.0,
        0.2,
    )
    assert moco_v2_view().scale == (0.2, 1.0)
    assert moco_v2_view().jitter_p == 0.8
    assert paper_view().degrees > 0
    assert paper_view().blur_p > 0
    assert ViewConfig(size=224).kernel_size % 2 == 1
    assert math.isclose(ViewConfig(size=224).kernel_size, 23, abs_tol=1)
