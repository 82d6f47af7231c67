from __future__ import annotations

from pathlib import Path

import pytest
import torch

VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "medial",
    "lateral",
    "joint",
    "space",
    "narrowing",
    "osteo",
    "##phyte",
    "##s",
    "no",
    "acute",
    "fracture",
    "mild",
    "severe",
    "tri",
    "##compartmental",
    "degenerative",
    "change",
    "effusion",
    "small",
    "knee",
    "right",
    "left",
    "subchondral",
    "sclerosis",
    "is",
    "there",
    "and",
    "with",
    ".",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``gpu`` when CUDA is not available."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def tiny_bert_config() -> dict:
    return {
        "vocab_size": len(VOCAB),
        "hidden_size": 32,
        "num_hidden_layers": 3,
        "num_attention_heads": 2,
        "intermediate_size": 64,
        "max_position_embeddings": 64,
    }


@pytest.fixture
def tokenizer_dir(tmp_path: Path) -> Path:
    from transformers import BertTokenizerFast

    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True)
    out = tmp_path / "tokenizer"
    tokenizer.save_pretrained(str(out))
    return out


@pytest.fixture
def impressions() -> list[str]:
    return [
        "mild medial joint space narrowing. no acute fracture",
        "severe tricompartmental degenerative change with osteophytes. small effusion",
        "no acute fracture",
        "subchondral sclerosis and osteophyte. lateral joint space narrowing; small effusion",
    ]
