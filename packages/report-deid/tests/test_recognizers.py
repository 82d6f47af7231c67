"""Each recognizer on positive and negative examples, through the whole scrubber."""

from __future__ import annotations

import pytest
from report_deid import Scrubber

POSITIVE = [
    ("NAME", "Referring physician: Dr. Anna Nakamura", "Anna Nakamura"),
    ("NAME", "Patient: McDonald, Pamela    MRN", "McDonald, Pamela"),
    ("NAME", "PATIENT NAME: CYNTHIA HOWARD\n", "CYNTHIA HOWARD"),
    ("NAME", "Findings discussed with Dr. O'Brien by telephone.", "O'Brien"),
    ("NAME", "Results were called to Maria Lopez at noon.", "Maria Lopez"),
    ("NAME", "Electronically signed by: Wei E. Lindqvist, NP on", "Wei E. Lindqvist"),
    ("NAME", "Read by: Robert Stone\n", "Robert Stone"),
    ("NAME", "Report approved by Lisa Ramos, MD today", "Lisa Ramos"),
    ("NAME", "Seen by Dr. Baker in clinic.", "Baker"),
    ("DATE", "Exam date: 03/14/2022", "03/14/2022"),
    ("DATE", "dated November 22, 2022.", "November 22, 2022"),
    ("DATE", "on 2018-12-18.", "2018-12-18"),
    ("DATE", "DOB: Aug 3 1948", "Aug 3 1948"),
    ("DATE", "STUDY DATE: 12-Jan-2018", "12-Jan-2018"),
    ("DATE", "performed on 4-7-2015.", "4-7-2015"),
    ("DATE", "since March 2019.", "March 2019"),
    ("TIME", "at 5:44 pm on", "5:44 pm"),
    ("TIME", "at 1159 hours", "1159 hours"),
    ("TIME", "Exam date: 03/14/2022 10:56", "10:56"),
    ("PHONE", "Call (212) 555-0134 ext. 2231 now", "(212) 555-0134 ext. 2231"),
    ("PHONE", "Fax 657-776-8454.", "657-776-8454"),
    ("EMAIL", "e-mail cynthia.howard@highlandhealth.org.", "cynthia.howard@highlandhealth.org"),
    (
        "URL",
        "at https://portal.silverlakehealth.org/results/9NX8W4YY.",
        "https://portal.silverlakehealth.org/results/9NX8W4YY",
    ),
    ("URL", "see www.bellevueimaging.com/view?id=CBXL", "www.bellevueimaging.com/view?id=CBXL"),
    ("SSN", "SSN: 841-28-8158\n", "841-28-8158"),
    ("ID", "MRN: 20752028 ", "20752028"),
    ("ID", "Accession: A2018-9271545 ", "A2018-9271545"),
    ("ID", "Acc# RAD2016761499;", "RAD2016761499"),
    ("ID", "Reference #: 44-395-900\n", "44-395-900"),
    ("AGE", "History: 97-year-old woman", "97-year-old"),
    ("AGE", "Hx: 93 yo with pain", "93 yo"),
    ("AGE", "Age: 101\n", "101"),
    ("HOSPITAL", "referred from Highland General Hospital.", "Highland General Hospital"),
    ("HOSPITAL", "Performed at St. Ingrid Health System.", "St. Ingrid Health System"),
    ("HOSPITAL", "Cedar Bone and Joint Clinic", "Cedar Bone and Joint Clinic"),
]

NEGATIVE = [
    "Kellgren-Lawrence grade 3 osteoarthritis.",
    "Small Baker's cyst, 2.1 x 1.4 cm.",
    "Pellegrini-Stieda calcification along the MCL.",
    "Old Osgood-Schlatter changes. Insall-Salvati ratio 1.1.",
    "Segond fracture is not seen. Hoffa's fat pad is normal.",
    "Medial joint space measures 3.2 mm. KL 2.",
    "Varus alignment of 7 degrees; 3 views of the left knee.",
    "Findings discussed with the patient.",
    "EXAM: XR KNEE LEFT 3 VIEWS",
    "Patient is a 72-year-old man.",
    "Comparison with the prior study is limited.",
    "The May 2 mm lesion",
]


@pytest.mark.parametrize(
    ("entity", "text", "expected"), POSITIVE, ids=[f"{e}:{x}" for e, _, x in POSITIVE]
)
def test_recognizer_positive(scrubber: Scrubber, entity: str, text: str, expected: str) -> None:
    found = [(text[d.start : d.end], d.entity_type) for d in scrubber.detect(text)]
    assert (expected, entity) in found, found


@pytest.mark.parametrize("text", NEGATIVE)
def test_recognizer_negative(scrubber: Scrubber, text: str) -> None:
    assert [text[d.start : d.end] for d in scrubber.detect(text)] == []
