"""oa-tasks: OAI / MOST cohort tables -> KL, 4-year incidence and progression labels.

Typical use::

    from oa_tasks import (read_cohort, cohort_splits, build_labels, LabelConfig, read_image_index,
                          attach_image_paths, exclusion_list)

    data = read_cohort("oai", "path/to/OAI")          # tidy readings, replacements, demographics
    splits = cohort_splits(data, seed=0)              # ONE participant split, shared by every task
    labels = build_labels(data, "incidence", LabelConfig(horizon_months=48), splits=splits).labels
    index = read_image_index("oai", "path/to/OAI/images")
    labels, report = attach_image_paths(labels, index, "path/to/OAI/images")
    excluded = exclusion_list([splits])               # val/test participants: keep out of pretraining
"""

from __future__ import annotations

from pathlib import Path

from oa_tasks.cohort_data import CohortData, ReadReport
from oa_tasks.cohort_table import cohort_summary, to_markdown, write_cohort_table
from oa_tasks.errors import (
    CodeError,
    CohortFileNotFoundError,
    FileFormatError,
    LabelDefinitionError,
    OATasksError,
    SchemaError,
)
from oa_tasks.image_index import (
    DEFAULT_MOST_VIEW,
    MOST_VIEWS,
    ImageLinkReport,
    attach_image_paths,
    read_image_index,
)
from oa_tasks.labels import EXCLUSION_REASONS, TASKS, LabelConfig, LabelSet, build_labels
from oa_tasks.most import read_most
from oa_tasks.oai import read_oai
from oa_tasks.readings import ReadingPriority
from oa_tasks.splits import (
    assign_splits,
    cohort_splits,
    exclusion_list,
    external_test_split,
    read_splits,
)
from oa_tasks.synth import write_synthetic_cohort
from oa_tasks.visits import HorizonRule

__version__ = "0.2.0"


def read_cohort(
    cohort: str, root: str | Path, *, priority: ReadingPriority | None = None
) -> CohortData:
    """Read an ``"oai"`` or ``"most"`` cohort folder into tidy tables."""
    if cohort == "oai":
        return read_oai(Path(root), priority=priority)
    if cohort == "most":
        return read_most(Path(root))
    raise LabelDefinitionError(f"unknown cohort {cohort!r}; expected 'oai' or 'most'")


__all__ = [
    "DEFAULT_MOST_VIEW",
    "EXCLUSION_REASONS",
    "MOST_VIEWS",
    "TASKS",
    "CodeError",
    "CohortData",
    "CohortFileNotFoundError",
    "FileFormatError",
    "HorizonRule",
    "ImageLinkReport",
    "LabelConfig",
    "LabelDefinitionError",
    "LabelSet",
    "OATasksError",
    "ReadReport",
    "ReadingPriority",
    "SchemaError",
    "assign_splits",
    "attach_image_paths",
    "build_labels",
    "cohort_splits",
    "cohort_summary",
    "exclusion_list",
    "external_test_split",
    "read_cohort",
    "read_image_index",
    "read_most",
    "read_oai",
    "read_splits",
    "to_markdown",
    "write_cohort_table",
    "write_synthetic_cohort",
]
