"""Detected PHI spans and their merging."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Detection:
    """One PHI span: ``text[start:end]`` of ``entity_type``.

    ``strong`` marks a span found from an unambiguous cue (a title or label): the allow-list does not veto it.
    """

    start: int
    end: int
    entity_type: str
    score: float
    strong: bool = False


def merge_overlaps(detections: list[Detection]) -> list[Detection]:
    """Merge overlapping spans; the merged type is the best-scoring (then longest) member's.

    Spans are sorted by ``(start, -end)``; a span starting before the running end joins it. Linear after the
    sort, so ``O(n log n)`` in the number of spans.
    """
    ordered = sorted(detections, key=lambda d: (d.start, -d.end))
    merged: list[Detection] = []
    for d in ordered:
        if merged and d.start < merged[-1].end:
            last = merged[-1]
            best = max((last, d), key=lambda x: (x.score, x.end - x.start))
            merged[-1] = Detection(
                last.start,
                max(last.end, d.end),
                best.entity_type,
                best.score,
                last.strong or d.strong,
            )
        else:
            merged.append(d)
    return merged
