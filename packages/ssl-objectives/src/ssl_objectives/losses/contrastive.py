"""Contrastive losses: MoCo's InfoNCE with a queue of negatives, and ConVIRT's weighted image-text loss.

MoCo v2 (Chen et al. 2020, facebookresearch/moco): with ``q`` and ``k`` L2-normalised and a queue ``Q``
of ``K`` normalised negatives,

    logits_n = [q_n . k_n, q_n . Q_1, ..., q_n . Q_K] / T,     L = mean_n CE(logits_n, 0).

ConVIRT (Zhang et al. 2022): with cosine similarities ``s_ij = cos(v_i, u_j) / tau`` between image
embeddings ``v`` and text embeddings ``u`` of the same batch,

    l(v->u)_i = -log softmax_j(s_ij)[i],   l(u->v)_i = -log softmax_j(s_ji)[i],
    L = mean_i [lambda * l(v->u)_i + (1 - lambda) * l(u->v)_i].
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional

from ssl_objectives.distributed import gather_with_grad
from ssl_objectives.losses.precision import full_precision, promote


@full_precision
def info_nce(q: Tensor, k: Tensor, queue: Tensor, temperature: float = 0.2) -> Tensor:
    """MoCo's InfoNCE loss; the query side is ``q`` (one direction, as in the official code).

    Args:
        q: queries ``[N, D]``, raw (normalised inside).
        k: positive keys ``[N, D]``, raw (normalised inside); treated as constants by the caller
            (MoCo computes them without gradient).
        queue: negatives ``[K, D]``, already L2-normalised.
        temperature: ``T``.

    Returns:
        Scalar: ``mean_n CE([q.k+, q.Q^T] / T, 0)``, computed in float32 or float64.
    """
    q, k, queue = promote(q, k, queue)
    q, k = functional.normalize(q, dim=1), functional.normalize(k, dim=1)
    positive = (q * k).sum(dim=1, keepdim=True)
    negative = q @ queue.T
    logits = torch.cat([positive, negative], dim=1) / temperature
    target = torch.zeros(q.shape[0], dtype=torch.long, device=q.device)
    return functional.cross_entropy(logits, target)


@full_precision
def convirt_loss(
    image_emb: Tensor,
    text_emb: Tensor,
    temperature: float = 0.1,
    lambda_: float = 0.75,
    *,
    gather: bool = False,
) -> Tensor:
    """ConVIRT's bidirectional image-text loss, image->text weighted by ``lambda_``.

    Args:
        image_emb: ``[N, D]`` image projections ``v``, raw.
        text_emb: ``[N, D]`` text projections ``u`` of the paired reports, raw.
        temperature: ``tau``.
        lambda_: weight of the image->text direction.
        gather: under DDP, use every rank's pairs as candidates (the local rows are the anchors).

    Returns:
        Scalar ``mean_i [lambda l(v->u)_i + (1 - lambda) l(u->v)_i]``.
    """
    v, u = (functional.normalize(e, dim=1) for e in promote(image_emb, text_emb))
    offset = 0
    if gather:
        all_v, all_u = gather_with_grad(v), gather_with_grad(u)
        if all_v.shape[0] != v.shape[0]:
            offset = torch.distributed.get_rank() * v.shape[0]
    else:
        all_v, all_u = v, u
    target = torch.arange(v.shape[0], device=v.device) + offset
    image_to_text = functional.cross_entropy(v @ all_u.T / temperature, target, reduction="none")
    text_to_image = functional.cross_entropy(u @ all_v.T / temperature, target, reduction="none")
    return (lambda_ * image_to_text + (1.0 - lambda_) * text_to_image).mean()
