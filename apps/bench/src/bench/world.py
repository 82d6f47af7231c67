"""Stage 1, ``world``: the cohorts, their labels and splits, and the radiographs and reports to use.

Synthetic world (the default): oa-tasks writes an OAI-format and a MOST-format cohort in the real file
formats (tables, image indexes); this stage reads them back like real releases, draws ONE participant split
per cohort (OAI stratified train / val / test; MOST whole as the external test), builds the KL, incidence and
progression labels on those splits, links each label row to its visit's bilateral radiograph, and renders
a knee-localize phantom DICOM at every linked path, each knee drawn from its true KL grade and latent risk.
The hospital corpus is skewed like the paper's (``world.hospital_kl``, mostly KL 3): one bilateral DICOM and
one report-deid report (with PHI, as a hospital export would hold) per study.

Real data (``[data]``): the same steps on the user's OAI / MOST folders and hospital export, nothing rendered.

Outputs (``world/``): ``labels/<cohort>_<task>.parquet`` (the labels contract with ``image_path``),
``splits_<cohort>.csv``, ``excluded_participants.csv``, ``radiographs.parquet`` (every radiograph to
localize: ``path, cohort, participant_id, visit_month``), ``hospital/reports_raw.jsonl`` (synthetic input
reports), ``truth.parquet`` (synthetic only: the TRUE KL of every knee of every radiograph, for checks no real
study can make), ``cohort_tables/`` and ``image_links.csv``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench.config import TASKS, BenchConfig
from bench.errors import DataError
from bench.progress import Reporter

COHORTS = ("oai", "most")
SIDES = ("R", "L")


@dataclass(frozen=True)
class WorldOutputs:
    """Paths of the world stage's outputs."""

    folder: Path

    def labels(self, cohort: str, task: str) -> Path:
        """The labels table of one cohort and task."""
        return self.folder / "labels" / f"{cohort}_{task}.parquet"

    @property
    def radiographs(self) -> Path:
        """Every radiograph to localize."""
        return self.folder / "radiographs.parquet"

    @property
    def excluded(self) -> Path:
        """Participants of any val/test split (the pretraining filter)."""
        return self.folder / "excluded_participants.csv"

    @property
    def reports(self) -> Path:
        """The hospital reports as exported (raw; read only by the reports stage)."""
        return self.folder / "hospital" / "reports_raw.jsonl"

    @property
    def truth(self) -> Path:
        """Synthetic only: the true KL of every knee of every radiograph."""
        return self.folder / "truth.parquet"

    @property
    def cohort_tables(self) -> Path:
        """The paper's Tables 1-2 for each cohort and prognostic task."""
        return self.folder / "cohort_tables"

    def image_id(self, path: str | Path) -> str:
        """A radiograph's id: its path relative to the world folder (absolute when outside it).

        Relative ids keep a run folder movable: every path the world writes is stored this way.
        """
        path = Path(path)
        if not path.is_absolute():
            return path.as_posix()
        try:
            return path.resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return str(path.resolve())

    def resolve(self, path: str | Path) -> Path:
        """The file behind a stored path (relative ones are under the world folder)."""
        path = Path(path)
        return path if path.is_absolute() else self.folder / path


def run(config: BenchConfig, folder: Path, reporter: Reporter) -> WorldOutputs:
    """Build the world (synthetic) or read the user's data into the same outputs."""
    out = WorldOutputs(Path(folder).resolve())
    folder.mkdir(parents=True, exist_ok=True)
    if config.data is None:
        _synthetic(config, out, reporter)
    else:
        _real(config, out, reporter)
    return out


def _synthetic(config: BenchConfig, out: WorldOutputs, reporter: Reporter) -> None:
    from oa_tasks import write_synthetic_cohort

    world = config.world
    sizes = {"oai": world.oai_participants, "most": world.most_participants}
    for index, cohort in enumerate(COHORTS):
        write_synthetic_cohort(cohort, sizes[cohort], world.seed + index, out.folder / cohort)
    roots = {c: (out.folder / c, out.folder / c / "images") for c in COHORTS}
    radiographs = _labels_and_links(config, out, roots, reporter)
    truth = _render_cohort_radiographs(config, out, radiographs, reporter)
    hospital, hospital_truth = _synthetic_hospital(config, out, reporter)
    pd.concat([radiographs, hospital], ignore_index=True).to_parquet(out.radiographs, index=False)
    pd.concat([truth, hospital_truth], ignore_index=True).to_parquet(out.truth, index=False)


def _real(config: BenchConfig, out: WorldOutputs, reporter: Reporter) -> None:
    data = config.data
    assert data is not None
    roots = {"oai": (data.oai_root, data.oai_images)}
    if data.most_root is not None and data.most_images is not None:
        roots["most"] = (data.most_root, data.most_images)
    radiographs = _labels_and_links(config, out, roots, reporter)
    radiographs = radiographs[radiographs["path"].map(lambda p: out.resolve(p).is_file())]
    hospital = _real_hospital(config, out)
    pd.concat([radiographs, hospital], ignore_index=True).to_parquet(out.radiographs, index=False)


def _labels_and_links(
    config: BenchConfig,
    out: WorldOutputs,
    roots: dict[str, tuple[Path, Path]],
    reporter: Reporter,
) -> pd.DataFrame:
    """Read each cohort, split it once, build every task's labels with image paths; return the radiographs."""
    from oa_tasks import (
        LabelConfig,
        attach_image_paths,
        build_labels,
        cohort_splits,
        cohort_summary,
        exclusion_list,
        read_cohort,
        read_image_index,
        write_cohort_table,
    )

    reporter.start("world-labels", "world: labels", len(roots) * len(TASKS))
    splits_all, radiographs, links = [], [], []
    for cohort, (root, images) in roots.items():
        data = read_cohort(cohort, root)
        splits = cohort_splits(
            data, fractions=config.splits, seed=config.seed, external_test=cohort != "oai"
        )
        splits.to_csv(out.folder / f"splits_{cohort}.csv", index=False)
        splits_all.append(splits)
        index = read_image_index(cohort, images)
        horizon = config.evaluate.horizon_months.get(cohort, 48)
        for task in TASKS:
            result = build_labels(data, task, LabelConfig(horizon_months=horizon), splits=splits)
            linked, report = attach_image_paths(
                result.labels, index, images, check_exists=config.data is not None
            )
            links.append(
                {
                    "cohort": cohort,
                    "task": task,
                    "linked": report.n_linked,
                    "missing": report.n_missing,
                }
            )
            linked = linked.assign(
                cohort=cohort,
                image_path=[p if pd.isna(p) else out.image_id(p) for p in linked["image_path"]],
            )
            path = out.labels(cohort, task)
            path.parent.mkdir(parents=True, exist_ok=True)
            linked.to_parquet(path, index=False)
            with_image = linked.dropna(subset=["image_path"])
            month = "baseline_visit_month" if "baseline_visit_month" in linked else "visit_month"
            radiographs.append(
                pd.DataFrame(
                    {
                        "path": with_image["image_path"].astype(str),
                        "cohort": cohort,
                        "participant_id": with_image["participant_id"].astype(str),
                        "visit_month": with_image[month].astype(int),
                    }
                )
            )
            if task != "kl":
                write_cohort_table(
                    cohort_summary(linked, data.demographics),
                    out.cohort_tables / f"{cohort}_{task}.md",
                    title=f"{cohort.upper()} {task} cohort ({horizon}-month horizon)",
                )
            reporter.advance("world-labels", detail=f"{cohort} {task}: {len(linked)} knees")
    exclusion_list(splits_all).to_csv(out.excluded, index=False)
    pd.DataFrame(links).to_csv(out.folder / "image_links.csv", index=False)
    reporter.finish("world-labels")
    return pd.concat(radiographs, ignore_index=True).drop_duplicates("path", ignore_index=True)


def _render_cohort_radiographs(
    config: BenchConfig, out: WorldOutputs, radiographs: pd.DataFrame, reporter: Reporter
) -> pd.DataFrame:
    """Render a phantom DICOM at every linked path from each knee's true KL and latent risk."""
    from knee_localize import DicomStyle, PhantomConfig, render_radiograph, write_dicom

    truths = []
    for cohort in COHORTS:
        truth = pd.read_csv(out.folder / cohort / "synth_truth.csv", dtype={"participant_id": str})
        truths.append(truth.assign(cohort=cohort))
    truth = pd.concat(truths, ignore_index=True).set_index(["cohort", "participant_id", "side"])
    phantom = PhantomConfig(spacing_mm=config.world.spacing_mm, single_knee_share=0.0)
    rng = np.random.default_rng(config.world.seed + 17)
    reporter.start("world-render", "world: render radiographs", len(radiographs))
    rows = []
    for item in radiographs.itertuples(index=False):
        kl, risk, implant = {}, {}, {}
        for side in SIDES:
            knee = truth.loc[(item.cohort, item.participant_id, side)]
            kl[side] = int(knee["baseline_kl_true"])
            risk[side] = float(knee["latent_risk"])
            implant[side] = bool(knee["replacement_month"] <= item.visit_month)
            rows.append(
                {
                    "path": item.path,
                    "cohort": item.cohort,
                    "participant_id": item.participant_id,
                    "side": side,
                    "kl_true": kl[side],
                    "risk": risk[side],
                }
            )
        path = out.resolve(item.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        image = render_radiograph(rng, phantom, kl, risk, None, implant)
        write_dicom(
            path, image.image, image.spacing_mm, DicomStyle.random(rng), item.participant_id
        )
        reporter.advance("world-render", detail=item.cohort)
    reporter.finish("world-render")
    return pd.DataFrame(rows)


def _synthetic_hospital(
    config: BenchConfig, out: WorldOutputs, reporter: Reporter
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The skewed hospital corpus: one bilateral DICOM and one report per study."""
    from knee_localize import DicomStyle, PhantomConfig, render_radiograph, write_dicom
    from report_deid import synth_reports

    world = config.world
    rng = np.random.default_rng(world.seed + 29)
    n = world.hospital_studies
    grades = rng.choice(5, size=n, p=list(world.hospital_kl))
    reports = list(synth_reports(n, world.seed + 31, kl=grades.tolist()))
    folder = out.folder / "hospital"
    (folder / "images").mkdir(parents=True, exist_ok=True)
    phantom = PhantomConfig(spacing_mm=world.spacing_mm, single_knee_share=0.0)
    reporter.start("world-hospital", "world: hospital corpus", n)
    images, truth, records = [], [], []
    for index, report in enumerate(reports):
        reported = str(report["side"])
        grade = int(report["kl"])
        other = int(rng.choice(5, p=list(world.hospital_kl)))  # the unreported knee: same skew
        kl = {side: grade if side == reported else other for side in SIDES}
        risk = {side: float(rng.normal(0.5 * (kl[side] - 2), 1.0)) for side in SIDES}
        implant = {side: kl[side] == 4 and rng.random() < 0.1 for side in SIDES}
        participant = f"HOSP{world.seed:02d}{index:06d}"
        path = folder / "images" / f"{participant}.dcm"
        image = render_radiograph(rng, phantom, kl, risk, None, implant)
        write_dicom(path, image.image, image.spacing_mm, DicomStyle.random(rng), participant)
        images.append(
            {
                "path": str(path),
                "cohort": "hospital",
                "participant_id": participant,
                "visit_month": 0,
            }
        )
        truth.extend(
            {
                "path": out.image_id(path),
                "cohort": "hospital",
                "participant_id": participant,
                "side": side,
                "kl_true": kl[side],
                "risk": risk[side],
            }
            for side in SIDES
        )
        records.append(
            {"report_id": str(report["id"]), "path": out.image_id(path), "text": report["text"]}
        )
        reporter.advance("world-hospital")
    with out.reports.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    reporter.finish("world-hospital")
    return pd.DataFrame(images), pd.DataFrame(truth)


def _real_hospital(config: BenchConfig, out: WorldOutputs) -> pd.DataFrame:
    """The user's hospital export: the report table pairs each report with a DICOM of the image folder."""
    data = config.data
    assert data is not None
    table = read_report_table(data.hospital_reports)
    for column in (data.report_id_column, data.report_image_column, data.report_text_column):
        if column not in table.columns:
            raise DataError(
                f"{data.hospital_reports}: no column {column!r} (set data.report_*_column in the config)"
            )
    out.reports.parent.mkdir(parents=True, exist_ok=True)
    images = []
    with out.reports.open("w", encoding="utf-8") as handle:
        for row in table.itertuples(index=False):
            record = row._asdict()
            image = str(record[data.report_image_column])
            path = data.hospital_images / image
            if not path.is_file():
                continue
            handle.write(
                json.dumps(
                    {
                        "report_id": str(record[data.report_id_column]),
                        "path": str(path),
                        "text": record[data.report_text_column],
                    }
                )
                + "\n"
            )
            images.append(
                {"path": str(path), "cohort": "hospital", "participant_id": "", "visit_month": 0}
            )
    if not images:
        raise DataError(
            f"none of the images named in {data.hospital_reports} exist under {data.hospital_images}"
        )
    return pd.DataFrame(images).drop_duplicates("path", ignore_index=True)


def read_report_table(path: Path) -> pd.DataFrame:
    """A report export as CSV or Parquet."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"report table {path} not found")
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    raise DataError(f"{path}: report tables must be .csv or .parquet")
