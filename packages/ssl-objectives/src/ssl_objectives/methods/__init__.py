"""The seven methods behind one interface (:class:`~ssl_objectives.methods.base.SSLMethod`)."""

from ssl_objectives.methods.base import SSLMethod
from ssl_objectives.methods.image_text import ConVIRT, ConVIRTConfig, GLoRIA, GLoRIAConfig
from ssl_objectives.methods.moco import MoCoV2, MoCoV2Config
from ssl_objectives.methods.predictive import CNNJEPA, MAE, CNNJEPAConfig, MAEConfig
from ssl_objectives.methods.redundancy import BarlowTwins, BarlowTwinsConfig, VICReg, VICRegConfig

METHODS: dict[str, tuple[type[SSLMethod], type]] = {
    "moco_v2": (MoCoV2, MoCoV2Config),
    "barlow_twins": (BarlowTwins, BarlowTwinsConfig),
    "vicreg": (VICReg, VICRegConfig),
    "cnn_jepa": (CNNJEPA, CNNJEPAConfig),
    "mae": (MAE, MAEConfig),
    "convirt": (ConVIRT, ConVIRTConfig),
    "gloria": (GLoRIA, GLoRIAConfig),
}
TEXT_METHODS = frozenset({"convirt", "gloria"})

__all__ = [
    "CNNJEPA",
    "MAE",
    "METHODS",
    "TEXT_METHODS",
    "BarlowTwins",
    "BarlowTwinsConfig",
    "CNNJEPAConfig",
    "ConVIRT",
    "ConVIRTConfig",
    "GLoRIA",
    "GLoRIAConfig",
    "MAEConfig",
    "MoCoV2",
    "MoCoV2Config",
    "SSLMethod",
    "VICReg",
    "VICRegConfig",
]
