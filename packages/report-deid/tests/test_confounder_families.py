"""Families of 0.10.0: words that look like PHI and are not (departments in brackets, credentials, versions,
DICOM value representations, coded HL7 elements, implants named after towns, states and countries, German
and Dutch report words), and the PHI found beside them. Every string is made up for this file.

A keep case is a sentence and a term that no detection may touch; a family case is a sentence and a
substring that must be fully covered by some detection.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from report_deid import Scrubber
from report_deid.gazetteer import is_region
from report_deid.vocabulary import is_english_form, is_inflection

KEEP = [
    # a department, a language, a role or a credential in brackets after a person
    ("Discussed with B. Okorie (Rheumatology) on 4/4/24.", "Rheumatology"),
    ("DISCUSSED WITH T. VANCE (RHEUMATOLOGY) ON 2ND MAY.", "RHEUMATOLOGY"),
    ("Requested by: Lena Fisk, MD (Sports Medicine)", "Sports Medicine"),
    ("First read: Dr. Ivo Marsh (Radiology)   Second read: Dr. Ana Tull", "Radiology"),
    ("Yours sincerely\n\nPeter Quayle FRCS (Tr&Orth)\nKnee Surgeon", "Tr&Orth"),
    ("Radiographer: Jon Ebbs RT(R)(CT)  Badge 31", "(R)"),
    ("PCP: Dr Vale, Ines K., MD PhD\nSite: Harbour", "MD PhD"),
    ("Treating physio: Arlo Penn (DPT)", "DPT"),
    ("Interpreter: Dorota (Polish), via phone", "Polish"),
    ("Daughter Meg (POA) will attend.", "POA"),
    ("Rang Kit (IT) about the queue.", "IT"),
    ("Signed: Aoife Brennan, MB BCh BAO FFR RCSI", "FFR RCSI"),
    # software, stations and dump codes
    ("** Verified in RIS v4.12.3 on 02/02/2022", "v4.12.3"),
    ("Report verified in RIS v4.12.3. Signed.", "v4.12.3"),
    ("(0010,0010) Patient's Name          PN: 'DOE^JANE'", "PN"),
    ("Review: R knee AP/lat 3/3/2023", "R knee AP"),
    ("Follow-up exam in 4 to 6 weeks.", "in 4"),
    ("COHORT visit 3, radiographic read", "3"),
    ("PID|1||MR100234^^^ORH||DOE^JANE", "PID|1"),
    ("OBR|1|77|XR26-001||73562^XR KNEE 3 VIEWS^CPT|||2026", "VIEWS^CPT"),
    ("PID|1|9998887776^^^NHS^NH|RX1", "NHS^NH"),
    # headers, forms and hyphenated words
    (
        "www.examplerad.org\n\nREFERRAL FOR DIAGNOSTIC IMAGING\nPatient:",
        "REFERRAL FOR DIAGNOSTIC IMAGING",
    ),
    ("Transcriptionist station 10.1.1.7", "Transcriptionist station"),
    ("Radiographer worksheet - Harbour Hospital", "worksheet"),
    ("Subject: your hip X-ray\n\nDear Petra,", "ray"),
    ("History: 3 weeks post-op\nMrs. Hale seen", "op"),
    ("Patient: ROE, ANN, Med Rec No. RXH77, 95 yo.", "Med Rec No"),
    ("Alan Pike\nConsultant Radiologist, GMC 1234567", "Consultant Radiologist, GMC"),
    ("Retrieved from pacs.example.local/view?a=2", "Retrieved"),
    ("please review before clinic on 3/3/2025.", "please review before clinic"),
    ("Ordered by: Dr Kim. Meds: naproxen, Panadol.", "Meds"),
    # implants and eponyms named after towns or people
    ("Smith & Nephew Journii TKA, satisfactory.", "Journii"),
    ("Loosening of the Columbus tibial tray?", "Columbus"),
    ("Question: Freiberg infraction of the second metatarsal?", "Freiberg"),
    ("Left UKA Oxford 6yr: no lucency.", "Oxford"),
    ("prothèse unicompartimentale Oxford gauche", "Oxford"),
    ("RIGHT THA (CORAIL STEM, PINNACLE CUP) IN GOOD POSITION", "STEM"),
    ("• Left TKA (Attune) in satisfactory position.", "Left TKA"),
    ("Previously followed in Rheumatology; Paprosky 2A.", "Rheumatology"),
    # abbreviations that are also place names, states and countries
    ("closed reduction, POP. Check films in 1 week.", "POP"),
    ("Jo Tran, 91F, BIBA from home after a fall", "BIBA"),
    ("bed 4 - (AKI resolving), knee xr", "AKI"),
    ("Board certified; Nebraska license NE-31", "Nebraska"),
    ("He moved from Portugal in 2015.", "Portugal"),
    ("Lives in Vermont with her son.", "Vermont"),
    # German, Dutch and French report words
    ("Beurteilung: Unauffälliger Verlauf. Regelrechte Lage der Prothese.", "Unauffälliger Verlauf"),
    (
        "Befund:\nMediale Gelenkspaltverschmälerung, Osteophyten.",
        "Mediale Gelenkspaltverschmälerung",
    ),
    ("Liebe Kollegen, vielen Dank.", "Kollegen"),
    ("Geboortedatum 01-01-1950   Leeftijd 76 jr", "Leeftijd"),
    ("Fractuur distale fibula. Geen Maisonneuve.", "Maisonneuve"),
    # clinical words after "by" and "per"
    ("Exam limited by hypoventilation and rotation.", "hypoventilation"),
    ("Opacity exaggerated by overlapping bone.", "overlapping"),
    ("Arrived 03:10 via A&E from home.", "A&E"),
    ("Her hospital number is RXH7654321.", "Her hospital"),
    ("see Ref. Table 2 and Fig 3.", "Table 2"),
    ("Seen in Neutral on 4 views.", "Neutral"),
    ("d/w team 1400 re plan", "team"),
    ("(ph +1 903 555 2549).", ")"),
    ("Bought from Smith & Co. Limited; carry it co down the corridor.", "Co. Limited"),
    ("Bought from Smith & Co. Limited; carry it co down the corridor.", "co down"),
    # the cold review's over-redactions (0.10.0 before its fixes)
    ("Plan:\n- Ice\n- Leg elevation\n-- Lt", "Ice"),
    ("Plan:\n- Ice\n- Leg elevation\n-- Lt", "Lt"),
    ("She would prefer to pay private.", "pay private"),
    ("Referred to physio private.", "physio private"),
    ("switched to third gen.", "third gen"),
    ("Images sent from both hospitals.", "both hospitals"),
    ("Transferred from district hosp yesterday.", "district hosp"),
    ("Code (SCT 22298006); study (NCT 01234567); (RID 39050).", "SCT"),
    ("Plan: review 6/12 with XR.", "6/12"),
    ("MRI 3/4 tear of the tendon.", "3/4"),
    ("PMH:OA", "PMH:OA"),
    ("Consent (Punjabi translated).", "Punjabi"),
    ("Clinic in Spanish with interpreter.", "Spanish"),
    ("Seen in Person on 13 Apr 2019.", "Person"),
    ("Pain in Little Finger.", "Little Finger"),
    ("Thrombus extends from Great Saphenous Vein.", "Great Saphenous Vein"),
    ("Erythema at Port Site.", "Port Site"),
]

FAMILIES = [
    # what stays found next to the confounders
    ("Discussed with B. Okorie (Rheumatology) on 4/4/24.", "B. Okorie"),
    ("Read by L. Amis, MD (Crestview Orthopedics)", "Crestview Orthopedics"),
    ("(0010,0010) Patient's Name          PN: 'DOE^JANE'", "DOE^JANE"),
    ("PID|1||MR100234^^^ORH||QUILL^MARTA^J", "QUILL^MARTA^J"),
    ("OBR|1||x|||||||||||||||VANTERPOOL^ROHAN^K\nNTE|1", "VANTERPOOL^ROHAN^K"),
    ("Robert (Bob) Kessling was seen", "Robert (Bob) Kessling"),
    ("• Rose Alderidge (DOB 1/2/1950)", "Rose Alderidge"),
    # new this round
    ("1 0900 Pella Ruane (QEH 771203) - R TKA 3yr", "QEH 771203"),
    ("TECH NOTE   12/6  6:40a\npt arrived", "12/6"),
    ("quick note 6/11 - seen in the corridor", "6/11"),
    ("Plan: MRI 3/12 8:15am; review after", "3/12"),
    ("He asked about driving home to Little Wenlow tonight.", "Little Wenlow"),
    ("Mr Quint from St Brelade wants it done locally.", "St Brelade"),
    ("I have reviewed the images. jt 11/5/2026 2:02p", "jt"),
    ("aspiration Fri 13/11 - KP 09:12", "KP"),
    ("Ines Ferro, MD / ivf:rla", "ivf:rla"),
    ("pt ronan o'donnell , 19 , hurling", "ronan o'donnell"),
    ("hi there, this is grace adebanjo ( my date of birth", "grace adebanjo"),
    ("workstation fe80::a1b2:c30ff:fe12:3456 logged", "fe80::a1b2:c30ff:fe12:3456"),
    ("PACS note 23-Nov-1999 14h53 QRT: repeat lateral", "QRT"),
    ("PACS note 2/2/11 22:56:51 LMK: ?Osgood", "LMK"),
    ("d/w xiu okafor 07.20 10-feb-2026. ph 0800", "xiu okafor"),
    ("d/w pat 2222 february 2018", "pat"),
    ("Implant registry\nNikhil R. Ma  K1317060  DOB 24.09.1990", "Nikhil R. Ma"),
    ("Theatre log\nRohan Tapsell  K3879487  DOB 11/10/52", "Rohan Tapsell"),
    ("Please upload.\njf\nBrackenwater Orthopedics | (02) 6355 6355", "jf"),
    ("ph (304) 555-9241.\n-- ms\n", "ms"),
    ("Interpreter needed (Faadumo translated).", "Faadumo"),
    ("Interpreter Min-jun de Vries present today.", "Min-jun de Vries"),
    ("KL 3 on XR, ?MRI. Ref Pemberton.", "Pemberton"),
    ("Ivy was reviewed in Blackwater on 13 Apr 2019.", "Blackwater"),
    ("knee xray done at bantry general 6th march", "bantry general"),
    ("referred from robina private; dr aware", "robina private"),
    ("Phone (02 6355 6355).", "(02 6355 6355)"),
    ("Spoke to the ward at 3:15 p.m, results given.", "3:15 p.m"),
    ("Seen at 9 a.m today.", "9 a.m"),
    ("2 the square, ballyconree, co cork P81 X276", "co cork"),
    ("ROAD, KILLORAN, CO. BALLINTRA", "CO. BALLINTRA"),
    ("main st, gortnaclohy, co. kilkenny   tel", "co. kilkenny"),
    # names the cold review found lost, and kept
    ("Kleiner, Anna  DOB 01/02/1960", "Kleiner, Anna"),
    ("Handed to India at reception.", "India"),
    ("Call from Cuba re results.", "Cuba"),
]


@pytest.mark.parametrize(("text", "term"), KEEP, ids=[f"{t}@{x[:24]}" for x, t in KEEP])
def test_kept(scrubber: Scrubber, text: str, term: str) -> None:
    start = text.index(term)
    end = start + len(term)
    touching = [
        text[d.start : d.end] for d in scrubber.detect(text) if d.start < end and d.end > start
    ]
    assert touching == []


@pytest.mark.parametrize(("text", "part"), FAMILIES, ids=[f"{p}@{t[:24]}" for t, p in FAMILIES])
def test_family_covered(covered: Callable[[str, str], bool], text: str, part: str) -> None:
    assert covered(text, part)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Retrieved", True),
        ("stopping", True),
        ("carried", True),
        ("Kindly", True),
        ("Okonkwo", False),
    ],
)
def test_inflection(word: str, expected: bool) -> None:
    assert is_inflection(word) is expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("hypoventilation", True), ("hyperinflated", True), ("knee", True), ("asokolov", False)],
)
def test_english_form(word: str, expected: bool) -> None:
    assert is_english_form(word) is expected


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("Ohio", True),
        ("BANGLADESH", True),
        ("New Zealand.", True),
        ("New York", False),
        ("Boston", False),
    ],
)
def test_region(span: str, expected: bool) -> None:
    assert is_region(span) is expected


def test_handles_after_by_are_still_names(scrubber: Scrubber) -> None:
    text = "Retrieved from PACS by asokolov on 07/13/1996"
    assert "asokolov" in [text[d.start : d.end] for d in scrubber.detect(text)]
