"""The PHI entity types this package finds, and their placeholders.

=========  ================================================================  ============
type       what                                                              placeholder
=========  ================================================================  ============
NAME       people: patients, physicians, technologists, transcriptionists    ``[NAME]``
DATE       dates more specific than a year (numeric, ISO, month names)      ``[DATE]``
TIME       clock times (12 h, 24 h, military)                                ``[TIME]``
PHONE      telephone and fax numbers, with extensions                        ``[PHONE]``
EMAIL      e-mail addresses                                                  ``[EMAIL]``
URL        web addresses                                                     ``[URL]``
SSN        social security numbers                                           ``[SSN]``
ID         medical record, accession, order and other reference numbers     ``[ID]``
AGE        ages above 89                                                     ``[AGE]``
HOSPITAL   hospital, clinic and medical-centre names                         ``[HOSPITAL]``
LOCATION   street addresses, city / state / ZIP, places of residence          ``[LOCATION]``
=========  ================================================================  ============
"""

from __future__ import annotations

PHI_TYPES: tuple[str, ...] = (
    "NAME",
    "DATE",
    "TIME",
    "PHONE",
    "EMAIL",
    "URL",
    "SSN",
    "ID",
    "AGE",
    "HOSPITAL",
    "LOCATION",
)
SINGLE_PLACEHOLDER = "[PHI]"


def placeholder(entity_type: str, single: bool = False) -> str:
    """``[TYPE]`` for typed placeholders, ``[PHI]`` when ``single``."""
    return SINGLE_PLACEHOLDER if single else f"[{entity_type}]"


#: every placeholder a scrubbed text can hold; the tokenizers keep each as one special token
PLACEHOLDER_TOKENS: tuple[str, ...] = (*(f"[{t}]" for t in PHI_TYPES), SINGLE_PLACEHOLDER)
