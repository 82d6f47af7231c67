"""Radiology-specific Presidio recognizers (regular expressions with explicit flags).

Person names are found from their context, not their shape: after titles (``Dr.``, ``Mr.``, ``Mrs.``,
``Ms.``), after labels (``Patient:``, ``Name:``, ``Pt:``, ``Attending:``, ``Referring physician:``,
``Ordering provider:``, ``Signed by``, ``Dictated by``, ``Transcribed by``, ``Read by``, ``Reviewed by``,
``approved by``), after communication phrases (``discussed with``, ``called to``, ``communicated to``,
``reviewed with``), before a credential (``, MD``, ``M.D.``, ``DO``, ``PA-C``, ``NP``, ``RN``),
and in ``LAST, FIRST`` form after a label.
Name patterns are case-sensitive (a capital letter starts every name part), because Presidio's default
``IGNORECASE`` would turn every word into a name; labels inside them are matched case-insensitively with
scoped ``(?i:...)`` groups. The other patterns are case-insensitive where case carries no meaning.

A pattern that needs context (a label, a title) matches the context too and marks the PHI itself with a
named group ``(?P<phi>...)``: :class:`GroupPatternRecognizer` reports only that group. This replaces
variable-length look-behinds, which the ``regex`` engine would try at every character (several times slower).
"""

from __future__ import annotations

from typing import Any

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

CASE = regex.DOTALL | regex.MULTILINE
NOCASE = CASE | regex.IGNORECASE

_PART = r"(?:(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)*|[A-Z]['A-Z-]{1,}[A-Z]|[A-Z]\.)"
_NOT_A_HEADER = r"(?!(?i:name|id|date|dob|mrn|number|age|sex|gender|history)\b)"
NAME_BODY = rf"{_PART}(?:[ ]{_PART}){{0,3}}"
_LAST_FIRST = rf"{_PART},[ ]{_PART}(?:[ ]{_PART})?"
_TITLE = r"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?[ ]+"
_LABEL = (
    r"(?i:\b(?:patient(?:[ ]name)?|name|pt|attending(?:[ ]radiologist|[ ]physician)?|referring(?:[ ]physician"
    r"|[ ]provider|[ ]doctor)?|ordering(?:[ ]provider|[ ]physician)?|radiologist|technologist|resident|fellow"
    r"|physician|provider|signed(?:[ ]by)?|electronically[ ]signed(?:[ ]by)?|dictated(?:[ ]by)?"
    r"|transcribed(?:[ ]by)?|transcriptionist|read(?:[ ]by)|reviewed(?:[ ]by)|approved(?:[ ]by)"
    r"|verified(?:[ ]by)|interpreted(?:[ ]by)|cc))[ ]*[:#-]?[ ]*(?:(?:Dr|Mr|Mrs|Ms)\.?[ ]+)?"
)
_COMMUNICATION = (
    r"(?i:\b(?:discussed|reviewed|communicated|conveyed|called|relayed|given|faxed|sent)"
    r"(?:[ ]the[ ]findings)?[ ](?:with|to))[ ]+(?:(?:Dr|Mr|Mrs|Ms)\.?[ ]+)?"
)
_CREDENTIAL = r"(?=,?[ ]*(?:MD|M\.D\.|DO|D\.O\.|PA-C|NP|RN|RT\(R\)|PhD|FRCR|MBBS)\b)"

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)


class GroupPatternRecognizer(PatternRecognizer):
    """A pattern recognizer that reports the ``phi`` group of a match when the pattern has one."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: Any = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Run every pattern; each match gives one result spanning its ``phi`` group (or the whole match)."""
        flags = regex_flags or self.global_regex_flags
        results = []
        for pattern in self.patterns:
            if pattern.compiled_regex is None or pattern.compiled_with_flags != flags:
                pattern.compiled_regex = regex.compile(pattern.regex, flags=flags)
                pattern.compiled_with_flags = flags
            has_group = "phi" in pattern.compiled_regex.groupindex
            for match in pattern.compiled_regex.finditer(text):
                start, end = match.span("phi") if has_group else match.span()
                if start == end:
                    continue
                explanation = self.build_regex_explanation(
                    self.name, pattern.name, pattern.regex, pattern.score, None, flags
                )
                results.append(
                    RecognizerResult(
                        entity_type=self.supported_entities[0],
                        start=start,
                        end=end,
                        score=pattern.score,
                        analysis_explanation=explanation,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return EntityRecognizer.remove_duplicates(results)


def name_recognizer() -> PatternRecognizer:
    """People's names from titles, labels, communication phrases, credentials and ``LAST, FIRST``."""
    patterns = [
        Pattern("name after label, last-first", rf"{_LABEL}(?P<phi>{_LAST_FIRST})", 0.85),
        Pattern("name after title", rf"{_TITLE}(?P<phi>{NAME_BODY})", 0.85),
        Pattern("name after label", rf"{_LABEL}{_NOT_A_HEADER}(?P<phi>{NAME_BODY})", 0.7),
        Pattern("name after communication", rf"{_COMMUNICATION}(?P<phi>{NAME_BODY})", 0.75),
        Pattern("name before credential", rf"\b{NAME_BODY}{_CREDENTIAL}", 0.8),
    ]
    return GroupPatternRecognizer(
        "NAME",
        patterns=patterns,
        name="RadiologyNameRecognizer",
        global_regex_flags=CASE,
        context=["dr", "patient", "signed", "physician", "md"],
    )


def date_recognizer() -> PatternRecognizer:
    """Numeric, ISO and month-name dates (and month-year), more specific than a year."""
    patterns = [
        Pattern(
            "numeric date",
            r"\b(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\d|3[01])[/-](?:(?:19|20)\d{2}|\d{2})\b",
            0.8,
        ),
        Pattern(
            "iso date",
            r"\b(?:19|20)\d{2}[-/.](?:0[1-9]|1[0-2])[-/.](?:0[1-9]|[12]\d|3[01])\b",
            0.85,
        ),
        Pattern(
            "month day year",
            rf"\b{MONTH}\.?[ ]+\d{{1,2}}(?:st|nd|rd|th)?,?[ ]+(?:19|20)\d{{2}}\b",
            0.9,
        ),
        Pattern(
            "day month year",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ -]{MONTH}\.?[ ,-]+(?:(?:19|20)\d{{2}}|\d{{2}})\b",
            0.9,
        ),
        Pattern("month year", rf"\b{MONTH}\.?[ ]+(?:19|20)\d{{2}}\b", 0.6),
        Pattern("month day", rf"\b{MONTH}\.?[ ]+\d{{1,2}}(?:st|nd|rd|th)?\b(?![ ]*(?:mm|cm))", 0.5),
    ]
    return PatternRecognizer(
        "DATE",
        patterns=patterns,
        name="RadiologyDateRecognizer",
        global_regex_flags=NOCASE,
        context=["date", "dated", "dob", "on", "exam", "study"],
    )


def time_recognizer() -> PatternRecognizer:
    """12-hour, 24-hour and military times."""
    patterns = [
        Pattern(
            "clock time",
            r"\b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:[ ]?(?:[ap]\.m\.|[ap]m)(?![a-z]))?",
            0.8,
        ),
        Pattern("hour am/pm", r"\b(?:1[0-2]|0?[1-9])[ ]?(?:[ap]\.m\.|[ap]m)(?![a-z])", 0.7),
        Pattern("military after at", r"\bat[ ](?P<phi>(?:[01]\d|2[0-3])[0-5]\d)\b", 0.7),
        Pattern("military hours", r"\b(?:[01]\d|2[0-3])[0-5]\d(?=[ ]?(?:hours|hrs|h)\b)", 0.85),
    ]
    return GroupPatternRecognizer(
        "TIME", patterns=patterns, name="TimeRecognizer", global_regex_flags=NOCASE
    )


def phone_recognizer() -> PatternRecognizer:
    """US telephone and fax numbers with optional extensions."""
    number = r"(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b"
    extension = r"(?:[ ]*(?:ext\.?|extension|x)[ ]*\d{1,6}\b)?"
    patterns = [Pattern("phone", number + extension, 0.75)]
    return PatternRecognizer(
        "PHONE",
        patterns=patterns,
        name="PhoneExtensionRecognizer",
        global_regex_flags=NOCASE,
        context=["phone", "call", "fax", "tel", "pager"],
    )


def email_recognizer() -> PatternRecognizer:
    """E-mail addresses (a plain pattern: Presidio's own needs tldextract's network suffix list)."""
    pattern = Pattern(
        "email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", 0.9
    )
    return PatternRecognizer(
        "EMAIL", patterns=[pattern], name="OfflineEmailRecognizer", global_regex_flags=NOCASE
    )


def url_recognizer() -> PatternRecognizer:
    """Web addresses, without trailing punctuation."""
    patterns = [
        Pattern("url scheme", r"\b(?:https?|ftp)://[^\s<>\"']*[^\s<>\"'.,;:)\]]", 0.9),
        Pattern("url www", r"\bwww\.[^\s<>\"']*[^\s<>\"'.,;:)\]]", 0.85),
    ]
    return PatternRecognizer(
        "URL", patterns=patterns, name="OfflineUrlRecognizer", global_regex_flags=NOCASE
    )


def ssn_recognizer() -> PatternRecognizer:
    """Social security numbers (dashed; undashed only after an SSN label)."""
    patterns = [
        Pattern("ssn dashed", r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b", 0.85),
        Pattern(
            "ssn labelled",
            r"(?i:\bSSN|social[ ]security(?:[ ]number)?)[ ]*[:#]?[ ]*(?P<phi>\d{9})\b",
            0.9,
        ),
    ]
    return GroupPatternRecognizer(
        "SSN", patterns=patterns, name="SsnRecognizer", global_regex_flags=CASE
    )


def id_recognizer() -> PatternRecognizer:
    """Medical record, accession, order and reference numbers: labelled, and common unlabelled shapes."""
    label = (
        r"(?i:\b(?:MRN|medical[ ]record(?:[ ](?:number|no\.?|#))?|record[ ]#"
        r"|acc(?:ession)?\.?(?:[ ]?(?:#|no\.?|number))?|patient[ ]id|pt[ ]id|id"
        r"|order(?:[ ]?(?:#|no\.?|number))?|requisition(?:[ ]#)?"
        r"|ref(?:erence)?\.?(?:[ ]?(?:#|no\.?|number))?|study[ ]id|exam[ ]#|encounter(?:[ ]#)?|csn|fin))"
    )
    patterns = [
        Pattern(
            "labelled id", rf"{label}[ ]*[:#]?[ ]*(?P<phi>[A-Z]{{0,4}}-?\d[\dA-Z-]{{3,18}})\b", 0.85
        ),
        Pattern("letters and digits", r"\b[A-Z]{1,4}-?(?:19|20)?\d{5,12}\b", 0.6),
        Pattern("long number", r"\b\d{7,12}\b", 0.6),
        Pattern("year-serial", r"\b[A-Z]?(?:19|20)\d{2}-\d{5,9}\b", 0.7),
    ]
    return GroupPatternRecognizer(
        "ID",
        patterns=patterns,
        name="RadiologyIdRecognizer",
        global_regex_flags=CASE,
        context=["mrn", "accession", "record", "order", "id"],
    )


def age_recognizer() -> PatternRecognizer:
    """Ages above 89 (HIPAA Safe Harbor): ``92-year-old``, ``94 yo``, ``age 97``."""
    old = r"(?:9\d|1[01]\d)"
    patterns = [
        Pattern("age before unit", rf"\b{old}(?=[ -]*(?:years?|yrs?|y/?o|y\.o\.)\b)", 0.85),
        Pattern("age after label", rf"(?i:\baged?)[ ]*[:]?[ ]*(?P<phi>{old})\b", 0.85),
    ]
    return GroupPatternRecognizer(
        "AGE", patterns=patterns, name="OldAgeRecognizer", global_regex_flags=NOCASE
    )


def hospital_recognizer() -> PatternRecognizer:
    """Hospital, clinic and medical-centre names ending in a facility noun."""
    word = r"(?:[A-Z][a-z]+|[A-Z]{2,})"
    facility = (
        r"(?:Hospital|Medical[ ]Cent(?:er|re)|Health(?:[ ]System|[ ]Center|care)?|Clinic|Infirmary|Imaging"
        r"[ ]Cent(?:er|re)|Orthopa?edic[ ]Clinic|Bone[ ]and[ ]Joint[ ]Clinic|Radiology[ ]Associates"
        r"|Medical[ ]Group|Surgery[ ]Cent(?:er|re))"
    )
    patterns = [
        Pattern(
            "facility",
            rf"\b(?:St\.?[ ]|Saint[ ])?{word}(?:[ ](?:of[ ])?{word}){{0,3}}[ ]"
            rf"(?:(?:General|Community|Memorial|University|Regional|Children's)[ ])?{facility}\b",
            0.75,
        )
    ]
    return PatternRecognizer(
        "HOSPITAL", patterns=patterns, name="FacilityRecognizer", global_regex_flags=CASE
    )


def radiology_recognizers() -> list[PatternRecognizer]:
    """Every recognizer of this module."""
    return [
        name_recognizer(),
        date_recognizer(),
        time_recognizer(),
        phone_recognizer(),
        email_recognizer(),
        url_recognizer(),
        ssn_recognizer(),
        id_recognizer(),
        age_recognizer(),
        hospital_recognizer(),
    ]
