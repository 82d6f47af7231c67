"""Cohort summary tables in the layout of the paper's Tables 1-2.

Columns: men and women, each split into patients (knees with label 1) and controls (label 0). Rows: number
of participants and of knees (scans), mean (SD) age, height (m), weight (kg) and BMI (kg/m^2) over the
participants of the column, and participant counts per ethnicity. A participant with one positive and one
negative knee counts once in each column, as their knees do; means are over participants, not knees.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEX_HEADERS: dict[str, str] = {"male": "Men", "female": "Women", "unknown": "Sex unknown"}
GROUP_HEADERS: dict[int, str] = {1: "Patients", 0: "Controls"}
MEASURES: tuple[tuple[str, str, int], ...] = (
    ("Mean age (y)", "age", 1),
    ("Mean height (m)", "height_m", 2),
    ("Mean weight (kg)", "weight_kg", 1),
    ("Mean BMI (kg/m2)", "bmi", 1),
)
ETHNICITY_ORDER: tuple[str, ...] = ("white", "black", "asian", "other nonwhite", "other", "unknown")


def cohort_summary(labels: pd.DataFrame, demographics: pd.DataFrame) -> pd.DataFrame:
    """Summarise a binary label table by sex and label.

    Args:
        labels: ``participant_id, label`` per knee (label 0/1).
        demographics: ``participant_id, sex, ethnicity, age, height_m, weight_kg, bmi``.

    Returns:
        Text cells; index = row titles, columns = ``(sex header, group header)``.
    """
    people = demographics.drop_duplicates("participant_id").set_index("participant_id")
    knees = labels[["participant_id", "label"]].astype({"participant_id": str})
    knees = knees.join(people, on="participant_id")
    knees["sex"] = knees["sex"].fillna("unknown")
    knees["ethnicity"] = knees["ethnicity"].fillna("unknown")
    ethnicities = [e for e in ETHNICITY_ORDER if (knees["ethnicity"] == e).any()]
    ethnicities += sorted(set(knees["ethnicity"]) - set(ethnicities))
    columns: dict[tuple[str, str], list[str]] = {}
    for sex, sex_header in SEX_HEADERS.items():
        if sex == "unknown" and not (knees["sex"] == "unknown").any():
            continue
        for label, group_header in GROUP_HEADERS.items():
            group = knees[(knees["sex"] == sex) & (knees["label"] == label)]
            persons = group.drop_duplicates("participant_id")
            cells = [str(persons.shape[0]), str(group.shape[0])]
            cells += [_mean_sd(persons[col], digits) for _, col, digits in MEASURES]
            cells += [""] + [str(int((persons["ethnicity"] == e).sum())) for e in ethnicities]
            columns[(sex_header, group_header)] = cells
    index = ["No. of patients", "No. of scans"] + [title for title, _, _ in MEASURES]
    index += ["Ethnicity"] + [e.capitalize() for e in ethnicities]
    table = pd.DataFrame(columns, index=index)
    table.columns = pd.MultiIndex.from_tuples(list(columns), names=["sex", "group"])
    return table


def _mean_sd(values: pd.Series, digits: int) -> str:
    data = values.dropna().to_numpy(dtype=float)
    if data.size == 0:
        return "-"
    sd = float(np.std(data, ddof=1)) if data.size > 1 else 0.0
    return f"{data.mean():.{digits}f} ± {sd:.{digits}f}"


def to_markdown(table: pd.DataFrame, title: str = "") -> str:
    """Render :func:`cohort_summary` output as a GitHub-flavoured Markdown table."""
    headers = ["Parameter"] + [f"{sex} {group}" for sex, group in table.columns]
    lines = [f"**{title}**", ""] if title else []
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(headers) - 1)) + "|")
    for name, row in table.iterrows():
        lines.append("| " + " | ".join([str(name), *map(str, row.tolist())]) + " |")
    return "\n".join(lines) + "\n"


def write_cohort_table(table: pd.DataFrame, markdown_path: Path, title: str = "") -> Path:
    """Write the table as Markdown at ``markdown_path`` and as CSV beside it; return the CSV path."""
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text(to_markdown(table, title), encoding="utf-8")
    csv_path = markdown_path.with_suffix(".csv")
    flat = table.copy()
    flat.columns = [f"{sex} {group}" for sex, group in table.columns]
    flat.rename_axis("parameter").to_csv(csv_path)
    return csv_path
