"""Reading cohort distribution files: pipe/comma/tab-delimited text and SAS (``.sas7bdat``, ``.xpt``).

All readers return a DataFrame whose column names are upper-cased and whose text cells are kept verbatim
(no automatic NA conversion: ``".A: Not Expected"`` stays a string so :mod:`oa_tasks.codes` can read it).
SAS files are read with :func:`pandas.read_sas`; numeric cells stay numbers. Note that pandas reads SAS
special missing values (``.P``, ``.A``, ...) as plain NaN, so the ``.P`` prosthesis code is only visible in
the ASCII distribution; replacement information from the outcomes file is used in both cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from oa_tasks.errors import CohortFileNotFoundError, FileFormatError, SchemaError

TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".dat")
SAS_SUFFIXES = (".sas7bdat", ".xpt")
_SAS7BDAT_MAGIC = bytes.fromhex("000000000000000000000000c2ea8160b31411cfbd92080009c7318c181f1011")
_DELIMITERS = ("|", "\t", ",")
_IBM_ZERO = 1e-70


def find_files(root: Path, stem_pattern: str) -> dict[str, Path]:
    """Find files in ``root`` whose stem matches ``stem_pattern`` (case-insensitive, whole stem).

    Text files win over SAS files for the same stem, so a folder holding both releases reads the ASCII one
    (which keeps the ``.P`` codes).

    Args:
        root: directory to search (not recursive).
        stem_pattern: regular expression for the file name without its suffix; its first group, if any,
            becomes the key of the result, else the lower-cased stem does.

    Returns:
        ``{key: path}``.
    """
    if not root.is_dir():
        raise CohortFileNotFoundError(
            f"{root} is not a directory; pass the folder holding the files"
        )
    pattern = re.compile(stem_pattern, re.IGNORECASE)
    found: dict[str, Path] = {}
    for path in sorted(root.iterdir()):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in TEXT_SUFFIXES + SAS_SUFFIXES:
            continue
        match = pattern.fullmatch(path.stem)
        if match is None:
            continue
        key = match.group(1) if match.groups() else path.stem.lower()
        previous = found.get(key)
        if previous is None or (
            previous.suffix.lower() in SAS_SUFFIXES and suffix in TEXT_SUFFIXES
        ):
            found[key] = path
    return found


def find_one(root: Path, stem_pattern: str, what: str, expected_name: str) -> Path:
    """Return the single file matching ``stem_pattern`` or raise a message that says what to provide."""
    found = find_files(root, stem_pattern)
    if not found:
        raise CohortFileNotFoundError(
            f"{what} not found in {root}: expected a file named like {expected_name} "
            f"(text: {', '.join(TEXT_SUFFIXES)}; SAS: {', '.join(SAS_SUFFIXES)}; case-insensitive)"
        )
    return next(iter(found.values()))


def read_table(path: Path) -> pd.DataFrame:
    """Read one distribution file (delimited text or SAS) with upper-cased column names.

    Raises:
        FileFormatError: the file is empty, binary where text is expected, not SAS where SAS is expected,
            or has a single column (wrong delimiter).
    """
    suffix = path.suffix.lower()
    frame = _read_sas(path) if suffix in SAS_SUFFIXES else _read_text(path)
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise FileFormatError(f"{path}: duplicated column names {duplicated}")
    return frame


def _read_text(path: Path) -> pd.DataFrame:
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise FileFormatError(f"{path}: the file is empty")
    if b"\x00" in head:
        raise FileFormatError(
            f"{path}: binary content in a file named as text; if it is a SAS file, give it the "
            ".sas7bdat suffix"
        )
    header = head.splitlines()[0].decode("latin-1")
    delimiter = max(_DELIMITERS, key=header.count)
    if header.count(delimiter) == 0:
        raise FileFormatError(
            f"{path}: the header line has no '|', tab or ',' delimiter; expected a delimited table "
            "with a header row"
        )
    try:
        return pd.read_csv(
            path,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="latin-1",
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise FileFormatError(
            f"{path}: not a well-formed '{delimiter}'-delimited table ({exc})"
        ) from exc


def _read_sas(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".sas7bdat":
        with path.open("rb") as handle:
            magic = handle.read(32)
        if magic != _SAS7BDAT_MAGIC:
            raise FileFormatError(f"{path}: not a SAS7BDAT file (wrong magic number)")
    try:
        frame = pd.read_sas(path, encoding="latin-1")
    except Exception as exc:  # pandas raises several unrelated types for corrupt SAS files
        raise FileFormatError(f"{path}: pandas could not read this SAS file ({exc})") from exc
    if not isinstance(
        frame, pd.DataFrame
    ):  # pragma: no cover - read_sas returns a reader only when chunked
        raise FileFormatError(f"{path}: unexpected SAS reader result")
    for column in frame.columns[frame.dtypes == "float64"]:
        # Some XPORT writers encode 0 as the smallest IBM float, which pandas reads as 5.4e-79.
        frame[column] = frame[column].mask(frame[column].abs() < _IBM_ZERO, 0.0)
    return frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> None:
    """Raise :class:`SchemaError` naming the file and every missing column."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        shown = ", ".join(list(frame.columns[:12])) + (" ..." if len(frame.columns) > 12 else "")
        raise SchemaError(f"{path}: missing column(s) {missing}; the file has: {shown}")
