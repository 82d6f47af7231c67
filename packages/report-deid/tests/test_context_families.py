"""Families of 0.6.0: names found by their slot or by a mention elsewhere, facility sites, venues, dates.

Every string is made up for this file (none comes from the development or independent sets). A case is a
text and the parts that must be fully covered by detections (any type); keep cases must come back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import regex
from report_deid import Scrubber
from report_deid.name_contexts import is_header_phrase
from report_deid.recognizers import CASE, Rule, lowered, radiology_rules
from report_deid.repeated_mentions import repeated_mentions
from report_deid.spans import Detection
from report_deid.vocabulary import is_vocabulary

FAMILIES: list[tuple[str, tuple[str, ...]]] = [
    # a name found once is found everywhere in the report, any case for words no dictionary has
    (
        "Patient: Ysolde Quarrington\nYsolde reports pain. QUARRINGTON's knee.",
        ("Ysolde", "QUARRINGTON"),
    ),
    ("Dr. Okwuosa reviewed. Later discussed with okwuosa.", ("okwuosa",)),
    ("Patient: Hope Marchetti. Spoke to HOPE later.", ("HOPE",)),
    # nicknames in quotes or brackets, also a quoted nickname before the surname
    ("Seen: Bartholomew 'Barty' Quennell, 61.", ("Bartholomew 'Barty' Quennell",)),
    ("dictation for josephine 'jo' farrant-lee", ("josephine 'jo' farrant-lee",)),
    ('Worklist: "Tiny Tom" Abernethy - wrist', ('"Tiny Tom" Abernethy',)),
    ("Regards, Theodora (Teddy) Vossberg", ("Theodora (Teddy) Vossberg",)),
    # lower-case dictation after pt / patient / doctor
    ("pt ottilie brannagh rang about her films", ("ottilie brannagh",)),
    ("cc will hazeldine at the practice", ("will hazeldine",)),
    ("dictated by doctor ifeanyi obiakor", ("ifeanyi obiakor",)),
    # relatives and staff named by their role, no article
    ("Son Leopold notified by phone.", ("Leopold",)),
    ("mam (Philomena) brought him in", ("Philomena",)),
    ("secretary Marguerite on ext 4410", ("Marguerite",)),
    ("ward clerk Brandi chasing the forms", ("Brandi",)),
    ("Mum, Keziah, will bring him.", ("Keziah",)),
    ("daughter wilhelmina re results", ("wilhelmina",)),
    # a name then an age, or a comma and a role
    ("Cosmo Aldridge-Penn 34 y/o, twisted knee", ("Cosmo Aldridge-Penn",)),
    ("Fenella Quist, age 12, fell", ("Fenella Quist",)),
    ("Thanks for referring Ottoline, a 27-year-old runner", ("Ottoline",)),
    ("Isadora Penhallow, MSK Advanced Practitioner", ("Isadora Penhallow",)),
    # a double-barrelled surname alone, an attendance list, a worklist
    ("Side room 3: Okonjo-Whitfield, day 2", ("Okonjo-Whitfield",)),
    ("Present: Trevannion, Quist, Marlowe Fenby (reg)", ("Trevannion", "Quist", "Marlowe Fenby")),
    ("1   XR-44120   BRANNIGAN, Cordelia   KNEE   prelim", ("BRANNIGAN, Cordelia",)),
    ("08:10\tAnneliese K.\tknees standing", ("Anneliese K.",)),
    ("Name McFADZEAN, Torquil   Address 4 Loch Row", ("McFADZEAN, Torquil",)),
    # initials and user names where typists and staff leave them
    ("Typed: 04/05/2025 /kt", ("kt",)),
    ("final read to follow - lh/rad", ("lh",)),
    ("  pw/tg", ("pw/tg",)),
    ("Actions: RB to book CT", ("RB",)),
    ("-- mbrannock 07/04/25 0932", ("mbrannock",)),
    ("Re-sent by q.ferreira at 06:40", ("q.ferreira",)),
    # a name right before a date of birth, after "Patient" without a colon, a self-introduction
    ("images of Ignatius du Plessis (DOB 03/03/1931)", ("Ignatius du Plessis",)),
    ("Patient Wilhelmina Oyelowo-Grant  DOB 1/1/1950", ("Wilhelmina Oyelowo-Grant",)),
    ("hello doctor, this is Adaeze, her granddaughter.", ("Adaeze",)),
    ("Orlaith to arrange bloods", ("Orlaith",)),
    # facilities: site after a dash, name in brackets, affiliation, "X & Y", company forms
    ("Report from Harbourside Imaging - Port Alder", ("Harbourside Imaging - Port Alder",)),
    ("Royal Westmarch Hospital (Kelderbrook)", ("Kelderbrook",)),
    ("Read by Zubair Qadri, MD (Quillfield Regional)", ("Quillfield Regional",)),
    (
        "from Brackenhurst Rehabilitation & Nursing, Room 9",
        ("Brackenhurst Rehabilitation & Nursing",),
    ),
    ("Tri-Valley Orthopaedic Associates, P.C.", ("Tri-Valley Orthopaedic Associates, P.C.",)),
    ("seen in Fenwick fracture clinic", ("Fenwick",)),
    ("comparison at QGH 12/02/2023", ("QGH",)),
    ("films from the Larkspur centre", ("Larkspur centre",)),
    # places: Australian suburbs, postcodes ending a line, wards, venues, clubs, employers
    ("Address: 9 Banksia Pde, Wattle Flat NSW 2795", ("Wattle Flat NSW 2795",)),
    ("Kloofview Clinic · 14 Mimosa Road · Gansbaai 7220", ("Gansbaai 7220",)),
    ("handover: Bay 2 (Rowan Ward)", ("Rowan Ward",)),
    ("transferred to 6 North Rm 618", ("6 North Rm 618",)),
    ("post-op in Resus 2 then Theatre 4", ("Resus 2", "Theatre 4")),
    ("plays for Thornbury Rovers", ("Thornbury Rovers",)),
    ("tackled at Glenmoor rugby club", ("Glenmoor rugby club",)),
    ("Employer: Halloran Freight, Dunmurry", ("Halloran Freight, Dunmurry",)),
    ("Lives Kilbrannish, Co. Wexford", ("Kilbrannish",)),
    ("Mrs Edith Polglase (94), Trenarren, fell", ("94", "Trenarren")),
    ("a bag at iron forge gym on calder ave", ("calder ave",)),
    ("Suite 4, 112 Marine Parade", ("Suite 4", "112 Marine Parade")),
    ("Shop 2, 88 Coral Esplanade", ("Shop 2", "88 Coral Esplanade")),
    ("Dublin 8", ("Dublin 8",)),
    ("Brgy. Malinta, Valenzuela", ("Malinta",)),
    # dates and ages
    ("review on Thursday 13th", ("Thursday 13th",)),
    ("fracture clinic fri 21/2 0900", ("fri 21/2",)),
    ("seen on the 24th of February", ("24th of February",)),
    ("called 0940 11/21.", ("11/21",)),
    ("prior from 14-mrt-2024", ("14-mrt-2024",)),
    ("she's 91 and lives alone", ("91",)),
]
KEEP = [
    "No Salter-Harris injury. Brooker class II ossification.",
    "Rosenberg view requested; Merchant views normal.",
    "Weber B fracture. Garden IV subcapital fracture.",
    "Ottawa ankle rules positive.",
    "Oxford UKA in situ, no loosening.",
    "Sinding-Larsen-Johansson changes; no Hill-Sachs lesion.",
    "Greulich and Pyle bone age 12 years.",
    "Vancouver B2 periprosthetic fracture around an Exeter stem.",
    "40 mg Depo-Medrol injected.",
    "Images sent to PACS.",
    "Orthopaedic Registrar",
    "Dear Orthopaedic Colleague,",
    "Pain on walking, worse at night.",
    "Trauma & Orthopaedics",
    "His son accompanied him.",
    "Patient tolerated the procedure.",
    "The lady said the report was ready.",
    "Discussed with the ED reg, who agreed.",
]


@pytest.mark.parametrize(("text", "parts"), FAMILIES, ids=[t for t, _ in FAMILIES])
def test_family_covered(
    covered: Callable[[str, str], bool], text: str, parts: tuple[str, ...]
) -> None:
    assert [part for part in parts if not covered(text, part)] == []


@pytest.mark.parametrize("text", KEEP)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text).text == text


def test_repeated_mentions_case_rules() -> None:
    text = "Patient: Hope Quarrington\nHope is well. hope so. QUARRINGTON and quarrington."
    detections = [Detection(9, 25, "NAME", 0.85, True)]
    found = {text[d.start : d.end] for d in repeated_mentions(text, detections)}
    # "Hope" is a word: only in its own case and not opening a sentence; "Quarrington" in any case
    assert found == {"QUARRINGTON", "quarrington"}
    assert all(d.entity_type == "NAME" for d in repeated_mentions(text, detections))


def test_repeated_mentions_keep_possessive_outside_and_skip_covered() -> None:
    text = "Dr. Okwuosa saw her. Okwuosa's note."
    found = repeated_mentions(text, [Detection(4, 11, "NAME", 0.85, True)])
    assert [text[d.start : d.end] for d in found] == ["Okwuosa"]


def test_place_words_travel_in_their_own_case_only() -> None:
    text = "Referred from Tilsby Hospital. Lives in Tilsby. tilsby"
    found = repeated_mentions(text, [Detection(14, 29, "HOSPITAL", 0.75)])
    assert [text[d.start : d.end] for d in found] == ["Tilsby"]


def test_header_phrases() -> None:
    assert is_header_phrase("Hospital No")
    assert is_header_phrase("DEPARTMENT OF RADIOLOGY")
    assert not is_header_phrase("Ward 7B")  # a number makes it a place
    assert not is_header_phrase("Marguerite")


def test_british_spellings_are_vocabulary() -> None:
    assert all(
        is_vocabulary(w) for w in ("orthopaedic", "haematoma", "tumour", "oedema", "anaesthetic")
    )
    assert not any(is_vocabulary(w) for w in ("Okafor", "Sodbury", "Kessie"))


def test_anchored_rule_matches_plain_scan() -> None:
    """A rule with an anchor finds exactly what the same pattern finds scanning the whole text."""
    anchored = next(r for r in radiology_rules() if r.name == "labelled id")
    assert anchored.anchor is not None
    plain = Rule(anchored.entity, anchored.name, anchored.pattern, anchored.score)
    text = (
        "MRN: 00123456  Acc # XR-2024-0042\nRIS pid 7781 and MR no. H0041877, ref 55-2231/7, "
        "Fall-Nr. 4402981176 and chart 9912."
    )
    assert anchored.find(text) == plain.find(text)
    assert anchored.find(text)


def test_lowered_keeps_offsets() -> None:
    text = "İstanbul MRN 12"
    low = lowered(text)
    assert len(low) == len(text)
    assert regex.compile("mrn", CASE).search(low).start() == text.index("MRN")
