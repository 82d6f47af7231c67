"""The scaling plot reads subset-pretrained encoders back from their names in results.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from bench.scaling import scaled_name, scaling_plot, scaling_rows, scaling_table


def _results() -> pd.DataFrame:
    rows = []
    rng = np.random.default_rng(0)
    for corpus in ("knee", "imagenet"):
        for size in (6000, 10000):
            for pretrain_seed in (0, 1):
                for seed in (0, 1):
                    for fraction in (0.1, 0.5):
                        rows.append(
                            {
                                "method": scaled_name("moco_v2", corpus, size, pretrain_seed),
                                "task": "kl",
                                "protocol": "lp",
                                "fraction": fraction,
                                "seed": seed,
                                "test_metric": float(rng.uniform(0.3, 0.7)),
                            }
                        )
    rows.append(
        {"method": "random", "task": "kl", "protocol": "lp", "fraction": 0.5, "seed": 0,
         "test_metric": 0.2}
    )  # fmt: skip
    return pd.DataFrame(rows)


def test_scaled_names_round_trip_and_other_methods_are_left_out() -> None:
    rows = scaling_rows(_results())
    assert "random" not in set(rows["method"])
    first = rows.iloc[0]
    assert (first["base"], first["corpus"], first["size"], first["pretrain_seed"]) == (
        "moco_v2", "knee", 6000, 0,
    )  # fmt: skip
    assert scaled_name("vicreg", "knee_imagenet", 25000) == "vicreg.knee_imagenet.n25000"
    plain = scaling_rows(pd.DataFrame({"method": ["vicreg.knee_imagenet.n25000"]}))
    assert plain["corpus"].iloc[0] == "knee_imagenet"
    assert plain["pretrain_seed"].iloc[0] == 0


def test_mean_and_sd_over_evaluation_and_pretraining_seeds_at_the_largest_fraction(
    tmp_path: Path,
) -> None:
    results = _results()
    stats = scaling_table(results).set_index(["corpus", "size"])
    chosen = results[
        (results["method"].str.startswith("moco_v2.knee.n6000")) & (results["fraction"] == 0.5)
    ]["test_metric"]
    assert stats.loc[("knee", 6000), "n"] == 4
    assert np.isclose(stats.loc[("knee", 6000), "mean"], chosen.mean())
    assert np.isclose(stats.loc[("knee", 6000), "sd"], chosen.std())
    path = scaling_plot(results, tmp_path / "plots")
    assert path is not None
    assert path.stat().st_size > 0
    assert len(pd.read_csv(tmp_path / "tables" / "scaling.csv")) == 4
    assert scaling_plot(results[results["method"] == "random"], tmp_path / "none") is None
