"""Search space, one-cycle schedule, augmentations, linear probing and fine-tuning on tiny data."""

from __future__ import annotations

import numpy as np
import optuna
import pytest
import torch
from lowdata_eval import (
    EncoderWithHead,
    FeatureSplits,
    FineTuneAugment,
    Hyperparams,
    SearchSpace,
    TaskKind,
    TaskSpec,
    extract_features,
    fit_finetune,
    fit_linear_probe,
)

PARAMS = Hyperparams(optimizer="adam", lr=1e-2, weight_decay=1e-4, epochs=8, lr_multiplier=5)


def no_report(epoch: int, value: float) -> None:
    return None


def test_search_space_suggests_within_ranges() -> None:
    space = SearchSpace()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(30):
        trial = study.ask()
        params = space.suggest(trial)
        assert params.optimizer in {"adam", "sgd", "adamw"}
        assert 1e-5 <= params.lr <= 1e-2
        assert 1e-6 <= params.weight_decay <= 1e-2
        assert 5 <= params.epochs <= 50
        assert 1 <= params.lr_multiplier <= 10
        study.tell(trial, 0.0)


@pytest.mark.parametrize("name", ["adam", "sgd", "adamw"])
def test_one_cycle_peaks_at_lr_times_multiplier(name: str) -> None:
    params = Hyperparams(optimizer=name, lr=2e-3, weight_decay=0.0, epochs=4, lr_multiplier=3)
    model = torch.nn.Linear(2, 1)
    optimizer = params.make_optimizer(model.parameters())
    scheduler = params.make_scheduler(optimizer, steps_per_epoch=10)
    rates = []
    for _ in range(40):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert max(rates) == pytest.approx(6e-3, rel=1e-3)
    assert rates[0] == pytest.approx(2e-3)  # the base learning rate is where the cycle starts
    assert rates[-1] < rates[0]


def lr_curve(lr: float, multiplier: int) -> list[float]:
    params = Hyperparams(
        optimizer="adam", lr=lr, weight_decay=0.0, epochs=2, lr_multiplier=multiplier
    )
    optimizer = params.make_optimizer(torch.nn.Linear(2, 1).parameters())
    scheduler = params.make_scheduler(optimizer, steps_per_epoch=10)
    rates = []
    for _ in range(20):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def test_same_peak_other_base_lr_is_another_schedule() -> None:
    """(lr 1e-3, x4) and (lr 2e-3, x2) share the peak 4e-3 but not the schedule."""
    low, high = lr_curve(1e-3, 4), lr_curve(2e-3, 2)
    assert max(low) == pytest.approx(max(high)) == pytest.approx(4e-3)
    assert low[0] == pytest.approx(1e-3)
    assert high[0] == pytest.approx(2e-3)
    assert sum(high) > sum(low)


def test_augment_identity_and_per_sample_randomness() -> None:
    images = torch.randint(0, 256, (6, 32, 32), dtype=torch.uint8)
    identity = FineTuneAugment(crop=32, resize=32, scale=(1, 1), ratio=(1, 1), flip_p=0, degrees=0)
    out = identity.train(images, torch.Generator().manual_seed(0))
    expected = (images.float().unsqueeze(1) / 255 - 0.5) / 0.25
    torch.testing.assert_close(out, expected, atol=1e-4, rtol=0)
    flip = FineTuneAugment(crop=32, resize=32, scale=(1, 1), ratio=(1, 1), flip_p=1.0, degrees=0)
    torch.testing.assert_close(flip.train(images), expected.flip(-1), atol=1e-4, rtol=0)
    random = FineTuneAugment(crop=24, resize=32)
    same = images[:1].expand(6, -1, -1)
    warped = random.train(same, torch.Generator().manual_seed(0))
    assert warped.shape == (6, 1, 24, 24)
    assert warped.is_contiguous(memory_format=torch.channels_last)
    differences = [(warped[0] - warped[i]).abs().mean().item() for i in range(1, 6)]
    assert min(differences) > 1e-3  # one warp per sample, not one per batch
    again = random.train(same, torch.Generator().manual_seed(0))
    torch.testing.assert_close(warped, again)
    assert FineTuneAugment(crop=24, resize=28, channels=3).evaluate(images).shape == (6, 3, 24, 24)


def test_linear_probe_learns_and_selects_best_epoch(synthetic) -> None:  # type: ignore[no-untyped-def]
    table = synthetic.table(200)
    labels = table["label"].to_numpy()
    features = synthetic.features(labels, signal=1.5)
    task = TaskSpec(TaskKind.BINARY)
    targets = task.target_tensor(labels)
    parts = {s: np.flatnonzero(table["split"] == s) for s in ("train", "val", "test")}
    data = FeatureSplits.from_arrays(
        {s: features[i] for s, i in parts.items()}, {s: targets[i] for s, i in parts.items()}
    )
    seen: list[tuple[int, float]] = []
    result = fit_linear_probe(
        data, task, PARAMS, lambda e, v: seen.append((e, v)), seed=0, batch_size=64
    )
    assert [e for e, _ in seen] == list(range(1, 9))
    assert result.best_val == max(v for _, v in seen)
    assert result.best_val == seen[result.best_epoch - 1][1]
    assert result.test_metric > 0.85
    assert result.test_logits["test"].shape == (len(parts["test"]), 1)
    assert result.train_loss[-1] < result.train_loss[0]


def test_linear_probe_multiclass_and_multilabel(synthetic) -> None:  # type: ignore[no-untyped-def]
    table = synthetic.table(200, classes=3)
    labels = table["label"].to_numpy()
    features = synthetic.features(labels, signal=2.0)
    parts = {s: np.flatnonzero(table["split"] == s) for s in ("train", "val", "test")}
    multiclass = TaskSpec(TaskKind.MULTICLASS, 3)
    targets = multiclass.target_tensor(labels)
    data = FeatureSplits.from_arrays(
        {s: features[i] for s, i in parts.items()}, {s: targets[i] for s, i in parts.items()}
    )
    assert fit_linear_probe(data, multiclass, PARAMS, no_report, seed=0).test_metric > 0.6
    multilabel = TaskSpec(TaskKind.MULTILABEL, 2)
    both = np.stack([labels == 1, labels == 2], axis=1).astype(int)
    features[:, 4:6] += 2.0 * both  # one direction per label
    targets = multilabel.target_tensor(both)
    data = FeatureSplits.from_arrays(
        {s: features[i] for s, i in parts.items()}, {s: targets[i] for s, i in parts.items()}
    )
    result = fit_linear_probe(data, multilabel, PARAMS, no_report, seed=0)
    assert result.test_logits["test"].shape[1] == 2
    assert result.test_metric > 0.7


def test_finetune_end_to_end_on_tiny_images(synthetic) -> None:  # type: ignore[no-untyped-def]
    data, task = synthetic.image_splits(120)
    images = data.train[0]
    augment = FineTuneAugment(crop=32, resize=36, scale=(0.8, 1.0))
    params = Hyperparams(optimizer="adamw", lr=3e-3, weight_decay=1e-4, epochs=6, lr_multiplier=3)
    result = fit_finetune(
        lambda n: EncoderWithHead(synthetic.encoder(), 8, n),
        data,
        task,
        params,
        no_report,
        seed=0,
        augment=augment,
        batch_size=16,
    )
    assert len(result.val_history) == 6
    assert result.test_metric > 0.8
    features = extract_features(synthetic.encoder(), images[:10], augment.evaluate, batch_size=4)
    assert features.shape == (10, 8)


def test_target_checks() -> None:
    from lowdata_eval import DataError

    with pytest.raises(DataError, match=r"in 0\.\.1"):
        TaskSpec(TaskKind.BINARY).target_tensor(np.array([0, 2]))
    with pytest.raises(DataError, match=r"\[N, 3\]"):
        TaskSpec(TaskKind.MULTILABEL, 3).target_tensor(np.zeros((4, 2)))


def test_cpu_staging_and_batches_are_unchanged(synthetic) -> None:  # type: ignore[no-untyped-def]
    from lowdata_eval.finetune import _BatchGatherer, stage_images

    data, _ = synthetic.image_splits(40)
    images = data.train[0]
    assert stage_images(images, "cpu") is images
    index = torch.tensor([3, 0, 5])
    torch.testing.assert_close(_BatchGatherer(images, 8, torch.device("cpu"))(index), images[index])


def test_multilabel_loss_masks_unknown_targets() -> None:
    task = TaskSpec(TaskKind.MULTILABEL, 2)
    logits = torch.tensor([[0.5, -1.0], [2.0, 0.3]], requires_grad=True)
    targets = torch.tensor([[1.0, float("nan")], [0.0, 1.0]])
    loss = task.loss(logits, targets)
    known = torch.tensor([[0.5], [2.0], [0.3]]).reshape(-1)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        known, torch.tensor([1.0, 0.0, 1.0])
    )
    assert torch.isclose(loss, expected)
    loss.backward()
    assert logits.grad is not None
    assert logits.grad[0, 1] == 0.0
