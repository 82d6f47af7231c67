"""Builders of hand-made OAI and MOST files for the tests.

``oai_files(root, kl, outcomes=...)`` writes ``kXR_SQ_BU{vv}.txt`` files from
``kl = {(id, side, visit, project): value}`` (value is the cell text, e.g. ``"2"``, ``".P: ..."``) and an
``Outcomes99.txt`` from ``outcomes = {(id, side): {"days": ..., "vspr": ..., "kind": ..., "baseline": ...}}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pytest

NA = ".A: Not Expected"
SIDE_TEXT = {"R": "1: Right", "L": "2: Left"}
OAIBuilder = Callable[..., Path]


def write_oai(
    root: Path,
    kl: Mapping[tuple[str, str, str, str], str],
    outcomes: Mapping[tuple[str, str], Mapping[str, object]] | None = None,
    visits: tuple[str, ...] | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    visits = visits or tuple(sorted({key[2] for key in kl}))
    for visit in visits:
        rows = [
            {
                "ID": pid,
                "SIDE": SIDE_TEXT[side],
                "READPRJ": project,
                "VERSION": "1.6",
                f"V{visit}BARCDBU": f"0166{int(pid) % 10**8:08d}",
                f"V{visit}XRKL": value,
            }
            for (pid, side, v, project), value in kl.items()
            if v == visit
        ]
        columns = ["ID", "SIDE", "READPRJ", "VERSION", f"V{visit}BARCDBU", f"V{visit}XRKL"]
        pd.DataFrame(rows, columns=columns).to_csv(
            root / f"kXR_SQ_BU{visit}.txt", sep="|", index=False
        )
    ids = sorted({key[0] for key in kl} | {key[0] for key in (outcomes or {})})
    table: dict[str, list[str]] = {"ID": ids}
    for side in ("R", "L"):
        prefix = f"V99E{side}K"
        for suffix in ("RPCF", "DAYS", "VSPR", "TLPR", "BLRP"):
            table[prefix + suffix] = []
        for pid in ids:
            event = (outcomes or {}).get((pid, side))
            if event is None:
                for suffix in ("RPCF", "DAYS", "VSPR", "TLPR", "BLRP"):
                    table[prefix + suffix].append(NA)
                continue
            days = event.get("days")
            vspr = event.get("vspr")
            table[prefix + "RPCF"].append(
                str(event.get("rpcf", "3: Replacement adjudicated, confirmed"))
            )
            table[prefix + "DAYS"].append("." if days is None else str(days))
            table[prefix + "VSPR"].append(NA if vspr is None else f"{vspr}: visit")
            table[prefix + "TLPR"].append(
                "2: Partial" if event.get("kind") == "partial" else "1: Total"
            )
            table[prefix + "BLRP"].append("1: Yes" if event.get("baseline") else "0: No")
    pd.DataFrame(table).to_csv(root / "Outcomes99.txt", sep="|", index=False)
    return root


def write_most(
    root: Path,
    kl: Mapping[tuple[str, str, str], str],
    replacements: Mapping[tuple[str, str], int] | None = None,
    deaths: Mapping[str, int] | None = None,
) -> Path:
    """``kl = {(id, side, visit): value}`` with visit in 0,1,2,3,5; values are visit indices."""
    root.mkdir(parents=True, exist_ok=True)
    ids = sorted({key[0] for key in kl})
    columns = [f"V{v}X{s}KL" for v in ("0", "1", "2", "3", "5") for s in ("R", "L")]
    rows = [{"MOSTID": pid, **{c: kl.get((pid, c[3], c[1]), "") for c in columns}} for pid in ids]
    pd.DataFrame(rows, columns=["MOSTID", *columns]).to_csv(
        root / "MOSTV01235XRAY.txt", index=False
    )
    outcomes = {
        "MOSTID": ids,
        "V99ERKRINDEX": [str((replacements or {}).get((p, "R"), "")) for p in ids],
        "V99ELKRINDEX": [str((replacements or {}).get((p, "L"), "")) for p in ids],
        "V99EDINDEX": [str((deaths or {}).get(p, "")) for p in ids],
    }
    pd.DataFrame(outcomes).to_csv(root / "mostoutcomes.txt", index=False)
    return root


@pytest.fixture
def oai_files(tmp_path: Path) -> OAIBuilder:
    def build(kl, outcomes=None, visits=None, name: str = "oai") -> Path:  # type: ignore[no-untyped-def]
        return write_oai(tmp_path / name, kl, outcomes, visits)

    return build


@pytest.fixture
def most_files(tmp_path: Path) -> Callable[..., Path]:
    def build(kl, replacements=None, deaths=None, name: str = "most") -> Path:  # type: ignore[no-untyped-def]
        return write_most(tmp_path / name, kl, replacements, deaths)

    return build
