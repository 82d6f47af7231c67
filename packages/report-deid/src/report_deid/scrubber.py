"""Scrubbing: detect PHI, drop allow-listed spans, merge overlaps, replace with placeholders.

The analyzer's findings are filtered (a span inside an allow-listed phrase is dropped), overlapping spans are
merged into one (typed by the highest-scoring member, ties to the longer), and presidio-anonymizer replaces
each with ``[TYPE]`` or ``[PHI]``. Only the scrubbed text and counts per type leave this module; nothing here
logs or raises with report text.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from report_deid.allow_list import allowed_spans, inside_allowed
from report_deid.engine import build_analyzer
from report_deid.errors import InputFormatError
from report_deid.phi_types import PHI_TYPES, placeholder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Detection:
    """One PHI span: ``text[start:end]`` of ``entity_type``."""

    start: int
    end: int
    entity_type: str
    score: float


@dataclass(frozen=True)
class ScrubResult:
    """Scrubbed text and the number of spans replaced per type."""

    text: str
    counts: Mapping[str, int] = field(default_factory=dict)


class Scrubber:
    """Offline PHI scrubber for radiology reports.

    Args:
        spacy_model: optional local spaCy pipeline directory (adds NER for names and facilities).
        single_placeholder: replace every span with ``[PHI]`` instead of ``[TYPE]``.
        score_threshold: minimum recognizer score kept.
    """

    def __init__(
        self,
        spacy_model: Path | None = None,
        *,
        single_placeholder: bool = False,
        score_threshold: float = 0.4,
    ) -> None:
        self.analyzer = build_analyzer(spacy_model, score_threshold)
        self.anonymizer = AnonymizerEngine()
        self.single_placeholder = single_placeholder
        self.operators = {
            entity: OperatorConfig(
                "replace", {"new_value": placeholder(entity, single_placeholder)}
            )
            for entity in PHI_TYPES
        }

    def detect(self, text: str) -> list[Detection]:
        """PHI spans of ``text``, allow-list filtered and merged, sorted by start."""
        results = self.analyzer.analyze(text=text, language="en", entities=list(PHI_TYPES))
        allowed = allowed_spans(text)
        kept = [r for r in results if not inside_allowed(r.start, r.end, allowed)]
        return merge_overlaps([Detection(r.start, r.end, r.entity_type, r.score) for r in kept])

    def scrub(self, text: str) -> ScrubResult:
        """Replace every detected span with its placeholder."""
        if not isinstance(text, str):
            raise InputFormatError(f"expected text, got {type(text).__name__}")
        detections = self.detect(text)
        if not detections:
            return ScrubResult(text, {})
        results = [RecognizerResult(d.entity_type, d.start, d.end, d.score) for d in detections]
        anonymized = self.anonymizer.anonymize(
            text=text, analyzer_results=results, operators=self.operators
        )
        return ScrubResult(anonymized.text, dict(Counter(d.entity_type for d in detections)))

    def scrub_records(
        self, records: Iterable[dict[str, Any]], text_field: str = "text"
    ) -> Iterator[tuple[dict[str, Any] | None, Mapping[str, int], str | None]]:
        """Scrub the ``text_field`` of each record.

        Yields:
            ``(record with scrubbed text, counts, None)`` or ``(None, {}, reason)`` for a record that cannot
            be scrubbed; the reason names the record and the problem, never its text.
        """
        for position, record in enumerate(records):
            ident = record.get("id", f"#{position}") if isinstance(record, dict) else f"#{position}"
            try:
                if not isinstance(record, dict) or text_field not in record:
                    raise InputFormatError(f"no field {text_field!r}")
                result = self.scrub(record[text_field])
            except InputFormatError as exc:
                logger.warning("record %s skipped: %s", ident, exc)
                yield None, {}, f"record {ident}: {exc}"
                continue
            except Exception as exc:  # a recognizer failure must not leak text through its message
                logger.warning("record %s skipped: %s", ident, type(exc).__name__)
                yield None, {}, f"record {ident}: scrubbing failed ({type(exc).__name__})"
                continue
            yield {**record, text_field: result.text}, result.counts, None


def merge_overlaps(detections: list[Detection]) -> list[Detection]:
    """Merge overlapping or touching-inside spans; the merged type is the best-scoring (then longest) one."""
    ordered = sorted(detections, key=lambda d: (d.start, -d.end))
    merged: list[Detection] = []
    for d in ordered:
        if merged and d.start < merged[-1].end:
            last = merged[-1]
            best = max((last, d), key=lambda x: (x.score, x.end - x.start))
            merged[-1] = Detection(last.start, max(last.end, d.end), best.entity_type, best.score)
        else:
            merged.append(d)
    return merged
