"""The whole name of a facility found in part: a leading "The", an imaging unit noun, "of <place>" after it.

The rules find a facility by its most telling words ("Fitzwilliam MRI", "Fraser Valley Surgery", "Saint
Boniface Orthopaedic Partners"); the name a letterhead prints often goes on ("Fitzwilliam MRI Centre",
"Fraser Valley Surgery of Meadowbrook", "The Saint Boniface Orthopaedic Partners", "St Vincent's X-Ray").
Leaving those words out leaves part of the identifier (a town, a unit's name) in the scrubbed text, so a
facility span is stretched over them. Only a capitalised "The" joins (lower-case "the" is ordinary prose),
and a place after "of" must not be made of header words ("Department of Radiology").
"""

from __future__ import annotations

import regex

from report_deid.name_contexts import is_header_phrase
from report_deid.recognizers import EXAM_WORD
from report_deid.spans import Detection

_FLAGS = regex.VERSION1
#: what may follow a facility's words and still be its name: a unit noun, an imaging word and a unit noun,
#: an X-ray department named by its possessor ("St Vincent's X-Ray"), then "of <Place>"
_AFTER = regex.compile(
    r"(?P<unit>[ ](?:(?:MRI|CT|PET|X-?[Rr]ay|XRAY|X-RAY|Scan(?:ning)?|Imaging|Ultrasound|Diagnostic)[ ])?"
    r"(?:Centre|Center|Clinic|Unit|Suite|CENTRE|CENTER|CLINIC)(?![\p{L}'’-])"
    r"|[ ](?:X-?[Rr]ay|X-RAY|x-ray|MRI)(?![\p{L}'’-])(?=[ ]*(?:$|[,;:.)\n]|[ ][-–][ ])))?"
    r"(?:[ ](?:of|OF)[ ](?P<place>\p{Lu}[\p{L}'’-]*(?:[ ]\p{Lu}[\p{L}'’-]*){0,2}))?",
    _FLAGS,
)
#: a body part or side: "of the Left Knee" is an examination, not a place
_BODY = regex.compile(rf"\b{EXAM_WORD}\b", _FLAGS)
#: a capitalised article right before the name, at a line start or after a space or punctuation
_THE_BEFORE = regex.compile(r"(?:^|(?<=[\s:,;(>-]))(?:The|THE)[ ]$", _FLAGS | regex.MULTILINE)


def extend_facilities(text: str, detections: list[Detection]) -> list[Detection]:
    """``detections`` with every HOSPITAL span stretched over the rest of its name (see the module docstring).

    Spans are assumed sorted and non-overlapping (as :func:`report_deid.spans.merge_overlaps` leaves them);
    a stretched span may then touch or overlap the next one, which the caller merges.
    """
    out = []
    for d in detections:
        if d.entity_type != "HOSPITAL":
            out.append(d)
            continue
        start, end = d.start, d.end
        after = _AFTER.match(text, end)
        assert after is not None  # every part of the pattern is optional
        place = after["place"]
        if place is not None and not is_header_phrase(place) and not _BODY.search(place):
            end = after.end()
        elif after["unit"] is not None:
            end = after.end("unit")
        if start >= 4 and _THE_BEFORE.search(text, max(0, start - 5), start):
            start -= 4
        out.append(Detection(start, end, d.entity_type, d.score, d.strong))
    return out
