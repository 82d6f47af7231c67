"""Issue 13, section 3: start-up imports, long reports, bad records, hashed ids, placeholders, scrub marks."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest
from report_deid import Scrubber
from report_deid.cli import main
from report_deid.engine import chunk_bounds
from report_deid.record_ids import RecordIds
from report_deid.text_prep import prepare_sentences
from report_deid.tokenization import encode_reports, load_tokenizer, train_wordpiece


def test_cli_and_package_import_nothing_heavy() -> None:
    code = (
        "import sys, report_deid, report_deid.cli, report_deid.scrubber; "
        "print(sorted(m for m in ('pandas', 'spacy', 'transformers', 'torch', 'presidio_analyzer') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("limit", [7, 50, 1000])
def test_chunks_cover_the_text_once_within_the_limit(limit: int) -> None:
    text = ("Line one of a report. Another sentence here\n" * 40) + "x" * 130
    pieces = list(chunk_bounds(text, limit))
    assert pieces[0][0] == 0
    assert pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(pieces))
    assert all(0 < end - start <= limit for start, end in pieces)


def test_long_report_is_scrubbed_whole_in_chunks(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": [{"LOWER": "zebulon"}, {"LOWER": "quux"}]}])  # type: ignore[attr-defined]
    nlp.to_disk(tmp_path / "model")
    scrubber = Scrubber(tmp_path / "model")
    scrubber.engine.nlp.max_length = 2_000  # the chunks must respect spaCy's limit
    filler = (
        "Mild medial joint space narrowing without effusion.\n" * 400
    )  # about 21,000 characters
    text = f"zebulon quux first. {filler}Seen by Dr. Ada Lovelace on 03/04/2021. Then zebulon quux again."
    scrubbed = scrubber.scrub(text).text
    assert "zebulon" not in scrubbed
    assert "Lovelace" not in scrubbed
    assert "03/04/2021" not in scrubbed
    assert scrubbed.count("[NAME]") == 3


def test_record_ids_are_salted_hashes() -> None:
    ids, other = RecordIds(), RecordIds()
    label = ids.hashed("MRN 12345678 Smith")
    assert label.startswith("id:")
    assert "12345678" not in label
    assert "Smith" not in label
    assert label == ids.hashed("MRN 12345678 Smith")
    assert label != other.hashed("MRN 12345678 Smith")  # a new salt per run
    assert ids.lookup(label) == "MRN 12345678 Smith"
    assert ids.label(None, 4) == "#4"


def _outputs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_scrub_survives_bad_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "Quux-1", "text": "Seen by Dr. Zebulon Quux."}).encode(),
        b'{"id": "Quux-2", "text": "Patient Zebulon Quux, not json',
        json.dumps({"id": "Quux-3", "text": "no phi"}).encode(),
        b'{"id": "Quux-4", "text": "Zebulon \xff\xfe Quux"}',
        b'["Zebulon Quux"]',
        json.dumps({"id": "Quux-6", "text": 17}).encode(),
        json.dumps({"id": "Quux-7", "text": "MRN 12345678"}).encode(),
    ]
    source.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    assert main(["scrub", str(source), "--out", str(out)]) == 0
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in written] == ["Quux-1", "Quux-3", "Quux-7"]
    assert written[0]["text"] == "Seen by Dr. [NAME]."
    errors = pd.read_csv(tmp_path / "out.errors.csv", keep_default_na=False)
    assert errors["line"].tolist() == [2, 4, 5, 6]
    assert errors["error"].tolist() == [
        "not valid JSON",
        "not valid UTF-8",
        "not a JSON object",
        "expected text, got int",
    ]
    assert errors["record"].tolist()[:3] == ["", "", ""]
    assert errors["record"].iloc[3].startswith("id:")
    leaked = (tmp_path / "out.errors.csv").read_text() + capsys.readouterr().err
    assert "Quux" not in leaked
    assert "Zebulon" not in leaked
    assert _outputs(tmp_path) == [
        "in.jsonl",
        "out.audit.csv",
        "out.errors.csv",
        "out.jsonl",
        "out.manifest.json",
    ]


def test_unwritable_values_are_error_rows(tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pd.DataFrame(
        {"id": ["a", "b"], "text": ["Dr. Zebulon Quux", "no phi"], "blob": [b"\x00", None]}
    ).to_parquet(source)
    out = tmp_path / "out.jsonl"
    assert main(["scrub", str(source), "--out", str(out)]) == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["b"]
    errors = pd.read_csv(tmp_path / "out.errors.csv")
    assert errors["line"].tolist() == [1]
    assert (
        errors["error"].iloc[0] == "not written: field 'blob' holds a bytes, which JSON cannot hold"
    )
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": 1, "text": "x", "kl": 2},
                {"id": 2, "text": "y", "kl": "2"},
                {"id": 3, "text": "z", "kl": 3},
            ]
        )
    )
    out = tmp_path / "mixed.parquet"
    assert main(["scrub", str(mixed), "--out", str(out)]) == 0
    assert pd.read_parquet(out)["id"].tolist() == [1, 3]
    errors = pd.read_csv(tmp_path / "mixed.errors.csv")
    assert errors["line"].tolist() == [2]
    assert "column 'kl' holds a str where the others hold int" in errors["error"].iloc[0]
    assert not list(tmp_path.glob(".*.tmp"))


def test_tokenize_needs_scrubbed_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "raw.jsonl"
    raw.write_text(
        json.dumps({"id": "1", "text": "Seen by Dr. Zebulon Quux on 03/04/2021. Mild OA."}) + "\n"
    )
    tokenizer = tmp_path / "tok"
    train_wordpiece(["seen by dr. on. mild oa."] * 5, tokenizer, vocab_size=120)
    corpus = tmp_path / "corpus.parquet"
    tokenize = ["tokenize", "--tokenizer", str(tokenizer), "--out", str(corpus)]
    assert main([tokenize[0], str(raw), *tokenize[1:]]) == 2
    assert "was not produced by `report-deid scrub`" in capsys.readouterr().err
    scrubbed = tmp_path / "scrubbed.jsonl"
    assert main(["scrub", str(raw), "--out", str(scrubbed)]) == 0
    assert main([tokenize[0], str(scrubbed), *tokenize[1:]]) == 0
    frame = pd.read_parquet(corpus)
    assert frame["impression"].iloc[0] == "seen by dr. [NAME] on [DATE]. mild oa."
    scrubbed.write_text(scrubbed.read_text().replace("[NAME]", "Zebulon"))
    assert main([tokenize[0], str(scrubbed), *tokenize[1:]]) == 2
    assert "changed after it was scrubbed" in capsys.readouterr().err
    assert main([tokenize[0], str(scrubbed), *tokenize[1:], "--assume-scrubbed"]) == 0


def test_placeholders_are_single_tokens(tmp_path: Path) -> None:
    sentences = prepare_sentences("Discussed with Dr. [NAME] on [DATE] at [TIME]; [PHI].")
    assert sentences == ["discussed with dr. [NAME] on [DATE] at [TIME];", "[PHI]."]
    trained = train_wordpiece(["discussed with dr. on at."] * 5, tmp_path / "tok", vocab_size=120)
    (encoded,) = encode_reports(trained, [sentences])
    tokens = trained.convert_ids_to_tokens(encoded["input_ids"])
    for placeholder in ("[NAME]", "[DATE]", "[TIME]", "[PHI]"):
        assert tokens.count(placeholder) == 1
    bert = tmp_path / "bert"
    bert.mkdir()
    vocab = [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        "dr",
        ".",
        "on",
        "[",
        "]",
        "name",
        "date",
    ]
    (bert / "vocab.txt").write_text("\n".join(vocab) + "\n")
    (bert / "config.json").write_text(json.dumps({"model_type": "bert"}))
    loaded = load_tokenizer(bert)
    ids = loaded("dr. [NAME] on [DATE]")["input_ids"]
    assert loaded.convert_ids_to_tokens(ids) == [
        "[CLS]",
        "dr",
        ".",
        "[NAME]",
        "on",
        "[DATE]",
        "[SEP]",
    ]
