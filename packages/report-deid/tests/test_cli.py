"""The report-deid command line, end to end, as the README shows it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from report_deid.cli import main


def test_synth_scrub_evaluate_tokenize(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    assert (
        main(["synth", "--n", "60", "--seed", "4", "--families", "test", "--out", str(gold)]) == 0
    )
    scrubbed = tmp_path / "scrubbed.jsonl"
    assert main(["scrub", str(gold), "--out", str(scrubbed)]) == 0
    original = [json.loads(line) for line in gold.read_text().splitlines()]
    output = [json.loads(line) for line in scrubbed.read_text().splitlines()]
    assert [r["id"] for r in output] == [r["id"] for r in original]
    assert set(output[0]) == set(original[0])
    for before, after in zip(original, output, strict=True):
        for span in before["phi"]:
            assert before["text"][span["start"] : span["end"]] not in after["text"]
    audit = pd.read_csv(tmp_path / "scrubbed.audit.csv")
    assert set(audit["entity_type"]) >= {"NAME", "DATE", "ID"}
    capsys.readouterr()
    assert main(["evaluate", "--gold", str(gold), "--bootstrap", "20", "--clean-n", "20"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("span_recall", "span_precision", "token_recall", "f2", "doc_leak_rate", "per_type"):
        assert key in result
    tokenizer = tmp_path / "tok"
    assert (
        main(["train-tokenizer", str(scrubbed), "--out", str(tokenizer), "--vocab-size", "400"])
        == 0
    )
    corpus = tmp_path / "corpus.parquet"
    assert (
        main(["tokenize", str(scrubbed), "--tokenizer", str(tokenizer), "--out", str(corpus)]) == 0
    )
    frame = pd.read_parquet(corpus)
    assert list(frame["report_id"]) == [r["id"] for r in original]
    assert {
        "impression",
        "sentences",
        "input_ids",
        "attention_mask",
        "sentence_spans",
        "kl",
    } <= set(frame.columns)
    for text in frame["impression"]:  # lower-case apart from the placeholders, which stay tokens
        assert re.sub(r"\[[A-Z]+\]", "", text) == re.sub(r"\[[A-Z]+\]", "", text).lower()
    assert any("[NAME]" in text for text in frame["impression"])
    assert all(len(ids) <= 512 for ids in frame["input_ids"])


def test_scrub_csv_to_parquet_with_a_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "reports.csv"
    pd.DataFrame(
        {"report_id": ["1", "2"], "impression": ["Read by: Zebulon Quux", ""], "site": ["x", "y"]}
    ).to_csv(source, index=False)
    out = tmp_path / "out.parquet"
    assert main(["scrub", str(source), "--out", str(out), "--text-field", "impression"]) == 0
    frame = pd.read_parquet(out)
    assert frame["impression"].tolist() == ["Read by: [NAME]", ""]
    assert frame["site"].tolist() == ["x", "y"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "Dr. Zebulon Quux"}\n{"id": "b", "text": 7}\n')
    assert main(["scrub", str(bad), "--out", str(tmp_path / "bad_out.jsonl")]) == 0
    errors = pd.read_csv(tmp_path / "bad_out.errors.csv")
    assert errors["error"].tolist() == ["expected text, got int"]
    assert errors["line"].tolist() == [2]
    assert errors["record"].str.startswith("id:").all()  # a salted hash, never the raw id
    assert (
        "b"
        not in errors["record"]
        .str.removeprefix("id:")
        .str.replace(r"[0-9a-f]", "", regex=True)
        .sum()
    )
    assert "Zebulon" not in capsys.readouterr().err


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "text": "Dr. Zebulon Quux"}\nPatient Zebulon Quux, not json\n')
    assert main(["scrub", str(broken), "--out", str(tmp_path / "o.txt")]) == 2
    tokenize = [
        "tokenize",
        str(broken),
        "--tokenizer",
        str(tmp_path),
        "--out",
        str(tmp_path / "c.parquet"),
    ]
    assert main(tokenize) == 2
    assert "was not produced by `report-deid scrub`" in capsys.readouterr().err
    assert main([*tokenize, "--assume-scrubbed"]) == 2
    assert "holds no tokenizer" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*.tmp"))
