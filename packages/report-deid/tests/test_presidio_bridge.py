"""Presidio interoperability: the package's engine inside a Presidio AnalyzerEngine gives the package's own
spans, and a team's Presidio recognizer YAML adds its spans to ``scrub`` — offline, linear, no download."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_deid import Scrubber
from report_deid.cli import main
from report_deid.errors import ReportDeidError
from report_deid.presidio_bridge import PresidioRecognizers, presidio_analyzer
from report_deid.synth.generator import synth_reports

STAFF_YAML = """
recognizers:
  - name: StaffNumberRecognizer
    supported_language: en
    supported_entity: ID
    patterns:
      - name: staff number
        regex: "\\\\bSTF-[0-9]{6}\\\\b"
        score: 0.9
  - name: ReadingRoomNicknames
    supported_language: en
    supported_entity: NAME
    deny_list: [jojo, bibi]
"""


def test_engine_inside_presidio_gives_the_same_spans(
    scrubber: Scrubber, no_network: list[object]
) -> None:
    analyzer = presidio_analyzer(scrubber.engine)
    for report in synth_reports(20, seed=3):
        text = report["text"]
        ours = [(d.start, d.end, d.entity_type) for d in scrubber.detect(text)]
        theirs = sorted(
            (r.start, r.end, r.entity_type) for r in analyzer.analyze(text=text, language="en")
        )
        assert theirs == ours
    assert no_network == []


def test_team_yaml_recognizer_adds_its_spans(tmp_path: Path, no_network: list[object]) -> None:
    yaml_path = tmp_path / "staff.yaml"
    yaml_path.write_text(STAFF_YAML, encoding="utf-8")
    text = "Images sent to jojo at the reading station for review. No fracture."
    assert "jojo" in Scrubber().scrub(text).text  # a nickname the package cannot know
    scrubbed = Scrubber(presidio_recognizers=yaml_path).scrub(text)
    assert "jojo" not in scrubbed.text
    assert scrubbed.counts == {"NAME": 1}
    assert no_network == []


def test_yaml_patterns_keep_their_case(tmp_path: Path) -> None:
    yaml_path = tmp_path / "staff.yaml"
    yaml_path.write_text(STAFF_YAML, encoding="utf-8")
    found = PresidioRecognizers(yaml_path).detect("staff stf-004211 and STF-004212")
    assert [(d.start, d.end, d.entity_type) for d in found] == [(21, 31, "ID")]


def test_cli_scrub_with_presidio_recognizers(tmp_path: Path) -> None:
    yaml_path = tmp_path / "staff.yaml"
    yaml_path.write_text(STAFF_YAML, encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a1", "text": "Read by STF-123456. Normal knee."}) + "\n")
    out = tmp_path / "out.jsonl"
    assert (
        main(["scrub", str(source), "--out", str(out), "--presidio-recognizers", str(yaml_path)])
        == 0
    )
    assert "STF-123456" not in out.read_text(encoding="utf-8")


def test_bad_yaml_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ReportDeidError, match="no such Presidio recognizer file"):
        PresidioRecognizers(tmp_path / "missing.yaml")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(STAFF_YAML.replace("supported_entity: ID", "supported_entity: BADGE"))
    with pytest.raises(ReportDeidError, match="not PHI types"):
        PresidioRecognizers(wrong)
    garbage = tmp_path / "garbage.yaml"
    garbage.write_text("recognizers: [1, 2")
    with pytest.raises(ReportDeidError, match="not a Presidio recognizer YAML"):
        PresidioRecognizers(garbage)
