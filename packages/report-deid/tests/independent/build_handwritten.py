"""Turn the hand-written, inline-annotated reports of ``handwritten_source.txt`` into ``handwritten.jsonl``.

Source format: a report starts with a line ``=== <id>``; its text is every following line up to the next
``===`` line (trailing blank lines dropped). Inside the text ``[[TYPE|identifier]]`` marks a gold PHI span and
``{{term}}`` a confounder that must survive. The markup is removed and the offsets of each span in the clean
text are recorded, so ``text[start:end]`` is exactly the marked identifier.

Run: ``python build_handwritten.py`` (reads and writes beside this script).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
MARK = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]|\{\{(.+?)\}\}", re.DOTALL)


def parse_report(rid: str, marked: str) -> dict:
    """One JSONL row from a marked-up report text."""
    parts: list[str] = []
    spans: list[dict[str, int | str]] = []
    keep: list[dict[str, int | str]] = []
    pos = length = 0
    for match in MARK.finditer(marked):
        plain = marked[pos : match.start()]
        parts.append(plain)
        length += len(plain)
        phi_type, phi_text, keep_text = match.groups()
        inner = phi_text if phi_type else keep_text
        if phi_type:
            spans.append({"start": length, "end": length + len(inner), "type": phi_type})
        else:
            keep.append({"start": length, "end": length + len(inner), "term": inner})
        parts.append(inner)
        length += len(inner)
        pos = match.end()
    parts.append(marked[pos:])
    text = "".join(parts)
    if "[[" in text or "{{" in text or "]]" in text or "}}" in text:
        raise ValueError(f"report {rid}: unbalanced markup")
    return {"id": rid, "layout": "handwritten", "text": text, "spans": spans, "keep": keep}


def parse_source(source: str) -> list[dict]:
    """All reports of the source file, in order."""
    rows: list[dict] = []
    rid: str | None = None
    lines: list[str] = []
    for line in [*source.splitlines(), "=== <end>"]:
        if line.startswith("=== "):
            if rid is not None:
                rows.append(parse_report(rid, "\n".join(lines).rstrip()))
            rid, lines = line[4:].strip(), []
        elif rid is not None:
            lines.append(line)
    return rows


def main() -> None:
    """Read ``handwritten_source.txt``, write ``handwritten.jsonl``."""
    rows = parse_source((HERE / "handwritten_source.txt").read_text(encoding="utf-8"))
    with (HERE / "handwritten.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} hand-written reports")


if __name__ == "__main__":
    main()
