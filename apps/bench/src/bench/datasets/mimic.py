"""MIMIC-CXR image-report pairs for ConVIRT-style pretraining.

Layout (the PhysioNet release, DICOM or the JPG variant): ``files/p10/p10000032/s50414267/<dicom_id>.dcm``
(or ``.jpg``) with the study's report at ``files/p10/p10000032/s50414267.txt``. The metadata CSV
(``mimic-cxr-2.0.0-metadata.csv[.gz]``: ``dicom_id, subject_id, study_id, ViewPosition, ...``) lists the
images; the optional split CSV (``mimic-cxr-2.0.0-split.csv[.gz]``: ``dicom_id, study_id, subject_id,
split``) gives ``train`` / ``validate`` / ``test`` (``validate`` becomes ``val``), merged by column name.

Report sections follow the official parser's rule (MIT-LCP ``section_parser.py``): a header is a new line,
one space, capitals (``[A-Z ()/,-]``), a colon. The pretraining text of a study is its impression and its
findings joined (ConVIRT / MGCA), whitespace collapsed; a report with neither is skipped. Report text only
ever lives in memory and in the returned table: no log line, error message or count carries any of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bench.errors import DataError

#: A section header: newline, one space, capitals and ``()/,-`` and spaces, a colon, whitespace.
SECTION = re.compile(r"\n ([A-Z ()/,-]+):\s")
#: Header names folded onto ``impression`` / ``findings`` (the official parser's main synonyms).
SYNONYMS = {
    "IMPRESSIONS": "impression",
    "IMPRESSION": "impression",
    "CONCLUSION": "impression",
    "FINDINGS AND IMPRESSION": "impression",
    "FINDINGS": "findings",
    "FINDING": "findings",
}
METADATA_COLUMNS = ("dicom_id", "subject_id", "study_id")


def report_sections(text: str) -> dict[str, str]:
    """``{section name: text}`` of one report (lower-case names; ``impression`` / ``findings`` folded).

    The text before the first header is ``preamble``. When a name repeats, the LAST section wins (the
    official ``create_section_files.py`` takes the last one).
    """
    text = "\n" + text.replace("\r\n", "\n")
    sections: dict[str, str] = {}
    matches = list(SECTION.finditer(text))
    sections["preamble"] = text[: matches[0].start()].strip() if matches else text.strip()
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        name = match.group(1).strip()
        key = SYNONYMS.get(name, name.lower())
        end = following.start() if following is not None else len(text)
        sections[key] = text[match.end() : end].strip()
    return sections


def pretraining_text(text: str) -> str | None:
    """The impression and findings of a report as one line (impression first); ``None`` if both empty."""
    sections = report_sections(text)
    parts = [sections.get(k, "") for k in ("impression", "findings")]
    joined = " ".join(" ".join(p.split()) for p in parts if p.strip())
    return joined or None


def read_mimic_pairs(
    root: Path,
    metadata_csv: Path,
    *,
    split_csv: Path | None = None,
    views: tuple[str, ...] = ("PA", "AP"),
) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per image with a report: ``image_id, participant_id, study_id, image_path, split, text``.

    ``text`` is :func:`pretraining_text` of the study's report. Returns the table and counts of what was
    skipped (``no_image``, ``no_report``, ``empty_report``, ``unreadable_report``), never any text.

    Raises:
        DataError: missing metadata columns, or no pair at all under ``root``.
    """
    meta = pd.read_csv(metadata_csv, dtype=str)
    missing = [c for c in METADATA_COLUMNS if c not in meta.columns]
    if missing:
        raise DataError(f"{metadata_csv}: no column(s) {missing} (the MIMIC-CXR metadata CSV)")
    if views and "ViewPosition" in meta.columns:
        meta = meta[meta["ViewPosition"].isin(views)]
    if split_csv is not None:
        splits = pd.read_csv(split_csv, dtype=str)
        if "split" not in splits.columns or "dicom_id" not in splits.columns:
            raise DataError(f"{split_csv}: needs dicom_id and split columns")
        meta = meta.merge(splits[["dicom_id", "split"]], on="dicom_id", how="left")
        meta["split"] = meta["split"].fillna("train").replace({"validate": "val"})
    else:
        meta = meta.assign(split="train")
    files = Path(root) / "files" if (Path(root) / "files").is_dir() else Path(root)
    skipped = {"no_image": 0, "no_report": 0, "empty_report": 0, "unreadable_report": 0}
    texts: dict[str, str | None] = {}
    rows = []
    for record in meta.itertuples(index=False):
        patient = f"p{record.subject_id}"
        study = files / patient[:3] / patient / f"s{record.study_id}"
        image = next(
            (
                study / f"{record.dicom_id}{s}"
                for s in (".dcm", ".jpg")
                if (study / f"{record.dicom_id}{s}").is_file()
            ),
            None,
        )
        if image is None:
            skipped["no_image"] += 1
            continue
        if record.study_id not in texts:
            texts[record.study_id] = _study_text(study.with_suffix(".txt"), skipped)
        text = texts[record.study_id]
        if text is None:
            continue
        rows.append(
            {
                "image_id": record.dicom_id,
                "participant_id": str(record.subject_id),
                "study_id": str(record.study_id),
                "image_path": str(image.resolve()),
                "split": record.split,
                "text": text,
            }
        )
    if not rows:
        raise DataError(f"no MIMIC-CXR image with a usable report under {files} ({skipped})")
    return pd.DataFrame(rows), skipped


def _study_text(path: Path, skipped: dict[str, int]) -> str | None:
    if not path.is_file():
        skipped["no_report"] += 1
        return None
    try:
        text = pretraining_text(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        skipped["unreadable_report"] += 1
        return None
    if text is None:
        skipped["empty_report"] += 1
    return text
