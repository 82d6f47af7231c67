"""Batches that never lose work, header defects, compressed DICOM, laterality, spacing, the anatomy gate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
from knee_localize import (
    DicomStyle,
    KneeBox,
    NotAKneeRadiographError,
    RadiographReadError,
    read_radiograph,
    write_dicom,
)
from knee_localize.checkpoint import Localizer, LocalizerConfig
from knee_localize.dicom_io import Radiograph
from knee_localize.laterality import assign_sides, roi_mirrored
from knee_localize.predict import find_inputs, predict_batch
from knee_localize.roi_store import resolve_roi_size
from pydicom.data import get_testdata_file
from pydicom.uid import HTJ2KLossless, JPEG2000Lossless, JPEGLosslessSV1

TINY = LocalizerConfig(overview_px=64, refine_px=64)


def _dicom(path: Path, seed: int = 0, style: DicomStyle | None = None) -> Path:
    display = np.random.default_rng(seed).random((96, 80)).astype(np.float32)
    write_dicom(path, display, 0.5, style or DicomStyle(), f"P{seed}")
    return path


def _fake_locate(calls: list[str]):  # type: ignore[no-untyped-def]
    """Both knees present at fixed places; records every radiograph localized."""

    def locate(localizer, radiograph, threshold=0.5):  # type: ignore[no-untyped-def]
        calls.append(radiograph.sop_instance_uid)
        h, w = radiograph.pixels.shape
        return [
            KneeBox("R", True, 0.9, (w * 0.1, h * 0.3, w * 0.4, h * 0.6)),
            KneeBox("L", True, 0.9, (w * 0.6, h * 0.3, w * 0.9, h * 0.6)),
        ]

    return locate


@pytest.fixture
def fake_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import knee_localize.predict as predict_module
    import knee_localize.spacing as spacing_module

    calls: list[str] = []
    monkeypatch.setattr(predict_module, "locate_knees", _fake_locate(calls))
    monkeypatch.setattr(spacing_module, "locate_knees", _fake_locate(calls))
    return calls


def _with(path: Path, out: Path, **tags: object) -> Path:
    ds = pydicom.dcmread(path)
    for keyword, value in tags.items():
        if isinstance(value, tuple):  # (VR, raw value): values pydicom would refuse to set
            ds.add_new(keyword, value[0], value[1])
        else:
            setattr(ds, keyword, value)
    ds.save_as(out)
    return out


def test_header_defects_are_specific_errors(tmp_path: Path) -> None:
    good = _dicom(tmp_path / "good.dcm")
    cases = {
        "WindowCenter is present but empty": _with(good, tmp_path / "a.dcm", WindowCenter=""),
        "PixelSpacing has 1 value": _with(good, tmp_path / "b.dcm", PixelSpacing="0.5"),
        "RescaleSlope 'abc' is not a number": _with(
            good, tmp_path / "c.dcm", RescaleSlope=("LO", "abc")
        ),
    }
    for message, path in cases.items():
        with pytest.raises(RadiographReadError, match=message):
            read_radiograph(path)


def test_predict_rows_for_every_file_and_unique_ids(
    tmp_path: Path, fake_network: list[str]
) -> None:
    inputs = tmp_path / "in"
    (inputs / "a").mkdir(parents=True)
    (inputs / "b").mkdir()
    good = _dicom(inputs / "a" / "001.dcm", 1)
    _dicom(inputs / "b" / "001.dcm", 2)
    _with(good, inputs / "empty_window.dcm", WindowCenter="")
    _with(good, inputs / "one_spacing.dcm", PixelSpacing="0.5")
    _with(good, inputs / "slope.dcm", RescaleSlope=("LO", "abc"))
    (inputs / "notes.txt").write_text("not an image")
    (inputs / ".hidden").write_text("x")
    summary = predict_batch(Localizer.create(TINY), [inputs], tmp_path / "out", roi_px=16)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    by_id = dict(zip(errors["image_id"] + ":" + errors["level"], errors["reason"], strict=True))
    assert "WindowCenter" in by_id["empty_window.dcm:error"]
    assert "PixelSpacing" in by_id["one_spacing.dcm:error"]
    assert "RescaleSlope" in by_id["slope.dcm:error"]
    assert "suffix .txt" in by_id["notes.txt:skipped"]
    assert by_id[".hidden:skipped"] == "hidden file"
    manifest = pd.read_parquet(tmp_path / "out" / "manifest.parquet")
    assert sorted(set(manifest["image_id"])) == ["a/001.dcm", "b/001.dcm"]
    assert manifest.loc[manifest["side"] == "L", "mirrored"].all()
    assert not manifest.loc[manifest["side"] == "R", "mirrored"].any()
    assert (summary.n_inputs, summary.n_succeeded, summary.n_failed, summary.n_skipped) == (
        7,
        2,
        3,
        2,
    )
    assert len(errors) == 5  # every file: 2 processed + 3 errors + 2 skipped = 7


def test_killed_predict_resumes_without_redoing_work(
    tmp_path: Path, fake_network: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in range(5):
        _dicom(inputs / f"{seed:03d}.dcm", seed)
    import knee_localize.predict as predict_module

    locate = predict_module.locate_knees

    def dies_on_the_fourth(localizer, radiograph, threshold=0.5):  # type: ignore[no-untyped-def]
        if len(fake_network) == 3:
            raise KeyboardInterrupt  # a kill: not an input's error, the process stops
        return locate(localizer, radiograph, threshold)

    monkeypatch.setattr(predict_module, "locate_knees", dies_on_the_fourth)
    localizer = Localizer.create(TINY)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        predict_batch(localizer, [inputs], out, roi_px=16, chunk=2)
    assert len(list((out / ".store").glob("commit-*.json"))) == 1  # the first chunk survived
    monkeypatch.setattr(predict_module, "locate_knees", locate)
    fake_network.clear()
    summary = predict_batch(localizer, [inputs], out, roi_px=16, chunk=2)
    assert summary.n_resumed == 2
    assert len(fake_network) == 3  # only the three unfinished inputs were localized again
    rois = np.load(out / "rois.npy")
    manifest = pd.read_parquet(out / "manifest.parquet")
    assert rois.shape == (10, 16, 16)
    assert list(manifest["roi_index"]) == list(range(10))
    assert manifest["image_id"].nunique() == 5
    fresh = tmp_path / "fresh"
    predict_batch(localizer, [inputs], fresh, roi_px=16, chunk=2)
    np.testing.assert_array_equal(np.load(fresh / "rois.npy"), rois)
    assert json.loads((out / "rois.json").read_text())["n_rois"] == 10
    with pytest.raises(Exception, match="other settings"):
        predict_batch(localizer, [inputs], out, roi_px=32)


def test_roi_presets_are_explicit(tmp_path: Path, fake_network: list[str]) -> None:
    assert resolve_roi_size(None, None) == (140.0, "kneel")
    assert resolve_roi_size(None, "zhang") == (205.0, "zhang")
    assert resolve_roi_size(120.0, "zhang") == (120.0, "custom")
    _dicom(tmp_path / "x.dcm")
    predict_batch(
        Localizer.create(TINY), [tmp_path / "x.dcm"], tmp_path / "o", roi_preset="zhang", roi_px=16
    )
    sidecar = json.loads((tmp_path / "o" / "rois.json").read_text())
    assert (sidecar["roi_preset"], sidecar["roi_mm"]) == ("zhang", 205.0)


def test_non_knee_dicoms_are_refused_before_the_network(
    tmp_path: Path, fake_network: list[str]
) -> None:
    for name in ("CT_small.dcm", "MR_small.dcm", "rtdose.dcm"):
        with pytest.raises(NotAKneeRadiographError, match="Modality"):
            read_radiograph(get_testdata_file(name))
    chest = _with(_dicom(tmp_path / "k.dcm"), tmp_path / "chest.dcm", BodyPartExamined="CHEST")
    with pytest.raises(NotAKneeRadiographError, match="BodyPartExamined 'CHEST'"):
        read_radiograph(chest)
    assert read_radiograph(chest, require_knee=False).pixels.shape == (96, 80)
    summary = predict_batch(
        Localizer.create(TINY), [get_testdata_file("CT_small.dcm"), chest], tmp_path / "o"
    )
    assert summary.n_failed == 2
    assert fake_network == []  # refused before the network ran


def _jpeg_lossless_sv1(image: np.ndarray, precision: int) -> bytes:
    """A minimal JPEG Lossless (process 14, selection value 1) encoder, for the decoder test only."""
    rows, cols = image.shape
    x = image.astype(np.int64)
    predicted = np.zeros_like(x)
    predicted[0, 0] = 1 << (precision - 1)
    predicted[0, 1:] = x[0, :-1]
    predicted[1:, 0] = x[:-1, 0]
    predicted[1:, 1:] = x[1:, :-1]
    diffs = (x - predicted).ravel()
    bits = []  # Huffman table: 17 categories, every code 5 bits long (code = category)
    for d in diffs:
        category = int(abs(int(d))).bit_length()
        bits.append(format(category, "05b"))
        if category:
            value = int(d) if d > 0 else int(d) + (1 << category) - 1
            bits.append(format(value, f"0{category}b"))
    stream = "".join(bits)
    stream += "1" * (-len(stream) % 8)
    data = bytearray()
    for i in range(0, len(stream), 8):
        byte = int(stream[i : i + 8], 2)
        data.append(byte)
        if byte == 0xFF:
            data.append(0x00)
    counts = [0] * 16
    counts[4] = 17
    dht = bytes([0x00, *counts, *range(17)])
    sof = bytes([precision, rows >> 8, rows & 255, cols >> 8, cols & 255, 1, 1, 0x11, 0])
    sos = bytes([1, 1, 0x00, 1, 0, 0])

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker, (len(body) + 2) >> 8, (len(body) + 2) & 255]) + body

    return (
        b"\xff\xd8"
        + segment(0xC4, dht)
        + segment(0xC3, sof)
        + segment(0xDA, sos)
        + bytes(data)
        + b"\xff\xd9"
    )


def test_compressed_transfer_syntaxes(tmp_path: Path) -> None:
    reference = pydicom.dcmread(get_testdata_file("MR_small.dcm")).pixel_array
    jpeg_ls = read_radiograph(
        get_testdata_file("MR_small_jpeg_ls_lossless.dcm"), require_knee=False
    )
    expected = read_radiograph(get_testdata_file("MR_small.dcm"), require_knee=False)
    np.testing.assert_allclose(jpeg_ls.pixels, expected.pixels, atol=1e-6)
    assert reference.shape == jpeg_ls.pixels.shape
    source = _dicom(tmp_path / "plain.dcm", 4, DicomStyle(window=False))
    plain = read_radiograph(source)
    j2k = pydicom.dcmread(source)
    j2k.compress(JPEG2000Lossless)
    j2k.save_as(tmp_path / "j2k.dcm")
    np.testing.assert_allclose(
        read_radiograph(tmp_path / "j2k.dcm").pixels, plain.pixels, atol=1e-6
    )
    # HTJ2K decoders (part 15) read part-1 codestreams: same codestream under the HTJ2K syntax
    j2k.file_meta.TransferSyntaxUID = HTJ2KLossless
    j2k.save_as(tmp_path / "htj2k.dcm")
    np.testing.assert_allclose(
        read_radiograph(tmp_path / "htj2k.dcm").pixels, plain.pixels, atol=1e-6
    )
    lossless = pydicom.dcmread(source)
    stored = lossless.pixel_array
    lossless.PixelData = pydicom.encaps.encapsulate(
        [_jpeg_lossless_sv1(stored, int(lossless.BitsStored))]
    )
    lossless.file_meta.TransferSyntaxUID = JPEGLosslessSV1
    lossless.save_as(tmp_path / "jpegll.dcm", enforce_file_format=True)
    np.testing.assert_array_equal(pydicom.dcmread(tmp_path / "jpegll.dcm").pixel_array, stored)
    np.testing.assert_allclose(
        read_radiograph(tmp_path / "jpegll.dcm").pixels, plain.pixels, atol=1e-6
    )


def test_ermf_applies_to_imager_spacing_only(tmp_path: Path) -> None:
    imager = _dicom(tmp_path / "i.dcm", style=DicomStyle(pixel_spacing=False))
    with_factor = _with(imager, tmp_path / "e.dcm", EstimatedRadiographicMagnificationFactor="1.25")
    radiograph = read_radiograph(with_factor)
    assert radiograph.spacing_source == "ImagerPixelSpacing/ERMF"
    assert radiograph.spacing_mm == pytest.approx((0.4, 0.4))
    assert read_radiograph(imager).spacing_mm == pytest.approx((0.5, 0.5))
    both = _with(
        _dicom(tmp_path / "b.dcm"),
        tmp_path / "be.dcm",
        EstimatedRadiographicMagnificationFactor="1.25",
    )
    assert read_radiograph(both).spacing_source == "PixelSpacing"  # already calibrated
    bad = _with(imager, tmp_path / "bad.dcm", EstimatedRadiographicMagnificationFactor="0.5")
    with pytest.raises(RadiographReadError, match="not a magnification"):
        read_radiograph(bad)


def _radiograph(orientation: str = "", laterality: str = "") -> Radiograph:
    return Radiograph(
        np.zeros((10, 20), np.float32),
        (1.0, 1.0),
        "given",
        "MONOCHROME2",
        laterality,
        "",
        orientation,
    )


def test_mirrored_images_and_laterality_tags(tmp_path: Path, fake_network: list[str]) -> None:
    both = [KneeBox("R", True, 0.9, (1, 1, 5, 5)), KneeBox("L", True, 0.9, (11, 1, 15, 5))]
    standard = assign_sides(both, _radiograph("L/F"))
    assert [k.side for k in standard.knees] == ["R", "L"]
    assert not standard.warnings
    mirrored = assign_sides(both, _radiograph("R/F"))
    assert [k.side for k in mirrored.knees] == ["L", "R"]
    assert mirrored.mirrored_image
    assert [roi_mirrored(k.side, True) for k in mirrored.knees] == [False, True]
    single = [KneeBox("R", False, 0.1, (1, 1, 5, 5)), KneeBox("L", True, 0.9, (11, 1, 15, 5))]
    tagged = assign_sides(single, _radiograph("", "R"))
    assert tagged.knees[1].side == "R"
    assert "disagrees" in tagged.warnings[0]
    assert "two knees" in assign_sides(both, _radiograph("", "L")).warnings[0]
    # end to end: a mirrored DICOM (PatientOrientation R\F) keeps R and L right, and says so
    flipped = pydicom.dcmread(_dicom(tmp_path / "s.dcm"))
    flipped.PixelData = np.ascontiguousarray(flipped.pixel_array[:, ::-1]).tobytes()
    flipped.PatientOrientation = ["R", "F"]
    flipped.save_as(tmp_path / "m.dcm")
    predict_batch(Localizer.create(TINY), [tmp_path / "m.dcm"], tmp_path / "o", roi_px=16)
    boxes = pd.read_csv(tmp_path / "o" / "boxes.csv")
    assert list(boxes["side"]) == ["L", "R"]
    assert list(boxes["mirrored"]) == [False, True]


def test_unknown_spacing_is_estimated_and_recorded(tmp_path: Path, fake_network: list[str]) -> None:
    path = _dicom(tmp_path / "n.dcm", style=DicomStyle(pixel_spacing=False, imager_spacing=False))
    predict_batch(Localizer.create(TINY), [path], tmp_path / "o", roi_px=16)
    boxes = pd.read_csv(tmp_path / "o" / "boxes.csv")
    # the fake knees are 0.5 x 80 px apart: 200 mm / 40 px = 5 mm per pixel
    assert set(boxes["spacing_source"]) == {"estimated"}
    assert boxes["spacing_mm"].iloc[0] == pytest.approx(5.0)
    errors = pd.read_csv(tmp_path / "o" / "errors.csv")
    assert "knee separation" in errors["reason"].iloc[0]


def test_find_inputs_ids_collide_only_when_needed(tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder / "a").mkdir(parents=True)
        (tmp_path / folder / "a" / "001.dcm").write_bytes(b"")
    items = find_inputs([tmp_path / "x", tmp_path / "y"])
    assert len({item.image_id for item in items}) == 2
    assert all(item.image_id.endswith("a/001.dcm") for item in items)


def test_an_input_failing_half_way_leaves_no_orphan_roi(
    tmp_path: Path, fake_network: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import knee_localize.roi_store as store_module

    (tmp_path / "in").mkdir()
    for seed in range(2):
        _dicom(tmp_path / "in" / f"{seed}.dcm", seed)
    real, calls = store_module.extract_roi, []

    def fails_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:  # the first input's second knee
            raise MemoryError("simulated")
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module, "extract_roi", fails_once)
    summary = predict_batch(Localizer.create(TINY), [tmp_path / "in"], tmp_path / "o", roi_px=16)
    manifest = pd.read_parquet(tmp_path / "o" / "manifest.parquet")
    assert (summary.n_succeeded, summary.n_failed) == (1, 1)
    assert list(manifest["image_id"]) == ["1.dcm", "1.dcm"]
    assert list(manifest["roi_index"]) == [0, 1]
    assert "MemoryError: simulated" in pd.read_csv(tmp_path / "o" / "errors.csv")["reason"].iloc[0]
