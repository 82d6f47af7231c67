"""``bench validate``: check a config and what it points at in well under a minute, training nothing.

Checks: the config itself (pydantic, already done when it loaded); every referenced folder and file exists;
the OAI / MOST tables read (oa-tasks' strict readers) and their image indexes link at least one label row;
one DICOM per image source decodes; the report table has its columns; local weights load (ImageNet ResNet
state dict, BERT folder, localizer checkpoint).
"""

from __future__ import annotations

from pathlib import Path

from bench.config import BenchConfig
from bench.errors import ConfigError, DataError


def validate_config(config: BenchConfig) -> list[str]:
    """Return one line per passed check; raise on the first failure (naming the key or file)."""
    lines = [f"config {config.name!r}: keys and values are valid"]
    lines += _weights(config)
    if config.datasets or config.scaling is not None:
        from bench.controls import check_dataset_run, evaluates_datasets
        from bench.datasets.stage import validate_datasets

        if evaluates_datasets(config):
            check_dataset_run(config)
            return [*lines, *validate_datasets(config), "a dataset run: the knee world is not used"]

        lines += validate_datasets(config)
    if config.data is None:
        lines.append("data: none given, the synthetic world will be used")
        return lines
    lines += _data(config)
    return lines


def _weights(config: BenchConfig) -> list[str]:
    lines = []
    weights = config.weights
    if weights.imagenet is not None:
        from ssl_objectives import build_backbone

        try:
            build_backbone(config.pretrain.backbone, weights=weights.imagenet)
        except Exception as exc:
            raise ConfigError(f"weights.imagenet = {str(weights.imagenet)!r}: {exc}") from exc
        lines.append(f"weights.imagenet: {config.pretrain.backbone} weights load")
    if weights.bert is not None:
        if not (Path(weights.bert) / "config.json").is_file():
            raise ConfigError(
                f"weights.bert = {str(weights.bert)!r}: no config.json (give a local Bio_ClinicalBERT folder)"
            )
        lines.append("weights.bert: a BERT folder with config.json")
    if weights.localizer is not None:
        from knee_localize import Localizer

        try:
            Localizer.load(weights.localizer)
        except Exception as exc:
            raise ConfigError(f"weights.localizer = {str(weights.localizer)!r}: {exc}") from exc
        lines.append("weights.localizer: checkpoint loads")
    if weights.localizer_annotations is not None:
        boxes = Path(weights.localizer_annotations) / "boxes.csv"
        if not boxes.is_file():
            raise ConfigError(f"weights.localizer_annotations: {boxes} not found")
        lines.append("weights.localizer_annotations: boxes.csv present")
    return lines


def _data(config: BenchConfig) -> list[str]:
    from knee_localize import read_radiograph
    from oa_tasks import attach_image_paths, build_labels, read_cohort, read_image_index

    from bench.world import read_report_table

    data = config.data
    assert data is not None
    lines = []
    sources = [("oai", data.oai_root, data.oai_images)]
    if data.most_root is not None and data.most_images is not None:
        sources.append(("most", data.most_root, data.most_images))
    for cohort, root, images in sources:
        for key, path in ((f"data.{cohort}_root", root), (f"data.{cohort}_images", images)):
            if not Path(path).is_dir():
                raise DataError(f"{key} = {str(path)!r}: folder not found")
        try:
            cohort_data = read_cohort(cohort, root)
            labels = build_labels(cohort_data, "kl").labels
            index = read_image_index(cohort, images)
            linked, report = attach_image_paths(labels, index, images, check_exists=True)
        except Exception as exc:
            raise DataError(f"data.{cohort}_root / data.{cohort}_images: {exc}") from exc
        if report.n_linked == 0:
            raise DataError(
                f"data.{cohort}_images: no KL label row links to an existing radiograph"
            )
        sample = Path(str(linked["image_path"].dropna().iloc[0]))
        read_radiograph(sample)
        lines.append(
            f"{cohort}: {len(labels)} KL rows, {report.n_linked} linked to radiographs "
            f"({report.n_missing} missing); a sample DICOM decodes"
        )
    table = read_report_table(data.hospital_reports)
    for key in ("report_id_column", "report_image_column", "report_text_column"):
        column = getattr(data, key)
        if column not in table.columns:
            raise DataError(f"data.{key} = {column!r}: not a column of {data.hospital_reports}")
    if not Path(data.hospital_images).is_dir():
        raise DataError(f"data.hospital_images = {str(data.hospital_images)!r}: folder not found")
    first = Path(data.hospital_images) / str(table[data.report_image_column].iloc[0])
    if not first.is_file():
        raise DataError(
            f"data.report_image_column: the first report's image {first} does not exist"
        )
    read_radiograph(first)
    lines.append(f"hospital: {len(table)} reports; the first report's DICOM decodes")
    return lines
