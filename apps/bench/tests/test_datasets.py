"""The control-experiment adapters on tiny fixtures in each release format (real column names and layouts),
and every control preset validated and its data stage run against them."""

from __future__ import annotations

import gzip
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w
from bench import load_config, profile_text
from bench.config import BenchConfig
from bench.datasets.chest import NIH_LABELS, read_chestxray14, read_chexpert
from bench.datasets.folders import mixed_corpus, nested_subsets, read_image_folder
from bench.datasets.mimic import pretraining_text, read_mimic_pairs, report_sections
from bench.datasets.stage import SCALING_FILE
from bench.datasets.stage import run as build_data
from bench.progress import LogReporter
from bench.validation import validate_config
from PIL import Image

NIH_HEADER = (
    "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,"
    "OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y]"
)
CHEXPERT_HEADER = (
    "Path,Sex,Age,Frontal/Lateral,AP/PA,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,"
    "Lung Lesion,Edema,Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,"
    "Fracture,Support Devices"
)
MIMIC_META_HEADER = (
    "dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns,StudyDate,"
    "StudyTime,ProcedureCodeSequence_CodeMeaning,ViewCodeSequence_CodeMeaning,"
    "PatientOrientationCodeSequence_CodeMeaning"
)
REPORT = (
    "                                 FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n \n INDICATION:  ___"
    " with cough.\n \n COMPARISON:  None.\n \n FINDINGS: \n \n The lungs are clear.  No pleural effusion.\n"
    " Heart size is normal.\n \n IMPRESSION: \n \n No acute cardiopulmonary process.\n"
)
WNIDS = ("n01440764", "n02102040", "n03888257")


def _image(path: Path, seed: int, size: tuple[int, int] = (40, 48), mode: str = "L") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0]), dtype=np.uint8)
    image = Image.fromarray(pixels)
    (image.convert("RGB") if mode == "RGB" else image).save(path)


def make_nih(root: Path, *, variant: str = "v2020", patients: int = 6) -> Path:
    """``Data_Entry_2017.csv`` + ``images/*.png`` + ``test_list.txt`` (every 6th patient: test)."""
    findings = [
        "No Finding",
        "Cardiomegaly|Emphysema",
        "Effusion",
        "Pleural_Thickening|Atelectasis",
    ]
    lines, names = [], []
    for patient in range(1, patients + 1):
        for follow_up in range(2):
            name = f"{patient:08d}_{follow_up:03d}.png"
            names.append(name)
            label = findings[(patient + follow_up) % len(findings)]
            if variant == "2017":
                row = (
                    f"{name},{label},{follow_up:03d},{patient:08d},058Y,M,PA,2500,2048,0.143,0.143,"
                )
            else:
                row = f"{name},{label},{follow_up},{patient},58,F,AP,2500,2048,0.14300000000000002,0.143"
            lines.append(row)
            _image(root / "images" / name, patient * 10 + follow_up)
    header = (
        NIH_HEADER.replace("Patient Gender", "Patient Sex") + ","
        if variant == "2017"
        else NIH_HEADER
    )
    newline = "\r\n" if variant == "2017" else "\n"
    (root / "Data_Entry_2017.csv").write_text(newline.join([header, *lines]) + newline)
    (root / "test_list.txt").write_text("\n".join(n for n in names if int(n[:8]) % 6 == 0) + "\n")
    return root / "Data_Entry_2017.csv"


def make_chexpert(root: Path, *, patients: int = 6, valid_patients: int = 2) -> Path:
    """``CheXpert-v1.0-small/{train,valid}.csv`` and their JPEGs (one lateral view per patient)."""
    base = root / "CheXpert-v1.0-small"
    train = []
    #               NoF  ECM  Card  LO  LL  Edema Cons Pneu  Atel  PTX  PlEff PlO Frac SD
    labels = [
        "1.0,,,,,,,,,0.0,,,,1.0",
        ",,-1.0,1.0,,-1.0,-1.0,,-1.0,,1.0,,,",
        ",,0.0,,,1.0,,,1.0,,-1.0,,,",
    ]
    for patient in range(1, patients + 1):
        for view, kind in ((1, "frontal"), (2, "lateral")):
            rel = f"CheXpert-v1.0-small/train/patient{patient:05d}/study1/view{view}_{kind}.jpg"
            side = "Frontal" if kind == "frontal" else "Lateral"
            ap = "AP" if kind == "frontal" else ""
            train.append(f"{rel},Female,68,{side},{ap},{labels[patient % 3]}")
            _image(root / rel, patient * 3 + view, mode="RGB")
    (base / "train.csv").write_text("\n".join([CHEXPERT_HEADER, *train]) + "\n")
    valid = []
    for patient in range(64541, 64541 + valid_patients):
        rel = f"CheXpert-v1.0-small/valid/patient{patient}/study1/view1_frontal.jpg"
        y = float(patient >= 64543)  # the first two as before (all 0 / 1 alike); then the other way
        valid.append(
            f"{rel},Male,70,Frontal,PA,0.0,0.0,{1 - y},0.0,0.0,{y},0.0,0.0,{1 - y},0.0,{y},0.0,0.0,0.0"
        )
        _image(root / rel, patient, mode="RGB")
    (base / "valid.csv").write_text("\n".join([CHEXPERT_HEADER, *valid]) + "\n")
    return base


def make_mimic(root: Path) -> tuple[Path, Path]:
    """``files/pXX/pSUBJECT/sSTUDY/<dicom_id>.jpg`` + ``sSTUDY.txt``, the metadata and split CSVs (gzip)."""
    meta, split = [MIMIC_META_HEADER], ["dicom_id,study_id,subject_id,split"]
    for n in range(4):
        subject, study = f"1000003{n}", f"5041426{n}"
        folder = root / "files" / f"p{subject[:2]}" / f"p{subject}"
        for view, position in enumerate(("PA", "LATERAL")):
            dicom = f"02aa804e-bde0afdd-112c0b34-7bc16630-4e38401{n}{view}"
            _image(folder / f"s{study}" / f"{dicom}.jpg", n * 2 + view)
            meaning = "postero-anterior" if position == "PA" else "lateral"
            meta.append(
                f"{dicom},{subject},{study},CHEST (PA AND LAT),{position},3056,2544,21800506,"
                f"80556.875,CHEST (PA AND LAT),{meaning},Erect"
            )
            split.append(f"{dicom},{study},{subject},{'validate' if n == 3 else 'train'}")
        text = REPORT if n != 2 else " FINAL REPORT\n INDICATION:  cough.\n \n COMPARISON:  None.\n"
        (folder / f"s{study}.txt").write_text(text.replace("cough", f"cough {n}"))
    paths = root / "mimic-cxr-2.0.0-metadata.csv.gz", root / "mimic-cxr-2.0.0-split.csv.gz"
    for path, lines in zip(paths, (meta, split), strict=True):
        with gzip.open(path, "wt") as handle:
            handle.write("\n".join(lines) + "\n")
    return paths


def make_imagenette(root: Path, *, train_per_class: int = 4) -> Path:
    """``imagenette2-160/{train,val}/<wnid>/*.JPEG`` and ``noisy_imagenette.csv``."""
    base = root / "imagenette2-160"
    rows = [
        "path,noisy_labels_0,noisy_labels_1,noisy_labels_5,noisy_labels_25,noisy_labels_50,is_valid"
    ]
    for split, count in (("train", train_per_class), ("val", 2)):
        for c, wnid in enumerate(WNIDS):
            for i in range(count):
                rel = f"{split}/{wnid}/{wnid}_{i}.JPEG"
                _image(base / rel, c * 10 + i, size=(60, 40), mode="RGB")
                rows.append(f"{rel},{wnid},{wnid},{wnid},{wnid},{wnid},{split == 'val'}")
    (base / "noisy_imagenette.csv").write_text("\n".join(rows) + "\n")
    return base


def test_chestxray14_reads_both_releases(tmp_path: Path) -> None:
    tables = {
        v: read_chestxray14(make_nih(tmp_path / v, variant=v), tmp_path / v)
        for v in ("v2020", "2017")
    }
    for table in tables.values():
        assert len(table) == 12
        assert list(table.columns[3 : 3 + len(NIH_LABELS)]) == list(NIH_LABELS)
        assert set(table.loc[table["split"] == "test", "participant_id"]) == {"6"}
        first = table.set_index("image_id").loc["00000001_000.png"]  # Cardiomegaly|Emphysema
        assert first["Cardiomegaly"] == 1.0
        assert first["Emphysema"] == 1.0
        assert first["Hernia"] == 0.0
        assert table.groupby("participant_id")["split"].nunique().max() == 1  # patient-wise
    pd.testing.assert_frame_equal(
        tables["v2020"].drop(columns=["image_path", "view"]),
        tables["2017"].drop(columns=["image_path", "view"]),
    )


def test_chexpert_uncertainty_policies(tmp_path: Path) -> None:
    base = make_chexpert(tmp_path)
    tables = {
        policy: read_chexpert(base / "train.csv", base, valid_csv=base / "valid.csv", policy=policy)
        for policy in ("ignore", "zeros", "ones", "gloria")
    }
    table = tables["ones"]
    assert len(table) == 6 + 2  # laterals dropped; valid.csv is the test split
    assert (table["split"] == "test").sum() == 2
    assert (
        table["image_id"].iloc[0] == "train/patient00001/study1/view1_frontal.jpg"
    )  # prefix stripped
    uncertain = (
        table["participant_id"] == "patient00001"
    )  # labels[1]: Cardiomegaly, Edema, Cons, Atel -1
    row = {p: t[uncertain].iloc[0] for p, t in tables.items()}
    assert np.isnan(row["ignore"]["Cardiomegaly"])
    assert row["zeros"]["Cardiomegaly"] == 0.0
    assert row["ones"]["Cardiomegaly"] == 1.0
    assert row["gloria"]["Cardiomegaly"] == 0.0
    assert row["gloria"]["Edema"] == 1.0
    assert row["gloria"]["Consolidation"] == 0.0
    assert row["ignore"]["Pleural Effusion"] == 1.0  # certain labels untouched
    blank = tables["ignore"][tables["ignore"]["participant_id"] == "patient00003"].iloc[0]
    assert blank["Edema"] == 0.0  # blank (not mentioned) is negative under every policy


def test_mimic_sections_and_pairs(tmp_path: Path) -> None:
    sections = report_sections(REPORT)
    assert sections["impression"] == "No acute cardiopulmonary process."
    assert sections["findings"].startswith("The lungs are clear.")
    assert pretraining_text(REPORT) == (
        "No acute cardiopulmonary process. The lungs are clear. No pleural effusion. Heart size is normal."
    )
    assert pretraining_text(" FINAL REPORT\n INDICATION:  cough.\n") is None
    meta, split = make_mimic(tmp_path)
    pairs, skipped = read_mimic_pairs(tmp_path, meta, split_csv=split)
    assert len(pairs) == 3  # frontal images of the 3 studies with an impression or findings
    assert skipped == {"no_image": 0, "no_report": 0, "empty_report": 1, "unreadable_report": 0}
    assert set(pairs["split"]) == {"train", "val"}
    assert all(Path(p).is_file() for p in pairs["image_path"])


def test_image_folder_nested_subsets_and_mixed_corpora(tmp_path: Path) -> None:
    table = read_image_folder(make_imagenette(tmp_path))
    assert len(table) == 18
    assert (table["split"] == "val").sum() == 6
    assert dict(zip(table["class_name"], table["label"], strict=False)) == {
        w: i for i, w in enumerate(WNIDS)
    }
    subsets = nested_subsets(len(table), [3, 6, 12], seed=1)
    assert set(subsets[3]) <= set(subsets[6]) <= set(subsets[12])
    assert not np.array_equal(nested_subsets(18, [6], seed=2)[6], subsets[6])
    mixed = mixed_corpus({"a": table.head(2), "b": table.head(3)})
    assert mixed["image_id"].is_unique
    assert list(mixed["corpus"]) == ["a"] * 2 + ["b"] * 3
    with pytest.raises(Exception, match="do not fit"):
        nested_subsets(5, [6], seed=0)


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("formats")
    make_nih(root / "nih")
    (root / "nih" / "images" / "00000001_001.png").write_bytes(b"not a png")  # reported and skipped
    make_chexpert(root / "chexpert")
    make_mimic(root / "mimic")
    make_imagenette(root / "imagenette")
    return {"root": root}


def _pointed_at_fixtures(preset: str, root: Path, folder: Path) -> Path:
    """The preset's TOML with every dataset path pointed at the fixtures and small sizes."""
    config = tomllib.loads(profile_text(preset))
    fixtures = {
        "chestxray14": {"root": "nih", "table": "nih/Data_Entry_2017.csv"},
        "chexpert": {
            "root": "chexpert/CheXpert-v1.0-small",
            "table": "chexpert/CheXpert-v1.0-small/train.csv",
            "test_table": "chexpert/CheXpert-v1.0-small/valid.csv",
        },
        "mimic_cxr": {
            "root": "mimic",
            "table": "mimic/mimic-cxr-2.0.0-metadata.csv.gz",
            "split_table": "mimic/mimic-cxr-2.0.0-split.csv.gz",
        },
        "imagefolder": {"root": "imagenette/imagenette2-160"},
    }
    for dataset in config.get("datasets", {}).values():
        dataset |= {k: str(root / v) for k, v in fixtures[dataset["kind"]].items()}
        dataset["roi_px"] = 32
    if "scaling" in config:
        config["scaling"]["sizes"] = [2, 4]
    config["runs_dir"] = str(folder / "runs")
    path = folder / f"{preset}.toml"
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    return path


def _knee_corpus(config: BenchConfig) -> None:
    """A pretraining corpus as the localize stage writes it (the run's ``knee`` scaling corpus)."""
    folder = config.run_dir / "localize"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "image_id": [f"hospital/{i}.dcm" for i in range(6)],
            "participant_id": [f"h{i // 2}" for i in range(6)],
            "side": ["R", "L"] * 3,
            "cohort": "hospital",
            "roi_index": range(6),
        }
    ).to_parquet(folder / "pretrain_corpus.parquet", index=False)


PRESETS = [
    "chest_image_ssl",
    # report-deid's scrubber loads its offline NLP engine: about 30 s on the loaded 2-core machine
    pytest.param("chest_convirt", marks=pytest.mark.slow),
    "scaling_knee",
    "scaling_imagenet",
    "imagenette_sanity",
    "mae_ratios",
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("preset", PRESETS)
def test_every_control_preset_validates_and_builds_its_data(
    preset: str, formats: dict[str, Path], tmp_path: Path
) -> None:
    config = load_config(_pointed_at_fixtures(preset, formats["root"], tmp_path))
    lines = validate_config(config)
    assert len(lines) >= 1 + len(config.datasets)
    if not config.datasets and config.scaling is None:
        assert config.sweeps is not None
        assert min(config.sweeps.mae_mask_ratios) == 0.25
        return
    if config.scaling is not None and "knee" in {*config.scaling.corpora} | {
        p for parts in config.scaling.mixed.values() for p in parts
    }:
        _knee_corpus(config)
    manifests = build_data(config, config.run_dir / "data", LogReporter())
    for name, manifest in manifests.items():
        rois = np.load(config.run_dir / "data" / name / "rois.npy", mmap_mode="r")
        assert rois.shape == (len(manifest), 32, 32)
        assert rois.dtype == np.uint8
        assert list(manifest["roi_index"]) == list(range(len(manifest)))
    if "chestxray14" in manifests:  # the corrupt PNG: reported by id, the others kept
        errors = pd.read_csv(config.run_dir / "data" / "chestxray14" / "errors.csv")
        assert list(errors["image_id"]) == ["00000001_001.png"]
        assert len(manifests["chestxray14"]) == 11
    if "mimic_cxr" in manifests:
        corpus = pd.read_parquet(config.run_dir / "data" / "mimic_cxr" / "corpus.parquet")
        assert len(corpus) == 3
        assert corpus["impression"].str.contains("acute cardiopulmonary").all()
        assert "text" not in manifests["mimic_cxr"].columns
    if config.scaling is not None:
        subsets = pd.read_parquet(config.run_dir / "data" / SCALING_FILE)
        assert set(subsets["corpus"]) == set(config.scaling.corpora)
        for (_, _), group in subsets.groupby(["corpus", "seed"]):
            small = group[group["size"] == 2][["part", "roi_index"]].apply(tuple, axis=1)
            large = group[group["size"] == 4][["part", "roi_index"]].apply(tuple, axis=1)
            assert set(small) <= set(large)
            assert len(large) == 4


def test_validate_cli_accepts_a_preset_on_fixtures(
    formats: dict[str, Path], tmp_path: Path, helpers: type
) -> None:
    path = _pointed_at_fixtures("chest_convirt", formats["root"], tmp_path)
    result = helpers.bench("validate", str(path), cwd=tmp_path)
    assert "datasets.mimic_cxr (mimic_cxr): 3 images" in result.stdout
    assert "datasets.chexpert (chexpert): 8 images" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(path.read_text().replace(str(formats["root"] / "mimic"), "/nowhere/mimic"))
    failed = helpers.bench("validate", str(bad), cwd=tmp_path, check=False)
    assert failed.returncode == 2
    assert "datasets.mimic_cxr.root" in failed.stderr


# ---------------------------------------------------------------- the presets run by `bench run`

#: What every preset's end-to-end test overrides: tiny backbones, 32 px, 1 epoch, 1 trial, 1 seed.
TINY_TRAINING = {
    "device": "cpu",
    "threads": 1,
    "pretrain": {
        "backbone": "resnet18",
        "image_size": 32,
        "epochs": 1,
        "batch_size": 8,
        "projector_dim": 32,
        "moco_queue": 32,
        "text_max_length": 16,
        "vit": {"patch_size": 8, "depth": 1, "width": 48, "heads": 3},
        "bert": {
            "hidden_size": 32,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "intermediate_size": 64,
        },
    },
    "evaluate": {
        "protocols": ["lp"],
        "seeds": [0],
        "trials": {"lp": 1, "ft": 1},
        "epochs": {"lp": [2, 2], "ft": [1, 1]},
        "image_size": 32,
        "batch_size": 8,
    },
    "reports": {"vocab_size": 120},
}


@pytest.fixture(scope="module")
def larger_formats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same formats with enough patients for every split of a downstream task."""
    root = tmp_path_factory.mktemp("larger")
    make_nih(root / "nih", patients=24)
    make_chexpert(root / "chexpert", patients=20, valid_patients=4)
    make_mimic(root / "mimic")
    make_imagenette(root / "imagenette", train_per_class=10)
    return root


def _preset_run(preset: str, root: Path, folder: Path, **changes: object) -> Path:
    """The preset on the fixtures with :data:`TINY_TRAINING` (and ``changes``) merged in."""
    path = _pointed_at_fixtures(preset, root, folder)
    config = tomllib.loads(path.read_text())
    for key, value in {**TINY_TRAINING, **changes}.items():
        if isinstance(value, dict):
            config[key] = {**config.get(key, {}), **value}
        else:
            config[key] = value
    for dataset in config.get("datasets", {}).values():
        dataset["fractions"] = [1.0]
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    return path


@pytest.mark.slow  # a real `bench run` in a subprocess: 30-60 s each on the loaded 2-core machine
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    ("preset", "task", "metric", "methods"),
    [
        ("chest_image_ssl", "chestxray14", "macro_auroc", {"random", "moco_v2", "vicreg"}),
        ("imagenette_sanity", "imagenette", "balanced_accuracy", {"random", "moco_v2"}),
    ],
)
def test_dataset_preset_runs_end_to_end(
    preset: str,
    task: str,
    metric: str,
    methods: set[str],
    larger_formats: Path,
    tmp_path: Path,
    helpers: type,
) -> None:
    changes: dict[str, object] = {}
    if preset == "imagenette_sanity":  # one method keeps it short; FT runs here
        changes = {
            "pretrain": {**TINY_TRAINING["pretrain"], "methods": ["moco_v2"]},
            "evaluate": {
                **TINY_TRAINING["evaluate"],
                "methods": ["random", "moco_v2"],
                "protocols": ["lp", "ft"],
            },
        }
    path = _preset_run(preset, larger_formats, tmp_path, **changes)
    helpers.bench("run", "--config", str(path), cwd=tmp_path)
    run = tmp_path / "runs" / preset
    results = pd.read_csv(run / "results.csv")
    assert set(results["method"]) == methods
    assert set(results["task"]) == {task}
    assert set(results["metric"]) == {metric}
    assert results["test_metric"].between(0, 1).all()
    registry = json.loads((run / "pretrain" / "encoders.json").read_text())
    assert registry["imagenet"]["available"] is False
    table = (run / "tables" / f"controls_{task}.md").read_text()
    assert "MoCo v2" in table
    assert "ImageNet" in table  # shown as not available, never faked
    if preset == "imagenette_sanity":  # the object-centric sanity check is a checked property
        assert "MoCo v2 LP beats Random LP on imagenette" in (run / "summary.md").read_text()
    if preset == "chest_image_ssl":
        rerun = helpers.bench("run", "--config", str(path), cwd=tmp_path)
        assert "pretrain: up to date" in rerun.stdout + rerun.stderr


@pytest.mark.slow  # report-deid's scrubber loads its offline NLP engine: about 30 s
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_chest_convirt_runs_end_to_end(larger_formats: Path, tmp_path: Path, helpers: type) -> None:
    path = _preset_run("chest_convirt", larger_formats, tmp_path)
    config = tomllib.loads(path.read_text())
    config["datasets"]["chexpert"]["uncertainty"] = "ignore"  # NaN labels masked by lowdata-eval
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    helpers.bench("run", "--config", str(path), cwd=tmp_path)
    run = tmp_path / "runs" / "chest_convirt"
    results = pd.read_csv(run / "results.csv")
    assert set(results["method"]) == {"random", "convirt"}
    assert set(results["metric"]) == {"macro_auroc"}
    reports = pd.read_parquet(run / "pretrain" / "convirt.reports" / "corpus.parquet")
    manifest = pd.read_parquet(run / "data" / "mimic_cxr" / "manifest.parquet")
    train = set(manifest.loc[manifest["split"] == "train", "image_id"])
    assert set(reports["image_id"]) <= train  # the vocabulary sees training reports only
    assert (run / "pretrain" / "convirt.reports" / "tokenizer" / "tokenizer.json").is_file()
    assert (run / "tables" / "controls_chexpert.md").is_file()


@pytest.mark.slow  # on a copy of the shared tiny run: pretrain (MoCo, KL Sup), 8 control encoders, LP on KL
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_knee_control_presets_run_end_to_end(
    larger_formats: Path, tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    """``scaling_imagenet`` (whose corpora include ``scaling_knee``'s) and ``mae_ratios`` in ONE tiny run.

    The run is a copy of the session's tiny run: its world, ROIs and reports are up to date and reused.
    """
    helpers.copy_run(tiny_run, tmp_path)
    config = tomllib.loads(helpers.tiny.read_text())
    imagenet = tomllib.loads(profile_text("scaling_imagenet"))
    sweep = tomllib.loads(profile_text("mae_ratios"))
    config["datasets"] = imagenet["datasets"]
    config["datasets"]["imagenet"] |= {
        "root": str(larger_formats / "imagenette" / "imagenette2-160"),
        "roi_px": 24,  # another side than the knee ROIs: resized when mixed
    }
    config["scaling"] = imagenet["scaling"] | {"sizes": [8, 16], "seeds": [1]}
    config["sweeps"] = {"mae_mask_ratios": sweep["sweeps"]["mae_mask_ratios"][:2]}
    config["pretrain"] |= {"methods": ["moco_v2"]}
    config["evaluate"] |= {
        "methods": ["random", "moco_v2"],
        "tasks": ["kl"],
        "protocols": ["lp"],
        "seeds": [0],
        "fractions": {"kl": [0.5]},
    }
    path = tmp_path / "controls.toml"
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    done = helpers.bench("run", "--config", str(path), cwd=tmp_path)
    assert "localize: up to date" in done.stdout + done.stderr
    run = tmp_path / "runs" / "tiny"
    registry = json.loads((run / "controls" / "encoders.json").read_text())
    scaled = {
        f"moco_v2.{c}.n{n}.s1" for c in ("imagenet", "knee", "knee_imagenet") for n in (8, 16)
    }
    assert set(registry) == scaled | {"mae.mask25", "mae.mask40"}
    from safetensors.numpy import load_file

    low, high = (load_file(run / registry[n]["path"]) for n in ("mae.mask25", "mae.mask40"))
    assert any(
        not np.array_equal(low[k], high[k]) for k in low
    )  # same seed and data: the ratio differs
    results = pd.read_csv(run / "results.csv")
    assert set(results["method"]) == {"random", "moco_v2", *registry}
    scaling = pd.read_csv(run / "tables" / "scaling.csv")
    assert set(scaling["corpus"]) == {"imagenet", "knee", "knee_imagenet"}
    assert set(scaling["size"]) == {8, 16}
    assert (run / "plots" / "scaling.png").is_file()
    table = (run / "tables" / "table3_kl_image_ssl.md").read_text()
    assert "mae.mask25" in table
    assert "moco_v2.knee.n8.s1" not in table  # subset encoders: the scaling plot, not the tables


def test_a_dataset_run_refuses_scaling_and_a_missing_corpus(
    formats: dict[str, Path], tmp_path: Path
) -> None:
    from bench.errors import ConfigError

    path = _pointed_at_fixtures("chest_image_ssl", formats["root"], tmp_path)
    config = tomllib.loads(path.read_text())
    scaled = config | {"scaling": {"corpora": ["chestxray14"], "sizes": [2]}}
    path.write_text(tomli_w.dumps(scaled), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[scaling\] and \[sweeps\] run on the knee"):
        validate_config(load_config(path))
    config["datasets"]["chestxray14"]["use"] = ["evaluate"]
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"no \[datasets\.\*\] has 'pretrain'"):
        validate_config(load_config(path))
    config["datasets"]["chestxray14"]["use"] = []
    path.write_text(tomli_w.dumps(config), encoding="utf-8")
    with pytest.raises(ConfigError, match="use must name pretrain"):
        load_config(path)


def test_sanity_checks_cover_natural_image_corpora() -> None:
    from bench.checks import sanity_checks

    results = pd.DataFrame(
        {
            "task": ["kl", "kl", "imagenette", "imagenette", "chestxray14", "chestxray14"],
            "method": ["random", "moco_v2"] * 3,
            "protocol": "lp",
            "metric": ["balanced_accuracy"] * 4 + ["macro_auroc"] * 2,
            "test_metric_test": [0.3, 0.4, 0.2, 0.1, 0.5, 0.6],
        }
    )
    lines = [c.line for c in sanity_checks(results)]
    assert lines == [
        "MoCo v2 LP beats Random LP on KL: passed (0.400 vs 0.300)",
        "MoCo v2 LP beats Random LP on imagenette: FAILED (0.100 vs 0.200)",
    ]
