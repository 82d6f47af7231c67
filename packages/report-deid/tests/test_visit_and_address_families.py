"""Families of 0.9.0: rooms and units, clubs and venues, address-block lines, facilities named by a cue, more
name slots, dotted times and holidays. Every string is made up for this file.

Each case is a sentence and a substring that must be fully covered by some detection (any type: a leak is a
leak); the keep cases must come back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from report_deid import Scrubber
from report_deid.address_lines import address_block_lines
from report_deid.facility_mentions import named_facilities
from report_deid.spans import Detection

FAMILIES = [
    # rooms, beds, wards and hospital units
    ("Location:   7 East, Rm 714-1", "7 East, Rm 714-1"),
    ("ADM 04/03/2026  5 NORTH 318-C", "5 NORTH 318-C"),
    ("portable film, SICU Bed 11, 2 Dec 2026", "SICU Bed 11"),
    ("resident Ada Quist (suite B-207), 93 years old", "suite B-207"),
    ("room 4 West 422A, Bridgewater General", "room 4 West 422A"),
    ("From: Ward 9 (Honeysuckle)   To: X-ray", "Ward 9 (Honeysuckle)"),
    ("DOB 02/02/1931, Room 12 (Primrose wing).", "Room 12 (Primrose wing)"),
    ("Tallowfield Private - Ward St Brigid 3", "Ward St Brigid 3"),
    ("lives at apt 7c, 418 larkin pike, dunmore. reviewed", "apt 7c, 418 larkin pike, dunmore"),
    # clubs, teams and venues a patient plays for or works at
    ("a keeper with FC Weilerbach since May", "FC Weilerbach"),
    ("spits bij TSV Hardenstede (U19)", "TSV Hardenstede"),
    ("she plays for Kilcarrig Rovers on Sundays", "Kilcarrig Rovers"),
    ("plays for Ashbury Comets U16 and trains twice", "Ashbury Comets U16"),
    ("winger for the Pinecrest Otters, fell awkwardly", "Pinecrest Otters"),
    ("twisted the knee at Dunmoor Oval on Saturday", "Dunmoor Oval"),
    ("checked hard at Calloway Arena last night", "Calloway Arena"),
    ("works weekends at Fernleigh Garden Centre. Pain", "Fernleigh Garden Centre"),
    ("works at Cobb Hardware in Strathmore.", "Cobb Hardware"),
    ("works at quigley school. pain on stairs", "quigley school"),
    # towns said outright
    ("She lives alone in Marrow; her son visits", "Marrow"),
    ("a retired shepherd from Glen Orrin. Standing views", "Glen Orrin"),
    ("Lives with his wife in Thistlebury.", "Thistlebury"),
    ("his brother drove him down from Ashby-de-la-Zouch.", "Ashby-de-la-Zouch"),
    ("granddaughter rua drove her from ballykeel.", "ballykeel"),
    ("lives at 22 tern rise, kilbarra. knee pain", "22 tern rise, kilbarra"),
    # the town and county lines of an address block
    ("Heronsgate Surgery\nPO Box 2231\nMarsh Gibbon\nBuckland County\nQX4 7TB\n", "Marsh Gibbon"),
    (
        "Heronsgate Surgery\nPO Box 2231\nMarsh Gibbon\nBuckland County\nQX4 7TB\n",
        "Buckland County",
    ),
    ("Re: Tova Lindqvist\n31 Weir Lane\nNether Stowe\nGL9 2RT\nD.O.B. 4/5/1950", "Nether Stowe"),
    # facilities: a site after a dash, two spaces or a comma; bare names and acronyms after a care cue
    (
        "Ordering: Dr Pim Akers, Brightwater Urgent Care - Eau Claire",
        "Brightwater Urgent Care - Eau Claire",
    ),
    ("CARRICK IMAGING CENTRE  BALLYMOTE\nRE: X", "CARRICK IMAGING CENTRE  BALLYMOTE"),
    ("films at Tollgate Practice, Upper Marsh; and", "Tollgate Practice, Upper Marsh"),
    ("please call Granite Peak PT at 555-0144", "Granite Peak PT"),
    ("referred from Hollin Day Surgery last May", "Hollin Day Surgery"),
    ("dictated by dr orr from larchfield orthopedics. daughter", "larchfield orthopedics"),
    ("Mrs Dunne was seen at Glenanne last 2019 and then at WGH.", "Glenanne"),
    ("Mrs Dunne was seen at Glenanne last 2019 and then at WGH.", "WGH"),
    ("Seen in Emergency Department at Carrowmore on 12/2.", "Carrowmore"),
    ("Previously followed at Knockview and SUH.", "SUH"),
    ("Ms Ryle attended Infirmary on 3/3/21 with her son", "Infirmary"),
    ("Okoro, Ada  X4471820  KL 3 @ Lisnaskea", "Lisnaskea"),
    ("compare with films w/ the Royal (3/2023)", "the Royal"),
    ("Next MDT 08:00, the Mater.", "the Mater"),
    # names by their slot
    ("Kind regards. Son Idris 07700 900 417.", "Idris"),
    ("porter Fenn took the films to theatre", "Fenn"),
    ("Message left for Orla (manager).", "Orla"),
    ("Dear Mr Ames, this is Wren, the nurse for Dr Tal", "Wren"),
    ("Inez Quarrie, RGN, nurse in charge", "Inez Quarrie"),
    ("Retrieved from the portal by qp71 on 2/3/2024", "qp71"),
    ("PACS note 12 Apr 2025 0811 KDR: lateral repeated", "KDR"),
    ("d/w emeka adeyinka 14:20 02/04/2025.", "emeka adeyinka"),
    ("Vasco Lindqvist, nephew, brought him in today", "Vasco Lindqvist"),
    ("Sorcha is 44 y/o and works in a bakery", "Sorcha"),
    ("read locally by Brannigan. Effusion", "Brannigan"),
    ("Dara - yes, I have seen the films.", "Dara"),
    ("Could you look at Fenella Croxley's knee films?", "Fenella Croxley"),
    ("Sorcha was reviewed in clinic on Monday.", "Sorcha"),
    ("physio with Quilla at Harbourside Imaging.", "Quilla"),
    ("Okonjo aware, bleep 4410.", "Okonjo"),
    ("WARD, EILIDH X5521907 RAD-2031-55120", "WARD, EILIDH"),
    ("3. Pryor, Annelie  H771204Q  58yo  right TKA loosening", "Pryor, Annelie"),
    ("Anwen P. Morcom  K2281104  DOB 02.02.1960", "Anwen P. Morcom"),
    ("Thanks for your help.\nR. Quennell\n", "R. Quennell"),
    ("REF: Professor ADEBAYO, TUNDE", "ADEBAYO, TUNDE"),
    ("NOK: Marit Solberg (sister) 0800 411 411", "Marit Solberg"),
    # dates, times and identifiers
    ("Sent: 11/7 21.14", "21.14"),
    ("Sent: 11/7 21.14. Room 12", "21.14"),
    ("Sent: 11/7 21.14", "11/7"),
    ("/s/ Dr. Pell, Apr 3, 06.25", "06.25"),
    ("pain since Diwali 2021, worse on stairs", "Diwali 2021"),
    ("knee gave way at Easter 2024", "Easter 2024"),
    ("DVA: 447120931QX", "447120931QX"),
    ("PhilHealth No.: 12-345678901-2   Attending", "12-345678901-2"),
    ("Aadhaar (last 4): 9921", "9921"),
    ("gms D/55120 address", "D/55120"),
    ("Detector DX-BAY4-SN 55310 recalibrated", "DX-BAY4-SN 55310"),
    ("pushed from modality CR-ED3 SN 77120-Q at 14:00", "CR-ED3 SN 77120-Q"),
    ("Unit: Fuji FDR-D-EVO SN 9K22170 (10.1.1.1)", "9K22170"),
    ("call Hal on 604-555-0132 local 4471 today", "604-555-0132 local 4471"),
    ("contact the desk ext. 3-5521.", "ext. 3-5521"),
    ("Pager bleep 614", "614"),
    ("fell at the club 23/3. XR 28/11 - cemented", "23/3"),
    ("fell at the club 23/3. XR 28/11 - cemented", "28/11"),
    ("slipped on St Stephen's Day 2024 in the yard", "St Stephen's Day 2024"),
    ("Licensed: 44-12093  NPI 1942207718", "44-12093"),
]

KEEP = [
    "Continue PT. Knee PT twice weekly. Outpatient PT referral. Weight Bearing As Tolerated PT.",
    "This is Best Practice and Good Clinical Practice.",
    "Ward Round 3 notes; ward 4 (left knee) reviewed.",
    "Previously seen in Occupational Therapy; Schatzker II.",
    "seen in Clinic today. films from January. seen at Home. admitted to ICU on arrival.",
    "Acquired on Philips DigitalDiagnost.",
    "she came from work. he drove from home. brought in from the garden.",
    "a 5 degree rise in angle and a 10 mm step.",
    "loose body 5.6 mm at 12.30 o'clock. Grade 2 on 12.03 view.",
    "PACS note 17 May 2010 reviewed.",
    "The patient is a 67-year-old. Knee Pain is 3 years.",
    "Family aware. Patient aware and GP aware.",
    "NexGen stem  LOT 9287257  SN 0525-N-283",
    "MBChB FC Orth(SA)",
    "SC Joint tenderness. AC Joint arthrosis.",
    "Grade 15/20 power 4/5. VAS 8/10. Ratio 13/10.",
    "Unit: Canon CXDI-710C and Carestream DRX-Evolution, both serviced.",
    # the cold review's over-redactions (0.9.0 before its fixes)
    "Erosions best seen in STIR and PD sequences; small erosions seen in PIP and DIP joints.",
    "Views performed in Neutral and Abduction. Images pushed to Synapse. Referred then to Neurosurgery.",
    "Dura Mater intact. Comparison made with the regional and distant nodes.",
    "Recommend Vestibular PT. Referred for Pelvic Floor PT. Referred to Physiotherapy Practice.",
    "Hardware: 2 screws in place, unchanged. Fracture through 1 proximal carpal row. Intact Hardware.",
    "IMPRESSION: SC Emphysema. History: CF Exacerbation. 80 KV Technique.",
    "Measurements\ncm\n12.3\nPlan:\nrv\nfu 6/52",
    "Comparison: 2019 DXA: T-score -2.6. Since 2019 PMH: gout.",
    "Neurosurg aware. Paeds aware. Correlate with Rheumatology at Mercy.",
    "Omnipaque Iohexol  350.00 mL",
    "Hips: born at Term, breech presentation. Brought in from nursing home.",
]


@pytest.mark.parametrize(("text", "part"), FAMILIES, ids=[f"{p}@{t[:24]}" for t, p in FAMILIES])
def test_family_covered(covered: Callable[[str, str], bool], text: str, part: str) -> None:
    assert covered(text, part)


@pytest.mark.parametrize("text", KEEP)
def test_kept(scrubber: Scrubber, text: str) -> None:
    detected = [text[d.start : d.end] for d in scrubber.detect(text)]
    # dates and times may be found in a keep sentence; nothing else may
    assert all(any(ch.isdigit() for ch in piece) for piece in detected), detected


def test_address_block_needs_an_address_line_above() -> None:
    text = "Dear Dr Moss\nGreat Tew\nThanks"
    assert address_block_lines(text, [Detection(8, 12, "NAME", 0.8)]) == []
    above = "4 Mill Row\nGreat Tew\n\nDear"
    (found,) = address_block_lines(above, [Detection(0, 10, "LOCATION", 0.8)])
    assert above[found.start : found.end] == "Great Tew"


def test_address_block_skips_sentences_and_headers() -> None:
    text = "4 Mill Row\nFINDINGS\nAcquired on Carestream DRX.\nLeft Knee\n"
    assert address_block_lines(text, [Detection(0, 10, "LOCATION", 0.8)]) == []
    for line in (
        "PRIVATE AND CONFIDENTIAL",
        "Private Patients",
        "Osteoarthritis Assessment",
        "ACQUIRED ON X",
    ):
        text = f"12 High Street\n{line}\n\nDear Dr Jones"
        assert address_block_lines(text, [Detection(0, 14, "LOCATION", 0.8)]) == [], line


def test_windows_line_ends_read_like_unix_ones(scrubber: Scrubber) -> None:
    text = "Glenmore Surgery\r\nPO Box 7682\r\nHenley-on-Thames\r\nK3 7TK\r\n"
    assert "Henley-on-Thames" in [text[d.start : d.end] for d in scrubber.detect(text)]


def test_bare_facility_needs_a_care_cue() -> None:
    found = [
        "Seen at Kelmscott on 4/4. Lunch at Kelmscott on 4/4."[d.start : d.end]
        for d in named_facilities("Seen at Kelmscott on 4/4. Lunch at Kelmscott on 4/4.")
    ]
    assert found == ["Kelmscott"]
    assert named_facilities("films from MRI and seen in Resus, reviewed in Fracture Clinic.") == []
