"""``MODEL_CARD.md`` next to every encoder checkpoint of a run (and a section of ``report.html``).

A card states what the encoder is and what it is for: method and its configuration (from the checkpoint's
JSON sidecar), the pretraining data (number of images, data hash, and the KL distribution of those images as
inferred by the supervised proxy "KL Pret (Sup)"), epochs and final loss (``log.jsonl``), this run's
downstream numbers, intended use, and the limitations the paper found. Cards are rebuilt from stored files
by ``bench report``; nothing is recomputed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bench.config import DISPLAY_NAMES, IMAGE_METHODS, TEXT_METHODS
from bench.markers import read_json, read_jsonl

CARD_NAME = "MODEL_CARD.md"
KL_GRADES = (0, 1, 2, 3, 4)

INTENDED_USE = (
    "Research only: an initialisation for knee-radiograph models to be fine-tuned or linearly probed and "
    "evaluated with the low-data protocol of this benchmark. Not a medical device; not for diagnosis."
)
LIMITATIONS = {
    "image": (
        "In the paper, image-only SSL on knee radiographs beat ImageNet under linear probing but did not "
        "consistently beat ImageNet initialisation for KL grading under full fine-tuning (e.g. MoCo 0.636 "
        "vs ImageNet 0.646 balanced accuracy at 10 % labels).",
    ),
    "text": (
        "In the paper, image-text SSL (ConVIRT, GLoRIA) on uncurated hospital radiographs and impressions "
        "did not improve KL grading under fine-tuning (ConVIRT 0.627 vs ImageNet 0.646), but significantly "
        "improved 4-year incidence and progression prediction (MOST AUROC 0.701 vs 0.599 at 10 % labels).",
    ),
    "baseline": (),
    "common": (
        "Spectrum bias: a routine-care corpus is not a population sample (the paper's hospital corpus was "
        "an estimated 93 % KL 3). The KL distribution inferred by the proxy model (below) shows which grades "
        "dominate this encoder's pretraining images; rare grades may be represented poorly.",
        "Inputs must be prepared as the checkpoint's JSON sidecar says (input size, normalisation).",
    ),
}


@dataclass(frozen=True)
class ModelCard:
    """One encoder's card: the facts and the Markdown written next to the checkpoint."""

    method: str
    display_name: str
    checkpoint: str
    sha256: str
    facts: dict[str, str]
    kl_distribution: dict[int, float]
    limitations: tuple[str, ...]
    downstream: list[dict[str, str]] = field(default_factory=list)
    path: str = ""

    @property
    def markdown(self) -> str:
        """The card as Markdown."""
        lines = [f"# Model card: {self.display_name}", "", "## Model", ""]
        lines += [f"- {k}: {v}" for k, v in self.facts.items()]
        lines += ["", "## Pretraining data: KL distribution inferred by the proxy", ""]
        if self.kl_distribution:
            lines += ["| KL grade | share |", "|---|---:|"]
            lines += [f"| {g} | {s:.1%} |" for g, s in self.kl_distribution.items()]
        else:
            lines.append("Not available (no pretraining corpus, or the proxy did not run).")
        lines += ["", "## Downstream results in this run (best column per task)", ""]
        if self.downstream:
            lines += ["| task | column | mean (SD) |", "|---|---|---|"]
            lines += [f"| {d['task']} | {d['column']} | {d['value']} |" for d in self.downstream]
        else:
            lines.append("Not evaluated in this run.")
        lines += ["", "## Intended use", "", INTENDED_USE, "", "## Limitations", ""]
        lines += [f"- {text}" for text in self.limitations]
        return "\n".join(lines) + "\n"


def write_model_cards(
    run_dir: Path, tables: dict[str, pd.DataFrame] | None = None
) -> list[ModelCard]:
    """Write ``MODEL_CARD.md`` beside every available encoder of ``pretrain/encoders.json``.

    ``tables`` maps a table name to its long frame (``method, fraction, test_set, protocol, mean, sd``)
    for the downstream lines; each card shows the method's best column per table.
    """
    registry = read_json(run_dir / "pretrain" / "encoders.json")
    if not registry:
        return []
    corpus_kl = _read_corpus_kl(run_dir)
    cards = []
    for method, entry in sorted(registry.items()):
        if not entry.get("available"):
            continue
        checkpoint = run_dir / entry["path"]
        card = _card(method, entry, checkpoint, corpus_kl, tables or {})
        out = checkpoint.parent / CARD_NAME
        out.write_text(card.markdown, encoding="utf-8")
        cards.append(ModelCard(**{**card.__dict__, "path": out.relative_to(run_dir).as_posix()}))
    return cards


def _card(
    method: str,
    entry: dict[str, Any],
    checkpoint: Path,
    corpus_kl: pd.DataFrame | None,
    tables: dict[str, pd.DataFrame],
) -> ModelCard:
    meta = read_json(checkpoint.with_suffix(".json")) or {}
    log = read_jsonl(checkpoint.parent / "log.jsonl")
    kind = "image" if method in IMAGE_METHODS else "text" if method in TEXT_METHODS else "baseline"
    facts = {
        "method": DISPLAY_NAMES.get(method, method),
        "checkpoint": entry["path"],
        "SHA-256": entry["sha256"],
        "backbone / input": _backbone_text(meta),
    }
    if meta.get("config"):
        facts["configuration"] = json.dumps(meta["config"], sort_keys=True)
    if meta.get("data_hash"):
        facts["pretraining data hash"] = str(meta["data_hash"])
    if log:
        facts["epochs"] = str(log[-1]["epoch"])
        facts["final training loss"] = f"{float(log[-1]['loss']):.4f}"
    elif method == "random":
        facts["training"] = "none: random initialisation (the lower bound)"
    elif method == "imagenet":
        facts["training"] = "ImageNet weights given by the user (not trained by this run)"
    distribution: dict[int, float] = {}
    if corpus_kl is not None and kind in ("image", "text"):
        images = corpus_kl[corpus_kl["cohort"] == "hospital"] if kind == "text" else corpus_kl
        source = "hospital ROIs with reports" if kind == "text" else "corpus ROIs"
        facts["pretraining images"] = f"{len(images)} {source}"
        shares = images["kl_predicted"].value_counts(normalize=True)
        distribution = {g: float(shares.get(g, 0.0)) for g in KL_GRADES}
    if method == "kl_sup":
        facts["training"] = (
            "supervised on OAI KL grades of training participants only (the upper bound)"
        )
    return ModelCard(
        method=method,
        display_name=DISPLAY_NAMES.get(method, method),
        checkpoint=entry["path"],
        sha256=entry["sha256"],
        facts=facts,
        kl_distribution=distribution,
        limitations=LIMITATIONS[kind] + LIMITATIONS["common"],
        downstream=_downstream(method, tables),
    )


def _backbone_text(meta: dict[str, Any]) -> str:
    """``resnet18 (512-d features, 1 channel); 32 px; normalise (x - 0.5) / 0.25``."""
    backbone = meta.get("backbone")
    if isinstance(backbone, dict):
        text = (
            f"{backbone.get('name', '?')} ({backbone.get('feature_dim', '?')}-d features, "
            f"{backbone.get('in_channels', '?')} channel(s))"
        )
    else:
        text = str(backbone or meta.get("method", "?"))
    norm = meta.get("normalisation")
    norm_text = (
        f"normalise (x - {norm.get('mean')}) / {norm.get('std')}" if isinstance(norm, dict) else "?"
    )
    return f"{text}; {meta.get('input_size', '?')} px input; {norm_text}"


def _downstream(method: str, tables: dict[str, pd.DataFrame]) -> list[dict[str, str]]:
    lines = []
    for name, long in tables.items():
        mine = long[long["method"] == method] if len(long) else long
        mine = mine[mine["mean"].notna()] if len(mine) else mine
        if mine.empty:
            continue
        best = mine.loc[mine["mean"].idxmax()]
        lines.append(
            {
                "task": name,
                "column": f"{best['fraction']:g} {best['test_set']} {str(best['protocol']).upper()}",
                "value": f"{best['mean']:.3f} ({best['sd']:.3f})",
            }
        )
    return lines


def _read_corpus_kl(run_dir: Path) -> pd.DataFrame | None:
    path = run_dir / "pretrain" / "kl_sup" / "corpus_kl.csv"
    return pd.read_csv(path, dtype={"participant_id": str}) if path.is_file() else None
