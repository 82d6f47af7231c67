"""Stage 3, ``reports``: scrub PHI, clean, tokenize the hospital impressions (report-deid).

Each raw report is scrubbed first (report-deid's offline Presidio engine; placeholders such as ``[NAME]``),
then cleaned and split into sentences (lower case, special characters removed). The WordPiece vocabulary is
trained on the scrubbed corpus, unless ``weights.bert`` names a local Bio_ClinicalBERT folder, whose own
vocabulary is then used. Outputs (``reports/``): ``corpus.parquet`` (the report-corpus contract:
``report_id, image_id, impression, sentences, input_ids, attention_mask, sentence_spans``), ``tokenizer/``,
``audit.json`` (spans replaced per PHI type, reports read, failed) and ``errors.csv`` (record number and
reason only). Raw text never leaves this stage's memory: nothing here logs or writes it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench.config import BenchConfig
from bench.progress import Reporter
from bench.world import WorldOutputs


@dataclass(frozen=True)
class ReportsOutputs:
    """Paths of the reports stage's outputs."""

    folder: Path

    @property
    def corpus(self) -> Path:
        """The de-identified, tokenized report corpus."""
        return self.folder / "corpus.parquet"

    @property
    def tokenizer(self) -> Path:
        """The tokenizer folder (trained here, or the local BERT's)."""
        return self.folder / "tokenizer"

    @property
    def audit(self) -> Path:
        """De-identification counts."""
        return self.folder / "audit.json"


def run(
    config: BenchConfig, world: WorldOutputs, folder: Path, reporter: Reporter
) -> ReportsOutputs:
    """Scrub, clean and tokenize every report of the hospital export."""
    from report_deid import Scrubber, prepare_sentences
    from report_deid.tokenization import encode_reports, load_tokenizer, train_wordpiece

    out = ReportsOutputs(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = world.reports.read_text(encoding="utf-8").splitlines()
    scrubber = Scrubber()
    counts: Counter[str] = Counter()
    rows, errors = [], []
    reporter.start("reports", "reports: de-identify", len(lines))
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            result = scrubber.scrub(record["text"])
            sentences = prepare_sentences(result.text)
        except (
            Exception
        ) as exc:  # a bad record is reported (number and error type only) and skipped
            errors.append({"record": number, "reason": type(exc).__name__})
            reporter.advance("reports")
            continue
        counts.update(result.counts)
        if sentences:
            rows.append(
                {
                    "report_id": str(record["report_id"]),
                    "image_id": world.image_id(record["path"]),
                    "impression": " ".join(sentences),
                    "sentences": sentences,
                }
            )
        else:
            errors.append({"record": number, "reason": "no text left after cleaning"})
        reporter.advance("reports")
    reporter.finish("reports", detail=f"{sum(counts.values())} PHI spans replaced")
    corpus = pd.DataFrame(rows)
    if config.weights.bert is not None:
        tokenizer = load_tokenizer(config.weights.bert)
        source = str(config.weights.bert)
    else:
        tokenizer = train_wordpiece(corpus["impression"], out.tokenizer, config.reports.vocab_size)
        source = "trained on this corpus"
    encoded = encode_reports(tokenizer, corpus["sentences"].tolist(), config.reports.max_length)
    corpus = pd.concat([corpus, pd.DataFrame(encoded)], axis=1)
    corpus.to_parquet(out.corpus, index=False)
    pd.DataFrame(errors, columns=["record", "reason"]).to_csv(folder / "errors.csv", index=False)
    audit = {
        "reports_read": len(lines),
        "reports_kept": len(corpus),
        "reports_failed": len(errors),
        "phi_spans_replaced": dict(sorted(counts.items())),
        "tokenizer": source,
        "vocab_size": len(tokenizer),
    }
    out.audit.write_text(json.dumps(audit, indent=2), encoding="utf-8")
    return out
