"""Development set for 0.5.0: names, places, dates and numbers written the way clinicians write them.

Letters, addenda, labels and free prose: names that are also English words next to a census name ("Rose
Baker"), names in a person's slot with no dictionary word, initials with surnames, towns under any gazetteer's
size after a place cue, facilities with no facility noun, partial and ranged dates, extensions and pagers.
Every instance was made up for this file (none comes from the independent set or its catalogue). A case is a
sentence and the parts that must be fully covered by detections (any type: a leak is a leak); the keep cases
must come back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from report_deid import Scrubber

FAMILIES: list[tuple[str, tuple[str, ...]]] = [
    # names that are also words, next to a census name (either order, with a comma)
    ("Rose Baker was seen in clinic.", ("Rose Baker",)),
    ("Seen with Hope Fielding today.", ("Hope Fielding",)),
    ("Letter to Penny Cook re: knee.", ("Penny Cook",)),
    ("Thanks, Brian Mason", ("Brian Mason",)),
    ("Clara Small, the patient's daughter, called.", ("Clara Small",)),
    ("Peter Short said the knee gave way.", ("Peter Short",)),
    ("Gordon, Hazel", ("Gordon, Hazel",)),
    ("Baker, Rose M.", ("Baker, Rose M.",)),
    # initials, surname first, single names before a person's verb or a possessive
    ("Addendum (K. Wells): no change.", ("K. Wells",)),
    ("R. Gibbs, PT", ("R. Gibbs",)),
    ("A. Thornbury\nPhysiotherapist", ("A. Thornbury",)),
    ("FINNEGAN Orla", ("FINNEGAN Orla",)),
    ("Orla fell on the stairs.", ("Orla",)),
    ("Bram says it clicks.", ("Bram",)),
    ("Orla's knee is swollen.", ("Orla",)),
    ("Grace fell on the ice.", ("Grace",)),
    ("Results paged Baker at noon.", ("Baker",)),
    ("per Fisher, no fracture.", ("Fisher",)),
    # relatives named after their relation
    ("Husband (Declan) present.", ("Declan",)),
    ("Seen with husband Declan.", ("Declan",)),
    # a person's slot: two words no dictionary has, or one after "told", "thanks", before "(57M)"
    ("Ngozi Okorie - 57F - left knee", ("Ngozi Okorie",)),
    ("Thanks for seeing Ngozi Okorie.", ("Ngozi Okorie",)),
    ("Case of Ngozi Okorie.", ("Ngozi Okorie",)),
    ("told Okorie to rest", ("Okorie",)),
    ("Thanks Tamsin", ("Tamsin",)),
    ("Okorie (57M) reports pain.", ("Okorie",)),
    ("Okorie, 57, presents with pain.", ("Okorie",)),
    ("Siobhan (ANP)", ("Siobhan",)),
    # towns after a place cue, beside a street or a region; facilities without a facility noun
    ("Moved here from Little Hadham last year.", ("Little Hadham",)),
    ("Lives on a farm outside Beckford.", ("Beckford",)),
    ("Comparison: outside study from Fernhill.", ("Fernhill",)),
    ("Previously treated at the Wrenfield.", ("Wrenfield",)),
    ("Works at the Pinecrest plant in Dunmore.", ("Pinecrest", "Dunmore")),
    ("Lives at 48 Quarry Bank Road, Tilsby.", ("48 Quarry Bank Road", "Tilsby")),
    ("From Greywater, Ontario.", ("Greywater",)),
    ("Seen in Dorrance ED.", ("Dorrance",)),
    ("Referred from Brookfield Ortho.", ("Brookfield Ortho",)),
    ("Sent from Harrowgate Royal.", ("Harrowgate Royal",)),
    ("Seen at REDGATE ORTHO.", ("REDGATE ORTHO",)),
    ("Cumbria Partnership Trust", ("Cumbria Partnership Trust",)),
    ("Brookside Physio, Unit 4", ("Brookside Physio", "Unit 4")),
    ("Seen at Kingsmere UTC.", ("Kingsmere UTC",)),
    ("Admitted to Ward 12, Haverleigh.", ("Ward 12", "Haverleigh")),
    # dates: month/day without a year, ranges, mixed separators, day and month name, ordinals
    ("Compared to radiographs of 7/22.", ("7/22",)),
    ("Seen 7/22 and 8/19", ("7/22", "8/19")),
    ("Radiographs from 11/02 show", ("11/02",)),
    ("Seen Tues 7/22", ("7/22",)),
    ("Seen July 22-24, 2025", ("July 22-24, 2025",)),
    ("Seen on 7 / 22 / 2025", ("7 / 22 / 2025",)),
    ("Seen 22/Jul/2025.", ("22/Jul/2025",)),
    ("Seen 2025-Jul-22", ("2025-Jul-22",)),
    ("Seen 22-Jul", ("22-Jul",)),
    ("Seen on July the 22nd", ("July the 22nd",)),
    ("Seen on the 22nd.", ("22nd",)),
    ("Kontrolle am 22.07. geplant", ("22.07.",)),
    ("Rose Cottage, Mill Lane, Tilsby", ("Rose Cottage", "Mill Lane", "Tilsby")),
    ("Room 2.14", ("Room 2.14",)),
    ("Resident at Oakview Care Home, flat 12.", ("Oakview Care Home", "flat 12")),
    ("Hawthorn Primary Care Network", ("Hawthorn Primary Care Network",)),
    ("Fernhill MRI", ("Fernhill MRI",)),
    ("knee_20250722.dcm", ("20250722",)),
    ("2025-07-22_XR.dcm", ("2025-07-22",)),
    ("Date of injury: 22/7", ("22/7",)),
    ("March the 14th, 2024", ("March the 14th, 2024",)),
    ("Worse since Easter Monday 2024.", ("Easter Monday 2024",)),
    ("at 7:05a", ("7:05a",)),
    # phones: glued extension, extension after an international number, pager hash, short internal numbers
    ("Ph 312-448-2291x14", ("312-448-2291x14",)),
    ("Tel: 0161 496 0825 ext 204", ("0161 496 0825 ext 204",)),
    ("(+33 4 72 11 69 00)", ("+33 4 72 11 69 00",)),
    ("Pager #2291", ("#2291",)),
    ("please ring 4-2291 to book", ("4-2291",)),
    ("SSN (last 4): 3306", ("3306",)),
]
KEEP = [
    "Grade 2/3 chondral loss.",
    "Pain 7/10 on stairs.",
    "Power 4/5 in the quadriceps.",
    "Involving the 2nd and 3rd toes.",
    "Hepatitis C. Hepatocellular carcinoma excluded.",
    "Positive Lachman test.",
    "Heart size normal. Lungs clear.",
    "Weaned off from Tramadol.",
    "Type B. Small effusion.",
    "Mark the lateral side.",
    "Dear Colleague,",
]


@pytest.mark.parametrize(("text", "parts"), FAMILIES, ids=[t for t, _ in FAMILIES])
def test_family_covered(
    covered: Callable[[str, str], bool], text: str, parts: tuple[str, ...]
) -> None:
    assert [part for part in parts if not covered(text, part)] == []


@pytest.mark.parametrize("text", KEEP)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text).text == text
