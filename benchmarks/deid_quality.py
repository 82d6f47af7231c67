"""De-identification quality of report-deid next to its baselines, on every set; aggregate numbers only.

Run (from the repository root):
``uv run python benchmarks/deid_quality.py [--n 2000] [--real-text indiana_reports.csv] [--spacy-model PATH]``

Sets:
1. the package's own held-out template families (D, E), ``--n`` synthetic reports;
2. the independent sets in ``packages/report-deid/tests/independent/`` (written by someone who never read the
   recognizers) when present: ONLY aggregate numbers are printed (recall per gold type with 95 % bootstrap
   intervals, document leak rate, precision, keep-term survival), never a text or a missed span;
3. over-redaction on PHI-free text: synthetic knee findings (allow-listed terms surviving, share of characters
   redacted) and, with ``--real-text``, real radiology reports (the Indiana University chest X-ray
   ``indiana_reports.csv``: indication, comparison, findings, impression). That set masks its own PHI as
   ``XXXX``; detections that cover only such masks are counted separately.

Baselines: scrubadub (installed with the dev group) and Philter (philter-ucsf), which is reported as not run
when it cannot run offline, with the reason.
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from collections.abc import Callable
from pathlib import Path

from report_deid import TEST_FAMILIES, Scrubber, allowed_spans, clean_reports, synth_reports
from report_deid.baselines import scrubadub_detector
from report_deid.corpus_io import read_records
from report_deid.evaluation import evaluate, keep_survival, over_redaction

Detect = Callable[[str], list[tuple[int, int, str]]]
INDEPENDENT = Path(__file__).resolve().parents[1] / "packages/report-deid/tests/independent"
MASK = re.compile(r"^(?:X{2,}|[\s,./-])+$")


def philter_status() -> str:
    """Why Philter is not in the table (checked, not assumed: the import and the tagger data are tried)."""
    try:
        import philter_ucsf  # noqa: F401
    except ImportError:
        return (
            "philter-ucsf: not run. Its 1.0.3 release (2020) cannot run offline here: (1) its regex files "
            "put "
            "global flags such as (?i) in mid-pattern, which Python >= 3.11 rejects (re.error: global flags "
            "not at the start), and (2) it POS-tags every note with nltk.pos_tag, whose "
            "averaged_perceptron_tagger model only the NLTK downloader provides (no PyPI or Debian package "
            "ships it; philter-lite 0.6.0 has the same need)."
        )
    return "philter-ucsf is importable, but its NLTK tagger data is still needed; not run."


def detector(scrubber: Scrubber) -> Detect:
    """``detect(text)`` as ``(start, end, type)`` triples."""
    return lambda text: [(d.start, d.end, d.entity_type) for d in scrubber.detect(text)]


def table(title: str, results: dict[str, dict[str, object]]) -> None:
    """Print one column per engine: totals with intervals, then recall per gold type."""
    names = list(results)
    first = results[names[0]]
    print(f"\n{title}: {first['n_documents']} reports, {first['n_spans']} PHI spans")
    print(f"{'metric':<26}" + "".join(f"{n:>30}" for n in names))
    for key in ("span_recall", "span_precision", "token_recall", "f2", "doc_leak_rate"):
        cells = []
        for name in names:
            low, high = results[name]["ci95"][key]  # type: ignore[index]
            cells.append(f"{results[name][key]:.4f} [{low:.3f}, {high:.3f}]")
        print(f"{key:<26}" + "".join(f"{c:>30}" for c in cells))
    for entity, stats in first["per_type"].items():  # type: ignore[union-attr]
        cells = []
        for name in names:
            per = results[name]["per_type"][entity]  # type: ignore[index]
            ci = per["ci95"]
            cells.append(
                f"{per['recall']:.4f} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else f"{per['recall']:.4f}"
            )
        print(
            f"{'recall ' + entity + ' (n=' + str(stats['n']) + ')':<26}"
            + "".join(f"{c:>30}" for c in cells)
        )
    if "keep_survival" in first:
        print(
            f"{'keep-terms surviving':<26}"
            + "".join(f"{results[n]['keep_survival']:>30.4f}" for n in names)
            + f"   (n={int(first['n_keep'])})"
        )
    print(
        f"{'reports/s':<26}" + "".join(f"{results[n]['reports_per_second']:>30.0f}" for n in names)
    )


def real_text(path: Path) -> list[str]:
    """The report sections of the Indiana University chest X-ray CSV, one text per report."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = ("indication", "comparison", "findings", "impression")
    return [
        "\n".join(f"{f.upper()}: {row[f]}" for f in fields if row.get(f))
        for row in rows
        if any(row.get(f) for f in fields)
    ]


def real_over_redaction(texts: list[str], detect: Detect) -> dict[str, float]:
    """Share of characters redacted, all detections and without those covering only ``XXXX`` masks."""
    characters = redacted = unmasked = spans = 0
    for text in texts:
        characters += len(text)
        for start, end, _ in detect(text):
            spans += 1
            redacted += end - start
            if not MASK.match(text[start:end]):
                unmasked += end - start
    return {
        "chars_redacted": redacted / characters,
        "chars_redacted_excluding_masks": unmasked / characters,
        "characters": float(characters),
        "spans": float(spans),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--bootstrap", type=int, default=500)
    parser.add_argument("--spacy-model", type=Path, default=None)
    parser.add_argument(
        "--real-text", type=Path, default=None, help="indiana_reports.csv (not shipped)"
    )
    parser.add_argument("--independent", type=Path, default=INDEPENDENT)
    parser.add_argument(
        "--only",
        choices=("templates", "independent", "over-redaction"),
        default=None,
        help="one section",
    )
    parser.add_argument("--no-baselines", action="store_true", help="report-deid only")
    args = parser.parse_args()

    detectors: dict[str, Detect] = {"report-deid": detector(Scrubber())}
    if args.spacy_model:
        detectors["report-deid+spaCy"] = detector(Scrubber(args.spacy_model))
    if not args.no_baselines:
        detectors["scrubadub"] = scrubadub_detector()
        print(philter_status())

    if args.only in (None, "templates"):
        gold = list(synth_reports(args.n, 2027, families=TEST_FAMILIES))
        table(
            f"own held-out template families {', '.join(TEST_FAMILIES)}",
            {name: evaluate(gold, d, n_bootstrap=args.bootstrap) for name, d in detectors.items()},
        )

    sets = sorted(args.independent.glob("*.jsonl")) if args.independent.is_dir() else []
    for path in sets if args.only in (None, "independent") else []:
        records = list(read_records(path))
        results = {}
        for name, d in detectors.items():
            results[name] = evaluate(records, d, n_bootstrap=args.bootstrap)
            results[name].update(keep_survival(records, d))
        table(f"independent set {path.name}", results)

    if args.only not in (None, "over-redaction"):
        return
    clean = list(clean_reports(500, 2028))
    print("\nover-redaction, synthetic PHI-free findings (500 reports)")
    for name, d in detectors.items():
        r = over_redaction(clean, d, allowed_spans)
        print(
            f"  {name:<20} allow-listed terms surviving {r['allow_list_survival']:.4f} "
            f"(n={int(r['n_allow_list_terms'])}), characters redacted {100 * r['clean_chars_redacted']:.4f} %"
        )
    if args.real_text:
        texts = real_text(args.real_text)
        print(
            f"\nover-redaction, real PHI-free radiology text: {args.real_text.name}, {len(texts)} reports"
        )
        for name, d in detectors.items():
            start = time.perf_counter()
            r = real_over_redaction(texts, d)
            seconds = time.perf_counter() - start
            print(
                f"  {name:<20} characters redacted {100 * r['chars_redacted']:.4f} % "
                f"({100 * r['chars_redacted_excluding_masks']:.4f} % excluding spans on XXXX masks) "
                f"of {int(r['characters']):,}; {len(texts) / seconds:.0f} reports/s"
            )


if __name__ == "__main__":
    main()
