"""WordPiece tokenization to at most 512 tokens: a local Bio_ClinicalBERT directory or a trained vocabulary.

- :func:`load_tokenizer`: a directory with ``tokenizer.json`` (trained here, or any fast tokenizer) or with
  ``vocab.txt`` (+ ``config.json``; the Bio_ClinicalBERT layout, which has no tokenizer config). Loaded with
  ``local_files_only=True``; ``model_max_length`` is forced to 512 because Bio_ClinicalBERT's folder leaves
  it unlimited. Nothing is downloaded.
- :func:`train_wordpiece`: a BERT-style WordPiece vocabulary (lower-casing BertNormalizer, BertPreTokenizer,
  ``[PAD] [UNK] [CLS] [SEP] [MASK]``, ``[CLS] $A [SEP]``) trained with ``tokenizers`` on the local corpus and
  saved as ``tokenizer.json`` plus a transformers tokenizer config.
- :func:`encode_reports`: token ids and attention masks of the cleaned report, and each sentence's token span.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

os.environ.setdefault(
    "TRANSFORMERS_VERBOSITY", "error"
)  # no "PyTorch was not found" banner: torch is not used

from tokenizers import (
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
    trainers,
)
from transformers import BertTokenizerFast, PreTrainedTokenizerFast

from report_deid.errors import ModelNotFoundError

MAX_LENGTH = 512
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def train_wordpiece(
    texts: Iterable[str], out_dir: Path, vocab_size: int = 8000
) -> PreTrainedTokenizerFast:
    """Train a WordPiece vocabulary on ``texts`` and save it to ``out_dir``.

    Returns:
        The tokenizer, ready to encode (max length 512).
    """
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS), min_frequency=2
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    tokenizer.decoder = decoders.WordPiece()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        model_max_length=MAX_LENGTH,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(out_dir)
    return fast


def load_tokenizer(directory: Path, max_length: int = MAX_LENGTH) -> PreTrainedTokenizerFast:
    """Load a tokenizer from a local directory (``tokenizer.json`` or a ``vocab.txt`` BERT layout).

    Raises:
        ModelNotFoundError: the directory has neither file.
    """
    directory = Path(directory)
    if (directory / "tokenizer.json").is_file():
        tokenizer = PreTrainedTokenizerFast.from_pretrained(directory, local_files_only=True)
    elif (directory / "vocab.txt").is_file():
        tokenizer = BertTokenizerFast.from_pretrained(directory, local_files_only=True)
    else:
        raise ModelNotFoundError(
            f"{directory} holds no tokenizer: give the folder of a Bio_ClinicalBERT download (vocab.txt and "
            "config.json, e.g. from the emilyalsentzer/Bio_ClinicalBERT model card) or one made by "
            "`report-deid train-tokenizer`"
        )
    tokenizer.model_max_length = max_length
    return tokenizer


def encode_reports(
    tokenizer: PreTrainedTokenizerFast,
    reports: Sequence[Sequence[str]],
    max_length: int = MAX_LENGTH,
) -> list[dict[str, list[int] | list[list[int]]]]:
    """Encode each report (a list of cleaned sentences joined by spaces).

    Returns:
        Per report: ``input_ids``, ``attention_mask`` (no padding: all ones), and ``sentence_spans``,
        ``[start, end)`` token positions of each sentence inside ``input_ids`` (sentences cut by truncation
        are clipped; sentences past the limit are dropped).
    """
    texts = [" ".join(sentences) for sentences in reports]
    encoded = tokenizer(texts, truncation=True, max_length=max_length, return_offsets_mapping=True)
    out = []
    for sentences, ids, mask, offsets in zip(
        reports,
        encoded["input_ids"],
        encoded["attention_mask"],
        encoded["offset_mapping"],
        strict=True,
    ):
        bounds, position = [], 0
        for sentence in sentences:
            bounds.append((position, position + len(sentence)))
            position += len(sentence) + 1
        spans = []
        for start_char, end_char in bounds:
            tokens = [
                i for i, (a, b) in enumerate(offsets) if b > a and a >= start_char and b <= end_char
            ]
            if tokens:
                spans.append([tokens[0], tokens[-1] + 1])
        out.append({"input_ids": list(ids), "attention_mask": list(mask), "sentence_spans": spans})
    return out
