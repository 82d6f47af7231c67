"""Radiology PHI recognizers: regular-expression rules grouped by family, compiled once.

Every rule is a :class:`Rule`: an entity type, a compiled ``regex`` pattern and a score. A rule that needs
context (a label, a title) matches the context too and marks the PHI itself with a named group
``(?P<phi>...)``; only that group is reported. No rule has nested unbounded quantifiers, so each runs in time
linear in the text length.

Families (each generalises a surface form, not an instance):

- **names**: after titles (``Dr.``, ``Doctor``, ``Mrs.``, ``Prof.``; any case and eponyms included:
  "Dr. Segond" is a person), after labels that end in ``:``/``#`` (``Patient:``, ``PCP:``, ``RE:``,
  ``Parent/Guardian:``, ``Ordering physician:``, ``cc:``), after "by"-phrases (``Dictated by``,
  ``Electronically signed by``, ``/s/``), after communication phrases (``discussed with``), before or
  after credentials (``, M.D.``, ``D.O.``, ``RT(R)``, ``PA-C``), in closing blocks (``Sincerely,`` + next
  line), salutations (``Dear``), ``LAST, FIRST`` and ``LAST^FIRST``, transcriptionist initials (``JS/mk``).
  Name words take any letters (``Zoë``, ``Nuñez``, ``O'Brien``, ``Smith-Jones``), particles (``de la``,
  ``van der``, ``al-``) and short surnames (``Li``, ``Ng``). Cue-less names in running text are found by
  :mod:`report_deid.name_lexicon`.
- **locations**: street addresses, ``P.O. Box``, ``City, ST 12345`` lines, facility names (many facility
  nouns, any case, ``&``, ``of the``), a city right after a facility, room and bed numbers.
- **dates and times**: numeric with ``/ - .`` (month or day first), ISO, compact ``20220314``, month names
  in any order, ``3/2022``, clock times, 4-digit times next to a date, ISO date-times.
- **identifiers**: SSNs with dashes, spaces, dots or none after a label; labelled record, accession, account,
  device serial and lot numbers; unlabelled long numbers, letter-digit and dotted or dashed shapes.
- **phones**: US numbers, international ``+CC`` numbers, pager and extension-only numbers.
- **e-mail, URL** and **ages over 89** (``92-year-old``, ``94 yo``, ``92Y``, ``92F``, ``Age: 101``).
- **DICOM dumps**: person-name (``PN``), date, time and keyed element values (:func:`dicom_rules`).

Titles, labels, by-phrases, greetings, closings, months, weekdays, place labels and phone labels are given in
English, German, French, Dutch and (partly) Italian and Spanish, as the catalogue's European reports use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import regex

from report_deid.spans import Detection

CASE = regex.MULTILINE | regex.VERSION1
NOCASE = CASE | regex.IGNORECASE


@dataclass(frozen=True)
class Rule:
    """One pattern of one entity type.

    Attributes:
        entity: the PHI type reported.
        name: what the rule finds (for tests and audits).
        pattern: the compiled expression; its ``phi`` group, when present, is the span reported.
        score: confidence used when overlapping spans of different types are merged.
        strong: the context is unambiguous (a title or label), so the allow-list does not veto the span
            ("Dr. Segond" is a person even though "Segond" is an allow-listed eponym).
        trigger: a cheap expression every match contains (the pattern runs only in windows around it).
        anchor: a case-sensitive expression, run on the lower-cased text, that every match starts with (a
            label word): the pattern is tried only where it hits. A case-insensitive alternation of label
            words costs about three times a case-sensitive one on lower-cased text. A text whose lower case
            is not its case folding (``ﬁrst``) is scanned whole instead.
        lowered_trigger: the trigger is written in lower case and runs on the lower-cased text, for the
            same reasons.
        on_lowered: the pattern runs case-sensitively on the lower-cased text. :func:`rule` sets it for a
            case-insensitive pattern with no upper-case letter or case class (:func:`case_free`): a
            case-insensitive scan costs the ``regex`` module two to seven times a case-sensitive one. A text
            whose lower case is not its case folding (``ß``, ``ﬁ``: :func:`lowers_like_casefold`) is scanned
            case-insensitively as it is.
    """

    entity: str
    name: str
    pattern: regex.Pattern[str]
    score: float
    strong: bool = False
    trigger: regex.Pattern[str] | None = None
    anchor: regex.Pattern[str] | None = None
    lowered_trigger: bool = False
    on_lowered: bool = False

    def find(self, text: str) -> list[Detection]:
        """Every match in ``text`` as a detection (the ``phi`` group's span when the pattern has one).

        A rule with a ``trigger`` (a cheap expression every match must contain, such as a credential or a
        state code) runs its full pattern only on windows of :data:`WINDOW` characters around the trigger's
        hits, cut at line breaks and spaces, so costly patterns cost nothing on reports without the trigger.
        """
        pattern, subject = self.pattern, text
        folds_like_lower = lowers_like_casefold(text)
        if self.on_lowered:
            if folds_like_lower:
                subject = lowered(text)
            else:  # "ﬁ", "ß": run the pattern case-insensitively on the text itself
                pattern = _case_insensitive(pattern.pattern, pattern.flags)
        has_group = "phi" in pattern.groupindex
        # an anchor is a lower-case word; "ﬁrst name" lower-cases to a word it does not spell: scan plainly
        if self.anchor is not None and folds_like_lower:
            return list(self._anchored(text, subject, pattern, has_group))
        entity, score, strong = self.entity, self.score, self.strong
        if self.trigger is None or (self.lowered_trigger and not folds_like_lower):
            if has_group:
                spans = (m.span("phi") for m in pattern.finditer(subject))
            else:
                spans = (m.span() for m in pattern.finditer(subject))
            return [Detection(a, b, entity, score, strong) for a, b in spans if b > a]
        found = []
        for start, end in trigger_windows(self.trigger, text, lower=self.lowered_trigger):
            for match in pattern.finditer(subject[start:end]):
                a, b = match.span("phi") if has_group else match.span()
                if b > a:
                    found.append(Detection(start + a, start + b, entity, score, strong))
        return found

    def _anchored(
        self, text: str, subject: str, pattern: regex.Pattern[str], has_group: bool
    ) -> Iterator[Detection]:
        """Matches in ``subject`` tried only where :attr:`anchor` hits the lower-cased ``text``."""
        assert self.anchor is not None
        end = -1
        for hit in anchor_hits(self.anchor, text):
            if hit < end:
                continue
            match = pattern.match(subject, hit)
            if match is None:
                continue
            end = match.end()
            start, stop = match.span("phi") if has_group else match.span()
            if stop > start:
                yield Detection(start, stop, self.entity, self.score, self.strong)


#: the hits of the last text per anchor expression (rules that share an anchor scan for it once)
_ANCHOR_CACHE: dict[str, tuple[str, list[int]]] = {}


def anchor_hits(anchor: regex.Pattern[str], text: str) -> list[int]:
    """Where ``anchor`` starts a match in the lower-cased ``text`` (the last text's hits, kept per anchor)."""
    cached = _ANCHOR_CACHE.get(anchor.pattern)
    if cached is not None and cached[0] is text:
        return cached[1]
    hits = [hit.start() for hit in anchor.finditer(lowered(text))]
    _ANCHOR_CACHE[anchor.pattern] = (text, hits)
    return hits


#: the last text, its lower case, and whether that equals its case folding
_LOWERED: list[tuple[str, str, bool]] = [("", "", True)]


def lowered(text: str) -> str:
    """``text`` lower-cased, character for character (offsets kept); the last text's is cached.

    A character whose lower case is longer (Turkish dotted I) is left as it is, so offsets never move.
    """
    if _LOWERED[0][0] is not text:
        low = text.lower()
        if len(low) != len(text):
            low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        _LOWERED[0] = (text, low, low == text.casefold())
    return _LOWERED[0][1]


def lowers_like_casefold(text: str) -> bool:
    """Whether lower-casing ``text`` equals case-folding it (no ``ß``, ``ﬁ``, ``ſ``, ``İ``, ...).

    Only then does a case-sensitive scan of :func:`lowered` text find what a case-insensitive scan of the text
    finds: the ``regex`` module folds case fully (``ss`` matches ``ß``, ``fi`` matches ``ﬁ``).
    """
    lowered(text)
    return _LOWERED[0][2]


@cache
def _case_insensitive(pattern: str, flags: int) -> regex.Pattern[str]:
    """The case-insensitive twin of an ``on_lowered`` rule's pattern, compiled on first need only."""
    return regex.compile(pattern, flags | regex.IGNORECASE)


#: the windows of the last text per trigger expression (rules that share a trigger compute them once)
_WINDOW_CACHE: dict[tuple[str, int, bool], tuple[str, list[tuple[int, int]]]] = {}


def trigger_windows(
    trigger: regex.Pattern[str], text: str, *, lower: bool = False
) -> list[tuple[int, int]]:
    """``[start, end)`` windows of ``text`` around the hits of ``trigger``, merged where they touch.

    A window reaches :data:`WINDOW` characters on either side of a hit, stops at line breaks and starts at a
    word. With ``lower`` the trigger runs on :func:`lowered` text (same offsets). The windows of the most
    recent text are kept per trigger expression.
    """
    key = (trigger.pattern, trigger.flags, lower)
    cached = _WINDOW_CACHE.get(key)
    if cached is not None and cached[0] is text:
        return cached[1]
    windows: list[list[int]] = []
    for hit in trigger.finditer(lowered(text) if lower else text):
        hit_start, hit_end = hit.span()
        if windows and hit_start <= windows[-1][1]:
            # the window of this hit starts before the current one ends: only its end can move
            if hit_end + WINDOW > windows[-1][1]:
                newline = text.find("\n", hit_end, hit_end + WINDOW)
                end = newline if newline >= 0 else min(len(text), hit_end + WINDOW)
                windows[-1][1] = max(windows[-1][1], end)
            continue
        start = max(text.rfind("\n", max(0, hit_start - WINDOW), hit_start) + 1, hit_start - WINDOW)
        if start > 0 and text[start - 1] not in " \n":
            space = text.find(" ", start, hit_start)
            start = space + 1 if space >= 0 else hit_start
        newline = text.find("\n", hit_end, hit_end + WINDOW)
        end = newline if newline >= 0 else min(len(text), hit_end + WINDOW)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    result = [(start, end) for start, end in windows]
    _WINDOW_CACHE[key] = (text, result)
    return result


#: characters on either side of a trigger hit searched by the full pattern
WINDOW = 160


def rule(
    entity: str,
    name: str,
    pattern: str,
    score: float,
    *,
    flags: int = CASE,
    strong: bool = False,
    trigger: str | None = None,
    lowered_trigger: str | None = None,
    anchor: str | None = None,
) -> Rule:
    """Compile ``pattern`` and its optional ``trigger`` (same flags) and ``anchor`` into a :class:`Rule`.

    The anchor and a ``lowered_trigger`` (a trigger written in lower case, given instead of ``trigger``) are
    compiled case-sensitively: they run on lower-cased text.
    """
    if trigger is not None and lowered_trigger is not None:
        raise ValueError(f"rule {name!r}: give a trigger or a lowered trigger, not both")
    if lowered_trigger is not None:
        compiled_trigger = regex.compile(lowered_trigger, CASE)
    else:
        compiled_trigger = regex.compile(trigger, flags) if trigger is not None else None
    compiled_anchor = regex.compile(anchor, CASE) if anchor is not None else None
    on_lowered = (bool(flags & regex.IGNORECASE) or not cased_letters(pattern)) and case_free(
        pattern
    )
    if on_lowered:
        pattern, flags = _INLINE_NOCASE.sub("(?:", pattern), flags & ~regex.IGNORECASE
    return Rule(
        entity,
        name,
        regex.compile(pattern, flags),
        score,
        strong,
        compiled_trigger,
        compiled_anchor,
        lowered_trigger is not None,
        on_lowered,
    )


#: what makes a pattern case-dependent: an upper-case letter outside an escape, a case class, ``(?-i``
_CASED = regex.compile(
    r"(?<!\\)(?:\\\\)*\\(?:[pP]\{(?:Lu|Ll|Lt|LC|L&|Upper|Lower|Uppercase|Lowercase|Cased)\}"
    r"|[pP](?:Lu|Ll|Lt))|\(\?[a-zA-Z]*-[a-zA-Z]*i|\[:(?:upper|lower):\]"
)
_ESCAPE = regex.compile(r"\\(?:[pPN]\{[^}]*\}|x\{[^}]*\}|.)", regex.DOTALL)
#: the syntax that opens a group: ``(?:``, ``(?i:``, ``(?-i:``, ``(?P<name>``, ``(?<!``, ``(?P=name)``, ...
_GROUP_HEADER = regex.compile(
    r"\((?:\?(?:P?<[A-Za-z_]\w*>|P[=>][A-Za-z_]\w*\)|&\w+\)|[a-zA-Z]*-?[a-zA-Z]*:|<?[=!]|>|\|))?"
)
_GROUP_NAME = regex.compile(r"\(\?P?(?:<[A-Za-z_]\w*>|[=>&][A-Za-z_]\w*\))")
#: an inline case-insensitive group opening that is not escaped
_INLINE_NOCASE = regex.compile(r"(?<!\\)(?:\\\\)*\K\(\?i:")


def cased_letters(pattern: str) -> bool:
    r"""Whether ``pattern`` has a letter to match outside its ``(?i:...)`` groups.

    A pattern without one matches the same with or without ``IGNORECASE``. Escapes (``\d``, ``\p{L}``),
    group syntax (``(?P<phi>``, ``(?<!``) and backreferences hold no letter to match.
    """
    nocase: list[bool] = []  # per open group: inside a case-insensitive group
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escape = _ESCAPE.match(pattern, index)
            index = escape.end() if escape is not None else index + 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 2 if pattern.startswith("[^]", index) or pattern.startswith("[]", index) else 0
        elif char == "(":
            header = _GROUP_HEADER.match(pattern, index)
            end = header.end() if header is not None else index + 1
            syntax = pattern[index:end]
            if syntax.startswith("(?P=") or syntax.startswith("(?P>") or syntax.startswith("(?&"):
                index = end
                continue
            inherited = bool(nocase) and nocase[-1]
            nocase.append(syntax == "(?i:" or (inherited and "-i" not in syntax))
            index = end
            continue
        elif char == ")" and nocase:
            nocase.pop()
        if char.isalpha() and not (nocase and nocase[-1]):
            return True
        index += 1
    return False


def case_free(pattern: str) -> bool:
    r"""Whether ``pattern``, matched case-insensitively, finds on lower-cased text what it finds on text.

    True when it has no upper-case letter outside escapes and group names, no case class (``\p{Lu}``) and
    no ``(?-i:...)`` group. ``lowered`` keeps offsets, so the spans are the same.
    """
    if _CASED.search(pattern):
        return False
    bare = _GROUP_NAME.sub("(", _ESCAPE.sub("", pattern))
    return not any(ch.isupper() for ch in bare)


def word_start(words: str) -> str:
    r"""An anchor: ``\b`` and any of the space-separated lower-case ``words``, as one prefix tree.

    ``"bed bay"`` gives ``\b(?:b(?:ay|ed))``: the engine compares each character once instead of trying
    every word in turn (a long flat alternation of words costs up to twice as much to scan).
    """
    tree: dict[str, dict] = {}
    for word in words.split():
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return r"\b" + _alternation(tree)


def _alternation(node: dict[str, dict]) -> str:
    """The expression of a prefix tree (``""`` marks a word's end)."""
    branches = [
        regex.escape(char) + _alternation(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


# ---------------------------------------------------------------------------------------------- names
_UP = r"\p{Lu}"
_LOW = r"[\p{Ll}\p{Mn}]"
_APOS = r"['’]"
#: one capitalised name word: letters of any script, inner apostrophes and hyphens (O'Brien, Smith-Jones), an
#: inner capital after a name prefix (LeBlanc, DeShawn; not a brand's "NexGen"); never the start of an
#: upper-case word ("Mc" of "McDONALD")
_CAP_WORD = (
    rf"(?:(?:Ma?c|D[aeiu]|L[ae]|V[ao]n|{_UP}{_APOS}|[dl]{_APOS})?{_UP}{_LOW}+(?!{_UP})"
    rf"(?:[{_APOS}-]\p{{L}}"
    rf"{_LOW}*)*)"
)
#: an upper-case name word (HOWARD, O'NEIL, SMITH-JONES, NUÑEZ)
_UPPER_WORD = rf"(?:(?:Mc|Mac)?{_UP}(?:[{_APOS}-]?{_UP}){{1,}}(?:-{_UP}{_LOW}+)?(?!{_LOW}))"
#: an initial: ``J.``, ``J.S.``, or a bare capital before a space, comma, caret or the end of the line
_INITIAL = rf"(?:{_UP}\.(?:[ ]?{_UP}\.)?|{_UP}(?=[ ,^|\t]|$))"
_PARTICLE = (
    r"(?:(?<![\p{L}'’-])(?i:de|del|della|der|den|di|da|du|dos|das|la|le|van|von|ten|ter|bin|ibn|al|"
    r"el|st\.?|y|ap|ó|ní|nic|mac|van[ ]'t|van[ ]der|van[ ]den)(?:[ ]|-))"
)
_CREDENTIALS = (
    r"(?:M\.?D|D\.?O|Ph\.?D|PA-C|PA|NP|FNP(?:-C)?|APRN|CNP|CRNP|RN|LPN|RT(?:\([A-Z]{1,3}\))*|R\.T\."
    r"(?:\([A-Z]\))?"
    r"|ARRT|RDMS|RVT|FRCR|FRCPC|MBBS|MBChB|FACR|DPM|DC|MPH|MSN|DNP|PharmD|RPA|RRA|RGN|RMN|RSCN|SRN|ANP|ENP"
    r"|HCA)"
)
_CRED_END = r"(?:\.|(?![\p{L}\d]))"
#: credentials that are never ordinary words or view names (PA, DO and DC are: "PA and lateral", "DO NOT")
_SAFE_CREDENTIALS = (
    r"(?:M\.D|MD|D\.O|Ph\.?D|PA-C|NP|FNP(?:-C)?|APRN|CNP|CRNP|RN|LPN|RT(?:\([A-Z]{1,3}\))+|R\.T\.(?"
    r":\([A-Z]\))?"
    r"|ARRT|RDMS|RVT|FRCR|FRCPC|MBBS|MBChB|FACR|DPM|PharmD|RPA|RRA|RGN|RMN|RSCN|SRN|ANP|ENP|HCPC)"
)
#: technologist and nurse credentials that may stand before a name ("RT(R) Jane Doe")
_TECH_CREDENTIALS = (
    r"(?:RT(?:\([A-Z]{1,3}\))+|R\.T\.(?:\([A-Z]\))?|RN|RDMS|ARRT|PA-C|CNP|APRN|FNP)(?:[ ]|:)"
)
NAME_WORD = rf"(?:{_PARTICLE}{{0,2}}(?:{_CAP_WORD}|{_UPPER_WORD}))"
#: header words that follow a name on the same line and are never part of it
_FIELD_WORD = (
    r"(?:ssn|mrn|dob|d\.o\.b|id|age|sex|gender|date|time|acc|accession|fin|csn|phone|tel|fax|email|exam|study"
    r"|room|bed|unit|location|loc|dept|ref|order|visit|account|acct|mr|no|num|number|pager|ext|cell"
    r"|pn|lo|sh|cs|ui|ds)"
)
#: words of departments and organisations: a "name" that holds one is not a person ("by Mental Health")
_ORG_WORD = (
    r"(?:health|services?|department|dept|clinic|medicine|surgery|orthopa?edics?|radiology|emergenc"
    r"y|center|centre"
    r"|team|unit|hospital|program|nursing|pharmacy|therapy|rehab\w*|oncology|cardiology|neurology|pediatrics"
    r"|institute|associates|group|partners|imaging|laboratory|lab|office|staff|service)"
)
_NAME_PART = rf"(?:(?!{_CREDENTIALS}{_CRED_END}|(?i:{_FIELD_WORD})\b){NAME_WORD}|{_INITIAL})"
#: generational suffix kept with the name ("John Smith Jr.", "Smith, John III")
_SUFFIX = r"(?:,?[ ](?:Jr|Sr|II|III|IV|JR|SR)\b\.?)?"
#: a possessive ends a name: "Dr. Okafor's prior study", "Mrs. Fields's son" (not "Okafor's prior")
_NAME_GOES_ON = rf"(?<!{_APOS}s)(?<!s{_APOS})[ ]"
NAME_BODY = rf"(?:{_NAME_PART}(?:{_NAME_GOES_ON}{_NAME_PART}){{0,3}}{_SUFFIX})"
#: after a strong cue (title, label) names may be lower-case too ("dr. smith", "patient: jane doe")
#: lower-case words that end a name found after a title or label ("Dr. smith at noon", "Dr. jones and the")
STOP_WORDS = (
    r"(?:a|an|and|the|or|but|nor|at|on|in|of|to|for|with|by|from|as|via|per|re|is|was|were|are|be|b"
    r"een|has|had"
    r"|have|who|whom|which|that|this|these|those|it|its|he|she|his|her|they|their|we|our|you|your|i"
    r"|me|my|not|no"
    r"|yes|if|then|than|so|also|today|tonight|yesterday|tomorrow|now|later|earlier|regarding|about|"
    r"after|before"
    r"|during|when|while|because|md|do|np|pa|rn|reviewed|discussed|called|notified|informed|agrees?"
    r"|agreed|saw"
    r"|seen|said|says|states?|stated|reports?|reported|recommends?|recommended|requested|ordered|si"
    r"gned|dictated"
    r"|read|interpreted|verified|approved|please|see|call|contact|phone|pager|ext|fax|email|e-mail|"
    r"office|clinic"
    r"|hospital|department|dept|service|team|unit|patient|pt|unknown|none|n/a|na|not[ ]available"
    r"|dictating|dictation|speaking|here|reporting|calling|writing|covering|continuing|new|paragraph|dr|mr"
    r"|mrs|ms|prof)"
)
_ANY_WORD = rf"(?:{NAME_WORD}|(?!{STOP_WORDS}(?![\p{{L}}'’-]))\p{{Ll}}[\p{{L}}{_APOS}-]*)"
_NOT_ORG = rf"(?!(?:(?:{_CAP_WORD}|{_UPPER_WORD})[ ]){{0,3}}(?i:{_ORG_WORD})\b)"
LOOSE_BODY = (
    rf"(?:{_ANY_WORD}|{_INITIAL})(?:{_NAME_GOES_ON}(?:{_ANY_WORD}|{_INITIAL})){{0,3}}{_SUFFIX}"
)
_LAST_FIRST = (
    rf"(?:{NAME_WORD}(?:[ ]{NAME_WORD})?{_SUFFIX},[ ]?{_NAME_PART}(?:[ ]{_NAME_PART}){{0,2}}"
    rf"{_SUFFIX})"
)
_HL7 = rf"(?:{NAME_WORD}\^{NAME_WORD}(?:\^{_NAME_PART})?)"
#: a person's name in either order ("Smith, John A." or "John A. Smith")
_PERSON = rf"(?:{_LAST_FIRST}|{NAME_BODY})"

#: titles in English, German, French, Dutch, Italian and Spanish; "Dr. med.", "Prof. Dr." chains are one title
_TITLE_WORD = (
    r"(?:dr|drs|doctor|mr|mrs|ms|miss|mx|prof|professor|nurse|sister|rev|sr|sra|srta|fr|herr|frau"
    r"|mme|mlle|madame|monsieur|mevr|mevrouw|dhr|mw|dott|dott\.ssa|sig\.ra|signora|signor|doña"
    r"|docteur|doktor|dokter|dra|smt|shri|sh|sri|kum|kumari|herrn)"
)
_TITLE = (
    rf"(?i:\b{_TITLE_WORD}\b\.?(?:[ ]+(?:med|dent|univ|habil)\.)*)[ ]+(?:\((?i:mrs|ms|mr|miss)\)[ ]+)?"
    rf"(?:(?i:{_TITLE_WORD})\b\.?(?:[ ]+(?:med|dent)\.)*[ ]+)?"
)
#: abbreviated titles, after which even a lower-case name is a name ("dr. smith")
_SHORT_TITLE = (
    r"(?i:\b(?:dr|drs|mr|mrs|ms|mx|prof|mme|mlle)\b\.?(?:[ ]+(?:med|dent)\.)*)[ ]+"
    r"(?:(?i:dr|prof)\.?[ ]+)?"
)
#: role nouns that count as a label only with a colon, ``#`` or dash after them ("RADIOLOGIST IMPRESSION" is
#: not a name, "Radiologist: Jane Doe" is)
_ROLE = (
    r"(?:patient(?:[ ](?:name|full[ ]name))?|pt(?:[ ]name)?|name|full[ ]name|re|pcp|primary[ ]care"
    r"(?:[ ]physician"
    r"|[ ]provider)?|(?:attending|referring|ordering|requesting|interpreting|reading|consulting|admitting"
    r"|performing|treating|primary|covering|supervising|dictating)(?:[ ](?:physician|provider|docto"
    r"r|clinician"
    r"|radiologist|surgeon|md|np|pa|staff))?|radiologist|technologist|tech|sonographer|resident|fel"
    r"low|physician"
    r"|provider|surgeon|clinician|author|scribe|nurse|rn|md|consultant|referred[ ]by|requested[ ]by"
    r"|parent(?:/guardian)?|guardian|mother|father|spouse|husband|wife|son|daughter|sibling|emergen"
    r"cy[ ]contact"
    r"|next[ ]of[ ]kin|contact(?:[ ]person)?|caregiver|guarantor|subscriber|insured|witness|interpreter"
    r"|attn|to|from|cc|copy(?:[ ]to)?|signature|signed|e-?signed|attested|verified|dictated|transcribed"
    r"|transcriptionist|approved|read|reviewed|interpreted|performed|prepared|reported|attestation[ ]by"
    r"|referrer|requester|gp|general[ ]practitioner|registrar|spr|sho|house[ ]officer|radiographer"
    r"|reporting[ ]radiographer|reporter|operator|operators?[ ]?name|(?:performing|referring|reading"
    r"|requesting)"
    r"[ ]?physicians?[ ]?name|physicians?[ ]of[ ]record|signer|signatory|chaperone|escort|carer|assistant"
    r"|scrub[ ]nurse|scrub|assist|circulating|circulator|porter|aide|hca|an(?:a)?esthetist|anesthesiologist"
    r"|physio(?:therapist)?|therapist|midwife|supervisor"
    r"|locum|patient['’]?s[ ]?name|last[ ]name|first[ ]name|surname|given[ ]names?|family[ ]name|forenames?"
    r"|secretary|medical[ ]secretary|backup|cover|covering|on-?call|assigned(?:[ ]to)?|owner|admin"
    r"|pacs[ ]admin"
    r"|clerk|ward[ ]clerk|receptionist|coordinator|co-ordinator|reg|spr|physician[ ]assistant|claimant"
    r"|adjuster|employee|injured[ ]worker|student|athlete|player|client|resident[ ]name|member[ ]name"
    r"|van|aan|von|de|à"
    r"|maiden[ ]name|alias|aka|vorname|nachname|überweiser|zuweiser|einsender|befunder|(?:überweisende"
    r"|befundende"
    r"|behandelnde)r?[ ](?:arzt|ärztin)|arzt|ärztin|oberarzt|oberärztin|chefarzt|chefärztin|facharzt"
    r"|fachärztin|assistenzarzt|assistenzärztin|mtra|mtr|mta|hausarzt|hausärztin|patientin|nom|prénom"
    r"|nom[ ]de[ ]naissance|nom[ ]d['’]usage|nom[ ]de[ ]jeune[ ]fille|médecin(?:[ ](?:prescripteur|traitant"
    r"|radiologue|demandeur))?|prescripteur|radiologue|manipulat(?:eur|rice)|interne|patiente|patiënt"
    r"|aanvrager|verwijzer|huisarts|radioloog|laborant|naam|paciente|médico|medico|richiedente|refertante"
    r"|tecnico|nome|cognome|ref(?:[ ]dr)?(?=[ ]*:)|nok|n\.o\.k\.?|scrub|circ)"
)
#: a label: a role and a colon, ``#``, dash, pipe or tab (or two spaces, as in fixed-width headers)
_LABEL = (
    # the look-ahead (a separator within 40 characters) skips most word starts before the long alternation
    r"(?<![\p{L}\d])(?=[\p{L} ()/'’.-]{1,40}?(?:[:#|\t]|[ ]-|[ ]{2}))"
    rf"(?i:\b{_ROLE})[ ]*(?:[:#|]|[ ]-|\t|[ ]{{2,}})[ \t|]*(?:{_TITLE})?"
)
#: the first word of every role in :data:`_ROLE` (a prefix is enough): label rules are tried only where one
#: starts. A label word consumed by the anchor is one word, and no label starts inside a word.
_LABEL_ANCHOR = word_start(
    "patient pt name full re pcp primary attending referring ordering requesting interpreting reading"
    " consulting admitting performing treating covering supervising dictating radiologist"
    " technologist ref nok"
    " n.o.k circ"
    " tech sonographer resident fellow physician provider surgeon clinician author scribe nurse rn md"
    " consultant referred requested parent guardian mother father spouse husband wife son daughter"
    " sibling emergency next contact caregiver guarantor subscriber insured witness interpreter attn"
    " to from cc copy signature signed e-signed esigned e-sign esign attested verified dictated"
    " transcribed transcriptionist approved read reviewed interpreted performed prepared reported"
    " attestation referrer requester gp general registrar spr sho house radiographer reporting"
    " reporter operator physicians signer signatory chaperone escort carer assistant scrub assist"
    " circulating circulator porter aide hca anaesth anesth physio therapist midwife supervisor locum"
    " last first surname given family forename secretary medical backup cover on-call oncall assigned"
    " owner admin pacs clerk ward receptionist coordinator co-ordinator reg claimant adjuster employee"
    " injured student athlete player client member van aan von de à maiden alias aka vorname nachname"
    " überweis zuweiser einsender befund behandelnde arzt ärztin oberarzt oberärztin chefarzt"
    " chefärztin facharzt fachärztin assistenzarzt assistenzärztin mtra mtr mta hausarzt hausärztin"
    " nom prénom médecin prescripteur radiologue manipulat interne aanvrager verwijzer huisarts"
    " radioloog laborant naam patiënt paciente médico medico richiedente refertante tecnico cognome"
)
#: a body part, side or examination word: no name ("1. Knee, Left | 3 views"), no place ("of the Left
#: Knee")
EXAM_WORD = (
    r"(?i:knees?|hips?|ankles?|hands?|wrists?|shoulders?|feet|foot|elbows?|spine|pelvis|femur|tibia"
    r"|left|right|bilateral|views?|xr|x-ray|ct|mri|lumbar|cervical|thoracic|chest|abdomen|skull|sacrum"
    r"|humerus|forearm|leg|thigh|heel|toes?|fingers?|thumb|clavicle|scapula|ribs?|neck|fibula|patella)"
)
#: a relation noun: people a patient comes with or is named with ("husband Declan", "Daughter (Ines)",
#: "son-in-law Tui")
_KIN_NOUN = (
    r"(?i:(?:(?:step|grand)[ -]?)?(?:daughter|son|mother|father)(?:-in-law)?|(?:sister|brother)(?:-in-law)?"
    r"|wife|husband|partner|mum|mom|dad|niece|nephew|aunt"
    r"|uncle|friend|carer|caregiver|neighbou?r|spouse|guardian"
    r"|fianc[ée]e?|boyfriend|girlfriend)"
)
_BY_PHRASE = (
    r"(?i:\b(?:(?:electronically|digitally|e-?)[ ]?signed|signed|dictated|transcribed|read|reviewed|approved"
    r"|verified|interpreted|attested|performed|prepared|reported|finali[sz]ed|authenticated|seen|examined"
    r"|evaluated|referred|ordered|requested|acquired|authored|edited|cosigned|co-signed|authori[sz]ed|vetted"
    r"|protocoll?ed|checked|typed|scanned|imaged|triaged|supervised|accompanied|escorted|brought|amended"
    r"|corrected|countersigned|over-?read|witnessed|chaperoned|consented|injected|addendum|addended|prelim"
    r"|preliminary(?:[ ]read)?|wet[ ]read|treated|operated|managed|assessed|followed|covered|reported[ ]out"
    r"|completed|recorded|documented|scheduled|exported|arranged|booked|entered|logged|uploaded|submitted"
    r"|read[ ]back"
    r"|compiled|written|audited|actioned|organi[sz]ed|transported|faxed|e-?mailed|forwarded|minuted|chaired)"
    r"(?:[ ](?:electronically|digitally|locally|remotely|previously|initially|formally|provisionally"
    r"|independently|originally|verbally|also|first))?[ ]+by"
    r"|\b(?:gepr[üu]ft|befundet|diktiert|geschrieben|vidiert|unterschrieben|freigegeben|validiert|überwiesen"
    r"|zugewiesen)[ ]+von|\b(?:valid[ée]e?|dict[ée]e?|sign[ée]e?|interpr[ée]t[ée]e?|vue?|adress[ée]e?"
    r"|r[ée]dig[ée]e?|relu(?:e)?)[ ]+par|\b(?:verwezen|gezien|beoordeeld|gedicteerd)[ ]+door|/s/|/es/)"
    rf"[ ]*:?[ ]*(?:(?:(?i:her|his|their|the)[ ]+)?{_KIN_NOUN}[ ]+)?(?:{_TITLE})?"
)
_BY_TRIGGER = r"(?i:[ ](?:by|von|par|door)\b|/e?s/)"
#: a phrase after which the next words name whom findings went to ("discussed with", "called to")
COMMUNICATION_CUE = (
    r"(?i:\b(?:discussed|reviewed|communicated|conveyed|called|relayed|given|faxed|sent|reported|paged|texted"
    r"|notified|informed|telephoned|spoke|handed[ ]over|emailed|e-mailed|messaged|escalated|explained)"
    r"(?:[ ](?:the[ ])?(?:findings|results|report|case))?(?:[ ](?:directly|by[ ]telephone|by[ ]phone|via[ ]"
    r"phone|in[ ]person))?[ ](?:with|to|w/)|\b(?:spoke|talked|conversation)[ ](?:with|w/)|\bd/w"
    r"|\bbesprochen[ ]mit|\bdiscut[ée]e?[ ]avec|\bbesproken[ ]met)[ ]+"
)
_COMMUNICATION = (
    COMMUNICATION_CUE
    + rf"(?:(?i:the[ ](?:referring|ordering|covering|on-call)[ ](?:physician|provider|clinician|nurse"
    rf"|doctor)),?[ ]+)?"
    rf"(?:{_TITLE})?"
)
_CLOSING = (
    r"(?i:\b(?:sincerely|regards|best[ ]regards|kind[ ]regards|warm[ ]regards|respectfully|thank[ ]you|thanks"
    r"|yours[ ]truly|yours[ ]faithfully|cordially|(?:with[ ])?(?:best|kind|warm|many)[ ]wishes|many[ ]thanks"
    # short closings only alone on their line with a comma ("Best,", "Cheers,", "Ngā mihi,")
    r"|(?<=^[ \t]*)(?:best|cheers|ng[āa][ ]mihi|take[ ]care|talk[ ]soon|all[ ]the[ ]best)(?=,[ ]*$)"
    r"|mit[ ]freundlichen[ ]gr(?:ü|ue)(?:ß|ss)en|freundliche[ ]gr(?:ü|ue)(?:ß|ss)e|cordialement"
    r"|bien[ ]cordialement|met[ ]vriendelijke[ ]groet(?:en)?|cordiali[ ]saluti|atentamente)),?[ ]*"
    rf"(?:\n[ \t]*){{1,3}}(?:{_TITLE})?"
)
_SALUTATION = (
    r"(?i:\b(?:dear|hi|hello|hey|good[ ](?:morning|afternoon|evening)|bonjour|hallo|guten[ ]tag|liebe[r]?"
    r"|sehr[ ]geehrte[r]?|cher|ch[èe]re|beste|geachte|gentile|estimad[oa]))[ ]+"
    rf"(?:{_TITLE})?(?!(?i:colleagues?|sirs?|madam|sir/madam|all|team|doctor|doctors"
    rf"|friends?|parents?|patient|partner|provider)\b)"
)
#: the first word of every communication cue, closing and greeting, lower case (the rules' anchors: a rule is
#: tried only where one starts; ``test_prefilters_change_nothing`` checks that no match is lost)
COMMUNICATION_ANCHOR = word_start(
    "discussed reviewed communicated conveyed called relayed given faxed sent reported paged texted notified"
    " informed telephoned spoke handed emailed e-mailed messaged escalated explained talked conversation d/w"
    " besprochen discut besproken"
)
_CLOSING_ANCHOR = word_start(
    "sincerely regards best kind warm respectfully thank thanks yours cordially with many mit freundliche"
    " cheers ngā nga take talk all"
    " cordialement bien met cordiali atentamente"
)
_SALUTATION_ANCHOR = word_start(
    "dear hi hello hey good bonjour hallo guten liebe sehr cher chère chere beste geachte gentile estimad"
)
_ROLE_NOUN_ANCHOR = word_start(
    "tech technologist radiographer radiologist resident fellow registrar pcp gp chaperone interpreter"
    " emergency next nurse physio sonographer scribe consultant attending surgeon referrer guardian porter"
    " engineer secretary aide manager coordinator co-ordinator clerk receptionist midwife paramedic hca"
)
#: a relative or companion named after their relation ("her daughter, Ana", "his wife Mary Jones")
#: what every "relation noun then name" match holds: a relation noun's last letters, then a capital
_KIN_TRIGGER = (
    r"\b(?:(?:[Ss]tep|[Gg]rand)[ -]?)?(?:[Dd]aughter|[Ss]on|[Ww]ife|[Hh]usband|[Pp]artner"
    r"|[Mm]other|[Ff]ather|[Mm]um|[Mm]om|[Dd]ad"
    r"|[Ss]ister"
    r"|[Bb]rother|[Nn]iece|[Nn]ephew|[Aa]unt|[Uu]ncle|[Gg]rand\p{Ll}+|[Ff]riend|[Cc]arer|[Cc]aregiver"
    r"|[Nn]eighbou?r|[Ss]pouse|[Gg]uardian|[Ff]ianc\p{Ll}+|[Bb]oyfriend"
    r"|[Gg]irlfriend)(?:-in-law)?[ ]*\(?\p{Lu}"
)
_KIN = (
    r"(?i:\b(?:(?:his|her|their|the|patient's|pt's)[ ]+)(?:daughter|son|wife|husband|partner|mother|father"
    r"|mum|mom|dad|sister|brother|niece|nephew|aunt|uncle|cousin|grand(?:son|daughter|mother|father)"
    r"|friend|carer|caregiver|neighbou?r|spouse|guardian|fianc[ée]e?|interpreter|companion|child|parent)"
    r"(?:-in-law)?)"
    r",?[ ]+"
)


#: the first word of a line under a clinician's name ("Consultant Radiologist", "MSK Fellow")
_ROLE_LINE = (
    r"(?i:consultant|specialist|attending|staff|senior|junior|associate|assistant|locum|chief|head|clinical"
    r"|radiology|musculoskeletal|msk|reporting|diagnostic|interventional|registrar|resident|fellow"
    r"|radiologist"
    r"|radiographer|orthop(?:a)?edic|sports|facharzt|fachärztin|oberarzt|oberärztin|chefarzt|médecin"
    r"|radiologue|professor|lecturer|director|department|dept|md|m\.d\.|mbbs|frcr)\b"
)


def name_rules() -> list[Rule]:
    """People's names from their context (see the module docstring)."""
    return [
        rule("NAME", "after title", rf"{_SHORT_TITLE}(?P<phi>{LOOSE_BODY})", 0.85, strong=True),
        rule(
            "NAME",
            "after title word",
            rf"{_TITLE}(?P<phi>{NAME_BODY})",
            0.85,
            strong=True,
            anchor=rf"\b{_TITLE_WORD}",
        ),
        rule(
            "NAME",
            "after label, last-first",
            rf"{_LABEL}(?P<phi>{_LAST_FIRST})",
            0.85,
            strong=True,
            anchor=_LABEL_ANCHOR,
        ),
        rule(
            "NAME",
            "after label, HL7",
            # a coded element ends in its coding system or type code ("73560^XR KNEE 1 OR 2 VIEWS^CPT",
            # "9871234560^^^NHS^NH", "XKNEBL^XR"): no name
            rf"(?P<phi>(?>{_HL7}))(?<!\^(?:CPT4?|C4|LN|LOINC|SNM|SCT|SNOMED|I9C?|I10|ICD\d{{0,2}}|NH|PI|XR|HL7\w*"
            rf"|99\w+))",
            0.8,
            strong=True,
        ),
        rule(
            "NAME",
            "after label",
            # a dump's value representation ("Patient's Name  PN: 'X^Y'") or an examination ("Films
            # reviewed: R knee AP") after the label is no name
            rf"{_LABEL}{_NOT_ORG}(?!{_DICOM_VR}(?:[ ]*[:\['\"]|[ ]{{2}})|(?:[LR][ ])?{EXAM_WORD}\b)"
            rf"(?P<phi>{LOOSE_BODY})",
            0.7,
            anchor=_LABEL_ANCHOR,
        ),
        rule(
            "NAME",
            "after by-phrase, last-first",
            rf"{_BY_PHRASE}(?P<phi>{_LAST_FIRST})",
            0.8,
            trigger=_BY_TRIGGER,
        ),
        rule(
            "NAME",
            "after by-phrase",
            rf"{_BY_PHRASE}{_NOT_ORG}(?P<phi>{_PERSON}|{LOOSE_BODY})",
            0.75,
            trigger=_BY_TRIGGER,
        ),
        rule(
            "NAME",
            "after communication",
            rf"{_COMMUNICATION}{_NOT_ORG}(?P<phi>{_PERSON})",
            0.75,
            anchor=COMMUNICATION_ANCHOR,
        ),
        rule(
            "NAME",
            "before credential",
            rf"(?<![\p{{L}}\d'’-])(?P<phi>{_PERSON})(?:,[ ]*{_CREDENTIALS}|[ "
            rf"]+{_SAFE_CREDENTIALS}){_CRED_END}",
            0.8,
            strong=True,
            trigger=rf"(?:,[ ]*{_CREDENTIALS}|[ ]+{_SAFE_CREDENTIALS}){_CRED_END}",
        ),
        rule(
            "NAME",
            "after credential",
            rf"(?<![\p{{L}}\d]){_TECH_CREDENTIALS}[ ]*[:,-]?[ ]+(?P<phi>{NAME_WORD}(?:[ "
            rf"]{_NAME_PART}){{1,3}})",
            0.7,
        ),
        rule(
            "NAME",
            "closing block",
            rf"{_CLOSING}(?P<phi>{_LAST_FIRST}|{LOOSE_BODY})",
            0.8,
            strong=True,
            anchor=_CLOSING_ANCHOR,
        ),
        rule(
            "NAME",
            "salutation",
            # "Liebe Kollegen", "Beste collega's", "Chers confrères": colleagues, not a person
            rf"{_SALUTATION}(?!(?i:kolleg\w*|colleg\w*|coll[eè]gues?|confr[eè]res?|team|all|everyone)\b)"
            rf"(?P<phi>{_PERSON})",
            0.8,
            strong=True,
            anchor=_SALUTATION_ANCHOR,
        ),
        rule("NAME", "after a relation", rf"{_KIN}{_NOT_ORG}(?P<phi>{_PERSON})", 0.7),
        rule(
            "NAME",
            "relation noun then name",
            rf"(?:(?:(?i:\b(?:with|and|by|from|plus|my|our|accompanied[ ]by|brought[ ]in[ ]by)[ ]+|\bw/[ ]*"
            rf"(?:her[ ]|his[ ])?)"
            rf"|(?<=^|[(,;][ ]?|[.][ ])){_KIN_NOUN}[ ]+\(?|\b{_KIN_NOUN}[ ]*\(){_NOT_ORG}"
            rf"(?P<phi>{_CAP_WORD}(?:[ ]{_CAP_WORD})?)(?![\p{{L}}'’-])",
            0.65,
            trigger=_KIN_TRIGGER,
        ),
        rule(
            "NAME",
            "patient in apposition",
            rf"(?i:\b(?:the[ ])?(?:patient|pt|client)),[ ]+{_NOT_ORG}(?P<phi>{_PERSON})(?=,)",
            0.7,
        ),
        rule(
            "NAME",
            "last, first after a patient cue",
            # "pt ELLIS, CHINEDU (X549111)", "Re Waititi, Wambui C. (Y498407)", "patient Ní Bhriain, Will,"
            rf"(?i:\b(?:pt|patient|re|regarding|for))[ ]+(?P<phi>{_LAST_FIRST})"
            rf"(?=[ ]*\(|,[ ]*(?i:mrn|mr\#|pid|dob|d\.o\.b|nhs|id|patient|med|urn|chart|hosp"
            rf"|aged?)\b|[ ]*[\t|]"
            rf"|[ ]{{2}}|[ ]*$)",
            0.7,
            trigger=r",[ ]?\p{Lu}",
        ),
        rule(
            "NAME",
            "meeting chair",
            # "Chair: River Clark" (a chair is a label only with a colon: "Mobility: chair - NWB")
            rf"(?i:\bchair(?:person|man|woman)?)[ ]*:[ ]*(?:{_TITLE})?(?P<phi>{NAME_BODY})",
            0.7,
            anchor=r"\bchair",
        ),
        rule(
            "NAME",
            "e-mail quote header and reply",
            # "> On 14.03.2024 at 12 am, Sakura O. Ng'ang'a wrote:", "--- Reply from R. N'Diaye FRCSI, ...",
            # "From: Al (proxy for Orla)", "on behalf of Dr X"
            # one name pattern for the three cues (compiling three cost 0.1 s at start-up); after
            # a quote header's date the name must be followed by "wrote"
            rf"(?:^[> \t]*(?i:on)[ ][^\n]{{4,60}}?,(?P<quote>[ ]+)"
            rf"|(?i:\b(?:reply|response|answer|message|e-?mail|note)[ ]+from)[ ]+(?:{_TITLE})?"
            rf"|(?i:\b(?:proxy[ ]for|on[ ]behalf[ ]of))[ ]+(?:{_TITLE})?)(?P<phi>{NAME_BODY})"
            rf"(?(quote)(?:[ ]+<[^>\n]{{1,80}}>)?[ ]+(?i:wrote|schrieb|a[ ][ée]crit)\b"
            rf"|(?=[ ]+\p{{Lu}}{{2,}}|,|[ ]+[-(]|[ ]*$|\)))",
            0.75,
            lowered_trigger=r"wrote|schrieb|crit\b|from|proxy|behalf",
        ),
        rule(
            "NAME",
            "name in a numbered list before an identifier",
            # MDT lists and worklists: "2. SHORT, FFION<TAB>RXH4715562", "2. Anwar Nelson | 4679441<TAB>47y"
            # (an examination in the row's first field is no name: "1. Lumbar Spine  XR1234")
            rf"^[ \t]*\d{{1,3}}[.)][ \t]+(?!(?:(?![ ]{{2}})[^\t|\n]){{0,60}}?\b{EXAM_WORD}\b)"
            rf"(?P<phi>{_LAST_FIRST}|{NAME_BODY})"
            rf"(?=[ ]*[\t|][ \t]*[A-Z]{{0,4}}\d|[ ]{{2,}}[A-Z]{{0,4}}\d)",
            0.6,
            trigger=r"^[ \t]*\d{1,3}[.)][ \t]+\p{L}",
        ),
        rule(
            "NAME",
            "role then name",
            rf"(?i:\b(?:tech|technologist|radiographer|radiologist|resident|fellow|registrar|pcp|gp|chaperone"
            rf"|interpreter|emergency[ ]contact|next[ ]of[ ]kin|nurse|physio|sonographer|scribe|consultant"
            rf"|attending|surgeon|referrer|guardian|porter|engineer|secretary|aide|manager|co-?ordinator|clerk"
            rf"|receptionist|midwife|paramedic|hca))[ ]+{_NOT_ORG}(?P<phi>{_CAP_WORD}(?:[ ](?:{_CAP_WORD}"
            rf"|{_INITIAL})){{0,2}})(?=[ ]+\p{{Ll}}|[ ]*[,.;(\n]|[ ]+\d|$)",
            0.6,
            anchor=_ROLE_NOUN_ANCHOR,
        ),
        rule(
            "NAME",
            "before a role in brackets",
            rf"(?<![\p{{L}}\d'’-])(?P<phi>{_PERSON})[ ]+\((?i:patient|pt|wife|husband|mother|father|daughter"
            rf"|son"
            rf"|guardian|parent|carer|caregiver|partner|sister|brother|friend|physio|gp|pcp|radiologist"
            rf"|resident|registrar|fellow|tech|technologist|radiographer|nurse|interpreter|attending"
            rf"|consultant|surgeon|referrer|next[ ]of[ ]kin|manager|(?:ward[ ])?sister"
            rf"|charge[ ]nurse|secretary"
            rf"|porter|hca|rn|rgn|midwife|co-?ordinator|receptionist|clerk|aide|matron)\)",
            0.7,
            trigger=r"[ ]\((?i:patient|pt|wife|husband|mother|father|daughter|son|guardian|parent|carer"
            r"|caregiver"
            r"|partner|sister|brother|friend|physio|gp|pcp|radiologist|resident|registrar|fellow|tech"
            r"|technologist"
            r"|radiographer|nurse|interpreter|attending|consultant|surgeon|referrer|next[ ]of[ ]kin|manager"
            r"|(?:ward[ ])?sister|charge[ ]nurse|secretary|porter|hca|rn|rgn|midwife|co-?ordinator"
            r"|receptionist"
            r"|clerk|aide|matron)\)",
        ),
        rule(
            "NAME",
            "above a role line",
            rf"^[ \t]*(?:{_TITLE})?(?P<phi>{_PERSON})[ ]*,?[ ]*\n[ \t]*{_ROLE_LINE}",
            0.7,
            trigger=rf"\n[ \t]*{_ROLE_LINE}",
        ),
        rule(
            "NAME",
            "after French M.",
            rf"(?<![\p{{L}}.])M\.[ ](?P<phi>{_CAP_WORD}(?:[ ]{_NAME_PART}){{1,2}})",
            0.7,
        ),
        rule(
            "NAME",
            "initials",
            r"(?<![\p{L}\d/])(?!(?:AP|PA|LAT)/(?:lat|obl|ap|pa)\b)"
            r"(?P<phi>[A-Z]{2,3}/[a-z]{2,3}(?:/[a-z]{2,3})?)(?![\p{L}\d/])",
            0.6,
        ),
    ]


# ------------------------------------------------------------------------------------------ locations
STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|way|court|ct|place|pl|terrace|ter"
    r"|circle|cir|parkway|pkwy|highway|hwy|route|rte|trail|trl|square|sq|plaza|plz|alley|aly|crescent|cres"
    r"|close|loop|run|path|pike|turnpike|expressway|expy|freeway|fwy|row|walk|point|pt|ridge|hill|heights"
    r"|hts|park|grove|gardens|view|crossing|xing|parade|pde|wharf|mews|quay|rise|green|gate|wynd|brae|mains"
    r"|cross|esplanade|promenade|vale|chase|approach|broadway|causeway|embankment|strand|glen|cr|crs|tce|bay"
    r"|marg|nagar|salai)"
)
_STREET = (
    rf"\b\d{{1,6}}[A-Za-z]?(?:[-/]\d{{1,4}})?[ ](?:(?:[NSEW]|North|South|East|West|NORTH|SOUTH|EAST|W"
    rf"EST|NE|NW|SE"
    rf"|SW)\.?[ ]+)?(?:(?:{_CAP_WORD}|{_UPPER_WORD}|\d+(?:st|nd|rd|th)|(?:na|an|de|la|le|du|del|of"
    rf"|the)(?=[ ]+\p{{Lu}}))"
    rf"[ ]+){{1,3}}(?=\p{{Lu}})(?i"
    rf":{STREET_SUFFIX})\b\.?"
    rf"(?:[ ]+(?:[NSEW]|North|South|East|West|NE|NW|SE|SW)\b\.?)?"
    rf"(?:,?[ ]+(?i:apt|apartment|suite|ste|unit|room|rm|bldg|building|floor|fl|\#)\.?[ ]*\#?[ ]*[A"
    rf"-Za-z0-9-]*\d[A-Za-z0-9-]*)?"
)
_ZIP = r"\b\d{5}(?:-\d{4})?\b"
#: a compass word naming a hospital wing or floor ("6 West", "5 EAST")
_COMPASS = r"(?:North|South|East|West|NORTH|SOUTH|EAST|WEST)"
#: hospital units that stand before a room or bay ("PACU Bay 9", "ICU Bed 6")
_UNIT_ACRONYM = (
    r"(?:PACU|ICU|ITU|CCU|HDU|NICU|PICU|SICU|MICU|CVICU|AMU|MAU|SAU|CDU|ED|ER|OR|L&D|EAU|ASU|SDU"
    r"|CTU)"
)
#: what a house is called in a British or Irish address ("Rose Cottage", "The Old Rectory")
_HOUSE_NOUN = (
    r"(?:Farm|Farmhouse|Cottage|Cottages|House|Lodge|Rectory|Vicarage|Barn|Mill|Hall|Manor|Villa|Grange"
    r"|Croft|Bungalow|Steading|Forge|Stables|Coach[ ]House|Schoolhouse|Old[ ]School|Granary|Smithy|Oast"
    r"|Byre)"
)
_STATES = (
    r"(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]|UT"
    r"|V[TA]|W[AVIY]|PR|GU|VI)"
)
_STATE_NAMES = (
    r"(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|H"
    r"awaii|Idaho"
    r"|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota"
    r"|Mississippi|Missouri|Montana|Nebraska|Nevada|New[ ]Hampshire|New[ ]Jersey|New[ ]Mexico|New[ ]York"
    r"|North[ ]Carolina|North[ ]Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode[ ]Island|South[ ]Carolina"
    r"|South[ ]Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West[ ]Virginia|Wisconsin|Wyoming)"
)
_PLACE_WORD = rf"(?:(?:St\.?|Ft\.?|Mt\.?)[ ]?|{_PARTICLE})?(?:{_CAP_WORD}|{_UPPER_WORD})"
_CITY = (
    rf"(?:{_PLACE_WORD}(?:(?:[ -]|[ ](?:upon|on|under|by|in|le|la|de|sur)[ ]){_PLACE_WORD}){{0,2}})"
)
_FACILITY_NOUN = (
    r"(?:hospitals?|medical[ ]cent(?:er|re)s?|health(?:[ ]?care)?[ ](?:system|center|centre|network|services"
    r"|partners|alliance|clinic|institute)|healthcare|health[ ]sciences?[ ]cent(?:er|re)|clinics?|infirmary"
    r"|polyclinic|imaging[ ](?:cent(?:er|re)|associates|services|institute|group|partners|specialists)"
    r"|radiology(?:[ ](?:associates|group|partners|services|consultants|specialists|department))"
    r"|orthop(?:a)?edics(?:[ ](?:associates|group|institute|center|centre|specialists))?|day[ ]surgery"
    r"|orthopa?edic[ ](?:clinic|center|centre|associates|group|institute|specialists|surgeons|hospital)"
    r"|sports[ ]medicine(?:[ ](?:center|centre|clinic|institute))?|bone[ ](?:and|&)[ ]joint(?:[ ](?:clinic"
    r"|center|centre|institute))?|surg(?:ery|ical)[ ](?:cent(?:er|re)|hospital|associates)|urgent[ ]care"
    r"|rehab(?:ilitation)?[ ](?:cent(?:er|re)|hospital|institute)|nursing[ ](?:home|cent(?:er|re)|facility)"
    r"|care[ ](?:cent(?:er|re)|home|facility)|skilled[ ]nursing(?:[ ]facility)?|hospice|sanatorium|institute"
    r"|medical[ ](?:group|associates|plaza|practice|offices?)|physicians(?:[ ]group)?|family[ ](?:medicine"
    r"|practice|health)|health[ ]partners|va[ ]medical[ ]cent(?:er|re)|veterans[ ]affairs|school[ ]"
    r"of[ ]medicine"
    r"|memorial|cancer[ ]cent(?:er|re)|children'?s|kaiser[ ]permanente|klinik|klinikum|krankenhaus|spital"
    r"|ziekenhuis|sjukhus|sykehus|ospedale|policlinico|sanatorio|hospitalier|hôpital|hopital|clínica|clinica"
    r"|cl[ií]nico|universitätsklinikum|universitaetsklinikum|centre[ ]hospitalier)"
)
_FAC_WORD = (
    rf"(?:\p{{Lu}}\p{{Ll}}+s['’](?=[ ])|\p{{Lu}}\p{{Ll}}+\p{{Lu}}\p{{Ll}}+(?![\p{{L}}'’-])"
    rf"|\p{{Lu}}{{2}}\p{{Ll}}{{3,}}(?![\p{{L}}'’-])|{_CAP_WORD}|{_UPPER_WORD}|St\.?|Mt\.?|ST\.?|MT\.?|&)"
)
#: what may close a facility's name: more name words after "&" ("Rehabilitation & Nursing"), a company form
_FAC_TAIL = (
    r"(?:[ ](?:Care|Centre|Center|Hub|Plus|Co|Clinic|Group|Network|Partners|Practice|Services|Site|Campus"
    r"|Unit|Suite)\b){0,2}"
    rf"(?:[ ](?:&|and|AND)[ ](?:{_CAP_WORD}|{_UPPER_WORD})(?:[ ](?:{_CAP_WORD}|{_UPPER_WORD}))?)?"
    r"(?:,?[ ](?:P\.C\.|P\.A\.|PC|PA|L\.L\.C\.|LLC|PLLC|LLP|Inc\.?|Ltd\.?|S\.C\.)(?![\p{L}]))?"
)
_FAC_JOIN = r"(?:[ ](?i:of(?:[ ]the)?|and|for|de|de[ ]la|del|du|la|le|van|von|y)[ ]|[ ]|-|[ ]&[ ])"
_FAC_NAME = rf"(?:{_FAC_WORD}(?:{_FAC_JOIN}{_FAC_WORD}){{0,6}})"
#: facility nouns that open a name in German, French and Dutch ("Klinikum links der X", "Clinique du X")
_FOREIGN_FACILITY = (
    r"(?:Klinikum|KLINIKUM|Klinik|Krankenhaus|Praxis|(?:Radiologische[ ])?Gemeinschaftspraxis|Radiologie"
    r"|Radiologische[ ]Praxis|MVZ|Zentrum|Clinique|CLINIQUE|Polyclinique|Cabinet(?:[ ]de[ ]radiologie)?"
    r"|Centre(?:[ ]d['’]imagerie(?:[ ]m[ée]dicale)?)?|Imagerie|Institut|Ziekenhuis|Kliniek|Diakonie|Spital"
    r"|Ospedale|Casa[ ]di[ ]Cura|Groupe[ ]Hospitalier|EHPAD|CLSC|CHSLD|CHU|CHR|CHRU|GHU|BG|MVZ)"
)
#: one-word German and Dutch facility names ("Waldkrankenhaus", "Schlossparkklinik")
_COMPOUND_FACILITY = (
    r"(?:(?:Sint|Sankt|St\.?|Saint|Sainte)[ -])?(?:\p{Lu}\p{Ll}+(?:klinik|klinikum|kliniken|krankenhaus"
    r"|spital|praxis|kliniek|ziekenhuis"
    r"|ziekenhuizen|centrum|praktijk|unfallklinik))"
)
#: nouns that end the name of a place where a patient lives, works or studies (a school, an employer, a farm)
_PLACE_NOUN = (
    r"(?:School|Academy|College|Farm|Farms|Supplies|Ltd|Limited|Inc|LLC|Plc|GmbH|Company|Factory|Mill|Mills"
    r"|Works|Store|Stores|Shop|Market|Church|Chapel|Mosque|Temple|Synagogue|Stadium|Hotel|Inn|Restaurant"
    r"|Bakery|Creamery|Dairy|Co-op|Co-Op|Supermarket|Garage|Depot|Warehouse|Station|Airport|Prison|Barracks|Estate|Manor|Lodge|Cottage|Apartments"
    r"|Towers|House|Hall|Gym|Club|Marina|Quarry|Mine|Plant|Office|Library|Village|Retirement[ ]Village"
    r"|Residence|Residences|Care[ ]Home|Nursing[ ]Home|Court|Gardens|Park|HS|High|Secondary|Elementary"
    r"|Tavern|Pub|Bar|Mall|Mart|Abattoir|Brewery|Breweries|Maritime|Logistics|Builders|Packers|Meatworks"
    r"|Transport|Haulage|Construction|Tea[ ]Room|Leisure[ ]Centre|Sports[ ]Centre|Distribution[ ]Centre"
    r"|Arena|Oval|Rink|Racecourse|Velodrome|Speedway|Raceway|Fieldhouse|Ballpark|Showground|Showgrounds"
    r"|Garden[ ]Centre|Golf[ ]Course|Golf[ ]Club|Surf[ ]Club|Bowls[ ]Club|Sports[ ]Ground|Recreation[ ]Ground"
    r"|Playing[ ]Fields|Lookout)"
)
#: a sports club named by its letters before the name ("FC Erfenbach", "TSV 1860 Rosenheim"); never letters
#: that are clinical abbreviations too (SC emphysema, CF, kV, VV varicose veins)
_CLUB_BEFORE = r"(?:FC|AFC|RFC|TSV|VfB|VfL|VfR|KRC|SpVgg|TuS|FSV|SSV|TSG|JSG|RSC)"
_AGE_GROUP = (
    r"(?:[ ](?:U\d{1,2}s?|Under[ ]\d{1,2}s?|Juniors?|Seniors?|Minors?|Reserves|Ladies|Women|Men))"
)
#: words that make "X School", "X Park" generic ("High School", "Car Park", "Post Office")
_PLACE_GENERIC = (
    r"(?i:the|a|an|high|primary|secondary|middle|elementary|grammar|medical|nursing|dental|law|night|sunday"
    r"|summer|car|post|police|fire|gas|petrol|bus|train|power|nuclear|chemical|water|his|her|their|our|my"
    r"|at|in|to|from|of|and|or|for|with|no|local|same|new|old|main|this|that|royal|general|state|public"
    r"|private|home|care|retirement|country|grocery|coffee|book|pet|work|office|family|first|second|third"
    r"|last|next|prior|previous|mri|ct|x-ray|ultrasound|imaging|radiology|hospital|clinic|university)"
)
_GENERIC = (
    r"(?:the|a|an|this|that|our|your|their|his|her|outside|local|same|another|other|previous|prior|referring"
    r"|any|each|every|no|some|which|at|from|to|in|of|by|and|or|for|with|was|were|is|are|be|been|seen|sent"
    r"|transferred|admitted|discharged|presented|followed|performed|done|obtained|outpatient|inpatient"
    r"|orthopa?edic|sports|knee|bone|joint|fracture|pain|pediatric|paediatric|surgical|medical|general"
    r"|community|regional|university|teaching|tertiary|care|county|state|private|public|veterans|mental"
    r"|psychiatric|dental|eye|family|specialty|cancer|trauma|emergency|urgent|walk-in|follow-up|dialysis"
    r"|wound|infusion|imaging|radiology|rehab|rehabilitation|nursing|skilled|primary|main|new|old|nearby"
    r"|free|day|night|weekend|acute|chronic|rural|city|military|army|naval|field|mobile|virtual)"
)
#: capitalised nouns that end a facility name on their own ("Banner Health", "Summit Orthopedics")
_CAP_FAC_NOUN = (
    r"(?:Health|HEALTH|Healthcare|Medical|Medicine|MEDICINE|Imaging|IMAGING|Radiology|RADIOLOGY"
    r"|Diagnostics|Laboratories|Labs|Pharmacy|Dialysis|Orthop(?:a)?edics|ORTHOP(?:A)?EDICS|Pediatrics"
    r"|Physicians|Specialists|Partners|Associates|Surgical|Wellness|Ambulatory|General|Regional"
    r"|Hospice|Rehab|Cancer[ ]Institute|Heart[ ]Institute|Eye[ ]Institute|Physiotherapy|Physical[ ]Therapy"
    r"|Chiropractic|Podiatry|Rehabilitation|(?:Spine|Bone)[ ](?:&|and)[ ]Joint|NHS[ ](?:Foundation[ ])?Trust"
    r"|Health[ ]Board|Permanente|Diagnostic[ ]Centre|Diagnostic[ ]Center|Ortho|ORTHO|Physio|PHYSIO"
    r"|Trust|TRUST|Royal|ROYAL|MIU|UTC|Care[ ]Network|Health[ ]Network|Minor[ ]Injuries(?:[ ]Unit)?"
    r"|Walk-in[ ]Centre|Walk-in[ ]Center|DGH|UH|GH|UHB|RI|HSC|CHC|ED[ ]Campus"
    r"|Polyclinic|Sports[ ]Injury[ ]Clinic|Spine[ ]Center|Spine[ ]Centre|Gen|GEN|Hosp|HOSP|Base|Private"
    r"|Partnership|Assisted[ ]Living|LTC|Imaging[ ]Suite|Joint[ ]Replacement[ ]Cent(?:er|re)"
    r"|Primary[ ]Care|Occupational[ ]Health|Aged[ ]Care|Treatment[ ]Cent(?:re|er)|Sports[ ](?:&|and)[ ]Spine"
    r"|Day[ ]Surgery(?:[ ](?:Cent(?:re|er)|Unit))?|Day[ ]Hospital"
    # "Rodley Lane Practice"; never "Best Practice"
    r"|(?<!(?i:best|good|clinical|standard|common|current|usual|normal|routine|private|safe|accepted|general"
    r"|dental|nursing|medical|family|group|in|of|the|our|my|his|her|their|this|that|same|advanced|floor"
    r"|physiotherapy|physio|therapy|therapist|nurse|private|solo|rural|urban|community|evidence)[ ])"
    r"Practice"
    r"|Orthop(?:a)?edic[ ]Unit|(?:Orthop(?:a)?edic|ORTHOP(?:A)?EDIC|Ortho|ORTHO)[ ](?:&|and|AND)[ ](?:Spine"
    r"|SPINE|Sports[ ]Med(?:icine)?|SPORTS[ ]MED(?:ICINE)?|Trauma|TRAUMA)(?:[ ](?:Cent(?:er|re)|CENT(?:ER"
    r"|RE)))?)"
)
#: words that make "X PT" physical therapy as a treatment, not a practice ("Continue PT", "Knee PT")
_PT_NOT_NAME = (
    rf"{EXAM_WORD}|(?i:home|outpatient|inpatient|aquatic|post-?op|pre-?op|postop|preop|continue|continued"
    r"|start|started|starting|formal|further|ongoing|daily|weekly|more|needs?|and|or|of|for|with|after|before"
    r"|the|via|weight|bearing|as|tolerated|refer|referral|referred|see|seen|plan|rec|recommend|recommended"
    r"|no|not|prior|previous|initial|inital|outside|private|school|sports|rehab|injury|acute|chronic|urgent"
    r"|therapy|physical|hand|pool|land|gym|exercise|exercises|wbat|nwb|pwb|fwb|rom|strengthening|vestibular"
    r"|pelvic|floor|cardiac|pulmonary|neuro|neurologic|lymph\w*|precautions|manual|ortho|orthopedic"
    r"|orthopaedic|spine|spinal|back|neck|geriatric|pediatric|paediatric|women's|men's|balance)"
)
#: specialty words that make "X Medicine", "X Imaging" a department, not a facility
_SPECIALTY = (
    r"(?i:nuclear|internal|family|sports|emergency|physical|occupational|preventive|preventative|mental"
    r"|behavioral|behavioural|public|women's|pediatric|paediatric|diagnostic|interventional|musculoskeletal"
    r"|neuro|body|breast|cross-sectional|cardiac|cardiovascular|thoracic|abdominal|chest|vascular|oncologic"
    r"|molecular|further|additional|follow-up|followup|prior|outside|consider|recommend|recommended|dedicated"
    r"|advanced|general|regional|surgical|medical|ambulatory|community|primary|urgent|critical|intensive"
    r"|hospital|clinical|academic|integrative|functional|regenerative|spine|joint|bone|orthopedic|orthopaedic"
    r"|the|a|an|and|or|with|of|in|for|to|at|by|on|from|no|see|per|mild|moderate|severe)"
)
#: a "name" made only of specialty or generic words: "Orthopedic Clinic", "Sports Medicine Center"
_GENERIC_NAME = (
    r"(?:(?i:the|a|an|our|this|my|his|her|their|your|outside|local|same|another|other|prior|previous|referring"
    r"|outpatient|inpatient"
    r"|orthopa?edic|orthopa?edics|sports|medicine|fracture|knee|hand|foot|spine|pain|bone|joint|can"
    r"cer|heart|eye"
    r"|wound|infusion|dialysis|imaging|radiology|x-ray|mri|ct|ultrasound|walk-in|day|urgent|emergency|primary"
    r"|care|family|internal|physical|occupational|rehabilitation|rehab|pediatric|paediatric|surgical|surgery"
    r"|trauma|specialty|women's|mental|behavioral|behavioural|health|services?|department|dept|nuclear"
    r"|interventional|diagnostic|musculoskeletal|spine)(?:[ ]|[ ]&[ ]|[ ]and[ ]))+"
)
_LOWER_FAC = (
    rf"(?:(?:st\.?[ ]|saint[ ]|mt\.?[ ]|mount[ ])?(?!{_GENERIC}\b|up\b|follow|see\b"
    # an instruction is no name ("please review before clinic")
    rf"|return|please\b|review|before\b|after\b|until\b|next\b|book|attend|arrange|discuss"
    # quantities and kinds of hospital ("both hospitals", "district hosp")
    rf"|both\b|various\b|several\b|multiple\b|many\b|two\b|three\b|different\b|district\b|base\b"
    rf"|area\b|nearest\b|nearby\b)"
    rf"\p{{Ll}}[\p{{Ll}}'’-]+[ ](?:(?!(?:in|at|the|a|an|of|to|for|before|after|until|next|review"
    rf"|with|from|by|on|and|or|our|this|outside|orthopa?edic|sports|urgent|outpatient|inpatient|emergency"
    rf"|fracture|pain|spine|knee)\b)\p{{Ll}}[\p{{Ll}}'’-]+[ ]){{0,2}})"
)
#: facility nouns that make a lower-case name a facility ("mercy hospital"); never "imaging" or "institute"
_LOWER_FAC_NOUN = (
    r"(?:hospitals?|hosp|medical[ ]cent(?:er|re)|clinic|health[ ]system|healthcare|infirmary"
    r"|family[ ]practice"
    r"|medical[ ]practice|medical[ ]group|imaging[ ]cent(?:er|re)|surgery[ ]cent(?:er|re)|urgent[ ]care"
    r"|radiology[ ]associates|orthop(?:a)?edic[ ]associates|health[ ]cent(?:er|re)|day[ ]surgery"
    r"|bone[ ](?:and|&)[ ]joint[ ](?:institute|clinic|cent(?:er|re))|orthop(?:a)?edics)"
)


#: a department after a facility's name ("Waikato Hospital Radiology", "... Infirmary ED"): not part of it
DEPARTMENT_WORD = (
    r"(?i:radiology|imaging|x-?ray|ed|a&e|a[ ]and[ ]e|emergency|orthop(?:a)?edics?|orthopädie|trauma|fracture"
    r"|physio\w*|rheumatology|surgery|outpatients?|msk|musculoskeletal|wards?|theatres?|department|dept"
    r"|service|unit|pacs|ris|mri|ct|ultrasound|nuclear)\b"
)
#: words that make "X Surgery" a kind of operation or a department, not a general practice ("Knee Surgery")
_NOT_PRACTICE = (
    rf"(?:{_SPECIALTY}|(?i:plastic|hand|foot|ankle|knee|hip|shoulder|wrist|elbow|day|spinal|trauma|minor"
    rf"|major"
    r"|arthroscopic|elective|keyhole|replacement|revision|previous|recent|bariatric|colorectal|cardiothoracic"
    r"|cosmetic|oral|maxillofacial|dental|eye|ent|limb|upper|lower|reconstructive|robotic|open|same"
    r"|ambulatory"
    r"|outpatient|inpatient|joint|sports|paediatric|pediatric|orthopaedic|orthopedic|general|neuro|heart"
    r"|cardiac|vascular|breast|transplant|urgent|emergency|unplanned|planned|further|prior|post|pre))"
)

#: street-name endings of German, Dutch and Scandinavian addresses ("Lindenstraße 4", "Zeeweg 88")
_GERMANIC_STREET = (
    r"(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|gade|vej|gatan|vägen|veien|straat|laan"
    r"|gracht|plein)"
)
#: first words of the place labels and of the leading facility nouns, lower case (anchors)
_PLACE_LABEL_ANCHOR = word_start(
    "address addr city town village county residence lives living resides brgy barangay purok sitio vill"
    " dist district taluk tehsil mandal home hometown birthplace place born moved relocated ort wohnort"
    " stadt geburtsort wohnhaft ville commune domicile domicili né woonplaats wonend città residente ciudad"
    " localidad municipio"
)
_FACILITY_FIRST_ANCHOR = word_start(
    "university hospital clinic medical infirmary institute hôpital hopital clínica clinica clínico clinico"
    " clinico klinikum klinik ospedale policlinico centro instituto policlínica policlinica santa sanatorio"
    " centre chu hôtel-dieu hotel-dieu"
)


#: the Irish counties but Down (lower-case "co down" may be no county)
_IRISH_COUNTIES = (
    r"antrim|armagh|carlow|cavan|clare|cork|derry|donegal|dublin|fermanagh|galway|kerry|kildare|kilkenny"
    r"|laois|leitrim|limerick|longford|louth|mayo|meath|monaghan|offaly|roscommon|sligo|tipperary|tyrone"
    r"|waterford|westmeath|wexford|wicklow"
)


def location_rules() -> list[Rule]:
    """Street addresses, city/state/ZIP lines, facility names and cities after facilities."""
    facility = (
        rf"\b(?!{_GENERIC_NAME}(?i:{_FACILITY_NOUN})\b)"
        rf"(?:{_FAC_NAME}[ ](?i:{_FACILITY_NOUN})|{_LOWER_FAC}{_LOWER_FAC_NOUN})\b"
        rf"(?:{_FAC_JOIN}(?!{DEPARTMENT_WORD}){_FAC_NAME})?{_FAC_TAIL}"
    )
    facility_first = (
        rf"\b(?i:(?:university|hospital|clinic|medical[ ]cent(?:er|re)|infirmary|institute)[ ](?:of"
        rf"|for)(?:[ ]the)?"
        rf"|(?:hôpital|hopital|clínica|clinica|cl[ií]nico|klinikum|klinik|ospedale|policlinico|cent"
        rf"ro[ ]m[ée]dico"
        rf"|centro[ ]hospitalar|centro|instituto|policl[ií]nica|santa[ ]casa|hospital[ ]universitario"
        rf"|sanatorio|centre[ ]hospitalier(?:[ ]universitaire)?|(?-i:CHU)|h[oô]tel-dieu)(?:[ ](?:de"
        rf"[ ]la|de|del|des"
        rf"|du|di|della|do|da|dos|universitario|universitaire|général|general|central))?)"
        rf"[ ]{_FAC_NAME}"
    )
    return [
        rule("LOCATION", "street address", _STREET, 0.8),
        rule(
            "LOCATION",
            "lower-case street address",
            # "1871 tullamore trail, little rock": the town after the street, to the end of the clause
            r"\b\d{1,6}[a-z]?[ ]+(?!(?:mm|cm|m|km|ml|mg|kg|degrees?|views?|weeks?|days?|months?|years?|times"
            r"|hours?|mins?|minutes?|x)\b)(?:[nsew]\.?[ ]+)?(?:[a-z][a-z'-]+[ ]+){1,3}(?:street|st|avenue|ave"
            r"|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|terrace|tce|parade|pde|crescent|cres|close|grove"
            r"|parkway|pkwy|highway|hwy|trail|trl|rise|pike|circle|cir|mews|gardens|gdns|heights|hts|hill)\b\.?"
            r"(?:,[ ]+(?!(?:alone|again|today|now|too|also|with|and|then|since|so|but)\b)[a-z][a-z'’-]+"
            r"(?:[ ][a-z][a-z'’-]+){0,2}(?=[ ]*(?:[.;\n]|$)))?",
            0.7,
        ),
        rule(
            "LOCATION",
            "foreign street address",
            r"(?:\bvia[ ]+\p{Lu}\p{Ll}+(?:[ ]+\p{Lu}\p{Ll}+){0,2},?[ ]+\d{1,4}\b"
            r"|\b(?:calle|avenida|av\.|rua|rue|viale|piazza|plaza|paseo|camino|carrer|corso|largo|praça"
            r"|travessa|boulevard|bd\.?|chemin|allée|quai|place|straat|laan|gracht|ulica|ul\.)(?:[ ]+"
            r"(?:de|del|de[ ]la|des|du|di|della|do|da|dos|das|le|la|l'))?[ ]+(?:\p{Lu}[\p{L}'’-]*|\d+)"
            r"(?:[ ]+\p{Lu}[\p{L}'’-]*){0,3}(?:,?[ ]+\d{1,5}[a-zA-Z]?)?)",
            0.7,
            flags=NOCASE,
            anchor=word_start(
                "via calle avenida av rua rue viale piazza plaza paseo camino carrer corso largo praça"
                " travessa boulevard bd chemin allée quai place straat laan gracht ulica ul"
            ),
        ),
        rule(
            "LOCATION",
            "street with a Germanic suffix",
            rf"\b\p{{Lu}}[\p{{Ll}}-]*{_GERMANIC_STREET}[ ]+\d{{1,5}}[a-zA-Z]?",
            0.7,
            trigger=rf"{_GERMANIC_STREET}[ ]+\d",
        ),
        rule(
            "LOCATION",
            "number before foreign street",
            # never a clock time's minutes ("03:10 via A&E")
            r"\b(?<![\d:.])\d{1,5}[a-z]?,?[ ]+(?i:rue|avenue|av\.|bd|boulevard|place|chemin|allée|quai|via"
            r"|calle)[ ]+(?:(?i:de|du|des|de[ ]la|di|del|l')[ ]+)?(?!A&E)\p{Lu}[\p{L}'’-]*"
            r"(?:[ ]+\p{Lu}[\p{L}'’-]*){0,3}",
            0.7,
        ),
        rule(
            "LOCATION",
            "UK or Canadian postcode",
            r"\b(?:[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}|[ABCEGHJ-NPRSTVXY]\d[A-Z]\d[A-Z]\d"
            r"|[A-Z]\d[A-Z][ -]\d[A-Z]\d)\b",
            0.7,
        ),
        rule(
            "LOCATION",
            "postal code before city",
            r"(?<![\d.,/-])(?:\b[A-Z]{1,2}-)?\b\d{4,5}[ ](?=\p{Lu}\p{Ll}+)(?!(?:Patients?|Reports?|Ca"
            r"ses?|Views?"
            r"|Images?|Units?|Studies|Exams?)\b)\p{Lu}[\p{L}'’-]+(?:[ -]\p{Lu}[\p{L}'’-]+)?",
            0.6,
            trigger=r"\d{4,5}[ ]\p{Lu}\p{Ll}",
        ),
        rule(
            "LOCATION",
            "named route",
            r"\b(?:County[ ]Road|COUNTY[ ]ROAD|County[ ]Rd|State[ ]Route|STATE[ ]ROUTE|Route|ROUTE|Rte"
            r"|Highway|HIGHWAY|Hwy|HWY|Interstate|Farm[ ]Road|FM|Ranch[ ]Road|Rural[ ]Route|RURAL[ ]ROUTE)"
            r"[ ]?\d{1,4}[A-Z]?\b"
            r"(?:,?[ ]+(?:Box|BOX)[ ]?\d{1,5}\b)?|\b(?:RR|R\.R\.)[ ]?\d{1,3},?[ ]+(?:Box|BOX)[ ]?\d{1,5}\b",
            0.65,
        ),
        rule(
            "LOCATION",
            "numbered route",
            r"\b\d{1,6}[ ]+(?:Route|ROUTE|Rte|Highway|HIGHWAY|Hwy|State[ ]Route|County[ ]Road|CR|SR"
            r"|US)[ ]?\d{1,4}"
            r"[A-Z]?\b",
            0.7,
        ),
        rule(
            "LOCATION",
            "unit of an address",
            r"\b(?:Apt|APT|Apartment|Suite|SUITE|Ste|STE|Unit|UNIT|Bldg|BLDG|Building|Floor|Fl|Flat|FLAT|flat"
            r"|Office|Room|Shop|SHOP|Plot|PLOT|Sector|SECTOR|Lot|Level|Block|H\.?[ ]?No\.?|Gali[ ]No\.?"
            r"|GALI[ ]NO\.?)\.?[ ]*\#?[ ]*(?:\d{1,5}[A-Z]?(?:/\d{1,3})?|(?<=[ .\#])[A-Z](?:-?\d{1,4})?)\b",
            0.6,
        ),
        rule(
            "LOCATION",
            "Irish county",
            # "co cork", "co. kilkenny", "CO. LISMEELAN": a county is a unit smaller than a state ("Co. Mayo"
            # is found by the county rule); lower-case "co down" could be a verb's object, so Down needs a dot
            r"\b(?:(?:(?i:county)|[Cc]o\.|CO\.?)[ ]?(?:(?i:down)|(?i:" + _IRISH_COUNTIES + r"))"
            r"|co[ ](?i:" + _IRISH_COUNTIES + r")|CO\.[ ]?[A-Z]{4,})\b",
            0.7,
            lowered_trigger=r"\b(?:co\.?|county)[ ]",
        ),
        rule(
            "LOCATION",
            "po box",
            r"(?i:\b(?:p\.?[ ]?o\.?[ ]?box|postfach|bo[iî]te[ ]postale|b\.?p\.|apartado(?:[ ]de[ ]correos)?"
            r"|casella[ ]postale|postbus)[ ]*\d{1,6}\b)",
            0.85,
        ),
        rule(
            "LOCATION",
            "rural route",
            r"\b(?:Rural[ ]Route|RURAL[ ]ROUTE|RR|R\.R\.|HC"
            r"|Star[ ]Route)[ ]?\d{1,4}(?:,?[ ]Box[ ]\d{1,5})?\b",
            0.7,
        ),
        rule(
            "LOCATION",
            "German street without a suffix",
            r"\b(?:Am|An[ ]der|An[ ]den|Im|Auf[ ]dem|Auf[ ]der|Zum|Zur|In[ ]der|Unter[ ]den|Hinter[ ]der)[ ]"
            r"\p{Lu}[\p{L}-]+[ ]\d{1,4}[a-z]?\b",
            0.65,
        ),
        rule(
            "LOCATION",
            "Irish Eircode",
            r"\b[AC-FHKNPRTV-Y]\d[0-9W][ ]?[0-9AC-FHKNPRTV-Y]{4}\b(?<=\d[A-Z0-9]{3}|[A-Z][A-Z0-9]{3})"
            # any letters when spaced and mixed ("L80 K0T0"): test data and typos use letters Eircodes lack
            r"|\b[A-Z]\d[0-9W][ ](?=[A-Z0-9]{0,3}\d)(?=[A-Z0-9]{0,3}[A-Z])[A-Z0-9]{4}\b",
            0.6,
        ),
        rule(
            "LOCATION",
            "city before a postcode",
            rf"(?P<phi>{_CITY}),?[ ]+(?:[A-Z]{{1,2}}\d[A-Z\d]?[ ]?\d[A-Z]{{2}}"
            rf"|[A-Z]-\d{{4,5}})\b|(?P<phi>{_CITY}),?[ ]+(?:ON|QC|BC|AB|MB|SK|NS|NB|NL|PE|YT|NT|NU)\.?,?[ ]+"
            rf"[A-Z]\d[A-Z][ ]?\d[A-Z]\d\b",
            0.6,
            trigger=r"\b(?:[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}|[A-Z]-\d{4,5}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)\b",
        ),
        rule(
            "LOCATION",
            "town line above a postcode line",
            rf"^[ \t]*(?P<phi>{_CITY})[ \t]*,?[ \t]*\n[ \t]*(?:[A-Z]{{1,2}}\d[A-Z\d]?[ ]?\d[A-Z]{{2}}"
            rf"|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)[ \t]*$",
            0.6,
            # line starts whose next line is a postcode alone
            anchor=r"^(?=[^\n]*\n[ \t]*(?:[a-z]{1,2}\d[a-z\d]?[ ]?\d[a-z]{2}|[a-z]\d[a-z][ ]?\d[a-z]\d)"
            r"[ \t]*$)",
        ),
        rule(
            "LOCATION",
            "city before a country",
            rf"(?P<phi>{_CITY}),[ ]+(?:England|Scotland|Wales|Northern[ ]Ireland|Ireland|UK|U\.K\.|France"
            rf"|Germany"
            rf"|Deutschland|Netherlands|Nederland|Italy|Italia|Spain|España|Belgium|Belgique|Switzerland"
            rf"|Austria"
            rf"|Österreich|Canada|Australia|New[ ]Zealand|Iceland|Poland|Israel|Japan)\b",
            0.6,
            trigger=r",[ ]+(?:England|Scotland|Wales|Northern[ ]Ireland|Ireland|UK|U\.K\.|France|Germany"
            r"|Deutschland"
            r"|Netherlands|Nederland|Italy|Italia|Spain|España|Belgium|Belgique|Switzerland|Austria"
            r"|Österreich"
            r"|Canada|Australia|New[ ]Zealand|Iceland|Poland|Israel|Japan)\b",
        ),
        rule(
            "LOCATION",
            "Dutch postcode before city",
            r"\b\d{4}[ ]?[A-Z]{2}(?=[ ]+\p{Lu}\p{Ll})",
            0.6,
        ),
        rule(
            "LOCATION",
            "named place",
            rf"(?<![\p{{L}}'’-])(?!{_PLACE_GENERIC}[ ])(?:{_FAC_NAME})[ ](?:{_PLACE_NOUN})(?![\p{{L}}'’-])",
            0.55,
            trigger=rf"[ ](?:{_PLACE_NOUN})(?![\p{{L}}'’-])",
        ),
        rule(
            "LOCATION",
            "lower-case town someone was driven from",
            # "daughter hao drove her from wagga wagga.": the trip names the town outright
            r"\b(?:drove|driven|brought|came|travell?ed)(?:[ ](?:him|her|them|me|us))?"
            r"(?:[ ](?:down|up|over|in))?[ ]from[ ]+(?!(?:work|home|school|the|a|an|his|her|their|my|our"
            r"|hospital|clinic|town|church|holiday"
            r"|abroad|there|here|outside|inside|upstairs|downstairs|bed|hospital|ward|theatre|surgery|ed|er|a&e"
            r"|casualty|icu|resus|rehab|respite|overseas|away|nearby|far|elsewhere|interstate|up|down|over"
            r"|nursing|care|residential|aged|sheltered|assisted|supported)\b)"
            r"(?P<phi>[a-z][a-z'’-]+(?:[ ][a-z][a-z'’-]+){0,2})(?=[ ]*(?:[.,;\n]|$))",
            0.6,
            anchor=word_start("drove driven brought came travelled traveled"),
        ),
        rule(
            "LOCATION",
            "lower-case workplace",
            # "works at pham school", "works at moretti hardware"
            rf"(?<![\p{{L}}])(?:works|worked|working|employed|job)[ ](?:at|for)[ ](?:the[ ])?"
            rf"(?!{_PLACE_GENERIC}[ ])(?P<phi>[a-z][a-z'’-]+(?:[ ][a-z][a-z'’-]+){{0,2}}[ ](?:school|college"
            rf"|academy|garage|farm|store|shop|market|factory|mill|hotel|pub|gym|club|hardware|depot|warehouse"
            rf"|bakery|restaurant|cafe|café|supermarket|mart|motors|builders|transport|logistics))\b",
            0.6,
            anchor=word_start("works worked working employed job"),
        ),
        rule(
            "LOCATION",
            "club letters before its name",
            # "FC Erfenbach", "TSV 1860 Rosenheim" (not a college fellowship: "MBChB FC Orth(SA)")
            rf"\b{_CLUB_BEFORE}[ ](?:\d{{2,4}}[ ])?(?!{EXAM_WORD}\b|(?i:joint|guided|scan)\b)"
            rf"\p{{Lu}}[\p{{L}}'’-]+(?:[ -]\p{{Lu}}[\p{{L}}'’-]+){{0,2}}(?![\p{{L}}'’(-]){_AGE_GROUP}?",
            0.6,
            trigger=rf"\b{_CLUB_BEFORE}[ ]",
        ),
        rule(
            "LOCATION",
            "house name before a street",
            # British and Irish addresses name the house, then a street without a number ("Hillside Farm,
            # Strand St", "The Old Rectory, Laurier Park")
            rf"(?<![\p{{L}}'’-])(?:The[ ])?(?:{_CAP_WORD}[ ]){{1,2}}{_HOUSE_NOUN},[ ]+"
            rf"(?:{_CAP_WORD}[ ]){{1,3}}"
            rf"(?=\p{{Lu}})(?i:{STREET_SUFFIX})\b\.?",
            0.65,
            trigger=rf"[ ]{_HOUSE_NOUN},",
        ),
        rule(
            "LOCATION",
            "street without a number",
            rf"(?<![\p{{L}}'’-])(?!(?:The|A|An|This|That|His|Her|Their|Our|Wall|Drive)[ ])"
            rf"(?:{_CAP_WORD}[ ]){{1,3}}"
            rf"(?:Street|Road|Lane|Avenue|Close|Drive|Crescent|Terrace|Grove|Way|Court|Place|Row|Boulevard"
            rf"|Parkway|Mews|Gardens|Rise|Hill|Walk|Parade|Wharf|Quay|Esplanade|Promenade|Wynd|Brae|Mains"
            rf"|Strasse|Straße|Weg|Allee|Gasse)\b",
            0.55,
            trigger=r"[ ](?:Street|Road|Lane|Avenue|Close|Drive|Crescent|Terrace|Grove|Way|Court|Place|Row"
            r"|Boulevard|Parkway|Mews|Gardens|Rise|Hill|Walk|Parade|Wharf|Quay|Esplanade|Promenade|Wynd|Brae"
            r"|Mains|Strasse|Straße|Weg|Allee|Gasse)\b",
        ),
        rule(
            "LOCATION",
            "county",
            r"\b(?:(?:\p{Lu}[\p{Ll}'’-]+|St\.?)[ ]){1,2}(?:County|Parish|Borough|COUNTY)\b"
            r"|\b(?:County|Co\.)[ ](?!(?:Ltd|Limited|Inc|KG|LLC|Pty|Plc|Operative)\b)\p{Lu}[\p{Ll}]+\b",
            0.6,
        ),
        rule(
            "LOCATION",
            "city state zip",
            rf"(?P<phi>{_CITY}(?:,[ ]*{_STATES}\.?(?:,?[ ]+{_ZIP}|(?=[ ]*(?:$|[.;)\n])))|[ "
            rf"]+{_STATES}[ ]+{_ZIP}"
            rf"|,[ ]*{_STATE_NAMES}\b(?:,?[ ]+{_ZIP})?))",
            0.75,
            trigger=rf"(?:,[ ]*{_STATES}\b|[ ]{_STATES}[ ]+\d|,[ ]*{_STATE_NAMES}\b)",
        ),
        rule(
            "LOCATION",
            "state zip",
            rf"\b(?:{_STATES}|(?i:{_STATE_NAMES}))[ ]+{_ZIP}",
            0.8,
            trigger=r"[ ]\d{5}\b",
        ),
        rule(
            "LOCATION",
            "lower-case city before state and ZIP",
            rf"(?<![\p{{L}}'’-])(?P<phi>\p{{Ll}}[\p{{Ll}}'’-]+(?:[ ]\p{{Ll}}[\p{{Ll}}'’-]+)?),?[ ]+"
            rf"(?i:{_STATE_NAMES}"
            rf"|{_STATES})\.?,?[ ]+{_ZIP}",
            0.6,
            trigger=rf"[ ]{_ZIP}",
        ),
        rule("LOCATION", "zip plus four", r"(?<![\d-])\b\d{5}-\d{4}\b(?!-\d)", 0.6),
        rule(
            "LOCATION",
            "ZIP after a place word",
            r"(?<=\p{Lu}[\p{L}.'’]*,?[ ])(?<!(?i:cpt|hcpcs|icd|icd-?9|icd-?10|code|codes|drg|loinc|"
            r"snomed|ndc|rvu"
            r"|accession|acc|order|mrn|id|no|number|series|image|lot|serial|model|ref)[ :#]*[ ])\d{"
            r"5}\b(?![.,/-]?\d)",
            0.55,
        ),
        rule(
            "LOCATION",
            "zip after label",
            r"(?i:\b(?:zip(?:[ ]?code)?|plz|postleitzahl|code[ ]postal|cp|post[ ]?code|postal[ ]code|eircode"
            r"|postcode))[ ]*[:|]?[ ]*(?P<phi>(?:[A-Z]{1,2}-)?\d{4,5}(?:-\d{4})?\b"
            r"|[A-Z0-9]{2,4}[ ]?[A-Z0-9]{3,4}\b)",
            0.85,
        ),
        rule(
            "LOCATION",
            "labelled place",
            rf"(?i:\b(?:address|addr|city|town|village|county|residence|lives[ ]in|lives[ ]at|living[ ]in"
            rf"|resides[ ]in"
            rf"|(?-i:lives)|brgy\.?|barangay|purok|sitio|vill\.?|dist\.?|district|taluk|tehsil|mandal"
            rf"|home[ ]town|hometown|birthplace|place[ ]of[ ]birth|born[ ]in|moved[ ]to|moved[ ]from"
            rf"|relocated[ ]to"
            rf"|ort|wohnort|stadt|geburtsort|wohnhaft[ ]in|ville|commune|domicile|domicili[ée]e?[ ][àa]"
            rf"|né(?:e)?[ ][àa]"
            rf"|woonplaats|wonend[ ]te|città|residente[ ]a|ciudad|localidad|municipio)\b)[ ]*[:|]?[ ]*"
            rf"(?P<phi>{_CITY}(?:,[ ]{_CITY})?)",
            0.7,
            anchor=_PLACE_LABEL_ANCHOR,
        ),
        rule(
            "LOCATION",
            "suburb, Australian state and postcode",
            rf"(?P<phi>{_CITY}[ ]+(?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT)[ ]+\d{{4}})\b",
            0.75,
            trigger=r"[ ](?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT)[ ]+\d{4}\b",
        ),
        rule(
            "LOCATION",
            "city and four-digit postcode ending an address line",
            rf"(?<=(?:[,·|]|[ ]-)[ ]+)(?P<phi>{_CITY}[ ]+(?!(?:19|20)\d\d\b)\d{{4}})(?=[ ]*(?:$|[·|;]))",
            0.6,
            trigger=r"[ ]\d{4}[ ]*(?:$|[·|;])",
        ),
        rule(
            "LOCATION",
            "named ward or wing",
            rf"(?<![\p{{L}}'’-])(?!{_SPECIALTY}[ ]|(?i:acute|medical|surgical|private|day|maternity|labour"
            rf"|labor"
            rf"|children['’]?s|paediatric|pediatric|orthop(?:a)?edic|trauma|elderly|stroke|renal|cardiac"
            rf"|general"
            rf"|assessment|admissions?|short[ ]stay|this|that|the|a|same|other|which|each|every|old|new)\b)"
            rf"(?P<phi>(?:{_CAP_WORD}(?:['’]s)?[ ]){{1,2}}(?:Ward|Wing|[Ww]ing)"
            rf"|(?:{_UPPER_WORD}(?:['’]S)?[ ]){{1,2}}"
            rf"(?:WARD|WING))\b",
            0.6,
            trigger=r"[ ](?:Ward|Wing|WARD|WING|wing)\b",
        ),
        rule(
            "LOCATION",
            "numbered hospital area",
            r"\b(?:Station|Zimmer|Outpatients|OPD|Resus|RESUS|Theatre|THEATRE|Theater|PACU|Recovery|Majors"
            r"|Minors|Cubicle|Side[ ]Room|SR|Pod|POD)[ ]?(?:[A-Z]{1,2}\d{0,2}|\d{1,3}[A-Z]?)\b"
            r"(?:[ ](?:Zimmer|Bay|Bed|Room|Rm)[ ]?\d{1,4}[A-Z]?\b)*",
            0.6,
        ),
        rule(
            "LOCATION",
            "ward named by floor and wing",
            r"(?i:\b(?:on|to|nurse|ward|unit|floor|admit(?:ted)?(?:[ ]to)?|transferred[ ]to|back[ ]to)[ ]+)"
            r"(?P<phi>(?:\d{1,2}[ ]?(?:West|East|North|South|WEST|EAST|NORTH|SOUTH)|\d{1,2}[A-Z])\b"
            r"(?:[ ](?:Rm|Room|Bed|Bay)[ ]?\d{1,4}[A-Z]?\b)?)",
            0.6,
            trigger=r"\b\d{1,2}[ ]?(?:West|East|North|South|WEST|EAST|NORTH|SOUTH|[A-Z])\b",
        ),
        rule(
            "LOCATION",
            "sports club",
            rf"(?<![\p{{L}}'’-])(?:(?i:na|an|the)[ ])?(?:{_FAC_NAME})[ ](?:FC|RFC|AFC|RUFC|GAA|GAC|CLG|HC"
            rf"|RC|CC|BC"
            rf"|Gaels|Rovers|Rangers|Athletic|Wanderers|Harriers|Thunder|Seagulls|Tigers|Wildcats|Wesmen"
            rf"|United|Hotspur|Albion|Celtic|Sharks|Eagles|Hawks|Lions|Saints|Swifts|Warriors|Knights)\b"
            rf"(?:[ ](?:U-?\d{{1,2}}s?|Youth|Juniors|Minors|Ladies|Women|Men|Reserves))?",
            0.6,
            trigger=r"[ ](?:FC|RFC|AFC|RUFC|GAA|GAC|CLG|HC|RC|CC|BC|Gaels|Rovers|Rangers|Athletic|Wanderers"
            r"|Harriers|Thunder|Seagulls|Tigers|Wildcats|Wesmen|United|Hotspur|Albion|Celtic|Sharks|Eagles"
            r"|Hawks|Lions|Saints|Swifts|Warriors|Knights)\b",
        ),
        rule(
            "LOCATION",
            "labelled employer, school or club",
            r"(?i:\b(?:employer|company|workplace|place[ ]of[ ]work|school|college|club|team|sports[ ]club"
            r"|occupation[ ]at|works[ ]at|works[ ]for)\b)[ ]*[:|][ ]*(?P<phi>\p{Lu}[\p{L}'’&.-]*"
            r"(?:[ ](?:(?:of|the|and|&|de|la)[ ])?\p{Lu}[\p{L}'’&.-]*){0,5}(?:,[ ]\p{Lu}[\p{L}'’-]*"
            r"(?:[ ]\p{Lu}[\p{L}'’-]*){0,2})?)",
            0.65,
            anchor=r"\b(?:employer|company|workplace|place[ ]of[ ]work|school|college|club|team|sports[ ]club"
            r"|occupation[ ]at|works[ ]at|works[ ]for)\b",
        ),
        rule(
            "LOCATION",
            "Dublin postal district",
            r"\b(?:Dublin|DUBLIN|D)[ ]?(?:[1-9]|1[0-9]|2[0-4]|6W)\b(?<=Dublin[ ]\d{1,2}|DUBLIN[ ]\d{1,2}"
            r"|Dublin[ ]6W"
            r"|DUBLIN[ ]6W)",
            0.6,
        ),
        rule(
            "LOCATION",
            "imaging room",
            r"\b(?:X-?[Rr]ay|X-?RAY|CT|MRI|DR|CR|US|Ultrasound|Fluoro(?:scopy)?|DEXA|Plain[ ]Film)[ ]"
            r"(?:Room|ROOM|Rm|Suite)[ ]?\d{1,3}[A-Z]?\b",
            0.6,
        ),
        rule(
            "LOCATION",
            "lower-case street without a number",
            r"\b(?:on|off|along|in|at|near)[ ]+(?!(?:the|a|an|this|that|main|high|same|his|her|their)\b)"
            r"(?P<phi>[a-z][a-z'-]{2,}(?:[ ][a-z][a-z'-]{2,})?[ ](?:ave|avenue|st|street|rd|road|blvd|lane|ln"
            r"|drive|dr|pde|parade|cres|crescent|terrace|tce)\b\.?)",
            0.55,
            trigger=r"[ ](?:ave|avenue|st|street|rd|road|blvd|lane|ln|drive|dr|pde|parade|cres|crescent"
            r"|terrace|tce)\b",
        ),
        rule(
            "HOSPITAL",
            "lower-case saint's",
            r"\b(?:st\.?|saint)[ ][a-z]+['’]s\b|\b(?:St\.?|ST\.?)[ ]\p{Lu}['’][sS]\b",
            0.6,
        ),
        rule(
            "HOSPITAL",
            "the hospital by its short name",
            # "films w/ the General (2/2024)", "u on at the royal today?", "Seminar Room 2, the Mater."
            r"(?<=\b(?i:at|from|to|in|into|with|w/|via|and|or|of)[ ]+|,[ ]+|\([ ]*|^)"
            r"(?:the|The|THE)[ ](?:General|Royal|Infirmary|Mater|Memorial|Regional|Children['’]s|Women['’]s"
            r"|Private|Gen|Whitt|Poly|Alex|Vic|QE|Mercy|Mater[ ]Private)"
            r"(?=[ ]*(?:$|[,.;:)(?!'\"/\n-])|[ ]+(?:on|in|at|and|or|for|was|is|last|yesterday|today|tonight"
            r"|this|dated|from|with|where|when|but|so|to|per|until|till|then|site|campus)\b)"
            # lower case only after a place preposition and before a stop ("u on at the royal today?")
            r"|(?<=\b(?i:at|from|to|into)[ ]+)the[ ](?:general|royal|infirmary|mater|memorial|mercy)"
            r"(?=[ ]*(?:$|[,.;:)?!\n])|[ ]+(?:today|tonight|yesterday|on|last|this)\b)"
            # the Mater hospitals go by that word alone ("-> Mater North Sydney", "Mater Private"), never the
            # meninges ("Dura Mater", "pia mater") or "alma mater"
            r"|(?<!(?i:dura|pia|alma|arachnoid)[ ])\bMater(?:[ ](?:Private|Misericordiae|Dei|Adult"
            r"|Mothers['’]?|Children['’]s|Public))?(?![\p{L}'’-])(?![ ]+(?i:dolorosa|familias|lectionis)\b)",
            0.6,
            trigger=r"\b(?i:the)[ ](?i:general|royal|infirmary|mater|memorial|regional|children|women|private"
            r"|gen|whitt|poly|alex|vic|qe|mercy)\b|\bMater\b",
        ),
        rule(
            "LOCATION",
            "room or bed",
            # "Rm 612-2", "room 5 East 514B", "Bay 4 Bed 2 (AMU)", "Room 7 (Lavender wing)", "Ward St Clare 2"
            rf"(?:(?i:\b(?:room|rm|bed|bay|ward|cubicle|cot|side[ ]room|suite|ste|zimmer|chambre|lit|kamer"
            rf"|flat|apt|apartment)\.?[ ]*(?:#|no\.?|number"
            rf"|nr\.?)?[ ]*:?[ ]*)(?:[A-Z]{{1,3}}-?)?\d{{1,5}}[A-Za-z]?"
            rf"(?:[./-]?[A-Z0-9]{{1,3}})?\b(?:[ ]{_COMPASS}[ ]+(?:[A-Z]{{1,3}}-?)?\d{{1,5}}[A-Z]?\b)?"
            rf"|(?i:\bward)[ ]+(?:(?:St\.?|Saint)[ ]\p{{Lu}}\p{{Ll}}+(?:[ ]\d{{1,2}}[A-Z]?\b)?"
            rf"|(?!(?i:round|rounds|staff|team|level|floor|meeting|list|clerk|sister|manager|bay|bed|room)\b)"
            rf"\p{{Lu}}\p{{Ll}}+(?:[ ]\p{{Lu}}\p{{Ll}}+)?[ ]\d{{1,2}}[A-Z]?\b))"
            rf"(?:,?[ ]+(?i:room|rm|bed|bay|cubicle|cot|lit)\.?[ ]*(?:#|no\.?)?[ ]*:?[ ]*(?:[A-Z]{{1,3}}-?)?"
            rf"\d{{1,5}}[A-Z]?\b)*"
            rf"(?:[ ]*\((?!{EXAM_WORD}\))\p{{Lu}}[\p{{L}}'’&-]+(?:[ ]\p{{L}}[\p{{L}}'’-]+)?\))?",
            0.6,
            anchor=word_start(
                "room rm bed bay ward cubicle cot side suite ste zimmer chambre lit kamer flat apt apartment"
            ),
        ),
        rule(
            "LOCATION",
            "hospital unit before a room",
            # "6 West, Rm 612-2", "PACU Bay 9", "4 WEST 412-B", "3E Rm 318"
            rf"\b(?:\d{{1,2}}[ ]?{_COMPASS}|\d{{1,2}}[NSEW]|{_UNIT_ACRONYM})"
            rf",?[ ]+(?i:room|rm|bed|bay|cubicle|suite)\.?[ ]*\#?[ ]*(?:[A-Z]{{1,3}}-?)?\d{{1,5}}[A-Z]?"
            rf"(?:-[A-Z0-9]{{1,3}})?\b"
            rf"|\b\d{{1,2}}[ ]{_COMPASS}[ ]+\d{{2,4}}(?:-[A-Z0-9]{{1,2}}|[A-Z])?\b",
            0.6,
            trigger=rf"(?i:\b(?:room|rm|bed|bay|cubicle|suite)\b)|\d[ ]{_COMPASS}[ ]+\d",
        ),
        rule(
            "HOSPITAL",
            "facility",
            facility,
            0.75,
            lowered_trigger=rf"\b(?:{_FACILITY_NOUN}|hosp)\b",
        ),
        rule("HOSPITAL", "facility first", facility_first, 0.75, anchor=_FACILITY_FIRST_ANCHOR),
        rule(
            "HOSPITAL",
            "facility noun first, with connectives",
            rf"\b(?:{_FOREIGN_FACILITY})(?:[ ](?i:am|an|im|zum|zur|der|die|das|den|links|rechts|de|du|des|la"
            rf"|le"
            rf"|les|van|het|aan|di|del|della|dei|sur|bei|auf|in|of|the|de[ ]la)){{0,3}}[ ]"
            rf"(?:(?:Dr\.?|Dres\.)(?:[ ]med\.)?[ ])?{_FAC_NAME}"
            rf"|\b{_COMPOUND_FACILITY}\b(?:[ ]{_FAC_NAME})?",
            0.7,
        ),
        rule(
            "HOSPITAL",
            "general practice surgery",
            rf"(?<![\p{{L}}'’-])(?:The[ ])?(?:(?!{_NOT_PRACTICE}\b){_FAC_WORD}[ ](?:(?:and|&)[ ])?){{1,3}}"
            rf"(?:Surgery|SURGERY)\b",
            0.6,
            trigger=r"[ ](?:Surgery|SURGERY)\b",
        ),
        rule(
            "HOSPITAL",
            "capitalised facility noun",
            rf"(?<![\p{{L}}'’-])(?!{_SPECIALTY}[ ])(?:{_FAC_NAME})[ ](?:{_CAP_FAC_NOUN})(?![\p{{L}}'’-])"
            rf"{_FAC_TAIL}",
            0.6,
            trigger=rf"[ ](?:{_CAP_FAC_NOUN})(?![\p{{L}}'’-])",
        ),
        rule(
            "HOSPITAL",
            "physical therapy practice",
            # "call Summit Ridge PT at", "BenchMark PT - Lawrenceville": one to three name words, none an
            # instruction or a body part ("Continue PT", "Knee PT", "Weight Bearing As Tolerated PT")
            rf"(?<![\p{{L}}'’-])(?!(?:{_PT_NOT_NAME})\b)(?:\p{{Lu}}\p{{Ll}}+\p{{Lu}}\p{{Ll}}+|{_CAP_WORD})"
            rf"(?:[ ](?!(?:{_PT_NOT_NAME})\b)(?:{_CAP_WORD})){{0,2}}[ ]PT(?![\p{{L}}\d'’-])",
            0.6,
            trigger=r"\p{Ll}[ ]PT(?![\p{L}\d])",
        ),
        rule(
            "HOSPITAL",
            "name before a clinic",
            rf"(?<![\p{{L}}'’-])(?!{_SPECIALTY}[ ]|{_GENERIC}[ ])(?P<phi>(?:{_CAP_WORD}"
            rf"|{_UPPER_WORD})(?:[ ]{_CAP_WORD})?)"
            r"[ ](?i:fracture|orthop(?:a)?edic|ortho|physio(?:therapy)?|rheumatology|x-?ray|imaging|msk"
            r"|pain|hand"
            r"|knee|hip|spine|sports|minor[ ]injuries|outpatient|ed)[ ](?i:clinic|department|dept|unit|centre"
            r"|center)\b",
            0.55,
            trigger=r"(?i:[ ](?:clinic|department|dept|unit|centre|center)\b)",
        ),
        rule(
            "HOSPITAL",
            "facility acronym after a preposition",
            r"\b(?:at|from|to|in|via|At|From|To|In|Via|@)[ ]+(?:the[ ]+)?(?!(?:ED|GP|ICU|HDU|AMU|MAU|SAU"
            r"|OPD|A&E|MRI|CT"
            r"|XR|US|OR"
            r"|PACU|ENT|MSK|NHS|OT|PT|AP|PA|RIS|PACS|ER|EMS|IR|NM|CCU|NICU|PICU|SCBU|DGH|MIU|UTC|WIC|ACL"
            r"|PCL|MCL"
            r"|LCL|TKA|THA|UKA|TKR|THR|ORIF|AM|PM|UK|US|USA|EU|NZ|HMO|VA|CDU|ACU|DSU|RAD)\b)"
            r"(?P<phi>[A-Z][A-Z&]{1,5})(?=[ ]+(?:\d|on\b|ED\b|A&E|ward|fracture|clinic|radiology|x-?ray|xr\b"
            r"|films?|imaging))",
            0.55,
        ),
        rule(
            "HOSPITAL",
            "named place with a lower-case facility noun",
            rf"\b(?i:the)[ ]+(?!{_SPECIALTY}[ ]|{_GENERIC}[ ])(?P<phi>(?:{_CAP_WORD}"
            rf"|{_UPPER_WORD})(?:[ ](?:{_CAP_WORD}"
            r"|Rd|Ave|St))?[ ](?:centre|center|clinic|location|site|practice|surgery|office|branch"
            r"|hospital|unit"
            r"|campus))\b",
            0.55,
            trigger=r"[ ](?:centre|center|clinic|location|site|practice|surgery|office|branch|hospital|unit"
            r"|campus)\b",
        ),
        rule(
            "LOCATION",
            "named venue with a lower-case noun",
            rf"(?<![\p{{L}}'’-])(?!{_PLACE_GENERIC}[ ]|{_SPECIALTY}[ ]|(?i:reading|viewing|acquisition|review"
            rf"|nurses?|doctors?|staff|car|bus|train|police|fire)[ ])(?P<phi>(?:{_CAP_WORD}|{_UPPER_WORD})"
            rf"(?:[ ]{_CAP_WORD}){{0,2}}[ ](?:(?:rugby|football|cricket|golf|tennis|surf|sailing|rowing"
            rf"|boxing"
            r"|swimming|bowls|hockey|netball|soccer|sports|social|youth|leisure)[ ])?(?:club|market|yard"
            r"|gym|beach"
            r"|oval|school|college|farm|site|plant|factory|depot|warehouse|mine|quarry|estate|station|pitch"
            r"|ground|grounds|park|stadium|arena|centre|center|court|courts|pool|rink|track|bakery|creamery"
            r"|dairy|co-op|supermarket|store|shop|mill|pub|hotel|restaurant|cafe|café|garage|abattoir|brewery"
            r"|distillery|sawmill|marina|dock|docks|mart))\b",
            0.55,
            trigger=r"[ ](?:club|market|yard|gym|beach|oval|school|college|farm|site|plant|factory|depot"
            r"|warehouse|mine|quarry|estate|station|pitch|ground|grounds|park|stadium|arena|centre|center"
            r"|court|courts|pool|rink|track|bakery|creamery|dairy|co-op|supermarket|store|shop|mill|pub|hotel"
            r"|restaurant|cafe|café|garage|abattoir|brewery|distillery|sawmill|marina|dock|docks|mart)\b",
        ),
        rule(
            "HOSPITAL",
            "saint's",
            r"\b(?:(?:Mount|MOUNT|Mt\.?|MT\.?)[ ])?(?:St\.?|Saint|ST\.?|SAINT)[ ](?:\p{Lu}[\p{L}]+)['’][sS]\b"
            r"(?:[ ](?!(?:XR|AP|PA|MRI|CT|ED|US|OR|ICU|A&E|and|AND|The|THE)\b)(?:\p{Lu}\p{Ll}+"
            r"|\p{Lu}{3,})){0,3}",
            0.65,
        ),
        rule(
            "HOSPITAL",
            "the VA",
            rf"\b(?:the[ ])?(?:VA|V\.A\.|VAMC)\b(?:[ ](?:{_CITY}))?",
            0.6,
        ),
        rule(
            "LOCATION",
            "city after facility",
            rf"\b(?i:{_FACILITY_NOUN})(?:,[ ]+|[ ]+(?i:in)[ ]+)(?P<phi>{_CITY})(?=[.,;)\n]|$|[ ](?:on"
            rf"|for|at|dated)\b)",
            0.6,
            lowered_trigger=rf"\b{_FACILITY_NOUN}(?:,|[ ]in)[ ]",
        ),
    ]


# --------------------------------------------------------------------------------------- dates, times
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
#: German, French, Dutch, Italian and Spanish month names and abbreviations (their own rule, with a trigger)
FOREIGN_MONTH = (
    r"(?:januar|jänner|janvier|janv|januari|gennaio|enero|februar|februari|février|fevrier|févr|febbraio"
    r"|febrero|märz|maerz|mrz|mrt|mars|maart|marzo|avril|avr|aprile|abril|mai|mei|maggio|mayo|juni|juin"
    r"|giugno|junio|juli|juillet|juil|luglio|julio|août|aout|augustus|agosto|septembre|settembre"
    r"|septiembre|oktober|okt|octobre|ottobre|octubre|novembre|noviembre|dezember|dez|décembre|decembre"
    r"|dicembre|diciembre)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:(?:19|20)\d{2})"
_YEAR2 = r"(?:'?\d{2})"
_ORD = r"(?:st|nd|rd|th|er|e|ème|eme)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?[ ]+)?"
#: a time zone or "local" after a time, kept in the span
_ZONE = (
    r"(?:[ ]?(?-i:EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|HST|UTC|GMT|ET|CT|MT|PT|Z)\b|[ ](?i:local(?:"
    r"[ ]time)?)\b)?"
)
#: "hours"/"hrs"/"h" and a zone after a time
_TIME_SUFFIX = rf"(?:[ ]?(?i:hours|hrs|hr|h|uhr|heures?|uur)\b)?{_ZONE}"
_TIME = (
    r"(?:(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:[ ]?(?:[ap]\.m\.?|[ap]m)(?![a-z])"
    r"|[ap](?![\w]))?)"
)
_DATE_CORE = (
    rf"(?:{_MON}(?P<s1>[/.-]){_DAY}(?P=s1)(?:{_YEAR}|{_YEAR2})|{_DAY}(?P<s2>[/.-]){_MON}(?P=s2)(?"
    rf":{_YEAR}|{_YEAR2})"
    rf"|{_YEAR}[-/.]{_MON}[-/.]{_DAY}"
    rf"|{_MON}[/-]{_YEAR}"
    rf"|{MONTH}\.?[ ]+{_DAY}{_ORD},?[ ]+(?:{_YEAR}|'\d{{2}})"
    rf"|{_DAY}{_ORD}\.?[ -]?(?:of[ ])?{MONTH}\.?[ ,-]*(?:{_YEAR}|{_YEAR2})"
    rf"|{MONTH}[ -]{_DAY}[ -](?:{_YEAR}|{_YEAR2}))"
)


#: a number or a number word (spoken dates and numbers in dictated reports)
_NUMBER_WORD = (
    r"(?:\d{1,4}|zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|first|second|third|\w+th|of|the|and|"
    + MONTH[3:-1]
    + r")\b"
)


#: what the rules with a month name share as a trigger (one scan per report, windows cached)
_MONTH_TRIGGER = rf"\b{MONTH}\b"

#: the days of a month as ordinal words ("the fourth", "the twenty-first")
_ORDINAL_DAY = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    r"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty[- ](?:first|second"
    r"|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|thirty[- ]first)"
)
#: first words of the seasons and holidays, lower case (anchor)
_SEASON_ANCHOR = word_start(
    "early mid late spring summer fall autumn winter christmas thanksgiving easter new independence memorial"
    " labor labour veterans halloween hanukkah ramadan diwali passover yom rosh mardi valentine mother father"
    " boxing"
)


def date_rules() -> list[Rule]:
    """Dates more specific than a year, and clock times (see the module docstring)."""
    compact_ymd = rf"(?:{_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
    compact_mdy = rf"(?:(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]){_YEAR})"
    return [
        rule(
            "DATE",
            "date",
            rf"(?<![\d.])\b{_WEEKDAY}{_DATE_CORE}\b(?![.]\d)",
            0.85,
            flags=NOCASE,
            lowered_trigger=rf"\d[/.-]\d|\d(?:st|nd|rd|th)?[ -]?{MONTH}|{MONTH}\.?,?[ -]\d",
        ),
        rule(
            "DATE",
            "date in a file or identifier name",
            rf"(?<![\d.])(?P<phi>{_YEAR}-{_MON}-{_DAY}|{compact_ymd})(?=_)"
            rf"|(?<=[_\p{{L}}])(?P<phi>{_YEAR}[-_]?(?:0[1-9]|1[0-2])[-_]?(?:0[1-9]|[12]\d|3[01]))(?!\d)",
            0.6,
            trigger=r"\d{4}[-_]?[01]\d[-_]?[0-3]\d",
        ),
        rule(
            "DATE",
            "compact date",
            rf"(?<![\d.-])(?:{compact_ymd}|{compact_mdy})(?:T?\d{{4,6}})?(?![\d.])",
            0.7,
        ),
        rule(
            "DATE",
            "month year",
            rf"\b{MONTH}\.?,?(?:[ ]+|-)(?:of[ ])?(?:{_YEAR}|'\d{{2}})\b",
            0.6,
            flags=NOCASE,
            lowered_trigger=_MONTH_TRIGGER,
        ),
        rule(
            "DATE",
            "month day",
            rf"\b{_WEEKDAY}{MONTH}\.?[ ]+{_DAY}{_ORD}\b(?![ ]*(?:mm|cm|%|x\b))|\b{_DAY}{_ORD}\.?[ ]+(?"
            rf":of[ ])?{MONTH}\b",
            0.5,
            flags=NOCASE,
            lowered_trigger=_MONTH_TRIGGER,
        ),
        rule(
            "DATE",
            "season or holiday",
            r"\b(?:(?:early|mid|late)[ -])?(?:spring|summer|fall|autumn|winter|christmas(?:[ ]day|[ ]eve)?"
            r"|thanksgiving(?:[ ]day)?|easter(?:[ ]sunday|[ ]monday)?|new[ ]year(?:'?s)?(?:[ ]day|[ ]eve)?"
            r"|independence[ ]day"
            r"|memorial[ ]day|labor[ ]day|labour[ ]day|veterans[ ]day|halloween|hanukkah|ramadan|diwali"
            r"|passover|yom[ ]kippur|rosh[ ]hashanah|mardi[ ]gras|valentine'?s[ ]day|mother'?s[ ]day"
            r"|father'?s[ ]day|boxing[ ]day)(?:[ ]of)?,?[ ]+(?:(?:19|20)\d{2}|'\d{2})\b",
            0.7,
            flags=NOCASE,
            anchor=_SEASON_ANCHOR,
        ),
        rule(
            "DATE",
            "holiday",
            r"\b(?:Christmas(?:[ ]Day|[ ]Eve)?|Thanksgiving(?:[ ]Day)?|Easter(?:[ ]Sunday)?|New[ ]Year'?s"
            r"(?:[ ]Day|[ ]Eve)?|Independence[ ]Day|Memorial[ ]Day|Labor[ ]Day|Veterans[ ]Day|Halloween"
            r"|Mardi[ ]Gras)\b",
            0.55,
        ),
        rule(
            "DATE",
            "early/mid/late month",
            rf"\b(?:early|mid|late|beginning[ ]of|end[ ]of|middle[ ]of)[ -]{MONTH}\b"
            rf"(?:,?[ ]+(?:{_YEAR}|'\d{{2}}))?",
            0.6,
            flags=NOCASE,
            lowered_trigger=_MONTH_TRIGGER,
        ),
        rule(
            "DATE",
            "weekday",
            r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|MONDAY|TUESDAY|WEDNESDAY"
            r"|THURSDAY|FRIDAY|SATURDAY|SUNDAY|(?i:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
            r"|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|maandag|dinsdag|woensdag|donderdag"
            r"|vrijdag|zaterdag|zondag)\b",
            0.5,
        ),
        rule(
            "DATE", "year-month", rf"(?<![\d.-])\b{_YEAR}[-/](?:0[1-9]|1[0-2])\b(?![-/.]?\d)", 0.6
        ),
        rule(
            "DATE",
            "month/day after cue",
            rf"(?i:\b(?:on|dated|date|dob|since|from|until|till|seen|service|exam|comparison|prior|surgery|op"
            rf"|admitted|discharged|injured|fell|le|am|vom|du|op|injury|doi|dos|onset|mon|tues?|weds?|thurs?"
            rf"|fri|sat|sun|lmp|mdt|clinic|appt|appointment|booked|note|notes|called|rang|phoned)\.?[ ]*:?"
            rf"[ ]+"
            rf"|\()(?P<phi>{_DAY}/{_DAY})"
            rf"(?![/\d]|[ ]?(?i:views?|mm|cm|grade|strength|power))",
            0.55,
            trigger=r"\d/\d{1,2}(?![/\d])",
        ),
        rule(
            "DATE",
            "weekday and day",
            rf"\b(?:mon|tues?|wed(?:nes)?|weds|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?[ ]+(?:the[ ]+)?"
            rf"(?:{_DAY}/{_MON}(?![/\d])|{_DAY}(?:st|nd|rd|th)(?:[ ]+(?:of[ ]+)?{MONTH}\b\.?)?"
            rf"|{_DAY}[ ]+{MONTH}\b\.?)",
            0.7,
            flags=NOCASE,
            anchor=r"\b(?:mon|tue|wed|thu|fri|sat|sun)",
        ),
        rule(
            "DATE",
            "day ordinal of month",
            rf"\bthe[ ]+{_DAY}(?:st|nd|rd|th)[ ]+of[ ]+{MONTH}\b(?:,?[ ]+{_YEAR}\b)?",
            0.7,
            flags=NOCASE,
            lowered_trigger=_MONTH_TRIGGER,
        ),
        rule(
            "DATE",
            "day/month before a time",
            # "ED wet read 24/10 15h53"
            rf"(?<![\d/.]|(?i:power|strength|grade|score"
            rf"|views?)[ ])(?P<phi>{_DAY}/{_DAY})[ ]+(?:[01]?\d|2[0-3])"
            # "11/6  7:05a", "4/11 7:15am"
            rf"(?::|h|H|\.(?=[0-5]\d(?!\.?\d)))[0-5]\d(?:(?i:[ap])(?:\.?(?i:m)\.?)?)?\b",
            0.6,
            trigger=r"\d/\d{1,2}[ ]+\d{1,2}[:hH.]\d",
        ),
        rule(
            "DATE",
            "holiday and year",
            # "pain since Eid 2015", "fell at Christmas 2019": a holiday of a given year is a date
            r"(?i:\b(?:christmas(?:[ ](?:eve|day))?|xmas|easter|eid(?:[ -](?:al|ul|el)-?(?:fitr|adha))?"
            r"|diwali"
            r"|deepavali"
            r"|thanksgiving|hanukkah|chanukah|ramadan|passover|halloween|new[ ]year['’]?s?(?:[ ](?:day|eve))?"
            r"|boxing[ ]day|lab(?:o|ou)r[ ]day|memorial[ ]day|st\.?[ ](?:patrick|stephen)['’]s[ ]day"
            r"|good[ ]friday|(?:lunar|chinese)[ ]new[ ]year|vesak|waitangi[ ]day|anzac[ ]day|canada[ ]day"
            r"|australia[ ]day|independence[ ]day))"
            rf"[ ]+{_YEAR}\b",
            0.7,
            anchor=word_start(
                "christmas xmas easter eid diwali deepavali thanksgiving hanukkah chanukah ramadan passover"
                " halloween new boxing labor labour memorial st good lunar chinese vesak waitangi anzac"
                " canada australia independence"
            ),
        ),
        rule(
            "DATE",
            "day/month after a time",
            rf"\b(?:\d{{1,2}}:\d{{2}}(?:[ ]?[apAP]\.?[mM]\.?)?|[0-2]\d[0-5]\d(?:h|hrs)?)[ ]"
            rf"(?P<phi>{_DAY}/{_DAY})(?![/\d])",
            0.6,
        ),
        rule(
            "DATE",
            "bare month/day",
            # a day above 12 or a zero-padded part cannot be a common fraction or score ("2/3", "4/5", "8/10")
            r"(?<![\d./:+-]|\d[ ]|[\p{L}]-|(?i:ratio|score|vas|nrs|scale|grade|power|strength|acuity)[ ])"
            r"\b(?P<phi>(?:0?[1-9]|1[0-2])/(?:1[3-9]|2\d|3[01])"
            r"|(?:0[1-9]|1[0-2])/(?:0[1-9]|1[0-2])|(?:[1-9]|1[0-2])/0[1-9]"
            # a day above 12 first: day/month ("fell 22/2", "post-op XR 30/12")
            r"|(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2]))"
            r"(?![/\d]|[.,]\d|[ ]?(?i:views?|mm|cm|ml|mg|grade|strength|power|scale|score|points?"
            r"|lymph|nodes?|of[ ]\d|[%x]|t\b|degrees?))",
            0.5,
            trigger=r"\d/\d",
        ),
        rule(
            "DATE",
            "year, month name, day",
            rf"(?<![\d.])\b{_YEAR}[ /.-]?{MONTH}\.?[ /.-]?{_DAY}\b(?![.]?\d)",
            0.75,
            flags=NOCASE,
            lowered_trigger=_MONTH_TRIGGER,
        ),
        rule(
            "DATE",
            "day range in a month",
            rf"\b{MONTH}\.?[ ]+{_DAY}{_ORD}[ ]?(?:-|–|to|through|and)[ ]?{_DAY}{_ORD},?[ ]+"
            rf"(?:{_YEAR}|'\d{{2}})\b"
            rf"|\b{_DAY}{_ORD}[ ]?(?:-|–|to|and)[ ]?{_DAY}{_ORD}[ ](?:of[ ])?{MONTH}\b\.?(?:,?[ ]+(?:{_YEAR}"
            rf"|'\d{{2}}))?",
            0.7,
            flags=NOCASE,
            trigger=r"\d[ ]?(?:-|–|to|through|and)[ ]?\d",
        ),
        rule(
            "DATE",
            "spaced or mixed separators",
            rf"(?<![\d.])\b(?:{_MON}(?:[ ]/[ ]?|/[ ]){_DAY}[ ]?/[ ]?(?:{_YEAR}|\d{{2}})"
            rf"|{_MON}/{_DAY}(?:[ ]/[ ]?|/[ ])(?:{_YEAR}|\d{{2}})"
            rf"|{_DAY}[/.-]{MONTH}[/.-](?:{_YEAR}|\d{{2}}))\b(?![.]?\d)",
            0.7,
            flags=NOCASE,
            trigger=r"\d[ ]/|/[ ]\d|\d[/.-]\p{L}",
        ),
        rule(
            "DATE",
            "day and month name, no year",
            rf"(?<![\d.])\b(?P<phi>{_DAY}[-/]{MONTH}(?![-/]?\d)"
            rf"|{MONTH}[ ]the[ ]{_DAY}(?:st|nd|rd|th)(?:,?[ ]+{_YEAR})?)\b"
            rf"|(?i:\b(?:on|since|from|until|till|by|of)[ ]the[ ])(?P<phi>{_DAY}(?:st|nd|rd|th))"
            rf"(?=[ ]*(?:[.,;)\n]|$))|(?i:\bthe[ ])(?P<phi>{_DAY}(?:st|nd|rd|th))(?=[ ]of[ ]{MONTH}\b)",
            0.6,
            flags=NOCASE,
            trigger=r"\d(?:st|nd|rd|th)\b|\d[-/]\p{L}",
        ),
        rule(
            "DATE",
            "the day of the month after a preposition",
            rf"\b(?:on|since|from|until|till|til|by|before|after)[ ]+(?P<phi>the[ ]+(?:{_DAY}(?:st|nd|rd|th)"
            rf"|{_ORDINAL_DAY}))(?=[ ]*(?:[.,;:)?!\n]|$)|[ ]+(?:and|at|but|so|when|which|for|to|or|if|as"
            rf"|because|then|show|shows|showed|please|pls)\b)",
            0.6,
            flags=NOCASE,
            anchor=word_start("on since from until till til by before after"),
        ),
        rule(
            "DATE",
            "day.month. after a cue",
            rf"(?i:\b(?:am|vom|bis|seit|ab|le|du|au|on|since|dated|op|van|tot)[ ]+)(?P<phi>{_DAY}\.{_MON}\.)"
            rf"(?![\d])",
            0.6,
            trigger=r"\d\.\d{1,2}\.(?!\d)",
        ),
        rule(
            "DATE",
            "date label + digits",
            r"(?i:\b(?:dob|d\.o\.b\.|birth[ ]?date|date[ ]of[ ]birth)[ ]*:?[ ]*)(?P<phi>\d{6,8})\b",
            0.85,
        ),
        rule(
            "TIME",
            "clock time",
            rf"(?<![\d:])(?:\b|(?<=\dT)){_TIME}{_TIME_SUFFIX}",
            0.8,
            flags=NOCASE,
        ),
        rule(
            "TIME",
            "hour am/pm",
            rf"\b(?:1[0-2]|0?[1-9])[ ]?(?:[ap]\.m\.?|[ap]m)(?![a-z]){_ZONE}",
            0.7,
            flags=NOCASE,
        ),
        rule(
            "TIME",
            "military after cue",
            rf"(?i:(?:\bat|@|\btime|\bby|\baround|\bapproximately|\bapprox\.?)[ ]?:?[ ]?)"
            rf"(?P<phi>(?!(?:19|20)\d\d\b)(?:[01]\d|2[0-3])[0-5]\d(?![\d.]|[ ]?(?i:cc|ml|mg|mm|cm|units?"
            rf"|patients?|reports?)\b){_TIME_SUFFIX})",
            0.7,
            anchor=r"\bat|@|\btime|\bby|\baround|\bapprox",
        ),
        rule(
            "TIME",
            "bare 24-hour time",
            r"(?<![\d.,/:#-]|\([0-9A-Fa-f]{4},[ ]?)\b(?!(?:19|20)\d\d\b)(?:[01]\d"
            r"|2[0-3])[0-5]\d\b(?![.,/:-]?\d)"
            r"(?!,[ ]?[0-9A-Fa-f]{4}\))"
            r"(?![ ]?(?i:cc|ml|mg|mm|cm|units?|hu|%|x\b|patients?|views?|reports?|cases?))",
            0.5,
        ),
        rule(
            "TIME",
            "military hours",
            rf"\b(?:[01]?\d|2[0-3])[0-5]\d[ ]?(?:hours|hrs|hr|h)\b{_ZONE}",
            0.85,
            flags=NOCASE,
        ),
        rule(
            "TIME",
            "dotted time",
            rf"\b(?:[01]?\d|2[0-3])\.[0-5]\d[ ]?(?:[ap]\.m\.?|[ap]m|hours|hrs|h|uhr|heures?|uur)\b{_ZONE}",
            0.7,
            flags=NOCASE,
        ),
        rule(
            "TIME",
            "dotted time after cue",
            r"(?i:\b(?:at|um|à|a[ ]las|alle|om|time|timed|scanned|acquired|performed|dictated|signed|called"
            r"|skin|incision|tourniquet|start|started|finish|finished|arrived|arrival|departed)"
            r"|@)[ ]?:?[ ]?(?P<phi>(?:[01]\d|2[0-3])\.[0-5]\d)(?!\d|\.\d|[ ]?(?i:mm|cm|%|ml|mg|kg|x|t)\b)",
            0.65,
        ),
        rule(
            "DATE",
            "date with a Roman month",
            r"(?<![\d.])\b(?:0?[1-9]|[12]\d|3[01])\.(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\.(?:(?:19"
            r"|20)\d{2}|\d{2})\b",
            0.75,
        ),
        rule(
            "DATE",
            "date with a foreign month",
            rf"\b{_DAY}{_ORD}\.?[ ]?(?:de[ ]+)?{FOREIGN_MONTH}\.?(?:,?[ ]+(?:de[ ]+)?(?:{_YEAR}"
            rf"|'?\d{{2}}))?\b|\b{_DAY}-{FOREIGN_MONTH}-(?:{_YEAR}|\d{{2}})\b"
            rf"|\b{FOREIGN_MONTH}\.?[ ]+(?:{_YEAR}|{_DAY}(?:,?[ ]+{_YEAR})?)\b",
            0.7,
            flags=NOCASE,
            lowered_trigger=rf"\b{FOREIGN_MONTH}\b",
        ),
        rule(
            "DATE",
            "ordinal words",
            rf"(?i:\b(?:the[ ])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
            rf"|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
            rf"|twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth"
            rf"|thirty[- ]first)"
            rf"(?:[ ]of)?[ ]+{MONTH}\b(?:,?[ ]+(?:{_YEAR}|(?:nineteen|twenty)[ -]\w+(?:[ -]\w+)?))?"
            rf"|\b{MONTH}[ ]+(?:the[ ])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
            rf"|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
            rf"|twentieth|twenty[- ]\w+|thirtieth|thirty[- ]first)\b"
            rf"(?:,?[ ]+(?:{_YEAR}|(?:nineteen|twenty)[ -]\w+(?:[ -]\w+)?))?)",
            0.7,
            lowered_trigger=r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
            r"|twelfth|\w+teenth|twentieth|twenty[- ]\w+|thirtieth|thirty[- ]first)\b",
        ),
        rule(
            "TIME",
            "spelled-out time",
            r"(?i:\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:[ -](?:o'clock"
            r"|oh[ -]\w+"
            r"|fifteen|thirty|forty[ -]?five|twenty(?:[ -]\w+)?|ten|five|\w+teen|fifty(?:[ -]\w+)?"
            r"|forty(?:[ -]\w+)?))?"
            r"[ ]?(?:a\.?m\.?|p\.?m\.?|o'clock|in[ ]the[ ](?:morning|afternoon|evening))(?![a-z]))",
            0.6,
            anchor=word_start("one two three four five six seven eight nine ten eleven twelve"),
        ),
        rule(
            "DATE",
            "spelled-out date of birth",
            rf"(?i:\b(?:dob|d\.o\.b\.?|date[ ]of[ ]birth|born(?:[ ]on)?"
            rf"|birth[ ]?date)[ ]*:?[ ]*)(?P<phi>{_NUMBER_WORD}"
            rf"(?:[ ,/-]+{_NUMBER_WORD}){{2,8}})",
            0.7,
        ),
        rule(
            "TIME",
            "h-separated time",
            rf"\b(?:[01]?\d|2[0-3])[ ]?h[ ]?[0-5]\d\b{_ZONE}",
            0.7,
            flags=NOCASE,
        ),
        rule(
            "TIME",
            "dotted time by a short date",
            # "Sent: 10/5 23.38", "Mar 27, 03.35", "November 2010 01.16", "d/w te whare 10.01 18/6/2024"
            rf"(?i:\b(?:{MONTH}\.?[ ]{_DAY}(?:st|nd|rd|th)?|{_DAY}(?:st|nd|rd|th)?[ ]{MONTH}\.?"
            rf"|{MONTH}\.?[ ]{_YEAR}|{_DAY}/{_DAY}))(?![/\d]),?[ ]+(?:at[ ]+)?"
            rf"(?P<phi>(?:[01]\d|2[0-3])\.[0-5]\d)(?!\.?\d)"
            rf"|(?<![\d.,])(?P<phi>(?:[01]\d"
            rf"|2[0-3])\.[0-5]\d)(?=[ ]+(?:on[ ]+)?(?:{_DAY}[/.-]{_DAY}[/.-]\d{{2,4}}"
            rf"|{_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b|{_DAY}[ -](?i:{MONTH})))",
            0.7,
            trigger=r"\b(?:[01]\d|2[0-3])\.[0-5]\d(?!\.?\d)",
        ),
        rule(
            "TIME",
            "time next to date",
            rf"(?i:{_DATE_CORE}|{compact_ymd})(?:T|,?[ ]+(?:at[ ]+|um[ ]+|à[ ]+|@[ ]?)?)(?P<phi>(?:[01]\d"
            rf"|2[0-3]"
            rf")[.h]?[0-5]\d(?:[0-5]\d)?\b{_TIME_SUFFIX})",
            0.8,
            trigger=r"\d(?:T|,?[ ]+(?:(?i:at|um|à)[ ]+|@[ ]?)?)(?:[01]\d|2[0-3])[.h]?[0-5]\d",
        ),
    ]


# ---------------------------------------------------------------------------------------- identifiers
_ID_LABEL = (
    r"(?:mrn|mr[ ]?#|mr[ ]?no\.?|med(?:ical)?[ ]rec(?:ord)?(?:[ ](?:number|no\.?|num|#))?|record[ ]"
    r"(?:number|no\.?|#)"
    r"|acc(?:ession)?\.?(?:[ ]?(?:#|no\.?|num(?:ber)?|id))?|acct\.?|account(?:[ ](?:number|no\.?|#))?"
    r"|(?:patient|pt|person|member|subscriber|beneficiary|study|exam|visit|encounter|episode"
    r"|case|specimen|requisition|req|order|claim|policy|group|plan|insurance|health[ ]plan|medicare"
    r"|medicaid|device|implant|unit|chart|billing|lab|sample|accession|document|report)[ ]?(?:id|#|"
    r"no\.?|number"
    r"|num)|id|csn|fin|har|mr|ein|npi|dea|upin|uid|udi|serial(?:[ ](?:number|no\.?|#))?|s/n|sn|lot"
    r"(?:[ ](?:number"
    r"|no\.?|#))?|batch(?:[ ](?:number|no\.?|#))?|model(?:[ ](?:number|no\.?|#))?|catalog(?:ue)?(?:"
    r"[ ](?:number"
    r"|no\.?|#))?|cat\.?[ ]?(?:#|no\.?)|ref(?:erence)?\.?(?:[ ]?(?:#|no\.?|number))?|license(?:[ ](?:number"
    r"|no\.?|#))?|licence(?:[ ](?:number|no\.?|#))?|dl[ ]?#?|certificate(?:[ ](?:number|no\.?|#))?"
    r"|plate(?:[ ](?:number|no\.?|#))?|vin|ip(?:[ ]address)?|order|requisition|encounter|visit|ticket"
    r"|confirmation|reference|tracking|barcode|unit[ ]no\.?|ris|pacs|ipp|nda|pid|hospital[ ](?:no\.?|number"
    r"|#)"
    r"|k-?number|fall(?:nummer|-?nr\.?)|auftrags(?:nummer|-?nr\.?)|patienten(?:nummer|-?nr\.?)|pat\.?-?nr\.?"
    r"|(?:n°[ ])?dossier|badge|employee(?:[ ]id)?|staff(?:[ ]id)?|exam|study|series[ ]uid|rxh|accn|specimen"
    r"|examen|n°[ ]d['’]examen|n°[ ]d['’]ordre|req|uhid|our[ ]ref|your[ ]ref|ip[ ]no\.?|opd[ ]no\.?"
    r"|cr[ ]no\.?"
    r"|hosp(?:ital)?[ ](?:no\.?|number|#)|pt[ ]nr\.?|dict(?:ation)?[ ]id|job(?:[ ](?:no\.?|id|#))?"
    r"|regn?[ ]no\.?"
    r"|provider[ ](?:no\.?|number)|claim|urn|chi|nhi|ihi|pps(?:n)?|ramq|hcn|mbi|phin|medicare(?:[ ]no\.?)?"
    r"|gmc|nmc|hcpc|cpso|cpsbc|cpsa|ahpra|agb|big[ -]?(?:nr\.?|nummer|number|no\.?)|riziv|inami|imc|mcn|rpps"
    r"|adeli|lanr|bsnr|prescriber[ ](?:no\.?|number)|practice[ ](?:no\.?|number|code)|hpi(?:-?cpn)?|mcnz"
    r"|cpn|npi|dva|bupa(?:[ ](?:no\.?|number|id))?|medibank|vhi|laya|licensed|philhealth(?:[ ]no\.?)?|aadhaar"
    r"(?:[ ]\(last[ ]4\))?|gms|folder|bill[ ]no\.?)"
)
#: the first words of the identifier labels (the anchor of the labelled-id rule)
_ID_LABEL_ANCHOR = word_start(
    "mrn mr med record acc account patient pt person member subscriber beneficiary study exam visit"
    " encounter episode case specimen requisition req order claim policy group plan insurance health"
    " device implant unit chart billing lab sample document report id csn fin har ein npi dea upin uid udi"
    " serial s/n sn lot batch model catalog cat ref license licence dl certificate plate vin ip ticket"
    " confirmation tracking barcode ris pacs ipp nda pid hospital k-number knumber fall auftrags patienten"
    " pat n° dossier badge employee staff series rxh examen uhid our your opd cr hosp dict job reg provider"
    " urn chi nhi ihi pps ramq hcn mbi phin gmc nmc hcpc cpso cpsbc cpsa ahpra agb big riziv inami imc mcn"
    " rpps adeli lanr bsnr prescriber practice hpi mcnz cpn dva bupa medibank vhi laya philhealth aadhaar gms"
    " folder bill"
)
#: an identifier: an optional letter prefix, a digit, then groups joined by - . / : or a space before digits
_ID_VALUE = (
    r"(?:(?:[A-Z]{1,6}[/-]){0,2}(?:[A-Z]{1,6}[ .#/-]?)?\d[A-Z0-9]*(?:(?:[-./:]|[ ](?=[A-Z]{0,3}\d))[A-Z0-9]+)"
    r"{0,5})"
)


def identifier_rules() -> list[Rule]:
    """SSNs, labelled and unlabelled record, accession, account, device and other identifiers."""
    return [
        rule(
            "SSN",
            "ssn dashed",
            r"(?<![\d-])\b(?!000|666)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b(?!-\d)",
            0.85,
        ),
        rule("SSN", "masked ssn", r"(?i:(?<![\w*#])[x*#]{3}[- ]?[x*#]{2}[- ]?\d{4}\b)", 0.8),
        rule(
            "SSN",
            "national insurance number",
            r"\b[A-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]\b",
            0.75,
        ),
        rule(
            "SSN",
            "French NIR",
            r"(?<![\d.])\b[12][ ]?\d{2}[ ]?(?:0[1-9]|1[0-2]|[2-9]\d)[ ]?(?:\d{2}|2[AB])[ ]?\d{3}[ ]?\d{3}"
            r"(?:[ ]?\d{2})?\b(?![.]?\d)",
            0.7,
        ),
        rule(
            "SSN",
            "labelled national number",
            r"(?i:\b(?:nhs|chi|bsn|nir|insee|ppsn?|sin|sozialversicherungs(?:nummer|nr\.?)|svnr|versicherten"
            r"(?:nummer|nr\.?)|kvnr|krankenversicherungsnummer|personnummer|henkilötunnus|codice[ ]fiscale"
            r"|dni|nie"
            r"|burgerservicenummer|(?:n°|no\.?|num[ée]ro)?[ ]?(?:de[ ])?s[ée]curit[ée][ ]sociale|national[ ]"
            r"(?:insurance|health|identity|id)|ni|health[ ]card|medicare|ihi|nhi)(?:[ ](?:no\.?|number|nr\.?"
            r"|#|num"
            r"|n°))?)[ ]*[:#]?[ ]*(?P<phi>[A-Z]{0,4}[ ]?\d(?:[ -]?[0-9A-Z]){5,18})\b",
            0.75,
            anchor=r"\b(?:nhs|chi|bsn|nir|insee|pps|sin|sozial|svnr|versicherten|kvnr|kranken|personnummer|henkil"
            r"|codice|dni|nie|burgerservicenummer|n°|no|num|de|s[ée]curit|national|ni|health|medicare|ihi"
            r"|nhi)",
        ),
        rule(
            "SSN",
            "ssn loosely separated",
            r"(?<![\d.-])\b\d{3}(?:[ ]{1,2}|[ ]?[-.][ ]?)\d{2}(?:[ ]{1,2}|[ ]?[-.][ ]?)\d{4}\b(?![.-]?\d)",
            0.7,
        ),
        rule(
            "SSN",
            "ssn spaced or dotted",
            r"(?<![\d.])\b\d{3}(?P<sep>[ .])\d{2}(?P=sep)\d{4}\b(?![.]?\d)",
            0.75,
        ),
        rule(
            "SSN",
            "ssn digits near a label",
            r"(?i:\b(?:ssn|ss[ ]?#|social[ ]security(?:[ ](?:number|no\.?|#))?))(?:[^\n\d]|(?i:last[ ]4))"
            r"{0,25}?(?P<phi>\d{4})\b"
            r"(?![.-]?\d)",
            0.7,
        ),
        rule(
            "SSN",
            "ssn labelled",
            r"(?i:\b(?:ssn|ss[ ]?#|soc(?:ial)?[ ]sec(?:urity)?(?:[ ](?:number|no\.?|#))?|ssa))[ ]*[:#]?[ ]*"
            r"(?P<phi>(?:\d|x|\*){3}[- .]?(?:\d|x|\*){2}[- .]?\d{4})\b",
            0.9,
            flags=NOCASE,
            anchor=word_start("ss soc"),
        ),
        rule(
            "ID",
            "labelled id",
            rf"(?i:\b{_ID_LABEL}(?![a-z]))(?i:[ ]?(?:no|num|number|nbr|nr|n°"
            rf"|#)(?![a-z])\.?)?[ ]*[:#=|]?[ ]*#?[ ]*"
            # a word after the label is no prefix of its value ("PACS note 17 May")
            rf"(?:(?i:is|was)[ ]+)?(?!(?i:note|notes|noted|report|study|exam|image|images|film|films"
            rf"|done|on|at|from|dated|date|of"
            rf"|and|the|is|was|see|sent|shows?|dated|today|view|views|in|to|for|within|after|before|by"
            rf"|with|under|should|would|could|may|will|can|table|figure|fig|page|section|appendix)\b"
            # a software version is no identifier ("verified in RIS v2.3.1")
            rf"|(?i:v)\d{{1,2}}(?:\.\d{{1,3}}){{1,3}}(?![\w-]|\.\w))"
            # one character is a count or a set number ("visit 4", "PID|1|"), not an identifier
            rf"(?=[A-Za-z0-9][A-Za-z0-9./:-])(?P<phi>(?i:{_ID_VALUE}))",
            0.85,
            anchor=_ID_LABEL_ANCHOR,
        ),
        rule(
            "ID",
            "user name",
            r"(?i:\b(?:user(?:[ ]?name|[ ]?id)?|login|log-in|account[ ]name|screen[ ]name))[ ]*[:#][ ]*"
            r"(?P<phi>[A-Za-z][A-Za-z0-9._-]{2,30})",
            0.75,
        ),
        rule(
            "MRN",
            "record number in brackets",
            # "Heather Moss (HJH 551203)": a hospital's letters and a number in brackets; never a code of a
            # coding system or a standard ("(CPT 73562)", "(ISO 13485)")
            r"\((?P<phi>(?!(?:CPT|ICD|HCPCS|LOINC|SNOMED|SCT|NCT|PMID|PMC|DOI|RID|REF|LOT|CAT|ISBN|ISSN|ISO"
            r"|DIN|NDC|EN|ASTM|IEC|RVU|BS|AO|OTA)\b)[A-Z]{2,5}"
            r"[ -]?\d{5,10})\)",
            0.6,
            trigger=r"\([A-Z]{2,5}[ -]?\d",
        ),
        rule("ID", "DICOM UID", r"(?<![\w.])\d{1,10}(?:\.\d{1,20}){4,}(?!\w|\.\w)", 0.8),
        rule(
            "ID",
            "GS1 device identifier",
            r"(?<![\w)])(?:\(\d{2,4}\)[A-Za-z0-9./-]{1,40}){2,6}",
            0.8,
        ),
        rule(
            "ID",
            "station id",
            # a detector or station named with its serial: "DR-ROOM3-SN 88231", "CR-BAY2-SN 40718"
            r"\b[A-Z]{2,5}(?:-[A-Z0-9]{1,10}){0,3}-SN[ -]?[A-Z0-9]{3,12}(?:-[A-Z0-9]{1,4})?\b",
            0.75,
            trigger=r"-SN",
        ),
        rule(
            "ID",
            "station and its serial",
            # "modality DX-ED2 SN 44512-K": a station's own name (letters, a hyphen, a digit) with the serial;
            # a maker's model before a serial is no PHI ("Unit: Canon CXDI-710C  SN ...": the serial only)
            r"(?i:\b(?:station|detector|modality))[ :]+(?P<phi>[A-Z]{2,5}-[A-Z]*\d[A-Z0-9]*[ ]+(?:SN|S/N)"
            r"[ :#]*[A-Z0-9][A-Z0-9-]{2,15})",
            0.75,
            trigger=r"\b(?:SN|S/N)\b",
        ),
        rule("ID", "letters and digits", r"\b[A-Z]{1,5}[-#]?\d{4,14}[A-Z]{0,3}\b", 0.6),
        rule("ID", "digits and letters", r"\b\d{2,}[A-Z]{1,4}\d{2,}[A-Z0-9]*\b", 0.6),
        rule("ID", "long number", r"(?<![\d.,])\b\d{6,16}\b(?![.,]\d)", 0.6),
        rule(
            "ID",
            "grouped number",
            r"(?<![\d.])\b[A-Z]{0,4}\d{2,}(?:[-.]\d{2,}){2,4}\b(?![.]\d)",
            0.6,
            trigger=r"\d{2}[-.]\d{2,}[-.]\d{2}",
        ),
        rule("ID", "year-serial", r"\b[A-Z]{0,4}-?(?:19|20)\d{2}-[A-Z]{0,3}\d{4,10}\b", 0.7),
        rule(
            "ID",
            "mixed shape",
            # bounded look-aheads: a run such as "ABC-ABC-..." costs linear time
            r"\b(?=(?:[A-Z-]{0,16}\d){4})(?=[A-Z0-9-]{0,16}?[A-Z])[A-Z0-9]{2,}(?:-[A-Z0-9]{2,}){1,4}(?:-[A-Z])?\b",
            0.55,
        ),
        rule(
            "ID",
            "dotted accession",
            # "XR25.239975", "20221017.6565": a letter prefix and two digits, or eight digits, a dot, a serial
            r"(?<![\w.])(?:[A-Z]{1,4}\d{2}|\d{8})\.\d{4,8}\b(?!\.\d)",
            0.6,
        ),
    ]


# -------------------------------------------------------------------------------- phones, web, ages
#: top-level domains of bare domain names
_DOMAINS = (
    r"com|org|net|edu|gov|health|io|us|info|local|uk|de|fr|nl|eu|ca|au|nz|ie|ch|dk|se|fi|pl|pt|jp|internal"
    r"|lan|intranet|nhs|co"
)
#: pager, extension and phone labels, lower case (anchor)
_PAGER_ANCHOR = word_start(
    "pager pgr pg beeper bpr bleep blp page paged ext extension x phone tel telephone fax cell mobile"
    " callback call vocera spectralink"
)


def contact_rules() -> list[Rule]:
    """Telephone, fax, pager and extension numbers, e-mail addresses and URLs."""
    sep = r"(?:[ ]?[./–-][ ]?|[ ])?"
    number = rf"(?:\+?1{sep})?(?:\(\d{{3}}\){sep}|(?<!\d)\b\d{{3}}{sep})\d{{3}}{sep}\d{{4}}(?:\b|(?=x\d))"
    extension = (
        r"(?:[ ]*[,;(]?[ ]*(?:ext(?:ension|n)?\.?|x\.?|#|option|opt\.?|local)[ ]*[:.#]?[ ]*\d{1,6}\b"
        r"\)?)?"
    )
    return [
        rule(
            "PHONE",
            "phone",
            number + extension,
            0.75,
            flags=NOCASE,
            trigger=r"\d{3}(?:[ ]?[./–-][ ]?|[ ])?\d{4}",
        ),
        rule(
            "PHONE",
            "international",
            r"(?<![\w+])(?:\(\+\d{1,3}\)|\+\d{1,3}|\b00[1-9]\d{0,2})(?:(?:[ .–-]"
            r"|[ ]?/[ ]?)?\(?\d{1,5}\)?){2,7}\b",
            0.75,
        ),
        rule(
            "PHONE",
            "grouped digits",
            # a bracket only around a group ("(02) 6355 6355"), never one left open or closed alone
            r"(?<![\w.+/-])(?=(?:[ .()–-]{0,2}\d){9})(?P<open>\()?(?:\(\d{2,5}\)|\d{2,5})"
            r"(?:[ .–-](?:\(\d{2,5}\)|\d{2,5})){2,4}(?(open)\))"
            r"(?![\w]|[./-]\d)",
            0.6,
        ),
        rule(
            "PHONE",
            "seven digits",
            r"(?<![\d.-])\b\d{3}[-.]\d{4}\b(?![.-]?\d)" + extension,
            0.6,
            flags=NOCASE,
        ),
        rule(
            "PHONE",
            "number after a phone label",
            r"(?i:\b(?:tel(?:ephone|efon|éphone|\.)?|t[ée]l|phone|ph|fax|telefax|mobile|mob|cell|handy"
            r"|portable"
            r"|gsm|contact|call(?:[ ]back)?|ring|rückruf|telefoon|telefono|teléfono|tlf)\.?)[ ]*(?:no\.?"
            r"|number|nr\.?"
            r"|#|at|on|unter|au|op)?[ ]*[:.]?[ ]*(?P<phi>\+?\(?\d(?:[ ().\/-]{0,2}\d){5,16})(?![\d:])",
            0.7,
        ),
        rule(
            "PHONE",
            "area code and slash",
            r"(?<![\w.+/-])\(?0\d{2,5}\)?[ ]?/[ ]?\d{2,8}(?:[ -]\d{1,5}){0,2}\b(?![./-]?\d)",
            0.65,
        ),
        rule(
            "PHONE",
            "toll-free with letters",
            r"\b(?:1[- ])?8(?:00|33|44|55|66|77|88)[- ][A-Z0-9]{3}[- ]?[A-Z0-9]{4}\b",
            0.7,
        ),
        rule(
            "PHONE",
            "trunk-prefixed number",
            # "07700 900123", "047-087405", "(01437) 403776": a trunk 0, an area code, a five- to seven-digit
            # local number
            r"(?<![\w.+/-])(?:\(0\d{2,4}\)[ ]?|0\d{2,4}[ -])\d{5,7}\b(?![.-]?\d)" + extension,
            0.6,
        ),
        rule(
            "PHONE",
            "extension only",
            r"(?i:\bext(?:ension|n)?\.?[ ]*[:#]?[ ]*(?:\d-)?\d{2,6}\b|(?<!\d[ ]?)\bx\.?[ ]?\d{3,6}\b)",
            0.7,
        ),
        rule(
            "PHONE",
            "pager or extension",
            r"(?i:\b(?:pager|pgr|pg|beeper|bpr|bleep|blp|page|paged|ext|extension|x|phone|tel|telephone|fax"
            r"|cell"
            r"|mobile|callback"
            r"|call[ ]back|vocera|spectralink))\.?[ ]*(?:no\.?|number|at|to|\#(?=[ ]*:))?[ ]*:?[ ]*"
            r"(?P<phi>#?[ ]?(?=\d-?\d-?\d)\d"
            r"[\d-]{1,9}\d)\b",
            0.75,
            anchor=_PAGER_ANCHOR,
        ),
        rule(
            "PHONE",
            "short internal number after a call word",
            r"(?i:\b(?:on|at|ring|call|dial|contact|phoned|paged|page|p\.?)[ ]?)(?P<phi>\d-\d{4})\b"
            r"(?![-/.]\d)",
            0.6,
        ),
        rule(
            "PHONE",
            "spelled-out digits",
            r"(?i:\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)(?:[ ,-]+(?:zero|oh|one|two|three"
            r"|four"
            r"|five|six|seven|eight|nine|double[ ](?:zero|oh|one|two|three|four|five|six|seven|eight"
            r"|nine))){6,}\b)",
            0.6,
            anchor=word_start("zero oh one two three four five six seven eight nine"),
        ),
        rule(
            "EMAIL",
            "email",
            r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
            0.9,
        ),
        rule(
            "URL",
            "url scheme",
            r"\b(?:https?|ftp)://[^\s<>\"']*[^\s<>\"'.,;:)\]]",
            0.9,
            flags=NOCASE,
        ),
        rule("URL", "url www", r"\bwww\.[^\s<>\"']*[^\s<>\"'.,;:)\]]", 0.85, flags=NOCASE),
        rule(
            "URL",
            "bare domain",
            rf"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_DOMAINS})(?:/[^\s<>\"']*[^\s<>\"'.,;:)\]])?\b",
            0.7,
            flags=NOCASE,
            trigger=rf"\.(?:{_DOMAINS})\b",
        ),
        rule(
            "URL",
            "ip address",
            r"(?<![\d.])\b(?:\d{1,3}\.){3}\d{1,3}\b(?![.]\d)(?::\d{1,5}\b|/\d{1,2}\b)?",
            0.7,
        ),
        rule(
            "URL",
            "ipv6 address",
            r"(?<![\w:])(?=[0-9a-fA-F:]*:[0-9a-fA-F]*:)(?=[0-9a-fA-F:]*[0-9a-fA-F]{3})(?:[0-9a-fA-F]{0,4}:){2,7}"
            r"[0-9a-fA-F]{1,4}(?![\w:])"
            # a mistyped group of five digits in a compressed address ("fe80::c63c:c30ff:febb:5564") is still
            # the machine's address
            r"|(?<![\w:])(?=[0-9a-fA-F:]*::)(?=[0-9a-fA-F:]*[0-9a-fA-F]{5})(?:[0-9a-fA-F]{0,5}:){3,7}"
            r"[0-9a-fA-F]{1,5}(?![\w:])",
            0.7,
        ),
    ]


def age_rules() -> list[Rule]:
    """Ages above 89 (HIPAA Safe Harbor): ``92-year-old``, ``94 yo``, ``92Y``, ``92 F``, ``age 97``."""
    old = r"(?:0?9\d|1[0-2]\d)"
    aged = rf"(?<![\d.])\b{old}(?!\d)"
    unit = (
        r"(?:years?|yrs?|y/?o|y\.o\.?|yo[mf]?|y|yr[ -]old|year[ -]old|-?years?-old|[mf]|male|female|man|woman"
        r"|gentleman|lady|boy|girl|/[mf]|j\.|jr\.?|jaar|jahre?n?|j[äa]hrige[rnms]?|j[äa]hrig|ans?|anni|años)"
    )
    return [
        rule(
            "AGE",
            "age and unit",
            rf"(?<![\d.])\b{old}[ -]*(?:{unit})\b(?:[ -]*(?:old|of[ ]age))?\.?(?<![ -])",
            0.85,
            flags=NOCASE,
            lowered_trigger=aged,
        ),
        rule(
            "AGE",
            "age compact",
            rf"(?<![\d.])\b{old}(?:y|yo|yr|m|f)\b",
            0.8,
            flags=NOCASE,
            lowered_trigger=aged,
        ),
        rule(
            "AGE",
            "age after label",
            rf"(?i:\b(?:aged?|age/sex|age/gender|ages|at[ ]age|alter|âge|leeftijd|età"
            rf"|edad))[ ]*[:]?[ ]*(?:of[ ])?"
            rf"(?P<phi>{old})\b",
            0.85,
        ),
        rule(
            "AGE",
            "age in words",
            r"(?i:\b(?:ninety|one[ ]hundred(?:[ ]and)?)(?:[- ](?:one|two|three|four|five|six|seven|eight"
            r"|nine|ten|eleven|twelve))?[ -]+(?:years?|yrs?|y/?o)\b(?:[ -]+old)?)",
            0.8,
        ),
        rule(
            "AGE",
            "age words",
            r"(?i:\b(?:nonagenarian|centenarian|supercentenarian)\b|\b(?:9\d|1[0-2]\d)\+|\bage[d]?[ ]?:?[ ]+"
            r"(?:of[ ]+)?(?:ninety(?:[- ]\w+)?|one[ ]hundred(?:[ ]and)?(?:[- ]\w+)?))",
            0.7,
        ),
        rule(
            "AGE",
            "age in words alone",
            r"(?i:\b(?:ninety|one[ ]hundred(?:[ ]and)?)(?:[- ](?:one|two|three|four|five|six|seven|eight"
            r"|nine))?\b"
            r"(?![ -]*(?:degrees?|percent|%|mm|cm|ml|mg|minutes?|seconds?|days?|weeks?|months?|hours?|times"
            r"|units"
            r"|cc|patients|cases|views|images|beats|bpm)\b))",
            0.6,
        ),
        rule("AGE", "decade", r"(?i:\b(?:in[ ]h(?:is|er|eir)[ ])(?P<phi>(?:9|10|11)0'?s)\b)", 0.7),
        rule(
            "AGE",
            "age after a name",
            # "Mr Jack Penhaligon, 93, from ...", "Mrs Pearl Grigg (95), ..."
            rf"\p{{L}}(?:,[ ]|[ ]\()(?P<phi>{old})(?=,|\)|[ ](?:from|with|and|who|lives|living|years)\b)",
            0.6,
            trigger=r"\b(?:0?9\d|1[0-2]\d)\b",
        ),
        rule(
            "AGE",
            "age after a verb",
            rf"(?i:\b(?:she['’]?s|he['’]?s|they['’]re|is|was|turned|turns|turning"
            rf"|will[ ]be))[ ]+(?P<phi>{old})\b"
            rf"(?![ ]?(?:mm|cm|kg|%|°|degrees?|percent|mg|ml|minutes?|hours?|days?|weeks?|months?))",
            0.6,
            trigger=r"\b(?:0?9\d|1[0-2]\d)\b",
        ),
    ]


#: a DICOM element's value as dumps print it: ``[VALUE]`` (dcmdump, dump listings), ``'VALUE'`` (pydicom) or
#: ``['VALUE']`` (pydicom's multi-valued elements)
_DICOM_VALUE = r"[ ]*:?[ ]*(?<!\p{L})(?:\[['\"]|[\['\"])(?P<phi>[^\]'\"\n]{1,128}?)[\]'\"]"
#: DICOM value representation codes, which dumps print between a keyword and its value
_DICOM_VR = (
    r"(?:AE|AS|AT|CS|DA|DS|DT|FL|FD|IS|LO|LT|OB|OD|OF|OL|OV|OW|PN|SH|SL|SQ|SS|ST|SV|TM|UC|UI|UL|UN|UR|US|UT"
    r"|UV)"
)
#: attribute keywords (or their spaced names) whose values identify a place, a facility, a phone or a record
_DICOM_KEYS = {
    "HOSPITAL": r"institution[ ]?(?:department[ ]?)?name",
    "LOCATION": r"(?:patient['’]?s?|institution|referring[ ]?physician['’]?s?)[ ]?address",
    "PHONE": r"(?:patient['’]?s?|referring[ ]?physician['’]?s?|person['’]?s?)[ ]?telephone[ ]?numbers?",
    "ID": (
        r"station[ ]?name|(?:other[ ]?)?patient[ ]?ids?|accession[ ]?number|device[ ]?serial[ ]?number"
        r"|study[ ]?id|requested[ ]?procedure[ ]?id|admission[ ]?id|(?:sop[ ]?)?instance[ ]?uid"
        r"|study[ ]?instance[ ]?uid|series[ ]?instance[ ]?uid|medical[ ]?record[ ]?locator"
    ),
}


#: DICOM tags (group, element) whose values identify someone, by the type reported: dumps such as dcmdump's
#: print the tag and the value first and the keyword last (``(0008,0050) SH [A123]  # AccessionNumber``)
_DICOM_TAGS = {
    "NAME": "0008,0090 0008,1048 0008,1050 0008,1060 0008,1070 0010,0010 0010,1001 0010,1060 0032,1032",
    "HOSPITAL": "0008,0080 0008,1040",
    "LOCATION": "0008,0081 0010,1040 0038,0300",
    "PHONE": "0008,0094 0010,2154",
    "ACCESSION": "0008,0050",
    "MRN": "0010,0020 0010,1000",
    "DEVICE_ID": "0008,1010 0018,1000",
    "ID": "0020,0010 0040,1001 0038,0010 0040,0009",
}


def dicom_rules() -> list[Rule]:
    """Values of DICOM header dumps: every person name (VR ``PN``), date, time, and keyed elements."""
    rules = [
        rule("NAME", "DICOM person name", rf"\bPN\b{_DICOM_VALUE}", 0.85, strong=True),
        rule(
            "DATE",
            "DICOM date",
            r"\b(?:DA|DT)\b[ ]*:?[ ]*[\['\"](?P<phi>(?:19|20)\d{6}[\d.+-]*)[\]'\"]",
            0.85,
        ),
        rule(
            "TIME",
            "DICOM time",
            r"\bTM\b[ ]*:?[ ]*[\['\"](?P<phi>(?:[01]\d|2[0-3])(?:[0-5]\d){0,2}(?:\.\d{1,6})?)[\]'\"]",
            0.85,
        ),
    ]
    for entity, keys in _DICOM_KEYS.items():
        rules.append(
            rule(
                entity,
                f"DICOM {entity.lower()} element",
                rf"(?i:\b(?:{keys}))\b[^\n\['\"]{{0,24}}?{_DICOM_VALUE}",
                0.85,
                strong=True,
                anchor=rf"\b(?:{keys})",
            )
        )
    for entity, keys in _DICOM_KEYS.items():
        # dumps that print ``Keyword = value`` or ``Keyword<TAB>value``: the value runs to the line end or
        # to a tab or two spaces before the next field
        rules.append(
            rule(
                entity,
                f"DICOM {entity.lower()} element, unquoted",
                rf"(?i:\b(?:{keys}))(?:[ ]*[:=][ ]*|\t[ \t]*|[ ]{{2,}})"
                # a value representation code may stand first ("SH  ..."); an empty element's placeholder is
                # no value: "(no value available)", "<none>", "N/A"
                rf"(?:{_DICOM_VR}(?:[ ]*:)?[ ]+)?"
                rf"(?![(<]|{_DICOM_VR}(?:[ ]|$)|(?i:none|n/?a|null|unknown|empty|removed"
                rf"|anonymi[sz]ed|redacted|not[ ]given)\b)"
                rf"(?P<phi>[^\s\['\"](?:[^\n\t]{{0,126}}?[^\s])?)(?=[ ]{{2,}}|\t|[ ]*$)",
                0.8,
                strong=True,
                anchor=rf"\b(?:{keys})",
            )
        )
    for entity, tags in _DICOM_TAGS.items():
        numbers = "|".join(tag.replace(",", ",[ ]?") for tag in tags.split())
        rules.append(
            rule(
                entity,
                f"DICOM {entity.lower()} tag",
                rf"\((?:{numbers})\)[^\n\['\"]{{0,48}}?{_DICOM_VALUE}",
                0.85,
                strong=True,
                trigger=r"\(\d{4},",
            )
        )
    return rules


def radiology_rules() -> list[Rule]:
    """Every rule of this module."""
    return [
        *dicom_rules(),
        *name_rules(),
        *location_rules(),
        *date_rules(),
        *identifier_rules(),
        *contact_rules(),
        *age_rules(),
    ]
