"""Knee radiograph findings and impressions that follow a Kellgren-Lawrence grade.

The wording follows how radiologists describe the features KL grading looks at (joint-space narrowing,
osteophytes, subchondral sclerosis, deformity) without stating the grade, as in real impressions.
"""

from __future__ import annotations

import numpy as np

NARROWING = {
    0: ("No joint space narrowing.", "Joint spaces are preserved."),
    1: (
        "Doubtful joint space narrowing of the medial compartment.",
        "Questionable minimal medial joint space narrowing.",
    ),
    2: (
        "Mild medial compartment joint space narrowing.",
        "Mild narrowing of the medial tibiofemoral joint space.",
    ),
    3: (
        "Moderate medial joint space narrowing.",
        "Moderate narrowing of the medial and mild narrowing of the lateral compartment.",
    ),
    4: (
        "Severe medial joint space narrowing with near bone-on-bone contact.",
        "Marked tricompartmental joint space loss.",
    ),
}
OSTEOPHYTES = {
    0: ("No osteophytes.", "No marginal osteophyte formation."),
    1: ("Possible tiny osteophytic lipping of the tibial spines.", "Minimal marginal lipping."),
    2: ("Small marginal osteophytes at the medial tibial plateau.", "Definite small osteophytes."),
    3: (
        "Multiple moderate osteophytes.",
        "Moderate osteophytes of the medial and patellofemoral compartments.",
    ),
    4: ("Large osteophytes.", "Large tricompartmental osteophytes."),
}
SCLEROSIS = {
    0: "",
    1: "",
    2: "",
    3: "Subchondral sclerosis of the medial tibial plateau.",
    4: "Marked subchondral sclerosis with subchondral cystic change.",
}
EXTRAS = (
    "Small suprapatellar joint effusion.",
    "No joint effusion.",
    "Mild varus alignment.",
    "Chondrocalcinosis of the lateral meniscus.",
    "Small Baker's cyst suspected posteriorly.",
    "Pellegrini-Stieda calcification along the MCL.",
    "Old Osgood-Schlatter changes of the tibial tubercle.",
    "Insall-Salvati ratio within normal limits.",
    "Hoffa's fat pad is unremarkable.",
    "Soft tissues are unremarkable.",
    "Enthesophyte at the quadriceps tendon insertion.",
    "Vascular calcifications.",
)
IMPRESSIONS = {
    0: ("No radiographic evidence of osteoarthritis.", "Normal radiographs of the knee."),
    1: (
        "Equivocal early degenerative change.",
        "Minimal degenerative change, of doubtful significance.",
    ),
    2: (
        "Mild osteoarthritis, predominantly medial.",
        "Mild medial compartment degenerative joint disease.",
    ),
    3: (
        "Moderate osteoarthritis.",
        "Moderate tricompartmental degenerative change, worst medially.",
    ),
    4: ("Severe osteoarthritis.", "Advanced tricompartmental osteoarthritis."),
}
ARTHROPLASTY = (
    "Status post total knee arthroplasty. "
    "Components are in satisfactory alignment without periprosthetic lucency.",
    "Total knee arthroplasty in place without evidence of loosening or hardware complication.",
)


def findings(kl: int, rng: np.random.Generator, replaced: bool = False) -> str:
    """A FINDINGS paragraph for grade ``kl`` (or an arthroplasty)."""
    if replaced:
        return str(ARTHROPLASTY[int(rng.integers(len(ARTHROPLASTY)))])
    parts = [
        NARROWING[kl][int(rng.integers(2))],
        OSTEOPHYTES[kl][int(rng.integers(2))],
        SCLEROSIS[kl],
        *rng.choice(EXTRAS, size=int(rng.integers(0, 3)), replace=False).tolist(),
    ]
    return " ".join(p for p in parts if p)


def impression(kl: int, rng: np.random.Generator, replaced: bool = False) -> str:
    """An IMPRESSION sentence for grade ``kl``."""
    if replaced:
        return "Total knee arthroplasty without complication."
    return str(IMPRESSIONS[kl][int(rng.integers(2))])
