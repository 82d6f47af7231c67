"""``bench perf`` on the CPU: every timed step and both ceilings reported, written to the run folder."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


def test_perf_reports_every_method_against_its_ceiling(tmp_path: Path, helpers: type) -> None:
    (tmp_path / "tiny.toml").write_text(helpers.tiny.read_text())
    result = helpers.bench(
        "perf", "--config", "tiny.toml", "--device", "cpu", "--full", "--methods", "moco_v2,mae",
        "--warmup", "1", "--steps", "1", "--repeats", "2", "--threads", "1",
        cwd=tmp_path,
    )  # fmt: skip
    assert "torch threads: 1" in result.stdout
    folder = tmp_path / "runs" / "tiny" / "perf"
    report = json.loads((folder / "perf.json").read_text())
    rows = {row["name"]: row for row in report["rows"]}
    assert list(rows) == ["ceiling:resnet18", "ceiling:vit_small", "moco_v2", "mae"]
    for row in rows.values():
        assert row["low"] <= row["samples_per_s"] <= row["high"]
        assert math.isfinite(row["samples_per_s"])
        assert row["samples_per_s"] > 0
    moco, mae = rows["moco_v2"], rows["mae"]
    assert moco["views_per_s"] == 2 * moco["samples_per_s"]  # two views of each ROI
    ceiling = rows["ceiling:resnet18"]["samples_per_s"]
    assert math.isclose(moco["ratio"], moco["views_per_s"] / ceiling)
    assert math.isclose(
        mae["ratio"], mae["views_per_s"] / rows["ceiling:vit_small"]["samples_per_s"]
    )
    assert report["image_size"] == 32
    assert report["batch_size"] == 16
    assert report["command"].startswith("bench perf --config tiny.toml")
    # the data path read a memory-mapped uint8 ROI store of the run (synthetic here: no localize stage)
    store = np.load(next(folder.glob("rois_*.npy")), mmap_mode="r")
    assert store.dtype == np.uint8
    assert store.shape[1:] == (32, 32)
    table = (folder / "perf.md").read_text()
    assert "| moco_v2 | resnet18 |" in table
    assert "(ceiling)" in table
    assert "ratio to ceiling" in result.stdout
