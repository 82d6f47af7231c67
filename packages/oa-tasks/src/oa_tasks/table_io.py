"""Reading cohort distribution files: pipe/comma/tab-delimited text and SAS (``.sas7bdat``, ``.xpt``).

Files are found recursively under the root (the releases arrive in per-category folders), by a
case-insensitive pattern on the file name. All readers return a DataFrame whose column names are
upper-cased and whose text cells are kept verbatim (no automatic NA conversion: ``".A: Not Expected"`` stays
a string so :mod:`oa_tasks.codes` can read it).

**NDA layout.** Files downloaded from the NIMH Data Archive (``kxrsq01.txt``, ...) are tab-separated with two
header lines: the element names, then a line of descriptions, which is dropped (recognised by the
``subjectkey`` / ``src_subject_id`` columns and a description, text with spaces, under them). NDA submission
templates, whose first line is only ``<structure>,<version>``, are read too. ``src_subject_id`` is the
cohort's ID (OAI ``ID``, MOST ``MOSTID``) and is renamed to it when the cohort's own column is absent.

**SAS.** SAS files are read with :func:`pandas.read_sas`; numeric cells stay numbers. What SAS loses
(:data:`SAS_LOSSES`): pandas reads SAS special missing values (``.P``, ``.A``, ``.T``) as plain NaN, so the
``.P`` prosthesis code (an event at follow-up, a baseline replacement at baseline) is only visible in the
ASCII release; replacements from the outcomes file are used in both cases. Numeric barcodes lose their
leading zeros, which :func:`oa_tasks.barcodes.normalise_barcodes` restores.
"""

from __future__ import annotations

import os
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
NDA_ID_COLUMN = "SRC_SUBJECT_ID"
_NDA_MARKERS = ("SUBJECTKEY", NDA_ID_COLUMN)
#: What a SAS release loses compared with the ASCII one (logged once per cohort read from SAS).
SAS_LOSSES = (
    "SAS special missing values (.P prosthesis, .A not expected, .T technical) are read as plain missing: "
    "a .P at follow-up is not an event and a .P at baseline is not a baseline replacement unless the "
    "outcomes file records the replacement; numeric barcodes are re-padded to 12 digits. Use the ASCII "
    "release where you have it."
)


def find_files(root: Path, stem_pattern: str) -> dict[str, Path]:
    """Find files under ``root`` (recursively) whose stem matches ``stem_pattern`` (case-insensitive).

    Text files win over SAS files for the same key, so a folder holding both releases reads the ASCII one
    (which keeps the ``.P`` codes).

    Args:
        root: directory to search, with its subfolders.
        stem_pattern: regular expression for the file name without its suffix; its first group, if any,
            becomes the key of the result, else the lower-cased stem does.

    Returns:
        ``{key: path}``.

    Raises:
        CohortFileNotFoundError: ``root`` is not a directory.
        FileFormatError: two text files (or two SAS files) under ``root`` have the same key.
    """
    if not root.is_dir():
        raise CohortFileNotFoundError(
            f"{root} is not a directory; pass the folder holding the files"
        )
    pattern = re.compile(stem_pattern, re.IGNORECASE)
    found: dict[str, Path] = {}
    for path in _walk(root):
        suffix = path.suffix.lower()
        if suffix not in TEXT_SUFFIXES + SAS_SUFFIXES:
            continue
        match = pattern.fullmatch(path.stem)
        if match is None:
            continue
        key = match.group(1).lower() if match.groups() else path.stem.lower()
        previous = found.get(key)
        if previous is None or (_is_sas(previous) and not _is_sas(path)):
            found[key] = path
        elif _is_sas(previous) == _is_sas(path):
            raise FileFormatError(
                f"two copies of the same file under {root}: {previous} and {path}; keep one of them "
                "(or pass the folder of one release)"
            )
    return found


def _walk(root: Path) -> list[Path]:
    """Every file under ``root``, in a deterministic order (folders sorted, hidden ones skipped)."""
    out: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        out.extend(Path(folder) / name for name in sorted(files) if not name.startswith("."))
    return out


def _is_sas(path: Path) -> bool:
    return path.suffix.lower() in SAS_SUFFIXES


def find_one(root: Path, stem_pattern: str, what: str, expected_name: str) -> Path:
    """Return the single file matching ``stem_pattern`` or raise a message that says what to provide."""
    found = find_files(root, stem_pattern)
    if not found:
        raise CohortFileNotFoundError(
            f"{what} not found in {root}: expected a file named like {expected_name} "
            f"(text: {', '.join(TEXT_SUFFIXES)}; SAS: {', '.join(SAS_SUFFIXES)}; case-insensitive)"
        )
    return next(iter(found.values()))


def read_table(path: Path, id_column: str | None = None) -> pd.DataFrame:
    """Read one distribution file (delimited text, NDA text or SAS) with upper-cased column names.

    Args:
        path: the file.
        id_column: the cohort's participant column (``ID``, ``MOSTID``); an NDA file's ``src_subject_id``
            is renamed to it when the file lacks it.

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
    frame = _drop_nda_descriptions(frame)
    if id_column and id_column not in frame.columns and NDA_ID_COLUMN in frame.columns:
        frame = frame.rename(columns={NDA_ID_COLUMN: id_column})
    return frame


def _drop_nda_descriptions(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the description line under an NDA header (the second of its two header lines)."""
    markers = [c for c in _NDA_MARKERS if c in frame.columns]
    if not markers or frame.empty:
        return frame
    first = frame[markers].iloc[0].astype(str)
    if first.str.contains(r"\s").any():
        return frame.iloc[1:].reset_index(drop=True)
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
    lines = head.splitlines()
    header = lines[0].decode("latin-1")
    skip = 0
    if len(lines) > 1 and _is_nda_template_line(header, lines[1].decode("latin-1")):
        header, skip = lines[1].decode("latin-1"), 1
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
            skiprows=skip,
        )
    except pd.errors.ParserError as exc:
        raise FileFormatError(
            f"{path}: not a well-formed '{delimiter}'-delimited table ({exc})"
        ) from exc


def _is_nda_template_line(first: str, second: str) -> bool:
    """An NDA submission template starts with ``<structure>,<version>`` above the header row."""
    fields = [f.strip().strip('"') for f in re.split(r"[|\t,]", first)]
    return (
        len(fields) == 2 and fields[1].isdigit() and sum(second.count(d) for d in _DELIMITERS) > 1
    )


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
