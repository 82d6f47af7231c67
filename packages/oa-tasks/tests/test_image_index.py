"""Image indexes (OAI contents.csv, MOST index CSV) and linking label rows to radiographs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from oa_tasks import (
    CodeError,
    FileFormatError,
    attach_image_paths,
    build_labels,
    cohort_splits,
    read_cohort,
    read_image_index,
    write_synthetic_cohort,
)
from oa_tasks.cli import main

BILATERAL = "Bilateral PA Fixed Flexion Knee"
HEADER = "Folder,ParticipantID,StudyDate,Barcode,StudyDescription,SeriesDescription\n"


def write_contents(folder: Path, rows: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contents.csv").write_text(HEADER + "".join(r + "\n" for r in rows))


@pytest.fixture
def oai_images(tmp_path: Path) -> Path:
    root = tmp_path / "images"
    # Baseline release straight under the root; the 48-month one nested in a download folder.
    # Two barcodes lost their leading zero (a spreadsheet export), as users' copies do.
    write_contents(
        root / "0.C.2",
        [
            f"0.C.2/9000001/20040601/10000001,9000001,20040601,16600000011,OAI^XR,{BILATERAL}",
            "0.C.2/9000001/20040601/10000002,9000001,20040601,166000000012,OAI^XR,Lateral Knee",
            f"0.C.2/9000002/20040702/10000003,9000002,20040702,016600000021,OAI^XR,{BILATERAL}",
            f"0.C.2/9000002/20040709/10000004,9000002,20040709,016600000022,OAI^XR,{BILATERAL}",
        ],
    )
    write_contents(
        root / "OAI_48m_download" / "6.C.1",
        [f"6.C.1/9000001/20080601/10000005,9000001,20080601,16600000061,OAI^XR,{BILATERAL}"],
    )
    return root


def test_oai_index_reads_releases_recursively(oai_images: Path) -> None:
    index = read_image_index("oai", oai_images).sort_values("path").reset_index(drop=True)
    assert index["path"].tolist() == [
        "0.C.2/9000001/20040601/10000001/001",
        "0.C.2/9000002/20040702/10000003/001",
        "0.C.2/9000002/20040709/10000004/001",
        "OAI_48m_download/6.C.1/9000001/20080601/10000005/001",
    ]
    assert index["visit_month"].tolist() == [0, 0, 0, 48]
    assert index["barcode"].tolist() == [
        "016600000011",  # leading zero restored
        "016600000021",
        "016600000022",
        "016600000061",
    ]
    assert set(index["series_description"]) == {BILATERAL}


def test_bad_release_folder_is_named(tmp_path: Path) -> None:
    write_contents(
        tmp_path / "x", [f"baseline/9000001/20040601/1,9000001,20040601,1,OAI^XR,{BILATERAL}"]
    )
    with pytest.raises(
        FileFormatError, match=r"contents\.csv: column Folder starts with 'baseline'"
    ):
        read_image_index("oai", tmp_path)


def labels_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": ["9000001", "9000001", "9000002", "9000003"],
            "side": ["R", "L", "R", "L"],
            "task": ["kl", "kl", "progression", "progression"],
            "label": [2, 3, 1, 0],
            "baseline_kl": [2, 3, 2, 2],
            "baseline_visit_month": [0, 0, 0, 0],
            "visit_month": [48, 0, 48, 48],
            "barcode": ["", "", "016600000022", ""],
        }
    )


def test_attach_uses_visit_barcode_and_reports_missing(oai_images: Path) -> None:
    index = read_image_index("oai", oai_images)
    linked, report = attach_image_paths(labels_frame(), index, oai_images, check_exists=False)
    root = oai_images.absolute()
    assert linked["image_path"].tolist()[:3] == [
        str(root / "OAI_48m_download/6.C.1/9000001/20080601/10000005/001"),  # kl: its own visit
        str(root / "0.C.2/9000001/20040601/10000001/001"),
        str(root / "0.C.2/9000002/20040709/10000004/001"),  # prognosis: baseline, by barcode
    ]
    assert pd.isna(linked["image_path"].iloc[3])
    assert len(linked) == 4  # never dropped
    assert (report.n_linked, report.n_missing) == (3, 1)
    assert report.missing.to_dict("records") == [
        {
            "participant_id": "9000003",
            "side": "L",
            "task": "progression",
            "visit_month": 0,
            "reason": "not_indexed",
        }
    ]


def test_attach_without_barcode_takes_earliest_study(oai_images: Path) -> None:
    index = read_image_index("oai", oai_images)
    labels = labels_frame().assign(barcode="")
    linked, _ = attach_image_paths(labels, index, oai_images, check_exists=False)
    assert linked["image_path"].iloc[2].endswith("20040702/10000003/001")


def test_check_exists_counts_absent_files(oai_images: Path) -> None:
    present = oai_images / "0.C.2/9000001/20040601/10000001/001"
    present.parent.mkdir(parents=True)
    present.write_bytes(b"DICM")
    index = read_image_index("oai", oai_images)
    linked, report = attach_image_paths(labels_frame(), index, oai_images)
    assert linked["image_path"].notna().tolist() == [False, True, False, False]
    assert report.missing["reason"].tolist() == ["file_not_found", "file_not_found", "not_indexed"]


def write_most_index(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "most_image_index.csv").write_text(
        "MOSTID,VISIT,VIEW,PATH\n"
        "MA00001,0,PA10,MA00001/V0/PA10.dcm\n"
        "MA00001,0,PA05,MA00001/V0/PA05.dcm\n"
        "MA00001,V3,pa10,MA00001/V3/PA10.dcm\n"
        "MB00002,1,PA15,MB00002/V1/PA15.dcm\n"
    )
    return root


def test_most_index_picks_one_view(tmp_path: Path) -> None:
    root = tmp_path / "images"
    write_most_index(root / "most")
    index = read_image_index("most", root)
    assert index[["participant_id", "visit_month", "path", "view"]].values.tolist() == [
        ["MA00001", 0, "most/MA00001/V0/PA10.dcm", "PA10"],
        ["MA00001", 60, "most/MA00001/V3/PA10.dcm", "PA10"],
    ]
    other = read_image_index("most", root, view="PA15")
    assert other["path"].tolist() == ["most/MB00002/V1/PA15.dcm"]
    assert other["visit_month"].tolist() == [15]


def test_most_index_bad_view_is_named(tmp_path: Path) -> None:
    root = write_most_index(tmp_path / "images")
    text = (root / "most_image_index.csv").read_text().replace("PA15", "AP15")
    (root / "most_image_index.csv").write_text(text)
    with pytest.raises(CodeError, match=r"most_image_index\.csv: column VIEW .*\['AP15'\]"):
        read_image_index("most", root)


@pytest.mark.parametrize("cohort", ["oai", "most"])
def test_synthetic_cohort_links_every_label_row(tmp_path: Path, cohort: str) -> None:
    write_synthetic_cohort(cohort, 120, 4, tmp_path)
    data = read_cohort(cohort, tmp_path)
    index = read_image_index(cohort, tmp_path / "images")
    splits = cohort_splits(data)
    for task in ("kl", "incidence", "progression"):
        labels = build_labels(data, task, splits=splits).labels
        linked, report = attach_image_paths(labels, index, tmp_path / "images", check_exists=False)
        assert report.n_missing == 0, task
        assert linked["image_path"].str.startswith(str((tmp_path / "images").absolute())).all()


def test_cli_labels_with_images_reports_missing_files(tmp_path: Path) -> None:
    root = tmp_path / "oai"
    write_synthetic_cohort("oai", 80, 2, root)
    out = tmp_path / "kl.csv"
    args = ["labels", "--cohort", "oai", "--root", str(root), "--task", "kl", "--out", str(out)]
    assert main([*args, "--images", str(root / "images")]) == 0
    labels = pd.read_csv(out, dtype={"participant_id": str})
    missing = pd.read_csv(tmp_path / "kl_missing_images.csv", dtype={"participant_id": str})
    assert labels["image_path"].isna().all()  # nothing rendered: every file is absent
    assert len(missing) == len(labels)
    assert set(missing["reason"]) == {"file_not_found"}
    assert main([*args, "--images", str(root / "images"), "--no-check-images"]) == 0
    assert pd.read_csv(out)["image_path"].notna().all()
