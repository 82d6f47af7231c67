"""Projection heads (the official layer recipes).

- :func:`mlp_head`: ``Linear-ReLU-Linear`` without BatchNorm (MoCo v2; ConVIRT's projections).
- :func:`expander`: ``[Linear-BN-ReLU] x (len(dims) - 2)`` then a bias-free ``Linear`` (Barlow Twins: no bias
  anywhere; VICReg: bias on the hidden Linears).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from torch import nn


def mlp_head(in_dim: int, hidden_dim: int, out_dim: int) -> nn.Sequential:
    """``Linear(in, hidden) - ReLU - Linear(hidden, out)``."""
    return nn.Sequential(
        nn.Linear(in_dim, hidden_dim), nn.ReLU(inplace=True), nn.Linear(hidden_dim, out_dim)
    )


def expander(dims: Sequence[int], hidden_bias: bool) -> nn.Sequential:
    """``dims = (in, h1, ..., out)``: hidden ``Linear(bias)-BN-ReLU`` blocks, then a bias-free Linear."""
    layers: list[nn.Module] = []
    for a, b in pairwise(dims[:-1]):
        layers += [nn.Linear(a, b, bias=hidden_bias), nn.BatchNorm1d(b), nn.ReLU(inplace=True)]
    layers.append(nn.Linear(dims[-2], dims[-1], bias=False))
    return nn.Sequential(*layers)
