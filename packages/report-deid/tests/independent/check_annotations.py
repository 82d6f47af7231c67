"""Validate the independent PHI evaluation files and print counts per type and per layout.

Checks per row: ``id`` unique and ``text`` a string; every span inside the text, non-empty, with a known
type, ``text[start:end]`` equal to its own ``strip()`` and free of leading/trailing punctuation (a period
may end an initial, "Jr." or "St."; a bracket may open or close when its pair is inside); spans
non-overlapping; every keep term equal to ``text[start:end]``; keep terms never overlap a PHI span. Exit
status 1 with one line per problem (ids and offsets only, never text) when anything fails; also 1 when a
type never occurs.

Run: ``python check_annotations.py [files...]`` (defaults to both files beside this script).
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from pathlib import Path

TYPES = frozenset(
    "NAME DATE TIME PHONE FAX EMAIL URL IP SSN MRN ACCESSION ACCOUNT DEVICE_ID LICENSE ID AGE "
    "LOCATION HOSPITAL".split()
)
HERE = Path(__file__).parent
DEFAULT_FILES = (HERE / "independent_generated.jsonl", HERE / "handwritten.jsonl")
EDGE_PUNCT = ",;:!?\"'()[]{}<>|/\\"


def _balanced_edges(piece: str, span_type: str) -> bool:
    """True unless ``piece`` starts or ends with punctuation.

    A bracket is fine when its pair is inside; a URL may end with ``/``; only a name, place or facility may
    end with a period (an initial, "Jr.", "St.").
    """
    head, tail = piece[0], piece[-1]
    if tail == "." and span_type not in ("NAME", "LOCATION", "HOSPITAL"):
        return False
    if span_type == "URL" and tail == "/":
        tail = piece.rstrip("/")[-1]
    if head in EDGE_PUNCT and not (head == "(" and ")" in piece[1:]):
        return False
    return not (tail in EDGE_PUNCT and not (tail == ")" and "(" in piece[:-1]))


def row_problems(row: dict, where: str) -> list[str]:
    """Problems of one JSONL row; ``where`` names it (file:line:id)."""
    problems: list[str] = []
    text = row.get("text")
    if not isinstance(text, str) or not text:
        return [f"{where}: text missing or empty"]
    intervals: list[tuple[int, int]] = []
    for j, span in enumerate(row.get("spans", [])):
        s, e, t = span.get("start"), span.get("end"), span.get("type")
        tag = f"{where}: span {j} [{s},{e})"
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            problems.append(f"{tag} offsets out of range")
            continue
        if t not in TYPES:
            problems.append(f"{tag} unknown type {t!r}")
        piece = text[s:e]
        if piece != piece.strip():
            problems.append(f"{tag} has surrounding whitespace")
        if not _balanced_edges(piece, t):
            problems.append(f"{tag} starts or ends with punctuation")
        intervals.append((s, e))
    intervals.sort()
    for (s1, e1), (s2, e2) in itertools.pairwise(intervals):
        if s2 < e1:
            problems.append(f"{where}: spans [{s1},{e1}) and [{s2},{e2}) overlap")
    for j, keep in enumerate(row.get("keep", [])):
        s, e, term = keep.get("start"), keep.get("end"), keep.get("term")
        tag = f"{where}: keep {j} [{s},{e})"
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            problems.append(f"{tag} offsets out of range")
            continue
        if text[s:e] != term:
            problems.append(f"{tag} term differs from text")
        if any(s < pe and ps < e for ps, pe in intervals):
            problems.append(f"{tag} overlaps a PHI span")
    return problems


def check_file(path: Path) -> tuple[list[str], Counter, Counter, int, int]:
    """(problems, span counts per type, report counts per layout, reports, keep terms) of one file."""
    problems: list[str] = []
    per_type: Counter = Counter()
    per_layout: Counter = Counter()
    ids: set[str] = set()
    n_rows = n_keep = 0
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(f"{path.name}:{line_no}: not JSON ({err.msg})")
                continue
            rid = row.get("id")
            where = f"{path.name}:{line_no}:{rid}"
            if not isinstance(rid, str) or rid in ids:
                problems.append(f"{where}: id missing or duplicated")
            ids.add(str(rid))
            problems += row_problems(row, where)
            n_rows += 1
            n_keep += len(row.get("keep", []))
            per_type.update(span.get("type") for span in row.get("spans", []))
            per_layout[row.get("layout", "handwritten")] += 1
    return problems, per_type, per_layout, n_rows, n_keep


def main(argv: list[str]) -> int:
    """Check every file, print counts, return 1 if any problem was found."""
    files = [Path(a) for a in argv] or list(DEFAULT_FILES)
    total_problems = 0
    grand: Counter = Counter()
    grand_keep = 0
    for path in files:
        problems, per_type, per_layout, n_rows, n_keep = check_file(path)
        total_problems += len(problems)
        for p in problems:
            print(p)
        grand += per_type
        grand_keep += n_keep
        print(
            f"\n{path.name}: {n_rows} reports, {sum(per_type.values())} PHI spans, {n_keep} keep terms"
        )
        print("  per type:   " + ", ".join(f"{t} {c}" for t, c in sorted(per_type.items())))
        print("  per layout: " + ", ".join(f"{t} {c}" for t, c in sorted(per_layout.items())))
    missing = sorted(TYPES - set(grand))
    print(f"\nall files: {sum(grand.values())} PHI spans, {grand_keep} keep terms")
    print(f"types missing: {missing or 'none'}")
    if missing:
        total_problems += 1
    print("OK" if total_problems == 0 else f"FAILED: {total_problems} problems")
    return 1 if total_problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
