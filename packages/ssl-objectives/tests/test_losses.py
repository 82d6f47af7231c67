"""Losses against independently written float64 formulas, gradients, invariances and dtypes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from ssl_objectives.losses import (
    barlow_twins_loss,
    cnn_jepa_loss,
    convirt_loss,
    gloria_loss,
    info_nce,
    mae_loss,
    vicreg_loss,
)

RNG = np.random.default_rng(7)


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(a)


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def _logsumexp(a: np.ndarray) -> float:
    m = a.max()
    return float(m + np.log(np.exp(a - m).sum()))


def test_info_nce_known_value() -> None:
    q, k = RNG.normal(size=(6, 5)), RNG.normal(size=(6, 5))
    queue = _unit(RNG.normal(size=(11, 5)))
    t = 0.2
    qn, kn = _unit(q), _unit(k)
    expected = 0.0
    for n in range(6):
        logits = np.concatenate([[qn[n] @ kn[n]], queue @ qn[n]]) / t
        expected += -(logits[0] - _logsumexp(logits))
    expected /= 6
    got = info_nce(_t(q), _t(k), _t(queue), t)
    assert got.dtype == torch.float64
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_barlow_known_value() -> None:
    z1, z2 = RNG.normal(size=(9, 4)), RNG.normal(size=(9, 4))
    lam = 0.0051

    def bn(z: np.ndarray) -> np.ndarray:
        return (z - z.mean(0)) / np.sqrt(z.var(0, ddof=0) + 1e-5)

    c = bn(z1).T @ bn(z2) / 9
    expected = sum((1 - c[i, i]) ** 2 for i in range(4)) + lam * sum(
        c[i, j] ** 2 for i in range(4) for j in range(4) if i != j
    )
    assert barlow_twins_loss(_t(z1), _t(z2), lam).item() == pytest.approx(expected, rel=1e-12)


def test_vicreg_known_value() -> None:
    z1, z2 = RNG.normal(size=(10, 6)) * 0.3, RNG.normal(size=(10, 6)) * 2
    d = z1.shape[1]

    def var_term(z: np.ndarray) -> float:
        return float(np.mean(np.maximum(0, 1 - np.sqrt(z.var(0, ddof=1) + 1e-4))))

    def cov_term(z: np.ndarray) -> float:
        cov = np.cov(z, rowvar=False)  # centred, divides by N - 1
        return float((cov**2).sum() - (np.diag(cov) ** 2).sum()) / d

    expected = (
        25 * np.mean((z1 - z2) ** 2)
        + 25 * (var_term(z1) + var_term(z2)) / 2
        + (cov_term(z1) + cov_term(z2))
    )
    assert vicreg_loss(_t(z1), _t(z2)).item() == pytest.approx(expected, rel=1e-12)


def test_cnn_jepa_known_value() -> None:
    pred, target = RNG.normal(size=(2, 3, 4, 4)), RNG.normal(size=(2, 3, 4, 4))
    mask = (RNG.random((2, 4, 4)) < 0.4).astype(float)
    p = pred / np.linalg.norm(pred, axis=1, keepdims=True)
    t = target / np.linalg.norm(target, axis=1, keepdims=True)
    d = np.abs(p - t)
    elem = np.where(d < 1, 0.5 * d**2, d - 0.5)
    expected = (elem.sum(1) * mask).sum() / (mask.sum() + 1e-8)
    got = cnn_jepa_loss(_t(pred), _t(target), _t(mask))
    assert got.item() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("norm_pix", [False, True])
def test_mae_known_value(norm_pix: bool) -> None:
    pred, target = RNG.normal(size=(3, 5, 12)), RNG.normal(size=(3, 5, 12))
    mask = np.array([[1, 0, 1, 1, 0], [0, 0, 1, 0, 1], [1, 1, 1, 0, 0]], dtype=float)
    tgt = target
    if norm_pix:
        tgt = (target - target.mean(-1, keepdims=True)) / np.sqrt(
            target.var(-1, ddof=1, keepdims=True) + 1e-6
        )
    per_patch = ((pred - tgt) ** 2).mean(-1)
    expected = (per_patch * mask).sum() / mask.sum()
    got = mae_loss(_t(pred), _t(target), _t(mask), norm_pix_loss=norm_pix)
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_convirt_known_value() -> None:
    v, u = RNG.normal(size=(5, 7)), RNG.normal(size=(5, 7))
    tau, lam = 0.1, 0.75
    vn, un = _unit(v), _unit(u)
    total = 0.0
    for i in range(5):
        row = np.array([vn[i] @ un[k] for k in range(5)]) / tau
        col = np.array([un[i] @ vn[k] for k in range(5)]) / tau
        total += lam * -(row[i] - _logsumexp(row)) + (1 - lam) * -(col[i] - _logsumexp(col))
    assert convirt_loss(_t(v), _t(u), tau, lam).item() == pytest.approx(total / 5, rel=1e-12)


def _gloria_reference(local, glob, words, lengths, text_glob, formula):
    """Loop-by-loop transcription of the algorithm (official: softmax over words, then regions)."""
    g1, g2, g3 = 4.0, 5.0, 10.0
    n, d, h, w = local.shape
    regions = local.reshape(n, d, h * w)
    scores = np.zeros((n, n))  # [image j, text i]
    for i in range(n):
        wi = words[i, : lengths[i]]  # [K, D]
        for j in range(n):
            s = wi @ regions[j]  # [K, R]
            if formula == "official":
                a = np.exp(s - s.max(0, keepdims=True))
                a = a / a.sum(0, keepdims=True)  # softmax over words
                b = np.exp(g1 * a - (g1 * a).max(1, keepdims=True))
            else:
                b = np.exp(g1 * s - (g1 * s).max(1, keepdims=True))
            b = b / b.sum(1, keepdims=True)  # softmax over regions
            c = b @ regions[j].T  # [K, D]
            r = (c * wi).sum(1) / np.maximum(
                np.linalg.norm(c, axis=1) * np.linalg.norm(wi, axis=1), 1e-8
            )
            z = _logsumexp(g2 * r)
            scores[j, i] = g3 * (z / g2 if formula == "paper" else z)

    def two_way(m: np.ndarray) -> float:
        rows = np.mean([-(m[k, k] - _logsumexp(m[k])) for k in range(n)])
        cols = np.mean([-(m[k, k] - _logsumexp(m[:, k])) for k in range(n)])
        return float(rows + cols)

    gn, tn = _unit(glob), _unit(text_glob)
    return two_way(scores) + two_way(g3 * gn @ tn.T)


@pytest.mark.parametrize("formula", ["official", "paper"])
def test_gloria_known_value(formula: str) -> None:
    n, d, k = 4, 6, 5
    local = RNG.normal(size=(n, d, 3, 3))
    glob, text_glob = RNG.normal(size=(n, d)), RNG.normal(size=(n, d))
    words = RNG.normal(size=(n, k, d))
    lengths = [5, 2, 3, 4]
    mask = np.zeros((n, k), dtype=bool)
    for i, length in enumerate(lengths):
        mask[i, :length] = True
    expected = _gloria_reference(local, glob, words, lengths, text_glob, formula)
    out = gloria_loss(_t(local), _t(glob), _t(words), _t(mask), _t(text_glob), formula=formula)
    assert out.loss.item() == pytest.approx(expected, rel=1e-10)
    assert out.attention.shape == (n, k, 3, 3)
    assert torch.allclose(out.attention[0].sum(dim=(1, 2)), torch.ones(k, dtype=torch.float64))


def _pairs(n: int = 6, d: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(3)
    return (
        torch.randn(n, d, generator=g, dtype=torch.float64),
        torch.randn(n, d, generator=g, dtype=torch.float64),
    )


def test_gradcheck_all_losses() -> None:
    z1, z2 = _pairs()
    z1.requires_grad_(True)
    z2.requires_grad_(True)
    queue = torch.nn.functional.normalize(torch.randn(5, 4, dtype=torch.float64), dim=1)
    assert torch.autograd.gradcheck(lambda a: info_nce(a, z2.detach(), queue), (z1,))
    assert torch.autograd.gradcheck(lambda a, b: barlow_twins_loss(a, b), (z1, z2))
    assert torch.autograd.gradcheck(lambda a, b: vicreg_loss(a, b), (z1, z2))
    assert torch.autograd.gradcheck(lambda a, b: convirt_loss(a, b), (z1, z2))
    p = torch.randn(2, 3, 2, 2, dtype=torch.float64, requires_grad=True)
    t = torch.randn(2, 3, 2, 2, dtype=torch.float64)
    m = torch.tensor([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [0.0, 0.0]]], dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda a: cnn_jepa_loss(a, t, m), (p,))
    pm = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    tm = torch.randn(2, 3, 4, dtype=torch.float64)
    mm = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda a: mae_loss(a, tm, mm, True), (pm,))
    local = torch.randn(3, 4, 2, 2, dtype=torch.float64, requires_grad=True)
    words = torch.randn(3, 3, 4, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1], [1, 0, 0]], dtype=torch.bool)
    gi, gt = z1[:3, :4], z2[:3, :4]
    assert torch.autograd.gradcheck(
        lambda a, b: gloria_loss(a, gi, b, mask, gt).loss, (local, words)
    )


def test_symmetric_losses_ignore_view_swap() -> None:
    z1, z2 = _pairs()
    assert barlow_twins_loss(z1, z2).item() == pytest.approx(
        barlow_twins_loss(z2, z1).item(), rel=1e-12
    )
    assert vicreg_loss(z1, z2).item() == pytest.approx(vicreg_loss(z2, z1).item(), rel=1e-12)
    a, b = convirt_loss(z1, z2, lambda_=0.5), convirt_loss(z2, z1, lambda_=0.5)
    assert a.item() == pytest.approx(b.item(), rel=1e-12)
    # the default weighting is NOT symmetric: image->text counts 0.75
    assert convirt_loss(z1, z2).item() != pytest.approx(convirt_loss(z2, z1).item(), rel=1e-6)


def test_batch_permutation_invariance() -> None:
    z1, z2 = _pairs(8, 5)
    perm = torch.randperm(8, generator=torch.Generator().manual_seed(1))
    queue = torch.nn.functional.normalize(torch.randn(7, 5, dtype=torch.float64), dim=1)
    for fn in (barlow_twins_loss, vicreg_loss, convirt_loss, lambda a, b: info_nce(a, b, queue)):
        assert fn(z1, z2).item() == pytest.approx(fn(z1[perm], z2[perm]).item(), rel=1e-12)
    local = torch.randn(8, 5, 2, 2, dtype=torch.float64)
    words = torch.randn(8, 3, 5, dtype=torch.float64)
    mask = torch.rand(8, 3, generator=torch.Generator().manual_seed(2)) < 0.7
    mask[:, 0] = True
    a = gloria_loss(local, z1, words, mask, z2).loss
    b = gloria_loss(local[perm], z1[perm], words[perm], mask[perm], z2[perm]).loss
    assert a.item() == pytest.approx(b.item(), rel=1e-12)


@pytest.mark.parametrize(
    "name", ["info_nce", "barlow", "vicreg", "convirt", "jepa", "mae", "gloria"]
)
def test_bfloat16_autocast_close_to_float32(name: str) -> None:
    g = torch.Generator().manual_seed(5)
    z1, z2 = torch.randn(16, 8, generator=g), torch.randn(16, 8, generator=g)
    queue = torch.nn.functional.normalize(torch.randn(32, 8, generator=g), dim=1)
    grid_p, grid_t = torch.randn(2, 8, 3, 3, generator=g), torch.randn(2, 8, 3, 3, generator=g)
    grid_m = (torch.rand(2, 3, 3, generator=g) < 0.5).float()
    seq_m = (torch.rand(16, 8, generator=g) < 0.5).float()
    words, wmask = torch.randn(16, 4, 8, generator=g), torch.ones(16, 4, dtype=torch.bool)
    local = torch.randn(16, 8, 2, 2, generator=g)
    calls = {
        "info_nce": lambda a, b: info_nce(a, b, queue),
        "barlow": barlow_twins_loss,
        "vicreg": vicreg_loss,
        "convirt": convirt_loss,
        "jepa": lambda a, b: cnn_jepa_loss(grid_p * a.mean(), grid_t, grid_m),
        "mae": lambda a, b: mae_loss(
            a[:, None].expand(16, 8, 8), b[:, None].expand(16, 8, 8), seq_m
        ),
        "gloria": lambda a, b: gloria_loss(local, a, words * b.mean(), wmask, b).loss,
    }
    reference = calls[name](z1, z2)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        low = calls[name](z1.bfloat16(), z2.bfloat16())
    assert low.dtype == torch.float32
    assert math.isfinite(low.item())
    assert low.item() == pytest.approx(reference.item(), rel=5e-2, abs=5e-2)
