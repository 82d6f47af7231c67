"""Phantom geometry, the DICOM reader (LUTs, photometric interpretations, spacing policy) and bad inputs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
from knee_localize import (
    DicomStyle,
    KneeSpec,
    PhantomConfig,
    RadiographReadError,
    SpacingFallbackWarning,
    knee_attenuation,
    read_radiograph,
    render_radiograph,
    write_dicom,
    write_phantom_set,
)
from knee_localize.cli import main
from PIL import Image

SMALL = PhantomConfig(spacing_mm=(0.6, 0.7))  # tests: about 550 x 700 px


def test_joint_space_narrows_with_grade() -> None:
    y = np.linspace(-15, 5, 2001)
    for side_x, attribute in ((19.0, "medial_jsw"), (-19.0, "lateral_jsw")):
        widths = []
        for kl in range(5):
            spec = KneeSpec(kl=kl)
            profile = knee_attenuation(np.full_like(y, side_x), y, spec)
            gap = (
                (profile < 0.4) & (y < 0) & (y > -10)
            )  # soft tissue only between condyle and plateau
            widths.append(gap.sum() * (y[1] - y[0]))
            assert widths[-1] == pytest.approx(getattr(spec, attribute), abs=0.05)
        assert widths == sorted(widths, reverse=True)


def test_boxes_contain_the_joint() -> None:
    rng = np.random.default_rng(0)
    image = render_radiograph(rng, SMALL, kl={"R": 1, "L": 3})
    for side in ("R", "L"):
        x1, y1, x2, y2 = image.box_px[side]
        cx, cy = image.centres_px[side]
        assert x1 < cx < x2
        assert y1 < cy < y2
        assert (x2 - x1) * image.spacing_mm == pytest.approx(
            110.0 * image.knees[side].scale, rel=1e-6
        )
        # under a condyle (19 mm beside the centre, where the tibial spines do not reach) the joint
        # space is darker than the bone just above and below it
        r = round(cy)
        step = max(1, round(12.0 / image.spacing_mm))
        darker = []
        for offset_mm in (-19.0, 19.0):
            column = image.image[:, round(cx + offset_mm / image.spacing_mm)]
            darker.append(column[r - step] > column[r] or column[r + step] > column[r])
        assert any(darker)
    right, left = image.centres_px["R"][0], image.centres_px["L"][0]
    assert right < image.image.shape[1] / 2 < left  # patient's right knee on the image's left


def test_single_knee_and_boxes_csv(tmp_path: Path) -> None:
    table = write_phantom_set(
        12, 3, tmp_path, PhantomConfig(spacing_mm=(0.6, 0.7), single_knee_share=0.5)
    )
    assert (tmp_path / "boxes.csv").is_file()
    saved = pd.read_csv(tmp_path / "boxes.csv")
    assert len(saved) == 24
    assert set(saved["side"]) == {"R", "L"}
    assert (saved.groupby("image")["present"].sum() >= 1).all()
    assert (saved["present"] == 0).any()
    absent = saved[saved["present"] == 0]
    assert absent[["x1", "y1", "x2", "y2"]].isna().all().all()
    assert len(list(tmp_path.glob("*.dcm"))) == 12
    assert table["photometric"].isin(["MONOCHROME1", "MONOCHROME2"]).all()


@pytest.mark.parametrize(
    "style",
    [
        DicomStyle(
            bits_stored=12, photometric="MONOCHROME2", slope=1.0, intercept=0.0, window=True
        ),
        DicomStyle(
            bits_stored=16, photometric="MONOCHROME1", slope=0.5, intercept=-1024.0, window=False
        ),
        DicomStyle(
            bits_stored=14, photometric="MONOCHROME1", slope=2.0, intercept=100.0, window=True
        ),
    ],
)
def test_reader_undoes_storage(tmp_path: Path, style: DicomStyle) -> None:
    rng = np.random.default_rng(1)
    display = rng.random((64, 48)).astype(np.float32)
    write_dicom(tmp_path / "x.dcm", display, 0.15, style, "T")
    radiograph = read_radiograph(tmp_path / "x.dcm", clip_percentiles=(0.0, 100.0))
    expected = (display - display.min()) / (display.max() - display.min())
    np.testing.assert_allclose(radiograph.pixels, expected, atol=2.5 / 2**style.bits_stored * 4)
    assert radiograph.photometric == style.photometric


def test_monochrome1_copy_reads_the_same(tmp_path: Path) -> None:
    write_phantom_set(1, 5, tmp_path, PhantomConfig(spacing_mm=(0.6, 0.7), monochrome1_share=0.0))
    (path,) = tmp_path.glob("*.dcm")
    ds = pydicom.dcmread(path)
    top = 2 ** int(ds.BitsStored) - 1
    ds.PixelData = (top - ds.pixel_array).astype(np.uint16).tobytes()
    ds.PhotometricInterpretation = "MONOCHROME1"
    if "WindowCenter" in ds:
        del ds.WindowCenter, ds.WindowWidth
    ds.save_as(tmp_path / "inverted.dcm")
    a, b = read_radiograph(path), read_radiograph(tmp_path / "inverted.dcm")
    assert np.abs(a.pixels - b.pixels).mean() < 0.01


def test_spacing_policy(tmp_path: Path) -> None:
    display = np.random.default_rng(0).random((32, 32)).astype(np.float32)
    cases = {
        "both.dcm": (DicomStyle(pixel_spacing=True, imager_spacing=True), "PixelSpacing"),
        "imager.dcm": (DicomStyle(pixel_spacing=False, imager_spacing=True), "ImagerPixelSpacing"),
        "none.dcm": (DicomStyle(pixel_spacing=False, imager_spacing=False), "fallback"),
    }
    for name, (style, _source) in cases.items():
        write_dicom(tmp_path / name, display, 0.143, style, "T")
    assert read_radiograph(tmp_path / "both.dcm").spacing_source == "PixelSpacing"
    assert read_radiograph(tmp_path / "imager.dcm").spacing_mm == (0.143, 0.143)
    with pytest.warns(SpacingFallbackWarning, match="assuming 0.15 mm"):
        assert read_radiograph(tmp_path / "none.dcm").spacing_source == "fallback"
    assert read_radiograph(tmp_path / "none.dcm", spacing_mm=0.2).spacing_source == "given"


def test_png_and_tiff(tmp_path: Path) -> None:
    values = (np.random.default_rng(0).random((40, 30)) * 60000).astype(np.uint16)
    Image.fromarray(values).save(tmp_path / "x.tif")
    Image.fromarray((values // 256).astype(np.uint8)).save(tmp_path / "x.png")
    for name in ("x.tif", "x.png"):
        radiograph = read_radiograph(tmp_path / name, spacing_mm=0.18)
        assert radiograph.pixels.shape == (40, 30)
        assert radiograph.spacing_mm == (0.18, 0.18)


def test_bad_inputs(tmp_path: Path) -> None:
    write_dicom(
        tmp_path / "ok.dcm", np.random.default_rng(0).random((32, 32)), 0.15, DicomStyle(), "T"
    )
    data = (tmp_path / "ok.dcm").read_bytes()
    (tmp_path / "truncated.dcm").write_bytes(data[: len(data) - 600])
    ds = pydicom.dcmread(tmp_path / "ok.dcm")
    del ds.PixelData
    ds.save_as(tmp_path / "nopixels.dcm")
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "fake.png").write_text("not a png")
    with pytest.raises(RadiographReadError, match="cannot be decoded"):
        read_radiograph(tmp_path / "truncated.dcm")
    with pytest.raises(RadiographReadError, match="no pixel data"):
        read_radiograph(tmp_path / "nopixels.dcm")
    with pytest.raises(RadiographReadError, match="not a readable DICOM"):
        read_radiograph(tmp_path / "notes.txt")
    with pytest.raises(RadiographReadError, match="not a readable image"):
        read_radiograph(tmp_path / "fake.png", spacing_mm=0.15)


def test_cli_phantom(tmp_path: Path) -> None:
    assert (
        main(
            [
                "phantom",
                "--n",
                "2",
                "--seed",
                "1",
                "--out",
                str(tmp_path),
                "--spacing-mm",
                "0.6",
                "0.7",
            ]
        )
        == 0
    )
    table = pd.read_csv(tmp_path / "boxes.csv")
    assert len(table) == 4
    ds = pydicom.dcmread(next(tmp_path.glob("*.dcm")))
    assert ds.Modality == "DX"
    assert ds.SeriesDescription == "Bilateral PA Fixed Flexion Knee"
    assert math.isclose(
        float(table["spacing_mm"].iloc[0]),
        float(ds.get("PixelSpacing", ds.get("ImagerPixelSpacing"))[0]),
        rel_tol=1e-3,
    )
