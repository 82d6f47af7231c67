"""The real-data path: OAI / MOST releases and a hospital export in their real formats (here: the files the
tiny run's synthetic world wrote, which follow those formats), read through ``[data]``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from bench import load_config
from bench import world as world_stage
from bench.progress import LogReporter

pytestmark = pytest.mark.slow  # a whole pipeline run (the session's tiny run)


def _real_config(tiny_run: Path, folder: Path, tiny: Path) -> Path:
    world = tiny_run / "world"
    records = [json.loads(line) for line in (world / "hospital" / "reports_raw.jsonl").open()]
    table = pd.DataFrame(
        {
            "accession": [r["report_id"] for r in records],
            "file": [Path(r["path"]).name for r in records],
            "report": [r["text"] for r in records],
        }
    )
    table.to_csv(folder / "reports.csv", index=False)
    path = folder / "real.toml"
    path.write_text(
        tiny.read_text().replace('name = "tiny"', 'name = "real"')
        + f'\n[data]\noai_root = "{world / "oai"}"\noai_images = "{world / "oai" / "images"}"\n'
        f'most_root = "{world / "most"}"\nmost_images = "{world / "most" / "images"}"\n'
        f'hospital_images = "{world / "hospital" / "images"}"\nhospital_reports = "reports.csv"\n'
        'report_id_column = "accession"\nreport_image_column = "file"\nreport_text_column = "report"\n'
    )
    return path


def test_validate_accepts_real_format_data(tiny_run: Path, tmp_path: Path, helpers: type) -> None:
    path = _real_config(tiny_run, tmp_path, helpers.tiny)
    result = helpers.bench("validate", str(path), cwd=tmp_path)
    assert "a sample DICOM decodes" in result.stdout
    assert "the first report's DICOM decodes" in result.stdout


def test_world_stage_reads_real_releases_like_the_synthetic_ones(
    tiny_run: Path, tmp_path: Path, helpers: type
) -> None:
    config = load_config(_real_config(tiny_run, tmp_path, helpers.tiny))
    out = world_stage.run(config, tmp_path / "world", LogReporter())
    synthetic = pd.read_parquet(tiny_run / "world" / "radiographs.parquet")
    real = pd.read_parquet(out.radiographs)
    assert len(real) == len(synthetic)
    labels = pd.read_parquet(out.labels("oai", "progression"))
    assert labels["image_path"].map(lambda p: Path(p).is_file()).all()
    assert not (tmp_path / "world" / "truth.parquet").exists()  # no truth for real data
    reports = [json.loads(line) for line in out.reports.open()]
    assert len(reports) == len(synthetic[synthetic["cohort"] == "hospital"])
