"""Image indexes: which radiograph file shows a participant's knees at a visit.

**OAI.** Each visit's image release holds a ``contents.csv`` with the columns ``Folder, ParticipantID,
StudyDate, Barcode, StudyDescription, SeriesDescription``; ``Folder`` is
``<release>/<ID>/<YYYYMMDD>/<series>`` and the DICOM file is ``<Folder>/001``. The release folder names
the visit: ``<visit>.<letter>.<version>``
(``0.C.2`` baseline, ``1.C.2`` 12 months, ``6.C.1`` 48 months, ...; the number before the first dot is the
OAI visit code) or ``<months>m`` (``48m``). ``Folder`` is resolved against the folder holding the
``contents.csv`` when that folder is not itself the release folder, else against its parent. Only the
bilateral view, ``SeriesDescription == "Bilateral PA Fixed Flexion Knee"``, is kept. Every ``contents.csv``
under the images root is read (recursively).

**MOST.** MOST's images are PA views at several beam angles (``PA05``, ``PA10``, ``PA15``); this project
defines an index CSV, ``most_image_index.csv`` (found recursively under the images root), with one row per
image and the columns

=========  ======================================================================================
column     meaning
=========  ======================================================================================
MOSTID     the participant, as in ``MOSTV01235XRAY``
VISIT      the visit index (``0``, ``1``, ``2``, ``3``, ``5``; a ``V`` prefix is accepted)
VIEW       ``PA05``, ``PA10`` or ``PA15`` (beam angle in degrees)
PATH       the DICOM file, relative to the folder holding the index CSV (``/``-separated)
=========  ======================================================================================

One view is used, chosen explicitly (default ``PA10``, the 10-degree beam; ``view=`` / ``--image-view``).

:func:`read_image_index` returns ``participant_id`` (str), ``visit_month`` (int), ``path`` (str, relative to
the images root, ``/``-separated), ``barcode`` (OAI 12-digit text, ``""`` for MOST), ``study_date``
(``YYYYMMDD`` text, ``""`` when unknown), ``series_description`` (OAI) and ``view`` (MOST; ``""`` for OAI).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from oa_tasks.barcodes import normalise_barcodes
from oa_tasks.errors import (
    CodeError,
    CohortFileNotFoundError,
    FileFormatError,
    LabelDefinitionError,
)
from oa_tasks.labels import PROGNOSIS_TASKS
from oa_tasks.table_io import read_table, require_columns
from oa_tasks.visits import MOST_VISIT_MONTHS, OAI_VISIT_MONTHS

logger = logging.getLogger(__name__)

OAI_CONTENTS_FILE = "contents.csv"
OAI_BILATERAL_PA = "Bilateral PA Fixed Flexion Knee"
OAI_IMAGE_FILE = "001"
MOST_INDEX_FILE = "most_image_index.csv"
MOST_VIEWS: tuple[str, ...] = ("PA05", "PA10", "PA15")
DEFAULT_MOST_VIEW = "PA10"
IMAGE_INDEX_COLUMNS: tuple[str, ...] = (
    "participant_id",
    "visit_month",
    "path",
    "barcode",
    "study_date",
    "series_description",
    "view",
)
MISSING_IMAGE_COLUMNS: tuple[str, ...] = ("participant_id", "side", "task", "visit_month", "reason")
_RELEASE = re.compile(r"^(\d{1,2})\.[A-Za-z]\.\d+$")
_MONTHS = re.compile(r"^(\d{1,3})m$", re.IGNORECASE)


def read_image_index(
    cohort: str, images_root: str | Path, *, view: str = DEFAULT_MOST_VIEW
) -> pd.DataFrame:
    """Read the image index of ``cohort`` (``"oai"`` or ``"most"``) under ``images_root``.

    Args:
        cohort: ``"oai"`` or ``"most"``.
        images_root: the folder holding the image releases (OAI) or the MOST index CSV.
        view: the MOST view to keep (``PA05``, ``PA10``, ``PA15``); ignored for OAI.

    Returns:
        The columns of :data:`IMAGE_INDEX_COLUMNS` (see the module docstring).

    Raises:
        CohortFileNotFoundError: no index file under ``images_root``.
        FileFormatError: an OAI release folder whose name does not give its visit.
        CodeError: a MOST visit index or view outside the documented lists.
    """
    root = Path(images_root)
    if not root.is_dir():
        raise CohortFileNotFoundError(
            f"{root} is not a directory; pass the folder holding the image releases / index"
        )
    if cohort == "oai":
        return read_oai_image_index(root)
    if cohort == "most":
        return read_most_image_index(root, view=view)
    raise LabelDefinitionError(f"unknown cohort {cohort!r}; expected 'oai' or 'most'")


def read_oai_image_index(images_root: Path) -> pd.DataFrame:
    """Bilateral PA fixed-flexion knee radiographs of every OAI ``contents.csv`` under ``images_root``."""
    paths = _find(images_root, OAI_CONTENTS_FILE, "OAI image index")
    parts = []
    for path in paths:
        frame = read_table(path)
        require_columns(
            frame, ["FOLDER", "PARTICIPANTID", "STUDYDATE", "BARCODE", "SERIESDESCRIPTION"], path
        )
        series = frame["SERIESDESCRIPTION"].astype(str).str.strip()
        frame = frame[series.str.casefold() == OAI_BILATERAL_PA.casefold()]
        folders = frame["FOLDER"].astype(str).str.strip().str.replace("\\", "/", regex=False)
        release = folders.str.split("/").str[0]
        months = pd.Series([oai_release_visit_month(name, path) for name in release], dtype="int64")
        prefix = {
            name: _relative(
                path.parent.parent if path.parent.name == name else path.parent, images_root
            )
            for name in release.unique()
        }
        relative = [
            f"{prefix[name]}/{folder}/{OAI_IMAGE_FILE}".removeprefix("./")
            for name, folder in zip(release, folders, strict=True)
        ]
        parts.append(
            pd.DataFrame(
                {
                    "participant_id": frame["PARTICIPANTID"].astype(str).str.strip().to_numpy(),
                    "visit_month": months.to_numpy(dtype="int64"),
                    "path": relative,
                    "barcode": normalise_barcodes(frame["BARCODE"]).to_numpy(),
                    "study_date": frame["STUDYDATE"].astype(str).str.strip().to_numpy(),
                    "series_description": series[frame.index].to_numpy(),
                    "view": "",
                }
            )
        )
    return _finish(parts)


def oai_release_visit_month(release: str, source: Path | str = "contents.csv") -> int:
    """Months from baseline of an OAI image release folder (``6.C.1`` -> 48, ``48m`` -> 48).

    Raises:
        FileFormatError: the name gives no OAI visit.
    """
    match = _RELEASE.match(release)
    if match is not None:
        code = f"{int(match.group(1)):02d}"
        if code in OAI_VISIT_MONTHS:
            return OAI_VISIT_MONTHS[code]
    match = _MONTHS.match(release)
    if match is not None and int(match.group(1)) in OAI_VISIT_MONTHS.values():
        return int(match.group(1))
    raise FileFormatError(
        f"{source}: column Folder starts with {release!r}, which names no OAI visit; expected a release "
        "folder such as '6.C.1' (visit 6, 48 months) or '48m'. Keep the release folder names as "
        "downloaded."
    )


def read_most_image_index(images_root: Path, *, view: str = DEFAULT_MOST_VIEW) -> pd.DataFrame:
    """Rows of every ``most_image_index.csv`` under ``images_root`` for one ``view``."""
    wanted = view.upper()
    if wanted not in MOST_VIEWS:
        raise LabelDefinitionError(f"unknown MOST view {view!r}; expected one of {MOST_VIEWS}")
    parts = []
    for path in _find(images_root, MOST_INDEX_FILE, "MOST image index"):
        frame = read_table(path)
        require_columns(frame, ["MOSTID", "VISIT", "VIEW", "PATH"], path)
        views = frame["VIEW"].astype(str).str.strip().str.upper()
        _require_values(views, MOST_VIEWS, path, "VIEW")
        visits = frame["VISIT"].astype(str).str.strip().str.upper().str.removeprefix("V")
        visits = visits.str.replace(r"\.0$", "", regex=True)
        _require_values(visits, tuple(MOST_VISIT_MONTHS), path, "VISIT")
        keep = (views == wanted).to_numpy()
        frame, visits = frame[keep], visits[keep]
        relative = [
            _relative(path.parent / str(p).strip().replace("\\", "/"), images_root)
            for p in frame["PATH"]
        ]
        parts.append(
            pd.DataFrame(
                {
                    "participant_id": frame["MOSTID"].astype(str).str.strip().to_numpy(),
                    "visit_month": visits.map(MOST_VISIT_MONTHS).to_numpy(dtype="int64"),
                    "path": relative,
                    "barcode": "",
                    "study_date": "",
                    "series_description": "",
                    "view": wanted,
                }
            )
        )
    return _finish(parts)


@dataclass
class ImageLinkReport:
    """What :func:`attach_image_paths` could and could not link.

    Attributes:
        n_linked: label rows that got an ``image_path``.
        n_missing: label rows without one (never dropped: their ``image_path`` is NA).
        missing: ``participant_id, side, task, visit_month, reason`` per row without an image; ``reason``
            is ``not_indexed`` (no index row for that participant and visit) or ``file_not_found``
            (indexed, but no file there; only with ``check_exists``).
        checked_exists: whether the files were looked for on disk.
    """

    n_linked: int
    n_missing: int
    missing: pd.DataFrame = field(repr=False)
    checked_exists: bool = True

    def summary_lines(self) -> list[str]:
        """Human-readable lines for a CLI."""
        checked = "" if self.checked_exists else " (files not checked on disk)"
        lines = [f"image paths: {self.n_linked} linked{checked}, {self.n_missing} missing"]
        if self.n_missing:
            counts = self.missing["reason"].value_counts().to_dict()
            lines.append(f"  missing images by reason: {counts}")
        return lines


def attach_image_paths(
    labels: pd.DataFrame,
    index: pd.DataFrame,
    images_root: str | Path,
    *,
    check_exists: bool = True,
) -> tuple[pd.DataFrame, ImageLinkReport]:
    """Add ``image_path``, the bilateral PA radiograph of each label row's visit.

    The visit is the row's ``baseline_visit_month`` for the prognostic tasks (the model sees the baseline
    image) and its ``visit_month`` for ``kl`` (the baseline when the row has none). A row whose ``barcode``
    (OAI) is in the index takes that image; otherwise the participant and visit are matched, and where
    several images match, the earliest study date, then the first path, wins.

    Args:
        labels: a labels table (:func:`oa_tasks.build_labels`).
        index: an image index (:func:`read_image_index`).
        images_root: the folder the index paths are relative to.
        check_exists: look for every file on disk and count the absent ones as missing. The demo passes
            ``False``: its images are rendered later, at exactly these paths.

    Returns:
        ``(labels + image_path, report)``; ``image_path`` is an absolute path string, NA where missing.
        Rows are never dropped.
    """
    root = Path(images_root).absolute()
    month = _image_visit_month(labels)
    ids = labels["participant_id"].astype(str).to_numpy()
    ordered = index.sort_values(["participant_id", "visit_month", "study_date", "path"])
    by_visit = ordered.drop_duplicates(["participant_id", "visit_month"]).set_index(
        ["participant_id", "visit_month"]
    )["path"]
    relative = pd.Series(
        by_visit.reindex(pd.MultiIndex.from_arrays([ids, month])).to_numpy(dtype=object),
        index=labels.index,
    )
    if "barcode" in labels.columns and (index["barcode"] != "").any():
        coded = ordered[ordered["barcode"] != ""].drop_duplicates("barcode").set_index("barcode")
        barcodes = normalise_barcodes(labels["barcode"])
        hit = barcodes.map(coded["path"])
        same_person = barcodes.map(coded["participant_id"]).to_numpy(dtype=object) == ids
        relative = relative.mask(hit.notna().to_numpy() & same_person, hit)
    reason = np.where(relative.isna(), "not_indexed", "")
    paths = [None if pd.isna(r) else os.path.join(root, *PurePosixPath(r).parts) for r in relative]
    if check_exists:
        absent = np.array([p is not None and not os.path.isfile(p) for p in paths], dtype=bool)
        reason = np.where(absent, "file_not_found", reason)
        paths = [None if gone else p for p, gone in zip(paths, absent, strict=True)]
    linked = labels.assign(image_path=pd.array(paths, dtype="string"))
    missing_rows = reason != ""
    missing = pd.DataFrame(
        {
            "participant_id": ids[missing_rows],
            "side": labels["side"].to_numpy()[missing_rows] if "side" in labels else "",
            "task": labels["task"].to_numpy()[missing_rows] if "task" in labels else "",
            "visit_month": month[missing_rows],
            "reason": reason[missing_rows],
        },
        columns=list(MISSING_IMAGE_COLUMNS),
    )
    report = ImageLinkReport(
        int((~missing_rows).sum()), int(missing_rows.sum()), missing, check_exists
    )
    if report.n_missing:
        logger.warning(
            "%d of %d label rows have no image (%s); their image_path is NA",
            report.n_missing,
            len(labels),
            missing["reason"].value_counts().to_dict(),
        )
    return linked, report


def _image_visit_month(labels: pd.DataFrame) -> np.ndarray:
    baseline = labels["baseline_visit_month"].to_numpy(dtype="float64", na_value=0.0)
    if "visit_month" not in labels.columns:
        return baseline.astype("int64")
    own = labels["visit_month"].to_numpy(dtype="float64", na_value=np.nan)
    prognostic = labels["task"].isin(PROGNOSIS_TASKS).to_numpy() if "task" in labels else False
    month = np.where(prognostic | np.isnan(own), baseline, own)
    return month.astype("int64")


def _find(root: Path, name: str, what: str) -> list[Path]:
    found = sorted(p for p in root.rglob("*") if p.name.lower() == name and p.is_file())
    if not found:
        raise CohortFileNotFoundError(
            f"{what} not found under {root}: expected one or more files named {name} (searched "
            "recursively)"
        )
    return found


def _relative(path: Path, root: Path) -> str:
    return PurePosixPath(Path(os.path.relpath(path, root))).as_posix()


def _require_values(values: pd.Series, allowed: tuple[str, ...], path: Path, column: str) -> None:
    bad = values[~values.isin(allowed)]
    if len(bad):
        raise CodeError(
            f"{path}: column {column} holds {len(bad)} value(s) outside {list(allowed)}: "
            f"{sorted(set(bad))[:5]}; see the MOST image index layout in the oa-tasks README"
        )


def _finish(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in IMAGE_INDEX_COLUMNS})
    out = pd.concat(parts, ignore_index=True)[list(IMAGE_INDEX_COLUMNS)]
    return out.astype({"visit_month": "int64"})
