"""The releases as users download them: per-category folders, NDA structure files, MOST enrolment columns,
undocumented codes in columns a task does not need, SAS barcodes."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from oa_tasks import CodeError, FileFormatError, build_labels, read_cohort, read_most, read_oai
from oa_tasks.barcodes import normalise_barcodes
from oa_tasks.cohort_data import ReadReport
from oa_tasks.oai import kl_readings

KL = {
    ("9000001", "R", "00", "15"): "2",
    ("9000001", "L", "00", "15"): "1",
    ("9000001", "R", "06", "15"): "3",
    ("9000002", "R", "00", "37"): "0",
}


def test_files_are_found_in_per_category_folders(tmp_path: Path, oai_files) -> None:  # type: ignore[no-untyped-def]
    flat = oai_files(KL, name="flat")
    nested = tmp_path / "OAI"
    for path in flat.iterdir():
        folder = "Outcomes" if path.name.startswith("Outcomes") else "XRay/SQ_BU"
        (nested / folder).mkdir(parents=True, exist_ok=True)
        path.rename(nested / folder / path.name)
    data = read_oai(nested)
    assert sorted(data.report.files) == ["Outcomes99.txt", "kXR_SQ_BU00.txt", "kXR_SQ_BU06.txt"]
    assert len(data.readings) == 4


def test_two_copies_of_a_file_are_an_error(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files(KL, name="oai")
    (root / "copy").mkdir()
    (root / "copy" / "kXR_SQ_BU00.txt").write_bytes((root / "kXR_SQ_BU00.txt").read_bytes())
    with pytest.raises(FileFormatError, match=r"two copies of the same file .*kXR_SQ_BU00\.txt"):
        read_oai(root)


def test_nda_structure_file_with_two_header_lines(tmp_path: Path, oai_files) -> None:  # type: ignore[no-untyped-def]
    reference = read_oai(oai_files(KL, name="ascii")).readings
    root = tmp_path / "nda"
    root.mkdir()
    (tmp_path / "ascii" / "Outcomes99.txt").rename(root / "Outcomes99.txt")
    names = ["subjectkey", "src_subject_id", "side", "readprj", "v00barcdbu", "v00xrkl"]
    names += ["v06barcdbu", "v06xrkl"]
    descriptions = ["The NDAR Global Unique Identifier (GUID) for research subject"]
    descriptions += ["Subject ID how it's defined in lab/project", "Side", "Reading project"]
    descriptions += ["Barcode V00", "KL grade V00", "Barcode V06", "KL grade V06"]
    rows = []
    for (pid, side, visit, project), value in KL.items():
        cells = dict.fromkeys(names, "")
        cells.update(subjectkey=f"NDAR_INV{pid}", src_subject_id=pid, readprj=project)
        cells["side"] = "1: Right" if side == "R" else "2: Left"
        cells[f"v{visit}barcdbu"] = f"0166{int(pid) % 10**8:08d}"
        cells[f"v{visit}xrkl"] = value
        rows.append("\t".join(cells[n] for n in names))
    lines = ["\t".join(names), "\t".join(f'"{d}"' for d in descriptions), *rows]
    (root / "kxrsq01.txt").write_text("\n".join(lines) + "\n")
    readings = read_oai(root).readings
    key = ["participant_id", "side", "visit"]
    columns = [*key, "kl", "kl_code", "reading_project", "barcode"]
    pd.testing.assert_frame_equal(
        readings[columns].sort_values(key).reset_index(drop=True),
        reference[columns].sort_values(key).reset_index(drop=True),
    )


def test_most_enrolment_columns_and_loud_absence(most_files, caplog) -> None:  # type: ignore[no-untyped-def]
    root = most_files({("MA00001", "R", "0"): "2", ("MB00002", "L", "0"): "1"})
    enrol = "MOSTID\tSITE\tAGE\tSEX\tRACE\nMA00001\tA\t61\t2\t1\nMB00002\tB\t70\t1\t2\n"
    (root / "MOSTV0ENROLL.txt").write_text(enrol)
    (root / "clinic").mkdir()
    (root / "clinic" / "MOSTV0CLINIC.txt").write_text(
        "MOSTID\tV0HEIGHT\nMA00001\t1650\nMB00002\t1800\n"
    )
    with caplog.at_level(logging.WARNING, logger="oa_tasks"):
        data = read_most(root)
    people = data.demographics.set_index("participant_id")
    assert people["age"].to_dict() == {"MA00001": 61.0, "MB00002": 70.0}
    assert people["sex"].to_dict() == {"MA00001": "female", "MB00002": "male"}
    assert people.loc["MB00002", "height_m"] == 1.8
    absent = [r.getMessage() for r in caplog.records if "demographic column" in r.getMessage()]
    assert len(absent) == 2  # weight and BMI
    assert "demographic column weight absent: none of ['V0WEIGHT', 'V0WT', 'WEIGHT']" in absent[0]
    assert "MOSTV0ENROLL.txt" in absent[0]
    assert any("demographic column bmi absent" in line for line in data.report.summary_lines())


def test_unknown_code_in_a_column_the_task_does_not_need(oai_files, caplog) -> None:  # type: ignore[no-untyped-def]
    root = oai_files(KL, {("9000002", "R"): {"days": 900, "vspr": 5}})
    path = root / "Outcomes99.txt"
    path.write_text(path.read_text().replace("5: visit", "12: visit"))
    with caplog.at_level(logging.WARNING, logger="oa_tasks"):
        data = read_oai(root)
    assert "Outcomes99.txt: column V99ERKVSPR holds 1 value(s)" in caplog.text
    assert "12 x1" in caplog.text
    assert "V99ERKVSPR=12 x1 in Outcomes99.txt" in " ".join(data.report.summary_lines())
    assert len(build_labels(data, "kl").labels) == 3
    with pytest.raises(CodeError, match=r"Outcomes99\.txt: column V99ERKVSPR = 12 \(1 row"):
        build_labels(data, "progression")


def test_side_stays_strict(oai_files) -> None:  # type: ignore[no-untyped-def]
    root = oai_files(KL, name="oai")
    path = root / "kXR_SQ_BU00.txt"
    path.write_text(path.read_text().replace("2: Left", "3: Both"))
    with pytest.raises(CodeError, match="column SIDE"):
        read_oai(root)


def test_sas_barcodes_keep_their_leading_zeros() -> None:
    numeric = pd.Series([16601234567.0, np.nan, 16600000001.0])  # SAS stores 0166... as a number
    assert normalise_barcodes(numeric).tolist() == ["016601234567", "", "016600000001"]
    text = pd.Series(["16600000011", "016600000011", "166000000011.0", ".A: Not Expected", ""])
    assert normalise_barcodes(text).tolist() == [
        "016600000011",
        "016600000011",
        "166000000011",
        "",
        "",
    ]


def test_sas_frame_barcodes_keep_their_leading_zeros(tmp_path: Path) -> None:
    # XPORT v5 caps names at 8 characters (V00BARCDBU has 10) and nothing writes SAS7BDAT, so the frame is
    # built as pandas.read_sas returns it: numbers for every numeric column.
    frame = pd.DataFrame(
        {
            "ID": ["9000001", "9000002"],
            "SIDE": [1.0, 2.0],
            "READPRJ": ["15", "37"],
            "V00BARCDBU": [16601234567.0, np.nan],
            "V00XRKL": [2.0, np.nan],
        }
    )
    readings = kl_readings(frame, tmp_path / "kxr_sq_bu00.sas7bdat", "00", ReadReport())
    assert readings["barcode"].tolist() == ["016601234567", ""]
    assert readings["kl_code"].tolist() == ["", "."]


def test_sas_release_warns_once(tmp_path: Path, oai_files, caplog) -> None:  # type: ignore[no-untyped-def]
    pyreadstat = pytest.importorskip("pyreadstat")
    text_root = oai_files(KL, name="text")
    sas_root = tmp_path / "sas"
    sas_root.mkdir()
    (sas_root / "Outcomes99.txt").write_bytes((text_root / "Outcomes99.txt").read_bytes())
    for visit in ("00", "06"):
        frame = pd.read_csv(text_root / f"kXR_SQ_BU{visit}.txt", sep="|", dtype=str)
        numeric = pd.DataFrame(
            {
                "ID": frame["ID"],
                "SIDE": frame["SIDE"].str[0].astype(float),
                "READPRJ": frame["READPRJ"],
                f"V{visit}XRKL": pd.to_numeric(frame[f"V{visit}XRKL"], errors="coerce"),
            }
        )
        path = sas_root / f"kxr_sq_bu{visit}.xpt"
        pyreadstat.write_xport(numeric, str(path), file_format_version=5)
    with caplog.at_level(logging.WARNING, logger="oa_tasks"):
        data = read_cohort("oai", sas_root)
    assert len(data.readings) == 4
    sas_warnings = [r.getMessage() for r in caplog.records if "read from SAS" in r.getMessage()]
    assert len(sas_warnings) == 1
    assert "kxr_sq_bu00.xpt, kxr_sq_bu06.xpt" in sas_warnings[0]
    assert ".P prosthesis" in sas_warnings[0]
    assert sum("read from SAS" in note for note in data.report.notes) == 1
