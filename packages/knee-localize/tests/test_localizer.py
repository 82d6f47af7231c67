"""Geometry, model, checkpoints, ROIs, evaluation, training and prediction at tiny scale."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
import torch
import torchvision
from knee_localize import (
    DicomStyle,
    PhantomConfig,
    read_radiograph,
    render_radiograph,
    write_dicom,
    write_phantom_set,
)
from knee_localize.checkpoint import Localizer, LocalizerConfig
from knee_localize.cli import main
from knee_localize.errors import KneeLocalizeError
from knee_localize.evaluation import box_iou, score_localization
from knee_localize.geometry import View, square_view
from knee_localize.locate import KneeBox, locate_knees
from knee_localize.model import ResNetRegressor, load_imagenet_trunk
from knee_localize.roi_store import extract_roi
from knee_localize.train import TrainConfig, train_localizer
from safetensors.torch import save_file

TINY = LocalizerConfig(overview_px=64, refine_px=64)
SMALL = PhantomConfig(spacing_mm=(0.6, 0.7))


def test_view_round_trip_and_mirror() -> None:
    view = View(100.0, 80.0, 64.0, 32, (0.5, 0.5), mirror=True)
    x, y = view.to_source(np.array([3.0, 20.0]), np.array([5.0, 31.0]))
    u, v = view.to_view(x, y)
    np.testing.assert_allclose(u, [3.0, 20.0])
    np.testing.assert_allclose(v, [5.0, 31.0])
    box = np.array([90.0, 70.0, 110.0, 95.0])
    np.testing.assert_allclose(view.box_to_source(view.box_to_view(box)), box)
    image = np.random.default_rng(0).random((200, 200)).astype(np.float32)
    plain = square_view(image, View(99.5, 99.5, 100.0, 200, (0.5, 0.5)))
    np.testing.assert_allclose(plain, image, atol=1e-4)
    mirrored = square_view(image, View(99.5, 99.5, 100.0, 200, (0.5, 0.5), mirror=True))
    np.testing.assert_allclose(mirrored, image[:, ::-1], atol=1e-4)


def test_model_forward_backward() -> None:
    model = ResNetRegressor("resnet18", 10, 64)
    x = torch.rand(2, 1, 64, 64, requires_grad=False)
    out = model(x)
    assert out.shape == (2, 10)
    out.sum().backward()
    assert model.trunk[0].weight.grad is not None
    with pytest.raises(KneeLocalizeError, match="multiple of 32"):
        ResNetRegressor("resnet18", 4, 50)


def test_imagenet_weights_from_a_local_file(tmp_path: Path) -> None:
    reference = torchvision.models.resnet18(weights=None)
    save_file(
        {k: v.contiguous() for k, v in reference.state_dict().items()},
        str(tmp_path / "r18.safetensors"),
    )
    model = ResNetRegressor("resnet18", 4, 64)
    load_imagenet_trunk(model, tmp_path / "r18.safetensors")
    torch.testing.assert_close(
        model.trunk[0].weight, reference.conv1.weight.sum(dim=1, keepdim=True)
    )
    torch.testing.assert_close(model.trunk[4][0].conv1.weight, reference.layer1[0].conv1.weight)
    with pytest.raises(KneeLocalizeError, match="ImageNet weights not found"):
        load_imagenet_trunk(model, tmp_path / "absent.pth")


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    localizer = Localizer.create(TINY)
    localizer.metadata = {"training": {"images": 3}}
    localizer.save(tmp_path / "m.safetensors")
    loaded = Localizer.load(tmp_path / "m.safetensors")
    x = torch.rand(1, 1, 64, 64)
    localizer.overview.eval()
    loaded.overview.eval()
    torch.testing.assert_close(localizer.overview(x), loaded.overview(x))
    sidecar = json.loads((tmp_path / "m.json").read_text())
    assert sidecar["config"]["overview_px"] == 64
    assert sidecar["training"]["images"] == 3
    with pytest.raises(KneeLocalizeError, match=r"end in \.safetensors"):
        localizer.save(tmp_path / "m.pt")


def test_roi_geometry_and_mirroring() -> None:
    rng = np.random.default_rng(0)
    image = render_radiograph(rng, SMALL, kl={"R": 2, "L": 2})
    from knee_localize.dicom_io import Radiograph

    radiograph = Radiograph(image.image, (image.spacing_mm, image.spacing_mm), "given")
    box = image.box_px["L"]
    left = KneeBox("L", True, 0.9, box)
    as_right = KneeBox("R", True, 0.9, box)
    roi = extract_roi(radiograph, left, roi_mm=140.0, roi_px=64)
    np.testing.assert_array_equal(
        roi, extract_roi(radiograph, as_right, roi_mm=140.0, roi_px=64)[:, ::-1]
    )
    assert roi.dtype == np.uint8
    assert roi.shape == (64, 64)


def test_box_iou_and_scores() -> None:
    assert box_iou(np.array([0, 0, 10, 10]), np.array([0, 0, 10, 10])) == 1.0
    assert box_iou(np.array([0, 0, 10, 10]), np.array([5, 0, 15, 10])) == pytest.approx(1 / 3)
    truth = pd.Series({"present": 1, "x1": 0.0, "y1": 0.0, "x2": 10.0, "y2": 10.0})
    absent = pd.Series({"present": 0, "x1": np.nan, "y1": np.nan, "x2": np.nan, "y2": np.nan})
    rows = [
        ("a", KneeBox("R", True, 0.9, (1.0, 0.0, 11.0, 10.0)), truth, 0.5),
        ("a", KneeBox("L", False, 0.1, (0.0, 0.0, 1.0, 1.0)), absent, 0.5),
        ("b", KneeBox("R", False, 0.2, (0.0, 0.0, 1.0, 1.0)), truth, 0.5),
    ]
    scores = score_localization(rows)
    assert scores["presence_accuracy"] == pytest.approx(2 / 3)
    assert scores["median_center_error_mm"] == pytest.approx(0.5)
    assert scores["mean_iou"] == pytest.approx((9 * 10 / (200 - 90) + 0.0) / 2)
    assert scores["n_images"] == 2


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    data = tmp_path_factory.mktemp("train")
    write_phantom_set(6, 0, data, SMALL)
    localizer = train_localizer(data, TINY, TrainConfig(epochs=2, refine_epochs=2, batch_size=4))
    path = data / "model.safetensors"
    localizer.save(path)
    return path, data


def test_monochrome1_copy_gives_the_same_boxes(
    tiny_model: tuple[Path, Path], tmp_path: Path
) -> None:
    model, data = tiny_model
    localizer = Localizer.load(model)
    source = sorted(data.glob("*.dcm"))[0]
    ds = pydicom.dcmread(source)
    top = 2 ** int(ds.BitsStored) - 1
    if ds.PhotometricInterpretation == "MONOCHROME2":
        ds.PixelData = (top - ds.pixel_array).astype(np.uint16).tobytes()
        ds.PhotometricInterpretation = "MONOCHROME1"
    else:
        ds.PixelData = (top - ds.pixel_array).astype(np.uint16).tobytes()
        ds.PhotometricInterpretation = "MONOCHROME2"
    for keyword in ("WindowCenter", "WindowWidth"):
        if keyword in ds:
            delattr(ds, keyword)
    ds.save_as(tmp_path / "flipped.dcm")
    original = locate_knees(localizer, read_radiograph(source))
    flipped = locate_knees(localizer, read_radiograph(tmp_path / "flipped.dcm"))
    spacing = read_radiograph(source).spacing_mm[1]
    for a, b in zip(original, flipped, strict=True):
        assert np.hypot(a.centre[0] - b.centre[0], a.centre[1] - b.centre[1]) * spacing < 2.0


def test_predict_batch_with_bad_inputs(
    tiny_model: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, data = tiny_model
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for path in sorted(data.glob("*.dcm"))[:2]:
        (inputs / path.name).write_bytes(path.read_bytes())
    good = (inputs / sorted(data.glob("*.dcm"))[0].name).read_bytes()
    (inputs / "truncated.dcm").write_bytes(good[: len(good) // 2])
    (inputs / "notes.dat").write_text("not an image")
    (inputs / "boxes.csv").write_text("skipped when walking folders")
    ds = pydicom.dcmread(inputs / sorted(data.glob("*.dcm"))[0].name)
    del ds.PixelData
    ds.save_as(inputs / "nopixels.dcm")
    blank = render_radiograph(
        np.random.default_rng(3), SMALL, kl={"R": 0, "L": 0}, present={"R": False, "L": False}
    )
    write_dicom(
        inputs / "noknee.dcm",
        blank.image,
        blank.spacing_mm,
        DicomStyle(pixel_spacing=False, imager_spacing=False),
        "X",
    )
    import knee_localize.predict as predict_module

    real = predict_module.locate_knees

    def fake(localizer, radiograph, threshold=0.5):  # type: ignore[no-untyped-def]
        knees = real(localizer, radiograph, threshold)
        if radiograph.spacing_source in ("fallback", "estimated"):  # the no-knee image
            return [KneeBox(k.side, False, 0.01, k.box) for k in knees]
        return [KneeBox(k.side, True, 0.99, k.box) for k in knees]

    import knee_localize.spacing as spacing_module

    monkeypatch.setattr(predict_module, "locate_knees", fake)
    monkeypatch.setattr(spacing_module, "locate_knees", fake)
    out = tmp_path / "out"
    status = main(
        [
            "predict",
            str(inputs),
            "--model",
            str(model),
            "--out",
            str(out),
            "--roi-px",
            "32",
            "--qa",
            "1",
        ]
    )
    assert status == 0
    errors = pd.read_csv(out / "errors.csv")
    reasons = dict(
        zip(
            errors["input"].map(lambda p: Path(p).name) + ":" + errors["level"],
            errors["reason"],
            strict=True,
        )
    )
    assert "cannot be decoded" in reasons["truncated.dcm:error"]
    assert "not a readable DICOM" in reasons["notes.dat:error"]
    assert "not a radiograph" in reasons["boxes.csv:skipped"]
    assert "no pixel data" in reasons["nopixels.dcm:error"]
    assert "field prior" in reasons["noknee.dcm:warning"]
    assert reasons["noknee.dcm:error"] == "no knee found in the image"
    boxes = pd.read_csv(out / "boxes.csv")
    assert len(boxes) == 4
    rois = np.load(out / "rois.npy", mmap_mode="r")
    manifest = pd.read_parquet(out / "manifest.parquet")
    assert rois.shape == (4, 32, 32)
    assert rois.dtype == np.uint8
    assert list(manifest["roi_index"]) == [0, 1, 2, 3]
    assert set(manifest["side"]) == {"R", "L"}
    assert manifest["participant_id"].str.startswith("PHANTOM").all()
    sidecar = json.loads((out / "rois.json").read_text())
    assert sidecar["roi_mm"] == 140.0
    assert len(sidecar["localizer_sha256"]) == 64
    assert len(list((out / "qa").glob("*.png"))) == 1
    assert (
        main(
            [
                "predict",
                str(inputs / "notes.dat"),
                "--model",
                str(model),
                "--out",
                str(tmp_path / "o2"),
            ]
        )
        == 1
    )


def test_cli_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert (
        main(
            ["phantom", "--n", "4", "--seed", "9", "--out", str(data), "--spacing-mm", "0.6", "0.7"]
        )
        == 0
    )
    model = tmp_path / "m.safetensors"
    assert (
        main(
            [
                "train",
                "--data",
                str(data),
                "--out",
                str(model),
                "--epochs",
                "1",
                "--refine-epochs",
                "1",
                "--input-px",
                "64",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["evaluate", "--model", str(model), "--data", str(data)]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("mean_iou", "median_center_error_mm", "presence_accuracy", "n_images"):
        assert key in result
    assert result["n_images"] == 4
    assert (
        main(["evaluate", "--model", str(tmp_path / "none.safetensors"), "--data", str(data)]) == 2
    )
    # fine-tuning: --init keeps the checkpoint's settings; 0 epochs leave a network as it was
    tuned = tmp_path / "tuned.safetensors"
    args = ["train", "--data", str(data), "--out", str(tuned), "--init", str(model)]
    assert main([*args, "--epochs", "0", "--refine-epochs", "1", "--lr", "1e-4"]) == 0
    base, fine = Localizer.load(model), Localizer.load(tuned)
    assert fine.config == base.config
    for name, tensor in base.overview.state_dict().items():
        assert torch.equal(tensor, fine.overview.state_dict()[name])
    assert any(
        not torch.equal(tensor, fine.refine.state_dict()[name])
        for name, tensor in base.refine.state_dict().items()
    )
    training = json.loads(tuned.with_suffix(".json").read_text())["training"]
    assert training["init"] == str(model)
    assert training["lr"] == pytest.approx(1e-4)
    assert training["final_loss"]["overview"] is None  # not trained: 0 epochs
    assert training["init_training"]["refine_epochs"] == 1  # the base model's own record
    capsys.readouterr()
    assert main([*args, "--input-px", "96"]) == 2
    assert "fine-tuning keeps those settings" in capsys.readouterr().err
