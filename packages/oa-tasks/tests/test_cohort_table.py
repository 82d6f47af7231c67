"""The paper-style cohort table on a hand-made cohort with known numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from oa_tasks import cohort_summary, to_markdown, write_cohort_table
from oa_tasks.demographics import OAI_DEMOGRAPHICS, parse_demographics


def test_cohort_summary_counts_and_means(tmp_path: Path) -> None:
    labels = pd.DataFrame(
        {
            "participant_id": ["1", "1", "2", "3", "4"],
            "label": [1, 0, 1, 0, 0],
        }
    )
    demographics = pd.DataFrame(
        {
            "participant_id": ["1", "2", "3", "4"],
            "sex": ["male", "male", "female", "female"],
            "ethnicity": ["white", "black", "white", "asian"],
            "age": [60.0, 70.0, 50.0, 54.0],
            "height_m": [1.8, 1.7, 1.6, 1.6],
            "weight_kg": [90.0, 80.0, 60.0, 70.0],
            "bmi": [27.8, 27.7, 23.4, 27.3],
        }
    )
    table = cohort_summary(labels, demographics)
    assert table.loc["No. of patients", ("Men", "Patients")] == "2"
    assert table.loc["No. of scans", ("Men", "Patients")] == "2"
    assert table.loc["No. of patients", ("Men", "Controls")] == "1"
    assert table.loc["No. of scans", ("Women", "Controls")] == "2"
    assert table.loc["No. of patients", ("Women", "Patients")] == "0"
    assert table.loc["Mean age (y)", ("Men", "Patients")] == "65.0 ± 7.1"
    assert table.loc["Mean age (y)", ("Women", "Controls")] == "52.0 ± 2.8"
    assert table.loc["Mean age (y)", ("Women", "Patients")] == "-"
    assert table.loc["White", ("Men", "Patients")] == "1"
    assert table.loc["Black", ("Men", "Patients")] == "1"
    assert table.loc["Asian", ("Women", "Controls")] == "1"
    markdown = to_markdown(table, "Incidence")
    assert (
        "| Parameter | Men Patients | Men Controls | Women Patients | Women Controls |" in markdown
    )
    csv = write_cohort_table(table, tmp_path / "t.md", "Incidence")
    assert (tmp_path / "t.md").read_text().startswith("**Incidence**")
    assert pd.read_csv(csv).columns[0] == "parameter"


def test_demographics_units_and_bmi(tmp_path: Path) -> None:
    enrollees = pd.DataFrame(
        {
            "ID": ["1", "2"],
            "P02SEX": ["1: Male", "2: Female"],
            "P02RACE": ["2: Black or African American", ".: Missing"],
        }
    )
    clinical = pd.DataFrame(
        {
            "ID": ["2", "1"],
            "V00AGE": ["61", "70"],
            "P01HEIGHT": ["1600", "1.8"],
            "P01WEIGHT": ["64", "81"],
            "P01BMI": [".", "25"],
        }
    )
    people = parse_demographics(
        {tmp_path / "Enrollees.txt": enrollees, tmp_path / "AllClinical00.txt": clinical},
        OAI_DEMOGRAPHICS,
    ).set_index("participant_id")
    assert people.loc["1", "sex"] == "male"
    assert people.loc["2", "ethnicity"] == "unknown"
    assert people.loc["2", "height_m"] == 1.6
    assert people.loc["1", "height_m"] == 1.8
    assert people.loc["2", "bmi"] == pytest.approx(
        25.0
    )  # 64 / 1.6^2 computed where P01BMI is missing
    assert people.loc["1", "bmi"] == 25.0
