"""Template families of synthetic knee radiograph reports, with PHI in realistic places.

Families ``A``, ``B`` and ``C`` are the TRAIN templates (the recognizers were written against them);
``D`` and ``E`` are HELD OUT: their layouts, labels and phrasings differ (upper-case headers and names,
``Attending:``, ``Reviewed with``, ``Read by``, ``Report approved by``, SSN and portal links, 24-hour times,
ages above 89 in the history, facility names in the comparison), and evaluation runs on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from report_deid.synth.findings import findings, impression
from report_deid.synth.surrogates import Surrogates

TRAIN_FAMILIES: tuple[str, ...] = ("A", "B", "C")
TEST_FAMILIES: tuple[str, ...] = ("D", "E")


@dataclass
class ReportBuilder:
    """Concatenates text and records the exact character span of every PHI value."""

    parts: list[str] = field(default_factory=list)
    spans: list[dict[str, object]] = field(default_factory=list)
    length: int = 0

    def text(self, value: str) -> ReportBuilder:
        """Append non-PHI text."""
        self.parts.append(value)
        self.length += len(value)
        return self

    def phi(self, value: str, entity_type: str) -> ReportBuilder:
        """Append a PHI value and record its span."""
        self.spans.append(
            {"start": self.length, "end": self.length + len(value), "type": entity_type}
        )
        return self.text(value)

    def name(self, value: str) -> ReportBuilder:
        """Append a person's name (``Last, First`` counts as one span)."""
        return self.phi(value, "NAME")

    def build(self) -> tuple[str, list[dict[str, object]]]:
        """The report text and its gold spans."""
        return "".join(self.parts), self.spans


@dataclass(frozen=True)
class ReportSpec:
    """What the report describes."""

    kl: int
    side: str
    replaced: bool = False


Family = Callable[[ReportBuilder, Surrogates, ReportSpec, np.random.Generator], None]


def _side_word(spec: ReportSpec) -> str:
    return {"R": "RIGHT", "L": "LEFT"}[spec.side]


def family_a(b: ReportBuilder, s: Surrogates, spec: ReportSpec, rng: np.random.Generator) -> None:
    """Structured header, labelled fields, signature with credential."""
    b.phi(s.hospital(), "HOSPITAL").text("\nDepartment of Radiology\n")
    b.text("Patient: ").name(f"{s.last()}, {s.first()}").text("    MRN: ").phi(s.mrn(), "ID")
    b.text("    DOB: ").phi(s.birth_date(), "DATE").text("\n")
    b.text("Accession: ").phi(s.accession(), "ID").text("    Exam date: ").phi(s.date(), "DATE")
    b.text(" ").phi(s.time(), "TIME").text("\n")
    b.text("Referring physician: Dr. ").name(s.full_name()).text("\n\n")
    b.text(f"EXAM: XR KNEE {_side_word(spec)} 3 VIEWS\nCLINICAL HISTORY: Knee pain.\n")
    if rng.random() < 0.6:
        b.text("COMPARISON: Radiographs dated ").phi(s.date(), "DATE").text(".\n")
    else:
        b.text("COMPARISON: None.\n")
    b.text(f"FINDINGS: {findings(spec.kl, rng, spec.replaced)}\n")
    b.text(f"IMPRESSION: {impression(spec.kl, rng, spec.replaced)}\n")
    if rng.random() < 0.5:
        b.text("Findings discussed with Dr. ").name(s.last()).text(" by telephone at ").phi(
            s.time(), "TIME"
        )
        b.text(" on ").phi(s.date(), "DATE").text(".\n")
    b.text("Electronically signed by: ").name(s.full_name()).text(f", {s.credential()} on ")
    b.phi(s.date(), "DATE").text(" at ").phi(s.time(), "TIME").text("\n")


def family_b(b: ReportBuilder, s: Surrogates, spec: ReportSpec, rng: np.random.Generator) -> None:
    """Narrative layout, ordering provider, read-back, transcription and a phone line."""
    b.text("Name: ").name(s.full_name()).text("\nMedical record number ").phi(s.mrn(), "ID").text(
        "\n"
    )
    b.text("Date of service: ").phi(s.date(), "DATE").text("\n")
    first, last = s.first(), s.last()
    b.text("Ordering provider: ").name(f"{first} {last}").text(
        f", {s.pick(('PA-C', 'MD', 'NP'))}\n"
    )
    b.text(
        f"Procedure: Radiographs of the {_side_word(spec).lower()} knee, "
        "standing AP, lateral and sunrise views.\n"
    )
    b.text(f"Findings: {findings(spec.kl, rng, spec.replaced)}\n")
    b.text(f"Impression: {impression(spec.kl, rng, spec.replaced)}\n")
    if rng.random() < 0.5:
        b.text("Results were called to ").name(f"{s.first()} {s.last()}").text(" at ").phi(
            s.time(), "TIME"
        )
        b.text(" and read back.\n")
    b.text("Dictated by: ").name(s.full_name()).text(f", {s.credential()}\n")
    b.text("Transcribed by: ").name(s.full_name()).text(" on ").phi(s.date(), "DATE").text("\n")
    b.text("Questions? Call the reading room at ").phi(s.phone(), "PHONE").text(" or e-mail ")
    b.phi(s.email(first, last), "EMAIL").text(".\n")


def family_c(b: ReportBuilder, s: Surrogates, spec: ReportSpec, rng: np.random.Generator) -> None:
    """Compact semicolon header, abbreviations, age and signature line with date-time."""
    b.text("Pt: ").name(f"{s.last().upper()}, {s.first().upper()}").text("; MRN ").phi(
        s.mrn(), "ID"
    )
    b.text("; Acc# ").phi(s.accession(), "ID").text("; DOS ").phi(s.date(), "DATE").text("\n")
    if rng.random() < 0.3:
        b.text("Hx: ").phi(s.old_age(), "AGE").text(" yo with chronic knee pain.\n")
    else:
        b.text(f"Hx: {int(rng.integers(40, 89))} yo with chronic knee pain.\n")
    b.text(f"Knee {spec.side} 2V. {findings(spec.kl, rng, spec.replaced)}\n")
    b.text(f"Impression: {impression(spec.kl, rng, spec.replaced)}\n")
    b.text("Performed at ").phi(s.hospital(), "HOSPITAL").text(". Fax ").phi(
        s.phone(), "PHONE"
    ).text(".\n")
    b.text("Signed: Dr. ").name(s.full_name()).text(" ").phi(s.date(), "DATE").text(" ").phi(
        s.time(), "TIME"
    )
    b.text("\n")


def family_d(b: ReportBuilder, s: Surrogates, spec: ReportSpec, rng: np.random.Generator) -> None:
    """HELD OUT. Upper-case header, 24-hour times, SSN, attending and a portal link."""
    first, last = s.first(), s.last()
    b.text("PATIENT NAME: ").name(f"{first.upper()} {last.upper()}").text("\n")
    b.text("PATIENT ID: ").phi(s.mrn(), "ID").text("   SSN: ").phi(s.ssn(), "SSN").text("\n")
    b.text("STUDY DATE: ").phi(s.date(), "DATE").text("   ORDER #: ").phi(s.reference(), "ID").text(
        "\n"
    )
    b.text("ATTENDING: ").name(s.full_name()).text(f", {s.pick(('MD', 'M.D.', 'DO'))}\n")
    b.text(
        f"TECHNIQUE: Weight-bearing PA flexion and lateral views of the {_side_word(spec).lower()} knee.\n"
    )
    b.text(f"RESULT: {findings(spec.kl, rng, spec.replaced)}\n")
    b.text(f"CONCLUSION: {impression(spec.kl, rng, spec.replaced)}\n")
    if rng.random() < 0.6:
        b.text("I personally reviewed the images and discussed the findings with ").name(
            s.full_name()
        )
        b.text(f", {s.pick(('NP', 'RN', 'PA-C'))} on ").phi(s.date(), "DATE").text(" at ")
        b.phi(s.military_time(), "TIME").text(" hours.\n")
    b.text("Images available at ").phi(s.url(), "URL").text("\n")
    b.text("Contact: ").phi(s.email(first, last), "EMAIL").text(" / ").phi(s.phone(), "PHONE").text(
        "\n"
    )


def family_e(b: ReportBuilder, s: Surrogates, spec: ReportSpec, rng: np.random.Generator) -> None:
    """HELD OUT. Prose history with age, facilities in the comparison, read-by and approval lines."""
    age_old = rng.random() < 0.4
    b.text("History: ")
    if age_old:
        b.phi(s.old_age(), "AGE").text("-year-old ")
    else:
        b.text(f"{int(rng.integers(45, 89))}-year-old ")
    b.text(f"{s.pick(('woman', 'man', 'patient'))} with knee pain, referred by Dr. ").name(s.last())
    b.text(" of ").phi(s.hospital(), "HOSPITAL").text(".\n")
    b.text("Exam performed on ").phi(s.date(), "DATE").text(
        f". {_side_word(spec).capitalize()} knee, three views.\n"
    )
    if rng.random() < 0.6:
        b.text("Comparison is made to the prior study dated ").phi(s.date(), "DATE").text(" from ")
        b.phi(s.hospital(), "HOSPITAL").text(".\n")
    b.text(f"{findings(spec.kl, rng, spec.replaced)}\n")
    b.text(f"OPINION: {impression(spec.kl, rng, spec.replaced)}\n")
    b.text("Reference #: ").phi(s.reference(), "ID").text("\n")
    b.text("Read by: ").name(s.full_name()).text("\n")
    b.text("Report approved by ").name(s.full_name()).text(f", {s.pick(('M.D.', 'MD'))} ").phi(
        s.date(), "DATE"
    )
    b.text(" ").phi(s.time(), "TIME").text("\n")


FAMILIES: dict[str, Family] = {
    "A": family_a,
    "B": family_b,
    "C": family_c,
    "D": family_d,
    "E": family_e,
}
