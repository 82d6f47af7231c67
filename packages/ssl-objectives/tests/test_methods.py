"""Methods: the shared interface, a few optimisation steps lowering each loss, and method specifics."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from ssl_objectives import (
    CNNJEPA,
    MAE,
    BarlowTwins,
    BarlowTwinsConfig,
    CNNJEPAConfig,
    ConVIRT,
    GLoRIA,
    ImageTextBatch,
    MAEConfig,
    MaskingConfig,
    MoCoV2,
    MoCoV2Config,
    SentenceSampler,
    VICReg,
    VICRegConfig,
    ViTSpec,
    build_backbone,
)
from ssl_objectives.masking import cnn_jepa_mask, multi_block_mask, random_patch_mask
from ssl_objectives.methods.image_text import aggregate_words
from ssl_objectives.methods.predictive import cosine_momentum, patchify, unpatchify
from ssl_objectives.sparse_resnet import MaskedBatchNorm2d
from ssl_objectives.text_batch import split_sentences, word_index
from ssl_objectives.text_encoder import BertTextEncoder, load_tokenizer

SMALL_VIT = ViTSpec(image_size=32, patch_size=8, depth=2, width=32, heads=2)


def _views(n: int = 8, size: int = 32, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    base = torch.randn(n, 1, size, size, generator=g)
    return base + 0.1 * torch.randn(base.shape, generator=g), base + 0.1 * torch.randn(
        base.shape, generator=g
    )


def _train(
    method: torch.nn.Module, batch, steps: int = 6, lr: float = 1e-3, seed: int = 0
) -> list[float]:
    params = [p for p in method.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    losses = []
    method.train()
    for _ in range(steps):
        torch.manual_seed(seed)  # same masks each step: the decrease measures learning, not luck
        loss, logs = method(batch)
        assert set(logs) >= {"loss"}
        assert all(not v.requires_grad for v in logs.values())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        method.after_step()
        losses.append(loss.item())
    return losses


def test_two_view_methods_learn() -> None:
    torch.manual_seed(0)
    views = _views()
    for method in (
        BarlowTwins(build_backbone("resnet18"), BarlowTwinsConfig(projector_dims=(64, 64))),
        VICReg(build_backbone("resnet18"), VICRegConfig(projector_dims=(64, 64))),
        MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=32, momentum=0.9)),
    ):
        losses = _train(method, views)
        # MoCo's first step sees a random queue (easy negatives); from the second on the queue holds
        # keys of these very images, so the comparison starts there.
        start = 1 if isinstance(method, MoCoV2) else 0
        assert losses[-1] < losses[start], (type(method).__name__, losses)


def test_moco_momentum_update_happens_before_key_encoding() -> None:
    torch.manual_seed(0)
    moco = MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=16, momentum=0.5))
    with torch.no_grad():
        for p in moco.encoder.parameters():
            p.add_(0.01)
    q_before = [p.detach().clone() for p in moco.encoder.parameters()]
    k_before = [p.detach().clone() for p in moco.key_encoder.parameters()]
    views = _views(4)
    moco.train()
    loss, _ = moco(views)
    for q, k_old, k_new in zip(q_before, k_before, moco.key_encoder.parameters(), strict=True):
        assert torch.allclose(k_new, 0.5 * k_old + 0.5 * q)
    assert all(not p.requires_grad for p in moco.key_encoder.parameters())
    loss.backward()
    assert all(p.grad is None for p in moco.key_encoder.parameters())


def test_moco_queue_enqueue_and_wrap() -> None:
    torch.manual_seed(0)
    moco = MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=10, momentum=0.99))
    assert torch.allclose(moco.queue.norm(dim=1), torch.ones(10))
    x1, x2 = _views(4)
    moco.train()
    moco((x1, x2))
    with torch.no_grad():
        keys = torch.nn.functional.normalize(moco.key_projector(moco.key_encoder(x2)), dim=1)
    before = moco.queue.clone()
    moco.after_step()
    assert torch.allclose(moco.queue[:4], keys, atol=1e-5)
    assert torch.equal(moco.queue[4:], before[4:])
    assert int(moco.queue_ptr) == 4
    for _ in range(2):
        moco((x1, x2))
        moco.after_step()
    assert int(moco.queue_ptr) == 2  # 12 keys into a queue of 10 wrap around
    moco.eval()
    frozen = moco.queue.clone()
    moco((x1, x2))
    moco.after_step()
    assert torch.equal(moco.queue, frozen)  # evaluation neither updates nor enqueues


def test_moco_without_after_step_fails_loudly() -> None:
    from ssl_objectives import ConfigError

    moco = MoCoV2(build_backbone("resnet18"), MoCoV2Config(queue_size=8))
    moco.train()
    views = _views(4)
    moco(views)
    moco(views)
    with pytest.raises(ConfigError, match="after_step"):
        moco(views)


def test_cnn_jepa_learns_and_updates_its_target() -> None:
    torch.manual_seed(0)
    method = CNNJEPA(
        build_backbone("resnet18"),
        CNNJEPAConfig(masking=MaskingConfig(patch=32), total_steps=10),
    )
    images = _views(4, 96)[0]
    target_before = [p.clone() for p in method.encoder.parameters()]
    losses = _train(method, images, steps=6, lr=3e-3)
    assert losses[-1] < losses[0], losses
    moved = [
        not torch.equal(a, b)
        for a, b in zip(target_before, method.encoder.parameters(), strict=True)
    ]
    assert any(moved)
    assert int(method.step) == 6
    assert cosine_momentum(0, 10, 0.996, 1.0) == pytest.approx(0.996)
    assert cosine_momentum(10, 10, 0.996, 1.0) == pytest.approx(1.0)
    assert cosine_momentum(5, 10, 0.996, 1.0) == pytest.approx(0.998)


def test_masked_batchnorm_uses_visible_positions_only() -> None:
    from ssl_objectives.sparse_resnet import SparseContext

    norm = torch.nn.BatchNorm2d(3)
    norm.__class__ = MaskedBatchNorm2d
    context = SparseContext()
    norm.context = context
    x = torch.randn(2, 3, 4, 4)
    visible = torch.zeros(2, 2, 2)
    visible[0, 0, 0] = visible[1, 1, 1] = 1  # grid 2x2 -> 2x2 pixel cells on the 4x4 map
    x_masked = x.clone()
    with context.masked(visible):
        out = norm(x)
        x_masked[
            visible.repeat_interleave(2, 1).repeat_interleave(2, 2)[:, None].expand_as(x) == 0
        ] = 1e3
        out_changed = norm(x_masked)  # values under the mask do not move the statistics
    keep = visible.repeat_interleave(2, 1).repeat_interleave(2, 2).bool()
    vis = x.permute(1, 0, 2, 3)[:, keep]  # [C, n_visible]
    expected = (vis - vis.mean(1, keepdim=True)) / torch.sqrt(
        vis.var(1, unbiased=False, keepdim=True) + 1e-5
    )
    assert torch.allclose(out.permute(1, 0, 2, 3)[:, keep], expected, atol=1e-5)
    assert torch.equal(
        out.permute(1, 0, 2, 3)[:, ~keep], torch.zeros_like(out.permute(1, 0, 2, 3)[:, ~keep])
    )
    assert torch.allclose(out_changed, out, atol=1e-5)


def test_sparse_encoder_output_ignores_masked_pixels() -> None:
    torch.manual_seed(0)
    method = CNNJEPA(build_backbone("resnet18"))
    images = torch.randn(2, 1, 64, 64)
    visible = torch.tensor([[[1.0, 0.0], [1.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
    pixels = visible.repeat_interleave(32, 1).repeat_interleave(32, 2)[:, None]
    other = images + (1 - pixels) * 50.0
    method.train()
    with method._sparse.masked(visible):
        a = method.context_encoder.feature_maps(images * pixels)["layer4"]
        b = method.context_encoder.feature_maps(other * pixels)["layer4"]
    assert torch.allclose(a, b)
    assert torch.equal(a * (1 - visible[:, None]), torch.zeros_like(a))


def test_cnn_jepa_masking_statistics() -> None:
    config = MaskingConfig()
    g = torch.Generator().manual_seed(0)
    mask, _ = random_patch_mask(50, 49, config.random_ratio, g)
    assert torch.equal(mask.sum(1), torch.full((50,), 49.0 - int(49 * 0.4)))
    blocks = multi_block_mask(200, (7, 7), config, g)
    fraction = blocks.flatten(1).mean(1)
    assert bool((fraction > 0).all())
    assert bool((fraction < 1).all())
    assert 0.25 < float(fraction.mean()) < 0.75  # 4 blocks of 15-20 % with overlaps
    strategies = [cnn_jepa_mask(2, (7, 7), config, g)[1] for _ in range(400)]
    share = strategies.count("multi_block") / 400
    assert abs(share - 0.75) < 4 * (0.75 * 0.25 / 400) ** 0.5


def test_mae_learns_and_masks_per_sample() -> None:
    torch.manual_seed(0)
    method = MAE(
        build_backbone("vit_small", vit=SMALL_VIT),
        MAEConfig(mask_ratio=0.5, decoder_width=32, decoder_depth=1, decoder_heads=2),
    )
    assert not method.encoder.vit.encoder.pos_embedding.requires_grad
    images = _views(4, 32)[0]
    losses = _train(method, images, steps=8, lr=3e-3)
    assert losses[-1] < losses[0], losses
    _, mask = method.reconstruct(images)
    assert torch.equal(mask.sum(1), torch.full((4,), 16.0 - int(16 * 0.5)))
    assert len({tuple(row.tolist()) for row in mask}) > 1
    patches = patchify(images, 8)
    assert patches.shape == (4, 16, 64)
    assert torch.equal(unpatchify(patches, 8, 1), images)


def test_word_grouping_and_sentences(tokenizer_dir: Path, impressions: list[str]) -> None:
    pieces = [
        ["[CLS]", "osteo", "##phyte", "##s", "and", "[SEP]", "[PAD]"],
        ["[CLS]", "no", "[SEP]"],
    ]
    assert word_index(pieces, 7).tolist() == [[0, 1, 1, 1, 2, -1, -1], [0, 1, -1, -1, -1, -1, -1]]
    assert split_sentences("1. mild narrowing. 2. no fracture; small effusion") == [
        "mild narrowing",
        "no fracture",
        "small effusion",
    ]
    assert split_sentences("joint space 3.5 mm.\nno effusion") == [
        "joint space 3.5 mm",
        "no effusion",
    ]
    tokens = torch.arange(2 * 7 * 3, dtype=torch.float64).reshape(2, 7, 3)
    words, mask = aggregate_words(tokens, word_index(pieces, 7))
    assert words.shape == (2, 3, 3)
    assert torch.equal(words[0, 1], tokens[0, 1:4].sum(0))
    assert mask.tolist() == [[True, True, True], [True, True, False]]
    sampler = SentenceSampler(load_tokenizer(tokenizer_dir), max_length=16, seed=1)
    text = sampler(impressions)
    assert text.input_ids.shape[0] == 4
    assert int(text.input_ids.shape[1]) <= 16
    assert bool((text.word_index[:, 0] == 0).all())


@pytest.mark.parametrize("kind", ["convirt", "gloria"])
def test_image_text_methods_learn(
    kind: str, tiny_bert_config: dict, tokenizer_dir: Path, impressions: list[str]
) -> None:
    torch.manual_seed(0)
    text_encoder = BertTextEncoder.from_config(tiny_bert_config)
    backbone = build_backbone("resnet18")
    if kind == "convirt":
        from ssl_objectives import ConVIRTConfig

        method = ConVIRT(backbone, text_encoder, ConVIRTConfig(freeze_layers=1))
    else:
        method = GLoRIA(backbone, text_encoder)
        assert method.local_embedder.in_channels == 256  # layer3 width of ResNet-18, not 1024
    sampler = SentenceSampler(load_tokenizer(tokenizer_dir), max_length=24)
    text = sampler.tokenize([sampler.sample([r])[0] for r in impressions])
    batch = ImageTextBatch(_views(4, 64)[0], text)
    losses = _train(method, batch, steps=6, lr=1e-3)
    assert losses[-1] < losses[0], losses


def test_convirt_freezes_embeddings_and_first_layers(tiny_bert_config: dict) -> None:
    from ssl_objectives import ConVIRTConfig

    text_encoder = BertTextEncoder.from_config(tiny_bert_config)
    ConVIRT(build_backbone("resnet18"), text_encoder, ConVIRTConfig(freeze_layers=2))
    bert = text_encoder.bert
    assert all(not p.requires_grad for p in bert.embeddings.parameters())
    assert all(not p.requires_grad for layer in bert.encoder.layer[:2] for p in layer.parameters())
    assert all(p.requires_grad for p in bert.encoder.layer[2].parameters())


def test_missing_bert_directory_says_what_to_do(tmp_path: Path) -> None:
    from ssl_objectives import WeightsNotFoundError

    with pytest.raises(WeightsNotFoundError, match="Bio_ClinicalBERT"):
        BertTextEncoder.from_pretrained(tmp_path)
    with pytest.raises(WeightsNotFoundError, match=r"vocab\.txt"):
        load_tokenizer(tmp_path)


def test_bert_loads_from_a_local_directory(tmp_path: Path, tiny_bert_config: dict) -> None:
    encoder = BertTextEncoder.from_config(tiny_bert_config)
    encoder.bert.save_pretrained(str(tmp_path))
    loaded = BertTextEncoder.from_pretrained(tmp_path)
    ids = torch.tensor([[2, 5, 6, 3]])
    mask = torch.ones_like(ids)
    encoder.eval()
    loaded.eval()
    assert torch.allclose(encoder(ids, mask)[-1], loaded(ids, mask)[-1], atol=1e-6)
