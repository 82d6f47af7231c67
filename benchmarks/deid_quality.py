"""De-identification quality on held-out synthetic templates: report-deid next to scrubadub.

Run: ``uv run python benchmarks/deid_quality.py [--n 2000] [--spacy-model PATH]``

Prints span recall / precision, token recall, F2, document leak rate (95 % bootstrap intervals), recall per
type, and over-redaction on PHI-free text, one column per engine.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from report_deid import TEST_FAMILIES, Scrubber, allowed_spans, clean_reports, synth_reports
from report_deid.baselines import scrubadub_detector
from report_deid.evaluation import evaluate, over_redaction


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--spacy-model", type=Path, default=None)
    args = parser.parse_args()
    gold = list(synth_reports(args.n, 2027, families=TEST_FAMILIES))
    clean = list(clean_reports(500, 2028))
    engines = {"report-deid": Scrubber()}
    if args.spacy_model:
        engines["report-deid+spaCy"] = Scrubber(args.spacy_model)
    detectors = {
        name: (lambda s: lambda t: [(d.start, d.end, d.entity_type) for d in s.detect(t)])(scrubber)
        for name, scrubber in engines.items()
    }
    detectors["scrubadub"] = scrubadub_detector()
    results = {name: evaluate(gold, detect, n_bootstrap=500) for name, detect in detectors.items()}
    redaction = {
        name: over_redaction(clean, detect, allowed_spans) for name, detect in detectors.items()
    }
    names = list(detectors)
    print(
        f"held-out families {', '.join(TEST_FAMILIES)}: {args.n} reports, "
        f"{results[names[0]]['n_spans']} PHI spans"
    )
    print(f"{'metric':<26}" + "".join(f"{n:>28}" for n in names))
    for key in ("span_recall", "span_precision", "token_recall", "f2", "doc_leak_rate"):
        cells = []
        for name in names:
            low, high = results[name]["ci95"][key]
            cells.append(f"{results[name][key]:.4f} [{low:.3f}, {high:.3f}]")
        print(f"{key:<26}" + "".join(f"{c:>28}" for c in cells))
    for entity in results[names[0]]["per_type"]:
        cells = [
            f"{results[n]['per_type'].get(entity, {}).get('recall', float('nan')):.4f}"
            for n in names
        ]
        print(f"{'recall ' + entity:<26}" + "".join(f"{c:>28}" for c in cells))
    for key in ("allow_list_survival", "clean_chars_redacted"):
        print(f"{key:<26}" + "".join(f"{redaction[n][key]:>28.4f}" for n in names))


if __name__ == "__main__":
    main()
