"""Image-report methods: ConVIRT and GLoRIA (need the ``ssl-objectives[text]`` extra).

ConVIRT (Zhang et al. 2022): image = pooled backbone features through ``Linear-ReLU-Linear`` to 512; text =
max-pool of BERT's last layer over the sentence's real tokens through ``Linear-ReLU-Linear`` to 512; loss
:func:`~ssl_objectives.losses.convirt_loss` (lambda 0.75, tau 0.1). Embeddings and the first 6 BERT layers
frozen.

GLoRIA (Huang et al. 2021; official code): local image features = ResNet ``layer3`` through a bias-free 1x1
convolution to the BERT width (the layer3 width is read from the backbone: 256 for ResNet-18/34, 1024 for
ResNet-50 - the official helper hard-codes 1024); global = pooled ``layer4`` through a Linear. Text = the
sum of BERT's last 4 hidden layers; words = WordPieces summed into whole words (``[CLS]`` included,
``[SEP]``/padding excluded); sentence = mean over the real tokens (the official sentence vector up to a
scale, which the cosine in the global loss ignores). Loss :func:`~ssl_objectives.losses.gloria_loss`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor, nn

from ssl_objectives.backbones import Backbone, ResNetBackbone
from ssl_objectives.errors import ConfigError
from ssl_objectives.heads import mlp_head
from ssl_objectives.losses import convirt_loss, gloria_loss
from ssl_objectives.methods.base import Logs, SSLMethod
from ssl_objectives.text_batch import ImageTextBatch
from ssl_objectives.text_encoder import BertTextEncoder


@dataclass(frozen=True)
class ConVIRTConfig:
    """ConVIRT defaults (paper).

    Attributes:
        projection_dim: joint embedding width (512).
        temperature: ``tau`` (0.1).
        lambda_: image->text weight (0.75).
        freeze_layers: BERT embeddings + first N layers frozen (6).
        gather: use every process's pairs as negatives under DDP (no-op in one process).
    """

    projection_dim: int = 512
    temperature: float = 0.1
    lambda_: float = 0.75
    freeze_layers: int = 6
    gather: bool = True


@dataclass(frozen=True)
class GLoRIAConfig:
    """GLoRIA defaults (official code).

    Attributes:
        gamma1: attention temperature (4). gamma2: word aggregation (5). gamma3: logit scale (10).
        local_weight: 1. global_weight: 1.
        last_n_layers: BERT hidden layers summed (4).
        freeze_layers: BERT layers frozen (0: the official code trains all of BERT).
        formula: ``"official"`` (code) or ``"paper"`` local loss.
        gather: under DDP, every rank computes the loss of the GLOBAL batch on gathered embeddings
            (no-op in one process).
    """

    gamma1: float = 4.0
    gamma2: float = 5.0
    gamma3: float = 10.0
    local_weight: float = 1.0
    global_weight: float = 1.0
    last_n_layers: int = 4
    freeze_layers: int = 0
    formula: Literal["official", "paper"] = "official"
    gather: bool = True


class ConVIRT(SSLMethod):
    """ConVIRT; ``forward(ImageTextBatch) -> (loss, logs)``."""

    method_name = "convirt"

    def __init__(
        self, backbone: Backbone, text_encoder: BertTextEncoder, config: ConVIRTConfig | None = None
    ) -> None:
        super().__init__()
        self.config = config or ConVIRTConfig()
        self.encoder = backbone
        self.text_encoder = text_encoder
        text_encoder.freeze(self.config.freeze_layers)
        dim = self.config.projection_dim
        self.image_projection = mlp_head(backbone.feature_dim, backbone.feature_dim, dim)
        self.text_projection = mlp_head(text_encoder.width, text_encoder.width, dim)

    def embed_text(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        """``[N, T]`` -> ``[N, width]``: max over the real tokens of the last hidden layer."""
        last = self.text_encoder(input_ids, attention_mask)[-1]
        real = attention_mask.bool()[:, :, None]
        return last.masked_fill(~real, torch.finfo(last.dtype).min).amax(dim=1)

    def forward(self, batch: ImageTextBatch) -> tuple[Tensor, Logs]:
        """Images ``[N, C, H, W]`` and their sentences -> ConVIRT loss."""
        v = self.image_projection(self.encoder(batch.images))
        u = self.text_projection(self.embed_text(batch.text.input_ids, batch.text.attention_mask))
        c = self.config
        loss = convirt_loss(v, u, c.temperature, c.lambda_, gather=c.gather)
        return loss, {"loss": loss.detach()}


def aggregate_words(tokens: Tensor, word_index: Tensor) -> tuple[Tensor, Tensor]:
    """Sum WordPiece features into whole words.

    Args:
        tokens: ``[N, T, D]`` token features.
        word_index: ``[N, T]`` word of each token, ``-1`` for none.

    Returns:
        ``(words [N, K, D], mask [N, K] bool)`` with ``K`` the largest word count of the batch.
    """
    n, _, dim = tokens.shape
    count = int(word_index.max()) + 1 if word_index.numel() else 0
    if count < 1:
        raise ConfigError("no words in the text batch (every sentence needs at least [CLS])")
    slot = word_index.clamp(min=0)
    weights = (word_index >= 0).to(tokens.dtype)[:, :, None]
    words = tokens.new_zeros(n, count, dim)
    words.scatter_add_(1, slot[:, :, None].expand(-1, -1, dim), tokens * weights)
    words_per_row = word_index.amax(dim=1) + 1  # words are numbered 0, 1, ... in order
    present = torch.arange(count, device=tokens.device)[None, :] < words_per_row[:, None]
    return words, present


class GLoRIA(SSLMethod):
    """GLoRIA on a ResNet; ``forward(ImageTextBatch) -> (loss, logs)``."""

    method_name = "gloria"

    def __init__(
        self, backbone: Backbone, text_encoder: BertTextEncoder, config: GLoRIAConfig | None = None
    ) -> None:
        super().__init__()
        if not isinstance(backbone, ResNetBackbone):
            raise ConfigError("GLoRIA needs a ResNet backbone (local features from layer3)")
        self.config = config or GLoRIAConfig()
        if not 1 <= self.config.last_n_layers <= text_encoder.num_layers + 1:
            raise ConfigError(f"last_n_layers must be in [1, {text_encoder.num_layers + 1}]")
        self.encoder = backbone
        self.text_encoder = text_encoder
        text_encoder.freeze(self.config.freeze_layers)
        width = text_encoder.width
        self.local_embedder = nn.Conv2d(backbone.layer3_channels, width, kernel_size=1, bias=False)
        self.global_embedder = nn.Linear(backbone.feature_dim, width)

    def embed_text(
        self, input_ids: Tensor, attention_mask: Tensor, word_index: Tensor
    ) -> tuple[Tensor, Tensor, Tensor]:
        """``(words [N, K, D], word_mask [N, K], sentence [N, D])``."""
        hidden = self.text_encoder(input_ids, attention_mask)
        summed = torch.stack(hidden[-self.config.last_n_layers :]).sum(dim=0)
        words, mask = aggregate_words(summed, word_index)
        real = attention_mask.to(summed.dtype)[:, :, None]
        sentence = (summed * real).sum(dim=1) / real.sum(dim=1).clamp(min=1.0)
        return words, mask, sentence

    def forward(self, batch: ImageTextBatch) -> tuple[Tensor, Logs]:
        """Images ``[N, C, H, W]`` and their sentences -> GLoRIA loss (local + global)."""
        maps = self.encoder.feature_maps(batch.images)
        local = self.local_embedder(maps["layer3"])
        global_ = self.global_embedder(maps["layer4"].mean(dim=(2, 3)))
        text = batch.text
        words, word_mask, sentence = self.embed_text(
            text.input_ids, text.attention_mask, text.word_index
        )
        c = self.config
        out = gloria_loss(
            local,
            global_,
            words,
            word_mask,
            sentence,
            gamma1=c.gamma1,
            gamma2=c.gamma2,
            gamma3=c.gamma3,
            local_weight=c.local_weight,
            global_weight=c.global_weight,
            formula=c.formula,
            gather=c.gather,
        )
        logs = {
            "loss": out.loss.detach(),
            "local": (out.local_image_to_text + out.local_text_to_image).detach(),
            "global": (out.global_image_to_text + out.global_text_to_image).detach(),
        }
        return out.loss, logs
