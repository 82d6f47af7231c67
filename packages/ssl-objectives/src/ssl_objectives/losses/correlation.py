"""Redundancy-reduction losses on two embedded views: Barlow Twins and VICReg.

Barlow Twins (Zbontar et al. 2021, facebookresearch/barlowtwins): each view is normalised by an affine-free
BatchNorm (batch mean, BIASED variance, eps 1e-5), ``C = BN(z1)^T BN(z2) / N`` (``[D, D]``) and

    L = sum_i (1 - C_ii)^2 + lambda * sum_{i != j} C_ij^2.

VICReg (Bardes et al. 2022, facebookresearch/vicreg):

    L = s * MSE(Z, Z') + v * [var(Z) + var(Z')] / 2 + c * [cov(Z) + cov(Z')],
    var(Z) = mean_j ReLU(1 - sqrt(Var(z_j) + eps))            (UNBIASED variance),
    cov(Z) = (1/D) sum_{i != j} Cov(Z)_ij^2,  Cov(Z) = (Z - mean)^T (Z - mean) / (N - 1).

With ``gather=True`` under DDP the batch statistics use the global batch (embeddings gathered with
gradients); VICReg's invariance term stays local, as in the official code.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional

from ssl_objectives.distributed import gather_with_grad
from ssl_objectives.losses.precision import full_precision, promote


def off_diagonal(matrix: Tensor) -> Tensor:
    """The ``D * (D - 1)`` off-diagonal entries of a square ``[D, D]`` matrix, flattened."""
    size = matrix.shape[0]
    return matrix.flatten()[:-1].view(size - 1, size + 1)[:, 1:].flatten()


@full_precision
def barlow_twins_loss(
    z1: Tensor, z2: Tensor, lambd: float = 0.0051, *, gather: bool = False
) -> Tensor:
    """Barlow Twins: cross-correlation of batch-normalised views pushed to the identity.

    Args:
        z1: ``[N, D]`` projections of view 1.
        z2: ``[N, D]`` projections of view 2.
        lambd: weight of the off-diagonal (redundancy) term, 0.0051 (tuned for D 8192, not rescaled).
        gather: use the global batch under DDP.

    Returns:
        Scalar ``sum_i (1 - C_ii)^2 + lambd * sum_{i != j} C_ij^2``.
    """
    z1, z2 = promote(z1, z2)
    if gather:
        z1, z2 = gather_with_grad(z1), gather_with_grad(z2)
    batch = z1.shape[0]
    c = _batch_norm(z1).T @ _batch_norm(z2) / batch
    on_diag = (torch.diagonal(c) - 1.0).pow(2).sum()
    return on_diag + lambd * off_diagonal(c).pow(2).sum()


def _batch_norm(z: Tensor, eps: float = 1e-5) -> Tensor:
    """Affine-free BatchNorm1d in training mode: ``(z - mean) / sqrt(biased var + eps)`` over the batch."""
    centred = z - z.mean(dim=0)
    return centred / torch.sqrt(centred.pow(2).mean(dim=0) + eps)


def invariance_term(z1: Tensor, z2: Tensor) -> Tensor:
    """VICReg invariance: mean squared error over all ``N * D`` entries."""
    return functional.mse_loss(z1, z2)


def variance_term(z: Tensor, eps: float = 1e-4) -> Tensor:
    """VICReg variance hinge ``mean_j ReLU(1 - sqrt(Var(z_j) + eps))`` with the unbiased variance."""
    std = torch.sqrt(z.var(dim=0, unbiased=True) + eps)
    return functional.relu(1.0 - std).mean()


def covariance_term(z: Tensor) -> Tensor:
    """VICReg covariance ``(1/D) sum_{i != j} Cov_ij^2`` of the centred ``[N, D]`` batch."""
    batch, dim = z.shape
    centred = z - z.mean(dim=0)
    cov = centred.T @ centred / (batch - 1)
    return off_diagonal(cov).pow(2).sum() / dim


@full_precision
def vicreg_loss(
    z1: Tensor,
    z2: Tensor,
    sim_coeff: float = 25.0,
    std_coeff: float = 25.0,
    cov_coeff: float = 1.0,
    eps: float = 1e-4,
    *,
    gather: bool = False,
) -> Tensor:
    """VICReg: invariance + variance + covariance on two ``[N, D]`` embeddings.

    Args:
        z1: ``[N, D]`` expander outputs of view 1.
        z2: ``[N, D]`` expander outputs of view 2.
        sim_coeff: ``s`` (25).
        std_coeff: ``v`` (25); the variance term is the MEAN of the two views' hinges.
        cov_coeff: ``c`` (1); the covariance term is the SUM over the two views.
        eps: added to the variance before the square root.
        gather: use the global batch for the variance and covariance terms under DDP.

    Returns:
        Scalar loss.
    """
    z1, z2 = promote(z1, z2)
    invariance = invariance_term(z1, z2)
    if gather:
        z1, z2 = gather_with_grad(z1), gather_with_grad(z2)
    variance = (variance_term(z1, eps) + variance_term(z2, eps)) / 2.0
    covariance = covariance_term(z1) + covariance_term(z2)
    return sim_coeff * invariance + std_coeff * variance + cov_coeff * covariance
