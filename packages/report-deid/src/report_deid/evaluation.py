"""Evaluation of a scrubber against gold PHI spans.

For gold spans ``G`` and predicted spans ``P`` of a document:

- **span recall**: share of gold spans whose every character is covered by predictions (a partly covered
  span leaks, so it counts as missed); per type too.
- **span precision**: share of predicted spans that overlap at least one gold span.
- **token recall**: share of gold PHI tokens (whitespace-separated pieces inside gold spans) fully covered.
- **F2**: ``5 P R / (4 P + R)`` from span precision and recall (recall weighs four times more).
- **document leak rate**: share of documents with at least one gold span not fully covered.
- 95 % confidence intervals: percentile bootstrap over documents (1,000 resamples, seeded), for the totals
  and for each gold type's recall.
- **keep survival** (:func:`keep_survival`): share of spans marked "keep" (eponyms, anatomy, drug names)
  that no prediction touches.
- **over-redaction** on clean text (:func:`over_redaction`): the share of allow-listed terms (eponyms, grades,
  abbreviations, measurements) that survive scrubbing, and the share of clean characters redacted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Spans = list[tuple[int, int, str]]
#: ``detect(text)`` -> predicted spans ``(start, end, type)``.
Detect = Callable[[str], Spans]


@dataclass(frozen=True)
class DocumentScore:
    """Counts of one document."""

    gold_types: tuple[str, ...]
    gold_caught: tuple[bool, ...]
    n_predicted: int
    n_predicted_true: int
    gold_tokens: int
    gold_tokens_caught: int


def score_document(text: str, gold: Sequence[dict[str, object]], predicted: Spans) -> DocumentScore:
    """Compare the predicted spans of one document with its gold spans."""
    covered = np.zeros(len(text) + 1, dtype=bool)
    for start, end, _ in predicted:
        covered[start:end] = True
    gold_mask = np.zeros(len(text) + 1, dtype=bool)
    types, caught = [], []
    tokens = tokens_caught = 0
    for span in gold:
        start, end = int(span["start"]), int(span["end"])  # type: ignore[call-overload]
        gold_mask[start:end] = True
        types.append(str(span["type"]))
        caught.append(bool(covered[start:end].all()))
        for match in re.finditer(r"\S+", text[start:end]):
            tokens += 1
            tokens_caught += bool(covered[start + match.start() : start + match.end()].all())
    true_predictions = sum(bool(gold_mask[start:end].any()) for start, end, _ in predicted)
    return DocumentScore(
        tuple(types), tuple(caught), len(predicted), true_predictions, tokens, tokens_caught
    )


def _metrics(scores: Sequence[DocumentScore]) -> dict[str, float]:
    gold = sum(len(s.gold_types) for s in scores)
    caught = sum(sum(s.gold_caught) for s in scores)
    predicted = sum(s.n_predicted for s in scores)
    true_predicted = sum(s.n_predicted_true for s in scores)
    recall = caught / gold if gold else 1.0
    precision = true_predicted / predicted if predicted else 1.0
    f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
    tokens = sum(s.gold_tokens for s in scores)
    return {
        "span_recall": recall,
        "span_precision": precision,
        "f2": f2,
        "token_recall": sum(s.gold_tokens_caught for s in scores) / tokens if tokens else 1.0,
        "doc_leak_rate": float(np.mean([not all(s.gold_caught) for s in scores]))
        if scores
        else 0.0,
    }


def gold_spans(record: Mapping[str, object]) -> list[dict[str, object]]:
    """The gold PHI spans of a record: its ``phi`` list, or ``spans`` (the independent sets' name)."""
    spans = record.get("phi", record.get("spans", []))
    return list(spans) if isinstance(spans, list) else []


def evaluate(
    records: Iterable[Mapping[str, object]],
    detect: Detect,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> dict[str, object]:
    """Evaluate ``detect`` on gold records ``{"text", "phi" | "spans": [{"start", "end", "type"}]}``.

    Returns:
        ``span_recall, span_precision, token_recall, f2, doc_leak_rate`` (floats), ``ci95`` (their bootstrap
        intervals), ``per_type`` (``{type: {"recall", "n", "ci95"}}`` for every gold type seen, intervals from
        the same document resamples), ``n_documents``, ``n_spans`` and ``reports_per_second`` (of ``detect``).
    """
    scores = []
    seconds = 0.0
    for record in records:
        text = str(record["text"])
        start = time.perf_counter()
        predicted = detect(text)
        seconds += time.perf_counter() - start
        scores.append(score_document(text, gold_spans(record), predicted))  # type: ignore[arg-type]
    result: dict[str, object] = dict(_metrics(scores))
    types = sorted({t for s in scores for t in s.gold_types})
    # per document and type: gold spans (n) and caught spans (c), shape (documents, types)
    n = np.zeros((len(scores), len(types)))
    c = np.zeros((len(scores), len(types)))
    column = {t: j for j, t in enumerate(types)}
    for i, s in enumerate(scores):
        for t, caught in zip(s.gold_types, s.gold_caught, strict=True):
            n[i, column[t]] += 1
            c[i, column[t]] += caught
    rng = np.random.default_rng(seed)
    samples, type_samples = [], []
    for _ in range(n_bootstrap if scores else 0):
        index = rng.integers(0, len(scores), len(scores))
        samples.append(_metrics([scores[i] for i in index]))
        totals = n[index].sum(axis=0)
        type_samples.append(
            np.divide(
                c[index].sum(axis=0), totals, out=np.full(len(types), np.nan), where=totals > 0
            )
        )
    result["ci95"] = (
        {
            key: [
                float(np.percentile([s[key] for s in samples], 2.5)),
                float(np.percentile([s[key] for s in samples], 97.5)),
            ]
            for key in ("span_recall", "span_precision", "token_recall", "f2", "doc_leak_rate")
        }
        if samples
        else {}
    )
    per_type = {}
    stacked = np.array(type_samples) if type_samples else np.zeros((0, len(types)))
    for j, entity in enumerate(types):
        total = int(n[:, j].sum())
        per_type[entity] = {
            "recall": float(c[:, j].sum() / total),
            "n": total,
            # resamples without this type are left out (nan)
            "ci95": [
                float(np.nanpercentile(stacked[:, j], 2.5)),
                float(np.nanpercentile(stacked[:, j], 97.5)),
            ]
            if len(stacked) and not np.isnan(stacked[:, j]).all()
            else [],
        }
    result["per_type"] = per_type
    result["n_documents"] = len(scores)
    result["n_spans"] = sum(len(s.gold_types) for s in scores)
    result["reports_per_second"] = len(scores) / seconds if seconds > 0 else float("inf")
    return result


def keep_survival(records: Iterable[Mapping[str, object]], detect: Detect) -> dict[str, float]:
    """Share of must-keep spans (``keep``: ``[{"start", "end"}]`` or ``[[start, end]]``) left untouched."""
    kept = total = 0
    for record in records:
        keep = record.get("keep") or []
        if not isinstance(keep, list) or not keep:
            continue
        text = str(record["text"])
        covered = np.zeros(len(text) + 1, dtype=bool)
        for start, end, _ in detect(text):
            covered[start:end] = True
        for item in keep:
            start, end = (
                (item["start"], item["end"]) if isinstance(item, dict) else (item[0], item[1])
            )
            total += 1
            kept += not covered[int(start) : int(end)].any()
    return {"keep_survival": kept / total if total else 1.0, "n_keep": float(total)}


def over_redaction(
    texts: Iterable[str], detect: Detect, allowed: Callable[[str], list[tuple[int, int]]]
) -> dict[str, float]:
    """On PHI-free texts: survival of allow-listed terms and the share of characters redacted."""
    terms = survived = characters = redacted = 0
    for text in texts:
        spans = detect(text)
        covered = np.zeros(len(text), dtype=bool)
        for start, end, _ in spans:
            covered[start:end] = True
        for start, end in allowed(text):
            terms += 1
            survived += not covered[start:end].any()
        characters += len(text)
        redacted += int(covered.sum())
    return {
        "allow_list_survival": survived / terms if terms else 1.0,
        "clean_chars_redacted": redacted / characters if characters else 0.0,
        "n_allow_list_terms": float(terms),
    }
