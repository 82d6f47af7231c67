"""Placeholders, allow-list, overlaps, offline construction, privacy of logs and errors, local spaCy NER."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import spacy
from report_deid import Detection, Scrubber
from report_deid.scrubber import merge_overlaps

REPORT = (
    "Patient: Smith, John    MRN: 12345678\n"
    "Findings discussed with Dr. Baker at 4:35 PM on January 5, 2021.\n"
    "Small Baker's cyst. Kellgren-Lawrence grade 3. Signed: Dr. Hoffa 01/06/2021"
)


def test_typed_placeholders(scrubber: Scrubber) -> None:
    result = scrubber.scrub(REPORT)
    assert result.text == (
        "Patient: [NAME]    MRN: [ID]\nFindings discussed with Dr. [NAME] at [TIME] on [DATE].\n"
        "Small Baker's cyst. Kellgren-Lawrence grade 3. Signed: Dr. [NAME] [DATE]"
    )
    assert result.counts == {"NAME": 3, "ID": 1, "TIME": 1, "DATE": 2}


def test_single_placeholder() -> None:
    text = Scrubber(single_placeholder=True).scrub("Dr. Jane Doe called at 3:15 PM.").text
    assert text == "Dr. [PHI] called at [PHI]."


def test_text_without_phi_is_unchanged(scrubber: Scrubber) -> None:
    text = "Moderate medial joint space narrowing with osteophytes. No effusion."
    assert scrubber.scrub(text).text == text


def test_merge_overlaps_keeps_best_type() -> None:
    merged = merge_overlaps(
        [Detection(0, 10, "ID", 0.6), Detection(5, 12, "DATE", 0.9), Detection(20, 22, "AGE", 0.8)]
    )
    assert merged == [Detection(0, 12, "DATE", 0.9), Detection(20, 22, "AGE", 0.8)]


def test_construction_and_scrubbing_are_offline(no_network: list[object]) -> None:
    scrubber = Scrubber()
    scrubber.scrub("Contact john.doe@riverside.org or https://portal.riverside.org/x, Dr. Smith.")
    assert no_network == []


def test_malformed_records_leak_no_text(
    scrubber: Scrubber, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Patient: Zebulon Quux, SSN 123-45-6789"
    records = [
        {"id": "a", "text": 42},
        {"id": "b", "note": secret},
        {"id": "c", "text": secret},
        "not a record",
    ]
    with caplog.at_level(logging.DEBUG):
        outcomes = list(scrubber.scrub_records(records))  # type: ignore[arg-type]
    errors = [error for _, _, error in outcomes if error]
    assert [error.split(": ", 1)[1] for error in errors] == [
        "expected text, got int",
        "no field 'text'",
        "no field 'text'",
    ]
    assert [error.split(":")[0].split()[1] for error in errors] == ["#0", "#1", "#3"]
    assert errors[0].startswith("record #0 id:")
    assert " a:" not in errors[0]
    assert outcomes[2][0] == {"id": "c", "text": "Patient: [NAME], SSN [SSN]"}
    everything = caplog.text + " ".join(errors)
    for fragment in ("Zebulon", "Quux", "123-45-6789"):
        assert fragment not in everything


def test_recognizer_failure_message_has_no_text(
    scrubber: Scrubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(text: str) -> None:
        raise ValueError(f"could not parse {text}")

    monkeypatch.setattr(scrubber, "scrub", explode)
    ((_, _, error),) = list(scrubber.scrub_records([{"id": "x", "text": "Dr. Secretname"}]))
    assert error.endswith(": scrubbing failed (ValueError)")
    assert error.startswith("record #0 id:")
    assert "x" not in error.split("id:")[0]


def test_local_spacy_model_adds_ner(tmp_path: Path, no_network: list[object]) -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [  # type: ignore[attr-defined]
            {"label": "PERSON", "pattern": [{"LOWER": "zebulon"}, {"LOWER": "quux"}]},
            {"label": "ORG", "pattern": "MCL"},
            {"label": "GPE", "pattern": "Zyxland"},
        ]
    )
    nlp.to_disk(tmp_path / "model")
    scrubber = Scrubber(tmp_path / "model")
    text = "Zebulon Quux has a torn MCL; Zyxland."
    assert scrubber.scrub(text).text == "[NAME] has a torn MCL; Zyxland."
    assert no_network == []


def test_missing_spacy_model_is_a_clear_error(tmp_path: Path) -> None:
    from report_deid import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="not a spaCy pipeline directory"):
        Scrubber(tmp_path)
