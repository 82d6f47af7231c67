"""Surrogate PHI values for the synthetic reports: realistic formats, seeded.

Names include surnames that are also eponyms or common words (Baker, Hoffa, Stone, Young, ...) so the tests
show that ``Dr. Baker`` is scrubbed while ``Baker's cyst`` survives. SSNs avoid the invalid ranges (000, 666,
9xx areas; 00 group; 0000 serial) because checksum-style validators reject obviously fake ones.
"""

from __future__ import annotations

import numpy as np

FIRST_NAMES = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Betty",
    "Anthony",
    "Margaret",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Paul",
    "Emily",
    "Andrew",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Dorothy",
    "George",
    "Melissa",
    "Timothy",
    "Deborah",
    "Ronald",
    "Stephanie",
    "Jason",
    "Rebecca",
    "Edward",
    "Sharon",
    "Jeffrey",
    "Laura",
    "Ryan",
    "Cynthia",
    "Jacob",
    "Kathleen",
    "Gary",
    "Amy",
    "Nicholas",
    "Angela",
    "Eric",
    "Shirley",
    "Jonathan",
    "Anna",
    "Stephen",
    "Brenda",
    "Larry",
    "Pamela",
    "Justin",
    "Emma",
    "Scott",
    "Nicole",
    "Brandon",
    "Helen",
    "Benjamin",
    "Samantha",
    "Samuel",
    "Katherine",
    "Gregory",
    "Christine",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Priya",
    "Rahul",
    "Aisha",
    "Omar",
    "Fatima",
    "Mohammed",
    "Olga",
    "Dmitri",
    "Sofia",
    "Mateo",
    "Lucia",
    "Diego",
    "Chen",
    "Ngozi",
    "Kwame",
    "Ines",
    "Joao",
    "Anika",
    "Lars",
    "Ingrid",
    "Siobhan",
    "Declan",
    "Giulia",
    "Marco",
    "Esther",
    "Moshe",
    "Leila",
    "Reza",
]
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales "
    "Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos "
    "Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes "
    "Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Stone Hoffa O'Brien "
    "McDonald Nakamura Kowalski Okafor Haddad Schmidt Rossi Ivanova Chowdhury Fitzgerald "
    "Lindqvist Abernathy Villanueva Goldberg Kaur Mensah Dubois Silva Yamamoto Vanderberg"
).split()
HOSPITAL_STEMS = [
    "Riverside",
    "Lakeview",
    "Mercy",
    "Providence",
    "Northwell",
    "Saint",
    "Mary",
    "Bellevue",
    "Mount",
    "Sinai",
    "Hudson",
    "Valley",
    "Brookdale",
    "Greenfield",
    "Westchester",
    "Fairview",
    "Sunnybrook",
    "Maplewood",
    "Cedar",
    "Hills",
    "Harborview",
    "Kingsbridge",
    "Linden",
    "Oakridge",
    "Pinecrest",
    "Silverlake",
    "Summit",
    "Bayside",
    "Highland",
    "Meadowbrook",
    "Elmhurst",
    "Ashford",
]
HOSPITAL_KINDS = (
    "Hospital",
    "Medical Center",
    "General Hospital",
    "Orthopedic Clinic",
    "Health System",
    "Community Hospital",
    "Imaging Center",
    "Bone and Joint Clinic",
    "Medical Centre",
    "Infirmary",
)
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
CREDENTIALS = ("MD", "M.D.", "DO", "PA-C", "NP", "RN", "RT(R)")


class Surrogates:
    """Seeded generators of PHI surrogate strings."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        """One element, uniformly."""
        return str(options[int(self.rng.integers(len(options)))])

    def first(self) -> str:
        """A first name."""
        return self.pick(FIRST_NAMES)

    def last(self) -> str:
        """A surname."""
        return self.pick(LAST_NAMES)

    def full_name(self) -> str:
        """``First Last``, ``First M. Last`` or ``F. Last``."""
        form = int(self.rng.integers(5))
        if form == 0:
            return f"{self.first()} {self.first()[0]}. {self.last()}"
        if form == 1:
            return f"{self.first()[0]}. {self.last()}"
        return f"{self.first()} {self.last()}"

    def date(self, year_range: tuple[int, int] = (2008, 2023)) -> str:
        """A date in one of the formats seen in reports."""
        year = int(self.rng.integers(*year_range))
        month = int(self.rng.integers(1, 13))
        day = int(self.rng.integers(1, 29))
        name = MONTHS[month - 1]
        forms = (
            f"{month:02d}/{day:02d}/{year}",
            f"{month}/{day}/{year % 100:02d}",
            f"{year}-{month:02d}-{day:02d}",
            f"{name} {day}, {year}",
            f"{name[:3]} {day} {year}",
            f"{day} {name} {year}",
            f"{day:02d}-{name[:3]}-{year}",
            f"{month}-{day}-{year}",
        )
        return self.pick(forms)

    def birth_date(self) -> str:
        """A date of birth."""
        return self.date((1925, 1990))

    def time(self) -> str:
        """A clock time."""
        hour = int(self.rng.integers(0, 24))
        minute = int(self.rng.integers(0, 60))
        half = "AM" if hour < 12 else "PM"
        twelve = hour % 12 or 12
        forms = (
            f"{twelve}:{minute:02d} {half}",
            f"{hour:02d}:{minute:02d}",
            f"{twelve}:{minute:02d} {half.lower()}",
        )
        return self.pick(forms)

    def military_time(self) -> str:
        """``1430``-style time."""
        return f"{int(self.rng.integers(0, 24)):02d}{int(self.rng.integers(0, 60)):02d}"

    def phone(self) -> str:
        """A US phone number, sometimes with an extension."""
        area = int(self.rng.integers(201, 990))
        exchange = int(self.rng.integers(200, 999))
        line = int(self.rng.integers(0, 10000))
        forms = (
            f"({area}) {exchange}-{line:04d}",
            f"{area}-{exchange}-{line:04d}",
            f"{area}.{exchange}.{line:04d}",
        )
        number = self.pick(forms)
        if self.rng.random() < 0.35:
            number += self.pick((" ext. ", " x", " ext ", " extension ")) + str(
                int(self.rng.integers(100, 99999))
            )
        return number

    def email(self, first: str, last: str) -> str:
        """``first.last@host.org``."""
        host = self.pick(HOSPITAL_STEMS).lower()
        suffix = self.pick(("health", "med", ""))
        return f"{first.lower()}.{last.lower().replace(chr(39), '')}@{host}{suffix}.org"

    def url(self) -> str:
        """A patient-portal or image-viewer link."""
        host = self.pick(HOSPITAL_STEMS).lower()
        token = "".join(self.pick(tuple("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")) for _ in range(8))
        return self.pick(
            (
                f"https://portal.{host}health.org/results/{token}",
                f"www.{host}imaging.com/view?id={token}",
            )
        )

    def ssn(self) -> str:
        """A structurally valid SSN."""
        area = int(self.rng.integers(1, 900))
        while area == 666:
            area = int(self.rng.integers(1, 900))
        return f"{area:03d}-{int(self.rng.integers(1, 100)):02d}-{int(self.rng.integers(1, 10000)):04d}"

    def mrn(self) -> str:
        """A medical record number."""
        return self.pick(
            (
                f"{int(self.rng.integers(10**6, 10**8)):08d}",
                f"E{int(self.rng.integers(10**6, 10**7))}",
                f"{int(self.rng.integers(10**6, 10**9))}",
            )
        )

    def accession(self) -> str:
        """An accession number."""
        year = int(self.rng.integers(2008, 2024))
        return self.pick(
            (
                f"RAD{year}{int(self.rng.integers(0, 10**6)):06d}",
                f"A{year}-{int(self.rng.integers(0, 10**7)):07d}",
                f"{int(self.rng.integers(10**7, 10**9))}",
                f"XR-{int(self.rng.integers(10**5, 10**7))}",
            )
        )

    def reference(self) -> str:
        """Another reference number (order, requisition)."""
        return self.pick(
            (
                "-".join(
                    str(int(self.rng.integers(a, b))) for a, b in ((10, 99), (100, 999), (100, 999))
                ),
                f"ORD{int(self.rng.integers(10**5, 10**8))}",
            )
        )

    def old_age(self) -> str:
        """An age above 89."""
        return str(int(self.rng.integers(90, 104)))

    def hospital(self) -> str:
        """A facility name."""
        stem = self.pick(HOSPITAL_STEMS)
        if self.rng.random() < 0.15:
            stem = f"St. {self.pick(FIRST_NAMES)}"
        return f"{stem} {self.pick(HOSPITAL_KINDS)}"

    def credential(self) -> str:
        """A clinician's credential suffix."""
        return self.pick(CREDENTIALS)
