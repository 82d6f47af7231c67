"""Parsing of the coded values used in OAI and MOST distribution files.

OAI ASCII files write coded answers as ``"<code>: <label>"`` (``"1: Right"``) and missing values as SAS
special-missing strings (``".: Missing Form/Incomplete Workbook"``, ``".A: Not Expected"``,
``".T: Technical Problems"``, ``".P: ..."``). Plain numbers (``"2"``, ``"2.0"``) and empty fields also occur.
:func:`parse_codes` turns one such column into a numeric value plus a missing-value code, vectorised.

Missing-value codes kept (the SAS convention): ``"."`` ordinary missing (also empty fields), ``".A"`` not
expected, ``".T"`` technical problems, ``".P"`` missing because of a knee prosthesis, and any other
``".X"`` letter. ``.P`` carries information (a replacement happened) and the label builders use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oa_tasks.cohort_data import ReadReport
from oa_tasks.errors import CodeError

#: Meaning of the SAS special-missing codes that OAI documents.
MISSING_CODE_MEANINGS: dict[str, str] = {
    ".": "missing form / incomplete workbook",
    ".A": "not expected",
    ".T": "technical problems",
    ".P": "missing because of a knee prosthesis",
}
PROSTHESIS_CODE = ".P"

_NUMBER = re.compile(r"^([-+]?\d+(?:\.\d*)?)\s*(?::.*)?$")
_MISSING = re.compile(r"^(\.[A-Za-z_]?)\s*(?::.*)?$")


@dataclass(frozen=True)
class ParsedCodes:
    """A coded column split into its numeric value and its missing-value code.

    Attributes:
        value: float64 values; NaN where the entry is a missing-value code.
        missing: ``""`` where ``value`` holds a number, else the SAS missing code (``"."``, ``".P"``, ...).
    """

    value: pd.Series
    missing: pd.Series


def parse_codes(column: pd.Series, *, file: str, name: str) -> ParsedCodes:
    """Parse one coded column of an OAI/MOST file.

    Each distinct cell text is parsed once (coded columns hold few distinct values), then mapped back.

    Args:
        column: the raw column, strings (text files) or numbers (SAS files).
        file: file name, for error messages.
        name: column name, for error messages.

    Returns:
        The numeric values and missing codes, aligned with ``column``.

    Raises:
        CodeError: an entry is neither a number, ``"<number>: label"`` nor a missing code.
    """
    if pd.api.types.is_numeric_dtype(column.dtype):
        value = column.astype("float64")
        missing = pd.Series(np.where(value.isna(), ".", ""), index=column.index, dtype=object)
        return ParsedCodes(value, missing)
    positions, uniques = pd.factorize(column.astype(object).where(column.notna(), ""))
    numbers = np.full(len(uniques), np.nan)
    codes = np.full(len(uniques), "", dtype=object)
    bad: list[int] = []
    for i, raw in enumerate(uniques):
        text = str(raw).strip()
        number = _NUMBER.match(text)
        if number is not None:
            numbers[i] = float(number.group(1))
        elif text == "":
            codes[i] = "."
        elif (missing_code := _MISSING.match(text)) is not None:
            codes[i] = missing_code.group(1).upper()
        else:
            bad.append(i)
    if bad:
        rows = np.isin(positions, bad)
        first = int(rows.nonzero()[0][0])
        examples = sorted(str(uniques[i]).strip() for i in bad)[:5]
        raise CodeError(
            f"{file}: column {name} holds {int(rows.sum())} value(s) that are neither a number, "
            f"'<code>: <label>' nor a SAS missing code such as '.A'; first at data row {first + 1}: "
            f"{examples!r}. Check that the file is the unmodified distribution file."
        )
    value = pd.Series(numbers[positions], index=column.index, dtype="float64")
    missing = pd.Series(codes[positions], index=column.index, dtype=object)
    return ParsedCodes(value, missing)


def require_codes(parsed: ParsedCodes, allowed: Iterable[float], *, file: str, name: str) -> None:
    """Raise :class:`CodeError` when a numeric value is outside ``allowed``.

    Args:
        parsed: output of :func:`parse_codes`.
        allowed: the documented codes of the column.
        file: file name, for the message.
        name: column name, for the message.
    """
    allowed_set = {float(a) for a in allowed}
    present = parsed.value.dropna()
    unknown = present[~present.isin(allowed_set)]
    if len(unknown):
        values = sorted(set(unknown.tolist()))[:10]
        raise CodeError(
            f"{file}: column {name} holds {len(unknown)} value(s) outside the documented codes "
            f"{sorted(allowed_set)}: {values}. Correct the file or report the code so it can be "
            "documented."
        )


def coded_column(
    frame: pd.DataFrame, column: str, *, file: str, allowed: Iterable[float] | None = None
) -> pd.Series:
    """Numeric values of ``frame[column]`` (NaN for missing codes), checked against ``allowed``.

    Returns an all-NaN Series when the column is absent (optional columns).
    """
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    parsed = parse_codes(frame[column], file=file, name=column)
    if allowed is not None:
        require_codes(parsed, allowed, file=file, name=column)
    return parsed.value


def tolerant_coded_column(
    frame: pd.DataFrame,
    column: str,
    *,
    file: str,
    allowed: Iterable[float],
    part: str,
    report: ReadReport,
) -> pd.Series:
    """Like :func:`coded_column`, but values outside ``allowed`` become missing and are counted.

    For columns that only some tasks need (``part`` = ``"outcomes"``, ``"demographics"``): the count goes
    to ``report.unknown_codes`` with a warning, and :meth:`ReadReport.require_known_codes` refuses to
    build the labels of a task that needs ``part``.

    Raises:
        CodeError: an entry is not a number, a coded answer or a missing code at all.
    """
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    parsed, unknown = split_unknown_grades(
        parse_codes(frame[column], file=file, name=column), allowed
    )
    report.count_unknown_codes(part, file, column, unknown, sorted(float(a) for a in allowed))
    return parsed.value


def split_unknown_grades(
    parsed: ParsedCodes, allowed: Iterable[float]
) -> tuple[ParsedCodes, dict[str, int]]:
    """Turn numeric values outside ``allowed`` into missing (code ``"unknown"``) and count them.

    Used for KL grades, where non-grade codes (MOST's 8 and 9, for example) are treated as missing and
    reported rather than silently dropped.

    Returns:
        The cleaned codes and ``{value as text: count}`` of what was turned into missing.
    """
    allowed_set = {float(a) for a in allowed}
    is_unknown = parsed.value.notna() & ~parsed.value.isin(allowed_set)
    counts = {_format_number(v): int(c) for v, c in parsed.value[is_unknown].value_counts().items()}
    value = parsed.value.where(~is_unknown)
    missing = parsed.missing.where(~is_unknown, "unknown")
    return ParsedCodes(value, missing), counts


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


KL_GRADES: tuple[int, ...] = (0, 1, 2, 3, 4)


def parse_kl_grades(
    column: pd.Series, *, file: str, name: str
) -> tuple[pd.Series, pd.Series, dict[str, int]]:
    """Parse a KL column into grades, missing codes and the count of non-grade codes.

    Returns:
        ``(kl, kl_code, unknown)``: ``kl`` is Int64 with <NA> where not graded, ``kl_code`` is ``""`` when
        graded else the missing code (``"unknown"`` for a number outside 0-4), ``unknown`` counts the
        non-grade numbers by value.
    """
    raw = parse_codes(column, file=file, name=name)
    not_integer = raw.value.notna() & (raw.value % 1 != 0)
    if not_integer.any():
        raise CodeError(
            f"{file}: column {name} holds non-integer KL grades "
            f"{sorted(set(raw.value[not_integer].tolist()))[:5]}"
        )
    parsed, unknown = split_unknown_grades(raw, KL_GRADES)
    return parsed.value.astype("Int64"), parsed.missing.astype(str), unknown
