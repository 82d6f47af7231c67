"""GLoRIA's global + local image-text loss (Huang et al. 2021; marshuang80/gloria).

Global: ``S_ij = gamma3 * cos(g_i, e_j)`` between pooled image embeddings ``g`` and sentence embeddings
``e``; cross-entropy over texts for each image plus over images for each text.

Local, as the official code computes it (``formula="official"``, the default). For text ``i`` with words
``w_ik`` (valid words only: ``[CLS]`` and the whole words, not ``[SEP]`` or padding) and image ``j`` with
regions ``v_jr``:

    s_jkr = v_jr . w_ik
    a_jkr = softmax_k(s_jkr)                       (over the words of text i, first)
    b_jkr = softmax_r(gamma1 * a_jkr)              (then over regions)
    c_jk  = sum_r b_jkr v_jr                       (region context of word k)
    R_ijk = cos(c_jk, w_ik)
    Z_ji  = log sum_k exp(gamma2 * R_ijk)          (no 1/gamma2 factor)
    logits_ji = gamma3 * Z_ji; cross-entropy over texts (rows = images) + over images (rows = texts).

The paper's text (``formula="paper"``) instead attends with ``b_jkr = softmax_r(gamma1 * s_jkr)`` (no
softmax over words) and uses ``Z = (1/gamma2) log sum_k exp(gamma2 R)``.
Total: ``local_weight * (local_i2t + local_t2i) + global_weight * (global_i2t + global_t2i)``.

With ``gather=True`` under DDP every input is gathered with gradients (words padded to the longest text of
any rank) and every rank computes the loss of the global batch, as Barlow Twins does: DDP's averaged
gradient is then exactly that of one process on the concatenated batch (each rank repeats the
``N_global^2`` word-region scores; the official code trains on one GPU).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor
from torch.nn import functional

from ssl_objectives.distributed import (
    all_reduce_max,
    gather_no_grad,
    gather_with_grad,
    world_size,
)
from ssl_objectives.losses.precision import full_precision, promote

_CHUNK_ELEMENTS = 1 << 25


@dataclass(frozen=True)
class GloriaLossOutput:
    """The total loss, its four terms and the word-region attention of the matching pairs.

    Attributes:
        loss: scalar total.
        local_image_to_text: local term, rows = images.
        local_text_to_image: local term, rows = texts.
        global_image_to_text: global term, rows = images.
        global_text_to_image: global term, rows = texts.
        attention: ``[N, K, H, W]`` region attention ``b`` of each text's words on its own image (detached).
    """

    loss: Tensor
    local_image_to_text: Tensor
    local_text_to_image: Tensor
    global_image_to_text: Tensor
    global_text_to_image: Tensor
    attention: Tensor


def _cosine(x: Tensor, y: Tensor, dim: int, eps: float = 1e-8) -> Tensor:
    """``x . y / max(|x| |y|, eps)`` along ``dim`` (the official clamp on the product of the norms)."""
    return (x * y).sum(dim) / (x.norm(dim=dim) * y.norm(dim=dim)).clamp(min=eps)


def _two_way_cross_entropy(logits: Tensor) -> tuple[Tensor, Tensor]:
    target = torch.arange(logits.shape[0], device=logits.device)
    return functional.cross_entropy(logits, target), functional.cross_entropy(logits.T, target)


def gloria_global_logits(image_global: Tensor, text_global: Tensor, gamma3: float = 10.0) -> Tensor:
    """``[N, D]`` x ``[N, D]`` -> ``[N_images, N_texts]`` scaled cosine similarities."""
    norms = image_global.norm(dim=1, keepdim=True) * text_global.norm(dim=1, keepdim=True).T
    return image_global @ text_global.T / norms.clamp(min=1e-8) * gamma3


def gloria_local_logits(
    image_local: Tensor,
    words: Tensor,
    word_mask: Tensor,
    *,
    gamma1: float = 4.0,
    gamma2: float = 5.0,
    gamma3: float = 10.0,
    formula: Literal["official", "paper"] = "official",
) -> tuple[Tensor, Tensor]:
    """Word-region matching scores.

    Args:
        image_local: ``[N, D, H, W]`` region features.
        words: ``[N, K, D]`` word embeddings (padded to ``K``).
        word_mask: ``[N, K]`` bool, True for the words that take part.
        gamma1: attention sharpness.
        gamma2: word aggregation.
        gamma3: logit scale.
        formula: ``"official"`` (code) or ``"paper"`` (equations of the paper).

    Returns:
        ``(logits [N_images, N_texts], attention [N, K, H, W])``.
    """
    n_images, dim, height, width = image_local.shape
    regions = image_local.flatten(2)  # [N, D, R]
    n_texts, n_words, _ = words.shape
    chunk = max(1, _CHUNK_ELEMENTS // max(1, n_images * n_words * max(dim, height * width)))
    scores, attention = [], []
    for start in range(0, n_texts, chunk):
        w = words[start : start + chunk]  # [c, K, D]
        valid = word_mask[start : start + chunk]  # [c, K]
        dots = torch.einsum("ckd,ndr->cnkr", w, regions)
        if formula == "official":
            over_words = dots.masked_fill(~valid[:, None, :, None], float("-inf")).softmax(dim=2)
            over_words = over_words.nan_to_num(0.0)
            weights = (gamma1 * over_words).softmax(dim=3)
        else:
            weights = (gamma1 * dots).softmax(dim=3)
        context = torch.einsum("cnkr,ndr->cnkd", weights, regions)
        relevance = _cosine(context, w[:, None], dim=3)  # [c, N, K]
        relevance = (gamma2 * relevance).masked_fill(~valid[:, None, :], float("-inf"))
        aggregated = torch.logsumexp(relevance, dim=2)  # [c, N]
        if formula == "paper":
            aggregated = aggregated / gamma2
        scores.append(aggregated)
        own = torch.arange(start, start + w.shape[0], device=words.device)
        attention.append(weights[torch.arange(w.shape[0], device=words.device), own].detach())
    logits = gamma3 * torch.cat(scores, dim=0).T
    maps = torch.cat(attention, dim=0).reshape(n_texts, n_words, height, width)
    return logits, maps


@full_precision
def gloria_loss(
    image_local: Tensor,
    image_global: Tensor,
    words: Tensor,
    word_mask: Tensor,
    text_global: Tensor,
    *,
    gamma1: float = 4.0,
    gamma2: float = 5.0,
    gamma3: float = 10.0,
    local_weight: float = 1.0,
    global_weight: float = 1.0,
    formula: Literal["official", "paper"] = "official",
    gather: bool = False,
) -> GloriaLossOutput:
    """GLoRIA loss on a batch of ``N`` image-report pairs.

    Args:
        image_local: ``[N, D, H, W]`` local image embeddings (layer3 through a 1x1 convolution).
        image_global: ``[N, D]`` global image embeddings (pooled layer4 through a Linear).
        words: ``[N, K, D]`` word embeddings (WordPieces summed into whole words).
        word_mask: ``[N, K]`` bool, True for ``[CLS]`` and whole words.
        text_global: ``[N, D]`` sentence embeddings.
        gamma1: attention temperature (4).
        gamma2: word aggregation (5).
        gamma3: logit scale (10).
        local_weight: weight of the two local terms (1).
        global_weight: weight of the two global terms (1).
        formula: ``"official"`` (default, the released code) or ``"paper"``.
        gather: compute the loss of the global batch under DDP.

    Returns:
        :class:`GloriaLossOutput` (under DDP with ``gather``: of the global batch, on every rank).
    """
    image_local, image_global, words, text_global = promote(
        image_local, image_global, words, text_global
    )
    if gather and world_size() > 1:
        longest = all_reduce_max(words.shape[1], words.device)
        extra = longest - words.shape[1]
        words = functional.pad(words, (0, 0, 0, extra))
        word_mask = functional.pad(word_mask.bool(), (0, extra), value=False)
        image_local, image_global = gather_with_grad(image_local), gather_with_grad(image_global)
        words, text_global = gather_with_grad(words), gather_with_grad(text_global)
        word_mask = gather_no_grad(word_mask.to(torch.uint8)).bool()
    logits_local, attention = gloria_local_logits(
        image_local,
        words,
        word_mask.bool(),
        gamma1=gamma1,
        gamma2=gamma2,
        gamma3=gamma3,
        formula=formula,
    )
    local_i2t, local_t2i = _two_way_cross_entropy(logits_local)
    logits_global = gloria_global_logits(image_global, text_global, gamma3)
    global_i2t, global_t2i = _two_way_cross_entropy(logits_global)
    total = local_weight * (local_i2t + local_t2i) + global_weight * (global_i2t + global_t2i)
    return GloriaLossOutput(total, local_i2t, local_t2i, global_i2t, global_t2i, attention)
