"""Label rows joined to their knee ROIs: the table every supervised step (KL Pret (Sup), evaluation) reads.

A label row (cohort, participant, side, the visit's radiograph ``image_path``) finds its ROI through the knee
manifest's ``(image_id, side)``; rows whose radiograph failed or whose knee was not found are dropped and
counted, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bench.localize import LocalizeOutputs
from bench.world import WorldOutputs


@dataclass(frozen=True)
class LabelledRois:
    """Label rows with ``roi_index``, and how many rows had no ROI."""

    table: pd.DataFrame
    n_without_roi: int


def labelled_rois(
    world: WorldOutputs, localize: LocalizeOutputs, cohort: str, task: str
) -> LabelledRois:
    """The labels of one cohort and task with the ROI index of each knee (rows without an ROI dropped)."""
    labels = pd.read_parquet(world.labels(cohort, task))
    manifest = pd.read_parquet(localize.manifest, columns=["image_id", "side", "roi_index"])
    has_image = labels["image_path"].notna()
    labels = labels.assign(
        image_id=[
            world.image_id(p) if ok else None
            for p, ok in zip(labels["image_path"], has_image, strict=True)
        ]
    )
    joined = labels.merge(manifest, on=["image_id", "side"], how="left", validate="many_to_one")
    found = joined["roi_index"].notna()
    table = joined[found].astype({"roi_index": "int64"}).reset_index(drop=True)
    return LabelledRois(table, int((~found).sum()))
