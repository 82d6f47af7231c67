"""Strict OAI / MOST readers: clear errors naming file, column and value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from oa_tasks import (
    CodeError,
    CohortFileNotFoundError,
    SchemaError,
    build_labels,
    read_most,
    read_oai,
)


def test_oai_reader_tidy_table(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files(
        {
            ("9000001", "R", "00", "15"): "2",
            ("9000001", "L", "00", "15"): ".P: prosthesis",
            ("9000001", "R", "06", "42"): "3",
        }
    )
    data = read_oai(root)
    readings = data.readings.sort_values(["side", "visit"]).reset_index(drop=True)
    assert readings["participant_id"].tolist() == ["9000001"] * 3
    assert readings["side"].tolist() == ["L", "R", "R"]
    assert readings["visit_month"].tolist() == [0, 0, 48]
    assert readings["kl_code"].tolist() == [".P", "", ""]
    assert readings["reading_project"].tolist() == ["15", "15", "42"]
    assert readings["barcode"].str.startswith("0166").all()
    assert data.replacements.empty


def test_oai_outcomes(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files(
        {("9000001", "R", "00", "15"): "2", ("9000002", "L", "00", "15"): "2"},
        {
            ("9000001", "R"): {"days": 400, "vspr": 1, "kind": "partial"},
            ("9000002", "L"): {"baseline": True, "days": None},
        },
    )
    repl = read_oai(root).replacements.set_index(["participant_id", "side"])
    assert repl.loc[("9000001", "R"), "days_from_baseline"] == 400
    assert repl.loc[("9000001", "R"), "last_visit_month_before"] == 12
    assert repl.loc[("9000001", "R"), "kind"] == "partial"
    assert not repl.loc[("9000001", "R"), "at_baseline"]
    assert repl.loc[("9000002", "L"), "at_baseline"]
    assert len(repl) == 2


def test_missing_visit_file_is_named(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files({("9000001", "R", "00", "15"): "2"})
    with pytest.raises(CohortFileNotFoundError, match=r"visit\(s\) \['06'\]"):
        read_oai(root, visits=["00", "06"])


def test_missing_outcomes_file(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files({("9000001", "R", "00", "15"): "2"})
    (root / "Outcomes99.txt").unlink()
    with pytest.raises(CohortFileNotFoundError, match="Outcomes99"):
        read_oai(root)


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(CohortFileNotFoundError, match="kXR_SQ_BU"):
        read_oai(tmp_path)


def test_renamed_visit_file_is_detected(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files({("9000001", "R", "05", "15"): "2"})
    (root / "kXR_SQ_BU05.txt").rename(root / "kXR_SQ_BU03.txt")
    with pytest.raises(
        SchemaError, match=r"kXR_SQ_BU03\.txt: missing column V03XRKL .*\['V05XRKL'\]"
    ):
        read_oai(root)


def test_missing_column_is_named(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files({("9000001", "R", "00", "15"): "2"})
    path = root / "kXR_SQ_BU00.txt"
    frame = pd.read_csv(path, sep="|", dtype=str).drop(columns="READPRJ")
    frame.to_csv(path, sep="|", index=False)
    with pytest.raises(SchemaError, match=r"kXR_SQ_BU00\.txt: missing column\(s\) \['READPRJ'\]"):
        read_oai(root)


def test_bad_side_code_is_named(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files({("9000001", "R", "00", "15"): "2"})
    path = root / "kXR_SQ_BU00.txt"
    path.write_text(path.read_text().replace("1: Right", "3: Both"))
    with pytest.raises(CodeError, match=r"kXR_SQ_BU00\.txt: column SIDE .*\[3\.0\]"):
        read_oai(root)


def test_bad_outcome_code_is_named(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files(
        {("9000001", "R", "00", "15"): "2"}, {("9000001", "R"): {"days": 5, "rpcf": "7: ?"}}
    )
    data = read_oai(root)  # not needed by every task: counted, not fatal
    with pytest.raises(CodeError, match=r"Outcomes99\.txt: column V99ERKRPCF = 7 \(1 row"):
        build_labels(data, "incidence")


def test_most_reader(most_files) -> None:  # type: ignore[no-untyped-def]
    root = most_files(
        {("MA00001", "R", "0"): "2", ("MA00001", "L", "0"): "8", ("MA00001", "R", "3"): "3"},
        replacements={("MA00001", "L"): 2},
        deaths={"MA00001": 5},
    )
    data = read_most(root)
    graded = data.readings.dropna(subset=["kl"]).set_index(["side", "visit"])["kl"]
    assert graded.to_dict() == {("R", "V0"): 2, ("R", "V3"): 3}
    assert sum(data.report.unknown_kl_codes.values()) == 1
    assert data.replacements.set_index("side").loc["L", "first_visit_month_after"] == 30
    assert data.deaths["first_visit_month_after"].tolist() == [84]
    assert "non-grade KL codes treated as missing: 1" in " ".join(data.report.summary_lines())


def test_most_duplicate_ids(most_files) -> None:  # type: ignore[no-untyped-def]
    root = most_files({("MA00001", "R", "0"): "2"})
    path = root / "MOSTV01235XRAY.txt"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(SchemaError, match="duplicated MOSTID"):
        read_most(root)


def test_most_bad_visit_index(most_files) -> None:  # type: ignore[no-untyped-def]
    root = most_files({("MA00001", "R", "0"): "2"}, replacements={("MA00001", "R"): 12})
    data = read_most(root)
    assert data.report.unknown_codes == {("outcomes", "mostoutcomes.txt", "V99ERKRINDEX", "12"): 1}
    assert len(build_labels(data, "kl").labels) == 1
    with pytest.raises(CodeError, match=r"mostoutcomes\.txt: column V99ERKRINDEX = 12"):
        build_labels(data, "progression")
