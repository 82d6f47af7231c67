"""What 0.3.0 adds for real radiographs: equalised inputs, legacy checkpoints, flexion, coarse crops."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from knee_localize.anatomy import CORTEX, KneeSpec, knee_attenuation
from knee_localize.checkpoint import Localizer, LocalizerConfig
from knee_localize.errors import KneeLocalizeError
from knee_localize.model import ResNetRegressor, equalize
from knee_localize.train import lose_resolution


def test_equalize_ignores_monotonic_grey_level_changes() -> None:
    generator = torch.Generator().manual_seed(0)
    image = torch.rand(2, 1, 32, 32, generator=generator)
    reference = equalize(image)
    assert reference.shape == image.shape
    assert float(reference.min()) > 0
    assert float(reference.max()) < 1
    # film response, gamma, window: any strictly increasing map gives the same input
    for changed in (image**0.4, 1 / (1 + torch.exp(-8 * (image - 0.3))), 0.2 + 0.5 * image):
        assert torch.allclose(equalize(changed), reference, atol=1e-6)
    # an inverted image is a different input (MONOCHROME1 must be inverted by the reader)
    assert not torch.allclose(equalize(1 - image), reference)
    # each image is equalised on its own: scaling one image of the batch leaves the other alone
    scaled = image.clone()
    scaled[1] *= 0.1
    assert torch.allclose(equalize(scaled), reference, atol=1e-6)


def test_equalize_gives_ties_their_mid_rank() -> None:
    image = torch.zeros(1, 1, 4, 4)
    image[0, 0, 0, :2] = 1.0  # 14 zeros (padding), 2 ones
    out = equalize(image)[0, 0]
    assert float(out[1, 1]) == pytest.approx(14 / 32)  # (0 + 14) / (2 * 16)
    assert float(out[0, 0]) == pytest.approx((14 + 16) / 32)


def test_equalize_matches_counting_on_runs_of_ties() -> None:
    generator = torch.Generator().manual_seed(3)
    # few grey levels: long runs of ties, including at both ends of the sorted order
    image = torch.randint(0, 6, (3, 1, 12, 12), generator=generator).float() / 5
    flat = image.reshape(3, -1)
    below = (flat[:, None, :] < flat[:, :, None]).sum(-1)  # #{u < v} for every v
    upto = (flat[:, None, :] <= flat[:, :, None]).sum(-1)  # #{u <= v}
    expected = ((below + upto).float() / (2 * flat.shape[1])).reshape(image.shape)
    assert torch.equal(equalize(image), expected)


def test_network_input_norm_and_legacy_checkpoints(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = ResNetRegressor("resnet18", 4, 64).eval()
    image = torch.rand(1, 1, 64, 64)
    with torch.no_grad():
        assert torch.allclose(net(image), net(image**2.0), atol=1e-5)  # gamma cannot move the box
    with pytest.raises(KneeLocalizeError, match="input_norm"):
        ResNetRegressor("resnet18", 4, 64, input_norm="clahe")
    # a checkpoint written before 0.3.0 has no input_norm key: it keeps the plain input
    model = Localizer.create(LocalizerConfig(overview_px=64, refine_px=64))
    assert model.config.input_norm == "equalize"
    model.save(tmp_path / "m.safetensors")
    sidecar = json.loads((tmp_path / "m.json").read_text())
    assert sidecar["config"]["input_norm"] == "equalize"
    del sidecar["config"]["input_norm"]
    (tmp_path / "m.json").write_text(json.dumps(sidecar))
    legacy = Localizer.load(tmp_path / "m.safetensors")
    assert legacy.config.input_norm == "none"
    assert legacy.overview.input_norm == legacy.refine.input_norm == "none"
    # refinement passes: 2 since 0.4.0, 3 for checkpoints without the key (as 0.3.0 ran them)
    assert sidecar["config"]["refine_passes"] == model.config.refine_passes == 2
    assert legacy.config.refine_passes == 2  # the key is still in this sidecar
    del sidecar["config"]["refine_passes"]
    (tmp_path / "m.json").write_text(json.dumps(sidecar))
    assert Localizer.load(tmp_path / "m.safetensors").config.refine_passes == 3
    with pytest.raises(KneeLocalizeError, match="refine_passes"):
        Localizer.create(LocalizerConfig(refine_passes=0))


def test_flexion_adds_the_posterior_plateau_rim() -> None:
    y = np.arange(-15.0, 20.0, 0.1)
    x = np.full_like(y, 25.0)  # under the medial condyle
    extended = knee_attenuation(x, y, KneeSpec(kl=0))
    flexed = knee_attenuation(x, y, KneeSpec(kl=0, flexion_deg=20.0))
    extra = flexed - extended
    rim = y[extra > 0]
    assert rim.min() == pytest.approx(7.0, abs=0.15)
    assert rim.max() == pytest.approx(8.2, abs=0.15)
    assert extra.max() == pytest.approx(CORTEX)
    # the notch opens: 30 mm above the plateau (above the extended notch) the flexed femur is missing
    top = np.array([-30.0])
    assert knee_attenuation(np.zeros(1), top, KneeSpec(kl=0, flexion_deg=20.0)) < knee_attenuation(
        np.zeros(1), top, KneeSpec(kl=0)
    )


def test_lose_resolution_keeps_the_mean_and_removes_detail() -> None:
    rng = np.random.default_rng(0)
    patch = rng.random((32, 32)).astype(np.float32)
    coarse = lose_resolution(patch, 4)
    assert coarse.shape == patch.shape
    assert coarse.dtype == np.float32
    assert float(coarse.mean()) == pytest.approx(float(patch.mean()), abs=0.02)
    assert float(np.abs(np.diff(coarse, axis=1)).mean()) < 0.5 * float(
        np.abs(np.diff(patch, axis=1)).mean()
    )
    flat = np.full((32, 32), 0.3, dtype=np.float32)
    assert np.allclose(lose_resolution(flat, 3), 0.3, atol=1e-6)
