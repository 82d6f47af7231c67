"""PHI in tables (worklists, audit logs, CSV exports), read by the column header.

A RIS worklist or an audit log exported as CSV, tab- or pipe-separated text names its columns once
(``"Accession","MRN","Surname","Forename","DOB",...``) and then gives bare values, many of which no pattern
can recognise alone (``"FROST","Hope"``). This module finds a header line, maps each column name to a PHI type
(:data:`COLUMN_TYPES`: ``Surname`` -> NAME, ``Location`` -> LOCATION, ``MRN`` -> MRN, ...) and reports the
values of those columns on the rows below it, for as long as the rows keep the header's shape.

A header line has at least three fields, split by the separator it holds most of outside double quotes
(``,``, tab, ``|``, ``;``); it does not end like a sentence (``.``), every field is short (three words at
most) with no digit, and at least two map to a type. A row must have exactly the header's number of fields
(an unquoted separator inside a value would shift the columns after it). Values that are empty, a
placeholder (``-``, ``n/a``), a table rule (``---``) or, for a name, digits only are skipped. Dates and times
are left to the date rules. The allow-list still applies (a ``User`` column may hold a system's name). Time
is linear in the text.
"""

from __future__ import annotations

import regex

from report_deid.spans import Detection

#: score of a value read by its column (a label's)
COLUMN_SCORE = 0.8
_SEPARATORS = (",", "\t", "|", ";")
#: PHI type -> column names, comma-separated, lower case (dots, underscores, ``#``, brackets read as spaces)
_COLUMNS = {
    "NAME": """name, patient, patient name, pt name, full name, surname, last name, lastname, family name,
        first name, firstname, forename, forenames, given name, given names, middle name, referrer, referring,
        referring physician, referring clinician, referring doctor, ordering, ordering physician,
        ordering provider, requester, requested by, requesting clinician, consultant, radiologist, reporter,
        reported by, reporting radiologist, author, user, username, user name, user id, userid, login,
        operator, tech, technologist, radiographer, clinician, doctor, physician, provider, gp, nurse,
        attending, performed by, signed by, verified by, approved by, dictated by, typist, transcriptionist,
        next of kin""",
    "MRN": """mrn, hospital number, hospital no, hosp no, patient id, pid, nhs, nhs number, nhs no, chi, urn,
        record number, mr number, medical record number, unit number""",
    "ACCESSION": "accession, acc, acc no, accession number, accession no",
    "LOCATION": "location, ward, room, bed, address, city, town, postcode, post code, zip, residence",
    "HOSPITAL": "site, facility, hospital, institution, practice, referring site, referring hospital, source",
    "PHONE": "phone, tel, telephone, mobile, contact number, contact phone",
}
#: column name -> PHI type
COLUMN_TYPES = {
    " ".join(name.split()): entity
    for entity, names in _COLUMNS.items()
    for name in names.split(",")
    if name.strip()
}
_HEADER_FIELD = regex.compile(r"[\p{L}][\p{L} ./#_'’()-]{0,30}")
_LETTER = regex.compile(r"\p{L}")
_QUOTED = regex.compile(r'"[^"\n]*"')
#: a Markdown or ASCII table rule (``---``, ``:--:``, ``===``)
_RULE_LINE = regex.compile(r"[-:=+ ]+")
_EMPTY = frozenset({"", "-", "--", "n/a", "na", "none", "null", "unknown", "?"})


def table_columns(text: str) -> list[Detection]:
    """Values under PHI-typed column headers in ``text`` (see the module docstring)."""
    found: list[Detection] = []
    lines = list(_lines(text))
    index = 0
    while index < len(lines):
        start, end = lines[index]
        header = _header(text, start, end)
        index += 1
        if header is None:
            continue
        separator, types = header
        while index < len(lines):
            row_start, row_end = lines[index]
            fields = _fields(text, row_start, row_end, separator)
            if len(fields) != len(types):
                break  # an unquoted separator inside a value would shift every column after it
            for (field_start, field_end), entity in zip(fields, types, strict=True):
                value = text[field_start:field_end]
                if entity is None or value.lower() in _EMPTY or _RULE_LINE.fullmatch(value):
                    continue
                if entity == "NAME" and not _LETTER.search(value):
                    continue
                found.append(Detection(field_start, field_end, entity, COLUMN_SCORE))
            index += 1
    return found


def _lines(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each line of ``text``."""
    spans, start = [], 0
    for match in regex.finditer(r"\r?\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _header(text: str, start: int, end: int) -> tuple[str, list[str | None]] | None:
    """The separator and the PHI type of each column if ``text[start:end]`` is a header line."""
    line = _QUOTED.sub("", text[start:end])
    if line.rstrip().endswith("."):
        return None  # a sentence, not a header
    counts = {sep: line.count(sep) for sep in _SEPARATORS}
    separator = max(counts, key=lambda sep: counts[sep])
    if counts[separator] < 2:
        return None
    names = [text[a:b].strip().lower() for a, b in _fields(text, start, end, separator)]
    if any(not _HEADER_FIELD.fullmatch(name) or len(name.split()) > 3 for name in names if name):
        return None
    types = [COLUMN_TYPES.get(regex.sub(r"[ ._#/()]+", " ", name).strip()) for name in names]
    if sum(entity is not None for entity in types) < 2:
        return None
    return separator, types


def _fields(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each field of a line, outside double quotes, without quotes and outer spaces."""
    fields, field_start, quoted = [], start, False
    for position in range(start, end + 1):
        char = text[position] if position < end else separator
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            a, b = field_start, position
            while a < b and text[a] in ' \t"':
                a += 1
            while b > a and text[b - 1] in ' \t"':
                b -= 1
            fields.append((a, b))
            field_start = position + 1
    return fields
