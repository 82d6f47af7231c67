"""Floors on the frozen independent sets (written by someone who never read the recognizers).

Only aggregate numbers are computed and compared: no text or missed span is printed, logged or put in an
assertion message. The floors sit a little below what ``benchmarks/deid_quality.py --only independent``
measured for this version (README, "Measured"); they catch regressions, they are not the issue's targets
(recall >= 0.99, leak <= 2 %, keep >= 0.99), which are not met yet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_deid import Scrubber
from report_deid.evaluation import evaluate, keep_survival

HERE = Path(__file__).parent / "independent"
#: set -> (span recall floor, precision floor, document leak ceiling, keep-term survival floor)
FLOORS = {
    "independent_generated.jsonl": (0.965, 0.965, 0.29, 0.99),
    "handwritten.jsonl": (0.90, 0.955, 0.43, 0.96),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_independent_set_floor(scrubber: Scrubber, name: str) -> None:
    path = HERE / name
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

    def detect(text: str) -> list[tuple[int, int, str]]:
        return [(d.start, d.end, d.entity_type) for d in scrubber.detect(text)]

    result = evaluate(records, detect, n_bootstrap=0)
    keep = keep_survival(records, detect)["keep_survival"]
    recall_floor, precision_floor, leak_ceiling, keep_floor = FLOORS[name]
    scores = (
        f"recall {result['span_recall']:.4f}, precision {result['span_precision']:.4f}, "
        f"leak {result['doc_leak_rate']:.4f}, keep {keep:.4f}"
    )
    assert result["span_recall"] >= recall_floor, scores
    assert result["span_precision"] >= precision_floor, scores
    assert result["doc_leak_rate"] <= leak_ceiling, scores
    assert keep >= keep_floor, scores
