"""The frozen independent evaluation set stays valid, complete and reproducible (issue 13, section 2)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).parent


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"independent_{name}", HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _load("check_annotations")


@pytest.mark.parametrize("name", ["independent_generated.jsonl", "handwritten.jsonl"])
def test_annotations_are_valid(name: str) -> None:
    problems, per_type, _, n_rows, n_keep = check.check_file(HERE / name)
    assert problems == []
    assert n_rows >= (500 if name.startswith("independent") else 60)
    assert set(per_type) == set(check.TYPES)
    assert n_keep > 0


def test_set_size_meets_the_brief() -> None:
    spans = keep = 0
    for path in check.DEFAULT_FILES:
        _, per_type, _, _, n_keep = check.check_file(path)
        spans += sum(per_type.values())
        keep += n_keep
    assert spans >= 4000
    assert keep >= 1500


def test_checker_catches_bad_rows() -> None:
    text = "Seen by Dr. Ana Li on 3/4/2024."
    good = {"start": 12, "end": 18, "type": "NAME"}
    assert check.row_problems({"text": text, "spans": [good]}, "t") == []
    bad_rows = [
        [{"start": 11, "end": 18, "type": "NAME"}],  # leading space
        [{"start": 12, "end": 19, "type": "NAME"}],  # trailing space
        [{"start": 12, "end": 18, "type": "PERSON"}],  # unknown type
        [good, {"start": 15, "end": 21, "type": "NAME"}],  # overlap
        [{"start": 22, "end": 40, "type": "DATE"}],  # out of range
        [{"start": 22, "end": 31, "type": "DATE"}],  # trailing period of the sentence
    ]
    for spans in bad_rows:
        assert check.row_problems({"text": text, "spans": spans}, "t") != []
    keep_bad = {"text": text, "spans": [good], "keep": [{"start": 0, "end": 4, "term": "seen"}]}
    assert check.row_problems(keep_bad, "t") != []


def test_generator_reproduces_the_frozen_file() -> None:
    rows = _load("generate").generate(500, 2026)
    frozen = (HERE / "independent_generated.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.dumps(r, ensure_ascii=False) for r in rows] == frozen


def test_handwritten_file_matches_its_source() -> None:
    build = _load("build_handwritten")
    rows = build.parse_source((HERE / "handwritten_source.txt").read_text(encoding="utf-8"))
    frozen = (HERE / "handwritten.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.dumps(r, ensure_ascii=False) for r in rows] == frozen
