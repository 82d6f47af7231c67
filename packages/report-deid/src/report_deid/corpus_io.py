"""Reading and writing report records: JSONL, CSV and Parquet.

Records are dictionaries; the text field is ``text`` unless told otherwise. Writers go through a temporary
file and a rename, so a crash never leaves a half-written output.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from report_deid.errors import InputFormatError

READ_SUFFIXES = (".jsonl", ".csv", ".parquet")


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the records of a JSONL, CSV or Parquet file.

    Raises:
        InputFormatError: an unknown suffix, or a JSONL line that is not a JSON object (named by line number
            only, never by content).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputFormatError(f"{path} does not exist")
    if suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    raise InputFormatError(f"{path}: line {number} is not valid JSON") from None
                if not isinstance(record, dict):
                    raise InputFormatError(f"{path}: line {number} is not a JSON object")
                yield record
    elif suffix in (".csv", ".parquet"):
        frame = (
            pd.read_csv(path, dtype=str, keep_default_na=False)
            if suffix == ".csv"
            else pd.read_parquet(path)
        )
        yield from frame.to_dict(orient="records")
    else:
        raise InputFormatError(f"{path}: expected one of {READ_SUFFIXES}")


def read_texts(path: Path, text_field: str = "text") -> Iterator[str]:
    """The text field of every record (plain ``.txt``: one document per line)."""
    if Path(path).suffix.lower() == ".txt":
        with Path(path).open(encoding="utf-8") as handle:
            yield from (line.rstrip("\n") for line in handle if line.strip())
        return
    for position, record in enumerate(read_records(path)):
        value = record.get(text_field)
        if not isinstance(value, str):
            raise InputFormatError(
                f"{path}: record {record.get('id', position)} has no text field {text_field!r}"
            )
        yield value


def write_records(records: Iterable[dict[str, Any]], path: Path) -> int:
    """Write records as JSONL or Parquet (atomically); return how many."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".parquet"):
        raise InputFormatError(f"{path}: output must be .jsonl or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    if suffix == ".jsonl":
        with tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    else:
        rows = list(records)
        pd.DataFrame(rows).to_parquet(tmp, index=False)
        count = len(rows)
    os.replace(tmp, path)
    return count
