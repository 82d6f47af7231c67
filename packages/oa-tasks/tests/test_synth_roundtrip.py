"""synth -> read -> labels for both cohorts, in the real file formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from oa_tasks import build_labels, read_cohort
from oa_tasks.synth import simulate_cohort, write_synthetic_cohort
from oa_tasks.table_io import read_table

KEY = ["participant_id", "side"]


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    roots = {}
    for cohort in ("oai", "most"):
        root = tmp_path_factory.mktemp(cohort)
        write_synthetic_cohort(cohort, 1500, 7, root)
        roots[cohort] = root
    return roots


@pytest.mark.parametrize("cohort", ["oai", "most"])
def test_round_trip_prevalences(cohorts: dict[str, Path], cohort: str) -> None:
    data = read_cohort(cohort, cohorts[cohort])
    assert data.readings["participant_id"].nunique() == 1500
    assert not data.demographics.empty
    kl = build_labels(data, "kl").labels
    shares = kl["label"].value_counts(normalize=True).sort_index()
    assert shares.index.tolist() == [0, 1, 2, 3, 4]
    assert 0.25 < shares[0] < 0.5
    assert 0.02 < shares[4] < 0.1
    for task in ("incidence", "progression"):
        result = build_labels(data, task)
        prevalence = result.labels["label"].mean()
        assert 0.08 < prevalence < 0.3, (task, prevalence)
        assert set(result.labels["baseline_kl"]) <= ({0, 1} if task == "incidence" else {2})
        every_knee = pd.concat([data.readings[KEY], data.replacements[KEY]]).drop_duplicates()
        assert len(result.labels) + len(result.exclusions) == len(every_knee)


def test_oai_files_have_duplicates_missing_codes_and_replacements(cohorts: dict[str, Path]) -> None:
    root = cohorts["oai"]
    kl = read_table(root / "kXR_SQ_BU06.txt")
    assert set(kl["READPRJ"]) == {"15", "37", "42"}
    assert kl.duplicated(["ID", "SIDE"]).any()
    values = set(kl["V06XRKL"])
    assert {".: Missing Form/Incomplete Workbook", ".P: Missing due to knee prosthesis"} <= values
    outcomes = read_table(root / "Outcomes99.txt")
    assert (outcomes["V99ERKRPCF"] == "3: Replacement adjudicated, confirmed").any()
    data = read_cohort("oai", root)
    assert data.report.duplicate_readings > 0
    assert len(data.report.conflicts) > 0
    assert data.replacements["at_baseline"].any()


def test_same_seed_same_files(tmp_path: Path) -> None:
    first = write_synthetic_cohort("oai", 50, 3, tmp_path / "a")
    second = write_synthetic_cohort("oai", 50, 3, tmp_path / "b")
    other = write_synthetic_cohort("oai", 50, 4, tmp_path / "c")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert any(a.read_bytes() != c.read_bytes() for a, c in zip(first, other, strict=True))


def test_latent_risk_drives_progression() -> None:
    sim = simulate_cohort(3000, 0, 48)
    knees = sim.knees
    grew = sim.kl_by_month[:, 48] > sim.kl_by_month[:, 0]
    high = knees["latent_risk"].to_numpy() > np.median(knees["latent_risk"])
    assert grew[high].mean() > 1.5 * grew[~high].mean()


def test_sas_transport_release_reads_like_text(cohorts: dict[str, Path], tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    root = tmp_path / "sas"
    root.mkdir()
    for path in cohorts["oai"].iterdir():
        if path.is_dir():
            continue
        if not path.name.lower().startswith("kxr_sq_bu"):
            (root / path.name).write_bytes(path.read_bytes())
            continue
        frame = read_table(path)
        visit = path.stem[-2:]
        numeric = pd.DataFrame(
            {
                "ID": frame["ID"],
                "SIDE": frame["SIDE"].str[0].astype(float),
                "READPRJ": frame["READPRJ"],
                f"V{visit}XRKL": pd.to_numeric(frame[f"V{visit}XRKL"], errors="coerce"),
            }
        )
        pyreadstat.write_xport(numeric, str(root / f"kxr_sq_bu{visit}.xpt"), file_format_version=5)
    text = build_labels(read_cohort("oai", cohorts["oai"]), "kl").labels
    sas_data = read_cohort("oai", root)
    sas = build_labels(sas_data, "kl").labels
    pd.testing.assert_series_equal(
        text.set_index(["participant_id", "side"])["label"].sort_index(),
        sas.set_index(["participant_id", "side"])["label"].sort_index(),
    )
    assert any(".P" in note for note in sas_data.report.notes)


def test_most_files_are_tab_separated_as_released(cohorts: dict[str, Path]) -> None:
    for name in ("MOSTV01235XRAY.txt", "mostoutcomes.txt", "MOSTV0ENROLL.txt"):
        header = (cohorts["most"] / name).read_text().splitlines()[0]
        assert "\t" in header, name
        assert "," not in header, name
    assert (cohorts["most"] / "images" / "most_image_index.csv").exists()
    assert len(list((cohorts["oai"] / "images").glob("*/contents.csv"))) == 7
