r"""PHI in HL7 v2 messages, read by field position rather than by pattern.

RIS and PACS exports often carry the HL7 v2 message a report came in (``MSH|^~\&|...``, ``PID|...``). There
the identifiers have no label: a segment's fields are separated by ``|``, the components of a field by ``^``,
repetitions by ``~`` and sub-components by ``&``, and the position says what a value is (``PID-5`` is the
patient's name as ``FAMILY^GIVEN^MIDDLE^SUFFIX^PREFIX``, ``PID-11`` the address as
``STREET^OTHER^CITY^STATE^ZIP^COUNTRY``). This module reads segments that start a line (or follow a
carriage return) with no indent or quote mark before them, and reports:

- person names (``XPN``, ``XCN``, ``NDL``): patient, mother's maiden name, alias, next of kin, guarantor,
  attending, referring, consulting, admitting, ordering, verifying, entering, copied-to and interpreting
  clinicians, the operator; a clinician's ``ID^FAMILY^GIVEN`` gives one span from the ID when the ID holds
  three letters (a user name such as ``jsmith`` or ``RECEPTION3``), else from the family name;
- identifiers (``CX``): the ID of ``PID-2/3/4`` (MRN), account (``PID-18``), SSN or national number
  (``PID-19``), driver's licence (``PID-20``), visit number (``PV1-19``); the assigning authority of a record
  number is the facility that issued it (``M5521907^^^CUH``), unless it is a national scheme (``NHS``);
- places (``XAD``, ``PL``): street, other designation, city, ZIP and county of every address (the state or
  province is not PHI), birth place, the ward^room^bed of an assigned or prior location, as one span;
- facilities (``HD``, ``XON``): the sending and receiving facility of ``MSH``, a location's facility, the
  primary facility, ordering facility and performing organisation;
- phone numbers (``XTN``): the first component, or the area code and number components.

Dates and times are left to the date rules (``19580704`` and ``20260311142207`` are found there). Every span
is ``strong``: a field's position is an unambiguous cue, as a label is. Time is linear in the text.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from report_deid.spans import Detection

#: score of a field read by position (a label's)
FIELD_SCORE = 0.85
#: one segment line: three upper-case letters or digits, the field separator, the rest of the line
_SEGMENT = regex.compile(
    r"(?:^|(?<=\r))(?P<id>[A-Z][A-Z0-9]{2})\|(?P<body>[^\r\n]*)", regex.MULTILINE
)
_LETTER = regex.compile(r"\p{L}")
#: assigning authorities that are national schemes, not facilities
_NATIONAL = frozenset(
    "NHS NH SS SSA SSN USSSA CMS HCN NHI IHI CHI PPS PPSN BSN INSEE MEDICARE MC MCD SIN RAMQ OHIP DL".split()
)

# what each kind of field yields; kinds: name (XPN), clinician (XCN/NDL), id:<TYPE> (CX), authority (CX
# with its facility), address (XAD), location (PL), facility (HD/XON), phone (XTN)
_FIELDS: dict[str, dict[int, str]] = {
    "MSH": {4: "facility", 6: "facility"},
    "EVN": {5: "clinician"},
    "PID": {
        2: "id:MRN",
        3: "id:MRN",
        4: "id:MRN",
        5: "name",
        6: "name",
        9: "name",
        11: "address",
        12: "county",
        13: "phone",
        14: "phone",
        18: "id:ACCOUNT",
        19: "id:SSN",
        20: "id:LICENSE",
        21: "id:ID",
        23: "place",
    },
    "PD1": {3: "facility", 4: "clinician"},
    "NK1": {2: "name", 4: "address", 5: "phone", 6: "phone", 30: "name", 32: "address"},
    "GT1": {3: "name", 5: "address", 6: "phone", 7: "phone", 12: "id:SSN"},
    "IN1": {16: "name", 19: "address", 36: "id:ID"},
    "PV1": {
        3: "location",
        6: "location",
        7: "clinician",
        8: "clinician",
        9: "clinician",
        11: "location",
        17: "clinician",
        19: "id:ID",
        39: "facility",
        42: "location",
        43: "location",
        52: "clinician",
    },
    "ORC": {
        10: "clinician",
        11: "clinician",
        12: "clinician",
        19: "clinician",
        21: "facility",
        22: "address",
        23: "phone",
        24: "address",
    },
    "OBR": {
        10: "clinician",
        16: "clinician",
        17: "phone",
        28: "clinician",
        32: "clinician",
        33: "clinician",
        34: "clinician",
        35: "clinician",
    },
    "OBX": {16: "clinician", 23: "facility", 24: "address", 25: "clinician"},
    "TXA": {5: "clinician", 9: "clinician", 10: "clinician", 11: "clinician", 22: "clinician"},
}
#: components of an address that are PHI (1-based): street, other designation, city, ZIP, county
_ADDRESS_PARTS = (1, 2, 3, 5, 9)


def hl7_fields(text: str) -> list[Detection]:
    """PHI values of the HL7 v2 segments in ``text`` (see the module docstring)."""
    found: list[Detection] = []
    if "|" not in text:
        return found
    for segment in _SEGMENT.finditer(text):
        fields = _FIELDS.get(segment["id"])
        if fields is None:
            continue
        # MSH-1 is the separator itself, so MSH-n is the (n-1)th piece after the segment name
        shift = 1 if segment["id"] == "MSH" else 0
        for number, (start, end) in enumerate(
            _split(text, segment.start("body"), segment.end("body"), "|"), 1
        ):
            kind = fields.get(number + shift)
            if kind is None or end <= start:
                continue
            for rep_start, rep_end in _split(text, start, end, "~"):
                found.extend(_values(text, kind, rep_start, rep_end))
    return found


def _split(text: str, start: int, end: int, separator: str) -> Iterator[tuple[int, int]]:
    """``[start, end)`` pieces of ``text[start:end]`` between the ``separator`` characters."""
    piece = start
    while True:
        cut = text.find(separator, piece, end)
        if cut < 0:
            yield piece, end
            return
        yield piece, cut
        piece = cut + 1


def _values(text: str, kind: str, start: int, end: int) -> Iterator[Detection]:
    """The detections of one field repetition ``text[start:end]`` of ``kind``."""
    parts = list(_split(text, start, end, "^"))
    if kind == "clinician" and "&" in text[parts[0][0] : parts[0][1]]:
        # a name in sub-components (OBR-32 interpreter: ``ID&FAMILY&GIVEN^start^end^place``)
        parts = list(_split(text, parts[0][0], parts[0][1], "&"))

    def span(first: int, last: int, entity: str) -> Iterator[Detection]:
        """One span over components ``first..last`` (1-based), trimmed to the non-empty ones."""
        chosen = [p for p in parts[first - 1 : last] if p[1] > p[0]]
        if chosen:
            yield Detection(chosen[0][0], chosen[-1][1], entity, FIELD_SCORE, True)

    if kind == "name":
        yield from span(1, 3, "NAME")
    elif kind == "clinician":
        identifier = text[parts[0][0] : parts[0][1]]
        names_from = 1 if len(_LETTER.findall(identifier)) >= 3 else 2
        yield from span(names_from, 4, "NAME")
    elif kind.startswith("id:"):
        yield from span(1, 1, kind[3:])
        if kind == "id:MRN" and len(parts) >= 4:
            authority = text[parts[3][0] : parts[3][1]].split("&")[0]  # NAMESPACE&OID&ISO
            if authority.upper() not in _NATIONAL and _LETTER.search(authority):
                at = parts[3][0]
                yield Detection(at, at + len(authority), "HOSPITAL", FIELD_SCORE, True)
    elif kind == "address":
        for index in _ADDRESS_PARTS:
            if index <= len(parts):
                yield from span(index, index, "LOCATION")
    elif kind in ("county", "place"):
        yield from span(1, 1, "LOCATION")
    elif kind == "location":
        yield from span(1, 3, "LOCATION")
        if len(parts) >= 4:
            yield from span(4, 4, "HOSPITAL")
    elif kind == "facility":
        yield from span(1, 1, "HOSPITAL")
    elif kind == "phone":
        if parts[0][1] > parts[0][0]:
            yield from span(1, 1, "PHONE")
        elif len(parts) >= 7:
            yield from span(6, 7, "PHONE")
