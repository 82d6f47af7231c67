"""Pure, typed loss functions of the seven methods (official formulas; see each module's docstring)."""

from ssl_objectives.losses.contrastive import convirt_loss, info_nce
from ssl_objectives.losses.correlation import (
    barlow_twins_loss,
    covariance_term,
    invariance_term,
    off_diagonal,
    variance_term,
    vicreg_loss,
)
from ssl_objectives.losses.gloria import (
    GloriaLossOutput,
    gloria_global_logits,
    gloria_local_logits,
    gloria_loss,
)
from ssl_objectives.losses.predictive import cnn_jepa_loss, mae_loss

__all__ = [
    "GloriaLossOutput",
    "barlow_twins_loss",
    "cnn_jepa_loss",
    "convirt_loss",
    "covariance_term",
    "gloria_global_logits",
    "gloria_local_logits",
    "gloria_loss",
    "info_nce",
    "invariance_term",
    "mae_loss",
    "off_diagonal",
    "variance_term",
    "vicreg_loss",
]
