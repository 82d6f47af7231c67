"""A Presidio ``AnalyzerEngine`` built explicitly so that it never downloads anything.

- Default: a blank English spaCy pipeline (tokenizer only, no model files) plus a component that sets every
  token's lemma to its lower-case form. Presidio's context enhancer compares lemmas with the recognizers'
  context words, and a blank pipeline's empty lemmas would silently switch it off.
- ``spacy_model=PATH``: a spaCy pipeline loaded from a local directory (``spacy.load(PATH)``, never a package
  name, so nothing is fetched). Its NER adds ``PERSON`` (-> NAME) and ``ORG``/``FAC`` (-> HOSPITAL); every
  other NER label is ignored, so ``KL``, ``MCL`` or ``IMPRESSION`` do not come back as organisations.
- Only this package's recognizers are registered (:mod:`report_deid.recognizers`); Presidio's own e-mail and
  URL recognizers are left out because they call ``tldextract``, which fetches the public-suffix list.
"""

from __future__ import annotations

import logging
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language
from spacy.tokens import Doc

from report_deid.errors import ModelNotFoundError
from report_deid.recognizers import radiology_recognizers

LEMMA_COMPONENT = "report_deid_lower_lemmas"
NER_MAPPING = {"PERSON": "NAME", "PER": "NAME", "ORG": "HOSPITAL", "FAC": "HOSPITAL"}
IGNORED_NER_LABELS = [
    "GPE",
    "LOC",
    "NORP",
    "DATE",
    "TIME",
    "CARDINAL",
    "ORDINAL",
    "QUANTITY",
    "PERCENT",
    "MONEY",
    "PRODUCT",
    "EVENT",
    "LAW",
    "LANGUAGE",
    "WORK_OF_ART",
    "MISC",
]

for _name in ("presidio-analyzer", "presidio-anonymizer"):
    logging.getLogger(_name).setLevel(logging.WARNING)  # Presidio logs analysed text at DEBUG


@Language.component(LEMMA_COMPONENT)
def _lower_lemmas(doc: Doc) -> Doc:
    """Set empty lemmas to the lower-case form of the token."""
    for token in doc:
        if not token.lemma_:
            token.lemma_ = token.lower_
    return doc


class LocalSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading a blank pipeline or a local directory, never downloading."""

    def __init__(self, model_path: Path | None = None) -> None:
        super().__init__(
            models=[
                {"lang_code": "en", "model_name": str(model_path) if model_path else "blank:en"}
            ],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=NER_MAPPING,
                labels_to_ignore=IGNORED_NER_LABELS,
                low_score_entity_names=[],
            ),
        )
        self.model_path = model_path

    def load(self) -> None:
        """Build the pipeline (no network)."""
        if self.model_path is None:
            nlp = spacy.blank("en")
        else:
            if not (self.model_path / "config.cfg").is_file():
                raise ModelNotFoundError(
                    f"{self.model_path} is not a spaCy pipeline directory (no config.cfg); save one with "
                    "nlp.to_disk(PATH) or unpack a model package there"
                )
            nlp = spacy.load(self.model_path)
        if LEMMA_COMPONENT not in nlp.pipe_names:
            nlp.add_pipe(LEMMA_COMPONENT, last=True)
        self.nlp = {"en": nlp}

    @property
    def has_ner(self) -> bool:
        """Whether the loaded pipeline has an entity recognizer (or entity ruler)."""
        nlp = self.nlp["en"] if self.nlp else None
        return bool(nlp) and any(name in ("ner", "entity_ruler") for name in nlp.pipe_names)


def build_analyzer(spacy_model: Path | None = None, score_threshold: float = 0.4) -> AnalyzerEngine:
    """The offline analyzer: radiology recognizers, plus spaCy NER when ``spacy_model`` has one."""
    nlp_engine = LocalSpacyNlpEngine(Path(spacy_model) if spacy_model else None)
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in radiology_recognizers():
        registry.add_recognizer(recognizer)
    if nlp_engine.has_ner:
        registry.add_recognizer(SpacyRecognizer(supported_entities=["NAME", "HOSPITAL"]))
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=score_threshold,
    )
