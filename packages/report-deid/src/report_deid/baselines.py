"""The peer baseline for the evaluation harness: scrubadub (installed only for benchmarks and tests).

scrubadub's filth types are mapped to this package's PHI types; those it cannot produce count as misses.
"""

from __future__ import annotations

from collections.abc import Callable

from report_deid.errors import ReportDeidError

FILTH_TYPES = {
    "name": "NAME",
    "email": "EMAIL",
    "url": "URL",
    "phone": "PHONE",
    "social_security_number": "SSN",
    "date_of_birth": "DATE",
    "address": "HOSPITAL",
    "postalcode": "HOSPITAL",
    "credit_card": "ID",
    "drivers_licence": "ID",
    "national_insurance_number": "ID",
    "tax_reference_number": "ID",
    "vehicle_licence_plate": "ID",
    "twitter": "NAME",
    "skype": "NAME",
    "credential": "ID",
}


def scrubadub_detector() -> Callable[[str], list[tuple[int, int, str]]]:
    """A ``detect(text)`` function backed by ``scrubadub.Scrubber`` with its default detectors."""
    try:
        import scrubadub
    except ImportError as exc:
        raise ReportDeidError(
            "the scrubadub baseline needs `pip install scrubadub` (benchmark only)"
        ) from exc
    scrubber = scrubadub.Scrubber()

    def detect(text: str) -> list[tuple[int, int, str]]:
        return [(f.beg, f.end, FILTH_TYPES.get(f.type, "ID")) for f in scrubber.iter_filth(text)]

    return detect
