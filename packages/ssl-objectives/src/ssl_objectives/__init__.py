"""ssl-objectives: self-supervised objectives for knee radiographs.

Losses (:mod:`ssl_objectives.losses`), methods with one interface (``forward(batch) -> (loss, logs)``,
``after_step()``, ``encoder``), batched per-sample views (:mod:`ssl_objectives.views`), backbones with local
ImageNet weights (:func:`build_backbone`), safetensors checkpoints (:func:`save_checkpoint`,
:func:`load_encoder`) and a resumable pretraining loop with the official optimiser recipes
(:func:`pretrain`) that also runs under ``torchrun`` (DDP with synchronised BatchNorm,
:func:`convert_sync_batchnorm`).
"""

from ssl_objectives.backbones import Backbone, ResNetBackbone, ViTBackbone, ViTSpec, build_backbone
from ssl_objectives.checkpoint import (
    Normalisation,
    load_checkpoint,
    load_encoder,
    read_metadata,
    save_checkpoint,
    save_encoder,
)
from ssl_objectives.errors import (
    CheckpointError,
    ConfigError,
    SSLObjectivesError,
    WeightsNotFoundError,
)
from ssl_objectives.masking import MaskingConfig
from ssl_objectives.methods import (
    CNNJEPA,
    MAE,
    METHODS,
    BarlowTwins,
    BarlowTwinsConfig,
    CNNJEPAConfig,
    ConVIRT,
    ConVIRTConfig,
    GLoRIA,
    GLoRIAConfig,
    MAEConfig,
    MoCoV2,
    MoCoV2Config,
    SSLMethod,
    VICReg,
    VICRegConfig,
)
from ssl_objectives.optim import LARS, OptimizerRecipe, official_recipe
from ssl_objectives.pretrain import (
    OneViewBatches,
    PretrainConfig,
    PretrainResult,
    TwoViewBatches,
    image_text_batches,
    one_view_batches,
    pretrain,
    two_view_batches,
)
from ssl_objectives.sync_batchnorm import convert_sync_batchnorm
from ssl_objectives.text_batch import (
    OFFICIAL_TEXT_MAX_LENGTH,
    PAPER_TEXT_MAX_LENGTH,
    ImageTextBatch,
    SentenceSampler,
    TextTokens,
)
from ssl_objectives.views import (
    TwoViews,
    ViewConfig,
    barlow_twins_views,
    mae_view,
    make_view,
    moco_v2_view,
    paper_view,
    vicreg_views,
)

__version__ = "0.2.0"

__all__ = [
    "CNNJEPA",
    "LARS",
    "MAE",
    "METHODS",
    "OFFICIAL_TEXT_MAX_LENGTH",
    "PAPER_TEXT_MAX_LENGTH",
    "Backbone",
    "BarlowTwins",
    "BarlowTwinsConfig",
    "CNNJEPAConfig",
    "CheckpointError",
    "ConVIRT",
    "ConVIRTConfig",
    "ConfigError",
    "GLoRIA",
    "GLoRIAConfig",
    "ImageTextBatch",
    "MAEConfig",
    "MaskingConfig",
    "MoCoV2",
    "MoCoV2Config",
    "Normalisation",
    "OneViewBatches",
    "OptimizerRecipe",
    "PretrainConfig",
    "PretrainResult",
    "ResNetBackbone",
    "SSLMethod",
    "SSLObjectivesError",
    "SentenceSampler",
    "TextTokens",
    "TwoViewBatches",
    "TwoViews",
    "VICReg",
    "VICRegConfig",
    "ViTBackbone",
    "ViTSpec",
    "ViewConfig",
    "WeightsNotFoundError",
    "barlow_twins_views",
    "build_backbone",
    "convert_sync_batchnorm",
    "image_text_batches",
    "load_checkpoint",
    "load_encoder",
    "mae_view",
    "make_view",
    "moco_v2_view",
    "official_recipe",
    "one_view_batches",
    "paper_view",
    "pretrain",
    "read_metadata",
    "save_checkpoint",
    "save_encoder",
    "two_view_batches",
    "vicreg_views",
]
