"""Cleaning, sentence splitting and tokenizer train / load / encode round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_deid import ModelNotFoundError, clean_text, prepare_sentences, split_sentences
from report_deid.tokenization import encode_reports, load_tokenizer, train_wordpiece


def test_split_sentences_keeps_decimals_and_titles() -> None:
    text = "Medial joint space 2.5 mm. Discussed with Dr. [NAME] today; no effusion!\nIMPRESSION: Mild OA."
    assert split_sentences(text) == [
        "Medial joint space 2.5 mm.",
        "Discussed with Dr. [NAME] today;",
        "no effusion!",
        "IMPRESSION: Mild OA.",
    ]


def test_clean_text() -> None:
    assert (
        clean_text("Small Baker's cyst (2.1 x 1.4 cm), [NAME]; 10% @ 5/10!")
        == "small baker s cyst 2.1 x 1.4 cm [NAME]; 10% 5/10"
    )
    assert prepare_sentences("[DATE].\nMild OA.") == ["[DATE].", "mild oa."]
    assert clean_text("Dr. [NAME] on [DATE], [PHI].") == "dr. [NAME] on [DATE], [PHI]."


CORPUS = [
    "mild medial joint space narrowing with small osteophytes.",
    "moderate osteoarthritis with subchondral sclerosis.",
    "severe tricompartmental osteoarthritis, bone on bone.",
    "no joint effusion. normal alignment.",
] * 50


def test_train_load_encode_round_trip(tmp_path: Path) -> None:
    trained = train_wordpiece(CORPUS, tmp_path / "tok", vocab_size=300)
    assert (tmp_path / "tok" / "tokenizer.json").is_file()
    loaded = load_tokenizer(tmp_path / "tok")
    sentences = [["mild medial joint space narrowing.", "no joint effusion."]]
    (encoded,) = encode_reports(loaded, sentences)
    assert encoded["input_ids"] == trained(" ".join(sentences[0]))["input_ids"]
    assert loaded.convert_ids_to_tokens(encoded["input_ids"][0]) == "[CLS]"
    assert loaded.convert_ids_to_tokens(encoded["input_ids"][-1]) == "[SEP]"
    first, second = encoded["sentence_spans"]
    assert first[0] == 1
    assert first[1] == second[0]
    assert second[1] == len(encoded["input_ids"]) - 1
    assert loaded.decode(encoded["input_ids"][second[0] : second[1]]) == "no joint effusion."
    long = [[" ".join(["osteoarthritis"] * 900)]]
    assert len(encode_reports(loaded, long)[0]["input_ids"]) == 512


def test_bio_clinicalbert_shaped_directory(tmp_path: Path) -> None:
    folder = tmp_path / "Bio_ClinicalBERT"
    folder.mkdir()
    vocab = [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        "mild",
        "joint",
        "space",
        "narrow",
        "##ing",
        ".",
    ]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    (folder / "config.json").write_text(
        json.dumps({"model_type": "bert", "vocab_size": len(vocab)})
    )
    tokenizer = load_tokenizer(folder)
    assert tokenizer.model_max_length == 512
    ids = tokenizer("mild joint space narrowing.")["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids) == [
        "[CLS]",
        "mild",
        "joint",
        "space",
        "narrow",
        "##ing",
        ".",
        "[SEP]",
    ]


def test_missing_tokenizer_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="Bio_ClinicalBERT"):
        load_tokenizer(tmp_path)
