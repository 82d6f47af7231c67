"""Which knee is which: the localizer's image slots, the DICOM tags, and mirrored images.

The localizer's slot 0 is the knee on the image's LEFT half, slot 1 the knee on its RIGHT half. In the
standard PA display the patient's right knee is on the image's left, so slot 0 is ``R`` -- unless the image is
mirrored. Evidence, in this order:

1. ``PatientOrientation`` (0020,0020): its first value is the patient direction of the image's rows (left to
   right). ``L`` (towards the patient's left) is the standard display; ``R`` means the image is mirrored, so
   slot 0 is the patient's LEFT knee. Other values (``A``, ``P``, ``F``, ``H``: a lateral view, or a rotated
   image) leave the standard convention and add a warning.
2. ``ImageLaterality`` (0020,0062): ``R`` or ``L`` on a single-knee image names that knee; when the only knee
   found sits on the other half of the image than the orientation implies, the tag wins and a warning says
   the tag and the position disagree. ``R``/``L`` on an image where both knees are found is a warning too.
   ``B`` and ``U`` carry no side.

ROIs are mirrored so that every ROI shows a knee as a right knee looks in the standard display (lateral
side on the ROI's left): a left knee in a standard image, a right knee in a mirrored one
(:func:`roi_mirrored`; the manifest's ``mirrored`` column records it). A burned-in side marker is not read
(no OCR): files without tags follow the standard convention.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from knee_localize.dicom_io import Radiograph
from knee_localize.locate import KneeBox


@dataclass(frozen=True)
class SideAssignment:
    """The knees with their patient sides, and what the evidence said.

    Attributes:
        knees: the localizer's knees, ``side`` set to the patient side (slot order kept).
        mirrored_image: ``PatientOrientation`` says the image is mirrored.
        source: ``standard``, ``PatientOrientation`` or ``ImageLaterality``.
        warnings: human-readable disagreements (one ``errors.csv`` warning row each).
    """

    knees: list[KneeBox]
    mirrored_image: bool
    source: str
    warnings: list[str]


def image_is_mirrored(orientation: str) -> bool | None:
    """Mirrored or not from a ``PatientOrientation`` string (``"R/F"``, ``"L/F"``); ``None`` when unknown."""
    row = orientation.split("/")[0].strip().upper() if orientation else ""
    if row.startswith("L"):
        return False
    if row.startswith("R"):
        return True
    return None


def roi_mirrored(side: str, mirrored_image: bool) -> bool:
    """Whether a knee's ROI is flipped: ``side == "L"`` in a standard image, ``"R"`` in a mirrored one."""
    return (side == "L") != mirrored_image


def assign_sides(knees: list[KneeBox], radiograph: Radiograph) -> SideAssignment:
    """Give each knee (slot 0 = image left, slot 1 = image right) its patient side (see the module doc)."""
    warnings: list[str] = []
    mirrored = image_is_mirrored(radiograph.orientation)
    source = "standard"
    if mirrored is None:
        if radiograph.orientation:
            warnings.append(
                f"PatientOrientation {radiograph.orientation[:16]!r} is not a PA/AP row direction "
                "(R or L); sides follow the standard PA convention"
            )
        mirrored = False
    else:
        source = "PatientOrientation"
    sides = ["L", "R"] if mirrored else ["R", "L"]
    present = [slot for slot, knee in enumerate(knees) if knee.present]
    tag = radiograph.laterality
    if tag in ("R", "L"):
        if len(present) == 1:
            slot = present[0]
            if sides[slot] != tag:
                half = "left" if slot == 0 else "right"
                warnings.append(
                    f"ImageLaterality {tag} disagrees with the knee's position (image's {half} half, "
                    f"{sides[slot]} by {source} convention); the tag was kept: the knee is {tag}"
                )
                sides = sides[::-1]
            source = "ImageLaterality"
        elif len(present) == 2:
            warnings.append(
                f"ImageLaterality {tag} but two knees were found; sides follow the {source} convention"
            )
    return SideAssignment(
        [replace(knee, side=sides[slot]) for slot, knee in enumerate(knees)],
        mirrored,
        source,
        warnings,
    )
