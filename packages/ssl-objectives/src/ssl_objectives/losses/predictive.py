"""Predictive losses on masked inputs: CNN-JEPA's latent regression and MAE's pixel reconstruction.

CNN-JEPA (Kalapos & Gyires-Toth 2024): predictor output ``p`` and EMA target ``t`` are L2-normalised over
channels at every position; the smooth-L1 (beta 1) error is summed over channels and averaged over the
predicted positions ``m`` (1 = predicted):

    L = sum_{n,h,w} m_nhw * sum_c SmoothL1(p_nchw, t_nchw) / (sum m + 1e-8).

With ``gather=True`` under DDP the denominator is the predicted-position count of the GLOBAL batch (divided
by the number of ranks), so the mean of the ranks' losses, and DDP's averaged gradient, are those of one
process on the concatenated batch (the per-rank mean differs when ranks mask different numbers of cells).

MAE (He et al. 2022, facebookresearch/mae): per-patch mean squared error over the ``P`` pixel values,
averaged over masked patches only; with ``norm_pix_loss`` the target patch is standardised first,
``(x - mean) / sqrt(var + 1e-6)`` (unbiased variance, as ``Tensor.var`` in the official code):

    L = sum_{n,l} m_nl * mean_p (pred_nlp - target_nlp)^2 / sum m.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional

from ssl_objectives.distributed import all_reduce_sum, world_size
from ssl_objectives.losses.precision import full_precision, promote


@full_precision
def cnn_jepa_loss(pred: Tensor, target: Tensor, mask: Tensor, *, gather: bool = False) -> Tensor:
    """CNN-JEPA loss over the predicted positions.

    Args:
        pred: ``[N, C, H, W]`` predictor output.
        target: ``[N, C, H, W]`` target-encoder features (no gradient expected).
        mask: ``[N, H, W]``, 1 where the position is predicted.
        gather: normalise by the global count of predicted positions under DDP.

    Returns:
        Scalar loss.
    """
    pred, target, weights = promote(pred, target, mask)
    p, t = functional.normalize(pred, dim=1), functional.normalize(target, dim=1)
    per_position = functional.smooth_l1_loss(p, t, reduction="none", beta=1.0).sum(dim=1)
    denominator = weights.sum().detach() + 1e-8
    if gather and world_size() > 1:
        denominator = (all_reduce_sum(weights.sum().detach()) + 1e-8) / world_size()
    return (per_position * weights).sum() / denominator


@full_precision
def mae_loss(pred: Tensor, target: Tensor, mask: Tensor, norm_pix_loss: bool = False) -> Tensor:
    """MAE reconstruction loss on masked patches.

    Args:
        pred: ``[N, L, P]`` decoder output per patch (``P = patch^2 * channels``).
        target: ``[N, L, P]`` patchified image.
        mask: ``[N, L]``, 1 for masked (reconstructed) patches, 0 for visible ones.
        norm_pix_loss: standardise each target patch by its own mean and variance.

    Returns:
        Scalar loss.
    """
    pred, target, weights = promote(pred, target, mask)
    if norm_pix_loss:
        mean = target.mean(dim=-1, keepdim=True)
        var = target.var(dim=-1, keepdim=True)
        target = (target - mean) / torch.sqrt(var + 1e-6)
    per_patch = (pred - target).pow(2).mean(dim=-1)
    return (per_patch * weights).sum() / weights.sum()
