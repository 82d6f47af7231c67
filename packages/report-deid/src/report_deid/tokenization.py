"""WordPiece tokenization to at most 512 tokens: a local Bio_ClinicalBERT directory or a trained vocabulary.

- :func:`load_tokenizer`: a directory with ``tokenizer.json`` (trained here, or any fast tokenizer) or with
  ``vocab.txt`` (+ ``config.json``; the Bio_ClinicalBERT layout, which has no tokenizer config). Loaded with
  ``local_files_only=True``; ``model_max_length`` is forced to 512 because Bio_ClinicalBERT's folder leaves
  it unlimited; placeholders missing from its vocabulary are added as special tokens (ids after the
  vocabulary: the model's embedding matrix must be resized). Nothing is downloaded.
- :func:`train_wordpiece`: a BERT-style WordPiece vocabulary (lower-casing BertNormalizer, BertPreTokenizer,
  ``[PAD] [UNK] [CLS] [SEP] [MASK]`` with ids 0-4, the PHI placeholders ``[NAME]`` ... ``[PHI]`` as special
  tokens right after them, ``[CLS] $A [SEP]``, ``##`` continuation prefix) learned on the local corpus
  and saved as ``tokenizer.json`` plus a transformers tokenizer config.
- :func:`encode_reports`: token ids and attention masks of the cleaned report, and each sentence's token span.

The vocabulary is learned here, in Python, not with ``tokenizers``' ``WordPieceTrainer``: that trainer keeps
its counts in Rust hash maps with a per-process random state and breaks frequency ties by iteration order, so
one corpus trained in two processes gives different vocabularies. The procedure is the same BPE-style one:

1. :func:`count_words`: normalise and pre-tokenize every text with the ``tokenizers`` BertNormalizer and
   BertPreTokenizer (both deterministic) and count the words.
2. :func:`learn_vocabulary`: split each word into characters, the first as is and the others with ``##``
   (``knee`` -> ``k ##n ##e ##e``); the vocabulary starts with the special tokens, every character (sorted by
   code point) and every ``##`` character (sorted). Then repeatedly merge the adjacent pair with the highest
   count (summed over word frequencies), ties broken by the pair's strings (smallest first), into one token
   (``##n`` + ``##e`` -> ``##ne``, ``k`` + ``##ne`` -> ``kne``), until the vocabulary holds ``vocab_size``
   tokens or no pair occurs at least :data:`MIN_FREQUENCY` (2) times. Pair counts and an index of the words
   holding each pair are updated only for the words a merge touches, and a heap with lazy deletion finds the
   next pair, so 30,000 merges over ~30,000 unique words take seconds, not hours.

The result depends only on the multiset of words (not on the order of the texts, the process, the hash seed
or the thread count), so the same texts and ``vocab_size`` give a byte-identical ``tokenizer.json``.
"""

from __future__ import annotations

import heapq
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

os.environ.setdefault(
    "TRANSFORMERS_VERBOSITY", "error"
)  # no "PyTorch was not found" banner: torch is not used

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import BertTokenizerFast, PreTrainedTokenizerFast

from report_deid.errors import ModelNotFoundError
from report_deid.phi_types import PLACEHOLDER_TOKENS

MAX_LENGTH = 512
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
CONTINUATION = "##"
MIN_FREQUENCY = 2

Pair = tuple[str, str]


def count_words(texts: Iterable[str]) -> Counter[str]:
    """Count the words of ``texts`` after BERT normalisation (lower-case) and pre-tokenization."""
    normalizer = normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    counts: Counter[str] = Counter()
    for text in texts:
        for token in PLACEHOLDER_TOKENS:  # special tokens: never split into "[", "name", "]"
            text = text.replace(token, " ")
        pieces = pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))
        counts.update(word for word, _ in pieces)
    return counts


def _merge_word(symbols: list[str], pair: Pair, merged: str) -> list[str]:
    """``symbols`` with each non-overlapping ``pair`` (left to right) replaced by ``merged``."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(merged)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def learn_vocabulary(
    word_counts: Mapping[str, int], vocab_size: int, min_frequency: int = MIN_FREQUENCY
) -> list[str]:
    """Learn a WordPiece vocabulary by deterministic BPE-style merges (see the module docstring).

    Args:
        word_counts: frequency of each pre-tokenized word.
        vocab_size: the most tokens to keep; the special tokens and the character alphabet are always kept,
            even when they alone exceed it.
        min_frequency: a pair is merged only if it occurs at least this many times.

    Returns:
        The tokens in id order: special tokens, placeholders (``[NAME]`` ... ``[PHI]``), characters, ``##``
        characters, then merges in merge order.
    """
    words = sorted(w for w, c in word_counts.items() if c > 0 and w)
    counts = [word_counts[w] for w in words]
    splits = [[w[0]] + [CONTINUATION + ch for ch in w[1:]] for w in words]
    initial = sorted({ch for w in words for ch in w})
    continued = sorted({s for symbols in splits for s in symbols[1:]})
    vocab = list(dict.fromkeys([*SPECIAL_TOKENS, *PLACEHOLDER_TOKENS, *initial, *continued]))
    known = set(vocab)

    pair_counts: Counter[Pair] = Counter()
    where: dict[Pair, set[int]] = {}
    for index, (symbols, count) in enumerate(zip(splits, counts, strict=True)):
        for pair in pairwise(symbols):
            pair_counts[pair] += count
            where.setdefault(pair, set()).add(index)
    heap = [(-count, pair) for pair, count in pair_counts.items()]
    heapq.heapify(heap)

    while len(vocab) < vocab_size and heap:
        negative, pair = heapq.heappop(heap)
        # a stale entry (the pair's count changed after it was pushed) is skipped
        if pair_counts.get(pair, 0) != -negative:
            continue
        if -negative < min_frequency:
            break
        merged = pair[0] + pair[1].removeprefix(CONTINUATION)
        if merged not in known:  # two pairs may spell the same token (##ab ##c, ##a ##bc)
            known.add(merged)
            vocab.append(merged)
        changed: set[Pair] = set()
        for index in sorted(where.pop(pair)):
            old = splits[index]
            new = _merge_word(old, pair, merged)
            if len(new) == len(old):  # the index is stale: this word no longer holds the pair
                continue
            delta: Counter[Pair] = Counter(pairwise(new))
            delta.subtract(pairwise(old))
            for other, times in delta.items():
                if times:
                    pair_counts[other] += times * counts[index]
                    changed.add(other)
                    if times > 0:
                        where.setdefault(other, set()).add(index)
            splits[index] = new
        del pair_counts[pair]
        changed.discard(pair)
        for other in changed:
            if pair_counts[other] > 0:
                heapq.heappush(heap, (-pair_counts[other], other))
            else:
                del pair_counts[other]
                where.pop(other, None)
    return vocab


def train_wordpiece(
    texts: Iterable[str], out_dir: Path, vocab_size: int = 8000
) -> PreTrainedTokenizerFast:
    """Learn a WordPiece vocabulary on ``texts`` and save it to ``out_dir``.

    Deterministic: the same texts (in any order) and ``vocab_size`` give a byte-identical ``tokenizer.json``
    in any process.

    Returns:
        The tokenizer, ready to encode (max length 512).
    """
    vocab = learn_vocabulary(count_words(texts), vocab_size)
    tokenizer = Tokenizer(
        models.WordPiece(
            vocab={token: i for i, token in enumerate(vocab)},
            unk_token="[UNK]",
            continuing_subword_prefix=CONTINUATION,
        )
    )
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    tokenizer.decoder = decoders.WordPiece(prefix=CONTINUATION)
    tokenizer.add_special_tokens([*SPECIAL_TOKENS, *PLACEHOLDER_TOKENS])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        model_max_length=MAX_LENGTH,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        additional_special_tokens=list(PLACEHOLDER_TOKENS),
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
    missing = [token for token in PLACEHOLDER_TOKENS if token not in tokenizer.get_vocab()]
    if (
        missing
    ):  # e.g. Bio_ClinicalBERT: new ids after its vocabulary (resize the model's embeddings)
        tokenizer.add_special_tokens({"additional_special_tokens": missing})
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
