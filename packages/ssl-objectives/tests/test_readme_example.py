"""The README's pretraining loop runs as written (with a tiny ROI store and sizes)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from ssl_objectives import load_checkpoint

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_pretraining_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    code = re.search(r"## Pretraining with your own loop\n\n```python\n(.*?)```", text, re.S).group(
        1
    )
    settings = "SIZE, BATCH, EPOCHS = 224, 256, 100"
    assert settings in code
    code = code.replace(settings, "SIZE, BATCH, EPOCHS = 32, 8, 2")
    code = code.replace(
        "BarlowTwins(build_backbone(", "BarlowTwins(config=SMALL, backbone=build_backbone("
    )
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    np.save(tmp_path / "rois.npy", rng.integers(0, 256, (16, 40, 40), dtype=np.uint8))
    from ssl_objectives import BarlowTwinsConfig

    exec(compile(code, "README.md", "exec"), {"SMALL": BarlowTwinsConfig(projector_dims=(32, 32))})
    method, _, meta = load_checkpoint(tmp_path / "runs/barlow/last")
    assert meta["epoch"] == 2
    assert meta["optimizer"] is not None
    assert method.config.projector_dims == (32, 32)
