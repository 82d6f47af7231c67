"""The detection engine: regular-expression rules, the census name lexicon and, optionally, a local spaCy NER.

Nothing is downloaded and nothing heavy is imported by default: the rules need only ``regex``. spaCy is
imported only when ``spacy_model`` is given (a local pipeline directory, ``spacy.load(PATH)``); its
``PERSON`` entities become NAME and ``ORG``/``FAC`` HOSPITAL, every other label is ignored.

Time is linear in the report length: each rule is one ``finditer`` scan, the lexicon three, and the spaCy
pipeline runs on chunks of at most :data:`CHUNK_CHARS` characters cut at line or sentence breaks (a chunk
never exceeds ``nlp.max_length``), so a report of any length is processed whole. There is no context enhancer
(Presidio's compared every detection with every token window, quadratic in length, and changed no decision:
every rule scores above the threshold).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import regex

from report_deid.address_lines import address_block_lines
from report_deid.allow_list import allowed_spans, inside_allowed, overlaps_allowed_phrase
from report_deid.errors import ModelNotFoundError
from report_deid.facility_extents import extend_facilities
from report_deid.facility_mentions import named_facilities
from report_deid.gazetteer import is_region
from report_deid.hl7_fields import hl7_fields
from report_deid.name_contexts import context_names, is_header_phrase
from report_deid.name_lexicon import census_names, lexicon_names
from report_deid.place_lexicon import lexicon_places, places_beside_places
from report_deid.recognizers import Rule, radiology_rules
from report_deid.repeated_mentions import repeated_mentions
from report_deid.spans import Detection, merge_overlaps
from report_deid.table_columns import table_columns
from report_deid.text_forms import fold
from report_deid.vocabulary import plain

#: types whose spans are dropped when made only of header words ("EXAM", "Hospital No", "ORTHO CLINIC")
_NAMED_TYPES = frozenset({"NAME", "HOSPITAL", "LOCATION"})
NER_MAPPING = {"PERSON": "NAME", "PER": "NAME", "ORG": "HOSPITAL", "FAC": "HOSPITAL"}
NER_SCORE = 0.6
CHUNK_CHARS = 50_000


def chunk_bounds(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """``[start, end)`` pieces of ``text``, each at most ``limit`` characters, covering it exactly once.

    A piece ends after the last line break in its second half, else after a sentence end or a space there,
    else at the limit.
    """
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        cut = -1
        for separator in ("\n", ". ", " "):
            position = text.rfind(separator, start + limit // 2, window_end)
            if position >= 0:
                cut = position + len(separator)
                break
        end = cut if cut > start else window_end
        yield start, end
        start = end
    if start < len(text) or not text:
        yield start, len(text)


class DetectionEngine:
    """Finds PHI spans: rules + lexicon (+ spaCy NER), allow-list veto, overlap merge.

    Args:
        spacy_model: optional local spaCy pipeline directory (adds PERSON/ORG/FAC entities).
        score_threshold: detections scoring below it are dropped.
        use_lexicon: find cue-less names (census lexicon) and cities (GeoNames gazetteer).
    """

    def __init__(
        self,
        spacy_model: Path | None = None,
        score_threshold: float = 0.4,
        *,
        use_lexicon: bool = True,
    ) -> None:
        self.rules: list[Rule] = radiology_rules()
        self.score_threshold = score_threshold
        self.use_lexicon = use_lexicon
        self.nlp: Any = _load_spacy(Path(spacy_model)) if spacy_model is not None else None

    def candidates(self, text: str) -> list[Detection]:
        """Every raw detection (before the allow-list and merging), found on :func:`fold`-ed text."""
        return self._candidates(fold(text))

    def _candidates(self, text: str) -> list[Detection]:
        """:meth:`candidates` of already folded text."""
        found = [d for r in self.rules for d in r.find(text)]
        found.extend(hl7_fields(text))
        found.extend(table_columns(text))
        found.extend(named_facilities(text))
        if self.use_lexicon:
            found.extend(lexicon_names(text))
            found.extend(context_names(text))
            found.extend(lexicon_places(text))
        if self.nlp is not None:
            found.extend(self._entities(text))
        return [
            d
            for d in found
            if d.score >= self.score_threshold
            and not (d.entity_type in _NAMED_TYPES and is_header_phrase(text[d.start : d.end]))
            and not _region_alone(text, d)
        ]

    def detect(self, text: str) -> list[Detection]:
        """PHI spans of ``text``: allow-list filtered (strong cues excepted), merged, sorted by start."""
        folded = fold(text)
        allowed = allowed_spans(folded)
        kept = [
            d
            for d in self._candidates(folded)
            if d.strong
            or not (
                inside_allowed(d.start, d.end, allowed)
                # names and places found without a cue: not over an eponym phrase ("Geen Segond-fractuur")
                or (
                    d.entity_type in _NAMED_TYPES
                    and overlaps_allowed_phrase(folded, d.start, d.end, allowed)
                )
            )
        ]
        merged = merge_overlaps(kept)
        # second passes that read the spans found so far: towns beside places, the town and county lines of
        # address blocks, repeated mentions
        passes = (
            (places_beside_places, address_block_lines, repeated_mentions)
            if self.use_lexicon
            else (address_block_lines, repeated_mentions)
        )
        for second_pass in passes:
            extra = [
                d
                for d in second_pass(folded, merged)
                if not inside_allowed(d.start, d.end, allowed)
            ]
            if extra:
                merged = merge_overlaps([*merged, *extra])
        merged = merge_overlaps(extend_facilities(folded, merged))
        return [trim_header_tail(folded, d) for d in bridge_places(folded, merged)]

    def _entities(self, text: str) -> list[Detection]:
        limit = min(CHUNK_CHARS, int(self.nlp.max_length))
        found = []
        for start, end in chunk_bounds(text, limit):
            for entity in self.nlp(text[start:end]).ents:
                mapped = NER_MAPPING.get(entity.label_)
                if mapped:
                    found.append(
                        Detection(
                            start + entity.start_char, start + entity.end_char, mapped, NER_SCORE
                        )
                    )
        return found


#: a place preposition right before a span ("moved from Portugal", "lives in Vermont")
_PLACE_PREPOSITION_BEFORE = regex.compile(r"(?i:\b(?:from|in|to|at|near|of))[ ]+$")
#: where someone lives, was born or travelled: the place after it is a place, whatever else it names
_RESIDENCE_BEFORE = regex.compile(
    r"(?i:\b(?:moved|relocated|emigrated|immigrated|travell?ed|returned|holidays?|holidaying|vacation"
    r"|lives|living|lived|born|raised|grew[ ]up|visiting|visited|trip|flew|originally|native)"
    r"(?:[ ]\w+){0,2}?[ ](?:from|to|in|of))[ ]+$"
)


def _region_alone(text: str, detection: Detection) -> bool:
    """A state or a country alone, which is no PHI (Safe Harbor removes units smaller than a state).

    After a residence or travel cue ("moved from Portugal", "lives in Vermont") it is dropped whatever its
    type. Otherwise a country that is also a census name stays ("Handed to India at reception", "Call from
    Cuba"); a place is dropped, and a name only after a place preposition.
    """
    if detection.strong or detection.entity_type not in ("LOCATION", "NAME"):
        return False
    span = text[detection.start : detection.end]
    if not is_region(span):
        return False
    before = text[max(0, detection.start - 40) : detection.start]
    if _RESIDENCE_BEFORE.search(before):
        return True
    first_names, surnames = census_names()
    if plain(span) in first_names or plain(span) in surnames:
        return False
    return detection.entity_type == "LOCATION" or bool(_PLACE_PREPOSITION_BEFORE.search(before))


#: types that make up one address when only spaces and commas separate them ("12 Oak St, Springfield, IL")
PLACE_TYPES = frozenset({"LOCATION", "HOSPITAL"})
_MAX_GAP = 3


#: a comma then only header words at the end of a name or facility ("X Y, Orthopaedic Registrar")
_COMMA_TAIL = regex.compile(r",[ ]*(?P<tail>[^,]+)$")


def trim_header_tail(text: str, detection: Detection) -> Detection:
    """``detection`` without a trailing ``, <department or role>`` (catalogue: departments are not PHI)."""
    if detection.entity_type not in ("NAME", "HOSPITAL"):
        return detection
    tail = _COMMA_TAIL.search(text, detection.start, detection.end)
    if tail is None or not is_header_phrase(tail["tail"]):
        return detection
    return Detection(
        detection.start, tail.start(), detection.entity_type, detection.score, detection.strong
    )


def bridge_places(text: str, detections: list[Detection]) -> list[Detection]:
    """Join neighbouring place (date, phone, name) spans apart by up to three spaces, commas, periods, dashes.

    An "&" joins too ("Herts & Essex").

    An address is one span: the street, the city and the state found separately become one placeholder,
    and the comma between them is no longer left as a gap; so is a weekday and the date after it.
    """
    out: list[Detection] = []
    for d in detections:
        if out and _joinable(out[-1].entity_type, d.entity_type):
            last = out[-1]
            gap = text[last.end : d.start]
            if len(gap) <= _MAX_GAP and all(ch in " ,.-–—&" for ch in gap):
                best = max((last, d), key=lambda x: x.score)
                out[-1] = Detection(
                    last.start, d.end, best.entity_type, best.score, last.strong or d.strong
                )
                continue
        out.append(d)
    return out


#: types whose neighbouring parts are one identifier: a weekday and its date, a number and its extension, a
#: family name and the given name found apart ("Okafor" + "Ada" in "Okafor, Ada")
JOINED_TYPES = frozenset({"DATE", "PHONE", "NAME"})


def _joinable(first: str, second: str) -> bool:
    """Two place parts (street, city, facility), or two parts of one date, phone number or name."""
    return (first in PLACE_TYPES and second in PLACE_TYPES) or (
        first == second and first in JOINED_TYPES
    )


def _load_spacy(path: Path) -> Any:
    """A spaCy pipeline from a local directory (never a package name, so nothing is fetched)."""
    if not (path / "config.cfg").is_file():
        raise ModelNotFoundError(
            f"{path} is not a spaCy pipeline directory (no config.cfg); save one with nlp.to_disk(PATH) or "
            "unpack a model package there"
        )
    import spacy

    nlp = spacy.load(path)
    if not any(name in ("ner", "entity_ruler") for name in nlp.pipe_names):
        raise ModelNotFoundError(f"{path}: the spaCy pipeline has no entity recognizer")
    return nlp
