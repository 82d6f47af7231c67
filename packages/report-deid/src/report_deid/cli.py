"""``report-deid`` command line: ``synth``, ``scrub``, ``evaluate``, ``train-tokenizer``, ``tokenize``.

Heavy imports (pandas, spaCy, transformers) happen inside the commands, so ``--help`` is instant and
``scrub`` loads only ``regex`` and the census name lists (spaCy only with ``--spacy-model``). Errors
print one line without any report text and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    from report_deid.errors import ReportDeidError

    try:
        return int(args.handler(args))
    except ReportDeidError as exc:
        print(f"report-deid {args.command}: error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="report-deid", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    synth = commands.add_parser("synth", help="synthetic knee reports with gold PHI spans (JSONL)")
    synth.add_argument("--n", type=int, required=True)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--out", type=Path, required=True)
    synth.add_argument(
        "--families", default="all", help="train (A,B,C), test (D,E), all, or e.g. A,D"
    )
    synth.add_argument("--kl-distribution", choices=("balanced", "hospital"), default="balanced")
    synth.set_defaults(handler=_synth)

    scrub = commands.add_parser(
        "scrub", help="replace PHI with placeholders; writes an audit table"
    )
    scrub.add_argument("input", type=Path)
    scrub.add_argument("--out", type=Path, required=True)
    scrub.add_argument("--text-field", default="text")
    scrub.add_argument(
        "--spacy-model", type=Path, default=None, help="local spaCy pipeline directory"
    )
    scrub.add_argument("--single-placeholder", action="store_true", help="[PHI] instead of [TYPE]")
    scrub.add_argument(
        "--presidio-recognizers",
        type=Path,
        default=None,
        help="a Presidio recognizer YAML whose recognizers add spans (needs report-deid[presidio])",
    )
    scrub.set_defaults(handler=_scrub)

    evaluate = commands.add_parser("evaluate", help="recall / precision / leak rate on gold JSONL")
    evaluate.add_argument("--gold", type=Path, required=True)
    evaluate.add_argument("--spacy-model", type=Path, default=None)
    evaluate.add_argument(
        "--engine",
        choices=("report-deid", "scrubadub"),
        default="report-deid",
        help="scrubber evaluated",
    )
    evaluate.add_argument("--bootstrap", type=int, default=1000)
    evaluate.add_argument(
        "--clean-n", type=int, default=300, help="PHI-free reports for over-redaction"
    )
    evaluate.set_defaults(handler=_evaluate)

    train = commands.add_parser(
        "train-tokenizer", help="train a WordPiece vocabulary on a local corpus"
    )
    train.add_argument("corpus", type=Path)
    train.add_argument("--out", type=Path, required=True)
    train.add_argument("--vocab-size", type=int, default=8000)
    train.add_argument("--text-field", default="text")
    train.set_defaults(handler=_train_tokenizer)

    tokenize = commands.add_parser(
        "tokenize", help="clean, split and tokenize scrubbed reports to Parquet"
    )
    tokenize.add_argument("input", type=Path)
    tokenize.add_argument("--tokenizer", type=Path, required=True)
    tokenize.add_argument("--out", type=Path, required=True)
    tokenize.add_argument("--max-length", type=int, default=512)
    tokenize.add_argument("--text-field", default="text")
    tokenize.add_argument(
        "--assume-scrubbed",
        action="store_true",
        help="accept input without a matching scrub manifest (text scrubbed by other means)",
    )
    tokenize.set_defaults(handler=_tokenize)
    return parser


def _families(text: str) -> tuple[str, ...]:
    from report_deid.synth import FAMILIES, TEST_FAMILIES, TRAIN_FAMILIES

    named = {"train": TRAIN_FAMILIES, "test": TEST_FAMILIES, "all": tuple(FAMILIES)}
    return named.get(text, tuple(part.strip() for part in text.split(",")))


def _synth(args: argparse.Namespace) -> int:
    from report_deid.corpus_io import write_records
    from report_deid.synth import KL_BALANCED, KL_HOSPITAL, synth_reports

    distribution = KL_HOSPITAL if args.kl_distribution == "hospital" else KL_BALANCED
    records = synth_reports(
        args.n, args.seed, families=_families(args.families), kl_distribution=distribution
    )
    count = write_records(records, args.out)
    print(f"wrote {count} synthetic reports to {args.out}", file=sys.stderr)
    return 0


def _scrub(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from report_deid import __version__
    from report_deid.corpus_io import RecordError, iter_records, write_records
    from report_deid.errors import InputFormatError
    from report_deid.record_ids import RecordIds
    from report_deid.scrub_manifest import write_manifest
    from report_deid.scrubber import Scrubber

    scrubber = Scrubber(
        args.spacy_model,
        single_placeholder=args.single_placeholder,
        presidio_recognizers=args.presidio_recognizers,
    )
    ids = RecordIds()
    totals: Counter[str] = Counter()
    errors: list[dict[str, object]] = []
    lines: list[tuple[int, str]] = []  # line and hashed id of each record handed to the writer
    seen = 0
    start = time.perf_counter()

    def scrubbed():  # type: ignore[no-untyped-def]
        nonlocal seen
        for line, item in tqdm(
            iter_records(args.input), desc="scrub", unit="report", file=sys.stderr, mininterval=5
        ):
            seen += 1
            if isinstance(item, RecordError):
                errors.append({"line": line, "record": "", "error": item.reason})
                continue
            ident = ids.hashed(item["id"]) if "id" in item else ""
            try:
                record, counts = scrubber.scrub_record(item, args.text_field)
            except InputFormatError as exc:
                errors.append({"line": line, "record": ident, "error": str(exc)})
                continue
            totals.update(counts)
            lines.append((line, ident))
            yield record

    def unwritable(position: int, reason: str) -> None:
        line, ident = lines[position]
        errors.append({"line": line, "record": ident, "error": f"not written: {reason}"})

    written = write_records(scrubbed(), args.out, on_error=unwritable)
    seconds = time.perf_counter() - start
    manifest = write_manifest(
        args.out, text_field=args.text_field, records=written, version=__version__
    )
    audit = args.out.with_name(f"{args.out.stem}.audit.csv")
    _write_csv(
        audit,
        ["entity_type", "count"],
        [{"entity_type": k, "count": v} for k, v in sorted(totals.items())],
    )
    error_file = args.out.with_name(f"{args.out.stem}.errors.csv")
    if errors:
        _write_csv(
            error_file, ["line", "record", "error"], sorted(errors, key=lambda e: int(e["line"]))
        )
    else:
        error_file.unlink(missing_ok=True)
    print(
        f"scrubbed {written} of {seen} reports in {seconds:.1f} s "
        f"({written / max(seconds, 1e-9):.0f}/s) -> {args.out}; audit -> {audit}; manifest -> {manifest}; "
        f"skipped {len(errors)}" + (f" (see {error_file})" if errors else ""),
        file=sys.stderr,
    )
    return 0 if written or not seen else 1


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    import csv

    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _evaluate(args: argparse.Namespace) -> int:
    from report_deid.allow_list import allowed_spans
    from report_deid.corpus_io import read_records
    from report_deid.evaluation import evaluate, over_redaction
    from report_deid.synth import clean_reports

    detect = _detector(args.engine, args.spacy_model)
    start = time.perf_counter()
    records = list(read_records(args.gold))
    result = evaluate(records, detect, n_bootstrap=args.bootstrap)
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["engine"] = args.engine if args.spacy_model is None else f"{args.engine}+spacy"
    result["over_redaction"] = over_redaction(
        clean_reports(args.clean_n, 12345), detect, allowed_spans
    )
    print(json.dumps(result, indent=2))
    return 0


def _detector(engine: str, spacy_model: Path | None):  # type: ignore[no-untyped-def]
    if engine == "scrubadub":
        from report_deid.baselines import scrubadub_detector

        return scrubadub_detector()
    from report_deid.scrubber import Scrubber

    scrubber = Scrubber(spacy_model)
    return lambda text: [(d.start, d.end, d.entity_type) for d in scrubber.detect(text)]


def _train_tokenizer(args: argparse.Namespace) -> int:
    from report_deid.corpus_io import read_texts
    from report_deid.text_prep import clean_text
    from report_deid.tokenization import train_wordpiece

    tokenizer = train_wordpiece(
        (clean_text(t) for t in read_texts(args.corpus, args.text_field)), args.out, args.vocab_size
    )
    print(
        f"trained a WordPiece vocabulary of {len(tokenizer)} tokens -> {args.out}", file=sys.stderr
    )
    return 0


def _tokenize(args: argparse.Namespace) -> int:
    import pandas as pd

    from report_deid.corpus_io import read_records
    from report_deid.errors import InputFormatError
    from report_deid.scrub_manifest import require_scrubbed
    from report_deid.text_prep import prepare_sentences
    from report_deid.tokenization import encode_reports, load_tokenizer

    if args.out.suffix.lower() != ".parquet":
        raise InputFormatError(f"{args.out}: the report corpus is written as .parquet")
    if not args.input.is_file():
        raise InputFormatError(f"{args.input} does not exist")
    if not args.assume_scrubbed:
        require_scrubbed(args.input, args.text_field)
    tokenizer = load_tokenizer(args.tokenizer, args.max_length)
    records = list(read_records(args.input))
    sentences = []
    for position, record in enumerate(records):
        value = record.get(args.text_field)
        if not isinstance(value, str):
            raise InputFormatError(f"record #{position} has no text field {args.text_field!r}")
        sentences.append(prepare_sentences(value))
    encoded = encode_reports(tokenizer, sentences, args.max_length)
    frame = pd.DataFrame(
        {
            "report_id": [str(r.get("report_id", r.get("id", i))) for i, r in enumerate(records)],
            "impression": [" ".join(s) for s in sentences],
            "sentences": sentences,
            "input_ids": [e["input_ids"] for e in encoded],
            "attention_mask": [e["attention_mask"] for e in encoded],
            "sentence_spans": [e["sentence_spans"] for e in encoded],
        }
    )
    for column in ("image_id", "image_ids", "kl", "side"):
        if records and column in records[0]:
            frame[column] = [r.get(column) for r in records]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, args.out)
    finally:
        tmp.unlink(missing_ok=True)
    truncated = sum(len(ids) >= args.max_length for ids in frame["input_ids"])
    print(
        f"tokenized {len(frame)} reports ({truncated} truncated at {args.max_length}) -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
