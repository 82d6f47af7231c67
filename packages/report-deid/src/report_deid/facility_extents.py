"""The whole name of a facility found in part: a leading "The", a unit noun, "of <place>", a site after it.

The rules find a facility by its most telling words ("Fitzwilliam MRI", "Fraser Valley Surgery", "Saint
Boniface Orthopaedic Partners"); the name a letterhead prints often goes on ("Fitzwilliam MRI Centre",
"Fraser Valley Surgery of Meadowbrook", "The Saint Boniface Orthopaedic Partners", "St Vincent's X-Ray",
"Lakeshore Urgent Care - Fond du Lac").
Leaving those words out leaves part of the identifier (a town, a unit's name) in the scrubbed text, so a
facility span is stretched over them. Only a capitalised "The" joins (lower-case "the" is ordinary prose),
and a place after "of" must not be made of header words ("Department of Radiology").
"""

from __future__ import annotations

import regex

from report_deid.address_lines import NOT_PLACE
from report_deid.name_contexts import is_header_phrase
from report_deid.place_lexicon import place_names, toponym_shaped
from report_deid.recognizers import DEPARTMENT_WORD, EXAM_WORD
from report_deid.spans import Detection
from report_deid.vocabulary import plain

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
#: blanks up to the end of the line
_LINE_END = regex.compile(r"[ \t]*(?:\n|$)", _FLAGS)
#: a word of a site's name: capitalised, with no full stop but in an initial and "St." ("B. Rodriguez St.")
_SITE_WORD = r"(?:St\.|Mt\.|Ft\.|\p{Lu}\.|\p{Lu}[\p{L}'’-]*)"
#: a site after a dash, alone up to the end of its line or field ("Lakeshore Urgent Care - Fond du Lac",
#: "Baylor Scott & White – Temple |", "KINGSTON HEALTH SCIENCES CENTRE - HOTEL DIEU SITE"), after two spaces
#: at the end of a letterhead line ("NORTHGATE IMAGING CENTER  BRATTLEBORO"), or after a comma at the end of
#: a clause ("at Ashworth Practice, Mount Pleasant;")
_SITE = regex.compile(
    r"(?:[ ]?[-–—][ ]?|(?P<gap>[ ]{2,})|(?P<comma>,[ ])(?=[^,\n]*(?:[.;)]|$)))"
    rf"(?P<site>{_SITE_WORD}(?:[ ](?:(?:du|de|la|le|on|upon|the|of|sur)[ ])?{_SITE_WORD}){{0,3}})"
    r"(?=[ ]*(?:$|[,;|)\n/.]|[ ]{2}))",
    _FLAGS | regex.MULTILINE,
)
#: a body part or side: "of the Left Knee" is an examination, not a place
_BODY = regex.compile(rf"\b{EXAM_WORD}\b", _FLAGS)
#: a department or service word: "Mercy Hospital - Emergency" names no site
_DEPARTMENT = regex.compile(rf"\b{DEPARTMENT_WORD}", _FLAGS)
#: a capitalised article right before the name, at a line start or after a space or punctuation
_THE_BEFORE = regex.compile(r"(?:^|(?<=[\s:,;(>-]))(?:The|THE)[ ]$", _FLAGS | regex.MULTILINE)


#: a town name joined by hyphens ("Leigh-on-Sea", "Stow-on-the-Wold", "Berwick-upon-Tweed")
_JOINED_TOWN = regex.compile(r"\p{L}-(?:on|upon|in|le|by|sur|under|next|the)-\p{L}", _FLAGS)


def _town_after_comma(text: str, site: regex.Match[str]) -> bool:
    """A site after a comma: two words, a known or town-shaped name, or one that ends the line or bracket.

    One capitalised word before a full stop ("..., Kenalog.") is too often something else.
    """
    words = site["site"].split(" ")
    if (
        len(words) >= 2
        or plain(words[0]) in place_names()
        or toponym_shaped(words[0])
        or _JOINED_TOWN.search(words[0]) is not None
    ):
        return True
    return regex.match(r"[ ]*(?:$|[;)\n])", text[site.end("site") :]) is not None


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
        site = _SITE.match(text, end)
        if site is not None and not (
            (site["comma"] and not _town_after_comma(text, site))
            # after two spaces only at the end of the line ("CARRICK IMAGING CENTRE  BALLYMOTE")
            or (site["gap"] and not _LINE_END.match(text, site.end("site")))
            or is_header_phrase(site["site"])
            or _BODY.search(site["site"])
            or _DEPARTMENT.search(site["site"])
            or NOT_PLACE.search(site["site"])
        ):
            end = site.end("site")
        if start >= 4 and _THE_BEFORE.search(text, max(0, start - 5), start):
            start -= 4
        out.append(Detection(start, end, d.entity_type, d.score, d.strong))
    return out
