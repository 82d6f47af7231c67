"""``bench data``: every ``[datasets.*]`` corpus of a config as an ROI store, and the scaling subsets.

Outputs (``<run>/data/``):

- ``<name>/rois.npy`` + ``manifest.parquet`` (the ROI-store contract; the manifest is the adapter's table:
  ``image_id, participant_id, image_path, split``, labels, ``roi_index``) and ``errors.csv`` (unreadable
  images: id and error type);
- MIMIC-CXR: ``<name>/corpus.parquet`` (``report_id, image_id, impression``: each study's impression +
  findings, scrubbed by report-deid and cleaned; the report-corpus contract) and ``<name>/audit.json``;
- ``scaling.parquet`` (with ``[scaling]``): ``corpus, seed, size, part, roi_index``: the nested subsets of
  every corpus (a mixed corpus lists each row's part);
- ``done.json``: the hash of ``[datasets]`` and ``[scaling]``; an unchanged config is not rebuilt.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd

from bench.config import BenchConfig, DatasetConfig
from bench.datasets.chest import read_chestxray14, read_chexpert
from bench.datasets.folders import mixed_corpus, nested_subsets, read_image_folder
from bench.datasets.mimic import read_mimic_pairs
from bench.datasets.store import build_store, load_grey
from bench.errors import ConfigError, DataError
from bench.markers import combine, file_sha256, is_done, write_marker
from bench.progress import Reporter

SCALING_FILE = "scaling.parquet"


def read_dataset(dataset: DatasetConfig, seed: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """The adapter table of one dataset and counts of what it skipped (MIMIC-CXR's reports)."""
    if dataset.kind == "chestxray14":
        assert dataset.table is not None
        return read_chestxray14(dataset.table, dataset.root, seed=seed), {}
    if dataset.kind == "chexpert":
        assert dataset.table is not None
        table = read_chexpert(
            dataset.table,
            dataset.root,
            valid_csv=dataset.test_table,
            policy=dataset.uncertainty,
            frontal_only=dataset.frontal_only,
            seed=seed,
        )
        return table, {}
    if dataset.kind == "mimic_cxr":
        assert dataset.table is not None
        views = ("PA", "AP") if dataset.frontal_only else ()
        return read_mimic_pairs(
            dataset.root, dataset.table, split_csv=dataset.split_table, views=views
        )
    return read_image_folder(dataset.root), {}


def validate_datasets(config: BenchConfig) -> list[str]:
    """``bench validate``'s checks of ``[datasets]``: files exist, tables read, one image decodes."""
    lines = []
    for name, dataset in config.datasets.items():
        for key in ("root", "table", "test_table", "split_table"):
            path = getattr(dataset, key)
            if path is not None and not Path(path).exists():
                raise ConfigError(f"datasets.{name}.{key} = {str(path)!r}: not found")
        try:
            table, skipped = read_dataset(dataset, config.seed)
            load_grey(Path(table["image_path"].iloc[0]), dataset.roi_px)
        except DataError as exc:
            raise DataError(f"datasets.{name}: {exc}") from exc
        except Exception as exc:
            raise DataError(
                f"datasets.{name}: the first image does not decode ({type(exc).__name__})"
            ) from exc
        splits = ", ".join(
            f"{k} {v}" for k, v in table["split"].value_counts().sort_index().items()
        )
        extra = f"; skipped {skipped}" if any(skipped.values()) else ""
        lines.append(f"datasets.{name} ({dataset.kind}): {len(table)} images ({splits}){extra}")
    if config.scaling is not None:
        lines.append(
            f"scaling: corpora {list(config.scaling.corpora)}, sizes {list(config.scaling.sizes)}"
        )
    return lines


def run(config: BenchConfig, folder: Path, reporter: Reporter) -> dict[str, pd.DataFrame]:
    """Build every dataset's ROI store and the scaling subsets (see the module docstring)."""
    knee = config.run_dir / "localize" / "pretrain_corpus.parquet"
    uses_knee = config.scaling is not None and "knee" in {
        *config.scaling.corpora,
        *(p for parts in config.scaling.mixed.values() for p in parts),
    }
    stage_hash = combine(
        config.section_hash("datasets", "scaling", "seed"),
        file_sha256(knee) if uses_knee and knee.is_file() else "",
    )
    if is_done(folder, stage_hash):
        reporter.note("data: up to date")
        return {
            name: pd.read_parquet(folder / name / "manifest.parquet") for name in config.datasets
        }
    folder.mkdir(parents=True, exist_ok=True)
    manifests = {}
    reporter.start("data", "data: datasets", len(config.datasets))
    for name, dataset in config.datasets.items():
        table, skipped = read_dataset(dataset, config.seed)
        out = folder / name
        out.mkdir(parents=True, exist_ok=True)
        if "text" in table.columns:
            _write_report_corpus(table, out, skipped)
            table = table.drop(columns="text")
        manifests[name] = build_store(table, out, dataset.roi_px)
        reporter.advance("data", detail=f"{name}: {len(manifests[name])} images")
    reporter.finish("data")
    if config.scaling is not None:
        subsets = scaling_subsets(config, manifests)
        subsets.to_parquet(folder / SCALING_FILE, index=False)
    write_marker(folder, stage_hash, 0.0)
    return manifests


def _write_report_corpus(table: pd.DataFrame, out: Path, skipped: dict[str, int]) -> None:
    """The studies' texts scrubbed (report-deid) and cleaned into the report-corpus contract."""
    from report_deid import Scrubber, prepare_sentences

    scrubber = Scrubber()
    counts: Counter[str] = Counter()
    rows, failed = [], 0
    studies = table.drop_duplicates("study_id")
    for study, text in zip(studies["study_id"], studies["text"], strict=True):
        try:
            result = scrubber.scrub(text)
            sentences = prepare_sentences(result.text)
        except Exception:  # reported as a count only: the text never leaves memory
            failed += 1
            continue
        counts.update(result.counts)
        if sentences:
            image_ids = table.loc[table["study_id"] == study, "image_id"].tolist()
            rows += [
                {"report_id": f"s{study}", "image_id": i, "impression": " ".join(sentences)}
                for i in image_ids
            ]
    pd.DataFrame(rows, columns=["report_id", "image_id", "impression"]).to_parquet(
        out / "corpus.parquet", index=False
    )
    audit = {
        "studies": len(studies),
        "studies_kept": len({r["report_id"] for r in rows}),
        "failed": failed,
        "skipped": skipped,
        "phi_spans_replaced": dict(sorted(counts.items())),
    }
    (out / "audit.json").write_text(json.dumps(audit, indent=2), encoding="utf-8")


def scaling_subsets(config: BenchConfig, manifests: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``corpus, seed, size, part, roi_index`` of every nested subset of ``[scaling]``.

    Only training rows enter a pretraining subset (``split == "train"``). ``knee`` is the run's own
    pretraining corpus (``localize/pretrain_corpus.parquet``, built by ``bench run``).

    Raises:
        DataError: a size larger than a corpus, or ``knee`` before the run's localize stage.
    """
    assert config.scaling is not None
    scaling = config.scaling

    def part_table(name: str) -> pd.DataFrame:
        if name == "knee":
            path = config.run_dir / "localize" / "pretrain_corpus.parquet"
            if not path.is_file():
                raise DataError(
                    f"scaling corpus 'knee' is the run's pretraining corpus: run `bench run` first ({path})"
                )
            return pd.read_parquet(path).assign(split="train")
        return manifests[name]

    rows = []
    for corpus in scaling.corpora:
        parts = scaling.mixed.get(corpus, (corpus,))
        tables = {p: part_table(p) for p in parts}
        table = (
            mixed_corpus(tables)
            if corpus in scaling.mixed
            else tables[corpus].assign(corpus=corpus)
        )
        table = table[table["split"] == "train"].reset_index(drop=True)
        for seed in scaling.seeds:
            for size, positions in nested_subsets(len(table), scaling.sizes, seed).items():
                chosen = table.iloc[positions]
                part = chosen["corpus"] if corpus in scaling.mixed else corpus
                rows.append(
                    pd.DataFrame(
                        {
                            "corpus": corpus,
                            "seed": seed,
                            "size": size,
                            "part": part,
                            "roi_index": chosen["roi_index"].to_numpy(),
                        }
                    )
                )
    return pd.concat(rows, ignore_index=True)
