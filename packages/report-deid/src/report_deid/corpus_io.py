"""Reading and writing report records: JSONL, CSV and Parquet, record by record, surviving bad records.

- :func:`iter_records` yields ``(line, record)`` or ``(line, RecordError)``: a JSONL line that is not
  JSON, not an object or not UTF-8, or a CSV row with bytes that are not UTF-8, is an error row named by its
  line (JSONL) or data-row number (CSV, Parquet), never by its content; the other records are read.
- :func:`read_records` is the strict reader for files that must be whole (gold sets, the tokenizer's input).
- :func:`write_records` writes JSONL or Parquet through a temporary file and a rename, so a crash never
  leaves a half-written output, and the temporary file is removed whatever happens. A record that cannot be
  written (a value JSON cannot hold; a Parquet column whose values disagree in type) is reported through
  ``on_error`` and skipped, or raises when no ``on_error`` is given.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report_deid.errors import InputFormatError

READ_SUFFIXES = (".jsonl", ".csv", ".parquet")
WRITE_SUFFIXES = (".jsonl", ".parquet")


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read or written: its 1-based line (or data row) and the reason."""

    line: int
    reason: str


def _check_readable(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in READ_SUFFIXES:
        raise InputFormatError(f"{path}: expected one of {READ_SUFFIXES}")
    if not path.is_file():
        raise InputFormatError(f"{path} does not exist")
    return suffix


def _has_undecodable(value: object) -> bool:
    return isinstance(value, str) and any("\udc80" <= ch <= "\udcff" for ch in value)


def iter_records(path: Path) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    """Every record of a JSONL, CSV or Parquet file with its line (JSONL) or data-row number (1-based)."""
    path = Path(path)
    suffix = _check_readable(path)
    if suffix == ".jsonl":
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    yield number, RecordError(number, "not valid UTF-8")
                    continue
                except json.JSONDecodeError:
                    yield number, RecordError(number, "not valid JSON")
                    continue
                if not isinstance(record, dict):
                    yield number, RecordError(number, "not a JSON object")
                    continue
                yield number, record
        return
    import pandas as pd

    if suffix == ".csv":
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    else:
        frame = pd.read_parquet(path)
    for number, record in enumerate(frame.to_dict(orient="records"), start=1):
        if any(_has_undecodable(value) for value in record.values()):
            yield number, RecordError(number, "not valid UTF-8")
        else:
            yield number, record


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the records of a JSONL, CSV or Parquet file; the first bad record raises.

    Raises:
        InputFormatError: an unknown suffix, a missing file, or a record that cannot be read (named by line
            number only, never by content).
    """
    for number, record in iter_records(path):
        if isinstance(record, RecordError):
            raise InputFormatError(f"{path}: line {number} is {record.reason}")
        yield record


def read_texts(path: Path, text_field: str = "text") -> Iterator[str]:
    """The text field of every record (plain ``.txt``: one document per line)."""
    if Path(path).suffix.lower() == ".txt":
        with Path(path).open(encoding="utf-8") as handle:
            yield from (line.rstrip("\n") for line in handle if line.strip())
        return
    for position, record in enumerate(read_records(path)):
        value = record.get(text_field)
        if not isinstance(value, str):
            raise InputFormatError(f"{path}: record #{position} has no text field {text_field!r}")
        yield value


def _json_line(record: dict[str, Any]) -> str:
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        for key, value in record.items():
            try:
                json.dumps(value, allow_nan=False)
            except (TypeError, ValueError):
                raise InputFormatError(
                    f"field {key!r} holds a {type(value).__name__}, which JSON cannot hold"
                ) from None
        raise InputFormatError("the record cannot be written as JSON") from None


def _consistent_rows(
    rows: list[dict[str, Any]],
) -> tuple[list[int], list[tuple[int, str]]]:
    """Rows whose values agree in type per column (None always agrees), and the others with a reason."""
    types: dict[str, Counter[str]] = {}
    for row in rows:
        for key, value in row.items():
            if value is not None:
                types.setdefault(key, Counter())[type(value).__name__] += 1
    majority = {key: counts.most_common(1)[0][0] for key, counts in types.items()}
    good, bad = [], []
    for index, row in enumerate(rows):
        wrong = [
            key
            for key, value in row.items()
            if value is not None and type(value).__name__ != majority[key]
        ]
        if wrong:
            key = wrong[0]
            bad.append(
                (
                    index,
                    f"column {key!r} holds a {type(row[key]).__name__} where the others hold "
                    f"{majority[key]}",
                )
            )
        else:
            good.append(index)
    return good, bad


def write_records(
    records: Iterable[dict[str, Any]],
    path: Path,
    on_error: Callable[[int, str], None] | None = None,
) -> int:
    """Write records as JSONL or Parquet (atomically); return how many were written.

    Args:
        records: the records, in order.
        path: ``.jsonl`` or ``.parquet``.
        on_error: called with ``(position in records, reason)`` for a record that cannot be written, which is
            then skipped; without it such a record raises :class:`InputFormatError`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITE_SUFFIXES:
        raise InputFormatError(f"{path}: output must be .jsonl or .parquet")

    def fail(position: int, reason: str) -> None:
        if on_error is None:
            raise InputFormatError(f"record #{position}: {reason}")
        on_error(position, reason)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    try:
        if suffix == ".jsonl":
            with tmp.open("w", encoding="utf-8", errors="strict") as handle:
                for position, record in enumerate(records):
                    try:
                        line = _json_line(record)
                        line.encode("utf-8")
                    except InputFormatError as exc:
                        fail(position, str(exc))
                        continue
                    except UnicodeEncodeError:
                        fail(position, "a field is not valid UTF-8")
                        continue
                    handle.write(line + "\n")
                    count += 1
        else:
            import pandas as pd

            rows = list(records)
            good, bad = _consistent_rows(rows)
            for position, reason in bad:
                fail(position, reason)
            pd.DataFrame([rows[i] for i in good]).to_parquet(tmp, index=False)
            count = len(good)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count
