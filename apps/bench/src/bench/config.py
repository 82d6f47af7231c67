"""The run configuration: one TOML file, validated once at the boundary with pydantic.

Every table of the file is a frozen model that forbids unknown keys, so a typo is an error that names the key
(``evaluate.trails``) rather than a setting silently ignored. Profiles shipped with the package live
in ``bench/configs/*.toml`` (``default``, ``smoke``, ``table3``, ``table6``, ``table7``);
``bench config show NAME`` prints one, and a user's own file starts from a copy.

A run uses either the synthetic world (``[world]``, the default: no data needed) or real data (``[data]``:
OAI / MOST folders, a hospital corpus). Paths are resolved relative to the config file.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bench.errors import ConfigError

#: Method names: image-only SSL, image-text SSL, and the baselines without pretraining on the corpus.
IMAGE_METHODS = ("moco_v2", "barlow_twins", "vicreg", "cnn_jepa", "mae")
TEXT_METHODS = ("convirt", "gloria")
SSL_METHODS = IMAGE_METHODS + TEXT_METHODS
BASELINES = ("random", "imagenet", "kl_sup")
ALL_METHODS = BASELINES + SSL_METHODS
TASKS = ("kl", "incidence", "progression")
PROTOCOLS = ("lp", "ft")

#: How each method is named in the tables (the paper's row labels).
DISPLAY_NAMES = {
    "random": "Random",
    "imagenet": "ImageNet",
    "kl_sup": "KL Pret (Sup)",
    "moco_v2": "MoCo v2",
    "barlow_twins": "Barlow Twins",
    "vicreg": "VICReg",
    "cnn_jepa": "CNN-JEPA",
    "mae": "MAE",
    "convirt": "ConVIRT",
    "gloria": "GLoRIA",
}


def _known_methods(value: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [m for m in value if m not in allowed]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; allowed: {list(allowed)}")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorldConfig(_Section):
    """The synthetic world used when no real data is given.

    Attributes:
        oai_participants: OAI-format cohort size (the diagnosis and prognosis cohort).
        most_participants: MOST-format cohort size (external test).
        hospital_studies: bilateral studies in the hospital pretraining corpus (one report each).
        hospital_kl: KL 0-4 distribution of the hospital corpus (the paper's: mostly KL 3).
        spacing_mm: pixel spacing range of the rendered radiographs (coarser = faster).
        localizer_phantoms: annotated phantoms the localizer is trained on.
        seed: the world's seed.
    """

    oai_participants: int = Field(400, ge=40)
    most_participants: int = Field(200, ge=20)
    hospital_studies: int = Field(400, ge=16)
    hospital_kl: tuple[float, float, float, float, float] = (0.01, 0.02, 0.03, 0.88, 0.06)
    spacing_mm: tuple[float, float] = (0.45, 0.55)
    localizer_phantoms: int = Field(60, ge=8)
    seed: int = 0

    @field_validator("hospital_kl")
    @classmethod
    def _distribution(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if min(value) < 0 or abs(sum(value) - 1.0) > 1e-6:
            raise ValueError(f"must be 5 non-negative shares summing to 1, got {list(value)}")
        return value


class DataConfig(_Section):
    """Real data (instead of the synthetic world).

    Attributes:
        oai_root: OAI release folder (KL readings, outcomes, enrollees; searched recursively).
        oai_images: OAI image release root (each visit's ``contents.csv`` and the DICOMs).
        most_root: MOST release folder.
        most_images: MOST image root and index.
        hospital_images: folder of the hospital corpus's bilateral DICOMs (searched recursively).
        hospital_reports: CSV or Parquet with one report per study.
        report_id_column: the report id column.
        report_image_column: the column naming the DICOM (path relative to ``hospital_images``).
        report_text_column: the raw report text column (scrubbed before anything else reads it).
    """

    oai_root: Path
    oai_images: Path
    most_root: Path | None = None
    most_images: Path | None = None
    hospital_images: Path
    hospital_reports: Path
    report_id_column: str = "report_id"
    report_image_column: str = "image"
    report_text_column: str = "text"


class WeightsConfig(_Section):
    """Local weights (nothing is ever downloaded).

    Attributes:
        imagenet: a torchvision ResNet state dict (``.pth`` or ``.safetensors``) or a folder holding it;
            without it the tables show ImageNet as not available.
        bert: a local Bio_ClinicalBERT folder (``config.json``, weights, ``vocab.txt``); without it the text
            encoder is a small BERT trained from scratch with a WordPiece vocabulary learnt on the corpus.
        localizer: a trained knee-localize checkpoint; without it one is trained.
        localizer_annotations: a folder with ``boxes.csv`` and radiographs to train the localizer on
            (default: knee-localize phantoms).
    """

    imagenet: Path | None = None
    bert: Path | None = None
    localizer: Path | None = None
    localizer_annotations: Path | None = None


class LocalizeConfig(_Section):
    """Localizer and ROI settings (knee-localize)."""

    backbone: Literal["resnet18", "resnet34"] = "resnet18"
    overview_px: int = Field(64, ge=32)
    refine_px: int = Field(64, ge=32)
    epochs: int = Field(40, ge=1)
    refine_epochs: int = Field(25, ge=1)
    roi_mm: float = Field(140.0, gt=0)
    roi_px: int = Field(64, ge=16)
    chunk: int = Field(64, ge=1)


class ReportsConfig(_Section):
    """De-identification and tokenization (report-deid)."""

    vocab_size: int = Field(2000, ge=100)
    max_length: int = Field(512, ge=8, le=512)


class BertShape(_Section):
    """The small BERT trained from scratch when no local BERT folder is given."""

    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 2
    intermediate_size: int = 128


class ViTShape(_Section):
    """MAE's ViT encoder (the paper: ViT-Small/16 at 224 px)."""

    patch_size: int = 8
    depth: int = 4
    width: int = 96
    heads: int = 3


class PretrainSettings(_Section):
    """Pretraining (ssl-objectives) and the supervised upper bound.

    Attributes:
        methods: which SSL methods to pretrain.
        corpus: image-only methods pretrain on the hospital ROIs plus the ROIs of these cohorts'
            participants outside every val/test split (the paper's D_img); image-text methods use the
            hospital corpus only.
        backbone: the ResNet of every knee experiment (the paper: resnet34).
        image_size: pretraining view side in pixels.
        projector_dim: Barlow Twins / VICReg expander width (official 8192).
        moco_queue: MoCo v2 queue length (official 65536).
        text_max_length: tokens per sampled sentence for ConVIRT / GLoRIA.
        supervised_epochs: epochs of the KL-supervised upper bound ("KL Pret (Sup)").
        mae_mask_ratio: MAE's share of masked patches (``[sweeps] mae_mask_ratios`` pretrains one per ratio).
    """

    methods: tuple[str, ...] = SSL_METHODS
    corpus: tuple[Literal["oai", "most"], ...] = ("oai", "most")
    backbone: Literal["resnet18", "resnet34", "resnet50"] = "resnet18"
    image_size: int = Field(48, ge=16)
    epochs: int = Field(4, ge=1)
    batch_size: int = Field(32, ge=2)
    projector_dim: int = Field(512, ge=8)
    moco_queue: int = Field(1024, ge=16)
    jepa_cell: int = Field(8, ge=2)
    vit: ViTShape = ViTShape()
    bert: BertShape = BertShape()
    text_max_length: int = Field(48, ge=8, le=512)
    supervised_epochs: int = Field(6, ge=1)
    mae_mask_ratio: float = Field(0.75, gt=0, lt=1)

    @field_validator("methods")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known_methods(value, SSL_METHODS)


class EvaluateConfig(_Section):
    """The low-data protocol (lowdata-eval).

    Attributes:
        methods: encoders evaluated (baselines and pretrained methods).
        tasks: ``kl`` (balanced accuracy), ``incidence`` and ``progression`` (AUROC).
        protocols: ``lp`` (linear probe on frozen features) and ``ft`` (full fine-tuning).
        fractions: label fractions per task (of BOTH the training and the validation pool).
        seeds: subsampling seeds, the same for every method (paired design).
        trials: Optuna trials per study and protocol.
        epochs: the searched epoch range per protocol.
        image_size: fine-tuning crop side in pixels.
        batch_size: fine-tuning batch size.
        horizon_months: prognosis horizon per cohort (MOST has no 48-month visit: 60).
    """

    methods: tuple[str, ...] = ALL_METHODS
    tasks: tuple[Literal["kl", "incidence", "progression"], ...] = TASKS
    protocols: tuple[Literal["lp", "ft"], ...] = PROTOCOLS
    fractions: dict[str, tuple[float, ...]] = {
        "kl": (0.1, 0.3),
        "incidence": (0.25, 0.5),
        "progression": (0.25, 0.5),
    }
    seeds: tuple[int, ...] = (0, 1)
    trials: dict[str, int] = {"lp": 6, "ft": 2}
    epochs: dict[str, tuple[int, int]] = {"lp": (5, 20), "ft": (1, 3)}
    image_size: int = Field(48, ge=16)
    batch_size: int = Field(32, ge=2)
    horizon_months: dict[str, int] = {"oai": 48, "most": 60}

    @field_validator("methods")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known_methods(value, ALL_METHODS)

    @field_validator("fractions")
    @classmethod
    def _fractions(cls, value: dict[str, tuple[float, ...]]) -> dict[str, tuple[float, ...]]:
        for task, fractions in value.items():
            if task not in TASKS:
                raise ValueError(f"unknown task {task!r}; allowed: {list(TASKS)}")
            if not fractions or any(not 0 < f <= 1 for f in fractions):
                raise ValueError(f"{task}: fractions must be in (0, 1], got {list(fractions)}")
        return value

    @field_validator("trials")
    @classmethod
    def _trials(cls, value: dict[str, int]) -> dict[str, int]:
        for protocol, n in value.items():
            if protocol not in PROTOCOLS or n < 1:
                raise ValueError(f"needs 'lp' / 'ft' keys with at least 1 trial, got {value}")
        return value

    @model_validator(mode="after")
    def _every_task_has_fractions(self) -> EvaluateConfig:
        missing = [t for t in self.tasks if t not in self.fractions]
        if missing:
            raise ValueError(f"fractions has no entry for task(s) {missing}")
        missing = [p for p in self.protocols if p not in self.trials or p not in self.epochs]
        if missing:
            raise ValueError(f"trials / epochs have no entry for protocol(s) {missing}")
        return self


DATASET_KINDS = ("chestxray14", "chexpert", "mimic_cxr", "imagefolder")


class DatasetConfig(_Section):
    """A corpus in its release format (``bench data`` turns it into an ROI store; see ``bench.datasets``).

    Attributes:
        kind: ``chestxray14`` (NIH), ``chexpert``, ``mimic_cxr`` (image-report pairs) or ``imagefolder``.
        root: the image root (ChestX-ray14: holds ``images/`` or ``images_*/images/``; CheXpert: the folder
            the ``Path`` column is relative to; MIMIC-CXR: holds ``files/``; ImageFolder: the tree).
        table: ChestX-ray14 ``Data_Entry_2017.csv``; CheXpert ``train.csv``; MIMIC-CXR the metadata CSV.
        test_table: CheXpert ``valid.csv`` (the test split).
        split_table: MIMIC-CXR ``mimic-cxr-2.0.0-split.csv``.
        uncertainty: CheXpert's policy for uncertain labels: ignore (masked), zeros, ones, gloria.
        frontal_only: CheXpert / MIMIC-CXR: frontal views only.
        roi_px: side of the stored grey images.
        use: what ``bench run`` does with the corpus: ``pretrain`` (the SSL methods pretrain on its training
            split) and / or ``evaluate`` (its labels are a downstream task under the low-data protocol).
            Default by kind: ChestX-ray14 and ImageFolder both, CheXpert evaluate, MIMIC-CXR pretrain.
        fractions: label fractions of the downstream task (of BOTH the training and validation pools).
    """

    kind: Literal["chestxray14", "chexpert", "mimic_cxr", "imagefolder"]
    root: Path
    table: Path | None = None
    test_table: Path | None = None
    split_table: Path | None = None
    uncertainty: Literal["ignore", "zeros", "ones", "gloria"] = "ones"
    frontal_only: bool = True
    roi_px: int = Field(256, ge=16)
    use: tuple[Literal["pretrain", "evaluate"], ...] | None = None
    fractions: tuple[float, ...] = (0.01, 0.1, 1.0)

    @model_validator(mode="after")
    def _table_given(self) -> DatasetConfig:
        if self.kind != "imagefolder" and self.table is None:
            raise ValueError(f"a {self.kind} dataset needs 'table' (its label / metadata CSV)")
        if self.kind == "mimic_cxr" and "evaluate" in self.roles:
            raise ValueError("a mimic_cxr dataset has no labels here: use = ['pretrain']")
        if not self.roles or any(not 0 < f <= 1 for f in self.fractions) or not self.fractions:
            raise ValueError(
                f"use must name pretrain and / or evaluate, fractions be in (0, 1]: "
                f"got use {self.use}, fractions {list(self.fractions)}"
            )
        return self

    @property
    def roles(self) -> tuple[str, ...]:
        """``use``, or the kind's default (see the class docstring)."""
        if self.use is not None:
            return self.use
        return {
            "chestxray14": ("pretrain", "evaluate"),
            "chexpert": ("evaluate",),
            "mimic_cxr": ("pretrain",),
            "imagefolder": ("pretrain", "evaluate"),
        }[self.kind]


class ScalingConfig(_Section):
    """Pretraining-scale and domain controls: nested random subsets of corpora.

    Attributes:
        corpora: names of ``[datasets.*]`` entries, of ``mixed`` entries, or ``knee`` (the run's own
            pretraining corpus).
        mixed: a corpus made of several (name -> the names of its parts).
        sizes: subset sizes; each size's subset contains every smaller one (one permutation per seed).
        seeds: one permutation (and one pretraining) per seed; the scaling plot shows mean and SD over them.
    """

    corpora: tuple[str, ...]
    mixed: dict[str, tuple[str, ...]] = {}
    sizes: tuple[int, ...]
    seeds: tuple[int, ...] = (0,)

    @field_validator("sizes")
    @classmethod
    def _sizes(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or min(value) < 1 or list(value) != sorted(set(value)):
            raise ValueError(f"must be increasing positive sizes, got {list(value)}")
        return value


class SweepConfig(_Section):
    """Hyperparameter sweeps of the paper's controls.

    Attributes:
        mae_mask_ratios: MAE mask ratios to pretrain (the paper: 0.25-0.75).
    """

    mae_mask_ratios: tuple[float, ...] = ()

    @field_validator("mae_mask_ratios")
    @classmethod
    def _ratios(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(not 0 < r < 1 for r in value):
            raise ValueError(f"mask ratios must be in (0, 1), got {list(value)}")
        return value


class BenchConfig(_Section):
    """A whole run.

    Attributes:
        name: the run name: outputs go to ``<runs_dir>/<name>/``.
        runs_dir: where runs live.
        device: ``cpu``, ``cuda`` or ``auto``.
        threads: torch intra-op threads on the CPU (0: one per core, at most 4).
        world_size: processes of each SSL pretraining; above 1 ``bench run`` launches
            ``torchrun --standalone --nproc-per-node world_size -m bench pretrain`` per method (DDP, one
            node). An execution setting like ``device``: not part of any stage hash, since the DDP step
            equals the single-process step on the global batch.
        splits: OAI train / val / test participant fractions.
        world: the synthetic world (used when ``data`` is absent).
        data: real data.
    """

    name: str = "default"
    runs_dir: Path = Path("runs")
    device: Literal["cpu", "cuda", "auto"] = "auto"
    threads: int = Field(0, ge=0)
    world_size: int = Field(1, ge=1)
    seed: int = 0
    splits: tuple[float, float, float] = (0.6, 0.2, 0.2)
    world: WorldConfig = WorldConfig()
    data: DataConfig | None = None
    weights: WeightsConfig = WeightsConfig()
    localize: LocalizeConfig = LocalizeConfig()
    reports: ReportsConfig = ReportsConfig()
    pretrain: PretrainSettings = PretrainSettings()
    evaluate: EvaluateConfig = EvaluateConfig()
    datasets: dict[str, DatasetConfig] = {}
    scaling: ScalingConfig | None = None
    sweeps: SweepConfig | None = None

    @model_validator(mode="after")
    def _scaling_names_known(self) -> BenchConfig:
        if self.scaling is None:
            return self
        known = {"knee", *self.datasets}
        bad = {n: p for n, parts in self.scaling.mixed.items() for p in parts if p not in known}
        if bad:
            raise ValueError(f"scaling.mixed parts {bad} are not datasets; known: {sorted(known)}")
        unknown = [c for c in self.scaling.corpora if c not in known | set(self.scaling.mixed)]
        if unknown:
            raise ValueError(
                f"scaling.corpora {unknown} name no dataset or mixed corpus; known: "
                f"{sorted(known | set(self.scaling.mixed))}"
            )
        return self

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value or any(c in value for c in "/\\ ") or value.startswith("."):
            raise ValueError(
                f"must be a plain folder name (no '/', spaces or leading '.'), got {value!r}"
            )
        return value

    @property
    def run_dir(self) -> Path:
        """``runs_dir / name``, absolute (a relative ``runs_dir`` is taken from the working directory)."""
        return (self.runs_dir / self.name).resolve()

    def section_hash(self, *sections: str) -> str:
        """SHA-256 of the named sections' settings (the done-markers' parameter part)."""
        dumped = self.model_dump(mode="json")
        payload = json.dumps({s: dumped.get(s) for s in sections}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def to_toml(self) -> str:
        """The resolved config as TOML (``None`` values left out)."""
        return tomli_w.dumps(_drop_none(self.model_dump(mode="json")))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


def profile_names() -> list[str]:
    """Names of the configs shipped in ``bench/configs``."""
    folder = resources.files("bench") / "configs"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def profile_text(name: str) -> str:
    """The TOML text of a shipped profile."""
    if name not in profile_names():
        raise ConfigError(f"no built-in config {name!r}; available: {', '.join(profile_names())}")
    return (resources.files("bench") / "configs" / f"{name}.toml").read_text(encoding="utf-8")


def load_config(
    path: Path | None = None, profile: str | None = None, overrides: dict[str, Any] | None = None
) -> BenchConfig:
    """Read a config file (or a built-in profile; ``default`` when neither is given) and validate it.

    Relative paths inside a file are resolved against the file's folder.

    Raises:
        ConfigError: unreadable TOML, an unknown key, or a value outside what is allowed (the message
            names the key, the value and what is allowed).
    """
    if path is not None and profile is not None:
        raise ConfigError("give either --config FILE or --profile NAME, not both")
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"config file {path} not found")
        text, base, source = path.read_text(encoding="utf-8"), path.parent, str(path)
    else:
        name = profile or "default"
        text, base, source = profile_text(name), None, f"built-in config {name!r}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    raw = _merge(raw, overrides or {})
    try:
        config = BenchConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: " + _explain(exc)) from exc
    return _resolve_paths(config, base) if base is not None else config


def _merge(raw: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(raw)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _explain(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            lines.append(
                f"unknown key {key!r} (check the spelling; `bench config show default` lists them)"
            )
        else:
            lines.append(f"{key} = {error.get('input')!r}: {error['msg']}")
    return "; ".join(lines)


def _resolve_paths(config: BenchConfig, base: Path) -> BenchConfig:
    def resolve(value: Path | None) -> Path | None:
        return value if value is None or value.is_absolute() else (base / value).resolve()

    updates: dict[str, Any] = {"runs_dir": resolve(config.runs_dir)}
    updates["weights"] = config.weights.model_copy(
        update={k: resolve(v) for k, v in config.weights.model_dump().items()}
    )
    if config.datasets:
        updates["datasets"] = {
            name: dataset.model_copy(
                update={
                    k: resolve(v) for k, v in dataset.model_dump().items() if isinstance(v, Path)
                }
            )
            for name, dataset in config.datasets.items()
        }
    if config.data is not None:
        updates["data"] = config.data.model_copy(
            update={
                k: resolve(v) if isinstance(v, Path) else v
                for k, v in config.data.model_dump().items()
            }
        )
    return config.model_copy(update=updates)
