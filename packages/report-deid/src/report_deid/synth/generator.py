"""Synthetic knee radiograph reports with exact gold PHI spans (JSONL records)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from report_deid.synth.surrogates import Surrogates
from report_deid.synth.templates import FAMILIES, ReportBuilder, ReportSpec

#: A skewed hospital-like KL distribution (mostly KL 3) and a balanced research-cohort-like one.
KL_HOSPITAL = (0.01, 0.02, 0.04, 0.88, 0.05)
KL_BALANCED = (0.3, 0.2, 0.25, 0.17, 0.08)


def synth_reports(
    n: int,
    seed: int,
    *,
    families: Sequence[str] = tuple(FAMILIES),
    kl: Sequence[int] | None = None,
    kl_distribution: Sequence[float] = KL_BALANCED,
) -> Iterator[dict[str, object]]:
    """Yield ``n`` records ``{"id", "text", "phi": [{"start", "end", "type"}], "kl", "side", "family"}``.

    Args:
        n: number of reports.
        seed: random seed.
        families: template families to draw from (``TRAIN_FAMILIES`` or ``TEST_FAMILIES``).
        kl: the KL grade of each report (length ``n``); drawn from ``kl_distribution`` when ``None``.
        kl_distribution: probabilities of KL 0-4.
    """
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown template families {sorted(unknown)}; known: {sorted(FAMILIES)}")
    rng = np.random.default_rng(seed)
    surrogates = Surrogates(rng)
    grades = list(kl) if kl is not None else rng.choice(5, size=n, p=list(kl_distribution)).tolist()
    if len(grades) != n:
        raise ValueError(f"kl has {len(grades)} grades for {n} reports")
    for index in range(n):
        family = str(families[int(rng.integers(len(families)))])
        grade = int(grades[index])
        spec = ReportSpec(
            kl=grade, side=str(rng.choice(["R", "L"])), replaced=grade == 4 and rng.random() < 0.2
        )
        builder = ReportBuilder()
        FAMILIES[family](builder, surrogates, spec, rng)
        text, spans = builder.build()
        yield {
            "id": f"r{seed}-{index:06d}",
            "text": text,
            "phi": spans,
            "kl": grade,
            "side": spec.side,
            "family": family,
        }


CLEAN_SENTENCES = (
    "Kellgren-Lawrence grade {kl} osteoarthritis of the medial compartment.",
    "KL {kl} changes, unchanged.",
    "Medial joint space width measures {mm} mm.",
    "Small Baker's cyst, {cm} x {cm2} cm.",
    "Pellegrini-Stieda lesion along the MCL.",
    "Osgood-Schlatter disease, remote.",
    "Insall-Salvati ratio of 1.{tenth}.",
    "Segond fracture is not seen. ACL and PCL are not evaluated on radiographs.",
    "Hoffa's fat pad edema is not seen.",
    "Varus deformity of {deg} degrees. No TKA.",
    "Grade {kl} chondrocalcinosis is absent; OA is moderate.",
)


def clean_reports(n: int, seed: int) -> Iterator[str]:
    """PHI-free findings with eponyms, KL grades, abbreviations and measurements (over-redaction checks)."""
    rng = np.random.default_rng(seed)
    from report_deid.synth.findings import findings, impression

    for _ in range(n):
        grade = int(rng.integers(5))
        picked = rng.choice(len(CLEAN_SENTENCES), size=3, replace=False)
        extras = [
            CLEAN_SENTENCES[i].format(
                kl=grade,
                mm=f"{rng.uniform(0.5, 6):.1f}",
                cm=f"{rng.uniform(1, 4):.1f}",
                cm2=f"{rng.uniform(1, 3):.1f}",
                tenth=int(rng.integers(10)),
                deg=int(rng.integers(2, 15)),
            )
            for i in picked
        ]
        yield " ".join([findings(grade, rng), *extras, impression(grade, rng)])
