"""Coded values, file discovery and strict reading of distribution files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from oa_tasks.codes import parse_codes, parse_kl_grades, require_codes
from oa_tasks.errors import CodeError, CohortFileNotFoundError, FileFormatError, SchemaError
from oa_tasks.table_io import find_files, read_table, require_columns
from oa_tasks.visits import HorizonRule, match_horizon_visit


def test_parse_codes_reads_every_documented_form() -> None:
    raw = pd.Series(
        ["2", "3: Severe", "1.0", ".A: Not Expected", ".T", "", ".P: prosthesis", " 4 "]
    )
    parsed = parse_codes(raw, file="f.txt", name="V00XRKL")
    np.testing.assert_array_equal(
        parsed.value.to_numpy(), [2, 3, 1, np.nan, np.nan, np.nan, np.nan, 4]
    )
    assert parsed.missing.tolist() == ["", "", "", ".A", ".T", ".", ".P", ""]


def test_parse_codes_numeric_column_from_sas() -> None:
    parsed = parse_codes(pd.Series([1.0, np.nan]), file="f.sas7bdat", name="SIDE")
    assert parsed.missing.tolist() == ["", "."]


def test_parse_codes_rejects_garbage_naming_file_column_and_value() -> None:
    with pytest.raises(CodeError, match=r"kXR_SQ_BU00\.txt: column V00XRKL .*\['two'\]"):
        parse_codes(pd.Series(["1", "two"]), file="kXR_SQ_BU00.txt", name="V00XRKL")


def test_require_codes() -> None:
    parsed = parse_codes(pd.Series(["1: Right", "3: ?"]), file="f.txt", name="SIDE")
    with pytest.raises(CodeError, match=r"f\.txt: column SIDE .* \[3\.0\]"):
        require_codes(parsed, (1, 2), file="f.txt", name="SIDE")


def test_kl_grades_count_non_grade_codes() -> None:
    kl, code, unknown = parse_kl_grades(pd.Series(["0", "8", "9", "8", "."]), file="f", name="K")
    assert kl.tolist()[:1] == [0]
    assert kl.isna().tolist() == [False, True, True, True, True]
    assert code.tolist() == ["", "unknown", "unknown", "unknown", "."]
    assert unknown == {"8": 2, "9": 1}


def test_kl_grades_reject_fractions() -> None:
    with pytest.raises(CodeError, match="non-integer"):
        parse_kl_grades(pd.Series(["1.5"]), file="f", name="K")


@pytest.mark.parametrize("sep", ["|", ",", "\t"])
def test_read_table_sniffs_the_delimiter_and_keeps_codes(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "t.txt"
    path.write_text(f"id{sep}v00xrkl\n1{sep}.A: Not Expected\n2{sep}\n", encoding="latin-1")
    frame = read_table(path)
    assert list(frame.columns) == ["ID", "V00XRKL"]
    assert frame["V00XRKL"].tolist() == [".A: Not Expected", ""]


def test_read_table_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(FileFormatError, match="empty"):
        read_table(empty)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02ID|X\n")
    with pytest.raises(FileFormatError, match="binary content"):
        read_table(binary)
    single = tmp_path / "single.txt"
    single.write_text("ID\n1\n")
    with pytest.raises(FileFormatError, match=r"no '\|', tab or ',' delimiter"):
        read_table(single)
    fake = tmp_path / "fake.sas7bdat"
    fake.write_text("ID|X\n1|2\n")
    with pytest.raises(FileFormatError, match="not a SAS7BDAT file"):
        read_table(fake)


def test_read_sas_transport_file(tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame(
        {
            "ID": ["9000001", "9000001"],
            "SIDE": [1.0, 2.0],
            "READPRJ": ["15", "15"],
            "V00XRKL": [2.0, np.nan],
        }
    )
    path = tmp_path / "kxr_sq_bu00.xpt"
    pyreadstat.write_xport(frame, str(path), file_format_version=5)
    read = read_table(path)
    assert read["V00XRKL"].tolist()[0] == 2.0
    _kl, code, _ = parse_kl_grades(read["V00XRKL"], file=path.name, name="V00XRKL")
    assert code.tolist() == ["", "."]


def test_find_files_is_case_insensitive_and_prefers_text(tmp_path: Path) -> None:
    (tmp_path / "KXR_SQ_BU00.TXT").write_text("ID|X\n")
    (tmp_path / "kxr_sq_bu00.sas7bdat").write_bytes(b"")
    (tmp_path / "kxr_sq_bu03.sas7bdat").write_bytes(b"")
    (tmp_path / "kxr_sq_bu03_notes.txt").write_text("ID|X\n")
    found = find_files(tmp_path, r"kxr_sq_bu(\d\d)")
    assert {k: p.name for k, p in found.items()} == {
        "00": "KXR_SQ_BU00.TXT",
        "03": "kxr_sq_bu03.sas7bdat",
    }
    with pytest.raises(CohortFileNotFoundError, match="not a directory"):
        find_files(tmp_path / "absent", "x")


def test_require_columns_names_file_and_columns(tmp_path: Path) -> None:
    with pytest.raises(
        SchemaError, match=r"t\.txt: missing column\(s\) \['SIDE'\]; the file has: ID"
    ):
        require_columns(pd.DataFrame({"ID": []}), ["ID", "SIDE"], tmp_path / "t.txt")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (HorizonRule.NEAREST, 60),
        (HorizonRule.FIRST_AT_OR_AFTER, 60),
        (HorizonRule.LAST_AT_OR_BEFORE, 30),
    ],
)
def test_match_horizon_visit_most(rule: HorizonRule, expected: int) -> None:
    assert match_horizon_visit(48, [0, 15, 30, 60, 84], rule) == expected


def test_nearest_tie_goes_to_later_visit() -> None:
    assert match_horizon_visit(45, [0, 30, 60], HorizonRule.NEAREST) == 60
