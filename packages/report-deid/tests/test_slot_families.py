"""Development set for 0.5.0 to 0.7.0: names, places, dates and numbers written as clinicians write them.

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
    # 0.6.0: names by their slot or by a mention elsewhere, facility sites, venues, dates and ages
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
    # 0.7.0: chat speakers, sign-offs, day-of-month ordinals, routes, postcodes, licence labels
    ("08:41 Tamsin: can you check bay 3?\n08:42 rafe: on it", ("Tamsin", "rafe")),
    ("[14:05] Oyelowo: films are up", ("Oyelowo",)),
    ("will do - thx Bronagh x4471", ("Bronagh",)),
    ("no change since last year. - Pat (ext 3310)", ("Pat",)),
    ("thanks kerensa", ("kerensa",)),
    ("Films returned 15.10 by Quilliam", ("Quilliam",)),
    ("F/u DEXA. -RB", ("RB",)),
    ("SPOKE W/ DELPHINE ON THE WARD.", ("DELPHINE",)),
    ("Scrub: Eoghan\nProcedure: TKA", ("Eoghan",)),
    ("had her films done on the 22nd. The report", ("the 22nd",)),
    ("she is away till the 20th?? back after", ("the 20th",)),
    ("x-rayed in Tarbert on the fourth and they said", ("the fourth",)),
    ("lives out on County Road 14 with her son", ("County Road 14",)),
    ("rear-ended on Hwy 17 (his truck)", ("Hwy 17",)),
    ("FOUND IN BARN, RR 3 BOX 41, ELMDALE.", ("RR 3 BOX 41",)),
    ("2 Mill Walk\nLittle Ashby\nDE12 7QX", ("Little Ashby", "DE12 7QX")),
    ("44 Lakeshore Dr, Sault Ste. Marie ON P6A 2B1", ("Sault Ste. Marie", "P6A 2B1")),
    ("at 9 Rata Street, Otaki 5512; best contact", ("Otaki 5512",)),
    ("Dr M. Okoye, GMC 7012345", ("7012345",)),
    ("Dr. L. Brandt CCFP, CPSO #77120", ("77120",)),
    ("We're over in Kettleby-on-Wreake so it's a drive", ("Kettleby-on-Wreake",)),
    ("Your lady from Achnasheen, Morag, fell", ("Achnasheen",)),
    ("(0008,0050) SH [QRX25B004417]   #  12, 1 AccessionNumber", ("QRX25B004417",)),
    ("(0008,0081) ST [Lindenweg 4 80805 München]   #  26, 1 InstitutionAddress", ("Lindenweg 4",)),
    ("09:12:44 INFO user=hvanloon_k OPEN study", ("hvanloon_k",)),
    ("-- megan.quarrie (radiology resident), attending", ("megan.quarrie",)),
    ("Original report by P. Lindqvist. Addendum follows.", ("P. Lindqvist",)),
    ("Final (A. Bin Rashid): nondisplaced scaphoid waist fracture.", ("A. Bin Rashid",)),
    ("knee f/u, read by g. aldridge", ("g. aldridge",)),
    ("pulled from PACS by tmorrowfield for the QA deck", ("tmorrowfield",)),
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
    # 0.6.0: eponyms, classifications and implants; header words; words after roles
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
    # 0.7.0
    "Fracture of the base of the 5th metatarsal on the 2nd view.",
    "Pain since the fall, worse on the stairs.",
    "Route of administration: oral.",
    "No Hill-Sachs or bony Bankart.",
    "Geen Segond-fractuur. Geen Weber-fractuur.",
    "THA Stryker Exeter, no change expected.",
    "Painful UKA (Oxford), radiolucency under the tibia.",
    "Falls risk reviewed - Morse 65.",
    "Lewis-Rorabeck II periprosthetic fracture.",
    "Haematoma block (lidocaine 1%) given.",
    "Exam: XR R knee 3V (skyline incl.)",
    "user=system restart",
]


@pytest.mark.parametrize(("text", "parts"), FAMILIES, ids=[t for t, _ in FAMILIES])
def test_family_covered(
    covered: Callable[[str, str], bool], text: str, parts: tuple[str, ...]
) -> None:
    assert [part for part in parts if not covered(text, part)] == []


@pytest.mark.parametrize("text", KEEP)
def test_kept(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text).text == text
