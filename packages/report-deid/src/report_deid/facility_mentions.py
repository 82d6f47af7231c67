"""Facilities named by a bare word or an acronym where a patient was seen or imaged.

Notes name the places a patient went by the word staff use: "seen at Mercy last 2021 and then at BJH",
"Seen in Emergency Department at Ninewells on 19991024", "Previously followed at Kingsway and NNUH", "attended
Infirmary on 5/5/18", "images at RPA", and worklist rows end with the reading site ("... RAD-2035-7437105 @
BJH"). No facility noun and often no unknown word is there, so the cue vouches for the name:

- a care verb or an imaging noun, up to four words, then ``at``/``in``/``to``/``from`` (``seen``,
  ``reviewed``, ``followed``, ``admitted``, ``images``, ``films``, ``transferred``, ``then``), or
  ``attended``; then one or two capitalised words or an upper-case acronym of two to six letters, and
  optionally ``and`` a second one;
- ``@`` then such a name at the end of a line.

The name must end there (a full stop, a comma, the line's end, or ``on``/``last``/``in``/``and``/a date).
Words of departments and services ("seen in Physical Therapy"), wards, examinations, weekdays and months,
and the acronyms of units, modalities and findings
(``ED``, ``ICU``, ``MRI``, ``TKA``) are never facilities.
"""

from __future__ import annotations

import regex

from report_deid.name_contexts import is_header_phrase
from report_deid.name_lexicon import COMMON_WORDS, LANGUAGE_WORDS
from report_deid.place_lexicon import SERVICE_NOUNS
from report_deid.recognizers import DEPARTMENT_WORD, EXAM_WORD
from report_deid.spans import Detection
from report_deid.vocabulary import is_vocabulary, plain

MENTION_SCORE = 0.55
_FLAGS = regex.VERSION1 | regex.MULTILINE
_NAME = r"(?:[A-Z][A-Z&]{1,5}(?![\p{L}\d&])|\p{Lu}\p{Ll}[\p{L}'’-]*(?:[ ]\p{Lu}\p{Ll}[\p{L}'’-]*)?)"
_END = (
    r"(?=[ ]*(?:$|[.,;:)])|[ ]+(?i:on|last|in|and|for|with|from|dated|since|until|before|after|today"
    r"|yesterday|earlier|previously)\b|[ ]+\()"
)
#: what stands before the preposition: a care verb or an imaging noun, then up to four words
_CUE_BEFORE = regex.compile(
    r"(?i:\b(?:seen|reviewed|followed(?:[ ]up)?|treated|admitted|presented|imaged|scanned|operated[ ]on"
    r"|managed|assessed|x-?rayed|performed|done|obtained|images|films|studies|radiographs|scans|transferred"
    r"|discharged|then|saw|clinic|surgery|practice|office|branch)(?:[ ][\w&-]+){0,4}?[ ])\Z",
    _FLAGS,
)
#: a date after the name ("was reviewed in Blackwater on 13 Apr 2019"): the name is where it happened
_ON_DATE = regex.compile(
    r"[ ]+on[ ]+(?:\d|(?i:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    _FLAGS,
)
#: how far back from its preposition a cue may start
_CUE_REACH = 60
#: a preposition (or "attended") and the name after it, and optionally "and" a second one; or "@ <site>"
_MENTION = regex.compile(
    rf"(?i:\b(?P<prep>at|in|to|from|attended))[ ]+(?:(?i:the)[ ]+)?(?P<first>{_NAME}){_END}"
    rf"(?:[ ]+and[ ]+(?:then[ ]+(?:at[ ]+)?)?(?:(?i:the)[ ]+)?(?P<second>{_NAME}){_END})?"
    rf"|@[ ]?(?P<site>{_NAME})[ ]*\.?[ \t\r]*$",
    _FLAGS,
)
_NOT_NAME = regex.compile(rf"\b(?:{DEPARTMENT_WORD}|{EXAM_WORD})", _FLAGS)
#: unit, modality, finding and system acronyms, and words that are no facility after "seen in", "films from"
_NOT_FACILITY = (
    frozenset(
        """
    ed er icu itu hdu ccu amu mau sau cdu opd a&e ae miu utc gp or ir ct mr mri xr us dx cr nm pet ap pa lat
    oa ra kl tka tha uka orif nad mdt pacs ris ehr emr epr nhs hse ent msk ot pt slt dexa nwb fwb pwb wbat rom
    acl pcl mcl lcl dna bp hr iv im sc po pr prn uk usa nz irl eu clinic hospital home work school house
    resus majors minors casualty theatre theatres recovery outpatients inpatients clinics flexion extension
    standing supine prone lateral medial weight bearing january february march april may june july august
    september october november december monday tuesday wednesday thursday friday saturday sunday jan feb mar
    apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun dr mr mrs ms miss prof the this that
    his her their our my your its triage reception admissions stir pd t1 t2 flair dwi adc swi pip dip mtp
    mcp cmc acj ip tmj si sij segment zone level grade neutral prone supine erect decubitus abduction
    adduction inspiration expiration synapse person private public
    """.split()
    )
    | LANGUAGE_WORDS
)


def _facility(name: str, prep: str | None) -> bool:
    """Not a unit, modality, service or ordinary word; after "in", "to" or "from" no dictionary word alone.

    "seen at Mercy" names a place by a word; "seen in Neutral", "pushed to Synapse", "then to Neurosurgery"
    do not, so after those prepositions a facility needs a word no dictionary has (or is an acronym).
    """
    words = name.split(" ")
    if (
        any(
            plain(w) in _NOT_FACILITY or plain(w) in SERVICE_NOUNS or plain(w).endswith("therapy")
            for w in words
        )
        or _NOT_NAME.search(name)
        or is_header_phrase(name)
    ):
        return False
    if prep is None or prep.lower() in ("at", "attended") or name.isupper():
        return True
    return any(not is_vocabulary(w) for w in words)


#: dictation's lower-case hospital by its place and "general" or "private" after a place preposition ("xray
#: done at bantry general 6th march", "referred from robina private;")
_LOWER_SHORT_NAME = regex.compile(
    r"\b(?:at|from|to|into)[ ]+(?:the[ ]+)?"
    r"(?P<name>(?P<place>\p{Ll}[\p{Ll}'’-]{2,}(?:[ ]\p{Ll}[\p{Ll}'’-]{2,})?)[ ](?:general|private))"
    r"(?=[ ]*(?:$|[,.;:)?!])|[ ]+(?:on|in|at|last|today|yesterday|tonight|this|\d))",
    _FLAGS,
)


def _lower_short_names(text: str) -> list[Detection]:
    """:data:`_LOWER_SHORT_NAME` when a word of the place is no dictionary word ("pay private" is not)."""
    return [
        Detection(match.start("name"), match.end("name"), "HOSPITAL", MENTION_SCORE)
        for match in _LOWER_SHORT_NAME.finditer(text)
        if any(
            not is_vocabulary(word)
            and plain(word) not in COMMON_WORDS
            and plain(word) not in SERVICE_NOUNS
            for word in match["place"].split(" ")
        )
    ]


def named_facilities(text: str) -> list[Detection]:
    """HOSPITAL spans for facilities named after a care cue or an ``@`` (see the module docstring)."""
    found = []
    for match in _MENTION.finditer(text):
        prep = match["prep"]
        if (
            prep is not None
            and prep.lower() != "attended"
            and not _CUE_BEFORE.search(text, max(0, match.start() - _CUE_REACH), match.start())
        ):
            continue
        for group in ("first", "second", "site"):
            name = match[group]
            dated = name is not None and _ON_DATE.match(text, match.end(group)) is not None
            if name is not None and _facility(name, None if group == "site" or dated else prep):
                found.append(
                    Detection(match.start(group), match.end(group), "HOSPITAL", MENTION_SCORE)
                )
    found.extend(_lower_short_names(text))
    return found
