"""import-boxes (Pascal VOC, COCO, Zhang-2020 CSV), the domain-randomised phantom, turned views."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from knee_localize import AnnotationError, PhantomConfig, import_boxes, render_radiograph
from knee_localize.cli import main
from knee_localize.geometry import View, square_view
from knee_localize.lateral_view import lateral_knee_attenuation
from knee_localize.phantom import render_negative, write_phantom_set
from knee_localize.realism import NEGATIVE_KINDS, NEGATIVE_WEIGHTS
from PIL import Image

REALISTIC = PhantomConfig.realistic(spacing_mm=(0.8, 1.0))


def _images(folder: Path, names: list[str], size: tuple[int, int] = (200, 100)) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        Image.new("L", size).save(folder / name)


def _voc(path: Path, filename: str, objects: list[tuple[str, list[float]]]) -> None:
    body = "".join(
        f"<object><name>{name}</name><bndbox><xmin>{b[0]}</xmin><ymin>{b[1]}</ymin>"
        f"<xmax>{b[2]}</xmax><ymax>{b[3]}</ymax></bndbox></object>"
        for name, b in objects
    )
    path.write_text(f"<annotation><filename>{filename}</filename>{body}</annotation>")


def test_import_voc_names_and_positions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _images(data, ["a.png", "b.png"])
    voc = tmp_path / "voc"
    voc.mkdir()
    _voc(voc / "a.xml", "a.png", [("Right", [10, 10, 60, 60]), ("l", [120, 10, 170, 60])])
    _voc(
        voc / "b.xml", "b.png", [("knee", [140, 20, 190, 70])]
    )  # side from position: image right = L
    assert (
        main(["import-boxes", str(voc), "--format", "voc", "--out", str(data / "boxes.csv")]) == 0
    )
    table = pd.read_csv(data / "boxes.csv")
    a = table[table["image"] == "a.png"].set_index("side")
    assert a.loc["R", ["x1", "x2"]].tolist() == [10, 60]
    assert a.loc["L", "x1"] == 120
    b = table[table["image"] == "b.png"].set_index("side")
    assert (b.loc["L", "present"], b.loc["R", "present"]) == (1, 0)
    _voc(voc / "c.xml", "a.png", [("R", [10, 10, 60, 60]), ("right knee", [12, 10, 60, 60])])
    with pytest.raises(AnnotationError, match=r"c\.xml, object 2: a second R knee"):
        import_boxes("voc", voc, data / "boxes.csv")
    _voc(voc / "c.xml", "a.png", [("patella", [10, 10, 60, 60])])
    with pytest.raises(AnnotationError, match=r"c\.xml, object 1: label 'patella'"):
        import_boxes("voc", voc, data / "boxes.csv")


def test_import_coco(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _images(data, ["x.png", "empty.png"])
    coco = {
        "images": [{"id": 1, "file_name": "x.png"}, {"id": 2, "file_name": "empty.png"}],
        "categories": [{"id": 7, "name": "KNEE_R"}, {"id": 8, "name": "left"}],
        "annotations": [
            {"image_id": 1, "category_id": 7, "bbox": [5, 5, 40, 40]},
            {"image_id": 1, "category_id": 8, "bbox": [120, 5, 40, 40]},
        ],
    }
    (tmp_path / "c.json").write_text(json.dumps(coco))
    table = import_boxes("coco", tmp_path / "c.json", data / "boxes.csv")
    x = table[table["image"] == "x.png"].set_index("side")
    assert x.loc["R", ["x1", "y1", "x2", "y2"]].tolist() == [5, 5, 45, 45]
    assert x.loc["L", "x2"] == 160
    assert table[table["image"] == "empty.png"]["present"].sum() == 0
    coco["annotations"].append({"image_id": 1, "category_id": 7, "bbox": [5, 5, -1, 40]})
    (tmp_path / "c.json").write_text(json.dumps(coco))
    with pytest.raises(AnnotationError, match=r"c\.json, annotation 3: box"):
        import_boxes("coco", tmp_path / "c.json", data / "boxes.csv")


def test_import_zhang_csv_image_right_knee_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _images(data / "images", ["0.C.2_9000001_20040101_0001.png"], size=(400, 200))
    csv = tmp_path / "test.csv"
    csv.write_text(
        "0,1,2,3,4,5,6,7,8\n"
        "/gpfs/x/0.C.2_9000001_20040101_0001.h5,0.55,0.25,0.8,0.75,0.1,0.3,0.4,0.7\n"
    )
    table = import_boxes("csv", csv, data / "boxes.csv", images=data / "images")
    rows = table.set_index("side")
    assert rows.loc["L", ["x1", "y1", "x2", "y2"]].tolist() == pytest.approx([220, 50, 320, 150])
    assert rows.loc["R", "x1"] == pytest.approx(40)
    assert rows.loc["R", "image"] == "images/0.C.2_9000001_20040101_0001.png"
    csv.write_text("0,1,2,3,4,5,6,7,8\n/x/missing.h5,0.5,0.2,0.8,0.7,0.1,0.3,0.4,0.7\n")
    with pytest.raises(AnnotationError, match=r"test\.csv, row 2: image 'missing' not found"):
        import_boxes("csv", csv, data / "boxes.csv", images=data / "images")


def test_realistic_phantom_and_negatives(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    image = render_radiograph(rng, REALISTIC, kl={"R": 1, "L": 2})
    assert image.image.dtype == np.float32
    assert image.image.min() >= 0.0
    assert image.image.max() <= 1.0
    again = render_radiograph(np.random.default_rng(0), REALISTIC, kl={"R": 1, "L": 2})
    np.testing.assert_array_equal(image.image, again.image)
    for side in ("R", "L"):
        x1, y1, x2, y2 = image.box_px[side]
        assert 0 <= (x1 + x2) / 2 < image.image.shape[1]
        assert 0 <= (y1 + y2) / 2 < image.image.shape[0]
    for kind in NEGATIVE_KINDS:
        negative = render_negative(np.random.default_rng(1), REALISTIC, kind)
        assert negative.knees == {"R": None, "L": None}
        assert negative.image.std() > 0
    table = write_phantom_set(20, 4, tmp_path, PhantomConfig.realistic(spacing_mm=(1.0, 1.2)))
    knee_less = table.groupby("image")["present"].sum() == 0
    assert knee_less.any()  # 15 % negatives: at least one in 20 with this seed


def test_plain_share_draws_the_clean_end_of_the_randomisation() -> None:
    all_plain = replace(REALISTIC, plain_share=1.0)
    plain = replace(REALISTIC, domain_randomisation=False, plain_share=1.0)
    kl = {"R": 2, "L": 2}
    drawn = render_radiograph(np.random.default_rng(5), all_plain, kl)
    np.testing.assert_array_equal(
        drawn.image, render_radiograph(np.random.default_rng(5), plain, kl).image
    )
    randomised = render_radiograph(
        np.random.default_rng(5), replace(REALISTIC, plain_share=0.0), kl
    )
    assert drawn.image.shape != randomised.image.shape or not np.array_equal(
        drawn.image, randomised.image
    )
    assert PhantomConfig.realistic().plain_share == pytest.approx(0.15)


def test_lateral_scene_has_femur_patella_and_flexed_tibia() -> None:
    spacing = 1.0
    y, x = np.mgrid[-200:200, -150:150].astype(np.float32) * spacing
    for seed in range(4):
        mu = lateral_knee_attenuation(x, y, np.random.default_rng(seed))
        assert mu.dtype == np.float32
        assert mu.shape == x.shape
        assert float(mu.min()) >= 0.0
        # bone (far above soft tissue) above and below the joint: femur and tibia are both in the field
        bone = mu > 0.5
        assert bone[:150].any()
        assert bone[-150:].any()
        # one leg, not two: each row crosses at most a few bone segments
        assert bone.mean() < 0.25
    assert len(NEGATIVE_WEIGHTS) == len(NEGATIVE_KINDS)
    assert sum(NEGATIVE_WEIGHTS) == pytest.approx(1.0)
    assert NEGATIVE_WEIGHTS[NEGATIVE_KINDS.index("lateral")] == max(NEGATIVE_WEIGHTS)


def test_turned_view_round_trip() -> None:
    view = View(50.0, 40.0, 64.0, 32, (0.5, 0.5), mirror=True, angle_deg=12.0)
    x, y = view.to_source(np.array([3.0, 20.0]), np.array([5.0, 31.0]))
    u, v = view.to_view(x, y)
    np.testing.assert_allclose(u, [3.0, 20.0])
    np.testing.assert_allclose(v, [5.0, 31.0])
    box = np.array([40.0, 30.0, 60.0, 50.0])
    turned = view.box_to_view(box)
    assert turned[2] - turned[0] == pytest.approx(20 * 0.5 / 2.0)
    image = np.zeros((100, 100), np.float32)
    image[38:43, 48:53] = 1.0  # a dot at the view centre stays at the centre when turned
    patch = square_view(image, View(50.0, 40.0, 20.0, 20, (1.0, 1.0), angle_deg=30.0))
    rows, cols = np.mgrid[:20, :20] + 0.5
    centroid = ((rows * patch).sum() / patch.sum(), (cols * patch).sum() / patch.sum())
    np.testing.assert_allclose(centroid, (10.0, 10.0), atol=0.05)
    assert patch.sum() == pytest.approx(25.0, rel=0.01)
