"""A facility found in part is stretched over the rest of its printed name, and no further."""

from __future__ import annotations

import pytest
from report_deid.facility_extents import extend_facilities
from report_deid.spans import Detection


def _stretched(text: str, found: str) -> str:
    start = text.index(found)
    (out,) = extend_facilities(text, [Detection(start, start + len(found), "HOSPITAL", 0.6)])
    return text[out.start : out.end]


@pytest.mark.parametrize(
    ("text", "found", "whole"),
    [
        ("Report from Fitzwilliam MRI Centre today", "Fitzwilliam MRI", "Fitzwilliam MRI Centre"),
        (
            "To: The Saint Boniface Orthopaedic Partners",
            "Saint Boniface Orthopaedic Partners",
            "The Saint Boniface Orthopaedic Partners",
        ),
        (
            "at Fraser Valley Surgery of Meadowbrook in Carlow",
            "Fraser Valley Surgery",
            "Fraser Valley Surgery of Meadowbrook",
        ),
        # the site after a dash, after two spaces at a letterhead line's end, after a comma at a clause's end
        (
            "ORDERING: Jack Streeter, PA-C, Lakeshore Urgent Care - Fond du Lac",
            "Lakeshore Urgent Care",
            "Lakeshore Urgent Care - Fond du Lac",
        ),
        (
            "NORTHGATE IMAGING CENTER  BRATTLEBORO\nRE: X",
            "NORTHGATE IMAGING CENTER",
            "NORTHGATE IMAGING CENTER  BRATTLEBORO",
        ),
        (
            "at Ashworth Practice, Mount Pleasant; and",
            "Ashworth Practice",
            "Ashworth Practice, Mount Pleasant",
        ),
        (
            "copied to St Thomas' Day Surgery, Leigh-on-Sea.",
            "St Thomas' Day Surgery",
            "St Thomas' Day Surgery, Leigh-on-Sea",
        ),
        ("(performed at Eastwood Health, Bend) and", "Eastwood Health", "Eastwood Health, Bend"),
        # no department, examination or letter word after the dash; no lone word before a full stop
        ("St Mary's Hospital – Emergency", "St Mary's Hospital", "St Mary's Hospital"),
        ("Mercy Hospital - Radiology Department", "Mercy Hospital", "Mercy Hospital"),
        ("Mercy Clinic - Left Knee", "Mercy Clinic", "Mercy Clinic"),
        ("Mercy Clinic  MRN: 1234", "Mercy Clinic", "Mercy Clinic"),
        ("injected at Kingsway Clinic, Kenalog. Then", "Kingsway Clinic", "Kingsway Clinic"),
        ("log - The St Vincent's X-Ray", "St Vincent's", "The St Vincent's X-Ray"),
        # header words after "of" are a department; a lower-case "the" is prose
        ("Kingston Hospital Clinic of Radiology", "Kingston Hospital", "Kingston Hospital Clinic"),
        ("seen at the Mercy Hospital", "Mercy Hospital", "Mercy Hospital"),
    ],
)
def test_facility_name_completed(text: str, found: str, whole: str) -> None:
    assert _stretched(text, found) == whole


def test_other_types_untouched() -> None:
    text = "The Old Rectory, 4 Mill Lane"
    names = [Detection(4, 14, "LOCATION", 0.6), Detection(0, 3, "NAME", 0.6)]
    assert extend_facilities(text, names) == names
