"""The mark that a file was written by ``report-deid scrub``: a sidecar manifest bound to the file's bytes.

``scrub`` writes ``<out stem>.manifest.json`` beside its output: the producer, the package version, the text
field, the number of records and the SHA-256 of the output file. ``tokenize`` accepts a file only when such a
manifest exists and its digest matches the file as it is now (so an edited or replaced file is refused);
``--assume-scrubbed`` overrides the check for text scrubbed elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from report_deid.errors import InputFormatError

PRODUCER = "report-deid scrub"


def manifest_path(output: Path) -> Path:
    """``<dir>/<stem>.manifest.json`` for an output file."""
    output = Path(output)
    return output.with_name(f"{output.stem}.manifest.json")


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(output: Path, *, text_field: str, records: int, version: str) -> Path:
    """Write the manifest of a finished scrub output; return its path."""
    path = manifest_path(output)
    manifest = {
        "producer": PRODUCER,
        "version": version,
        "text_field": text_field,
        "records": records,
        "file": Path(output).name,
        "sha256": file_digest(output),
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def require_scrubbed(path: Path, text_field: str) -> None:
    """Raise unless ``path`` carries a matching scrub manifest for ``text_field``.

    Raises:
        InputFormatError: no manifest, a manifest of another file or field, or a digest that no longer
            matches (the file changed after scrubbing).
    """
    sidecar = manifest_path(path)
    hint = "run `report-deid scrub` on it first, or pass --assume-scrubbed if it was scrubbed elsewhere"
    if not sidecar.is_file():
        raise InputFormatError(
            f"{path} was not produced by `report-deid scrub` (no {sidecar.name}); {hint}"
        )
    try:
        manifest = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputFormatError(f"{sidecar} is not a valid scrub manifest; {hint}") from None
    if not isinstance(manifest, dict) or manifest.get("producer") != PRODUCER:
        raise InputFormatError(f"{sidecar} is not a scrub manifest; {hint}")
    if manifest.get("text_field") != text_field:
        raise InputFormatError(
            f"{path} was scrubbed in field {manifest.get('text_field')!r}, not {text_field!r}; {hint}"
        )
    if manifest.get("sha256") != file_digest(path):
        raise InputFormatError(f"{path} changed after it was scrubbed (digest mismatch); {hint}")
