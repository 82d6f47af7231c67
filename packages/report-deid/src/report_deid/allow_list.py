"""Terms that look like PHI but are not: eponyms, grading terms, abbreviations and measurements.

A detected span that lies entirely inside one of these phrases is dropped. The names are matched as
phrases, so ``Dr. Baker`` is still a name while ``Baker's cyst`` is not.
"""

from __future__ import annotations

import bisect

import regex

ALLOW_PHRASES: tuple[str, ...] = (
    r"Kellgren[- ]Lawrence(?:[ ]grade[ ]\d)?",
    r"Baker'?s?[ ]cysts?",
    r"Pellegrini[- ]Stieda(?:[ ](?:lesion|calcification|sign))?",
    r"Osgood[- ]Schlatter(?:[ ](?:disease|changes?))?",
    r"Insall[- ]Salvati(?:[ ](?:ratio|index))?",
    r"Segond(?:[ ]fracture)?",
    r"Hoffa'?s?[ ](?:fat[ ]pad|fat|disease)",
    r"Wrisberg(?:[ ]ligament)?",
    r"Humphrey[ ]ligament",
    r"Blumensaat[ ]line",
    r"Caton[- ]Deschamps(?:[ ]index)?",
    r"Outerbridge(?:[ ]grade)?",
    r"\bKL[ ]?(?:grade[ ])?[0-4]\b",
    r"\b(?:grade|KL)[ ][0-4]\b",
    r"\b(?:OA|MCL|LCL|ACL|PCL|TKA|TKR|UKA|DJD|AP|PA|MRI|CT)\b",
    r"\b\d+(?:\.\d+)?[ ]?(?:mm|cm|degrees?|%)",
    r"\b\d+(?:\.\d+)?[ ]?x[ ]?\d+(?:\.\d+)?(?:[ ]?x[ ]?\d+(?:\.\d+)?)?[ ]?(?:mm|cm)",
)
_ALLOWED = regex.compile("|".join(f"(?:{p})" for p in ALLOW_PHRASES), regex.IGNORECASE)


def allowed_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of allow-listed phrases in ``text``."""
    return [match.span() for match in _ALLOWED.finditer(text)]


def inside_allowed(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` lies entirely inside one allow-listed span.

    ``spans`` are sorted and disjoint (as :func:`allowed_spans` returns them), so only the last span starting
    at or before ``start`` can hold it: a binary search, ``O(log n)`` per query.
    """
    index = bisect.bisect_right(spans, (start, float("inf"))) - 1
    return index >= 0 and spans[index][1] >= end
