"""Floors on the development sets (``development/README.md``: A-E, H, I, N, Q, S tuned on; F, G, J-M, O, P,
R, T held out).

A floor a little below the measured score per file: a rule change that breaks a family these sets hold
fails here. Only aggregate numbers appear in assertion messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_deid import Scrubber
from report_deid.evaluation import evaluate, keep_survival

HERE = Path(__file__).parent / "development"
#: file -> (span recall floor, precision floor, keep-term survival floor), measured minus a margin
FLOORS = {
    "devA.jsonl": (0.955, 0.975, 0.985),
    "devB.jsonl": (0.93, 0.98, 0.97),
    "devC.jsonl": (0.935, 0.975, 0.98),
    "devD.jsonl": (0.91, 0.97, 0.97),
    "devE.jsonl": (0.915, 0.97, 0.985),
    "devF.jsonl": (0.895, 0.96, 0.945),  # held out: never tuned on
    "devG.jsonl": (0.895, 0.95, 0.97),  # held out: never tuned on
    # 0.7.0: H (HL7, DICOM dumps, worklists) and I (chat, dictation, messages) tuned on; J and K held out
    "devH.jsonl": (0.92, 0.95, 0.985),
    "devI.jsonl": (0.87, 0.975, 0.975),
    "devJ.jsonl": (0.925, 0.945, 0.92),  # held out: never tuned on
    "devK.jsonl": (0.895, 0.955, 0.955),  # held out: never tuned on
    "devL.jsonl": (0.88, 0.95, 0.955),  # held out: never tuned on
    "devM.jsonl": (0.89, 0.965, 0.945),  # held out: never tuned on
    # 0.8.0: N (generated, 400 reports) tuned on; P (generated) and O (hand-written) held out
    "devN.jsonl": (0.99, 0.99, 0.99),
    "devO.jsonl": (0.905, 0.955, 0.955),  # held out: never tuned on
    "devP.jsonl": (0.95, 0.97, 0.97),  # held out: never tuned on
    # 0.9.0: Q (generated, 400 RIS/PACS-export reports) tuned on; R (hand-written cohort mail) held out
    "devQ.jsonl": (0.985, 0.99, 0.99),
    "devR.jsonl": (0.87, 0.965, 0.98),  # held out: never tuned on
    # 0.10.0: S (hand-written, confounder-heavy) tuned on after one held-out score; T (generated,
    # teleradiology clients) held out
    "devS.jsonl": (0.9, 0.975, 0.98),
    "devT.jsonl": (0.955, 0.95, 0.975),  # held out: only missed-span shapes looked at
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_development_set_floor(scrubber: Scrubber, name: str) -> None:
    records = [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines()]

    def detect(text: str) -> list[tuple[int, int, str]]:
        return [(d.start, d.end, d.entity_type) for d in scrubber.detect(text)]

    result = evaluate(records, detect, n_bootstrap=0)
    keep = keep_survival(records, detect)["keep_survival"]
    recall_floor, precision_floor, keep_floor = FLOORS[name]
    scores = f"recall {result['span_recall']:.4f}, precision {result['span_precision']:.4f}, keep {keep:.4f}"
    assert result["span_recall"] >= recall_floor, scores
    assert result["span_precision"] >= precision_floor, scores
    assert keep >= keep_floor, scores
