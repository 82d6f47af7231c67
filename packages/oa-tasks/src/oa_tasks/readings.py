"""Resolution of duplicate KL readings of one knee at one visit.

OAI reads some knees in several reading projects (``READPRJ`` 15, 37 and 42; 42 is recoded to 37). Keeping
the first row that happens to come first changes labels silently, so the choice is explicit:

1. a graded reading (KL 0-4) beats a missing one; among missing ones, ``.P`` (prosthesis) beats the others,
   because it carries information;
2. then the reading project that comes first in ``priority`` wins (after ``aliases`` are applied); projects
   not in the list come after those in it, in text order;
3. then the row that came first in the file.

Default priority ``("15", "37")`` with alias ``42 -> 37``. Graded duplicates that disagree are reported as
conflicts (the chosen reading is kept and named in the report).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from oa_tasks.codes import PROSTHESIS_CODE

KNEE_VISIT_KEY: tuple[str, ...] = ("participant_id", "side", "visit")


@dataclass(frozen=True)
class ReadingPriority:
    """The documented order in which duplicate readings are chosen.

    Attributes:
        projects: reading projects from most to least preferred.
        aliases: project recodings applied before ranking (OAI recodes 42 to 37).
    """

    projects: tuple[str, ...] = ("15", "37")
    aliases: Mapping[str, str] = field(default_factory=lambda: {"42": "37"})

    @classmethod
    def parse(cls, text: str) -> ReadingPriority:
        """Build from ``"15,37"`` or ``"15,37,42=37"`` (``a=b`` declares an alias)."""
        projects: list[str] = []
        aliases: dict[str, str] = {}
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            if "=" in item:
                source, target = (s.strip() for s in item.split("=", 1))
                aliases[source] = target
            else:
                projects.append(item)
        return cls(tuple(projects), aliases)


def resolve_duplicates(
    readings: pd.DataFrame, priority: ReadingPriority
) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """Keep one reading per knee and visit.

    Args:
        readings: long readings table (see :mod:`oa_tasks.cohort_data`), possibly with duplicates.
        priority: the reading-project priority.

    Returns:
        ``(resolved, n_duplicated_knee_visits, conflicts)``; ``resolved`` keeps the input's columns and
        order of first appearance; ``conflicts`` has one row per knee-visit whose graded readings disagree.
    """
    key = list(KNEE_VISIT_KEY)
    project = readings["reading_project"].astype(str).map(lambda p: priority.aliases.get(p, p))
    rank_of = {p: i for i, p in enumerate(priority.projects)}
    ranked = readings.assign(
        _status=np.select(
            [readings["kl"].notna(), readings["kl_code"].eq(PROSTHESIS_CODE)], [0, 1], default=2
        ),
        _rank=project.map(rank_of).fillna(len(rank_of)).astype(int),
        _project=project,
        _order=np.arange(len(readings)),
    )
    ordered = ranked.sort_values([*key, "_status", "_rank", "_project", "_order"], kind="stable")
    is_first = ~ordered.duplicated(key, keep="first")
    chosen = ordered[is_first]
    group_sizes = ordered.groupby(key, sort=False).size()
    n_duplicated = int((group_sizes > 1).sum())
    conflicts = _conflicts(ordered, chosen, key) if n_duplicated else pd.DataFrame()
    resolved = chosen.sort_values("_order").drop(columns=["_status", "_rank", "_project", "_order"])
    return resolved.reset_index(drop=True), n_duplicated, conflicts


def _conflicts(ordered: pd.DataFrame, chosen: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    graded = ordered[ordered["kl"].notna()]
    distinct = graded.groupby(key, sort=False)["kl"].nunique()
    conflicting = distinct[distinct > 1].index
    if len(conflicting) == 0:
        return pd.DataFrame(
            columns=[*key, "kl_values", "reading_projects", "chosen_project", "chosen_kl"]
        )
    rows = graded.set_index(key).loc[conflicting].reset_index()
    summary = rows.groupby(key, sort=True).agg(
        kl_values=("kl", lambda s: ",".join(str(int(v)) for v in s)),
        reading_projects=("reading_project", lambda s: ",".join(map(str, s))),
    )
    picked = chosen.set_index(key).loc[summary.index, ["reading_project", "kl"]]
    summary["chosen_project"] = picked["reading_project"].to_numpy()
    summary["chosen_kl"] = picked["kl"].to_numpy()
    return summary.reset_index()
