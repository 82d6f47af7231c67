"""Cue-less person names in running text, from the US census name lists gated by case and context.

The lists are the 1990 US census first names (5,163 male and female) and surnames (88,799) that the ``names``
package ships (``dist.male.first``, ``dist.female.first``, ``dist.all.last``). Many census surnames are
ordinary words ("Small", "White", "Knee", "Heart") and some first names are too ("May", "Will", "Long"), so a
lexicon hit alone is never enough. A span is a name when:

- ``First [M.] Last`` in Title case: ``First`` is a census first name that is not a common word, and ``Last``
  is a capitalised word that is not a common word (a census surname or not: "Priya Raghunathan");
- ``FIRST LAST`` in upper case: both in the census lists and neither a common word;
- ``Last, First`` in Title case: a census surname, a comma, a census first name, neither a common word;

- any of these shapes (Title or upper case) where neither word is English vocabulary
  (:mod:`report_deid.vocabulary`) and at least one is a census name ("Ingrid Halvorsen"), or where neither is
  and a person's verb follows ("Kemi Oduya is a 64-year-old ...", "... reports", "... attended");
- a census first name and a census surname that are also words, before a person's verb ("Will Baker was
  seen");

and the word after it is not an eponym noun ("Osgood Schlatter disease" stays). :data:`COMMON_WORDS` holds
English and radiology words that are also census names (general vocabulary, plus the words that occur in lower
case in PHI-free radiology text); eponyms on the allow-list are vetoed later as well. A capitalised census
surname alone after a word that introduces a person ("per", "with", "told", "paged", ...) is a name too,
unless it is a common word or English vocabulary.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex

from report_deid.recognizers import COMMUNICATION_CUE
from report_deid.spans import Detection
from report_deid.vocabulary import is_vocabulary
from report_deid.vocabulary import plain as _plain

#: census first names / surnames that are ordinary English or radiology words
COMMON_WORDS: frozenset[str] = frozenset(
    """
    a an and in on at to of or the by for from with as is it be my me we he she his her see will may
    can might must shall should would could many much more most some any all no not none long short big
    small large wide brain chin carina vena pa ap lat view views left right upper lower mid early late
    new old young clear white black gray grey green brown red blue gold silver rose pearl ruby amber
    january february march september october november december monday tuesday wednesday thursday friday
    saturday sunday
    crystal ivy iris lily daisy holly hazel olive jade coral dawn summer autumn winter spring april june
    july august grace hope faith joy charity patience prudence mercy honor constance chance sunny rusty
    sandy dusty misty stormy rich noble royal king prince major marshall sterling earnest frank guy
    will bill mark art case clay cliff dale dean glen lane wade miles chase hunter carter mason cash
    sage rain river sky star storm penny jewel angel baby bud buck buddy doc pat ray rob max gay dick
    don del lee ted tom jack jean nick page reed rod russ sue tad val van von de la le du ben al
    normal stable unchanged mild moderate severe acute chronic status post prior patient history
    exam study report impression findings comparison indication technique clinical knee knees joint
    joints bone bones heart lung lungs chest spine hip hips leg legs foot feet hand hands arm arms
    head neck back side sides body fat pad cyst line sign grade index ratio test space spaces
    lateral medial anterior posterior superior inferior distal proximal bilateral frontal
    effusion fracture tear lesion mass nodule opacity density edema fluid air gas free
    early soon still well good fair poor best better worse
    age anchors angle arch area areas base been below blood both breath bright broad but canal
    cancer care cheek child code colon common cord dark days deep degree dense do double due dull
    ear end every eye face fall falling falls feeling few fine first flank floor found given graft
    gross hard has high home husband kidney larger last less level levels light like lines lipoma
    living lobe loss low man marrow medicine narrow near nipple nose number organ other over
    overall overlie pain part patella people person re read reading record reveal ring roof room
    root round rule second seen setting shallow shape sharp shoulder show shows single six slight
    smaller son states stent stone stones such surface than tiny tobacco top true vein vessels wall
    wedge weeks worst zone dr mr mrs ms mx prof sir dame rev fr sr jr st nurse sister
    radiology cc bcc fyi attn ffr rcsi bch frcsi mrcpi lrcpsi geen meds worksheet worklist workstation
    timesheet rontgen roentgen rheumatology orthopaedics orthopedics
    physiotherapy neurology cardiology oncology haematology hematology paediatrics pediatrics geriatrics
    podiatry urology dermatology endocrinology gastroenterology nephrology obstetrics gynaecology gynecology
    ophthalmology anaesthetics anesthesiology radiography sonography teleradiology
    """.split()
) | frozenset(
    # German, Dutch and French report words, which German capitalises as nouns ("Unauffälliger Verlauf",
    # "Regelrechte Lage", "Mediale Gelenkspaltverschmälerung"), accent-folded as plain() folds them
    _plain(word)
    for word in """
    regelrecht regelrechte regelrechter regelrechtes unauffällig unauffällige unauffälliger unauffälliges
    kein keine keinen korrekt korrekte korrekter lage verlauf kontrolle sitz prothese rückfragen liebe
    lieber kollegen kollegin mediale medialer laterale lateraler gelenkspalt gelenkspaltverschmälerung
    befund beurteilung untersuchung aufnahme aufnahmen ebenen ebene knie kniegelenk hüfte hüftgelenk
    sprunggelenk rechts links beidseits zustand fraktur frakturen hinweis lockerung lockerungssaum
    lockerungssäume erguss gelenkerguss osteophyten sklerosierung subchondrale arthrose gonarthrose
    coxarthrose vergleich voraufnahme voraufnahmen freundlichen grüßen grüssen klinische angaben
    fragestellung diagnose empfehlung stellung kleiner geringer deutlicher deutliche beginnende
    fortgeschrittene zentriert achsengerecht weichteile knöchern knöcherne periprothetische
    leeftijd onderzoek verslag conclusie bevindingen vergelijking opname opnamen artrose gewrichtsspleet
    versmalling fractuur aanvrager geboortedatum graag vriendelijke groet collegiale
    compte rendu résultats genou hanche cheville droite gauche bilatéral absence pincement interligne
    articulaire examen comparaison
    """.split()
)
#: the words of :data:`COMMON_WORDS` that are also common given names or surnames ("Rose", "Baker" is not
#: even common, "Small", "Hope", "Mason"): next to another census name in Title case they are read as a name
NAME_LIKE_WORDS: frozenset[str] = frozenset(
    """
    white black gray grey green brown rose pearl ruby amber crystal ivy iris lily daisy holly hazel olive
    jade coral dawn summer autumn winter april june july august grace hope faith joy charity patience
    prudence mercy honor constance chance sunny rusty sandy dusty misty stormy rich noble royal king prince
    major marshall sterling earnest frank guy will bill mark art cliff dale dean glen lane wade miles chase
    hunter carter mason cash sage rain river sky star storm penny jewel angel pat ray rob max lee ted tom
    jack jean nick page reed rod russ sue tad val small short long young bright dean gross hall husband
    kleiner lieber liebe lage sitz
    """.split()
) - frozenset({"husband", "gross"})
#: languages, which follow "interpreter" and stand in brackets where a person could ("Consent (Punjabi
#: translated)", "Marisol (Spanish)"): never a person, a place or an affiliation
LANGUAGE_WORDS: frozenset[str] = frozenset(
    """
    english spanish french german polish portuguese arabic mandarin cantonese urdu punjabi hindi bengali
    somali romanian italian russian turkish vietnamese korean japanese tagalog farsi dari pashto tigrinya
    amharic swahili yoruba igbo hausa greek albanian lithuanian czech hungarian ukrainian dutch welsh irish
    gaelic bsl asl sign makaton gujarati tamil telugu malayalam nepali sinhala thai khmer burmese hmong
    creole haitian kurdish hebrew latvian estonian slovak bulgarian serbian croatian bosnian
    """.split()
)
EPONYM_NOUNS = (
    r"(?:fracture|fractures|sign|disease|cyst|lesion|line|ligament|index|ratio|test|classification|grade|"
    r"procedure|syndrome|view|method|angle|score|criteria|maneuver|fat|pad|tubercle|body|bursa|tear|deformity"
    r"|operation|technique|type|stage|node|nodes|sarcoma|tumor|tumour|lines|calcification|changes?|phenomenon"
    r"|effect|law|point|triangle|space|canal|notch|nerve|artery|vein|muscle|tendon|bone|joint|knee|infraction)"
)
#: a capitalised name word, also with an inner capital after Mc, Mac, Di, De, La, Le, O' ("McAllister")
TITLE_NAME = (
    r"(?:(?:Mc|Mac|Di|De|Da|Du|La|Le|Fitz|O['’]|D['’])(?=\p{Lu}))?\p{Lu}[\p{Ll}\p{Mn}]+"
    r"(?:['’-](?:Mc|Mac|O['’])?\p{L}[\p{Ll}\p{Mn}]*)*"
)
_UPPER = r"\p{Lu}{2,}(?:['’-]\p{Lu}+)*"
_AFTER = rf"(?![ ]+(?i:{EPONYM_NOUNS})\b)(?!['’]s\b)(?:,?[ ](?:Jr|Sr|II|III|IV|JR|SR)\b\.?)?"
_PARTICLES = (
    r"(?:(?:de|del|della|der|den|di|da|du|dos|das|la|le|van|von|ten|ter|bin|ibn|al|el|st\.?|y|ap|mac|ó|ní"
    r"|nic|ua)[ ]){"
    r"0,2}"
)
_FIRST_LAST = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<first>{TITLE_NAME})(?:[ ]\p{{Lu}}\.?|[ ]{TITLE_NAME})?[ ]{_PARTICLES}"
    rf"(?P<last>{TITLE_NAME}){_AFTER}",
    regex.VERSION1,
)
_UPPER_PAIR = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<first>{_UPPER})(?:[ ]\p{{Lu}}\.?)?[ ](?P<last>{_UPPER})(?![\p{{L}}\d'’-]|:)",
    regex.VERSION1,
)
_LAST_COMMA_FIRST = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<last>{TITLE_NAME}),[ ](?P<first>{TITLE_NAME})(?:[ ]\p{{Lu}}\b\.?)?"
    rf"(?![\p{{L}}\d'’-])",
    regex.VERSION1,
)
_UPPER_COMMA = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<last>{_UPPER}),[ ]?(?P<first>{_UPPER})(?:[ ]\p{{Lu}}\b\.?)?"
    rf"(?![\p{{L}}\d'’-])",
    regex.VERSION1,
)
_LOWER_WORD = r"\p{Ll}[\p{Ll}\p{Mn}]+(?:['’-]\p{Ll}+)*"
_LOWER_PAIR = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<first>{_LOWER_WORD})[ ]{_PARTICLES}(?P<last>{_LOWER_WORD})(?![\p{{L}}\d'’-])",
    regex.VERSION1,
)
_ACCENTED_PAIR = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<first>{TITLE_NAME})[ ]{_PARTICLES}(?P<last>{TITLE_NAME}){_AFTER}",
    regex.VERSION1,
)
#: a capitalised census surname inside a sentence (after a lower-case word or a comma)
_PERSON_CUE = (
    r"(?i:per|with|by|to|from|and|or|saw|see|seen|told|asked|called|paged|contacted|notified|informed"
    r"|thanked|spoke|cc|attn|via|patient|pt|mr|mrs|ms|dr)"
)
_MID_SENTENCE_SURNAME = regex.compile(
    rf"\b(?<=\b{_PERSON_CUE}\.?[ ])(?P<last>{TITLE_NAME})(?![\p{{L}}'’-]){_AFTER}(?![ ]\p{{Lu}})",
    regex.VERSION1,
)
#: what a person does in a report, right after their name ("Kemi Oduya is ...", "... attended today")
_PERSON_VERB = regex.compile(
    r"[ ]+(?:is|was|has|had|reports|reported|presents|presented|attended|attends|complains|complained|denies"
    r"|denied|states|stated|underwent|returns|returned|arrived|came|comes|fell|tripped|twisted|injured"
    r"|will|would|needs|agreed|consented|declined|requests|requested|describes|notes|noted|walks|works"
    r"|lives|saw|sees|felt|feels|recalls|mentions|missed|said|says|called|phoned|rang|asked|told"
    r"|explained|confirmed|thinks|wants|prefers|continues|remains|went|goes|slipped|landed|plays|played"
    r"|worked|lifted|noticed|developed|sustained)\b",
    regex.VERSION1,
)
#: an initial and a surname ("K. Wells", "R Gibbs,"): the surname is checked against the lexicon
_INITIAL_SURNAME = regex.compile(
    rf"\b(?<![\p{{L}}\d'’.-])\p{{Lu}}\.?[ ](?P<last>{TITLE_NAME})(?![\p{{L}}\d'’-]){_AFTER}",
    regex.VERSION1,
)
#: ``SURNAME Given`` (upper-case family name first, as in ward lists)
_UPPER_THEN_TITLE = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<last>{_UPPER})[ ](?P<first>{TITLE_NAME})(?![\p{{L}}\d'’-])",
    regex.VERSION1,
)
#: a capitalised word and a person's verb, a possessive before a body part or a relative ("Orla's knee"), an
#: age and sex or a role in brackets ("Okorie (57M)", "Siobhan (ANP)"), or an age between commas
_SINGLE_BEFORE_VERB = regex.compile(
    rf"\b(?<![\p{{L}}\d'’.-])(?P<first>{TITLE_NAME})(?=[ ]+(?:says|said|fell|tripped|slipped|twisted|reports"
    rf"|reported|states|stated|denies|denied|complains|complained|attended|presented|describes|feels|felt"
    rf"|recalls|mentions|thinks|wants|prefers|explains|explained|noticed|walks|plays|works|lives|went"
    rf"|landed|injured|hurt|jumped|kicked|ran|came|arrived|returns|returned|mentioned|calling|rang|phoned"
    rf"|has[ ]had|had[ ]her|had[ ]his|asked|agreed|declined|confirmed|brought|drove)\b"
    rf"|['’]s[ ](?:knee|knees|leg|legs|hip|ankle|foot|feet"
    rf"|shoulder|back|pain|symptoms|mother|father|mum|mom|dad|husband|wife|son|daughter|partner|gp|physio"
    rf"|appointment|x-?rays?|scans?|films|images|injury|fall|brace|crutches|swelling|family|carer|report"
    rf"|results?|xray|mri|ct|referral|surgery|operation|op|wrist|hand|elbow|notes|file|study|case)\b"
    rf"|[ ]\((?:\d{{1,3}}[ ]?[MFmf]?|\p{{Lu}}{{2,5}}|[A-Z]{{2}}[ ]?[A-Z]{{1,3}})\)"
    rf"|,[ ]\d{{1,3}}[ ]?(?:[MFmf]|yo|y/o)?,)",
    regex.VERSION1,
)
#: words after which a person is named ("thanks for seeing X Y", "case of X Y", "told X"), or a line start
_PERSON_SLOT_BEFORE = regex.compile(
    r"(?:(?i:\b(?:seeing|see|seen|saw|named|called|of|for|re|patient|pt|with|to|by|told|asked|ask|tell"
    r"|referring"
    r"|thanks|thank[ ]you|cheers|dear|hi|hello|and|case|mr|mrs|ms|miss|dr|per|cc|informed|inform|handed"
    r"[ ]over[ ]to|reviewed|examined|met|called|paged|phoned)\.?)[ ,:(]*|^[ \t]*(?:\d{1,2}[.)][ ]*"
    r"|[-•*][ ]*)?)$",
    regex.VERSION1 | regex.MULTILINE,
)
#: what follows a person's name in a slot: punctuation, a possessive, age and sex, a role in brackets
_PERSON_SLOT_AFTER = regex.compile(
    r"(?:['’]s\b|[ ]*(?:$|[,;:.()\n/\t]|[-–—][ ])|[ ]+\d{1,3}[ ]?(?:[MFmf]|yo|y/o)\b|[ ]+(?:from|on|at|in|to"
    r"|about|re|regarding)\b)",
    regex.VERSION1 | regex.MULTILINE,
)
#: how far back a person slot's cue may start
_SLOT_REACH = 24
#: a single capitalised word after a word that names a person next ("told X", "thanks X", "ask X to")
_SINGLE_AFTER_CUE = regex.compile(
    rf"\b(?<=\b(?i:told|asked|ask|tell|thanks|thank[ ]you|cheers|informed|inform|handed[ ]over[ ]to"
    rf"|spoke[ ]to|report[ ](?:given|phoned|called)[ ]to|per|referring|reviewed|examined|saw"
    rf"|seeing)[ ,]{{1,2}})"
    rf"(?P<first>{TITLE_NAME})(?![\p{{L}}'’-])(?=[ ]*(?:[,.;:]|$)|[ ]+(?:today|yesterday|in|at|on|who|with"
    rf"|for|again|and|to|about|that|re|over|by|from|this|last|earlier)\b)",
    regex.VERSION1,
)
#: census first names that are also where results are called to ("conveyed to ward")
_WARD_PLACES = frozenset({"ward", "floor", "unit", "desk", "bay", "er", "icu", "pacu", "clinic"})
#: a lower-case census first name (and surname) right after a communication cue, ending its clause:
#: "discussed with rebecca stone by telephone", "results called to john at 3 pm", "conveyed to nurse amy."
#: a role word between the cue and the name ("called to nurse amy")
_ROLE_BEFORE_NAME = (
    r"(?i:nurse|dr\.?|doctor|resident|tech|technologist|rn|np|pa|charge[ ]nurse|sister|charge)"
)
_LOWER_AFTER_COMMUNICATION = regex.compile(
    rf"{COMMUNICATION_CUE}(?:{_ROLE_BEFORE_NAME}[ ]+)?(?!{_ROLE_BEFORE_NAME}\b)"
    rf"(?P<first>{_LOWER_WORD})(?:[ ](?P<last>{_LOWER_WORD}))??"
    r"(?=[ ]*(?:$|[,.;:()\n]|[ ](?:at|on|by|in|from|re|regarding|about|who|and|today|tonight|via|over"
    r"|(?:was|is|has)[ ]|\d)))",
    regex.VERSION1 | regex.MULTILINE,
)
#: person cues after which a surname that is also a word is still a surname ("paged Baker", "per Fisher")
_STRONG_CUE = regex.compile(
    r"(?i:\b(?:per|told|asked|called|paged|contacted|notified|informed|thanked|spoke|cc|attn|mr|mrs|ms|dr))"
    r"\.?[ ]$",
    regex.VERSION1,
)
#: what may follow a name that is only "not a word" ("A. Thornbury" at a line end, "(K. Wells):")
_NAME_END = regex.compile(r"[ ]*(?:$|[,;:)\n]|\(|[ ]-)", regex.MULTILINE)
LEXICON_SCORE = 0.55
#: street words that are census surnames too: "Court, Wealdstone" is the end of an address, not a name
_STREET_WORDS = frozenset(
    "court lane road street close way drive avenue place square terrace row hill park green grove gardens"
    " crescent mews walk rise parade wharf quay".split()
)


@cache
def census_names() -> tuple[frozenset[str], frozenset[str]]:
    """``(first names, surnames)``, lower-case, read from the ``names`` package's census files."""
    import names  # the package only ships the lists; importing it reads nothing

    files = {kind: Path(path) for kind, path in names.FILES.items()}

    def read(path: Path) -> set[str]:
        with path.open(encoding="ascii") as handle:
            return {line.split(maxsplit=1)[0].lower() for line in handle if line.strip()}

    first = read(files["first:male"]) | read(files["first:female"])
    return frozenset(first), frozenset(read(files["last"]))


def lexicon_names(text: str) -> list[Detection]:
    """Cue-less names in ``text`` (see the module docstring for the gates); one linear scan per shape."""
    first_names, surnames = census_names()

    def first_ok(word: str) -> bool:
        return _plain(word) in first_names and _plain(word) not in COMMON_WORDS

    def unknown(word: str) -> bool:
        return _plain(word) not in COMMON_WORDS and not is_vocabulary(word)

    def census(word: str) -> bool:
        return _plain(word) in first_names or _plain(word) in surnames

    def unknown_pair(match: regex.Match[str]) -> bool:
        """Neither word is vocabulary, and one is a census name or a person's verb follows."""
        first, last = match["first"], match["last"]
        if not (unknown(first) and unknown(last)) or min(len(first), len(last)) < 2:
            return False
        return census(first) or census(last) or bool(_PERSON_VERB.match(text, match.end()))

    def name_like(word: str) -> bool:
        low = _plain(word)
        return low not in COMMON_WORDS or low in NAME_LIKE_WORDS

    def census_pair(first: str, last: str) -> bool:
        """A census first name and a census surname, each a plain word or a name-like one ("Rose Baker")."""
        return (
            _plain(first) in first_names
            and _plain(last) in surnames
            and name_like(first)
            and name_like(last)
            and min(len(first), len(last)) >= 3
        )

    def in_person_slot(match: regex.Match[str]) -> bool:
        """Two words no dictionary or census has, in a person's slot ("thanks for seeing X Y.")."""
        first, last = match["first"], match["last"]
        if min(len(first), len(last)) < 2:
            return False
        if not (unknown(first) and unknown(last)) and not (
            (unknown(first) and _plain(last) in surnames)
            or (unknown(last) and _plain(first) in first_names)
        ):
            return False
        return bool(
            _PERSON_SLOT_AFTER.match(text, match.end())
            and _PERSON_SLOT_BEFORE.search(text, max(0, match.start() - _SLOT_REACH), match.start())
        )

    def census_pair_with_verb(match: regex.Match[str]) -> bool:
        """Census first name and surname that are also words ("Will Baker was seen"), then a verb."""
        return (
            _plain(match["first"]) in first_names
            and _plain(match["last"]) in surnames
            and bool(_PERSON_VERB.match(text, match.end()))
        )

    found = []
    for match in _FIRST_LAST.finditer(text, overlapped=True):
        if (
            (first_ok(match["first"]) and _plain(match["last"]) not in COMMON_WORDS)
            or unknown_pair(match)
            or census_pair_with_verb(match)
            or census_pair(match["first"], match["last"])
            or in_person_slot(match)
        ):
            found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
    for match in _UPPER_PAIR.finditer(text, overlapped=True):
        last = _plain(match["last"])
        if (first_ok(match["first"]) and last in surnames and last not in COMMON_WORDS) or (
            min(len(match["first"]), len(match["last"])) >= 3 and unknown_pair(match)
        ):
            found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
    for pattern in (_LAST_COMMA_FIRST, _UPPER_COMMA):
        for match in pattern.finditer(text, overlapped=True):
            last, first = _plain(match["last"]), _plain(match["first"])
            if census_pair(match["first"], match["last"]):
                found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
                continue
            if last in COMMON_WORDS or first in COMMON_WORDS or last in _STREET_WORDS:
                continue
            if (last in surnames and first in first_names) or (
                pattern is _LAST_COMMA_FIRST and (last in surnames or first in first_names)
            ):
                found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
    for match in _LOWER_PAIR.finditer(text, overlapped=True):
        last = _plain(match["last"])
        if (
            first_ok(match["first"])
            and last in surnames
            and last not in COMMON_WORDS
            and not (is_vocabulary(match["first"]) and is_vocabulary(match["last"]))
        ):
            found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
    for match in () if text.isascii() else _ACCENTED_PAIR.finditer(text, overlapped=True):
        words = (match["first"], match["last"])
        if any(ord(ch) > 127 for word in words for ch in word if ch not in "’") and not any(
            _plain(word) in COMMON_WORDS for word in words
        ):
            found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
    for match in _INITIAL_SURNAME.finditer(text):
        last = match["last"]
        if (_plain(last) in surnames and _plain(last) not in COMMON_WORDS) or (
            unknown(last) and len(last) >= 3 and _NAME_END.match(text, match.end())
        ):
            found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
    for match in _UPPER_THEN_TITLE.finditer(text):
        first, last = match["first"], match["last"]
        if (first_ok(first) or unknown(first)) and _plain(last) in surnames and name_like(last):
            found.append(Detection(match.start(), match.end(), "NAME", LEXICON_SCORE))
    for match in _SINGLE_BEFORE_VERB.finditer(text):
        word = match["first"]
        if (
            first_ok(word)
            or (unknown(word) and len(word) >= 3)
            or (_plain(word) in first_names and _plain(word) in NAME_LIKE_WORDS)
        ):
            found.append(Detection(match.start(), match.end(), "NAME", 0.5))
    for match in _SINGLE_AFTER_CUE.finditer(text):
        word = match["first"]
        if (
            unknown(word)
            or first_ok(word)
            or (_plain(word) in first_names and _plain(word) in NAME_LIKE_WORDS)
        ):
            found.append(Detection(match.start(), match.end(), "NAME", 0.5))
    for match in _LOWER_AFTER_COMMUNICATION.finditer(text):
        first, last = match["first"], match["last"]
        if (
            last is None
        ):  # one word: a census first name that is no common word and no place on a ward
            named = first_ok(first) and _plain(first) not in _WARD_PLACES
        else:  # "rebecca stone": a surname that is also a word may follow an uncommon first name
            surname = _plain(last) in surnames
            named = (first_ok(first) and (surname or unknown(last))) or (
                _plain(first) in first_names
                and ((surname and _plain(last) not in COMMON_WORDS) or unknown(last))
            )
        if named and len(first) >= 3:
            found.append(Detection(match.start("first"), match.end(), "NAME", 0.5))
    for match in _MID_SENTENCE_SURNAME.finditer(text):
        last = _plain(match["last"])
        if census(match["last"]) and (
            unknown(match["last"])
            or (
                name_like(match["last"])
                and _STRONG_CUE.search(text, max(0, match.start() - 12), match.start())
            )
        ):
            found.append(Detection(match.start(), match.end(), "NAME", 0.5))
    return found
