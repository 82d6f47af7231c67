"""Towns and counties on their own line inside an address block.

Letterheads and the patient's address in a referral print one part a line::

    Glenmore Surgery
    PO Box 7682
    Henley-on-Thames
    Washington County
    K3 7TK

The street, the PO box and the postcode are found by the rules; the town and the county lines in between
carry no cue of their own, and many towns are ordinary words ("Settle", "Orange", "Bend") or too small for
any gazetteer. A line made only of capitalised place words (one to four, or all capitals) is a LOCATION
when the line above it is an address line (one with a LOCATION or HOSPITAL span, mostly covered by spans)
and the line
below is another address line, a place-shaped line, a blank line or the end of the text. Lines are read top
down, so a town line found this way anchors the county line below it. Header words ("FINDINGS"), body parts,
departments, weekdays and months are never place lines.

Time is linear in the text length: one pass over the lines, each line measured against the sorted spans.
"""

from __future__ import annotations

import regex

from report_deid.name_contexts import is_header_phrase
from report_deid.recognizers import DEPARTMENT_WORD, EXAM_WORD
from report_deid.spans import Detection

LINE_SCORE = 0.5
#: an address line holds a place span; a name on it ("LIVINGSTONE SURGERY, Apt 8B" read as a name) still
#: counts towards its cover
_PLACE_TYPES = frozenset({"LOCATION", "HOSPITAL"})
_LINE_TYPES = frozenset({"LOCATION", "HOSPITAL", "NAME"})
#: how much of a line's non-blank characters existing spans must cover for it to count as an address line
ANCHOR_SHARE = 0.6
_FLAGS = regex.VERSION1
_CONNECTOR = r"(?:upon|on|in|the|and|de|du|la|le|of|sur|am|an|der|en|by|under|next|super)"
_WORD = r"(?:St\.|Co\.|Mt\.|Ft\.|\p{Lu}[\p{L}'’-]*)"
#: a line of place words: "Henley-on-Thames", "Perth and Kinross", "Co. Mayo", "MOUNT PLEASANT", "St Ives";
#: no sentence ("Acquired on Philips DigitalDiagnost."): no full stop, no past participle first
_PLACE_LINE = regex.compile(
    rf"[ \t]*(?P<place>(?!\p{{Lu}}(?:\p{{Ll}}{{2,}}ed|\p{{Lu}}{{2,}}ED)[ ]){_WORD}"
    rf"(?:[ ](?:{_CONNECTOR}[ ])?{_WORD}){{0,3}})"
    rf"[ \t]*,?[ \t]*",
    _FLAGS,
)
#: words no place line holds: examinations, departments, letter words, weekdays, months, titles, headers
NOT_PLACE = regex.compile(
    rf"\b(?:{EXAM_WORD}|{DEPARTMENT_WORD}|(?i:dear|re|to|from|cc|attn|subject|sent|date|tel|fax|phone|email"
    rf"|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
    rf"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?"
    rf"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|thanks|regards|sincerely|yours|dr|mr|mrs|ms|miss|prof"
    rf"|doctor|patient|findings|impression|report|history|comparison|technique|indication|clinical"
    rf"|conclusion|signed|dictated|page|note|notes|hospital|clinic|centre|center|surgery|practice|patients"
    rf"|private|confidential|personal|urgent|addendum|assessment|resonance|magnetic|request|referral|results?"
    rf"|summary|letter|copy|examination|acquired|performed|reported|verified))\b",
    _FLAGS,
)


def _lines(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every line (without its line break)."""
    bounds = []
    start = 0
    for match in regex.finditer(r"\n", text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _covered(text: str, start: int, end: int, spans: list[tuple[int, int]], first: int) -> float:
    """Share of the non-blank characters of ``text[start:end]`` inside ``spans`` (sorted; from ``first``)."""
    solid = sum(1 for ch in text[start:end] if not ch.isspace())
    if solid == 0:
        return 0.0
    inside = 0
    for span_start, span_end in spans[first:]:
        if span_start >= end:
            break
        low, high = max(start, span_start), min(end, span_end)
        if high > low:
            inside += sum(1 for ch in text[low:high] if not ch.isspace())
    return inside / solid


def _place_line(text: str, start: int, end: int) -> regex.Match[str] | None:
    match = _PLACE_LINE.fullmatch(text, start, end)
    if match is None or NOT_PLACE.search(match["place"]) or is_header_phrase(match["place"]):
        return None
    return match


def address_block_lines(text: str, detections: list[Detection]) -> list[Detection]:
    """LOCATION spans for the town and county lines of address blocks (see the module docstring).

    ``detections`` are the spans found so far, sorted by start.
    """
    places = [(d.start, d.end) for d in detections if d.entity_type in _PLACE_TYPES]
    if not places:
        return []
    spans = [(d.start, d.end) for d in detections if d.entity_type in _LINE_TYPES]
    lines = _lines(text)
    anchored = [False] * len(lines)
    first = first_place = 0
    for index, (start, end) in enumerate(lines):
        while first < len(spans) and spans[first][1] <= start:
            first += 1
        while first_place < len(places) and places[first_place][1] <= start:
            first_place += 1
        anchored[index] = (
            first_place < len(places)
            and places[first_place][0] < end
            and _covered(text, start, end, spans, first) >= ANCHOR_SHARE
        )
    found = []
    for index in range(1, len(lines)):
        start, end = lines[index]
        if not anchored[index - 1]:
            continue  # (a line found in part, "Port" + "Augusta", is taken whole)
        match = _place_line(text, start, end)
        if match is None:
            continue
        if index + 1 < len(lines):
            next_start, next_end = lines[index + 1]
            below_ok = (
                anchored[index + 1]
                or not text[next_start:next_end].strip()
                or _place_line(text, next_start, next_end) is not None
            )
            if not below_ok:
                continue
        anchored[index] = True
        found.append(Detection(match.start("place"), match.end("place"), "LOCATION", LINE_SCORE))
    return found
