"""Importing public knee box annotations into the ``boxes.csv`` table that ``train`` and ``evaluate`` read.

``boxes.csv``: one row per knee and image, ``image`` (path relative to the folder of ``boxes.csv``), ``side``
(``R``/``L``, the patient's side), ``present`` (0/1), ``x1, y1, x2, y2`` (source pixels; empty when absent).

Formats (:func:`import_boxes`):

- ``voc``: a folder of Pascal VOC XML files (``<filename>``, ``<object><name>``, ``<bndbox>`` with
  ``xmin, ymin, xmax, ymax`` in pixels);
- ``coco``: one COCO JSON file (``images`` with ``id``/``file_name``, ``annotations`` with ``image_id``,
  ``category_id``, ``bbox = [x, y, width, height]`` in pixels, ``categories`` with ``id``/``name``);
- ``csv``: the box files published with Zhang et al. 2020 (``denizlab/OAI-KL-Grade-Classification``,
  ``data/detector/*.csv``): a header row ``0..8``, then per image the file path and two boxes
  ``x1, y1, x2, y2`` normalised to the image's width and height, the knee on the IMAGE'S RIGHT first (the
  patient's left knee in a PA view), then the image's left knee. The file stem (``.h5`` dropped) is matched
  to a radiograph in ``images`` with the same stem, whose size converts the coordinates to pixels.

Sides: a VOC object name or COCO category name gives the side when it is ``R``/``L``/``right``/``left`` (any
case, also ``right knee``, ``knee_l``...); a name without a side (``knee``) takes the side from the box
position under the PA convention (box centre on the image's left half = ``R``). Anything else, two boxes of
one side in one image, a box with ``x2 <= x1``, or a missing image is an :class:`AnnotationError` naming the
file and the row/object.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
from PIL import Image

from knee_localize.dicom_io import IMAGE_SUFFIXES
from knee_localize.errors import AnnotationError

FORMATS = ("voc", "coco", "csv")
SIDE_WORDS = {"r": "R", "right": "R", "l": "L", "left": "L"}
NO_SIDE_WORDS = {"knee", "joint", "knee joint", "kneejoint"}


def import_boxes(fmt: str, source: Path, out: Path, images: Path | None = None) -> pd.DataFrame:
    """Convert ``source`` (``fmt``: ``voc``, ``coco`` or ``csv``) to ``out`` (a ``boxes.csv``).

    ``images`` is the folder holding the radiographs (default: the folder of ``out``); ``image`` paths in
    the result are relative to the folder of ``out``. Returns the table written.

    Raises:
        AnnotationError: an unknown format, an unreadable file, a bad side or box (naming file and row).
    """
    out = Path(out)
    images = Path(images) if images is not None else out.parent
    if fmt == "voc":
        boxes = _read_voc(Path(source))
    elif fmt == "coco":
        boxes = _read_coco(Path(source))
    elif fmt == "csv":
        boxes = _read_zhang_csv(Path(source), images)
    else:
        raise AnnotationError(f"unknown annotation format {fmt!r}; expected one of {FORMATS}")
    rows = []
    for (image_name, where), knees in boxes.items():
        path = _find_image(images, image_name, where)
        sides = _assign_sides(knees, path, where)
        relative = _relative(path, out.parent)
        for side in ("R", "L"):
            box = sides.get(side)
            rows.append(
                {
                    "image": relative,
                    "side": side,
                    "present": int(box is not None),
                    **dict(
                        zip(("x1", "y1", "x2", "y2"), box if box else (np.nan,) * 4, strict=True)
                    ),
                }
            )
    table = pd.DataFrame(rows, columns=["image", "side", "present", "x1", "y1", "x2", "y2"])
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, float_format="%.2f")
    return table


Knee = tuple[str, tuple[float, float, float, float], str]  # (side or "", box, where)


def _side_of(name: str, where: str) -> str:
    """``R``, ``L`` or ``""`` (no side in the name)."""
    text = name.strip().lower()
    if text in NO_SIDE_WORDS:
        return ""
    words = [w for w in re.split(r"[\s_\-]+", text) if w and w != "knee"]
    if len(words) == 1 and words[0] in SIDE_WORDS:
        return SIDE_WORDS[words[0]]
    raise AnnotationError(
        f"{where}: label {name[:40]!r} is not a knee side (expected R, L, right, left, or knee)"
    )


def _checked_box(values: list[float], where: str) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = values
    if not all(np.isfinite(values)) or x2 <= x1 or y2 <= y1:
        raise AnnotationError(
            f"{where}: box {values} is empty or not finite (need x2 > x1, y2 > y1)"
        )
    return (x1, y1, x2, y2)


def _read_voc(folder: Path) -> dict[tuple[str, str], list[Knee]]:
    files = sorted(folder.glob("*.xml")) if folder.is_dir() else [folder]
    if not files:
        raise AnnotationError(f"{folder}: no Pascal VOC .xml files found")
    boxes: dict[tuple[str, str], list[Knee]] = {}
    for file in files:
        try:
            root = ElementTree.parse(file).getroot()
        except (ElementTree.ParseError, OSError) as exc:
            raise AnnotationError(f"{file}: not a readable XML file ({exc})") from exc
        name = (root.findtext("filename") or "").strip()
        if not name:
            raise AnnotationError(f"{file}: <filename> is missing")
        knees: list[Knee] = []
        for number, obj in enumerate(root.iter("object"), start=1):
            where = f"{file.name}, object {number}"
            box = obj.find("bndbox")
            if box is None:
                raise AnnotationError(f"{where}: <bndbox> is missing")
            try:
                values = [float(box.findtext(k) or "nan") for k in ("xmin", "ymin", "xmax", "ymax")]
            except ValueError as exc:
                raise AnnotationError(f"{where}: a <bndbox> coordinate is not a number") from exc
            knees.append(
                (_side_of(obj.findtext("name") or "", where), _checked_box(values, where), where)
            )
        boxes[(name, file.name)] = knees
    return boxes


def _read_coco(path: Path) -> dict[tuple[str, str], list[Knee]]:
    try:
        data = json.loads(Path(path).read_text())
        categories = {int(c["id"]): str(c["name"]) for c in data.get("categories", [])}
        images = {int(i["id"]): str(i["file_name"]) for i in data["images"]}
        annotations = data.get("annotations", [])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AnnotationError(
            f"{path}: not a COCO annotation file ({type(exc).__name__}: {exc})"
        ) from exc
    boxes: dict[tuple[str, str], list[Knee]] = {
        (name, f"{path.name}, image {image_id}"): [] for image_id, name in images.items()
    }
    for number, annotation in enumerate(annotations, start=1):
        where = f"{path.name}, annotation {number}"
        try:
            image_id = int(annotation["image_id"])
            x, y, w, h = (float(v) for v in annotation["bbox"])
            label = categories[int(annotation["category_id"])]
        except (KeyError, TypeError, ValueError) as exc:
            raise AnnotationError(
                f"{where}: needs image_id, bbox [x, y, w, h], a known category_id"
            ) from exc
        if image_id not in images:
            raise AnnotationError(f"{where}: image_id {image_id} is not in images")
        boxes[(images[image_id], f"{path.name}, image {image_id}")].append(
            (_side_of(label, where), _checked_box([x, y, x + w, y + h], where), where)
        )
    return boxes


def _read_zhang_csv(path: Path, images: Path) -> dict[tuple[str, str], list[Knee]]:
    try:
        table = pd.read_csv(path, dtype={"0": str})
    except (OSError, ValueError) as exc:
        raise AnnotationError(f"{path}: not a readable CSV file ({exc})") from exc
    if list(table.columns) != [str(i) for i in range(9)]:
        raise AnnotationError(
            f"{path}: expected the columns 0..8 of the Zhang et al. 2020 box files (path, image-right "
            f"knee x1 y1 x2 y2, image-left knee x1 y1 x2 y2), got {list(table.columns)[:10]}"
        )
    boxes: dict[tuple[str, str], list[Knee]] = {}
    for number, row in enumerate(table.itertuples(index=False), start=2):  # row 1 is the header
        where = f"{path.name}, row {number}"
        stem = Path(str(row[0]).replace("\\", "/")).name
        stem = stem[: -len(".h5")] if stem.endswith(".h5") else stem
        image = _find_image(images, stem, where, by_stem=True)
        width, height = _image_size(image, where)
        try:
            values = [float(v) for v in row[1:9]]
        except ValueError as exc:
            raise AnnotationError(f"{where}: a coordinate is not a number") from exc
        if not all(0.0 <= v <= 1.0 for v in values):
            raise AnnotationError(f"{where}: coordinates must be normalised to [0, 1]")
        scale = [width, height, width, height]
        image_right = _checked_box([v * s for v, s in zip(values[:4], scale, strict=True)], where)
        image_left = _checked_box([v * s for v, s in zip(values[4:], scale, strict=True)], where)
        boxes[(str(image), where)] = [("L", image_right, where), ("R", image_left, where)]
    return boxes


def _find_image(images: Path, name: str, where: str, by_stem: bool = False) -> Path:
    direct = Path(name) if Path(name).is_absolute() else images / name
    if direct.is_file():
        return direct
    if by_stem:
        candidates = [
            p
            for p in images.rglob(f"{name}*")
            if p.is_file() and (p.stem == name or p.name == name)
        ]
        if len(candidates) == 1:
            return candidates[0]
    raise AnnotationError(f"{where}: image {name!r} not found under {images}")


def _image_size(path: Path, where: str) -> tuple[int, int]:
    """``(width, height)`` in pixels, from the header only."""
    try:
        if path.suffix.lower() in IMAGE_SUFFIXES:
            with Image.open(path) as image:
                return image.size
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        return int(ds.Columns), int(ds.Rows)
    except (OSError, ValueError, AttributeError, pydicom.errors.InvalidDicomError) as exc:
        raise AnnotationError(f"{where}: cannot read the size of {path.name}") from exc


def _assign_sides(
    knees: list[Knee], image: Path, where: str
) -> dict[str, tuple[float, float, float, float]]:
    sides: dict[str, tuple[float, float, float, float]] = {}
    width = None
    for side, box, origin in knees:
        if not side:
            if width is None:
                width = _image_size(image, where)[0]
            side = "R" if (box[0] + box[2]) / 2 < width / 2 else "L"
        if side in sides:
            raise AnnotationError(f"{origin}: a second {side} knee in {image.name}")
        sides[side] = box
    return sides


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
