"""Image-report batches: sentence sampling from prepared impressions and WordPiece -> word grouping.

Impressions arrive already de-identified and cleaned (report-deid's corpus contract). Per step, ConVIRT and
GLoRIA see ONE randomly sampled sentence of each impression (:class:`SentenceSampler`), tokenised with the
text encoder's WordPiece tokenizer (``[CLS] ... [SEP]`` and padding).

GLoRIA's word features sum the WordPieces of each whole word (official ``aggregate_tokens``): ``[CLS]`` is
word 0, a token starting with ``##`` continues the current word, any other token starts a new one, and
``[SEP]`` ends the sentence; ``[SEP]`` and padding belong to no word. :func:`word_index` encodes this as an
``[N, T]`` int64 map (``-1`` = no word) so the aggregation is one ``scatter_add``.

Raw text never leaves this module: nothing here logs or stores sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from ssl_objectives.errors import ConfigError

_NUMBERED_ITEM = re.compile(r"(?:^|(?<=\s))\d+[.)](?=\s)")
_BOUNDARY = re.compile(r"[.;!?]+(?:\s+|$)|\n+")


def split_sentences(impression: str) -> list[str]:
    """Split an impression into sentences: at ``. ; ! ?`` before a space or the end, newlines, ``1.`` items.

    A full stop inside a number (``3.5 mm``) does not split.
    """
    text = _NUMBERED_ITEM.sub("\n", impression)
    parts = (p.strip() for p in _BOUNDARY.split(text))
    return [p for p in parts if p]


@dataclass(frozen=True)
class TextTokens:
    """Tokenised sentences.

    Attributes:
        input_ids: ``[N, T]`` int64.
        attention_mask: ``[N, T]`` int64, 1 for real tokens.
        word_index: ``[N, T]`` int64 word of each token (``-1``: ``[SEP]``/padding).
    """

    input_ids: Tensor
    attention_mask: Tensor
    word_index: Tensor

    def to(self, device: torch.device | str) -> TextTokens:
        """Move to ``device``."""
        return TextTokens(
            self.input_ids.to(device), self.attention_mask.to(device), self.word_index.to(device)
        )


@dataclass(frozen=True)
class ImageTextBatch:
    """One step of an image-text method: normalised images ``[N, C, H, W]`` and their sentences."""

    images: Tensor
    text: TextTokens


def word_index(tokens: Sequence[Sequence[str]], length: int) -> Tensor:
    """WordPiece strings per sentence -> ``[N, length]`` word numbers (``[CLS]`` = 0, ``-1`` = none)."""
    out = torch.full((len(tokens), length), -1, dtype=torch.long)
    for row, pieces in enumerate(tokens):
        word = -1
        for col, piece in enumerate(pieces[:length]):
            if piece in ("[SEP]", "[PAD]"):
                break
            if not piece.startswith("##") or word < 0:
                word += 1
            out[row, col] = word
    return out


OFFICIAL_TEXT_MAX_LENGTH = 97
"""Tokens per sentence in GLoRIA's official configuration (``[CLS]``/``[SEP]`` included)."""
PAPER_TEXT_MAX_LENGTH = 512
"""Tokens per sentence in the study (the paper's text encoder length; bench's paper-table configs)."""


class SentenceSampler:
    """Sample one sentence per impression and tokenise the batch.

    Args:
        tokenizer: a Hugging Face (fast) BERT tokenizer, e.g. from :func:`load_tokenizer`.
        max_length: tokens per sentence including ``[CLS]``/``[SEP]`` (default 97 =
            :data:`OFFICIAL_TEXT_MAX_LENGTH`, GLoRIA's official value; the study used
            :data:`PAPER_TEXT_MAX_LENGTH` = 512).
        seed: seed of the sampler's own random stream.
    """

    def __init__(
        self, tokenizer: Any, max_length: int = OFFICIAL_TEXT_MAX_LENGTH, seed: int = 0
    ) -> None:
        if max_length < 3:
            raise ConfigError(f"max_length must be at least 3, got {max_length}")
        self.tokenizer, self.max_length, self.seed = tokenizer, max_length, seed
        self.generator = torch.Generator().manual_seed(seed)

    def reseed(self, seed: int) -> None:
        """Restart the sentence choice from ``seed``."""
        self.generator.manual_seed(seed)

    def sample(self, impressions: Sequence[str]) -> list[str]:
        """One random sentence per impression (the whole impression when it has a single sentence)."""
        chosen = []
        for number, impression in enumerate(impressions):
            sentences = split_sentences(impression)
            if not sentences:
                raise ConfigError(
                    f"impression {number} of the batch has no words; drop empty impressions first"
                )
            pick = int(torch.randint(len(sentences), (1,), generator=self.generator))
            chosen.append(sentences[pick])
        return chosen

    def __call__(self, impressions: Sequence[str]) -> TextTokens:
        """Sample and tokenise: ``N`` impressions -> :class:`TextTokens` padded to the longest sentence."""
        return self.tokenize(self.sample(impressions))

    def tokenize(self, sentences: Sequence[str]) -> TextTokens:
        """Tokenise given sentences (no sampling)."""
        encoded = self.tokenizer(
            list(sentences),
            padding="longest",
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        ids = encoded["input_ids"].long()
        pieces = [self.tokenizer.convert_ids_to_tokens(row) for row in ids.tolist()]
        return TextTokens(ids, encoded["attention_mask"].long(), word_index(pieces, ids.shape[1]))
