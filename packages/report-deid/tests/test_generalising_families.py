"""Development set for 0.4.0: PHI surface forms by family, from the catalogue's FORMS with own strings.

Every instance here (names, towns, facilities, numbers) was made up for this file; none is taken from the
independent evaluation set or copied from its catalogue. Each case is a sentence and a substring that must be
fully covered by some detection (any type: a leak is a leak). ``NAME_FORMS x NAME_CONTEXTS`` and the phone,
place and date grids check that a form is found in every context, not just in the one it was written for.
The keep cases must come back unchanged.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from report_deid import Scrubber
from report_deid.text_forms import fold

FAMILIES = [
    # names: foreign titles, kin, greetings, closings, role lines, initials, carets, upper-case "Mc"
    ("Herr Dietmar Oberhuber", "Dietmar Oberhuber"),
    ("Frau Dr. med. Katrin Lehmeier", "Katrin Lehmeier"),
    ("Mme Amandine Lefoulon", "Amandine Lefoulon"),
    ("M. Thierry Bouchard", "Thierry Bouchard"),
    ("Sister Bernadette Kowal", "Bernadette Kowal"),
    ("Accompanied by her daughter, Ines.", "Ines"),
    ("With best wishes,\nGareth Pryce-Evans", "Gareth Pryce-Evans"),
    ("Yours sincerely,\n\nDr Fionnuala Brennan\nConsultant Radiologist", "Fionnuala Brennan"),
    ("PATIENT: OYELARAN, TEMITOPE A", "OYELARAN, TEMITOPE A"),
    ("NAME: McDOUGALL, ANGUS", "McDOUGALL, ANGUS"),
    ("Mother: Ngozi N'Diaye", "Ngozi N'Diaye"),
    ("Patient ID: ODUYA^KEMI^B", "ODUYA^KEMI^B"),
    ("Kemi Oduya is a 64-year-old woman.", "Kemi Oduya"),
    ("Seen by Nakamura in clinic today.", "Nakamura"),
    ("Temitope Oyelaran\nConsultant Radiologist", "Temitope Oyelaran"),
    ("Halvorsen, Ingrid (patient)", "Halvorsen, Ingrid"),
    ("The patient, Aroha Te Whata, presented with pain.", "Aroha Te Whata"),
    # places: cities (gazetteer), counties, units, postcodes, rural routes, named places, German streets
    ("transferred from Saint-Étienne", "Saint-Étienne"),
    ("referred from Den Haag", "Den Haag"),
    ("Resident of Cook County.", "Cook County"),
    ("12 Tannery Lane, Kilkenny", "Kilkenny"),
    ("Bay 3 Bed 2", "Bay 3 Bed 2"),
    ("Ward 7B", "Ward 7B"),
    ("Works at Greenfield Farm Supplies.", "Greenfield Farm Supplies"),
    ("She teaches at Hawthorn Primary School.", "Hawthorn Primary School"),
    ("Postfach 1234", "Postfach 1234"),
    ("RR 2 Box 41", "RR 2 Box 41"),
    ("Am Weiher 3", "Am Weiher 3"),
    ("Eircode D02 X285", "D02 X285"),
    ("Castlebar LS1 4AP", "Castlebar"),
    ("Wohnort: Lindach", "Lindach"),
    ("she lives at 14 birchwood street in leeds", "14 birchwood street"),
    ("millbrook, oh 43017", "millbrook"),
    # facilities
    ("Klinikum links der Weser", "Klinikum links der Weser"),
    ("Elmwood Surgery", "Elmwood Surgery"),
    ("Radiologie am Marktplatz", "Radiologie am Marktplatz"),
    ("Clinique du Parc", "Clinique du Parc"),
    ("Schlossparkklinik", "Schlossparkklinik"),
    ("Tamworth NHS Trust", "Tamworth NHS Trust"),
    ("Millbrook Physical Therapy", "Millbrook Physical Therapy"),
    ("Centre d'imagerie médicale du Lac", "Centre d'imagerie médicale du Lac"),
    ("films from st. aldric's hospital", "st. aldric's hospital"),
    ("brookvale family practice referral", "brookvale family practice"),
    # dates and times
    ("Untersuchung am 14. März 2024", "14. März 2024"),
    ("le 5 février 2024", "5 février 2024"),
    ("mardi 14 mars 2024", "mardi 14 mars 2024"),
    ("14 de marzo de 2024", "14 de marzo de 2024"),
    ("14.III.2024", "14.III.2024"),
    ("on the fourteenth of March", "fourteenth of March"),
    ("Surgery on 11/02.", "11/02"),
    ("14.03.2024, 21.40", "21.40"),
    ("um 14:30 Uhr", "14:30 Uhr"),
    ("at two thirty pm", "two thirty pm"),
    ("dob two nine nineteen thirty one", "two nine nineteen thirty one"),
    # phones
    ("mobile 07700 900123", "07700 900123"),
    ("call 555-0143 ext. 22", "555-0143 ext. 22"),
    ("+33 (0)1 42 34 56 78", "+33 (0)1 42 34 56 78"),
    ("Tel. 089/4140-0", "089/4140-0"),
    ("0049 89 4140 0", "0049 89 4140 0"),
    ("Phone (0113) 243 2799", "(0113) 243 2799"),
    ("call 1-800-DOC-KNEE", "1-800-DOC-KNEE"),
    (
        "call six one seven five five five zero one four three",
        "six one seven five five five zero one four three",
    ),
    # national numbers, identifiers, ages, network addresses
    ("NI number QQ 12 34 56 C", "QQ 12 34 56 C"),
    ("N° sécurité sociale : 1 84 12 76 451 089 46", "1 84 12 76 451 089 46"),
    ("BSN 123456782", "123456782"),
    ("RIS no. XR24.031187", "XR24.031187"),
    ("Examen n° 24-031187", "24-031187"),
    ("092Y", "092Y"),
    ("92-jähriger Patient", "92-jähriger"),
    ("patiente de 91 ans", "91 ans"),
    ("Alter: 94 J.", "94"),
    ("a ninety-four gentleman", "ninety-four"),
    ("fe80::1c2:3ff:fe4a:9b12", "fe80::1c2:3ff:fe4a:9b12"),
    ("pacs.mercy.local/viewer?acc=44812", "pacs.mercy.local/viewer?acc=44812"),
    # DICOM header dumps: person names (VR PN), dates, times, keyed elements; tags are not times
    ("(0008,0090) ReferringPhysicianName PN [OYELARAN^TEMITOPE^^DR]", "OYELARAN^TEMITOPE"),
    ("(0010,0010) PatientName PN [TE WHATA^AROHA]", "TE WHATA^AROHA"),
    ("(0008,1070) OperatorsName PN [JDOE]", "JDOE"),
    ("(0008,0081) InstitutionAddress ST [14 BIRCHWOOD ST^MILLBROOK^OH^43017]", "43017"),
    ("(0008,1010) StationName SH [XR-ROOM3]", "XR-ROOM3"),
    ("(0008,0030) StudyTime TM [143205.000000]", "143205.000000"),
    ("(0010, 0010) Patient's Name PN: 'OKAFOR^NGOZI'", "OKAFOR^NGOZI"),
    ("Will Baker was seen in clinic.", "Will Baker"),
    # Unicode spaces and dashes (typeset French numbers and dates, non-breaking hyphens)
    ("Tél.\u00a0: 01\u202f42\u202f34\u202f56\u202f78", "01\u202f42\u202f34\u202f56\u202f78"),
    ("le 14\u00a0mars\u00a02024", "14\u00a0mars\u00a02024"),
    ("617\u2011555\u20110143", "617\u2011555\u20110143"),
]
NAME_FORMS = [
    "Temitope Oyelaran",
    "Oyelaran, Temitope B.",
    "OYELARAN, TEMITOPE",
    "T. Oyelaran",
    "Pieter van der Berg",
    "Kwame Mensah-Bonsu",
    "MÜLLER, Jörg",
]
NAME_CONTEXTS = [
    "Patient Name: {}",
    "PATIENT NAME    {}",
    "| Patient | {} |",
    "Referrer: {}",
    "Registrar: {}",
    "Reporting radiographer: {}",
    "Authorised by {}",
    "Signed electronically by {} on 3/4/2024",
    "Good morning {},",
    "Sehr geehrte Frau {},",
    "Überweiser: {}",
    "Prescripteur : {}",
    "{}, MD",
    "{} FRCR",
    "d/w {} at 14:32",
    "Prelim by {}",
    "Regards,\n{}",
]
PHONE_FORMS = [
    "0113 243 2799",
    "+44 (0)113 243 2799",
    "+49 89 4140-0",
    "020 566 9111",
    "617–555–0143",
    "+31 (0) 20 566 9111",
]
PHONE_CONTEXTS = [
    "Tel: {}",
    "Fax: {}",
    "call back at {} with results",
    "| Phone | {} |",
    "Telefon: {}",
]
KEEP = [
    "Dear Colleague,",
    "Dear Sir/Madam,",
    "Ottawa rules applied.",
    "Rosenberg view obtained.",
    "Oxford partial knee replacement.",
    "100 cc Omnipaque",
    "Physical Therapy",
    "Emergency Department",
    "Knee Surgery",
    "Orthopaedic Surgery follow-up.",
    "Radiologie",
    "Heart size normal. Lungs clear.",
    "ninety degrees of flexion",
    "one or two views",
    "Grade 2/3 chondral loss.",
    "Lateral compartment narrowing.",
    "(0010,0010)",
    "Mark the lateral side.",
]


@pytest.mark.parametrize(("text", "part"), FAMILIES, ids=[p for _, p in FAMILIES])
def test_family_covered(covered: Callable[[str, str], bool], text: str, part: str) -> None:
    assert covered(text, part)


def test_every_name_form_in_every_context(covered: Callable[[str, str], bool]) -> None:
    missed = [
        (form, context)
        for form, context in itertools.product(NAME_FORMS, NAME_CONTEXTS)
        if not covered(context.format(form), form)
    ]
    assert not missed


def test_every_phone_form_in_every_context(covered: Callable[[str, str], bool]) -> None:
    missed = [
        (form, context)
        for form, context in itertools.product(PHONE_FORMS, PHONE_CONTEXTS)
        if not covered(context.format(form), form)
    ]
    assert not missed


@pytest.mark.parametrize("text", KEEP)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text).text == text


def test_time_beside_a_date_stays_a_time(scrubber: Scrubber) -> None:
    text = "Exam date: 03/14/2022 10:56"
    assert ("10:56", "TIME") in [
        (text[d.start : d.end], d.entity_type) for d in scrubber.detect(text)
    ]


def test_fold_keeps_length_and_offsets() -> None:
    text = "Tél.\u00a0: 01\u202f42 – O’Brien 14‑03‑2024"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "Tél. : 01 42 - O'Brien 14-03-2024"
    assert fold("plain ascii") == "plain ascii"


def test_gazetteer_needs_a_cue_for_ordinary_words() -> None:
    from report_deid.place_lexicon import lexicon_places

    def found(text: str) -> list[str]:
        return [text[d.start : d.end] for d in lexicon_places(text)]

    assert found("She came from Reading for the scan.") == ["Reading"]
    assert found("Reading the films again.") == []
    assert found("Heart size normal. Mobile unit used.") == []
    assert found("Charcot joint changes.") == []


def test_the_word_list_is_read_without_running_code(tmp_path: Path) -> None:
    """The vocabulary's unpickler builds plain containers and refuses any global (a code-running pickle)."""
    import io
    import pickle

    from report_deid.vocabulary import _DataOnlyUnpickler, english_vocabulary

    assert {"fracture", "effusion", "meniscus"} <= english_vocabulary()
    assert "paris" not in english_vocabulary()  # web2 has it only capitalised: a proper noun
    plain = pickle.dumps({"knee", "joint"})
    assert _DataOnlyUnpickler(io.BytesIO(plain)).load() == {"knee", "joint"}
    hostile = pickle.dumps(tmp_path)  # refers to pathlib's classes
    with pytest.raises(pickle.UnpicklingError, match="only plain containers"):
        _DataOnlyUnpickler(io.BytesIO(hostile)).load()


@pytest.mark.parametrize(
    ("text", "name", "kept"),
    [
        ("Compared with Dr. Okafor's prior study, no change.", "Okafor", "prior study"),
        ("Mrs. Fields's son accompanied her.", "Fields", "son accompanied"),
        ("Per dr. nguyen's read medial osteophytes are seen.", "nguyen", "read medial osteophytes"),
        ("As Dr. Ann Jones' note says, effusion is small.", "Ann Jones", "note says"),
    ],
)
def test_a_possessive_ends_the_name(
    scrubber: Scrubber, covered: Callable[[str, str], bool], text: str, name: str, kept: str
) -> None:
    assert covered(text, name)
    assert kept in scrubber.scrub(text).text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Findings discussed with rebecca stone by telephone.", "rebecca stone"),
        ("Results called to john at 3 pm.", "john"),
        ("Results communicated to nurse amy.", "amy"),
        ("Case reviewed with carol.", "carol"),
        ("Discussed with grace hill at noon.", "grace hill"),
    ],
)
def test_lower_case_name_after_a_communication_cue(
    covered: Callable[[str, str], bool], text: str, name: str
) -> None:
    assert covered(text, name)


@pytest.mark.parametrize(
    "text",
    [
        "Findings conveyed to ward.",
        "Report given to son.",
        "Discussed with patient family at bedside.",
        "Results given to charge nurse.",
        "Discussed with mark on the ward.",  # a first name that is a common word needs a surname here
        "Case discussed with surgery.",
    ],
)
def test_communication_cue_keeps_places_and_roles(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text).text == text
