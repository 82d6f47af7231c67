"""CUDA path of fine-tuning: bf16 autocast, channels_last, on-device per-sample augmentation."""

from __future__ import annotations

import pytest
import torch
from lowdata_eval import (
    EncoderWithHead,
    FineTuneAugment,
    Hyperparams,
    fit_finetune,
)


@pytest.mark.gpu
def test_finetune_on_cuda_bf16_channels_last(synthetic) -> None:  # type: ignore[no-untyped-def]
    data, task = synthetic.image_splits(200)
    seen = {}

    def factory(n: int) -> torch.nn.Module:
        model = EncoderWithHead(synthetic.encoder(), 8, n)
        model.register_forward_hook(
            lambda m, i, o: seen.update(
                dtype=o.dtype, cl=i[0].is_contiguous(memory_format=torch.channels_last)
            )
        )
        return model

    params = Hyperparams(optimizer="adamw", lr=3e-3, weight_decay=1e-4, epochs=6, lr_multiplier=3)
    result = fit_finetune(
        factory,
        data,
        task,
        params,
        lambda e, v: None,
        seed=0,
        augment=FineTuneAugment(crop=32, resize=36),
        batch_size=32,
        device="cuda",
    )
    assert seen["dtype"] == torch.bfloat16
    assert seen["cl"]
    assert result.test_metric > 0.8


@pytest.mark.gpu
@pytest.mark.parametrize("budget", [0.25, 0.0])  # on the GPU; pinned host memory
def test_finetune_staging_on_device_or_pinned(synthetic, monkeypatch, budget: float) -> None:  # type: ignore[no-untyped-def]
    from lowdata_eval import finetune

    monkeypatch.setattr(finetune, "DEVICE_BUDGET", budget)
    data, task = synthetic.image_splits(120)
    staged = finetune.stage_images(data.train[0], "cuda")
    assert staged.is_cuda if budget else staged.is_pinned()
    params = Hyperparams(optimizer="adamw", lr=3e-3, weight_decay=1e-4, epochs=4, lr_multiplier=3)
    before = torch.backends.cudnn.benchmark
    result = fit_finetune(
        lambda n: EncoderWithHead(synthetic.encoder(), 8, n),
        data,
        task,
        params,
        lambda e, v: None,
        seed=0,
        augment=FineTuneAugment(crop=32, resize=36),
        batch_size=16,
        device="cuda",
    )
    assert torch.backends.cudnn.benchmark == before
    assert result.test_metric > 0.7
