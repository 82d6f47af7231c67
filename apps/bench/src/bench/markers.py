"""Done-markers: each stage's ``done.json`` holds the hash of its inputs and settings.

A stage is up to date when its marker exists and its hash equals the hash computed now from (a) the
settings the stage reads and (b) the hashes of the markers of the stages it reads from. Changing a setting
therefore reruns that stage and, through (b), every stage after it, and nothing else (DVC's model).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MARKER = "done.json"


def combine(*parts: str) -> str:
    """SHA-256 of the concatenated parts (order matters)."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of ``folder`` or None."""
    return read_json(Path(folder) / MARKER)


def is_done(folder: Path, expected_hash: str) -> bool:
    """Whether ``folder`` holds a marker with ``expected_hash``."""
    marker = read_marker(folder)
    return marker is not None and marker.get("hash") == expected_hash


def write_marker(folder: Path, stage_hash: str, seconds: float, **extra: Any) -> None:
    """Write ``folder/done.json`` atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "hash": stage_hash,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(seconds, 2),
        **extra,
    }
    text = json.dumps(payload, indent=2, sort_keys=True)
    write_atomically(folder / MARKER, lambda p: p.write_text(text, encoding="utf-8"))


def write_atomically(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write ``path`` through ``write(temporary path)`` and a rename; return ``path``.

    A reader, or another process sharing the run (``bench worker``), never sees a half-written file; the
    temporary name keeps the suffix (``np.save`` would otherwise append one) and carries the process id.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")
    write(tmp)
    os.replace(tmp, path)
    return path


def clear_marker(folder: Path) -> None:
    """Remove ``folder``'s marker (the stage will run again)."""
    (Path(folder) / MARKER).unlink(missing_ok=True)


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, or None when the file is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSON-lines file (``[]`` when it is missing)."""
    path = Path(path)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
