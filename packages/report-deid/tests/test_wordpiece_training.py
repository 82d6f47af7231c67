"""Deterministic WordPiece training: same bytes in any process, order invariance, merges, limits."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

from report_deid.phi_types import PLACEHOLDER_TOKENS
from report_deid.tokenization import (
    SPECIAL_TOKENS,
    learn_vocabulary,
    load_tokenizer,
    train_wordpiece,
)
from transformers import AutoTokenizer

CORPUS = [
    "Mild medial joint space narrowing with small osteophytes.",
    "Moderate osteoarthritis with subchondral sclerosis.",
    "Severe tricompartmental osteoarthritis, bone on bone.",
    "No joint effusion. Normal alignment.",
    "Small joint effusion; mild narrowing of the medial compartment.",
    "Chondrocalcinosis of the lateral meniscus.",
] * 20 + ["Pellegrini-Stieda calcification once.", "Hoffa fat pad edema noted."]

_TRAIN = """
import sys
from pathlib import Path
from report_deid.tokenization import train_wordpiece
texts = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
train_wordpiece(texts, Path(sys.argv[2]), vocab_size=int(sys.argv[3]))
"""


def _vocab(folder: Path) -> dict[str, int]:
    return json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]


def test_two_processes_write_identical_bytes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS), encoding="utf-8")
    outputs = []
    for seed in ("1", "2"):  # different string hash seeds, as two unrelated runs would have
        out = tmp_path / f"tok{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", _TRAIN, str(corpus), str(out), "150"], check=True, env=env
        )
        outputs.append((out / "tokenizer.json").read_bytes())
    assert outputs[0] == outputs[1]
    in_process = train_wordpiece(CORPUS, tmp_path / "here", vocab_size=150)
    assert (tmp_path / "here" / "tokenizer.json").read_bytes() == outputs[0]
    assert len(in_process) == 150


def test_text_order_does_not_change_the_vocabulary(tmp_path: Path) -> None:
    shuffled = list(CORPUS)
    random.Random(0).shuffle(shuffled)
    train_wordpiece(CORPUS, tmp_path / "a", vocab_size=150)
    train_wordpiece(iter(shuffled), tmp_path / "b", vocab_size=150)
    assert _vocab(tmp_path / "a") == _vocab(tmp_path / "b")


def test_frequent_words_whole_rare_words_split_unknown_characters(tmp_path: Path) -> None:
    tokenizer = train_wordpiece(CORPUS, tmp_path / "tok", vocab_size=1000)
    assert [tokenizer.convert_ids_to_tokens(i) for i in range(5)] == list(SPECIAL_TOKENS)
    tokens = tokenizer.convert_ids_to_tokens(
        tokenizer("Mild osteoarthritis. Calcification ж")["input_ids"]
    )
    assert tokens[0] == "[CLS]"
    assert tokens[-1] == "[SEP]"
    assert tokens[1:4] == ["mild", "osteoarthritis", "."]  # 20 occurrences each: one token
    rare = tokens[4:-2]  # "calcification" occurs once: never a whole word, pieces with ##
    assert len(rare) > 1
    assert not rare[0].startswith("##")
    assert all(piece.startswith("##") for piece in rare[1:])
    assert tokenizer.decode(tokenizer("calcification")["input_ids"], skip_special_tokens=True) == (
        "calcification"
    )
    assert tokens[-2] == "[UNK]"  # a character never seen in training


def test_merges_follow_counts_then_strings() -> None:
    vocab = learn_vocabulary(Counter({"ab": 3, "cd": 3, "ef": 1}), vocab_size=100)
    alphabet = ["a", "b", "c", "d", "e", "f", "##b", "##d", "##f"]
    assert vocab == [
        *SPECIAL_TOKENS,
        *PLACEHOLDER_TOKENS,
        *alphabet,
        "ab",
        "cd",
    ]  # tie at 3: "ab" first; "ef" once
    # ##a ##a: 4; then ("##aa", "##a") and ("a", "##aa") tie at 2 and "#" sorts before "a"
    assert learn_vocabulary(Counter({"aaaa": 2}), vocab_size=100)[
        5 + len(PLACEHOLDER_TOKENS) :
    ] == [
        "a",
        "##a",
        "##aa",
        "##aaa",
        "aaaa",
    ]


def test_saved_folder_loads_and_encodes(tmp_path: Path) -> None:
    trained = train_wordpiece(CORPUS, tmp_path / "tok", vocab_size=200)
    loaded = load_tokenizer(tmp_path / "tok")
    text = "moderate joint effusion, normal alignment."
    assert loaded(text)["input_ids"] == trained(text)["input_ids"]
    assert loaded.model_max_length == 512
    assert loaded.decode(loaded(text)["input_ids"], skip_special_tokens=True) == text
    auto = AutoTokenizer.from_pretrained(tmp_path / "tok", local_files_only=True)
    assert auto(text)["input_ids"] == trained(text)["input_ids"]


def test_vocab_size_is_respected(tmp_path: Path) -> None:
    for size in (80, 110, 140):
        tokenizer = train_wordpiece(CORPUS, tmp_path / str(size), vocab_size=size)
        assert len(tokenizer) == size
        assert len(_vocab(tmp_path / str(size))) == size
    large = train_wordpiece(CORPUS, tmp_path / "large", vocab_size=100_000)
    assert len(large) < 100_000  # stops when no pair occurs twice
