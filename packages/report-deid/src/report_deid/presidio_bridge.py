"""Presidio interoperability (extra ``report-deid[presidio]``; Presidio is imported here only, when used).

Two directions:

- **This package inside Presidio**: :func:`presidio_recognizer` wraps the package's detection engine (rules,
  census lexicon, allow-list, address bridging) as one Presidio ``EntityRecognizer``, so a team that already
  runs a Presidio ``AnalyzerEngine`` adds radiology-report PHI detection with one ``registry.add_recognizer``.
- **Presidio recognizers inside this package**: :class:`PresidioRecognizers` runs a team's own Presidio
  recognizers (a Presidio recognizer YAML file, e.g. an in-house employee-number pattern) and
  ``report-deid scrub --presidio-recognizers FILE.yaml`` adds their spans to the package's own.

Both build the analyzer explicitly so nothing is downloaded (a bare ``AnalyzerEngine()`` asks for
``en_core_web_lg``): the NLP engine is a blank spaCy English tokenizer built in memory, and the context
enhancer is a pass-through (Presidio's lemma enhancer compares every detection with every token window,
quadratic in report length, and changes no decision of these rules). Time stays linear in the report length.
Presidio's ``PatternRecognizer`` is case-insensitive by default; the registry built here passes
``regex.MULTILINE | regex.DOTALL`` only, so a YAML pattern is as case-sensitive as it is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_deid.errors import ModelNotFoundError, ReportDeidError
from report_deid.spans import Detection

if TYPE_CHECKING:
    from report_deid.engine import DetectionEngine

LANGUAGE = "en"
#: Characters a blank tokenizer accepts in one call (it keeps no parser or NER state, so memory is linear).
MAX_CHARS = 100_000_000


def _presidio() -> Any:
    try:
        import presidio_analyzer
    except ImportError as error:
        raise ModelNotFoundError(
            "Presidio is not installed: `pip install 'report-deid[presidio]'` (presidio-analyzer)"
        ) from error
    return presidio_analyzer


def _analyzer(recognizers: list[Any]) -> Any:
    """An offline ``AnalyzerEngine`` over ``recognizers``: blank spaCy tokenizer, no context enhancer."""
    import regex
    import spacy

    presidio = _presidio()
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankSpacyEngine(SpacyNlpEngine):  # type: ignore[misc]
        """Tokenizer only: no model to load or download."""

        def load(self) -> None:
            blank = spacy.blank(LANGUAGE)
            blank.max_length = MAX_CHARS
            self.nlp = {LANGUAGE: blank}

    class PassThroughEnhancer(ContextAwareEnhancer):  # type: ignore[misc]
        """Returns the raw results: scores are final as the recognizers give them."""

        def __init__(self) -> None:
            super().__init__(0.0, 0.0, 0, 0)

        def enhance_using_context(
            self, text, raw_results, nlp_artifacts, recognizers, context=None
        ):  # type: ignore[no-untyped-def]
            return raw_results

    nlp_engine = BlankSpacyEngine(models=[{"lang_code": LANGUAGE, "model_name": "blank"}])
    nlp_engine.load()
    registry = presidio.RecognizerRegistry(
        recognizers=recognizers,
        global_regex_flags=regex.MULTILINE | regex.DOTALL,
        supported_languages=[LANGUAGE],
    )
    return presidio.AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=PassThroughEnhancer(),
    )


def _yaml_recognizers(path: Path) -> list[Any]:
    """Pattern / deny-list recognizers of a Presidio recognizer YAML's ``recognizers:`` entries.

    Presidio's own YAML loader would also register its predefined recognizers, so the entries are read here.
    """
    import regex
    import yaml

    presidio = _presidio()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = document["recognizers"]
        recognizers = [
            presidio.PatternRecognizer.from_dict(
                {**entry, "global_regex_flags": regex.MULTILINE | regex.DOTALL}
            )
            for entry in entries
        ]
    except (
        Exception
    ) as error:  # yaml errors, missing keys, bad entries: one clear message, no content
        raise ReportDeidError(
            f"{path}: not a Presidio recognizer YAML ({type(error).__name__}); expected "
            "`recognizers:` entries with name, supported_entity and patterns or deny_list"
        ) from error
    if not recognizers:
        raise ReportDeidError(f"{path}: defines no recognizer")
    return recognizers


def presidio_recognizer(engine: DetectionEngine | None = None) -> Any:
    """The package's detection engine as one Presidio ``EntityRecognizer`` (entities: the PHI types)."""
    from report_deid.engine import DetectionEngine
    from report_deid.phi_types import PHI_TYPES

    presidio = _presidio()
    detector = engine or DetectionEngine()

    class ReportDeidRecognizer(presidio.EntityRecognizer):  # type: ignore[misc,name-defined]
        """report-deid's rules, lexicon and allow-list behind Presidio's recognizer interface."""

        def load(self) -> None:
            return None

        def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
            wanted = set(entities or PHI_TYPES)
            return [
                presidio.RecognizerResult(d.entity_type, d.start, d.end, d.score)
                for d in detector.detect(text)
                if d.entity_type in wanted
            ]

    return ReportDeidRecognizer(
        supported_entities=list(PHI_TYPES), name="ReportDeidRecognizer", supported_language=LANGUAGE
    )


def presidio_analyzer(engine: DetectionEngine | None = None) -> Any:
    """An offline Presidio ``AnalyzerEngine`` whose only recognizer is this package's engine."""
    return _analyzer([presidio_recognizer(engine)])


class PresidioRecognizers:
    """A team's own Presidio recognizers, from a Presidio recognizer YAML file, as extra detections.

    Args:
        yaml_path: a Presidio recognizer-registry YAML (``recognizers:`` with ``name``,
            ``supported_entity``, ``patterns`` / ``deny_list``; patterns are case-sensitive as written);
            each recognizer's entity must be one of this package's PHI types (so it gets a placeholder),
            e.g. an in-house staff number as ``ID``.
        score_threshold: results scoring below it are dropped.

    Raises:
        ReportDeidError: a missing or unreadable file, or an entity that is not a PHI type.
    """

    def __init__(self, yaml_path: Path, score_threshold: float = 0.4) -> None:
        from report_deid.phi_types import PHI_TYPES

        path = Path(yaml_path)
        if not path.is_file():
            raise ReportDeidError(f"{path}: no such Presidio recognizer file")
        recognizers = _yaml_recognizers(path)
        self.entities = sorted({r.supported_entities[0] for r in recognizers})
        unknown = [e for e in self.entities if e not in PHI_TYPES]
        if unknown:
            raise ReportDeidError(
                f"{path}: entities {unknown} are not PHI types; use one of {', '.join(PHI_TYPES)}"
            )
        self.analyzer = _analyzer(recognizers)
        self.score_threshold = score_threshold

    def detect(self, text: str) -> list[Detection]:
        """The YAML recognizers' spans in ``text`` (strong: a team's own pattern is trusted)."""
        results = self.analyzer.analyze(
            text=text,
            language=LANGUAGE,
            entities=self.entities,
            score_threshold=self.score_threshold,
        )
        return [Detection(r.start, r.end, r.entity_type, float(r.score), True) for r in results]
