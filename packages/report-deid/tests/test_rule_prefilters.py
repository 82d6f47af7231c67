"""A rule's trigger, anchor or lower-cased scan is only a shortcut: it never changes what the rule finds.

Triggers and anchors name the words or shapes every match contains (a label's first word, the last seven
digits of a phone number). A word missing from one would silently lose matches, so every prefiltered rule is
run twice, with its shortcut and as a plain scan of the whole text, on the hand-written development sets,
synthetic reports and a few upper- and lower-case lines, and the two must agree exactly. A rule that runs
case-sensitively on the lower-cased text must find what its pattern finds case-insensitively on the text.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import regex
from report_deid import synth_reports
from report_deid.recognizers import Rule, case_free, cased_letters, radiology_rules
from report_deid.text_forms import fold

DEVELOPMENT = Path(__file__).parent / "development"
EXTRA = [
    "CALLED TO DR. ANA OKAFOR AT 1430 ON 3/14. PAGER 4471, EXT. 2231. LIVES IN TILSBY.",
    "discussed with dr okafor at 0915; pager 4471 ext 22; lives in tilsby; ssn 123 45 6789",
    "Sincerely,\n\nMargit Ødegård, MD\nInstitution Name: ['Kessie General']\nfax 555 201 9984",
    "Seen Christmas 2021 by nurse Priya. Hôpital de la Croix-Rousse, 69004 Lyon. xr.kessie.nhs.uk",
    "Aged 94y, 101-year-old, born 1931 in Great Snoring. Room 12B bed 4. 92F.",
    # case folding is not lower-casing: ligatures and the sharp s (PDF text, German)
    "Pain since the ﬁfth. She is ninety-ﬁve years old. Hauptstraße 4, STRASSE 9. Seen on the ﬁrst.",
]


def _texts() -> list[str]:
    texts = [
        fold(json.loads(line)["text"])
        for path in sorted(DEVELOPMENT.glob("dev*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    texts += [fold(str(r["text"])) for r in synth_reports(150, seed=11)]
    return texts + [fold(t) for t in EXTRA]


TEXTS = _texts()
PREFILTERED = [r for r in radiology_rules() if r.trigger is not None or r.anchor is not None]


def test_most_costly_rules_are_prefiltered() -> None:
    assert len(PREFILTERED) >= 70


@pytest.mark.parametrize("rule", PREFILTERED, ids=lambda r: r.name)
def test_prefilters_change_nothing(rule: Rule) -> None:
    plain = replace(rule, trigger=None, anchor=None)
    for text in TEXTS:
        assert rule.find(text) == plain.find(text), text


LOWERED = [r for r in radiology_rules() if r.on_lowered]


def test_case_free_patterns() -> None:
    assert case_free(r"(?i:\bward)[ ]\d+(?P<phi>x)(?P=phi)")
    assert not case_free(r"\bWard")
    assert not case_free(r"\p{Lu}\p{Ll}+")
    assert not case_free(r"(?-i:est)")
    assert not cased_letters(r"(?i:\bext)\.?[ ]*(?P<phi>\d{2,6})")
    assert cased_letters(r"(?i:\bext)[ ]x\d")
    assert cased_letters(r"(?i:a(?-i:b))")
    assert len(LOWERED) >= 40


@pytest.mark.parametrize("rule", LOWERED, ids=lambda r: r.name)
def test_lowered_scan_changes_nothing(rule: Rule) -> None:
    plain = Rule(
        rule.entity,
        rule.name,
        regex.compile(rule.pattern.pattern, rule.pattern.flags | regex.IGNORECASE),
        rule.score,
        rule.strong,
    )
    for text in TEXTS:
        assert rule.find(text) == plain.find(text), text
