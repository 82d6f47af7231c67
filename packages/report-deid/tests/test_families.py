"""PHI surface-form families beyond the synthetic templates (issue 13), and the over-redaction families.

Each positive case is a sentence and the substring that must be fully covered by some detection (any type:
a leak is a leak); each negative is a sentence that must come back unchanged, or a term that must survive.
"""

from __future__ import annotations

import pytest
from report_deid import Scrubber

COVERED = [
    # names: accents, apostrophes, hyphens, particles, short surnames, lower case
    ("name", "Discussed with Dr. José Nuñez-Ortiz at the bedside.", "José Nuñez-Ortiz"),
    ("name", "Referring: Dr. Zoë D'Angelo", "Zoë D'Angelo"),
    ("name", "Seen by Dr. van der Berg in clinic.", "van der Berg"),
    ("name", "Attending physician: Maria de la Cruz", "Maria de la Cruz"),
    ("name", "Results called to Dr. Li.", "Li"),
    ("name", "Findings reviewed with Dr. Ng by phone.", "Ng"),
    ("name", "PCP: dr. amy o'neil", "amy o'neil"),
    ("name", "RE: Siobhán Ó Briain", "Siobhán Ó Briain"),
    ("name", "Ordering provider: KOWALSKI, PIOTR", "KOWALSKI, PIOTR"),
    ("name", "Parent/Guardian: Tamika Washington-Reyes", "Tamika Washington-Reyes"),
    ("name", "Emergency contact: Hui Chen (daughter)", "Hui Chen"),
    # names before or after credentials
    ("name", "Electronically signed: Arjun Raghunathan, M.D.", "Arjun Raghunathan"),
    ("name", "Interpreted by Karen Wu, D.O. on the same day.", "Karen Wu"),
    ("name", "Technologist: Brenda Ochoa RT(R)", "Brenda Ochoa"),
    ("name", "RT(R) Dwayne Fields performed the exam.", "Dwayne Fields"),
    ("name", "Jaroslav Novak MD", "Jaroslav Novak"),
    ("name", "Priya Venkataraman, PA-C, saw the patient.", "Priya Venkataraman"),
    # closing blocks, salutations, e-signatures, titles before eponyms
    ("name", "Thank you for this referral.\nSincerely,\nOlusegun Adeyemi", "Olusegun Adeyemi"),
    ("name", "Dear Dr. Whitfield,", "Whitfield"),
    ("name", "/s/ Margaret Oyelaran", "Margaret Oyelaran"),
    ("name", "Consultation with Dr. Segond regarding the tibia.", "Segond"),
    ("name", "Dr. Baker reviewed the films.", "Baker"),
    ("name", "Transcribed: LM/ks", "LM/ks"),
    # cue-less names in running text (census lexicon)
    ("name", "Patricia Kowalczyk reports knee pain for two weeks.", "Patricia Kowalczyk"),
    ("name", "Per Michael Thompson, the knee gave way.", "Michael Thompson"),
    ("name", "Accompanied by her son Robert Alvarez.", "Robert Alvarez"),
    ("name", "Husband: Thompson, Gerald", "Thompson, Gerald"),
    # locations
    (
        "location",
        "Patient lives at 4512 N. Kedzie Avenue, Apt 3B.",
        "4512 N. Kedzie Avenue, Apt 3B",
    ),
    ("location", "Address: 77 Oak Hollow Rd", "77 Oak Hollow Rd"),
    ("location", "Springfield, IL 62704", "Springfield, IL 62704"),
    ("location", "Mail to P.O. Box 1142.", "P.O. Box 1142"),
    ("location", "Outside films from Mercy Hospital, Cedar Rapids.", "Cedar Rapids"),
    ("location", "Brigham & Women's Hospital", "Brigham & Women's Hospital"),
    (
        "location",
        "Hospital of the University of Pennsylvania",
        "Hospital of the University of Pennsylvania",
    ),
    (
        "location",
        "transferred from NORTHWESTERN MEMORIAL HOSPITAL.",
        "NORTHWESTERN MEMORIAL HOSPITAL",
    ),
    (
        "location",
        "Prior study at Lakeshore Sports Medicine Center.",
        "Lakeshore Sports Medicine Center",
    ),
    ("location", "seen at Rush Copley Urgent Care", "Rush Copley Urgent Care"),
    ("location", "Resides in Tulsa, Oklahoma.", "Tulsa, Oklahoma"),
    # dates and times
    ("date", "Comparison: 14.03.2021.", "14.03.2021"),
    ("date", "Prior exam 03.14.21 is unchanged.", "03.14.21"),
    ("date", "Study date 20210314.", "20210314"),
    ("date", "Scanned 14MAR2021.", "14MAR2021"),
    ("date", "seen on 23/11/2019", "23/11/2019"),
    ("date", "follow-up since 3/2020", "3/2020"),
    ("date", "on the 4th of July, 2019", "4th of July, 2019"),
    ("date", "Monday, March 14", "March 14"),
    ("time", "Exam: 03/14/2021 1432", "1432"),
    ("time", "acquired 2021-03-14T09:41:07", "09:41:07"),
    ("time", "Called at 0915 to the ED.", "0915"),
    # identifiers
    ("ssn", "SSN 123 45 6789", "123 45 6789"),
    ("ssn", "SSN: 123456789", "123456789"),
    ("ssn", "social security number 123.45.6789", "123.45.6789"),
    ("id", "Accession 2021.03.14.0042", "2021.03.14.0042"),
    ("id", "Acc: RAD.5512.09", "RAD.5512.09"),
    ("id", "Patient 4482913 arrived.", "4482913"),
    ("id", "Implant serial no. ZB-44917-C", "ZB-44917-C"),
    ("id", "Lot #: 22A1147", "22A1147"),
    ("id", "Insurance ID: XHP 88213 004", "XHP 88213 004"),
    ("id", "Visit #: V0093321", "V0093321"),
    ("phone", "Reachable at pager 4-5678.", "4-5678"),
    ("phone", "Call x4431 with questions.", "4431"),
    ("phone", "ext. 22317", "22317"),
    ("phone", "Phone: +44 20 7946 0958", "+44 20 7946 0958"),
    ("phone", "Call 555.867.5309 today.", "555.867.5309"),
    ("location", "Patient transported to Room 412B.", "412B"),
    ("id", "Username: jmorales7", "jmorales7"),
    ("date", "Last seen Jan-2020.", "Jan-2020"),
    ("id", "Plate #: 7ABC123", "7ABC123"),
    # ages over 89
    ("age", "92yo F with knee pain", "92"),
    ("age", "HISTORY: 94Y M, fall.", "94"),
    ("age", "A 103-year-old woman.", "103"),
    ("age", "Age/Sex: 91/F", "91"),
    ("age", "ninety-two year old man", "ninety-two"),
]


@pytest.mark.parametrize(
    ("family", "text", "phi"), COVERED, ids=[f"{f}:{p}" for f, _, p in COVERED]
)
def test_family_is_covered(scrubber: Scrubber, family: str, text: str, phi: str) -> None:
    start = text.index(phi)
    covered = [False] * len(text)
    for d in scrubber.detect(text):
        for i in range(d.start, d.end):
            covered[i] = True
    assert all(covered[start : start + len(phi)]), [
        text[d.start : d.end] for d in scrubber.detect(text)
    ]


UNCHANGED = [
    "Injected 100 cc Omnipaque without complication.",
    "PT WITH KNEE PAIN. RADIOLOGIST IMPRESSION: mild OA.",
    "RESIDENT ATTESTATION: I have reviewed the images.",
    "Referred by Mental Health for screening.",
    "Segond fracture. Pellegrini-Stieda lesion. Osgood Schlatter disease.",
    "XR KNEE 3 VIEWS LEFT, AP AND PA STANDING.",
    "AP and lateral views. PA and lateral chest.",
    "Follow up in orthopedic clinic as needed.",
    "Mild degenerative change at L4-L5 and L5-S1.",
    "Further imaging with CT may be helpful. Consider MRI.",
    "May represent a small effusion. Will follow.",
    "Grace period noted. Small joint effusion.",
    "Hoffa's fat pad edema. Baker's cyst measures 2.1 x 1.4 cm.",
    "Tibial plateau, 3 views. DO NOT RESUSCITATE status noted.",
    "Moderate Joint Space Narrowing, Medial Compartment.",
    "Compared with prior radiograph from outside hospital.",
    "The patient was seen in the emergency department.",
    "Weight-bearing AP views. Rosenberg view obtained.",
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_ordinary_sentences_are_not_redacted(scrubber: Scrubber, text: str) -> None:
    assert [text[d.start : d.end] for d in scrubber.detect(text)] == []
