"""Names that only their slot gives away: lower-case dictation, kin and staff nouns, initials, user names.

These complete :mod:`report_deid.name_lexicon` (which reads the shape of a pair of words) with the places
where clinicians write a name without a title or a label:

- **a nickname in quotes** between two name words: ``Rosalind 'Roz' Fairweather``, ``patrick 'paddy'
  crowley`` (the first word a census first name or not English vocabulary);
- **lower-case dictation** after ``pt``, ``patient``, ``re``, ``cc``, ``doctor``: ``pt tamsin pascoe rang
  back``, ``cc will carrington at ...``; the first word must be a census first name (or, after ``doctor``,
  not vocabulary), the second a census surname or a word no dictionary has;
- **a relative or member of staff named by their role** with no article: ``Son Pieter notified``, ``mam
  (Bernadette)``, ``secretary Lorraine on 01865 ...``, ``ward clerk Sandy chasing``, ``ward RN Ivy``; the
  word after the role must be a census first name (also one that is a word: ``wife Faith``), or a
  capitalised word no dictionary has;
- **a name followed by an age**: ``Ivy Tran-Okonkwo 34 y/o``, ``Sky Waaka 19 y.o.``, ``Grace Angove 67F``;
- **a double-barrelled surname alone**: ``Okonkwo-Bishop, post-op day 2`` (each part capitalised and a census
  name or not vocabulary, not all parts vocabulary; eponyms such as "Hill-Sachs lesion" keep their noun and
  stay);
- **attendance lists** after ``Present:``, ``Attendees:``, ``Apologies:``: every comma-separated item of
  one to four name words, roles in brackets left out;
- **initials** of typists and staff: ``Typed: 21.01.2025 /ah``, ``typed mw``, ``- mk/rad resident``,
  ``bleep 1234 if issues - CH`` at a line end, ``KM to write to ...`` (an action item);
- **user names** of the form initial + surname (``kbaker``, ``t.nakamura``) that no dictionary has.

Every shape is one linear scan; lexicon checks are set look-ups.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from report_deid.name_lexicon import (
    COMMON_WORDS,
    EPONYM_NOUNS,
    LANGUAGE_WORDS,
    NAME_LIKE_WORDS,
    TITLE_NAME,
    census_names,
)
from report_deid.recognizers import DEPARTMENT_WORD, EXAM_WORD
from report_deid.spans import Detection
from report_deid.vocabulary import is_english_form, is_inflection, is_vocabulary, plain

CONTEXT_SCORE = 0.6
_FLAGS = regex.VERSION1 | regex.MULTILINE
_CAP = TITLE_NAME
_LOW = r"\p{Ll}[\p{Ll}\p{Mn}]+(?:['’-]\p{Ll}[\p{Ll}\p{Mn}]*)*"
#: a lower-case surname, also with an O' or d' prefix ("o'reilly")
_LOW_NAME = rf"(?:[od]['’])?{_LOW}"
_ANY = r"\p{L}[\p{L}\p{Mn}]*(?:['’-]\p{L}[\p{L}\p{Mn}]*)*"
_PARTICLE = (
    r"(?:(?i:de|del|della|der|den|di|da|du|dos|los|las|la|le|van|von|ten|ter|bin|ibn|abu|bint|al|el|st\.?|mac|mc|ap"
    r"|ó|o|ní|ni|nic"
    r"|mhic|ua|van[ ]der|van[ ]den|van[ ]'t|mac[ ]an|de[ ]la|dela|dos|das)[ ])"
)
_OPEN_QUOTE = r"[\"'‘“]"
_CLOSE_QUOTE = r"[\"'’”]"

#: a quote opening a word after a space: nicknames need one
_QUOTE_HINT = regex.compile(r"(?:^|[ \t])[\"'‘“(]\p{L}", regex.VERSION1 | regex.MULTILINE)
_NICKNAME = regex.compile(
    rf"(?:\b(?<![\p{{L}}\d'’-])(?P<first>{_ANY})[ ]+)?(?:{_OPEN_QUOTE}{_ANY}(?:[ ]{_ANY})?{_CLOSE_QUOTE}"
    rf"|\({_ANY}\))[ ]+{_PARTICLE}{{0,2}}(?P<last>{_ANY})(?![\p{{L}}\d'’-])",
    _FLAGS,
)
#: a lower-case name after a patient or copy cue ("pt tamsin pascoe", "cc will carrington")
_LOWER_AFTER_PATIENT = regex.compile(
    rf"(?<![\p{{L}}\d])(?:pt|patient|re|cc|patient[ ]name|name|mr|mrs|ms|miss)[ :,]+"
    rf"(?P<first>{_LOW})[ ]+{_PARTICLE}{{0,2}}(?P<last>{_LOW_NAME})(?![\p{{L}}\d'’-])",
    _FLAGS,
)
#: a lower-case name after a spelled-out title ("doctor hamza al-rashid", "sister o'neill")
_LOWER_AFTER_DOCTOR = regex.compile(
    rf"(?<![\p{{L}}\d])(?i:doctor|docteur|doktor|sister|nurse|professor)[ ]+(?P<first>{_LOW})"
    rf"(?:[ ]+{_PARTICLE}{{0,2}}(?P<last>{_LOW}))?(?![\p{{L}}\d'’-])",
    _FLAGS,
)
#: dictation words that end a dictated name ("dictating for patient quinlan, yetunde, mrn ...")
_DICTATION_WORD = (
    r"(?:mrn|dob|period|exam|new|paragraph|comma|full|stop|date|accession|end|and|at|on|re)"
)
#: a lower-case name the dictation names outright: "dictating on m. ochieng", "dictating for patient
#: quinlan, yetunde, mrn ...", "this is dr fox dictating on de luca, mary period"
_LOWER_DICTATED = regex.compile(
    rf"(?<![\p{{L}}\d])dictat(?:ing|ion)[ ]+(?:on|for|re|regarding)[ ]+(?:(?:patient|pt)[ ]+)?"
    rf"(?P<name>(?:\p{{Ll}}\.[ ]?)?{_PARTICLE}{{0,2}}(?!{_DICTATION_WORD}\b){_LOW_NAME}"
    rf"(?:,?[ ]+(?!{_DICTATION_WORD}\b)(?:\p{{Ll}}\.|{_PARTICLE}{{0,2}}{_LOW_NAME})){{0,3}})"
    rf"(?=[ ]*(?:$|[,.;(]|[ ]{_DICTATION_WORD}\b))",
    _FLAGS,
)
#: a spelled or short title before a lower-case name, and a lower-case person: an optional initial, a
#: surname or a given name, and optionally a second word ("e. iyer", "priya mackenzie", "brian v. asante")
_LOW_TITLE = r"(?:(?:dr|doctor|mr|mrs|ms|prof)\.?[ ]+)"
_LOW_PERSON = (
    rf"(?:\p{{Ll}}\.[ ]?)?{_LOW_NAME}"
    rf"(?:[ ]+(?:\p{{Ll}}\.[ ]?)?{_PARTICLE}{{0,2}}(?!{_DICTATION_WORD}\b){_LOW_NAME})?"
)
#: lower-case people copied in a dictated line: "please cc dr e. iyer and g. bryant new paragraph"
_LOWER_COPIED = regex.compile(
    rf"(?<![\p{{L}}\d])(?:cc|copy[ ]to|copies[ ]to)[ :]+"
    rf"(?P<names>{_LOW_TITLE}?{_LOW_PERSON}(?:(?:,[ ]*|[ ]+and[ ]+){_LOW_TITLE}?{_LOW_PERSON}){{0,3}})",
    _FLAGS,
)
#: one person of such a list
_COPIED_PERSON = regex.compile(
    rf"(?<![\p{{L}}.'’-]){_LOW_TITLE}?(?!and\b)(?P<person>{_LOW_PERSON})", _FLAGS
)
#: a lower-case initial and surname after a call, sign-off or patient cue ("called l. lim-bell ext. 3889",
#: "-- z. njoroge", "pt a. park-rogers")
_LOWER_INITIAL_NAME = regex.compile(
    r"(?:(?<![\p{L}\d])(?:called|paged|rang|phoned|told|informed|with|to|by|per|pt|patient|cc"
    r"|dr)[ ]+|^[ \t]*-{1,2}[ ]*)"
    rf"(?P<name>\p{{Ll}}\.[ ]?(?:\p{{Ll}}\.[ ]?)?{_PARTICLE}{{0,2}}{_LOW_NAME})(?![\p{{L}}\d'’-])",
    _FLAGS,
)
_LOWER_INITIAL_HINT = regex.compile(
    r"(?<![\p{L}\d])\p{Ll}\.[ ]?(?:\p{Ll}\.[ ]?)?\p{Ll}[\p{Ll}'’]", _FLAGS
)
#: Latin species names written like an initial and a surname ("p. aeruginosa", "e. faecalis")
_SPECIES = frozenset(
    """
    aeruginosa aureus epidermidis pneumoniae faecalis faecium coli cloacae pyogenes agalactiae marcescens
    mirabilis albicans difficile influenzae meningitidis gonorrhoeae typhi enterica acnes lugdunensis
    haemolyticus capitis hominis oxytoca baumannii maltophilia fragilis tuberculosis marinum kansasii
    avium abscessus dysgalactiae anginosus mitis oralis sanguinis perfringens septicum cepacia
    """.split()
)
#: relatives and staff named by their role, with no article ("Son Pieter", "secretary Lorraine")
ROLE_NOUNS: tuple[str, ...] = (
    *"""
    son daughter wife husband partner mother father mum mom mam mammy mummy dad daddy stepdad stepmum stepmom
    stepfather stepmother sister brother niece nephew aunt auntie uncle cousin nana nan nanna granny gran
    grandma grandpa grandad granddad grandson granddaughter grandmother grandfather friend carer caregiver
    neighbour neighbor spouse guardian fiance fiancé fiancee fiancée boyfriend girlfriend nok secretary pa
    clerk receptionist manager coordinator co-ordinator porter hca rn lpn np physio physiotherapist therapist
    sonographer radiographer tech technologist reg registrar sho fy1 fy2 intern resident fellow student
    midwife matron chaperone interpreter translator dietitian pharmacist ot slt nurse kiné kine fysio
    fysiotherapeut admin administrator coach huisarts aide rep supervisor foreman boss colleague
    """.split(),
    "social worker",
    "key worker",
    "case manager",
)
_ROLE_NOUN = (
    "(?i:" + "|".join(sorted((regex.escape(r) for r in ROLE_NOUNS), key=len, reverse=True)) + ")"
)
#: first words of the role nouns: the role rule is tried only where one of them starts
_ROLE_FIRST_WORDS = frozenset(r.split()[0] for r in ROLE_NOUNS)
_AFTER_ROLE = regex.compile(
    rf"{_ROLE_NOUN},?[ ]+\(?(?P<first>{_CAP}|{_LOW})(?:[ ](?P<last>{_CAP}))?"
    rf"(?![\p{{L}}\d'’-])",
    _FLAGS,
)
#: an age (and sex) after a name: "Ivy Tran-Okonkwo 34 y/o", "Grace Angove 67F", "Sky Waaka, 19 yrs",
#: "Sterling is 51 y/o"; the suffix is found first and the name searched backwards from it
_AGE_SUFFIX = regex.compile(
    r",[ ]+an?[ ]+\d{1,3}[- ]?(?:years?|yrs?|y)[- ]old\b"
    # "Sterling is 51 y/o", "Rohan Cooper is a 97 years"
    r"|[ ]+(?:is|was)[ ]+(?:an?[ ]+)?\d{1,3}(?:[ ]?(?:years?|yrs?|yo|y/o|[MFmf])\b|-years?-old\b)"
    r"|,?[ ]+(?:(?i:age|aged)[ ]+)?\d{1,3}[ ]?(?:y/?o\b"
    r"|y\.o\.?|yo\b|yrs?\b|-?years?(?:[- ]old)?\b|[MFmf]\b"
    r"|(?i:jr|jaar|ans|jahre|años|anni)\b|(?=,|[ ][-–—]|\)))",
    _FLAGS,
)
_NAME_THEN_AGE = regex.compile(
    rf"\b(?<![\p{{L}}\d'’.-])(?P<name>(?:{_CAP},[ ])?{_CAP}(?:[ ]{_PARTICLE}{{0,3}}{_CAP}){{0,3}})\Z",
    _FLAGS,
)
#: a capitalised double-barrelled word ("Okonkwo-Bishop")
_BARREL_HINT = regex.compile(r"\p{Ll}-\p{Lu}", regex.VERSION1)
_DOUBLE_BARREL = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<word>\p{{Lu}}[\p{{Ll}}\p{{Mn}}]{{1,}}(?:-\p{{Lu}}[\p{{Ll}}\p{{Mn}}]{{2,}})+)"
    rf"(?![\p{{L}}\d'’-])(?![ ]+(?i:{EPONYM_NOUNS}|approach|incision|nail|plate|view|position|classification"
    rf"|repair|reconstruction|osteotomy|procedure|prosthesis|implant|stem|cup)\b)",
    _FLAGS,
)
#: what opens an attendance list; its items run to the end of the line
_ATTENDANCE = regex.compile(
    r"(?i:\b(?:present|attendees|attending|in[ ]attendance|attendance|apologies|participants|panel"
    r"|mdt[ ]members|members|team|cc|c\.c\.|copies[ ]to|distribution))(?:[ ]*:|(?<=\.))[ ]*"
    r"(?P<items>[^\n]+)",
    _FLAGS,
)
#: an e-mail header's addressees ("To: A. Bell; Ji-woo Le Gall-Reyes")
_ADDRESSEES = regex.compile(r"^[ \t]*(?:To|TO|Bcc|BCC|to|bcc)[ ]*:[ ]*(?P<items>[^\n]+)", _FLAGS)
_LIST_ITEM = regex.compile(r"[^,;]+", _FLAGS)
_BRACKETS = regex.compile(r"\([^()]*\)", _FLAGS)
_ITEM_NAME = regex.compile(
    rf"^[ ]*(?:(?i:and)[ ]+)?(?:(?i:dr|mr|mrs|ms|miss|prof|sister)\.?[ ]+)?(?P<name>(?:(?:\p{{Lu}}\.[ ]?)+"
    rf"|{_PARTICLE})?{_CAP}(?:[ ]+(?:{_PARTICLE}|\p{{Lu}}\.[ ]?)*{_CAP}){{0,3}})[ ]*$",
    _FLAGS,
)
#: typists' and staff initials in their usual places
_ACTION_VERB = (
    r"(?:write|call|review|chase|arrange|book|discuss|contact|check|send|follow|request|organi[sz]e|inform"
    r"|email|e-mail|phone|ring|see|speak|liaise|list|confirm|update|document|escalate)"
)
#: typists' and staff initials in their usual places; each alternative opens with its cue, so the scan is
#: fast; the ``x`` group is the initials
#: a sign-off line: a name alone before a quoted reply ("Melissa" above "> On ... wrote:"), a name and a
#: clock time or a compact date ("Karimi 20:21:13", "Kiri Wanjiku-Buchanan, 20241215"), a name that opens a
#: reply ("María, please call the clinic")
_SIGN_OFF_LINES = tuple(
    (regex.compile(hint, _FLAGS), regex.compile(pattern, _FLAGS))
    for hint, pattern in (
        (
            r"^[ \t]*(?:>|-{2})",
            rf"^[ \t]*(?P<name>{_CAP}(?:[ ]+{_PARTICLE}{{0,2}}{_CAP}){{0,2}})[ \t]*"
            rf"(?:\n[ \t]*){{1,3}}(?=>[ ]?(?i:on)\b|-{{2,}}[ ]?(?i:original|reply|forwarded))",
        ),
        (
            r"(?:\d:\d\d(?::\d\d)?|(?:19|20)\d{6})[ ]*$",
            rf"^[ \t]*(?P<name>{_CAP}(?:[ ]+{_PARTICLE}{{0,2}}{_CAP}){{0,2}}),?[ ]+"
            rf"(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?|(?:19|20)\d{{6}})[ ]*$",
        ),
        (
            r"^[ \t]*\p{Lu}[^\s,]*,[ ]",
            rf"^[ \t]*(?P<name>{_CAP}),[ ]+(?=(?i:please|can[ ]you|could[ ]you|would[ ]you|thanks"
            rf"|thank[ ]you|just|your|you|we)\b)",
        ),
        (
            # "Maria - yes, I looked at it.", "Li - outside films from ...": a reply opened by a name
            r"^[ \t]*\p{Lu}\p{Ll}+[ ]+[-–][ ]",
            rf"^[ \t]*(?P<name>{_CAP})[ ]+[-–][ ]+(?=(?i:yes|no|thanks|thank[ ]you|please|can[ ]you"
            rf"|could[ ]you|would[ ]you|just|i|i['’]ve|i['’]m|we|your|you|see|quick|sorry|fyi|agree|outside"
            rf"|re|as|good|great|ok|okay)\b)",
        ),
    )
)
_INITIALS = tuple(
    regex.compile(pattern, _FLAGS)
    for pattern in (
        r"(?i:\b(?:typed|transcribed|transcriptionist|trans|tx|dict|dictated|typist|sec|assigned)\b(?:[ ]by)?"
        r"[:.]?[ ]+)"
        r"(?P<x>[A-Za-z]{2,3})(?=[ ]+\d|[ ]*[/,;(]|[ ]*$|[ ]{2})",
        # "kw 11/5/2026 2:02p": initials, a date perhaps, and a clock time ending the line
        r"(?<![\p{L}\d])(?P<x>[a-z]{2,3})[ ]+(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?[ ]+)?\d{1,2}[.:]\d{2}"
        r"(?i:[ap]m?)?[ ]*$",
        r"[ ]/(?P<x>[a-z]{2,3})[ ]*$",
        r"(?:^|[ ])[-–—]{1,2}[ ]?(?P<x>[a-z]{2,3})(?=/)",
        r"(?:(?<!\S)[-–—]|\bby)[ ]*(?P<x>[A-Z]{2,3})[ ]*(?:\d{1,2}[:.]\d{2}(?i:[ap]m?)?[ ]*)?$",
        r"(?:^[ \t]*|[-–—][ ]?|[ ]/[ ]?|(?i:typed|transcribed|dict|tx)\b[:.]?[ ]+(?:[\d/.]+[ ]+)?)"
        r"(?P<x>[a-z]{2,3}[/:][a-z]{2,3}|[A-Z]{2,3}/[A-Z]{2,3})(?=[ ]*$|[ ]{2,}|\t)",
        r"[-–—][ ]?(?P<x>[a-z]{2,3})[ ]*$",
        rf"(?:^|[:;.][ ]*|[ ]-[ ])(?P<x>[A-Z]{{2,3}})(?=[ ]+to[ ]+{_ACTION_VERB}\b)",
    )
)
#: places where two or three letters can only be initials: a line of its own after a slash or dash ("/TO",
#: "-ra"), after "typed" ("typed gp"), after a job number and a slash ("Job #1989 / mn"), after "TECH:"
_SURE_INITIALS = tuple(
    regex.compile(pattern, _FLAGS)
    for pattern in (
        r"^[ \t]*[/-](?P<x>\p{L}{2,3})[ ]*$",
        # "-- ms": lower-case letters after a double dash, alone on their line (a bullet is one dash)
        r"^[ \t]*--[ ]?(?P<x>\p{Ll}{2,3})[ ]*$",
        r"(?i:\b(?:typed|transcribed)(?:[ ]by)?[:.]?[ ]+)(?P<x>\p{L}{2,3})[ ]*$",
        # "Transcriptionist: nr (ID T2995)"
        r"(?i:\b(?:transcriptionist|typist|transcribed[ ]by|typed[ ]by)[ ]*:[ ]*)(?P<x>\p{L}{2,3})"
        r"(?=[ ]+\(|[ ]{2}|\t)",
        r"(?i:\bjob[ ]?(?:#|no\.?|id)?[ ]*[A-Z]*\d+)[ ]*/[ ]*(?P<x>\p{L}{2,3})(?=[ ]{2}|[ ]*$)",
        r"(?i:\b(?:tech|technologist|radiographer|rt|typist))[ ]*:[ ]*(?P<x>[A-Z]{2,3})(?=[ ]{2}|[ ]*$|\t)",
    )
)
#: words that open a sentence, never a name ("The Cooper", "This Knee")
_NOT_FIRST_WORDS = frozenset("the this that these those our his her their a an my your its".split())
#: what a sure initials slot may still hold
_NOT_SURE_INITIALS = frozenset(
    "am pm na nil ok hrs and the for yes no n/a tbc me us it him her you".split()
)
#: abbreviations that sit where initials do ("- ED", "by CT")
_NOT_INITIALS = frozenset(
    """
    ed er or ot pt gp mri ct xr us ir icu pacu ap pa lat ok nad oa ra tka tha uka mdt nwb fwb pwb wbat ae
    rad rads ortho orth reg sho cns anp acp ems opd ipd dr mr mrs ms na nil nkda the and for re cc
    am pm hrs xray dx rx tx hx fx sx at so in on by to of is it as an or if up no we he me my us via per
    imp ind rec obs bp hr rr temp wt ht inr hb crp wcc esr ecg ekg cxr gcs ews sats ref acc
    lot pid csn fin har mrn dob sex age id nhs udi sn loc exam ord req fbc nbm pmh psh dxa abx lft tto ddx
    bil cm mm rv lt rt fu dh sh fh ix mx hpc pc u&e mane nocte stat prn tds bd od qds
    een het
    de la le et und der die das vom von um bis zum zur dem den des mit bei auf aus nach seit
    mvc mva rta rtc nof dvt acl mcl pcl lcl orif aki uti cva tia copd
    due saw see met set let got put ran was has had did not may can all any new old now two one six ten pre
    mon tue wed thu fri sat sun jan feb mar apr jun jul aug sep oct nov dec yes ago off out end
    rpt adm tel dc op eta arr inj dis
    """.split()
)
#: a user name right after a dash at a line start, an opening bracket or "by" ("— kbaker", "(pstreet")
_USER_NAME = regex.compile(
    r"(?:^[ \t]*[-–—]{1,2}[ ]*|\([ ]*|\b(?P<cue>by|user|login|admin|owner)[ :]+)"
    r"(?P<user>[a-z]\.?[a-z]{3,14}\d{0,3})(?![\p{L}\d@'’-]|\.[a-z])",
    _FLAGS,
)


#: a person in a log's quoted key=value pair ('patient="de Vries-Bakker, Anouk"', 'author="K. Ito"')
_QUOTED_PERSON_KEY = regex.compile(
    r"\b(?:patient|pt|name|author|physician|referrer|doctor|radiologist|reader|signer)[ ]?[=:][ ]?"
    r"[\"'](?P<name>\p{L}[^\"'\n]{1,60}?)[\"']",
    _FLAGS | regex.IGNORECASE,
)
#: a user name in a log's key=value pair ("user=vdberg_j", "login: mzoutendijk")
_USER_KEY = regex.compile(
    r"\b(?:user|usr|uid|login|operator|username|userid|user_id)[ ]?[=:][ ]?(?P<user>[A-Za-z][\w.-]{2,30})"
    r"(?![\w@])",
    _FLAGS,
)
#: accounts that are no person
_SYSTEM_USERS = frozenset(
    "system admin administrator root service interface guest unknown auto batch".split()
)
#: a ``first.last`` handle outside an e-mail address or a URL ("-- ryan.oshea (radiology resident)")
_DOTTED_HANDLE = regex.compile(
    r"(?<![\w.@/:])(?P<user>[a-z]{2,15}\.[a-z][a-z'’-]{1,20})(?![\w@/]|\.[a-z])", _FLAGS
)
#: an initial and a surname after "by" or in brackets ("Original report by P. Lindqvist", "Final (A. Bin
#: Rashid)", "read by g. aldridge", "BY T. ESPINOZA-RICH")
_INITIAL_SURNAME_AFTER_BY = regex.compile(
    r"(?:\b(?i:by)[:\t ]+|\()(?P<name>\p{L}\.[ ]?(?:\p{L}\.[ ]?)?(?:(?i:bin|ibn|van|de|da|du|le|la|al|el)"
    r"[ -])?(?P<surname>\p{L}[\p{L}'’]+(?:-\p{L}[\p{L}'’]+)?))(?=[ ]*(?:$|[,.;:)(]|[ ](?:at|on|in|for|and"
    r"|\d)))",
    _FLAGS,
)
#: ``Last, First`` between tabs or wide gaps, as worklists print them ("YOUNG, Hope", "Ferreira da Silva,
#: Inês")
#: a name word: Title case (after a particle, or "al-"), or upper case of two letters or more ("O'NEILL")
_NAME_WORD = (
    rf"(?:{_PARTICLE}{{0,3}}(?:(?:al|el|bin|ben|abu|ibn|ould|Al|El|Abu)-)?"
    rf"(?:{_CAP}|(?=(?:Mc|Mac)?\p{{Lu}}['’-]?\p{{Lu}})(?:Mc|Mac)?\p{{Lu}}+(?:['’-]\p{{Lu}}+)*))"
)
_TABULAR_LAST_FIRST = regex.compile(
    rf"(?:^|(?<=\t|[ ]{{2}}|[–—|-][ ]))[ ]*(?P<name>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}},[ ]?"
    rf"(?:{_NAME_WORD}|\p{{Lu}}\.)(?:[ ](?:{_NAME_WORD}|\p{{Lu}}\.)){{0,2}})(?=\t|[ ]{{2}}|[ ]+\d|[ ]+[-–—"
    rf"|]|[ ]*$)",
    _FLAGS,
)
#: a given name and an initial in a table or list ("Priya D.", "Tom K.")
_INITIAL_SUFFIX = regex.compile(r"[ ]\p{Lu}\.(?=\t|[ ]{2}|[ ]*[,;)]|[ ]*$)", _FLAGS)
_FIRST_INITIAL = regex.compile(rf"\b(?<![\p{{L}}\d'’.-])(?P<first>{_CAP})\Z", _FLAGS)
#: a closing word and a single name ending the line ("thanks, bev", "Groet, Sjoerd"), or a dash and a name
_SIGN_OFF = regex.compile(
    r"(?:(?P<thanks>(?i:\b(?:thanks|thank[ ]you|thx|thnx|cheers|regards|groet|groeten|bye|ta|love|best|merci"
    r"|danke|gracias|kr))[,!.]?[ ]+)|(?:^[ \t]*|(?<=[.!?)][ ]+))[-–—~][ ]*|\bby[ ]+)"
    r"(?P<first>\p{L}[\p{L}\p{Mn}'’-]+)(?=[ ]*$|[ ]*\(|,|[ ]+x\d)",
    _FLAGS,
)
#: who speaks on a chat or log line: a time (and date), then a name and a colon ("07:13 Priya: ya till 8")
_CHAT_SPEAKER = regex.compile(
    r"^[ \t]*\[?(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?,?[ ]+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:[ ]?[apAP][mM])?\]?"
    r"[ ]*[-–]?[ ]*(?P<name>\p{L}[\p{L}\p{Mn}'’-]+(?:[ ]\p{L}[\p{L}\p{Mn}'’-]+)?):[ ]",
    _FLAGS,
)
#: "Patient X Y" without a colon, also in brackets ("Patient (Lachlan Wood, ...)"), any case
_PATIENT_THEN_NAME = regex.compile(
    rf"(?<![\p{{L}}\d])(?:Patient|PATIENT|Pt|PT|Pat\.|pt|patient|Name|NAME)[ ]+\(?(?P<name>{_NAME_WORD}"
    rf"(?:[ ](?:{_NAME_WORD}|\p{{Lu}}\.)){{1,3}})(?![\p{{L}}\d'’-])",
    _FLAGS,
)
#: a name right before a date of birth or a record number ("Pieter du Toit (DOB ...", "... Hill, MRN")
_BIRTH_OR_RECORD = regex.compile(
    r"\b(?<![\p{L}])(?i:dob|d\.o\.b\.?|date[ ]of[ ]birth|born|geb\.|née?|mrn|nhs[ ]no|chi|urn"
    r"|hosp(?:ital)?[ ]no)\b",
    _FLAGS,
)
#: a name run that ends where a date of birth or record number starts (searched backwards from that label)
_NAME_BEFORE_DOB = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<name>(?:{_NAME_WORD}|\p{{Ll}}+)(?:[ ](?:{_NAME_WORD}|\p{{Ll}}[\p{{Ll}}'’-]+"
    rf"|\p{{Lu}}\.)){{1,3}})(?:[ ]*,[ ]*|[ ]+|[ ]*\()\(?\Z",
    _FLAGS,
)
#: a name and, after a comma, a role ("Isla Grant, MSK Advanced Practitioner Physio")
#: a name and, after a comma, a role ("Isla Grant, MSK Advanced Practitioner Physio")
_ROLE_SUFFIX = regex.compile(
    r",[ ]+(?:[\p{L}&]+[ ]){0,3}(?i:practitioner|physio|physiotherapist|radiographer|radiologist|nurse"
    r"|registrar|consultant|surgeon|secretary|sister|matron|technologist|sonographer|resident|fellow|interne?"
    r"|spr|sho|reg|fy1|fy2|gp|manager|coordinator|clerk|podiatrist|therapist|chiropractor|osteopath)\b",
    _FLAGS,
)
_NAME_THEN_ROLE = regex.compile(
    rf"\b(?<![\p{{L}}\d'’-])(?P<name>{_CAP}(?:[ ]+{_PARTICLE}{{0,2}}{_CAP}){{1,2}})\Z",
    _FLAGS,
)
#: a numbered or bulleted list item that opens with a name ("3) Kees de Wit – enchondroma")
_LIST_ITEM_NAME = regex.compile(
    rf"^[ \t]*(?:\d{{1,2}}[.)]|[-•*])[ \t]*(?:(?i:mr|mrs|ms|miss|dr|mw|dhr)\.?[ ]+)?(?P<name>{_NAME_WORD}"
    rf"(?:[ ]+{_NAME_WORD}){{0,3}})(?=[ ]*(?:[–—,(]|[ ]-[ ]|\d))",
    _FLAGS,
)
_INTRO_VERB = r"(?:from|calling|here|speaking|dictating)"
#: who is writing ("this is chiamaka, ...", "my name is ...")
_SELF_INTRO = regex.compile(
    rf"(?i:\b(?:this[ ]is|my[ ]name[ ]is|i[ ]am|i['’]m"
    rf"|it['’]s))[ ]+(?:(?P<title>(?i:dr|doctor|nurse|sister))\.?[ ]+)?(?P<first>{_ANY})"
    rf"(?:[ ]+(?!{_INTRO_VERB}\b)(?P<last>{_ANY}))?(?=[ ]*(?:[,.;!(\n]|$)|[ ]+(?P<verb>{_INTRO_VERB})\b)",
    _FLAGS,
)
#: a role after a self-introduction vouches for the name ("this is Lark, the nurse for Dr. X")
_INTRO_ROLE = regex.compile(
    r",[ ]+(?i:the|your|a|one[ ]of[ ]the)[ ]+(?:[\w-]+[ ]+){0,2}?(?i:nurses?|radiographers?"
    r"|physio\w*|doctors?"
    r"|registrars?|secretary|secretaries|co-?ordinators?|receptionists?|tech\w*|sonographers?|therapists?"
    r"|pharmacists?|midwi(?:fe|ves)|consultants?|surgeons?|radiologists?|gp|managers?|clerks?|porters?"
    r"|assistants?|practitioners?|scribes?|transcriptionists?|interpreters?)\b",
    _FLAGS,
)
#: a surname before a film or study word ("the Lopes film")
_SURNAME_BEFORE_STUDY = regex.compile(
    rf"(?i:\bthe)[ ]+(?P<last>{_CAP})[ ]+(?i:films?|x-?rays?|xr|study|studies|images|case|scan|report"
    rf"|request)\b",
    _FLAGS,
)
#: a given name, then where they work or what they will do ("Reggie from the Physiotherapy team",
#: "Bryn to book US", "with Aoife, our physio")
#: what a given name does next ("Reggie from the Physiotherapy team", "Bryn to book US", "Aoife, our physio")
_DUTY_SUFFIX = regex.compile(
    r"[ ]+(?:from|in)[ ]+(?:the[ ]+)?(?i:rads|radiology|x-?ray|physio\w*|ward|ortho\w*|ed|a&e|pharmacy"
    r"|theatres?|team|switchboard|reception|admin|records|file[ ]room|pacs|it)\b"
    r"|[ ]+to[ ]+(?:book|arrange|chase|review|discuss|contact|check"
    r"|send|request|organi[sz]e|inform|email|phone|ring|list|confirm|update|escalate|write|call)\b|,[ ]+"
    r"(?:our|the|my|your|his|her)[ ]+(?i:physio|secretary|nurse|gp|pa|receptionist|therapist"
    r"|practice[ ]manager"
    r"|radiographer)\b",
    _FLAGS,
)
#: a person named by an interpreting or a referring cue: "(Faadumo translated)", "Interpreter Min-jun de
#: Vries present", "?MRI. Ref Pemberton."
_CUED_PERSONS = tuple(
    regex.compile(pattern, _FLAGS)
    for pattern in (
        rf"\((?P<name>{_CAP}(?:[ ]{_PARTICLE}{{0,2}}{_CAP})?)[ ]+(?:translated|translating|interpreted"
        rf"|interpreting)\)",
        rf"(?i:\binterpreter)[ ]+(?P<name>{_CAP}(?:[ ]{_PARTICLE}{{0,2}}{_CAP})?)[ ]+(?:present|used"
        rf"|attended|via|on)\b",
        rf"(?<![\p{{L}}\d])Ref\.?[ ]+(?P<name>{_CAP}(?:[ ]{_CAP})?)(?=[ ]*(?:[.;,]|$))",
    )
)
#: a short handle after "by" or "user" ("Retrieved from ... by kk89 on 07/13/1996")
_SHORT_HANDLE = regex.compile(
    r"\b(?:by|user|login)[ :]+(?P<user>[a-z]{2,4}\d{2,4})(?![\p{L}\d@'’.-])", _FLAGS
)
#: two or three lower-case letters alone on a line: a sign-off's initials ("lc" above a letterhead in
#: capitals, or on the last line)
_LONE_INITIALS = regex.compile(
    # above a letterhead in capitals, or a title-case one that goes on after a bar ("Blackwater Ortho | (02)")
    r"^[ \t]*(?P<x>\p{Ll}{2,3})[ \t]*\n(?=[ \t]*(?:\p{Lu}[\p{Lu}\d &'’.,-]{3,}(?:[ ]\||$)"
    r"|\p{Lu}[\p{L}\d &'’.,-]{3,}?[ ]\||\Z))|"
    r"^[ \t]*(?P<x>\p{Ll}{2,3})[ \t]*\Z",
    _FLAGS,
)
#: initials that open a note after its clock time ("PACS note 17 May 2010 0713 HQB: ...", "0357h da: ...")
_INITIALS_AFTER_TIME = regex.compile(
    r"\b(?<![\d.:/-])(?:(?!(?:19|20)\d\d[ ])(?:[01]\d|2[0-3])[0-5]\dh?|\d{1,2}[:.h]\d{2}(?::\d{2})?"
    r"(?:[ ]?(?i:am|pm))?)[ ]+(?P<x>\p{L}{2,3}):[ ]",
    _FLAGS,
)
#: a lower-case person a finding was discussed with, then the clock time ("d/w cem richter 12:03pm")
_LOWER_BEFORE_TIME = regex.compile(
    rf"\b(?:d/w|discussed[ ]with|spoke[ ](?:to|with)|called|paged|told|informed|rang"
    rf"|phoned)[ ]+"
    rf"(?P<name>{_LOW_PERSON})(?=[ ]+(?:at[ ]+)?(?:\d{{1,2}}[:.]\d{{2}}|\d{{3,4}}h?\b))",
    _FLAGS,
)
#: a row that opens with "LAST, FIRST" and an identifier ("BRYANT, MERE X679243 RAD-...", "Stone, Abena
#: H634994B")
_ROW_LAST_FIRST = regex.compile(
    rf"^[ \t]*(?P<name>{_ANY}(?:[ ]{_PARTICLE}{{0,2}}{_ANY})?,[ ]?{_ANY}(?:[ ]{_ANY})?)\Z", _FLAGS
)
#: a row that opens with a person and an identifier ("Nikhil S. Ma  K1317060  DOB", "kofi visser RXH7977369")
_ROW_FIRST_LAST = regex.compile(
    rf"^[ \t]*(?P<name>(?:\p{{Lu}}\.[ ]?)?{_ANY}(?:[ ]+(?:\p{{Lu}}\.[ ]?|{_PARTICLE})*{_ANY}){{0,2}})\Z",
    _FLAGS,
)
#: the identifier after the person in such rows: found first, the person searched backwards from it
_ROW_ID = regex.compile(
    r"(?<=\S)[ \t|]+(?:[A-Z]{1,4}\d{4,}|\d{6,}|\d{3}\.\d{3}\.\d{2,3}|\d{1,3}-\d{4,})(?![\d.])",
    _FLAGS,
)
#: a particle inside a name ("de", "ibn"), which keeps its own case
_PARTICLE_WORD = regex.compile(_PARTICLE.replace("[ ])", ")"), _FLAGS)
#: an initial and a surname alone on a line: a signature ("D. Gray", "M. di Maio")
_INITIAL_SURNAME_LINE = regex.compile(
    rf"^[ \t]*(?P<name>\p{{Lu}}\.[ ]?{_PARTICLE}{{0,2}}(?P<last>{_CAP}))[ \t]*$", _FLAGS
)
#: a person whose knee or films are asked about ("could you look at Aurelie Reed's knee"): the study noun is
#: found first, the cue and the name backwards from it
_STUDY_AFTER_POSSESSIVE = regex.compile(
    r"['’]s[ ]+(?:(?i:left|right|bilateral|l|r)[ ]+)?"
    r"(?i:knees?|hips?|ankles?|films?|x-?rays?|xrs?|images|scans?|mri|ct|report|case|study|referral|request)\b",
    _FLAGS,
)
_CUE_THEN_NAME = regex.compile(
    rf"(?i:\b(?:look(?:ed)?[ ]at|review|reviewed|see|saw|check|checked|about|re:?|on|for))[ ]+"
    rf"(?P<name>{_CAP}(?:[ ]+{_PARTICLE}{{0,2}}{_CAP}){{0,2}})\Z",
    _FLAGS,
)
#: a given name opening a sentence, then a visit ("Heath was reviewed in Mercy", "Ciara was seen at ...")
_VISIT = regex.compile(
    r"[ ]+(?:was|has[ ]been|had[ ]been)[ ]+(?:\p{Ll}+ly[ ]+)?(?:seen|reviewed|admitted|referred|discharged"
    r"|transferred|imaged"
    r"|x-?rayed|assessed|examined|brought|treated|followed)\b",
    _FLAGS,
)
_SENTENCE_FIRST_NAME = regex.compile(rf"(?:^|(?<=[.!?][ ]{{1,2}}))(?P<name>{_CAP})\Z", _FLAGS)
#: a person met at a place ("physio with Nancy at Ravenscroft Imaging", "copied to Demir at Willowbank")
_PERSON_AT = regex.compile(
    rf"(?:\bwith|\b(?:copied|copy|cc['’]?d|sent|forwarded)[ ]to)[ ]+(?P<name>{_CAP}(?:[ ]{_CAP})?)[ ]+at[ ]+"
    rf"(?:the[ ]+)?\p{{Lu}}",
    _FLAGS,
)
#: a person told of a finding ("Becker aware", "Honor Parker aware")
_AWARE = regex.compile(r"[ ]+(?:(?:is|was|made|now)[ ]+)?aware\b", _FLAGS)
#: one or two capitalised words right before a suffix
_NAME_BEFORE = regex.compile(rf"(?<![\p{{L}}\d'’.-])(?P<name>{_CAP}(?:[ ]{_CAP})?)\Z", _FLAGS)
#: an examination or a modality opens no person's row ("XR Pelvis, AP 1234567", "Left Knee  12345")
_NOT_NAME_ROW = regex.compile(rf"\b{EXAM_WORD}\b|\b(?:XR|CT|MR|MRI|US|DX|CR|NM)\b", _FLAGS)
#: a department or service ("informed ortho 14:00" names no person)
_DEPARTMENT = regex.compile(
    rf"{DEPARTMENT_WORD}|(?i:rheum\w*|ortho\w*|derm\w*|onc\w*|neuro\w*|gen[ ]?med|paed\w*|ped\w*|gastro\w*"
    rf"|cardio\w*|haem\w*|hem\w*|renal|resp\w*|uro\w*|endo\w*|geri\w*|surg\w*|anaes\w*|anes\w*|micro\w*"
    rf"|vascular|plastics|ent|family|patient|staff|team|nursing|medics|gp)\b",
    _FLAGS,
)
#: a person, then their relation to the patient in commas ("Haruto Walker, niece, drove him down")
_RELATION_IN_COMMAS = regex.compile(
    rf",[ ]+(?:(?:his|her|their|the[ ]patient['’]s)[ ]+)?{_ROLE_NOUN},", _FLAGS
)
_NAME_BEFORE_RELATION = regex.compile(
    rf"(?<![\p{{L}}\d'’.-])(?P<name>{_CAP}(?:[ ]+{_PARTICLE}{{0,2}}{_CAP}){{1,2}})\Z", _FLAGS
)
_FIRST_THEN_DUTY = regex.compile(rf"\b(?<![\p{{L}}\d'’.-])(?P<first>{_CAP})\Z", _FLAGS)
#: how far back from a suffix a name may start
_NAME_REACH = 72
#: a lower-case given name after a short cue, ending its clause ("tel consult w/ gemma re mum")
_LOWER_SINGLE_AFTER_CUE = regex.compile(
    rf"(?<![\p{{L}}\d])(?:w/|pt|patient|re|cc|told|called|rang|messaged|per|asked)[ ]+(?P<first>{_LOW})"
    rf"(?=[ ]*(?:$|[,.;:()])|[ ]+(?:re|on|at|about|regarding|who|and|dob|mrn)\b)",
    _FLAGS,
)


#: an implant's kind right before a word: the word is the implant's maker or model ("UKA Oxford",
#: "prothèse unicompartimentale Oxford"), not a person or a town
IMPLANT_BEFORE = regex.compile(
    r"(?i:\b(?:uka|tka|tha|tkr|thr|ukr|pkr|unicompartmental|unicompartimentale|prosth[eè]se|prothese"
    r"|prosthesis|implant|bearing|insert|stem|cup|liner)[ ]+)$",
    _FLAGS,
)
#: words of report headers and tables: a "name" made only of them is a column or field label ("EXAM",
#: "Resident", "Regn No", "RESULTS CALLED TO", "unassigned")
HEADER_WORDS: frozenset[str] = frozenset(
    """
    resident attending exam exams acc accession received unassigned assigned secretary npi fax tel phone
    ed a&e er icu itu hdu amu mau cdu
    regn reg no nr opd hospital hosp room rm bed preliminary prelim final results result called to msk physio
    radiology department dept imaging ortho orthopaedic orthopedic orthopaedics surgeon consultant colleague
    colleagues clinic team unit ward the of and registrar fellow technologist tech radiologist nurse rn md
    status patient pt name date time dob mrn sex age id ref referring ordering physician provider signed
    dictated transcribed verified approved reported read by report impression findings history indication
    comparison technique clinical notes note addendum pending unknown none tbc tba knee surgeon station
    views view lat ap pa series study modality location loc visit order ordered requested request
    radiologie radiologia afdeling institut service dienst imagerie médicale medicale orthopädie oberarzt
    oberärztin chefarzt facharzt assistenzarzt interne externe huisarts trauma fracture fractures
    physiotherapy referral referrals for diagnostic requisition form worksheet worklist transcriptionist
    med rec record records medicare gmc hcpc nmc imc ahpra dea licence license registration
    """.split()
)
_WORD_OF_SPAN = regex.compile(r"\p{L}[\p{L}\p{Mn}'’-]*", _FLAGS)

#: short words after a hyphen that the dictionary lacks ("post-op", "pre-op", "f-up")
_HYPHEN_ENDINGS = frozenset("op ops up ed".split())
_LETTERS = regex.compile(r"\p{L}+", _FLAGS)


def _hyphenated(text: str, start: int) -> bool:
    """Whether the letters at ``start`` end a hyphenated word ("X-ray", "post-op"), not a sign-off ("x-jw").

    Text is folded (every dash is a hyphen), so the word decides: an English word or "op" joins.
    """
    if start < 2 or text[start - 1] != "-" or not text[start - 2].isalnum():
        return False
    word = _LETTERS.match(text, start)
    return word is not None and (is_english_form(word[0]) or plain(word[0]) in _HYPHEN_ENDINGS)


def is_header_phrase(span: str) -> bool:
    """Whether ``span`` has no digit and every word of it is a header word (:data:`HEADER_WORDS`)."""
    if any(ch.isdigit() for ch in span):  # "Ward 7B", "Bed 4" are places
        return False
    words = _WORD_OF_SPAN.findall(span)
    return bool(words) and all(plain(w) in HEADER_WORDS for w in words)


#: endings of inflected English words, which the dictionary lists only in their base form ("accompanied")
_INFLECTIONS = ("ed", "ing", "ly", "es", "s", "er", "est")
_WORD_START = regex.compile(r"(?<![\p{L}\d'’-])\p{L}[\p{L}\d-]*", _FLAGS)


def _starting_at(
    text: str, pattern: regex.Pattern[str], first_words: frozenset[str]
) -> Iterator[regex.Match[str]]:
    """Matches of ``pattern`` anchored where a word of ``first_words`` (any case) starts.

    One scan over the words and a set look-up each: much cheaper than trying a long alternation of cue
    words at every position.
    """
    for word in _WORD_START.finditer(text):
        if word[0].lower() in first_words:
            match = pattern.match(text, word.start())
            if match is not None:
                yield match


def _before(
    text: str, suffix: regex.Pattern[str], name: regex.Pattern[str]
) -> Iterator[regex.Match[str]]:
    """Matches of ``name`` (anchored with ``$``) that end where a match of ``suffix`` starts."""
    for hit in suffix.finditer(text):
        match = name.search(text, max(0, hit.start() - _NAME_REACH), hit.start())
        if match is not None:
            yield match


_CAPITAL_START = regex.compile(r"(?<![\p{L}\d'’.-])\p{Lu}", _FLAGS)


def _at_capitals(
    text: str, pattern: regex.Pattern[str], starts: list[int]
) -> Iterator[regex.Match[str]]:
    """Non-overlapping matches of ``pattern`` anchored at the capitalised word starts ``starts``."""
    end = -1
    for start in starts:
        if start < end:
            continue
        match = pattern.match(text, start)
        if match is not None:
            end = match.end()
            yield match


def context_names(text: str) -> list[Detection]:
    """Names found by the slots of the module docstring, as NAME detections."""
    first_names, surnames = census_names()

    def word_ok(word: str) -> bool:
        """A census name that is not a common word, or a word no dictionary has."""
        low = plain(word)
        return (low in first_names or low in surnames or not is_vocabulary(word)) and (
            low not in COMMON_WORDS
        )

    def given(word: str, *, word_like: bool) -> bool:
        """A census first name (one that is a common word only when ``word_like``) or no word at all."""
        low = plain(word)
        if low in first_names and (
            low not in COMMON_WORDS or (word_like and low in NAME_LIKE_WORDS)
        ):
            return True
        return (
            low not in COMMON_WORDS
            and not is_vocabulary(word)
            # "Retrieved" is no name; "Manning" and "Fielding" are census surnames first
            and (low in surnames or not is_inflection(word))
            and len(low) >= 3
        )

    found: list[Detection] = []
    capitals = [m.start() for m in _CAPITAL_START.finditer(text)]

    def add(start: int, end: int, score: float = CONTEXT_SCORE) -> None:
        found.append(Detection(start, end, "NAME", score))

    for match in _NICKNAME.finditer(text) if _QUOTE_HINT.search(text) else ():
        first, last = match["first"], match["last"]
        if first is None:  # '"Big Mike" Okafor': the surname vouches
            if last[0].isupper() and word_ok(last) and not is_vocabulary(last):
                add(match.start(), match.end(), 0.7)
            continue
        same_case = first[0].isupper() == last[0].isupper()
        bracketed = "(" in match[0]
        inner = match[0][match[0].find("(") + 1 : match[0].find(")")] if bracketed else ""
        if any(plain(w) in COMMON_WORDS and plain(w) not in NAME_LIKE_WORDS for w in (inner, last)):
            continue  # "H. KAPOOR (RHEUMATOLOGY) ON": a department in brackets, then a word
        if (
            same_case
            and given(first, word_like=first[0].isupper())
            and len(last) >= 2
            and (first[0].isupper() or plain(first) in first_names)
            and not (bracketed and first[0].islower())
        ):
            add(match.start(), match.end(), 0.75)
    for match in _LOWER_AFTER_PATIENT.finditer(text):
        first, last = plain(match["first"]), plain(match["last"])
        unknown_first = (
            first not in COMMON_WORDS and not is_vocabulary(match["first"]) and len(first) >= 3
        )
        if not unknown_first and (
            first not in first_names or (first in COMMON_WORDS and first not in NAME_LIKE_WORDS)
        ):
            continue
        unknown_last = not is_vocabulary(match["last"]) and last not in COMMON_WORDS
        if unknown_last or (
            last in surnames
            and (
                last in NAME_LIKE_WORDS or (last not in COMMON_WORDS and first not in COMMON_WORDS)
            )
        ):
            add(match.start("first"), match.end())

    def dictated(name: str) -> bool:
        """A lower-case name with an initial, or with a word that is a census name or no word at all."""
        words = [w for w in regex.split(r"[ ,.]+", name) if len(w) > 1]
        return bool(words) and (
            regex.search(r"(?:^|[ ])\p{Ll}\.", name) is not None
            or any(
                len(w) >= 3 and word_ok(w) and (not is_vocabulary(w) or plain(w) in first_names)
                for w in words
            )
        )

    for match in _LOWER_DICTATED.finditer(text):
        if dictated(match["name"]):
            add(match.start("name"), match.end("name"))
    for match in _LOWER_COPIED.finditer(text):
        offset = match.start("names")
        for person in _COPIED_PERSON.finditer(match["names"]):
            if dictated(person["person"]) and not is_header_phrase(person["person"]):
                add(offset + person.start("person"), offset + person.end("person"))
    initials = _LOWER_INITIAL_NAME.finditer(text) if _LOWER_INITIAL_HINT.search(text) else ()
    for match in initials:
        surname = regex.split(r"[. ]+", match["name"])[-1]
        parts = surname.split("-")
        if surname in _SPECIES:
            continue
        if plain(surname) not in COMMON_WORDS and any(
            not is_vocabulary(p) or plain(p) in surnames for p in parts
        ):
            add(match.start("name"), match.end("name"))
    for match in _LOWER_AFTER_DOCTOR.finditer(text):
        if word_ok(match["first"]) and not is_vocabulary(match["first"]):
            end = match.end() if match["last"] and word_ok(match["last"]) else match.end("first")
            add(match.start("first"), end)
    for match in _starting_at(text, _AFTER_ROLE, _ROLE_FIRST_WORDS):
        first, last = match["first"], match["last"]
        if first[0].islower() and "," in text[match.start() : match.start("first")]:
            continue  # "ED reg, bleep 2290": only a capitalised name follows a role and a comma
        if text[max(0, match.start() - 2) : match.start()].rstrip().endswith("&"):
            continue  # "Smith & Nephew Journii": a company's name, not a relative's
        known_last = bool(last) and word_ok(last) and not is_vocabulary(last)
        if (
            first[0].islower()
            and plain(first) not in first_names
            and (
                is_vocabulary(first)
                or plain(first) in COMMON_WORDS
                or len(first) < 4
                or first.endswith(_INFLECTIONS)
            )
        ):
            continue
        if given(first, word_like=True) or (known_last and first[0].isupper()):
            end = match.end() if last and word_ok(last) else match.end("first")
            add(match.start("first"), end)
    for match in _before(text, _AGE_SUFFIX, _NAME_THEN_AGE):
        words = regex.findall(_CAP, match["name"])
        if len(words) == 1 and not given(words[0], word_like=True):
            continue
        if IMPLANT_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            continue  # "L UKA Oxford 7yr": an implant and its age
        if (
            any(word_ok(w) and not is_vocabulary(w) for w in words)
            or (len(words) >= 2 and plain(words[0]) in first_names and plain(words[-1]) in surnames)
            or (len(words) == 1 and plain(words[0]) in first_names)
        ):
            add(match.start("name"), match.end("name"))
    barrels = _at_capitals(text, _DOUBLE_BARREL, capitals) if _BARREL_HINT.search(text) else ()
    for match in barrels:
        parts = match["word"].split("-")
        if (
            all(len(p) >= 3 for p in parts)
            and all(
                plain(p) in first_names or plain(p) in surnames or not is_vocabulary(p)
                for p in parts
            )
            and not all(is_vocabulary(p) or plain(p) in COMMON_WORDS for p in parts)
        ):
            add(match.start("word"), match.end("word"), 0.55)
    sign_offs = (m for hint, p in _SIGN_OFF_LINES if hint.search(text) for m in p.finditer(text))
    for match in sign_offs:
        words = regex.findall(_CAP, match["name"])
        if (
            words
            # one word alone is a census name that is no English word ("Karimi", not "Kellgren", "Garden")
            and (
                len(words) > 1
                or (plain(words[0]) in first_names and plain(words[0]) not in COMMON_WORDS)
                or (plain(words[0]) in surnames and not is_vocabulary(words[0]))
            )
            and all(plain(w) not in COMMON_WORDS for w in words)
            and any(given(w, word_like=True) or word_ok(w) for w in words)
            # "Arrived 14:30", "Reviewed 10:20": an inflected verb is no name
            and not any(
                w.lower().endswith(("ed", "ing"))
                and plain(w) not in first_names
                and plain(w) not in surnames
                for w in words
            )
            and not is_header_phrase(match["name"])
        ):
            add(match.start("name"), match.end("name"))
    for match in (m for pattern in (_ATTENDANCE, _ADDRESSEES) for m in pattern.finditer(text)):
        items_start = match.start("items")
        items = _BRACKETS.sub(lambda m: " " * len(m[0]), match["items"])
        for item in _LIST_ITEM.finditer(items):
            named = _ITEM_NAME.match(item[0])
            words = regex.findall(_CAP, named["name"]) if named else []
            # any name-like word, an initial ("U. Sharp") or a given name first ("Rose Good") in a list
            if named and (
                any(word_ok(w) for w in words)
                or (
                    ("." in named["name"] or (len(words) >= 2 and plain(words[0]) in first_names))
                    and not is_header_phrase(named["name"])
                )
            ):
                add(
                    items_start + item.start() + named.start("name"),
                    items_start + item.start() + named.end("name"),
                )
    for match in (m for pattern in _INITIALS for m in pattern.finditer(text)):
        if plain(match["x"]) not in _NOT_INITIALS and not _hyphenated(text, match.start("x")):
            add(match.start("x"), match.end("x"), 0.55)
    for match in (m for pattern in _SURE_INITIALS for m in pattern.finditer(text)):
        if plain(match["x"]) not in _NOT_SURE_INITIALS:
            add(match.start("x"), match.end("x"), 0.55)
    for match in _USER_NAME.finditer(text):
        user = match["user"]
        if is_english_form(user.replace(".", "")) or plain(user) in first_names:
            continue  # "limited by hypoventilation", "exaggerated by overlapping bone"
        surname = (user.split(".", 1)[-1] if "." in user else user[1:]).rstrip("0123456789")
        if (
            ("." in user and not is_vocabulary(surname))
            or (surname in surnames and surname not in COMMON_WORDS)
            # after "by" or "user", a handle no dictionary has ("by asokolov")
            or (match["cue"] and len(surname) >= 5 and not is_vocabulary(surname))
        ):
            add(match.start("user"), match.end("user"), 0.55)
    for match in _QUOTED_PERSON_KEY.finditer(text):
        words = regex.findall(_CAP, match["name"])
        if words and not is_header_phrase(match["name"]) and any(word_ok(w) for w in words):
            add(match.start("name"), match.end("name"), 0.65)
    for match in _USER_KEY.finditer(text):
        user = match["user"]
        if not is_vocabulary(user) and plain(user) not in _SYSTEM_USERS:
            add(match.start("user"), match.end("user"), 0.6)
    for match in _DOTTED_HANDLE.finditer(text):
        first, last = match["user"].split(".", 1)
        if first in first_names and not is_vocabulary(last) and last not in COMMON_WORDS:
            add(match.start("user"), match.end("user"), 0.55)
    for match in _INITIAL_SURNAME_AFTER_BY.finditer(text):
        surname = match["surname"]
        if not is_header_phrase(surname) and (word_ok(surname) or surname.isupper()):
            add(match.start("name"), match.end("name"), 0.65)

    def any_name(words: list[str]) -> bool:
        """At least one census name or unknown word, and not every word vocabulary."""
        return any(word_ok(w) for w in words) and not all(
            is_vocabulary(w) or plain(w) in COMMON_WORDS for w in words
        )

    for match in _at_capitals(text, _TABULAR_LAST_FIRST, capitals):
        words = regex.findall(r"\p{L}[\p{L}\p{Mn}'’-]+", match["name"])
        if any_name(words) or any(plain(w) in NAME_LIKE_WORDS for w in words):
            add(match.start("name"), match.end("name"), 0.65)
    for match in _before(text, _INITIAL_SUFFIX, _FIRST_INITIAL):
        if given(match["first"], word_like=True):
            add(match.start("first"), match.end() + 3, 0.55)
    for match in _SIGN_OFF.finditer(text):
        first = match["first"]
        low = plain(first)
        # after "thanks" a lower-case word no dictionary has is a name too ("thanks kirra")
        if (low in first_names and (low not in COMMON_WORDS or low in NAME_LIKE_WORDS)) or (
            (first[0].isupper() or match["thanks"]) and given(first, word_like=False)
        ):
            add(match.start("first"), match.end("first"), 0.55)
    for match in _CHAT_SPEAKER.finditer(text):
        words = match["name"].split()
        if not is_header_phrase(match["name"]) and (
            any(word_ok(w) and not is_vocabulary(w) for w in words)
            or plain(words[0]) in first_names
        ):
            add(match.start("name"), match.end("name"))
    for matches in (
        _PATIENT_THEN_NAME.finditer(text),
        _before(text, _BIRTH_OR_RECORD, _NAME_BEFORE_DOB),
        _before(text, _ROLE_SUFFIX, _NAME_THEN_ROLE),
        _LIST_ITEM_NAME.finditer(text),
    ):
        for match in matches:
            start, end = match.span("name")
            words = regex.findall(r"\p{L}[\p{L}\p{Mn}'’-]+", match["name"])
            # "images of Pieter du Toit (DOB": lower-case words that are no given name open no name
            while len(words) > 1 and words[0][0].islower() and plain(words[0]) not in first_names:
                start = text.index(words[1], start + len(words[0]))
                words = words[1:]
            head = plain(words[0]) if words else ""
            if words and words[0][0].islower() and head not in first_names:
                continue
            if is_vocabulary(words[0]) and head not in first_names and head not in surnames:
                continue  # "PT HAS BAKER'S CYST": a name opens on a name word
            if head in COMMON_WORDS and head not in NAME_LIKE_WORDS:
                continue  # "• Left TKA (Attune)": a side or a report word opens no name
            if any_name(words) and (head in first_names or word_ok(words[0]) or len(words) >= 2):
                add(start, end)
    for match in _SELF_INTRO.finditer(text):
        first, last = match["first"], match["last"]
        # "this is Buck Tollefson calling", "this is doctor marsh dictating": the verb vouches for the name
        # "this is Lark, the nurse for ...": a role after the name vouches even for a word
        role = bool(_INTRO_ROLE.match(text, match.end())) and first[0].isupper()
        vouched = role or (bool(match["verb"]) and (first[0].isupper() or bool(match["title"])))
        # "this is faith odumosu": a given name and a surname no dictionary has vouch for each other
        known_pair = (
            bool(last)
            and plain(first) in first_names
            and len(last) >= 3
            and not is_vocabulary(last)
            and plain(last) not in COMMON_WORDS
        )
        if len(first) >= 3 and (
            given(first, word_like=first[0].isupper())
            or known_pair
            or (
                vouched
                and not is_header_phrase(first)
                and (
                    not is_vocabulary(last)
                    if last
                    else bool(match["title"]) or role or not is_vocabulary(first)
                )
            )
        ):
            end = match.end("last") if last and word_ok(last) else match.end("first")
            add(match.start("first"), end)
    for match in _SHORT_HANDLE.finditer(text):
        add(match.start("user"), match.end("user"), 0.55)
    for pattern in (_LONE_INITIALS, _INITIALS_AFTER_TIME):
        for match in pattern.finditer(text):
            initials = match["x"]
            if plain(initials) not in _NOT_INITIALS and not (
                initials.islower() and is_vocabulary(initials)
            ):
                add(match.start("x"), match.end("x"), 0.55)
    for match in _LOWER_BEFORE_TIME.finditer(text):
        words = regex.findall(r"\p{L}[\p{L}\p{Mn}'’-]+", match["name"])
        if (
            words
            and not is_header_phrase(match["name"])
            and not any(_DEPARTMENT.match(w) for w in words)
            # "d/w te whare 10.01", "d/w xiu hernandez 07.20", "d/w pat 2222": a given name, a particle or
            # a word that may be a name; one of three letters at least
            and all(
                (word_ok(w) and len(w) >= 4)
                or plain(w) in first_names
                or (_PARTICLE_WORD.fullmatch(w) is not None and len(words) > 1)
                or (len(w) == 3 and not is_vocabulary(w) and plain(w) not in COMMON_WORDS)
                for w in words
            )
        ):
            add(match.start("name"), match.end("name"))
    for match in _before(text, _ROW_ID, _ROW_LAST_FIRST):
        words = regex.findall(_ANY, match["name"])
        if (
            not is_header_phrase(match["name"])
            and all(word_ok(w) for w in words)
            and any(plain(w) in surnames or plain(w) in first_names for w in words)
        ):
            add(match.start("name"), match.end("name"), 0.65)
    for match in _before(text, _ROW_ID, _ROW_FIRST_LAST):
        # a given name (an initial, or no dictionary word) first and a surname last, all in one case, no
        # acronym: "Nikhil S. Ma", "kofi visser"; not "NexGen stem", "Enc CSN", "Untersuchung vom"
        tokens = regex.findall(r"\p{L}[\p{L}\p{Mn}'’-]*\.?", match["name"])
        first, last = tokens[0], tokens[-1]
        initial = regex.fullmatch(r"\p{Lu}\.", first) is not None
        known_first = initial or plain(first) in first_names
        middle_initial = any(regex.fullmatch(r"\p{Lu}\.", t) for t in tokens[1:-1])
        if (
            len(tokens) >= 2
            and len({t[0].isupper() for t in tokens if not _PARTICLE_WORD.fullmatch(t)}) == 1
            and not any(regex.fullmatch(r"\p{Lu}{2,3}", t) for t in tokens)
            and not is_header_phrase(match["name"])
            and not _NOT_NAME_ROW.search(match["name"])
            and plain(first) not in COMMON_WORDS
            and plain(last) not in COMMON_WORDS
            # "Rohan Horomona": a census name first and a surname no dictionary has;
            # "Nikhil S. Ma": a middle initial vouches for a short census surname
            and (
                known_first
                or not is_vocabulary(first)
                or (plain(first) in surnames and not is_vocabulary(last))
            )
            and (
                not is_vocabulary(last)
                or ((known_first or middle_initial) and plain(last) in surnames)
            )
        ):
            add(match.start("name"), match.end("name"), 0.6)
    for match in _INITIAL_SURNAME_LINE.finditer(text):
        if word_ok(match["last"]) and not is_header_phrase(match["name"]):
            add(match.start("name"), match.end("name"), 0.6)
    for match in _before(text, _STUDY_AFTER_POSSESSIVE, _CUE_THEN_NAME):
        words = regex.findall(_CAP, match["name"])
        if (
            words
            and not is_header_phrase(match["name"])
            and (given(words[0], word_like=True) or (len(words) >= 2 and word_ok(words[-1])))
        ):
            add(match.start("name"), match.end("name"))
    for match in _before(text, _VISIT, _SENTENCE_FIRST_NAME):
        low = plain(match["name"])
        if given(match["name"], word_like=True) or (low in first_names and low not in COMMON_WORDS):
            add(match.start("name"), match.end("name"))
    for match in (*_PERSON_AT.finditer(text), *_before(text, _AWARE, _NAME_BEFORE)):
        words = regex.findall(_CAP, match["name"])
        if (
            words
            and not is_header_phrase(match["name"])
            and not any(_DEPARTMENT.match(w) for w in words)
            and all(word_ok(w) for w in words)
        ):
            add(match.start("name"), match.end("name"))
    for match in _before(text, _RELATION_IN_COMMAS, _NAME_BEFORE_RELATION):
        words = regex.findall(_CAP, match["name"])
        # the first word a given name, or a census surname last ("Haruto Walker, niece,")
        if (
            words
            and not is_header_phrase(match["name"])
            and (
                given(words[0], word_like=True)
                or (
                    plain(words[-1]) in surnames
                    and plain(words[0]) not in COMMON_WORDS
                    and plain(words[0]) not in _NOT_FIRST_WORDS
                )
            )
            and all(word_ok(w) or plain(w) in first_names for w in words)
        ):
            add(match.start("name"), match.end("name"))
    for match in _SURNAME_BEFORE_STUDY.finditer(text):
        last = match["last"]
        if word_ok(last) and not is_vocabulary(last):
            add(match.start("last"), match.end("last"), 0.55)
    for match in (m for pattern in _CUED_PERSONS for m in pattern.finditer(text)):
        words = regex.findall(_CAP, match["name"])
        if (
            words
            and not is_header_phrase(match["name"])
            and not any(plain(w) in LANGUAGE_WORDS for w in words)
            and all(word_ok(w) or plain(w) in first_names for w in words)
        ):
            add(match.start("name"), match.end("name"), 0.6)
    for match in _before(text, _DUTY_SUFFIX, _FIRST_THEN_DUTY):
        if given(match["first"], word_like=True):
            add(match.start("first"), match.end("first"), 0.55)
    for match in _LOWER_SINGLE_AFTER_CUE.finditer(text):
        low = plain(match["first"])
        if low in first_names and low not in COMMON_WORDS and len(low) >= 3:
            add(match.start("first"), match.end("first"), 0.55)
    return found
