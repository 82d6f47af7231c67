"""Synthetic reports with exact spans; the evaluation harness; the held-out quality targets."""

from __future__ import annotations

import pytest
from report_deid import (
    PHI_TYPES,
    TEST_FAMILIES,
    TRAIN_FAMILIES,
    Scrubber,
    allowed_spans,
    clean_reports,
    synth_reports,
)
from report_deid.evaluation import evaluate, over_redaction, score_document


def test_gold_spans_are_exact_and_typed() -> None:
    records = list(synth_reports(200, 3))
    assert {r["family"] for r in records} == set(TRAIN_FAMILIES) | set(TEST_FAMILIES)
    for record in records:
        text = record["text"]
        for span in record["phi"]:
            value = text[span["start"] : span["end"]]
            assert value == value.strip()
            assert value
            assert span["type"] in PHI_TYPES
    again = list(synth_reports(200, 3))
    assert again == records


def test_kl_follows_the_request() -> None:
    records = list(synth_reports(50, 0, kl=[4] * 50))
    assert all(r["kl"] == 4 for r in records)
    assert any(
        "arthroplasty" in r["text"] or "osteoarthritis" in r["text"].lower() for r in records
    )
    with pytest.raises(ValueError, match="unknown template families"):
        next(synth_reports(1, 0, families=["Z"]))


def test_score_document_partial_cover_is_a_miss() -> None:
    text = "Dr. John Smith on 01/02/2020"
    gold = [{"start": 4, "end": 14, "type": "NAME"}, {"start": 18, "end": 28, "type": "DATE"}]
    score = score_document(text, gold, [(4, 8, "NAME"), (18, 28, "DATE"), (0, 2, "NAME")])
    assert score.gold_caught == (False, True)
    assert (score.n_predicted, score.n_predicted_true) == (3, 2)
    assert (score.gold_tokens, score.gold_tokens_caught) == (3, 2)


def test_evaluate_metrics_on_a_known_case() -> None:
    records = [
        {
            "text": "Dr. John Smith on 01/02/2020",
            "phi": [
                {"start": 4, "end": 14, "type": "NAME"},
                {"start": 18, "end": 28, "type": "DATE"},
            ],
        },
        {"text": "nothing here", "phi": []},
    ]
    result = evaluate(
        records,
        lambda t: [(18, 28, "DATE")] if t.startswith("Dr.") else [(0, 7, "NAME")],
        n_bootstrap=50,
    )
    assert result["span_recall"] == 0.5
    assert result["span_precision"] == 0.5
    assert result["f2"] == pytest.approx(0.5)
    assert result["doc_leak_rate"] == 0.5
    per_type = {k: (v["recall"], v["n"]) for k, v in result["per_type"].items()}
    assert per_type == {"NAME": (0.0, 1), "DATE": (1.0, 1)}
    assert result["per_type"]["NAME"]["ci95"] == [0.0, 0.0]  # resamples without NAME are left out
    assert result["per_type"]["DATE"]["ci95"] == [1.0, 1.0]


def test_held_out_templates_meet_the_targets(scrubber: Scrubber) -> None:
    gold = list(synth_reports(400, 2026, families=TEST_FAMILIES))

    def detect(text: str) -> list[tuple[int, int, str]]:
        return [(d.start, d.end, d.entity_type) for d in scrubber.detect(text)]

    result = evaluate(gold, detect, n_bootstrap=100)
    assert result["span_recall"] >= 0.99
    assert result["span_precision"] >= 0.90
    assert result["doc_leak_rate"] <= 0.02
    for entity in ("NAME", "DATE", "ID"):
        assert result["per_type"][entity]["recall"] >= 0.98
    clean = over_redaction(clean_reports(100, 1), detect, allowed_spans)
    assert clean["allow_list_survival"] == 1.0
    assert clean["clean_chars_redacted"] < 0.001
