"""A name or place found once in a report is found everywhere in that report.

Clinicians name a person fully once ("Patient: Hope Whitcombe", "Dr. Okafor") and then by one part of the
name ("Hope reports ...", "discussed with Okafor"); a town or facility named once in an address comes back
bare ("... referred from Tilsby"). Each later mention has no cue of its own, so the rules miss it. This module
takes the words of the report's own NAME, LOCATION and HOSPITAL spans and marks their other occurrences.

Which words travel, and how they are matched:

- a name word that is not English vocabulary nor a common radiology word (:data:`COMMON_WORDS`), at least
  two letters, is matched as a whole word in any case ("Okafor", "OKAFOR", "okafor", "Okafor's"); the parts
  of a hyphenated name travel too ("Nuñez-O'Neil" -> "Nuñez"); a place or facility word of at least three
  letters travels in its own Title or upper case only, and never a facility word ("Physio", "Klinikum");
- a name word that is vocabulary but a common name ("Hope", "Baker", "Frost", "Rose") travels only from a
  span found on a strong cue (a title or a label) or at a score of at least :data:`SURE_SCORE`, and is
  matched only in the same Title or upper case and never as the first word of a sentence or line ("Hope
  reports" is not matched at a sentence start; "asked Hope to" is);
- titles, particles, initials and generational suffixes never travel; place words that are vocabulary
  ("Mill", "General", "Memorial") never do.

Spans the allow-list covers are dropped by the engine afterwards (a patient named Baker leaves "Baker's
cyst" alone). Time is linear: one scan over the report's words with a dictionary look-up per word.
"""

from __future__ import annotations

import bisect

import regex

from report_deid.name_lexicon import COMMON_WORDS, NAME_LIKE_WORDS, census_names
from report_deid.spans import Detection
from report_deid.vocabulary import is_vocabulary, plain

#: score of a repeated mention (below every cue rule, above the engine's threshold)
MENTION_SCORE = 0.5
#: a span at least this sure (or found on a strong cue) lends its vocabulary name words too
SURE_SCORE = 0.8
#: types whose words travel
SOURCE_TYPES = frozenset({"NAME", "LOCATION", "HOSPITAL"})
_WORD = regex.compile(r"\p{L}[\p{L}\p{Mn}]*(?:['’-]\p{L}[\p{L}\p{Mn}]*)*", regex.VERSION1)
#: a word without a possessive ending ("Okafor" of "Okafor's")
_MENTION_WORD = regex.compile(
    r"(?<![\p{L}\d'’-])\p{L}[\p{L}\p{Mn}]*(?:['’-](?![sS]\b)\p{L}[\p{L}\p{Mn}]*)*", regex.VERSION1
)
#: words inside a name span that are not the name
_NOT_NAME_PARTS = frozenset(
    """
    dr dr. mr mrs ms miss mx prof sir dame nurse sister jr sr ii iii iv md do phd rn np pa np-c pa-c mbbs
    frcr frcs mrcp facr de del della der den di da du dos das la le van von ten ter bin ibn al el st y
    and the of
    """.split()
)
#: words of facility names that are not a place's own name ("Wagga Physio Co", "Mater Misericordiae")
_FACILITY_WORDS = frozenset(
    """
    physio physiotherapy ortho orthopaedic orthopaedics rehab hosp gen uni nhs hse trust imaging radiology
    medical medicine clinic clinique klinik klinikum kliniek ziekenhuis krankenhaus hôpital hopital mediclinic
    healthcare health centre center practice surgery partnership diagnostics diagnostic radiologie
    """.split()
)
#: what ends a sentence or starts a line before a word (a vocabulary name word is not matched there)
_SENTENCE_START = regex.compile(r"(?:^|[.!?:;\n>*•-])[ \t\"'(]*$", regex.VERSION1)
_LOOK_BACK = 12


def _possessive_base(word: str) -> str:
    """``Okafor's`` -> ``Okafor`` (the possessive is not part of the name)."""
    for suffix in ("'s", "’s", "'S", "’S"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def _travelling_words(
    text: str, detections: list[Detection]
) -> tuple[dict[str, str], dict[str, str]]:
    """``(any_case, same_case)``: folded words matched in any case -> type, exact spellings -> type."""
    first_names, surnames = census_names()
    any_case: dict[str, str] = {}
    same_case: dict[str, str] = {}
    for d in detections:
        if d.entity_type not in SOURCE_TYPES:
            continue
        sure = d.strong or d.score >= SURE_SCORE
        for match in _WORD.finditer(text, d.start, d.end):
            word = _possessive_base(match[0])
            parts = [word, *regex.split(r"['’-]", word)] if "-" in word else [word]
            for part in parts:
                low = plain(part)
                if low in _NOT_NAME_PARTS or len(low) < 2:
                    continue
                common = low in COMMON_WORDS or is_vocabulary(part) or low in _FACILITY_WORDS
                if not common:
                    if d.entity_type == "NAME":
                        any_case.setdefault(low, "NAME")
                    elif len(low) >= 3 and part[0].isupper():
                        same_case.setdefault(part, d.entity_type)
                        same_case.setdefault(part.upper(), d.entity_type)
                elif (
                    d.entity_type == "NAME"
                    and sure
                    and len(low) >= 3
                    and part[0].isupper()
                    and (low in NAME_LIKE_WORDS or low in surnames or low in first_names)
                ):
                    same_case.setdefault(part, "NAME")
                    same_case.setdefault(part.upper(), "NAME")
    return any_case, same_case


def repeated_mentions(text: str, detections: list[Detection]) -> list[Detection]:
    """Other occurrences in ``text`` of the words of its NAME, LOCATION and HOSPITAL ``detections``.

    Returns only mentions outside the given spans (a word inside an existing span is not repeated). One scan
    over the report's words (a possessive ``'s`` is left outside them) with a dictionary look-up each.
    """
    any_case, same_case = _travelling_words(text, detections)
    if not any_case and not same_case:
        return []
    starts = sorted(d.start for d in detections)
    ends = {d.start: d.end for d in detections}
    found = []
    for match in _MENTION_WORD.finditer(text):
        word = match[0]
        kind = any_case.get(plain(word))
        if kind is None:
            kind = same_case.get(word)
            if kind is None:
                continue
            start = match.start()
            if _SENTENCE_START.search(text[max(0, start - _LOOK_BACK) : start]):
                continue
        start, end = match.span()
        index = bisect.bisect_right(starts, start) - 1
        inside = index >= 0 and ends[starts[index]] > start
        if inside or (index + 1 < len(starts) and starts[index + 1] < end):
            continue
        found.append(Detection(start, end, kind, MENTION_SCORE))
    return found
