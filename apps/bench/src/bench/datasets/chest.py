"""Chest radiograph datasets in their release formats: NIH ChestX-ray14 and CheXpert.

Both readers return one row per image with ``image_id``, ``participant_id``, ``image_path`` (absolute),
``split`` (``train`` / ``val`` / ``test``) and one float column per label (1.0, 0.0, or NaN where the label
is masked out of the loss), the multi-label table lowdata-eval's macro AUROC reads.

- **ChestX-ray14** (``Data_Entry_2017.csv``, the 2017 and v2020 releases and the ``Patient Sex`` /
  trailing-comma variants): the 14 labels in CheXNet's order from the ``|``-joined ``Finding Labels``
  (``No Finding`` = every label 0); images under ``images/`` or ``images_*/images/``; the official
  ``test_list.txt`` (when present beside the CSV) is the test split, the validation split is carved from the
  rest by patient; without the lists every split is drawn by patient (:func:`patient_splits`).
- **CheXpert** (``train.csv`` / ``valid.csv``; ``CheXpert-v1.0[-small]/`` path prefixes stripped): the 5
  competition labels under an uncertainty policy (``-1.0``): ``ignore`` (masked: NaN), ``zeros``, ``ones``,
  or ``gloria`` (per label: Atelectasis 1, Cardiomegaly 0, Consolidation 0, Edema 1, Pleural Effusion 1); a
  blank (not mentioned) is 0. ``valid.csv`` is the test split (radiologist labels), the validation split is
  carved from ``train.csv`` by patient; frontal views only by default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from bench.errors import DataError

#: ChestX-ray14's labels in CheXNet's order (``Pleural_Thickening`` with its underscore).
NIH_LABELS = (
    "Atelectasis",
    "Cardiomegaly",
    "Effusion",
    "Infiltration",
    "Mass",
    "Nodule",
    "Pneumonia",
    "Pneumothorax",
    "Consolidation",
    "Edema",
    "Emphysema",
    "Fibrosis",
    "Pleural_Thickening",
    "Hernia",
)
#: CheXpert's 5 competition labels.
CHEXPERT_LABELS = ("Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion")
UncertaintyPolicy = Literal["ignore", "zeros", "ones", "gloria"]
#: The binary simplification used by GLoRIA / MGCA for uncertain (-1) CheXpert labels.
GLORIA_UNCERTAIN = {
    "Atelectasis": 1.0,
    "Cardiomegaly": 0.0,
    "Consolidation": 0.0,
    "Edema": 1.0,
    "Pleural Effusion": 1.0,
}
NIH_COLUMNS = ("Image Index", "Finding Labels", "Patient ID")


def patient_splits(
    patients: pd.Series, fractions: Sequence[float], names: Sequence[str], seed: int
) -> pd.Series:
    """Split names by patient: every image of a patient lands in the same split.

    Each patient's position in ``[0, 1)`` is the SHA-256 of ``"<seed>:<patient>"``; the split is the bin of
    the cumulative ``fractions`` it falls in. The draw depends on the patient alone, so adding images or
    patients never moves an existing patient to another split.
    """
    if len(fractions) != len(names) or abs(sum(fractions) - 1.0) > 1e-6:
        raise DataError(f"split fractions {list(fractions)} must match {list(names)} and sum to 1")
    edges = np.cumsum(fractions)[:-1]

    def position(patient: object) -> float:
        digest = hashlib.sha256(f"{seed}:{patient}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    unique = pd.Series(patients.unique())
    bins = np.searchsorted(edges, unique.map(position).to_numpy(), side="right")
    lookup = dict(zip(unique, np.asarray(names, dtype=object)[bins], strict=True))
    return patients.map(lookup)


def read_chestxray14(
    csv: Path, root: Path, *, seed: int = 0, val_fraction: float = 0.1, test_fraction: float = 0.2
) -> pd.DataFrame:
    """The ChestX-ray14 table (see the module docstring); images not found are dropped with a count.

    Raises:
        DataError: a missing column, an unknown finding, or no image found under ``root``.
    """
    table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    table = table.loc[:, [c for c in table.columns if not _empty_unnamed(table, c)]]
    missing = [c for c in NIH_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"{csv}: no column(s) {missing} (expected the Data_Entry_2017.csv header)")
    findings = table["Finding Labels"].str.split("|")
    known = {*NIH_LABELS, "No Finding"}
    unknown = sorted({f for row in findings for f in row if f not in known})
    if unknown:
        raise DataError(f"{csv}: unknown finding(s) {unknown[:5]}; expected {list(NIH_LABELS)}")
    out = pd.DataFrame(
        {
            "image_id": table["Image Index"],
            "participant_id": table["Patient ID"].astype(int).astype(str),
            "view": table.get("View Position", pd.Series("", index=table.index)),
        }
    )
    for label in NIH_LABELS:
        out[label] = findings.map(lambda row, name=label: float(name in row))
    paths = _nih_images(root)
    out["image_path"] = out["image_id"].map(paths)
    out = out[out["image_path"].notna()].reset_index(drop=True)
    if out.empty:
        raise DataError(f"no ChestX-ray14 image of {csv.name} found under {root} (images/*.png)")
    test_list = Path(csv).parent / "test_list.txt"
    if test_list.is_file():
        test = set(test_list.read_text().split())
        is_test = out["image_id"].isin(test)
        rest = patient_splits(
            out.loc[~is_test, "participant_id"],
            (1 - val_fraction, val_fraction),
            ("train", "val"),
            seed,
        )
        out["split"] = "test"
        out.loc[~is_test, "split"] = rest
        _check_disjoint(out)
    else:
        train = 1 - val_fraction - test_fraction
        out["split"] = patient_splits(
            out["participant_id"],
            (train, val_fraction, test_fraction),
            ("train", "val", "test"),
            seed,
        )
    return out


def _empty_unnamed(table: pd.DataFrame, column: str) -> bool:
    """The empty column a trailing comma adds (``Unnamed: 11``)."""
    return column.startswith("Unnamed") and bool((table[column] == "").all())


def _nih_images(root: Path) -> dict[str, str]:
    """File name -> absolute path, for ``images/*.png`` (NIH Box) and ``images_*/images/*.png`` (Kaggle)."""
    root = Path(root)
    found = [*root.glob("images/*.png"), *root.glob("images_*/images/*.png"), *root.glob("*.png")]
    return {p.name: str(p.resolve()) for p in sorted(found)}


def _check_disjoint(table: pd.DataFrame) -> None:
    shared = table.groupby("participant_id")["split"].nunique()
    n = int((shared > 1).sum())
    if n:
        import logging

        logging.getLogger("bench").warning(
            "ChestX-ray14: %d patients have images in the official test list and in train/val; "
            "their train/val images are kept (the official split is image-wise for them)",
            n,
        )


def read_chexpert(
    train_csv: Path,
    root: Path,
    *,
    valid_csv: Path | None = None,
    policy: UncertaintyPolicy = "ones",
    frontal_only: bool = True,
    seed: int = 0,
    val_fraction: float = 0.1,
) -> pd.DataFrame:
    """The CheXpert table (see the module docstring).

    Raises:
        DataError: a missing column, an unknown policy, or no image of the CSV under ``root``.
    """
    if policy not in ("ignore", "zeros", "ones", "gloria"):
        raise DataError(f"unknown uncertainty policy {policy!r}; use ignore, zeros, ones or gloria")
    parts = [_chexpert_rows(train_csv, root, policy, frontal_only)]
    parts[0]["split"] = patient_splits(
        parts[0]["participant_id"], (1 - val_fraction, val_fraction), ("train", "val"), seed
    )
    if valid_csv is not None:
        test = _chexpert_rows(valid_csv, root, policy, frontal_only)
        parts.append(test.assign(split="test"))
    table = pd.concat(parts, ignore_index=True)
    exists = table["image_path"].map(lambda p: Path(p).is_file())
    table = table[exists].reset_index(drop=True)
    if table.empty:
        raise DataError(f"no CheXpert image of {Path(train_csv).name} found under {root}")
    return table


def _chexpert_rows(
    csv: Path, root: Path, policy: UncertaintyPolicy, frontal_only: bool
) -> pd.DataFrame:
    table = pd.read_csv(csv, dtype={"Path": str})
    missing = [c for c in ("Path", "Frontal/Lateral", *CHEXPERT_LABELS) if c not in table.columns]
    if missing:
        raise DataError(f"{csv}: no column(s) {missing} (expected CheXpert's train.csv header)")
    if frontal_only:
        table = table[table["Frontal/Lateral"] == "Frontal"]
    relative = table["Path"].map(_strip_chexpert_prefix)
    patient = relative.str.extract(r"(patient\d+)", expand=False)
    if patient.isna().any():
        raise DataError(
            f"{csv}: paths without a patientNNNNN folder, e.g. {relative[patient.isna()].iloc[0]!r}"
        )
    out = pd.DataFrame(
        {
            "image_id": relative.to_numpy(),
            "participant_id": patient.to_numpy(),
            "image_path": [str((Path(root) / r).resolve()) for r in relative],
            "view": table.get("AP/PA", pd.Series("", index=table.index)).fillna("").to_numpy(),
        }
    )
    for label in CHEXPERT_LABELS:
        out[label] = apply_uncertainty(table[label].to_numpy(dtype=float), label, policy)
    return out


def _strip_chexpert_prefix(path: str) -> str:
    parts = Path(path).parts
    return str(Path(*parts[1:])) if parts and parts[0].startswith("CheXpert-v1.0") else path


def apply_uncertainty(values: np.ndarray, label: str, policy: UncertaintyPolicy) -> np.ndarray:
    """CheXpert values (1, 0, -1 uncertain, NaN blank) -> training targets under ``policy``.

    Blank (not mentioned) becomes 0 under every policy; ``-1`` becomes NaN (``ignore``: masked out of the
    loss), 0 (``zeros``), 1 (``ones``) or the label's GLoRIA mapping (``gloria``).
    """
    out = np.where(np.isnan(values), 0.0, values)
    uncertain = out == -1.0
    if policy == "ignore":
        out[uncertain] = np.nan
    elif policy == "zeros":
        out[uncertain] = 0.0
    elif policy == "ones":
        out[uncertain] = 1.0
    else:
        out[uncertain] = GLORIA_UNCERTAIN[label]
    return out
