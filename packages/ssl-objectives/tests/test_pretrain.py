"""The resumable pretraining loop, its batch makers, LARS and the official recipes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from ssl_objectives import (
    BarlowTwins,
    BarlowTwinsConfig,
    CheckpointError,
    ConVIRT,
    ConVIRTConfig,
    MoCoV2,
    MoCoV2Config,
    SentenceSampler,
    TwoViews,
    build_backbone,
    load_encoder,
    paper_view,
)
from ssl_objectives.optim import (
    LARS,
    OptimizerRecipe,
    build_optimizer,
    official_recipe,
    warmup_cosine,
)
from ssl_objectives.pretrain import PretrainConfig, image_text_batches, pretrain, two_view_batches
from ssl_objectives.text_encoder import BertTextEncoder, load_tokenizer


def _rois(n: int = 24) -> torch.Tensor:
    return torch.randint(
        0, 256, (n, 40, 40), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)
    )


def _moco() -> MoCoV2:
    torch.manual_seed(0)
    return MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=16, momentum=0.9))


CONFIG = PretrainConfig(
    epochs=3, batch_size=8, recipe=OptimizerRecipe("sgd", 0.5, 1e-4, warmup_epochs=1), input_size=32
)


def test_interrupted_run_resumes_to_the_same_weights(tmp_path: Path) -> None:
    rois = _rois()
    make = two_view_batches(rois, TwoViews(paper_view(32)), "cpu")
    straight = _moco()
    result = pretrain(straight, make, len(rois), tmp_path / "straight", CONFIG)
    assert result.epochs_done == 3
    assert len(result.losses) == 3
    interrupted = _moco()
    calls = []

    def crash(step: int, steps: int, loss: torch.Tensor) -> None:
        calls.append(step)
        if len(calls) == 5:  # step 2 of epoch 2: the process dies mid-epoch
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pretrain(interrupted, make, len(rois), tmp_path / "resumed", CONFIG, on_step=crash)
    resumed_method = _moco()  # a fresh process: new objects, same folder
    resumed = pretrain(resumed_method, make, len(rois), tmp_path / "resumed", CONFIG)
    assert resumed.resumed_from == 1
    assert resumed.losses == result.losses[1:]
    for a, b in zip(
        straight.state_dict().values(), resumed_method.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b)  # bit-exact
    log = [
        json.loads(line) for line in (tmp_path / "resumed" / "log.jsonl").read_text().splitlines()
    ]
    assert [r["epoch"] for r in log] == [1, 2, 3]
    assert load_encoder(resumed.checkpoint).feature_dim == 512


def test_resume_refuses_another_configuration(tmp_path: Path) -> None:
    rois = _rois(16)
    make = two_view_batches(rois, TwoViews(paper_view(32)), "cpu")
    pretrain(_moco(), make, 16, tmp_path, PretrainConfig(**{**CONFIG.__dict__, "epochs": 1}))
    other = MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=32))
    with pytest.raises(CheckpointError, match="another configuration"):
        pretrain(other, make, 16, tmp_path, CONFIG)


def test_non_finite_loss_stops_with_the_last_good_checkpoint(tmp_path: Path) -> None:
    rois = _rois(16)
    views = two_view_batches(rois, TwoViews(paper_view(32)), "cpu")

    class CorruptSecondEpoch:  # e.g. a NaN in the data or a diverged step: epoch 2 sees NaN views
        epoch = 0

        def set_epoch(self, epoch: int) -> None:
            self.epoch = epoch

        def __call__(self, index: torch.Tensor, generator: torch.Generator):
            v1, v2 = views(index, generator)
            return (v1 * float("nan"), v2) if self.epoch == 1 else (v1, v2)

    method = BarlowTwins(build_backbone("resnet18"), BarlowTwinsConfig(projector_dims=(16, 16)))
    config = PretrainConfig(
        epochs=2, batch_size=8, recipe=OptimizerRecipe("sgd", 0.01, 0.0), input_size=32
    )
    from ssl_objectives import SSLObjectivesError

    with pytest.raises(SSLObjectivesError, match=r"last good checkpoint .*\(epoch 1\)"):
        pretrain(method, CorruptSecondEpoch(), 16, tmp_path, config)
    assert json.loads((tmp_path / "last.json").read_text())["epoch"] == 1


def test_image_text_pretraining(
    tmp_path: Path, tiny_bert_config: dict, tokenizer_dir: Path, impressions: list[str]
) -> None:
    torch.manual_seed(0)
    rois = _rois(8)
    method = ConVIRT(
        build_backbone("resnet18"),
        BertTextEncoder.from_config(tiny_bert_config),
        ConVIRTConfig(freeze_layers=1),
    )
    sampler = SentenceSampler(load_tokenizer(tokenizer_dir), max_length=24)
    make = image_text_batches(rois, impressions * 2, sampler, paper_view(32), "cpu")
    config = PretrainConfig(epochs=1, batch_size=4, input_size=32)
    result = pretrain(method, make, 8, tmp_path, config)
    assert result.checkpoint.is_file()
    index = torch.arange(4)
    make.set_epoch(3)
    first = make(index, torch.Generator().manual_seed(0)).text.input_ids
    make(index, torch.Generator())
    make.set_epoch(3)
    assert torch.equal(make(index, torch.Generator().manual_seed(0)).text.input_ids, first)
    with pytest.raises(ValueError, match="pair row by row"):
        image_text_batches(rois, impressions, sampler, paper_view(32), "cpu")


def test_lars_matches_its_formula() -> None:
    w = torch.nn.Parameter(torch.tensor([[3.0, 4.0]]))
    b = torch.nn.Parameter(torch.tensor([1.0]))
    opt = LARS([w, b], lr=0.1, weight_decay=0.5, momentum=0.9, eta=0.001)
    w.grad, b.grad = torch.tensor([[1.0, 0.0]]), torch.tensor([2.0])
    opt.step()
    d = torch.tensor([[1.0, 0.0]]) + 0.5 * torch.tensor([[3.0, 4.0]])
    expected_w = torch.tensor([[3.0, 4.0]]) - 0.1 * d * (0.001 * 5.0 / d.norm())
    assert torch.allclose(w, expected_w)
    assert torch.allclose(b, torch.tensor([1.0 - 0.1 * 2.0]))  # biases: no decay, no adaptation


def test_recipes_and_schedule() -> None:
    assert official_recipe("barlow_twins").name == "lars"
    assert official_recipe("gloria").grad_clip == 0.25
    assert official_recipe("mae", lr=1e-3).lr == 1e-3
    with pytest.raises(ValueError, match="no recipe"):
        official_recipe("simclr")
    model = BarlowTwins(build_backbone("resnet18"), BarlowTwinsConfig(projector_dims=(16, 16)))
    optimizer = build_optimizer(model, official_recipe("barlow_twins"), batch_size=512)
    assert [g["lr"] for g in optimizer.param_groups] == pytest.approx([0.4, 0.0096])
    assert warmup_cosine(0, 100, 10) == pytest.approx(0.1)
    assert warmup_cosine(10, 100, 10) == pytest.approx(1.0)
    assert warmup_cosine(100, 100, 10) == pytest.approx(0.0)
