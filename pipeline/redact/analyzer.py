"""Build Presidio's analyzer from validated redaction settings (one engine per process).

spaCy is loaded once with only its NER pipe, texts go through `nlp.pipe` in batches, and the
resulting NlpArtifacts are handed to `AnalyzerEngine.analyze(nlp_artifacts=...)`, so the model
never runs twice on a text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import presidio_analyzer.predefined_recognizers as predefined
import regex
import spacy
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.tokens import Doc

from pipeline.errors import ConfigError
from pipeline.redact import recognizers as casebundle_recognizers
from pipeline.redact.names import read_first_names
from pipeline.redact.patterns import CASE_SENSITIVE
from pipeline.redact.recognizers.lean import LeanPatternRecognizer, lean
from pipeline.redact.settings import (
    RecognizerRule,
    RedactionSettings,
    check_model_installed,
)


class LocalSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine that never downloads and loads only the pipes we need."""

    def __init__(self, settings: RedactionSettings, rules_path: Path) -> None:
        self._settings = settings
        self._rules_path = rules_path
        super().__init__(
            models=[{"lang_code": settings.nlp.language, "model_name": settings.nlp.model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(settings.nlp.entity_mapping),
                default_score=settings.nlp.ner_score,
                low_score_entity_names=[],
            ),
        )

    def load(self) -> None:
        nlp_cfg = self._settings.nlp
        check_model_installed(nlp_cfg.model, self._rules_path)
        nlp = spacy.load(nlp_cfg.model, exclude=list(nlp_cfg.exclude_pipes))
        if "ner" not in nlp.pipe_names:
            raise ConfigError(str(self._rules_path),
                              f"nlp.exclude_pipes leaves model {nlp_cfg.model!r} without 'ner'.",
                              "do not exclude the ner pipe.")
        labels = set(nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]
        # labels we do not map are dropped quietly instead of logged one by one
        self.ner_model_configuration.labels_to_ignore = sorted(
            labels - set(nlp_cfg.entity_mapping)
        )
        self.nlp = {nlp_cfg.language: nlp}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        ents = list(doc.ents)  # spaCy builds doc.ents anew on every access
        entities, scores = self._get_updated_entities(
            ents, [self._settings.nlp.ner_score] * len(ents))
        if not self._settings.nlp.context_enhancement:
            # nothing reads lemmas or token offsets without context enhancement; skip them
            return NlpArtifacts(entities=entities, tokens=doc, tokens_indices=[], lemmas=[],
                                nlp_engine=self, language=language, scores=scores)
        # without the lemmatizer, lemmas are empty; context words then match lower-cased tokens
        return NlpArtifacts(entities=entities, tokens=doc,
                            tokens_indices=[t.idx for t in doc],
                            lemmas=[t.lemma_ or t.lower_ for t in doc],
                            nlp_engine=self, language=language, scores=scores)


class _Analyzer(AnalyzerEngine):
    """AnalyzerEngine that skips the per-recognizer context pass when enhancement is off,
    and works out the supported entities once (Presidio does it again on every call)."""

    _entities: dict[tuple[str | None, tuple[int, ...]], list[str]]

    def get_supported_entities(self, language: str | None = None) -> list[str]:
        if not hasattr(self, "_entities"):
            self._entities = {}
        # the registry is not changed after load; the answer is kept for its recognizers
        key = (language, tuple(map(id, self.registry.recognizers)))
        if key not in self._entities:
            self._entities[key] = super().get_supported_entities(language)
        return list(self._entities[key])

    def _enhance_using_context(self, text: str, raw_results: list[RecognizerResult],
                               nlp_artifacts: NlpArtifacts, recognizers: list[EntityRecognizer],
                               context: list[str] | None = None) -> list[RecognizerResult]:
        if isinstance(self.context_aware_enhancer, NoContextEnhancer):
            return raw_results
        return super()._enhance_using_context(text, raw_results, nlp_artifacts, recognizers,
                                              context)


class NoContextEnhancer(ContextAwareEnhancer):
    """Leaves scores as the recognizers gave them (nlp.context_enhancement: false)."""

    def __init__(self) -> None:
        super().__init__(context_similarity_factor=0.0, min_score_with_context_similarity=0.0,
                         context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult],
                              nlp_artifacts: NlpArtifacts, recognizers: list[EntityRecognizer],
                              context: list[str] | None = None) -> list[RecognizerResult]:
        return raw_results


def _build_recognizer(rule: RecognizerRule, settings: RedactionSettings,
                      rules_path: Path) -> EntityRecognizer:
    lang = settings.nlp.language
    kwargs: dict[str, Any] = {"supported_language": lang}
    if rule.type == "pattern":
        assert rule.entity is not None  # checked by RecognizerRule
        pattern_recognizer = LeanPatternRecognizer(
            supported_entity=rule.entity,
            name=rule.name,
            supported_language=lang,
            patterns=[Pattern(p.name, p.regex, p.score) for p in rule.patterns],
            context=list(rule.context or ()),
            global_regex_flags=(CASE_SENSITIVE if rule.case_sensitive
                                else CASE_SENSITIVE | regex.IGNORECASE),
        )
        pattern_recognizer.needs = MappingProxyType(
            {p.name: p.needs for p in rule.patterns if p.needs})
        return pattern_recognizer
    cls_name = rule.python_class
    if rule.type == "casebundle":
        cls = getattr(casebundle_recognizers, cls_name)
        if cls_name == "ContextNameRecognizer":
            return cls(settings.names, read_first_names(settings, rules_path), **kwargs)
        if cls_name == "UkAddressRecognizer":
            return cls(settings.address, titles=settings.names.titles,
                       first_names=read_first_names(settings, rules_path), **kwargs)
    else:
        cls = getattr(predefined, cls_name, None)
        if not (isinstance(cls, type) and issubclass(cls, EntityRecognizer)):
            raise ConfigError(str(rules_path), f"recognizers: {rule.name!r} names no Presidio "
                              f"predefined recognizer ({cls_name!r}).",
                              "check the spelling against presidio_analyzer.predefined_recognizers.")
        cls = lean(cls)  # Presidio's own pattern classes, with the cheaper loop
        if cls is SpacyRecognizer:
            kwargs["supported_entities"] = sorted(set(settings.nlp.entity_mapping.values()))
            kwargs["ner_strength"] = settings.nlp.ner_score
    if rule.context is not None:
        kwargs["context"] = list(rule.context)
    recognizer: EntityRecognizer = cls(**kwargs)
    if rule.name != cls_name or rule.type == "casebundle":
        recognizer.name = rule.name  # type: ignore[has-type]
    if rule.case_sensitive:
        if not isinstance(recognizer, PatternRecognizer):
            raise ConfigError(str(rules_path), f"recognizers: {rule.name!r} is not a pattern "
                              "recognizer, so case_sensitive does not apply.",
                              "remove case_sensitive.")
        recognizer.global_regex_flags = CASE_SENSITIVE
    return recognizer


def build_recognizers(settings: RedactionSettings, rules_path: Path) -> list[EntityRecognizer]:
    """The enabled recognizers, in config order."""
    recs = [_build_recognizer(r, settings, rules_path) for r in settings.recognizers if r.enabled]
    missing = sorted(
        {e for r in recs for e in r.supported_entities}
        - set(settings.placeholders) - {settings.person_entity}
    )
    if missing:
        raise ConfigError(str(rules_path), f"placeholders: no placeholder for {', '.join(missing)}.",
                          "add one under 'placeholders'.")
    return recs


def build_analyzer(settings: RedactionSettings, rules_path: Path) -> AnalyzerEngine:
    """An AnalyzerEngine with only the configured recognizers, on a local spaCy model."""
    nlp_engine = LocalSpacyNlpEngine(settings, rules_path)
    nlp_engine.load()
    registry = RecognizerRegistry(recognizers=build_recognizers(settings, rules_path),
                                  supported_languages=[settings.nlp.language])
    return _Analyzer(
        registry=registry, nlp_engine=nlp_engine, supported_languages=[settings.nlp.language],
        context_aware_enhancer=(None if settings.nlp.context_enhancement
                                else NoContextEnhancer()),
    )


def nlp_batch(analyzer: AnalyzerEngine, texts: Sequence[str], language: str,
              batch_size: int) -> list[NlpArtifacts | None]:
    """NlpArtifacts for each text via nlp.pipe; a text whose NLP fails gets None."""
    engine = analyzer.nlp_engine
    try:
        return [art for _, art in engine.process_batch(
            list(texts), language, batch_size=batch_size)]
    except Exception:  # noqa: BLE001 - fall back to one text at a time, fail closed per text
        out: list[NlpArtifacts | None] = []
        for text in texts:
            try:
                out.append(engine.process_text(text, language))
            except Exception:  # noqa: BLE001
                out.append(None)
        return out
