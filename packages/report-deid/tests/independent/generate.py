"""Independent generator of annotated musculoskeletal radiograph reports (issue 13, section 2).

Written from ``CATALOGUE.md`` alone, without sight of report-deid's recognizers, allow-list or templates.
Every report is assembled piece by piece; a piece is plain text, a gold PHI span (``type``) or a confounder
term that must survive scrubbing (``keep``), so offsets are exact by construction. Layout-wide case changes
(legacy all-caps RIS, lower-case dictation) are applied per piece before offsets are computed.

Run: ``python generate.py --n 500 --seed 2026 --out independent_generated.jsonl`` (stdlib + numpy only,
deterministic for a given seed).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

# ----------------------------------------------------------------------------- surrogate pools
FIRST = [
    "José",
    "Zoë",
    "Łukasz",
    "Søren",
    "Amélie",
    "Björn",
    "Chloé",
    "Dvořák",
    "Siobhán",
    "Niamh",
    "Aoife",
    "Jean-Luc",
    "Mary-Kate",
    "Anne-Sophie",
    "Ngozi",
    "Chidi",
    "Oluwaseun",
    "Kwame",
    "Abena",
    "Tendai",
    "Wei",
    "Li",
    "Xiaoming",
    "Hiroshi",
    "Yuki",
    "Min-jun",
    "Ji-woo",
    "Thảo",
    "Minh",
    "Priya",
    "Arjun",
    "Sanjay",
    "Aisha",
    "Fatima",
    "Omar",
    "Yusuf",
    "Mehmet",
    "Ayşe",
    "Leila",
    "Dariusz",
    "Małgorzata",
    "Ivan",
    "Olga",
    "Sergei",
    "Ana",
    "Inês",
    "João",
    "Lucía",
    "María José",
    "Raúl",
    "Gonzalo",
    "Bo",
    "Al",
    "Jo",
    "Ed",
    "Rose",
    "Grant",
    "Hope",
    "Joy",
    "Mark",
    "Will",
    "Hunter",
    "Mohammed",
    "Giulia",
    "Matteo",
    "Francesca",
    "Lars",
    "Ingrid",
    "Sven",
    "Kalani",
    "Keanu",
    "Tupac",
    "Dakota",
    "Ximena",
    "Renée",
    "Noémie",
    "François",
    "Jürgen",
    "Günther",
    "Marguerite",
    "Bartholomew",
    "Patricia",
    "Robert",
    "Linda",
    "James",
    "Susan",
    "Michael",
    "Karen",
    "David",
    "Emily",
    "Thomas",
    "Aaliyah",
    "DeShawn",
    "Tyrone",
    "Latoya",
    "Precious",
    "Nkechi",
    "Siddharth",
    "Ravi",
    "Anjali",
    "Harpreet",
    "Gurpreet",
    "Tariq",
]
LAST = [
    "O'Brien",
    "D'Angelo",
    "N'Diaye",
    "Ng'ang'a",
    "O'Connor-Walsh",
    "Smith-Jones",
    "Al-Hashimi",
    "van der Berg",
    "de la Cruz",
    "von Trapp",
    "di Maio",
    "da Silva",
    "du Pont",
    "Le",
    "Ng",
    "Li",
    "Wu",
    "Ho",
    "Yu",
    "O",
    "Ma",
    "Do",
    "Ye",
    "Nguyễn",
    "Trần",
    "Phạm",
    "Müller",
    "Schäfer",
    "Groß",
    "Øvergård",
    "Åkesson",
    "Ñúñez",
    "Çelik",
    "Öztürk",
    "Yılmaz",
    "Dvořáková",
    "Wiśniewski",
    "Kowalczyk",
    "Łopez",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Nkemelu",
    "Mutasa",
    "Tanaka",
    "Yamamoto",
    "Kim",
    "Park",
    "Choi",
    "Patel",
    "Sharma",
    "Iyer",
    "Chatterjee",
    "Singh",
    "Khan",
    "Haddad",
    "Abdullah",
    "bin Salleh",
    "MacLeod",
    "McDonald",
    "Fitzgerald",
    "Ó Súilleabháin",
    "Ní Bhriain",
    "Baker",
    "King",
    "Young",
    "Rose",
    "Grant",
    "Hunter",
    "Mark",
    "Moss",
    "Fox",
    "Bell",
    "Hill",
    "Stone",
    "Lake",
    "Rivera",
    "García-Márquez",
    "Hernández",
    "Gonçalves",
    "Ferreira",
    "Rossi",
    "Esposito",
    "Bianchi",
    "Johansson",
    "Lindqvist",
    "Petrov",
    "Ivanova",
    "Kuznetsov",
    "Kahananui",
    "Begay",
    "Yazzie",
    "Thompson",
    "Williams",
    "Johnson",
    "Brown",
    "Jackson",
    "Washington",
    "Lefebvre",
    "Dubois",
    "Fontaine",
    "ter Horst",
    "Van Dyke",
]
MIDDLE = ["A.", "B.", "J.", "K.", "M.", "R.", "T.", "W.", "E", "L", "Q."]
CREDENTIAL = [
    "MD",
    "M.D.",
    "DO",
    "D.O.",
    "MBBS",
    "MBBS, FRCR",
    "FRCR",
    "MD, PhD",
    "PA-C",
    "NP",
    "RN",
    "FRCPC",
    "MD, FACR",
    "DPT",
    "MRCP",
    "RT(R)",
    "RT(R)(CT)",
    "RT(R)(MR), ARRT",
]
TECH_CRED = ["RT(R)", "RT(R)(CT)", "RT(R), ARRT", "ARRT", "RT"]
US_CITIES = [
    ("Boston", "MA", "02114"),
    ("St. Louis", "MO", "63110"),
    ("Winston-Salem", "NC", "27157"),
    ("San José", "CA", "95128"),
    ("Coeur d'Alene", "ID", "83814"),
    ("Ann Arbor", "MI", "48109"),
    ("Baton Rouge", "LA", "70808"),
    ("Fort Worth", "TX", "76104"),
    ("Honolulu", "HI", "96813"),
    ("Gallup", "NM", "87301"),
    ("Worcester", "MA", "01655"),
    ("Des Moines", "IA", "50309-3833"),
    ("Sioux Falls", "SD", "57105"),
    ("Lake Oswego", "OR", "97035"),
    ("Salt Lake City", "UT", "84132"),
]
UK_CITIES = [
    ("Leeds", "LS1 3EX"),
    ("London", "SW1A 2AA"),
    ("Newcastle upon Tyne", "NE1 4LP"),
    ("Cardiff", "CF14 4XW"),
    ("Bury St Edmunds", "IP33 2QZ"),
    ("Stoke-on-Trent", "ST4 6QG"),
    ("Glasgow", "G51 4TF"),
    ("King's Lynn", "PE30 4ET"),
]
EU_CITIES = [
    ("Paris", "75012", "France"),
    ("Saint-Étienne", "42055", "France"),
    ("München", "81675", "Germany"),
    ("Den Haag", "2545 AA", "Netherlands"),
    ("Milano", "20132", "Italy"),
    ("Göteborg", "413 45", "Sweden"),
    ("Kraków", "31-501", "Poland"),
    ("Lisboa", "1649-035", "Portugal"),
]
STREETS = [
    "Elm Street",
    "Baker St.",
    "W 54th Ave",
    "Old Kent Road",
    "Rue des Lilas",
    "Maximilianstraße",
    "Martin Luther King Jr. Blvd",
    "Calle de Alcalá",
    "Via Olgettina",
    "Route 9",
    "Château Lane",
    "O'Farrell Street",
    "Harbour View Drive",
    "N. Main St",
    "Sycamore Ct",
    "Kings Road",
]
HOSPITALS = [
    "St. Mary's Hospital",
    "Mercy Orthopedic & Sports Medicine",
    "The Royal Infirmary of Edinburgh",
    "Klinikum rechts der Isar",
    "Hôpital Lariboisière",
    "Lakeside Family Practice",
    "Northgate Imaging Center",
    "Riverside Bone and Joint Clinic",
    "Ospedale San Raffaele",
    "University Hospital of North Tees",
    "Saint Luke's Medical Center",
    "Pinecrest Orthopaedic Associates",
    "Cedar Valley Community Hospital",
    "Brigham Circle Radiology Partners",
    "Our Lady of Lourdes Hospital",
    "Hospital Universitario La Paz",
    "Whitfield & Osei Surgical Group",
    "Sunnyvale Urgent Care",
    "Kaiser Heights Medical Office",
    "Mount Carmel East",
    "Leeds Teaching Hospitals",
    "Bayview Sports Injury Clinic",
    "Harborview Medical Center",
    "Good Samaritan Hospital of the Valley",
]
EMAIL_DOMAINS = [
    "stmarys.org",
    "mercyortho.com",
    "nhs.net",
    "northgate-imaging.com",
    "klinikum.de",
    "riverside-bj.org",
    "gmail.com",
    "outlook.com",
]
SITE_DOMAINS = [d for d in EMAIL_DOMAINS if d not in ("gmail.com", "outlook.com")]

# ----------------------------------------------------------------------------- clinical content (keep terms)
# Each fragment is a list of pieces: plain strings or ("KEEP", term).
K = "KEEP"
FINDINGS = {
    "knee_pa": [
        [
            "Fixed-flexion PA view of both knees. Medial joint space narrowing, ",
            (K, "KL grade 3"),
            " on the right.",
        ],
        ["Marginal osteophytes, ", (K, "Kellgren-Lawrence"), " grade 2 left, grade 3 right."],
        ["Subchondral sclerosis medially; no ", (K, "Segond fracture"), "."],
        ["Tibial spine peaking. ", (K, "Fairbank changes"), " are not seen."],
        ["Joint space width 2.1 mm medial compartment (", (K, "Rosenberg view"), ")."],
        ["Mild chondrocalcinosis. Pattern favours ", (K, "OA"), " over inflammatory arthropathy."],
        ["Varus alignment; ", (K, "WB"), " views show ", (K, "3.2 mm"), " medial joint space."],
        ["No loose body. Tibial spines sharpened, ", (K, "Kellgren-Lawrence grade 2"), "."],
        ["Lateral compartment preserved; ", (K, "Ahlbäck"), " grade 1 medially."],
    ],
    "knee_lat": [
        ["Lateral view: small suprapatellar effusion; ", (K, "Hoffa's fat pad"), " preserved."],
        ["Patellar height normal, ", (K, "Insall-Salvati ratio"), " 1.1."],
        [
            "Ossicle at the medial femoral condyle consistent with ",
            (K, "Pellegrini-Stieda lesion"),
            ".",
        ],
        ["Soft-tissue fullness posteriorly could represent a ", (K, "Baker's cyst"), "."],
        ["Fragmentation of the tibial tubercle, sequela of ", (K, "Osgood-Schlatter disease"), "."],
        ["Fabella noted. ", (K, "Blumensaat line"), " intact."],
        ["Patella alta, ", (K, "Caton-Deschamps"), " index 1.3."],
        ["Quadriceps enthesophyte. Effusion measures ", (K, "12 mm"), " on the lateral."],
    ],
    "skyline": [
        ["Skyline (", (K, "Merchant view"), "): lateral patellofemoral narrowing, no subluxation."],
        ["Patellar tilt 8 degrees. Trochlear dysplasia not evident."],
        ["Bipartite patella, superolateral; no ", (K, "Sinding-Larsen-Johansson"), " changes."],
    ],
    "tka": [
        [
            "Cemented ",
            (K, "TKA"),
            " (",
            (K, "Attune"),
            " cruciate-retaining) in satisfactory alignment.",
        ],
        ["No periprosthetic lucency. ", (K, "PMMA cement"), " mantle intact."],
        ["Polyethylene insert ", (K, "10 mm"), "; no component subsidence."],
        [
            "Post-operative ",
            (K, "TKR"),
            " with ",
            (K, "Triathlon"),
            " components, skin staples in place.",
        ],
        ["Small joint effusion and gas, expected 6 weeks post-op."],
        ["", (K, "NexGen"), " components; ", (K, "cobalt-chrome"), " femur, no osteolysis."],
        ["", (K, "UKA"), " on the contralateral side is unchanged."],
    ],
    "hip": [
        ["AP pelvis: superolateral joint space loss, ", (K, "Tönnis"), " grade 2."],
        ["Uncemented ", (K, "THA"), ", ", (K, "Brooker"), " class I heterotopic ossification."],
        ["Femoral neck intact; ", (K, "Garden"), " classification not applicable."],
        ["Cam morphology, alpha angle 62 degrees on ", (K, "Dunn view"), "."],
        ["", (K, "Paprosky"), " type II acetabular defect around the loosened cup."],
        ["Femoral stem unchanged, ", (K, "Gruen"), " zones clear."],
    ],
    "ankle": [
        ["Distal fibular fracture at the syndesmosis, ", (K, "Weber B"), "."],
        ["Mortise congruent; no ", (K, "Maisonneuve"), " fracture on the proximal fibula."],
        ["", (K, "Ottawa rules"), " positive. Lateral malleolus tender."],
        ["Tarsometatarsal alignment preserved, no ", (K, "Lisfranc"), " injury."],
        ["Talar dome lesion, ", (K, "Hawkins"), " sign absent."],
        ["Trimalleolar fracture, ", (K, "Lauge-Hansen"), " supination-external rotation IV."],
        ["Calcaneal spur. ", (K, "Bohler angle"), " 28 degrees."],
    ],
}
PROCEDURE_KEEP = [
    [
        "Intra-articular injection: ",
        (K, "5 mL"),
        " ",
        (K, "Kenalog"),
        " with ",
        (K, "lidocaine"),
        ".",
    ],
    ["Arthrogram: ", (K, "100 cc"), " ", (K, "Omnipaque"), " diluted, no extravasation."],
    [
        "Aspiration yielded ",
        (K, "12 cc"),
        " straw-coloured fluid; ",
        (K, "Depo-Medrol"),
        " instilled.",
    ],
    ["Viscosupplementation with ", (K, "Synvisc"), " planned by ", (K, "Sports Medicine"), "."],
]
HISTORY_KEEP = [
    [(K, "PT WITH KNEE PAIN"), "."],
    ["Referred from ", (K, "Mental Health"), " for fall screening."],
    [(K, "s/p"), " fall, ", (K, "c/o"), " medial knee pain, ", (K, "r/o"), " fracture."],
    ["Chronic knee pain, ", (K, "h/o"), " ", (K, "ACL"), " reconstruction in 2009."],
    ["Seen in the ", (K, "Emergency Department"), " after twisting injury."],
    ["Known ", (K, "Paget's disease"), "; pain at rest."],
    ["Pain with stairs, ", (K, "Physical Therapy"), " since 2021 without benefit."],
    ["Limping; ", (K, "Fracture Clinic"), " follow-up requested by ", (K, "Orthopaedics"), "."],
]
EXAMS = {
    "knee_pa": "XR KNEES BILATERAL PA FIXED FLEXION",
    "knee_lat": "XR KNEE 3 VIEWS",
    "skyline": "XR PATELLA SKYLINE",
    "tka": "XR KNEE POST-OP TKA",
    "hip": "XR HIP AND PELVIS",
    "ankle": "XR ANKLE 3 VIEWS",
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

Piece = str | tuple[str, str]
T = TypeVar("T")


class Doc:
    """Text assembled from pieces with exact gold spans (``phi``) and survivors (``keep``)."""

    def __init__(self, case: str = "as_is") -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[dict[str, int | str]] = []
        self.keep: list[dict[str, int | str]] = []
        self.case = case

    def _cased(self, text: str) -> str:
        if self.case == "upper":
            return text.upper()
        if self.case == "lower":
            return text.lower()
        return text

    def add(self, *pieces: Piece) -> Doc:
        """Append pieces: a plain string, ``(TYPE, text)`` for PHI, ``("KEEP", term)`` for a survivor."""
        for piece in pieces:
            if isinstance(piece, str):
                self._put(piece)
                continue
            kind, text = piece
            start = self.length
            text = self._put(text)
            if kind == K:
                self.keep.append({"start": start, "end": self.length, "term": text})
            else:
                self.spans.append({"start": start, "end": self.length, "type": kind})
        return self

    def _put(self, text: str) -> str:
        text = self._cased(text)
        self.parts.append(text)
        self.length += len(text)
        return text

    def text(self) -> str:
        """The assembled report text."""
        return "".join(self.parts)


# ----------------------------------------------------------------------------- surface-form makers
class Maker:
    """Draws surrogate identifiers in the surface forms of CATALOGUE.md."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def pick(self, seq: Sequence[T]) -> T:
        """One element of ``seq`` uniformly."""
        return seq[int(self.rng.integers(len(seq)))]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return bool(self.rng.random() < p)

    def digits(self, n: int) -> str:
        """``n`` random decimal digits (first one non-zero)."""
        first = str(int(self.rng.integers(1, 10)))
        return first + "".join(str(int(d)) for d in self.rng.integers(0, 10, n - 1))

    def letters(self, n: int) -> str:
        """``n`` random upper-case letters."""
        return "".join(chr(65 + int(c)) for c in self.rng.integers(0, 26, n))

    # names
    def person(self) -> tuple[str, str, str]:
        """(first, middle-or-empty, last)."""
        middle = self.pick(MIDDLE) if self.chance(0.3) else ""
        return self.pick(FIRST), middle, self.pick(LAST)

    def name(self, order: str | None = None) -> str:
        """A person's name in one of the catalogue's orders."""
        first, middle, last = self.person()
        order = order or self.pick(["fl", "fl", "fml", "lf", "ilast", "LF_CAPS", "lower"])
        if order == "fml" and middle:
            return f"{first} {middle} {last}"
        if order == "lf":
            return f"{last}, {first}" + (f" {middle}" if middle else "")
        if order == "ilast":
            return f"{first[0]}. {last}"
        if order == "LF_CAPS":
            return f"{last.upper()}, {first.upper()}"
        if order == "lower":
            return f"{first} {last}".lower()
        if order == "dicom":
            return f"{last.upper()}^{first.upper()}" + (f"^{middle[0]}" if middle else "")
        if order == "last":
            return last
        return f"{first} {last}"

    def title(self) -> str:
        """A clinician title before a name."""
        return self.pick(["Dr. ", "Dr ", "DR. ", "Prof. ", "Doctor "])

    def patient_title(self) -> str:
        """A courtesy title before a patient's name."""
        return self.pick(["Mr. ", "Mrs. ", "Ms ", "Miss ", "Mx. ", "Mr ", "Mrs "])

    def initials(self) -> str:
        """Transcriptionist initials (a NAME span)."""
        return self.pick([self.letters(2).lower(), self.letters(3).lower(), self.letters(2)])

    # dates and times
    def ymd(self, lo: int = 2015, hi: int = 2026) -> tuple[int, int, int]:
        """A random (year, month, day)."""
        return (
            int(self.rng.integers(lo, hi)),
            int(self.rng.integers(1, 13)),
            int(self.rng.integers(1, 29)),
        )

    def date(self, style: str | None = None, birth: bool = False) -> str:
        """A date with a year in one of the catalogue's shapes."""
        y, m, d = self.ymd(1925, 1990) if birth else self.ymd()
        mon = MONTHS[m - 1]
        style = style or self.pick(
            [
                "us",
                "us_short",
                "uk",
                "dotted",
                "dotted_short",
                "dash_uk",
                "iso",
                "compact",
                "dmy_caps",
                "dmy_abbr",
                "long_us",
                "long_us_th",
                "long_uk",
                "abbr_dot",
                "weekday",
            ]
        )
        forms = {
            "us": f"{m:02d}/{d:02d}/{y}",
            "us_short": f"{m}/{d}/{y % 100:02d}",
            "uk": f"{d:02d}/{m:02d}/{y}",
            "dotted": f"{d:02d}.{m:02d}.{y}",
            "dotted_short": f"{d}.{m}.{y % 100:02d}",
            "dash_uk": f"{d:02d}-{m:02d}-{y}",
            "iso": f"{y}-{m:02d}-{d:02d}",
            "compact": f"{y}{m:02d}{d:02d}",
            "dmy_caps": f"{d:02d}{mon[:3].upper()}{y}",
            "dmy_abbr": f"{d:02d}-{mon[:3]}-{y}",
            "long_us": f"{mon} {d}, {y}",
            "long_us_th": f"{mon} {d}{self._suffix(d)}, {y}",
            "long_uk": f"{d} {mon} {y}",
            "abbr_dot": f"{mon[:3]}{'.' if len(mon) > 3 else ''} {d} {y}",
            "weekday": f"{self.pick(['Monday', 'Tuesday', 'Friday'])}, {d} {mon} {y}",
            "month_day": f"{mon[:3]} {d}",
            "slash_md": f"{m}/{d}",
        }
        return forms[style]

    @staticmethod
    def _suffix(d: int) -> str:
        if d in (11, 12, 13):
            return "th"
        return {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")

    def time(self) -> str:
        """A clock time in one of the catalogue's shapes."""
        h, mi = int(self.rng.integers(0, 24)), int(self.rng.integers(0, 60))
        h12 = h % 12 or 12
        ampm = "AM" if h < 12 else "PM"
        return self.pick(
            [
                f"{h:02d}:{mi:02d}",
                f"{h12}:{mi:02d} {ampm}",
                f"{h12}:{mi:02d}{ampm.lower()}",
                f"{h:02d}{mi:02d} hrs",
                f"{h:02d}{mi:02d}h",
                f"{h:02d}h{mi:02d}",
                f"{h:02d}{mi:02d}",
                f"{h:02d}.{mi:02d}",
                f"{h:02d}:{mi:02d}:{int(self.rng.integers(0, 60)):02d}",
            ]
        )

    def dicom_time(self) -> str:
        """DICOM TM value HHMMSS."""
        h, mi, se = (int(v) for v in self.rng.integers(0, [24, 60, 60]))
        return f"{h:02d}{mi:02d}{se:02d}"

    def doctor(self) -> str:
        """A clinician's name in the orders seen after a title."""
        return self.name(self.pick(["fl", "fl", "fml", "ilast", "last"]))

    def vague_date(self) -> list[Piece]:
        """Month-year, holiday, ordinal and "the Nth of Month" dates, with the non-date words outside."""
        y, mo, d = self.ymd()
        mon = MONTHS[mo - 1]
        return self.pick(
            [
                ["mid-", ("DATE", f"{mon} {y}")],
                [("DATE", f"{self.pick(['Christmas', 'Thanksgiving', 'Easter', 'New Year'])} {y}")],
                ["the ", ("DATE", f"{d}{self._suffix(d)} of {mon}")],
                [("DATE", f"{d}{self._suffix(d)} {mon} {y}")],
                [("DATE", f"{mon} {y}")],
            ]
        )

    # contact
    def phone(self, region: str = "us") -> str:
        """A telephone number."""
        a, b, c = self.digits(3), self.digits(3), self.digits(4)
        if region == "uk":
            return self.pick(
                [
                    f"0113 {b} {c}",
                    f"+44 (0)20 {c} {c}",
                    f"07700 9{self.digits(5)}",
                    f"01{a[:2]}{b[:1]} {self.digits(6)}",
                ]
            )
        if region == "eu":
            return self.pick(
                [
                    f"+33 1 {a[:2]} {b[:2]} {c[:2]} {c[2:]}",
                    f"+49 89 {c}-{self.digits(1)}",
                    f"020 {a} {c}",
                    f"+39 02 {c} {c}",
                ]
            )
        return self.pick(
            [
                f"({a}) {b}-{c}",
                f"{a}-{b}-{c}",
                f"{a}.{b}.{c}",
                f"+1 {a} {b} {c}",
                f"1-800-{b}-{c}",
                f"{b}-{c}",
                f"{a}-{b}-{c} ext. {self.digits(2)}",
                f"({a}){b}-{c}",
            ]
        )

    def pager(self) -> str:
        """Pager / extension-only numbers (PHONE spans)."""
        return self.pick(
            [
                f"x{self.digits(4)}",
                f"ext. {self.digits(4)}",
                f"{self.digits(1)}-{self.digits(4)}",
                f"#{self.digits(4)}",
                f"extension {self.digits(5)}",
            ]
        )

    def email(self, first: str, last: str) -> str:
        """An e-mail address derived from ASCII-folded name parts."""
        f = "".join(ch for ch in first.lower() if "a" <= ch <= "z") or "md"
        la = "".join(ch for ch in last.lower() if "a" <= ch <= "z") or "rad"
        user = self.pick(
            [
                f"{f}.{la}",
                f"{f[0]}{la}",
                f"{la}{self.digits(2)}",
                f"{f}.{la}+pacs",
                "rad-reading",
                f"{f.upper()}.{la.upper()}",
            ]
        )
        return f"{user}@{self.pick(EMAIL_DOMAINS)}"

    def url(self) -> str:
        """A URL pointing to a patient or a facility."""
        return self.pick(
            [
                f"https://portal.{self.pick(SITE_DOMAINS)}/patient/{self.digits(6)}",
                f"www.{self.pick(SITE_DOMAINS)}/records/{self.letters(2).lower()}{self.digits(5)}",
                f"http://pacs.mercy.local/viewer?acc={self.digits(8)}",
                f"https://mychart.{self.pick(SITE_DOMAINS)}/results/{self.letters(3)}{self.digits(5)}",
            ]
        )

    def ip(self) -> str:
        """An IPv4 (sometimes with port) or IPv6 address."""
        if self.chance(0.15):
            return f"fe80::{self.digits(3)}:{self.digits(2)}ff:fe4a:{self.digits(4)}"
        b, c, d = (int(v) for v in self.rng.integers([0, 0, 2], [255, 255, 254]))
        quad = f"10.{b}.{c}.{d}"
        return quad + (f":{self.pick(['104', '11112', '4242'])}" if self.chance(0.3) else "")

    # identifiers
    def ssn(self) -> str:
        """US SSN or a European national number."""
        a, b, c = (
            f"{int(self.rng.integers(100, 666)):03d}",
            f"{int(self.rng.integers(10, 99)):02d}",
            self.digits(4),
        )
        return self.pick([f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}{b}{c}", f"{a}-{b}-{c}"])

    def nhs(self) -> str:
        """UK NHS number."""
        n = self.digits(10)
        return self.pick([f"{n[:3]} {n[3:6]} {n[6:]}", n, f"{n[:3]}-{n[3:6]}-{n[6:]}"])

    def mrn(self) -> str:
        """Medical record number shapes."""
        return self.pick(
            [
                self.digits(8),
                f"00{self.digits(6)}",
                f"{self.letters(1)}{self.digits(6)}",
                f"RXH{self.digits(7)}",
                f"{self.digits(3)}.{self.digits(3)}.{self.digits(2)}",
                f"K{self.digits(7)}",
                self.digits(10),
                f"{self.digits(2)}-{self.digits(5)}",
            ]
        )

    def accession(self) -> str:
        """Accession number shapes."""
        y = int(self.rng.integers(15, 27))
        return self.pick(
            [
                f"RAD-20{y}-{self.digits(7)}",
                f"XR{y}.{self.digits(6)}",
                f"E{self.digits(7)}",
                f"20{y}{self.digits(4)}.{self.digits(4)}",
                f"CR-{self.digits(5)}-{self.letters(1)}",
                self.digits(9),
                f"A{self.digits(8)}",
                f"{self.letters(2)}{self.digits(6)}",
            ]
        )

    def account(self) -> str:
        """Account / encounter / FIN number shapes."""
        return self.pick(
            [
                self.digits(10),
                f"V{self.digits(9)}",
                f"{self.digits(4)}-{self.digits(6)}",
                f"FIN{self.digits(8)}",
                self.digits(12),
            ]
        )

    def member_id(self) -> str:
        """Health-plan, Medicare or study identifiers (ID)."""
        return self.pick(
            [
                f"{self.letters(3)}{self.digits(9)}",
                f"1EG4-TE5-MK{self.digits(2)}",
                f"W{self.digits(8)}",
                f"{self.digits(3)}-{self.digits(3)}-{self.digits(3)}-A",
                f"ZGP{self.digits(6)}",
            ]
        )

    def uid(self) -> str:
        """DICOM study instance UID (ID)."""
        parts = (
            self.digits(2),
            "3",
            self.digits(9),
            self.digits(3),
            self.digits(10),
            self.digits(3),
        )
        return "1.2.840.113619.2." + ".".join(parts)

    def license(self) -> str:
        """NPI, DEA, GMC or state licence numbers."""
        return self.pick(
            [
                self.digits(10),
                f"{self.letters(2)}{self.digits(7)}",
                self.digits(7),
                f"A-{self.digits(5)}",
                f"{self.digits(2)}-{self.digits(5)}",
                f"G{self.digits(5)}",
            ]
        )

    def device(self, kind: str = "any") -> str:
        """Implant / equipment serial (``sn``), lot, reference (``ref``) or UDI numbers."""
        forms = {
            "lot": [self.digits(7), f"{self.digits(2)}{self.letters(1)}{self.digits(4)}"],
            "sn": [
                f"{self.digits(4)}-{self.letters(2)}-{self.digits(4)}",
                f"{self.digits(2)}X-{self.digits(6)}",
            ],
            "ref": [f"{self.digits(4)}-{self.letters(1)}-{self.digits(3)}"],
            "udi": [
                f"(01)0088{self.digits(10)}(17)2{self.digits(5)}(10){self.letters(1)}{self.digits(5)}"
            ],
        }
        if kind in forms:
            return self.pick(forms[kind])
        return self.pick(
            [
                f"{self.digits(4)}-{self.letters(2)}-{self.digits(4)}",
                f"{self.digits(2)}X-{self.digits(6)}",
                self.digits(7),
                f"{self.digits(2)}{self.letters(1)}{self.digits(4)}",
                f"{self.digits(4)}-{self.letters(1)}-{self.digits(3)}",
                f"(01)0088{self.digits(10)}(17)2{self.digits(5)}(10){self.letters(1)}{self.digits(5)}",
            ]
        )

    def old_age(self) -> str:
        """An age over 89 in the catalogue's compact forms (AGE)."""
        a = int(self.rng.integers(90, 104))
        return self.pick(
            [
                f"{a}-year-old",
                f"{a} year old",
                f"{a} yo",
                f"{a}yo",
                f"{a} y/o",
                f"{a}Y",
                f"{a}-yr-old",
                f"{a} yrs",
                f"{a}y",
            ]
        )

    def young_age(self) -> str:
        """An age of 89 or less (keep)."""
        a = int(self.rng.integers(14, 90))
        return self.pick([f"{a}-year-old", f"{a} y/o", f"{a}yo", f"{a}-yr-old"])

    def street(self) -> str:
        """A street line."""
        n = int(self.rng.integers(1, 9999))
        s = f"{n} {self.pick(STREETS)}"
        if self.chance(0.25):
            s = (
                self.pick(
                    [
                        f"Apt {self.digits(1)}{self.letters(1)}, ",
                        f"Flat {self.digits(1)}, ",
                        "Unit 12, ",
                    ]
                )
                + s
            )
        return s

    def hospital(self) -> str:
        """A facility name, sometimes upper-cased."""
        h = self.pick(HOSPITALS)
        return h.upper() if self.chance(0.12) else h


# ----------------------------------------------------------------------------- report pieces
def _clinic(m: Maker, exam: str, k: int = 2) -> list[Piece]:
    """``k`` findings sentences for ``exam`` plus one history and maybe one procedure (keep terms inside)."""
    out: list[Piece] = []
    pool = FINDINGS[exam]
    for i in m.rng.choice(len(pool), size=min(k, len(pool)), replace=False):
        out += [*pool[int(i)], " "]
    return out


def _history(m: Maker) -> list[Piece]:
    """One history sentence with keep terms, sometimes an onset date or a cue-less name after it."""
    out: list[Piece] = list(m.pick(HISTORY_KEEP))
    if m.chance(0.35):
        out += [" Symptoms since ", *m.vague_date(), "."]
    if m.chance(0.2):
        first, _, last = m.person()
        who = m.pick([f"{first} {last}", last, first])
        out += [
            " ",
            ("NAME", who),
            m.pick([" walks with a stick.", " reports night pain.", " is a keen cyclist."]),
        ]
    if m.chance(0.15):
        out += [" ", *m.pick(MVA)(m)]
    return out


def _ssn_pieces(m: Maker) -> list[Piece]:
    if m.chance(0.2):
        return ["SSN (last 4): ", ("SSN", m.digits(4))]
    return [m.pick(["SSN: ", "SS#: ", "Social Security No. "]), ("SSN", m.ssn())]


def _vin(m: Maker) -> list[Piece]:
    vin = f"1{m.letters(2)}{m.letters(1)}{m.digits(5)}{m.letters(1)}{m.digits(6)}"
    return ["Restrained driver in MVA; vehicle VIN ", ("ID", vin), " per police report."]


def _plate(m: Maker) -> list[Piece]:
    return [
        "Pedestrian struck by car, plate ",
        ("ID", f"{m.digits(1)}{m.letters(3)}{m.digits(3)}"),
        ".",
    ]


MVA = [_vin, _plate]


def _billing(m: Maker) -> list[Piece]:
    """A billing line whose codes look like identifiers but are not PHI (keep)."""
    cpt = m.pick(["73560", "73562", "73564", "73565", "73502", "73610"])
    icd = m.pick(["M17.11", "M17.0", "S83.511A", "M25.561", "S82.61XA", "Z96.651"])
    return [
        "Billing: CPT ",
        (K, cpt),
        ", ICD-10 ",
        (K, icd),
        ". ",
        (
            K,
            m.pick(
                [
                    "Series 3 Image 12",
                    "L4-5",
                    "65 kVp",
                    "Grade II",
                    "30 degrees of flexion",
                    "8 degrees valgus",
                ]
            ),
        ),
        " noted.\n",
    ]


def _impression(m: Maker, exam: str) -> list[Piece]:
    if exam == "tka":
        return [
            m.pick(
                [
                    "Well-seated arthroplasty.",
                    "No loosening.",
                    "Satisfactory post-operative appearance.",
                ]
            )
        ]
    return [
        m.pick(
            [
                "Degenerative change as above.",
                "No acute fracture.",
                "Stable appearance.",
                "Progression since prior.",
            ]
        )
    ]


def _age_piece(m: Maker) -> Piece:
    return ("AGE", m.old_age()) if m.chance(0.55) else (K, m.young_age())


def _clin(m: Maker) -> tuple[str, str, str]:
    """(title, name, credential) for a clinician."""
    return m.title(), m.name(m.pick(["fl", "fml", "ilast", "last", "fl"])), m.pick(CREDENTIAL)


def _signed(m: Maker, d: Doc, lead: str = "Electronically signed by ") -> None:
    t, n, c = _clin(m)
    when = m.pick(["on ", "", "at "])
    d.add(lead)
    if m.chance(0.5):
        d.add(t, ("NAME", n), f", {c}" if m.chance(0.6) else f" {c}")
    else:
        d.add(("NAME", n), f", {c}")
    d.add(f" {when}" if when else " ", ("DATE", m.date()), " ", ("TIME", m.time()))


# ----------------------------------------------------------------------------- layouts (one function each)
def standard_header(m: Maker, exam: str) -> Doc:
    """US header block, findings, impression, e-signature."""
    d = Doc()
    d.add("PATIENT: ", ("NAME", m.name(m.pick(["LF_CAPS", "lf", "fl"]))), "\n")
    d.add("MRN: ", ("MRN", m.mrn()), "    DOB: ", ("DATE", m.date(birth=True)), "\n")
    d.add("ACC#: ", ("ACCESSION", m.accession()), "    Exam date: ", ("DATE", m.date()), "\n")
    d.add("Referring physician: ", m.title(), ("NAME", m.doctor()), "\n")
    d.add("Location: ", ("HOSPITAL", m.hospital()), "\n\n")
    d.add("EXAM: ", EXAMS[exam], "\nHISTORY: ", _age_piece(m), " patient. ", *_history(m), "\n")
    d.add(*_billing(m))
    d.add(
        "FINDINGS: ",
        *_clinic(m, exam),
        "\n",
        (K, "IMPRESSION"),
        ": ",
        *_impression(m, exam),
        "\n\n",
    )
    _signed(m, d)
    return d


def letter(m: Maker, exam: str) -> Doc:
    """Clinic letter to the GP with address blocks, RE:, salutation and closing."""
    d = Doc()
    city, state, zipc = m.pick(US_CITIES)
    d.add(
        ("HOSPITAL", m.hospital()),
        "\n",
        ("LOCATION", m.street()),
        "\n",
        ("LOCATION", city),
        ", ",
        state,
        " ",
        ("LOCATION", zipc),
        "\nTel ",
        ("PHONE", m.phone()),
        "  Fax ",
        ("FAX", m.phone()),
        "\n\n",
    )
    d.add(("DATE", m.date(m.pick(["long_us", "long_uk", "us"]))), "\n\n")
    gp = m.name("fl")
    d.add(m.title(), ("NAME", gp), "\n", ("HOSPITAL", m.pick(HOSPITALS)), "\n\n")
    d.add(
        "RE: ",
        m.patient_title(),
        ("NAME", m.name("fl")),
        ", DOB ",
        ("DATE", m.date(birth=True)),
        ", MRN ",
        ("MRN", m.mrn()),
        "\n\n",
    )
    if m.chance(0.25):
        d.add((K, m.pick(["Dear Colleague", "Dear Sir/Madam"])), ",\n\n")
    else:
        d.add(m.pick(["Dear Dr. ", "Dear Dr ", "Dear "]), ("NAME", m.name("last")), ",\n\n")
    d.add(
        "Thank you for referring this ",
        _age_piece(m),
        " ",
        m.pick(["woman", "man", "patient"]),
        ". ",
    )
    d.add(*_history(m), " Radiographs today showed: ", *_clinic(m, exam, 3), "\n\n")
    d.add(
        "I have asked ", ("NAME", m.name("fl")), " from ", (K, "Physical Therapy"), " to see them. "
    )
    d.add("Please call my office on ", ("PHONE", m.pager()), " with any questions.\n\n")
    d.add(m.pick(["Sincerely,", "Yours sincerely,", "Kind regards,", "With best wishes,"]), "\n\n")
    d.add(("NAME", m.name("fl")), m.pick([", MD", " MD", ", M.D.", " FRCS (Orth)", ", D.O."]), "\n")
    d.add("cc: ", ("NAME", m.name("fl")), "\n")
    return d


def dictated(m: Maker, exam: str) -> Doc:
    """Dictated free text, lower case, no labels."""
    d = Doc(case="lower")
    d.add(
        "this is dr ",
        ("NAME", m.name("fl")),
        " dictating on ",
        ("DATE", m.date(m.pick(["us", "long_us"]))),
        " at ",
        ("TIME", m.time()),
        " for patient ",
        ("NAME", m.name("fl")),
        " medical record number ",
        ("MRN", m.mrn()),
        " ",
    )
    d.add("this is a ", _age_piece(m), " seen at ", ("HOSPITAL", m.pick(HOSPITALS)), " ")
    d.add(*_history(m), " ", *_clinic(m, exam), " ")
    d.add("comparison made with films from ", ("DATE", m.date("long_us")), " ")
    d.add(
        "findings discussed with ",
        ("NAME", m.name("fl")),
        " by phone at ",
        ("PHONE", m.phone()),
        " end of dictation ",
    )
    d.add("transcribed by ", ("NAME", m.initials()), " ", ("DATE", m.date("us_short")))
    return d


def addendum(m: Maker, exam: str) -> Doc:
    """Final report followed by an addendum with a call-back."""
    d = Doc()
    d.add("Patient Name: ", ("NAME", m.name("lf")), "  Acc: ", ("ACCESSION", m.accession()), "\n")
    d.add(
        "FINDINGS:\n",
        *_clinic(m, exam, 2),
        "\n",
        (K, "IMPRESSION"),
        ":\n",
        *_impression(m, exam),
        "\n",
    )
    _signed(m, d, "Signed: ")
    d.add("\n\n", (K, "ADDENDUM"), " (", ("DATE", m.date()), " ", ("TIME", m.time()), "):\n")
    d.add(
        "Findings were discussed with ",
        m.title(),
        ("NAME", m.doctor()),
        " at ",
        ("TIME", m.time()),
        " on ",
        ("DATE", m.date()),
        " who read back the result. Pager ",
        ("PHONE", m.pager()),
        ".\n",
    )
    d.add("Addendum by ", ("NAME", m.name("fl")), ", ", m.pick(CREDENTIAL))
    return d


def tabular(m: Maker, exam: str) -> Doc:
    """Pipe-separated header table."""
    d = Doc()
    d.add("| Name | ", ("NAME", m.name("lf")), " | Sex | F |\n")
    d.add("| MRN | ", ("MRN", m.mrn()), " | Account | ", ("ACCOUNT", m.account()), " |\n")
    d.add("| DOB | ", ("DATE", m.date(birth=True)), " | Age | ", _age_piece(m), " |\n")
    d.add(
        "| Accession | ",
        ("ACCESSION", m.accession()),
        " | Date | ",
        ("DATE", m.date("iso")),
        " |\n",
    )
    d.add(
        "| Ordering | ", ("NAME", m.name("lf")), " | Site | ", ("HOSPITAL", m.hospital()), " |\n\n"
    )
    d.add(EXAMS[exam], "\n", *_history(m), "\n", *_clinic(m, exam), "\n", *_billing(m))
    d.add(
        "Conclusion: ",
        *_impression(m, exam),
        "\nReported by: ",
        ("NAME", m.name("fl")),
        ", ",
        m.pick(CREDENTIAL),
    )
    return d


def legacy_caps(m: Maker, exam: str) -> Doc:
    """All-caps legacy RIS print-out."""
    d = Doc(case="upper")
    d.add("*** ", ("HOSPITAL", m.pick(HOSPITALS)), " DEPT OF RADIOLOGY ***\n")
    d.add(
        "PT: ",
        ("NAME", m.name("lf")),
        "   UNIT NO: ",
        ("MRN", m.mrn()),
        "   FIN: ",
        ("ACCOUNT", m.account()),
        "\n",
    )
    d.add(
        "DOB: ",
        ("DATE", m.date(m.pick(["dmy_caps", "us"]), birth=True)),
        "  AGE: ",
        _age_piece(m),
        "\n",
    )
    d.add("EXAM: ", EXAMS[exam], "  ORDER#: ", ("ACCESSION", m.accession()), "\n")
    d.add("ORD DR: ", ("NAME", m.name("lf")), "\n\n", *_history(m), "\n", *_clinic(m, exam), "\n")
    d.add((K, "RADIOLOGIST IMPRESSION"), ": ", *_impression(m, exam), "\n", *_billing(m))
    d.add(
        "RESIDENT: ",
        ("NAME", m.name("fl")),
        "\n",
        (K, "ATTESTATION"),
        ": I HAVE REVIEWED THE IMAGES.\n",
    )
    d.add(
        "STAFF: ",
        ("NAME", m.name("fl")),
        " ",
        m.pick(CREDENTIAL),
        "  ",
        ("DATE", m.date("dmy_caps")),
        " ",
        ("TIME", m.time()),
    )
    return d


def esignature(m: Maker, exam: str) -> Doc:
    """Short report with a rich e-signature footer (NPI, e-mail, phone)."""
    d = Doc()
    d.add(
        EXAMS[exam], " (", ("DATE", m.date()), ")\n", *_history(m), "\n", *_clinic(m, exam, 3), "\n"
    )
    d.add((K, "IMPRESSION"), ": ", *_impression(m, exam), "\n\n-- \n")
    first, _, last = m.person()
    d.add("/s/ ", ("NAME", f"{first} {last}"), ", ", m.pick(CREDENTIAL), "\n")
    d.add(
        "NPI ",
        ("LICENSE", m.license()),
        " | ",
        ("EMAIL", m.email(first, last)),
        " | ",
        ("PHONE", m.phone()),
        "\n",
    )
    d.add(("HOSPITAL", m.hospital()), " | ", ("URL", m.url()), "\n")
    d.add("Signed ", ("DATE", m.date()), " ", ("TIME", m.time()))
    return d


def comparison(m: Maker, exam: str) -> Doc:
    """Report dominated by comparison lines to outside studies."""
    d = Doc()
    d.add("Patient: ", m.patient_title(), ("NAME", m.name("fl")), " (", ("MRN", m.mrn()), ")\n")
    d.add(
        "COMPARISON: Radiographs dated ",
        ("DATE", m.date(m.pick(["us", "dotted", "uk"]))),
        " and ",
        ("DATE", m.date(m.pick(["month_day", "slash_md", "long_us"]))),
        " from ",
        ("HOSPITAL", m.hospital()),
        ", ",
        ("LOCATION", m.pick(US_CITIES)[0]),
        "; outside CT ",
        ("DATE", m.date("iso")),
        ".\n",
    )
    d.add(
        *_clinic(m, exam, 3),
        "\nCompared with ",
        (K, m.pick(["2019", "2021", "2023"])),
        " films: progression.\n",
    )
    d.add("Reading radiologist: ", ("NAME", m.name("fl")), ", ", m.pick(CREDENTIAL), "\n")
    d.add("Tech: ", ("NAME", m.name(m.pick(["ilast", "fl"]))), ", ", m.pick(TECH_CRED))
    return d


def referral(m: Maker, exam: str) -> Doc:
    """Referral / order note with insurance and contact data."""
    d = Doc()
    first, _, last = m.person()
    d.add(
        "REFERRAL FOR IMAGING\nPatient: ",
        ("NAME", f"{last}, {first}"),
        "  DOB: ",
        ("DATE", m.date(birth=True)),
        "\n",
    )
    d.add(
        *_ssn_pieces(m),
        "   Member ID: ",
        ("ID", m.member_id()),
        "   Group #: ",
        ("ID", m.digits(6)),
        "\n",
    )
    city, state, zipc = m.pick(US_CITIES)
    d.add(
        "Address: ",
        ("LOCATION", m.street()),
        ", ",
        ("LOCATION", city),
        ", ",
        state,
        " ",
        ("LOCATION", zipc),
        "\n",
    )
    d.add(
        "Home phone: ", ("PHONE", m.phone()), "   E-mail: ", ("EMAIL", m.email(first, last)), "\n"
    )
    d.add(
        "Ordering provider: ",
        ("NAME", m.name("fl")),
        ", ",
        m.pick(["PA-C", "NP", "MD", "DO"]),
        "  DEA ",
        ("LICENSE", f"{m.letters(2)}{m.digits(7)}"),
        "\n",
    )
    d.add("PCP: ", ("NAME", m.name("lf")), "   Fax results to ", ("FAX", m.phone()), "\n")
    d.add("Reason: ", _age_piece(m), ". ", *_history(m), "\nRequested: ", EXAMS[exam], "\n")
    d.add("Findings: ", *_clinic(m, exam))
    return d


def nhs_uk(m: Maker, exam: str) -> Doc:
    """UK NHS report: NHS number, hospital number, postcode, GMC."""
    d = Doc()
    city, postcode = m.pick(UK_CITIES)
    d.add(
        (
            "HOSPITAL",
            m.pick(
                [
                    "Leeds Teaching Hospitals",
                    "The Royal Infirmary of Edinburgh",
                    "University Hospital of North Tees",
                    m.hospital(),
                ]
            ),
        ),
        " NHS Trust\n",
    )
    d.add(
        "Name: ",
        m.patient_title(),
        ("NAME", m.name("fl")),
        "   NHS No: ",
        ("SSN", m.nhs()),
        "\n",
        *(
            [
                "NI No: ",
                ("SSN", f"Q{m.letters(1)} {m.digits(2)} {m.digits(2)} {m.digits(2)} C"),
                "\n",
            ]
            if m.chance(0.3)
            else []
        ),
    )
    d.add(
        "Hospital No: ",
        ("MRN", m.mrn()),
        "   D.O.B. ",
        ("DATE", m.date(m.pick(["uk", "long_uk"]), birth=True)),
        "\n",
    )
    d.add(
        "Address: ",
        ("LOCATION", m.street()),
        ", ",
        ("LOCATION", city),
        " ",
        ("LOCATION", postcode),
        "\n",
    )
    d.add(
        "Ward: ",
        ("LOCATION", f"Bay {m.digits(1)} Bed {m.digits(1)}"),
        "  Consultant: ",
        m.title(),
        ("NAME", m.name("last")),
        "\n",
    )
    d.add(
        "Examination date ",
        ("DATE", m.date(m.pick(["uk", "dotted"]))),
        "\n\n",
        *_history(m),
        "\n",
        *_clinic(m, exam),
        "\n",
    )
    d.add((K, "Conclusion"), ": ", *_impression(m, exam), "\n")
    d.add(
        "Reported by ",
        m.title(),
        ("NAME", m.name("fl")),
        ", FRCR, GMC ",
        ("LICENSE", m.digits(7)),
        "\n",
    )
    d.add("Bleep ", ("PHONE", m.digits(4)), "  ", ("TIME", m.time()), " ", ("DATE", m.date("uk")))
    return d


def german(m: Maker, exam: str) -> Doc:
    """German-language report with dotted dates and Klinikum."""
    d = Doc()
    city, postcode, _ = m.pick(EU_CITIES)
    d.add(
        (
            "HOSPITAL",
            m.pick(
                [
                    "Klinikum rechts der Isar",
                    "Universitätsklinikum Hamburg-Eppendorf",
                    "Kreiskrankenhaus St. Elisabeth",
                ]
            ),
        ),
        ", Institut für Radiologie\n",
    )
    d.add(
        ("LOCATION", m.pick(["Ismaninger Str. 22", "Martinistraße 52", "Hauptstraße 7a"])),
        ", ",
        ("LOCATION", postcode),
        " ",
        ("LOCATION", city),
        "\n",
    )
    d.add(
        "Patient: ", ("NAME", m.name("lf")), ", geb. ", ("DATE", m.date("dotted", birth=True)), "\n"
    )
    d.add("Fall-Nr.: ", ("ACCOUNT", m.account()), "  Pat.-ID: ", ("MRN", m.mrn()), "\n")
    d.add(
        "Untersuchung vom ",
        ("DATE", m.date(m.pick(["dotted", "dotted_short"]))),
        " um ",
        ("TIME", m.time()),
        " Uhr\n",
    )
    d.add(
        (K, "Befund"),
        ": Gonarthrose, ",
        (K, "Kellgren-Lawrence"),
        " Grad ",
        m.pick(["2", "3", "4"]),
        ". ",
        *_clinic(m, exam, 1),
        "\n",
    )
    d.add((K, "Beurteilung"), ": Degenerative Veränderungen.\n")
    d.add(
        "Mit freundlichen Grüßen\n",
        m.pick(["Prof. Dr. med. ", "Dr. med. ", "OA Dr. "]),
        ("NAME", m.name("fl")),
    )
    return d


def implant(m: Maker, exam: str) -> Doc:
    """Post-op TKA report with implant sticker (lot, serial, ref)."""
    exam = "tka"
    d = Doc()
    d.add(
        "Post-operative radiograph, ",
        ("DATE", m.date()),
        "\nSurgeon: ",
        m.title(),
        ("NAME", m.doctor()),
        ", ",
        m.pick(["MD", "FRCS", "DO"]),
        "\n",
    )
    d.add(
        "Patient: ",
        ("NAME", m.name("lf")),
        "  MRN ",
        ("MRN", m.mrn()),
        "  Visit # ",
        ("ACCOUNT", m.account()),
        "\n",
    )
    d.add(
        "Implant record: femoral component LOT ",
        ("DEVICE_ID", m.device("lot")),
        ", SN ",
        ("DEVICE_ID", m.device("sn")),
        "; tibial tray REF ",
        ("DEVICE_ID", m.device("ref")),
        "; UDI ",
        ("DEVICE_ID", m.device("udi")),
        "\n",
    )
    d.add(*_clinic(m, exam, 3), "\n", (K, "IMPRESSION"), ": ", *_impression(m, exam), "\n")
    d.add("Read by ", ("NAME", m.name("fl")), ", ", m.pick(CREDENTIAL), " at ", ("TIME", m.time()))
    return d


def dicom_dump(m: Maker, exam: str) -> Doc:
    """DICOM header dump pasted above the report."""
    d = Doc()
    d.add("(0010,0010) PatientName: ", ("NAME", m.name("dicom")), "\n")
    d.add("(0010,0020) PatientID: ", ("MRN", m.mrn()), "\n")
    d.add("(0010,0030) PatientBirthDate: ", ("DATE", m.date("compact", birth=True)), "\n")
    a = int(m.rng.integers(90, 104))
    d.add(
        "(0010,1010) PatientAge: ",
        ("AGE", f"{a:03d}Y") if m.chance(0.6) else (K, f"0{int(m.rng.integers(20, 89))}Y"),
        "\n",
    )
    d.add("(0008,0020) StudyDate: ", ("DATE", m.date("compact")), "\n")
    d.add("(0008,0030) StudyTime: ", ("TIME", m.dicom_time()), "\n")
    d.add("(0008,0050) AccessionNumber: ", ("ACCESSION", m.accession()), "\n")
    d.add("(0020,000D) StudyInstanceUID: ", ("ID", m.uid()), "\n")
    d.add("(0008,0080) InstitutionName: ", ("HOSPITAL", m.hospital()), "\n")
    d.add(
        "(0008,1010) StationName: CR-ROOM3  SN ",
        ("DEVICE_ID", m.device()),
        "  AE at ",
        ("IP", m.ip()),
        "\n",
    )
    d.add("(0008,0090) ReferringPhysicianName: ", ("NAME", m.name("dicom")), "\n\n")
    d.add(*_clinic(m, exam), "\n", *_impression(m, exam))
    return d


def technologist(m: Maker, exam: str) -> Doc:
    """Technologist worksheet: room, guardian, pager, tech initials."""
    d = Doc()
    d.add("TECH WORKSHEET ", ("DATE", m.date("us_short")), " ", ("TIME", m.time()), "\n")
    d.add(
        "Pt: ",
        ("NAME", m.name(m.pick(["fl", "lower", "lf"]))),
        "  ",
        ("LOCATION", f"Room {m.digits(3)}"),
        "\n",
    )
    if m.chance(0.5):
        d.add(
            "Parent/Guardian: ",
            ("NAME", m.name("fl")),
            " (mother), cell ",
            ("PHONE", m.phone()),
            "\n",
        )
    else:
        d.add("Accompanied by her daughter, ", ("NAME", m.name("fl").split(" ")[0]), ".\n")
    d.add(
        "Views: PA flexion, lateral, skyline. ",
        (K, "65 kVp"),
        ", ",
        (K, "10 mAs"),
        ". Shielding used.\n",
    )
    d.add(*_history(m), "\nPain score 6/10. ", *_clinic(m, exam, 1), "\n")
    d.add("Tech: ", ("NAME", m.initials()), "  Reader paged at ", ("PHONE", m.pager()), "\n")
    d.add("Performed by ", ("NAME", m.name("fl")), " ", m.pick(TECH_CRED))
    return d


def portal(m: Maker, exam: str) -> Doc:
    """Patient-portal message with result link and IP audit line."""
    d = Doc()
    first, _, _last = m.person()
    d.add(
        "Hello ",
        ("NAME", first),
        ",\nYour ",
        EXAMS[exam].lower(),
        " from ",
        ("DATE", m.date("long_us")),
        " is ready at ",
        ("URL", m.url()),
        ".\n",
    )
    d.add("Summary: ", *_clinic(m, exam, 2), "\n")
    d.add(
        "Questions? Write to ",
        ("EMAIL", m.email(m.pick(FIRST), m.pick(LAST))),
        " or call ",
        ("PHONE", m.phone()),
        ".\n",
    )
    d.add(
        "Audit: viewed from ",
        ("IP", m.ip()),
        " on ",
        ("DATE", m.date("iso")),
        "T",
        ("TIME", m.time()),
        "\n",
    )
    d.add("Account ", ("ACCOUNT", m.account()), " | ", ("HOSPITAL", m.hospital()))
    return d


def wet_read(m: Maker, exam: str) -> Doc:
    """ED preliminary read with a call-back documented in running text."""
    d = Doc()
    d.add("PRELIMINARY ED READ - ", ("HOSPITAL", m.hospital()), "\n")
    d.add(
        m.patient_title(), ("NAME", m.name("last")), ", ", _age_piece(m), ", ", *_history(m), "\n"
    )
    d.add(*_clinic(m, exam, 2), "\n")
    d.add(
        "Called to ",
        m.title(),
        ("NAME", m.doctor()),
        " in the ",
        (K, "Emergency Department"),
        " at ",
        ("TIME", m.time()),
        " on ",
        ("DATE", m.date(m.pick(["month_day", "us", "long_us_th"]))),
        ".\n",
    )
    d.add(
        "Resident ",
        ("NAME", m.name("fl")),
        " (pgr ",
        ("PHONE", m.pager()),
        "); attending ",
        ("NAME", m.name("fl")),
        " to finalise.\n",
    )
    d.add("Seen by ", ("NAME", m.name("last")), " in clinic; ", (K, "PT"), " stable.")
    return d


def french(m: Maker, exam: str) -> Doc:
    """French report with hôpital, NIR and EU phone."""
    d = Doc()
    city, postcode, _ = m.pick(EU_CITIES[:2])
    d.add(
        ("HOSPITAL", m.pick(["Hôpital Lariboisière", "CHU de Saint-Étienne", "Clinique du Parc"])),
        "\n",
    )
    d.add(("LOCATION", m.street()), ", ", ("LOCATION", postcode), " ", ("LOCATION", city), "\n")
    d.add(
        "Patient : ",
        m.pick(["M. ", "Mme "]),
        ("NAME", m.name("fl")),
        ", né(e) le ",
        ("DATE", m.date(m.pick(["uk", "long_uk"]), birth=True)),
        "\n",
    )
    d.add(
        "N° sécurité sociale : ",
        (
            "SSN",
            f"{m.digits(1)} {m.digits(2)} {m.digits(2)} {m.digits(2)} "
            f"{m.digits(3)} {m.digits(3)} {m.digits(2)}",
        ),
        "\n",
    )
    d.add(
        "Tél. ",
        ("PHONE", m.phone("eu")),
        "\n\n",
        "Indication : gonalgie. ",
        *_clinic(m, exam, 2),
        "\n",
    )
    d.add((K, "Conclusion"), " : arthrose fémoro-tibiale. \n")
    d.add("Dr ", ("NAME", m.name("fl")), ", le ", ("DATE", m.date("uk")), " à ", ("TIME", m.time()))
    return d


LAYOUTS: dict[str, Callable[[Maker, str], Doc]] = {
    "standard_header": standard_header,
    "letter": letter,
    "dictated": dictated,
    "addendum": addendum,
    "tabular": tabular,
    "legacy_caps": legacy_caps,
    "esignature": esignature,
    "comparison": comparison,
    "referral": referral,
    "nhs_uk": nhs_uk,
    "german": german,
    "implant": implant,
    "dicom_dump": dicom_dump,
    "technologist": technologist,
    "portal": portal,
    "wet_read": wet_read,
    "french": french,
}


def generate(n: int, seed: int) -> list[dict]:
    """``n`` annotated reports, layouts cycled in a seeded random order."""
    rng = np.random.default_rng(seed)
    m = Maker(rng)
    names = list(LAYOUTS)
    exams = list(EXAMS)
    rows = []
    for i in range(n):
        layout = names[int(rng.integers(len(names)))] if i >= len(names) else names[i]
        exam = exams[int(rng.integers(len(exams)))]
        exam = "tka" if layout == "implant" else exam  # an implant sticker belongs to a post-op TKA
        doc = LAYOUTS[layout](m, exam)
        rows.append(
            {
                "id": f"ind-{i:04d}",
                "layout": layout,
                "exam": exam,
                "text": doc.text(),
                "spans": doc.spans,
                "keep": doc.keep,
            }
        )
    return rows


def main() -> None:
    """CLI: write ``--n`` reports to ``--out`` as JSONL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("independent_generated.jsonl"))
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as fh:
        for row in generate(args.n, args.seed):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {args.n} reports to {args.out}")


if __name__ == "__main__":
    main()
