"""Units of 0.6.0: repeated mentions, header phrases, British spellings, anchored rules, lowered text.

The 0.6.0 families themselves (names by their slot, facility sites, venues, weekday dates, ...) are cases of
``test_slot_families.py``.
"""

from __future__ import annotations

import regex
from report_deid import Scrubber
from report_deid.name_contexts import is_header_phrase
from report_deid.recognizers import CASE, Rule, lowered, radiology_rules
from report_deid.repeated_mentions import repeated_mentions
from report_deid.spans import Detection
from report_deid.vocabulary import is_vocabulary


def test_repeated_mentions_case_rules() -> None:
    text = "Patient: Hope Quarrington\nHope is well. hope so. QUARRINGTON and quarrington."
    detections = [Detection(9, 25, "NAME", 0.85, True)]
    found = {text[d.start : d.end] for d in repeated_mentions(text, detections)}
    # "Hope" is a word: only in its own case and not opening a sentence; "Quarrington" in any case
    assert found == {"QUARRINGTON", "quarrington"}
    assert all(d.entity_type == "NAME" for d in repeated_mentions(text, detections))


def test_repeated_mentions_keep_possessive_outside_and_skip_covered() -> None:
    text = "Dr. Okwuosa saw her. Okwuosa's note."
    found = repeated_mentions(text, [Detection(4, 11, "NAME", 0.85, True)])
    assert [text[d.start : d.end] for d in found] == ["Okwuosa"]


def test_place_words_travel_in_their_own_case_only() -> None:
    text = "Referred from Tilsby Hospital. Lives in Tilsby. tilsby"
    found = repeated_mentions(text, [Detection(14, 29, "HOSPITAL", 0.75)])
    assert [text[d.start : d.end] for d in found] == ["Tilsby"]


def test_header_phrases() -> None:
    assert is_header_phrase("Hospital No")
    assert is_header_phrase("DEPARTMENT OF RADIOLOGY")
    assert not is_header_phrase("Ward 7B")  # a number makes it a place
    assert not is_header_phrase("Marguerite")


def test_british_spellings_are_vocabulary() -> None:
    assert all(
        is_vocabulary(w) for w in ("orthopaedic", "haematoma", "tumour", "oedema", "anaesthetic")
    )
    assert not any(is_vocabulary(w) for w in ("Okafor", "Sodbury", "Kessie"))


def test_anchored_rule_matches_plain_scan() -> None:
    """A rule with an anchor finds exactly what the same pattern finds scanning the whole text."""
    anchored = next(r for r in radiology_rules() if r.name == "labelled id")
    assert anchored.anchor is not None
    plain = Rule(anchored.entity, anchored.name, anchored.pattern, anchored.score)
    text = (
        "MRN: 00123456  Acc # XR-2024-0042\nRIS pid 7781 and MR no. H0041877, ref 55-2231/7, "
        "Fall-Nr. 4402981176 and chart 9912."
    )
    assert anchored.find(text) == plain.find(text)
    assert anchored.find(text)


def test_lowered_keeps_offsets() -> None:
    text = "İstanbul MRN 12"
    low = lowered(text)
    assert len(low) == len(text)
    assert regex.compile("mrn", CASE).search(low).start() == text.index("MRN")


def test_department_after_a_comma_leaves_the_name(scrubber: Scrubber) -> None:
    text = "From: Dr. Ngozi Adeyemi-Fox, Orthopaedics, St Anselm's Hospital"
    out = scrubber.scrub(text).text
    assert "Adeyemi-Fox" not in out
    assert "Orthopaedics" in out
    signed = scrubber.scrub("Dr Mei-Ling Ostrova, Orthopaedic Registrar, for Mr Grant").text
    assert "Orthopaedic Registrar" in signed
    assert "Ostrova" not in signed
