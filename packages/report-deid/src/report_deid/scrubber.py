"""Scrubbing: detect PHI, drop allow-listed spans, merge overlaps, replace with placeholders.

The engine's findings (:class:`report_deid.engine.DetectionEngine`) are filtered (a span inside an
allow-listed phrase is dropped unless a title or label vouches for it), overlapping spans are merged into one
(typed by the highest-scoring member, ties to the longer), and each is replaced with ``[TYPE]`` or ``[PHI]``.
Only the scrubbed text and counts per type leave this module; nothing here logs or raises with report text,
and record ids appear in messages only as salted hashes (:mod:`report_deid.record_ids`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report_deid.engine import DetectionEngine
from report_deid.errors import InputFormatError
from report_deid.phi_types import PHI_TYPES, placeholder
from report_deid.record_ids import RecordIds
from report_deid.spans import Detection, merge_overlaps

__all__ = ["Detection", "ScrubResult", "Scrubber", "merge_overlaps", "replace_spans"]

logger = logging.getLogger(__name__)


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
        score_threshold: minimum detection score kept.
        use_lexicon: find cue-less names with the census name lexicon.
        presidio_recognizers: optional Presidio recognizer YAML whose recognizers add their spans
            (:class:`report_deid.presidio_bridge.PresidioRecognizers`; needs ``report-deid[presidio]``).
    """

    def __init__(
        self,
        spacy_model: Path | None = None,
        *,
        single_placeholder: bool = False,
        score_threshold: float = 0.4,
        use_lexicon: bool = True,
        presidio_recognizers: Path | None = None,
    ) -> None:
        self.engine = DetectionEngine(spacy_model, score_threshold, use_lexicon=use_lexicon)
        self.extra: Any = None
        if presidio_recognizers is not None:
            from report_deid.presidio_bridge import PresidioRecognizers

            self.extra = PresidioRecognizers(presidio_recognizers, score_threshold)
        self.single_placeholder = single_placeholder
        self.placeholders = {
            entity: placeholder(entity, single_placeholder) for entity in PHI_TYPES
        }

    def detect(self, text: str) -> list[Detection]:
        """PHI spans of ``text`` (with the Presidio recognizers' spans, if any), merged, by start."""
        found = self.engine.detect(text)
        if self.extra is None:
            return found
        return merge_overlaps([*found, *self.extra.detect(text)])

    def scrub(self, text: str) -> ScrubResult:
        """Replace every detected span with its placeholder."""
        if not isinstance(text, str):
            raise InputFormatError(f"expected text, got {type(text).__name__}")
        detections = self.detect(text)
        if not detections:
            return ScrubResult(text, {})
        return ScrubResult(
            replace_spans(text, detections, self.placeholders),
            dict(Counter(d.entity_type for d in detections)),
        )

    def scrub_records(
        self,
        records: Iterable[dict[str, Any]],
        text_field: str = "text",
        ids: RecordIds | None = None,
    ) -> Iterator[tuple[dict[str, Any] | None, Mapping[str, int], str | None]]:
        """Scrub the ``text_field`` of each record.

        Args:
            records: dictionaries (anything else is reported as an error).
            text_field: the field holding the report text.
            ids: names records in errors and logs by a salted hash of their ``id`` (a new salt when omitted).

        Yields:
            ``(record with scrubbed text, counts, None)`` or ``(None, {}, reason)`` for a record that cannot
            be scrubbed; the reason names the record by position and hashed id, never by its text or raw id.
        """
        ids = ids or RecordIds()
        for position, record in enumerate(records):
            ident = ids.label(record.get("id") if isinstance(record, dict) else None, position)
            try:
                scrubbed, counts = self.scrub_record(record, text_field)
            except InputFormatError as exc:
                logger.warning("record %s skipped: %s", ident, exc)
                yield None, {}, f"record {ident}: {exc}"
                continue
            yield scrubbed, counts, None

    def scrub_record(
        self, record: object, text_field: str = "text"
    ) -> tuple[dict[str, Any], Mapping[str, int]]:
        """One record with its ``text_field`` scrubbed, and the counts per type.

        Raises:
            InputFormatError: not a dictionary, no such field, not text, or the scrubber failed (the message
                names the exception type only: a recognizer's message could quote the text).
        """
        if not isinstance(record, dict) or text_field not in record:
            raise InputFormatError(f"no field {text_field!r}")
        try:
            result = self.scrub(record[text_field])
        except InputFormatError:
            raise
        except Exception as exc:  # a recognizer failure must not leak text through its message
            raise InputFormatError(f"scrubbing failed ({type(exc).__name__})") from None
        return {**record, text_field: result.text}, result.counts


def replace_spans(text: str, detections: list[Detection], placeholders: Mapping[str, str]) -> str:
    """``text`` with each (non-overlapping, sorted) detection replaced by its type's placeholder."""
    pieces, position = [], 0
    for d in detections:
        pieces.append(text[position : d.start])
        pieces.append(placeholders.get(d.entity_type, f"[{d.entity_type}]"))
        position = d.end
    pieces.append(text[position:])
    return "".join(pieces)
