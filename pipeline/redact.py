"""Redaction: remove third-party identifiers from a family's free text before it is bundled.

One Presidio engine per process (`load_redactor`). For each family, spaCy runs once per text
through `nlp.pipe`; Presidio's recognizers then run on the precomputed NLP artifacts. People
the meeting is about keep their names; every other person becomes a consistent pseudonym, and
contact details and identifiers become typed placeholders for everyone (docs/redaction.md).

Fail closed: a text whose analysis raises comes back with failed=True and text=None. Log lines
and exceptions carry item ids and exception types, never text.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as Replacement
from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import ConfigError, RedactionError
from pipeline.models import EntityCount, RedactedText
from pipeline.redact_config import DEFAULT_RULES, RedactionSettings, load_settings
from pipeline.redact_engine import build_analyzer, nlp_batch
from pipeline.redact_names import KeepList, Mention, NameNormaliser, cluster, escrow_value, letters

__all__ = [
    "FamilyRedaction",
    "FamilyText",
    "RedactionInput",
    "Redactor",
    "ThirdPartyMention",
    "load_redactor",
]

logger = logging.getLogger(__name__)

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_RECOGNIZER = RecognizerResult.RECOGNIZER_NAME_KEY
_WORD = re.compile(r"[\w'’-]+")


class RedactionInput(BaseModel):
    """One free-text field to redact. `key` is unique within the family."""

    model_config = _FROZEN

    key: str
    item_id: str
    agency: str
    text: str = Field(repr=False)


class FamilyText(BaseModel):
    """All of one family's texts, with the names of the people the meeting is about."""

    model_config = _FROZEN

    family_ref: str
    keep_names: tuple[str, ...] = Field(repr=False)
    items: tuple[RedactionInput, ...]
    link_across_agencies: bool


class ThirdPartyMention(BaseModel):
    """A pseudonymised person: which agencies and items mention them (never who they are)."""

    model_config = _FROZEN

    pseudonym: str
    agencies: tuple[str, ...]
    item_ids: tuple[str, ...]


class FamilyRedaction(BaseModel):
    """The redacted texts of one family, by RedactionInput.key."""

    model_config = _FROZEN

    family_ref: str
    texts: dict[str, RedactedText]
    third_parties: tuple[ThirdPartyMention, ...]
    #: pseudonym -> original name; in memory only, for the audit module to encrypt
    escrow: dict[str, str] = Field(repr=False, exclude=True)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    entity: str
    recognizer: str
    tokens: tuple[str, ...] = ()  # normalised name tokens, for PERSON spans


def _merge(spans: list[tuple[int, int, RecognizerResult]],
           ) -> list[tuple[int, int, list[RecognizerResult]]]:
    """Union overlapping spans; each union keeps the results it came from."""
    out: list[tuple[int, int, list[RecognizerResult]]] = []
    for s, e, r in sorted(spans, key=lambda x: (x[0], -x[1])):
        if out and s < out[-1][1]:
            start, end, group = out[-1]
            out[-1] = (start, max(end, e), [*group, r])
        else:
            out.append((s, e, [r]))
    return out


def _subtract(start: int, end: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) outside every hole."""
    parts = [(start, end)]
    for hs, he in holes:
        parts = [p for s, e in parts
                 for p in ((s, min(e, hs)), (max(s, he), e)) if p[0] < p[1]]
    return parts


class Redactor:
    """A loaded redaction engine. Build with `load_redactor`."""

    def __init__(self, settings: RedactionSettings, analyzer: AnalyzerEngine,
                 rules_path: Path) -> None:
        self.settings = settings
        self.rules_path = rules_path
        self._analyzer = analyzer
        self._anonymizer = AnonymizerEngine()
        self._normaliser = NameNormaliser(settings.names)
        self._entities = sorted(analyzer.get_supported_entities(settings.nlp.language))
        self._priority = {r.name: i for i, r in enumerate(settings.recognizers)}

    def link_across_agencies(self, meeting_type: str) -> bool:
        """Whether one pseudonym covers a person across agencies for this meeting type."""
        rules = self.settings.meeting_types.get(meeting_type)  # type: ignore[call-overload]
        if rules is None:
            raise ConfigError(str(self.rules_path),
                              f"meeting_types has no entry for {meeting_type!r}.",
                              "add it with link_across_agencies: true or false.")
        return bool(rules.link_across_agencies)

    def redact_family(self, family: FamilyText) -> FamilyRedaction:
        """Redact every text of one family; consistent pseudonyms across its items."""
        items = sorted(family.items, key=lambda i: i.key)
        keys = [i.key for i in items]
        if len(set(keys)) != len(keys):
            raise RedactionError(f"family {family.family_ref}: item keys must be unique; "
                                 "give each RedactionInput its own key.")
        lang = self.settings.nlp.language
        artifacts = nlp_batch(self._analyzer, [i.text for i in items], lang,
                              self.settings.nlp.batch_size)
        keep = KeepList(family.keep_names, self._normaliser)
        spans: dict[str, list[_Span]] = {}
        for item, art in zip(items, artifacts, strict=True):
            try:
                if art is None:
                    raise RedactionError("NLP failed")
                spans[item.key] = self._find(item.text, art, keep)
            except Exception as exc:  # noqa: BLE001 - fail closed for this text only
                logger.warning("redaction failed for item %s (%s); sent to review",
                               item.item_id, type(exc).__name__)
        pseudonyms, third_parties, escrow = self._pseudonymise(items, spans,
                                                               family.link_across_agencies)
        texts: dict[str, RedactedText] = {}
        for item in items:
            if item.key in spans:
                try:
                    texts[item.key] = self._render(item, spans[item.key], pseudonyms)
                    continue
                except Exception as exc:  # noqa: BLE001 - fail closed
                    logger.warning("redaction failed for item %s (%s); sent to review",
                                   item.item_id, type(exc).__name__)
            texts[item.key] = RedactedText(item_id=item.item_id, text=None, failed=True)
        return FamilyRedaction(family_ref=family.family_ref, texts=texts,
                               third_parties=third_parties, escrow=escrow)

    # --- analysis ------------------------------------------------------------------------

    def _find(self, text: str, artifacts: NlpArtifacts, keep: KeepList) -> list[_Span]:
        """Spans to replace: identifiers merged, names outside them checked against the keep list."""
        results = self._analyzer.analyze(text=text, language=self.settings.nlp.language,
                                         entities=self._entities, nlp_artifacts=artifacts,
                                         score_threshold=0.0)
        results = [r for r in results if r.score >= self.settings.threshold(r.entity_type)]
        person = self.settings.person_entity
        out = []
        ids = _merge([(r.start, r.end, r) for r in results if r.entity_type != person])
        for start, stop, group in ids:
            best = max(group, key=lambda r: (r.score, -self._rank(r)))
            out.append(_Span(start, stop, best.entity_type, self._name(best)))
        # a name overlapping an identifier keeps only its part outside the identifier, so a
        # spaCy span like "Postcode LS1" does not swallow the postcode's placeholder
        pieces = []
        for r in results:
            if r.entity_type == person:
                for s, e in _subtract(r.start, r.end, [(a, b) for a, b, _ in ids]):
                    pieces.append((s, e, r))
        for start, stop, group in _merge(pieces):
            span = self._name_span(text, start, stop)
            if span is None:
                continue
            tokens = self._normaliser.tokens(text[span[0]:span[1]])
            if not tokens or keep.keeps(tokens):
                continue
            best = max(group, key=lambda r: (r.score, -self._rank(r)))
            out.append(_Span(span[0], span[1], person, self._name(best), tokens))
        return sorted(out, key=lambda s: s.start)

    def _name_span(self, text: str, start: int, stop: int) -> tuple[int, int] | None:
        """Trim punctuation, titles and role words from the ends, and a possessive 's."""
        words = [m.span() for m in _WORD.finditer(text, start, stop)]
        while words and not self._normaliser.tokens(text[words[0][0]:words[0][1]]):
            words.pop(0)
        while words and not self._normaliser.tokens(text[words[-1][0]:words[-1][1]]):
            words.pop()
        if not words:
            return None
        s, e = words[0][0], words[-1][1]
        if text[e - 2:e] in ("'s", "’s") and e - 2 > s:
            e -= 2
        return s, e

    @staticmethod
    def _name(result: RecognizerResult) -> str:
        meta = result.recognition_metadata or {}
        return str(meta.get(_RECOGNIZER, "unknown"))

    def _rank(self, result: RecognizerResult) -> int:
        return self._priority.get(self._name(result), len(self._priority))

    # --- pseudonyms ----------------------------------------------------------------------

    def _pseudonymise(
        self, items: list[RedactionInput], spans: dict[str, list[_Span]], linked: bool,
    ) -> tuple[dict[tuple[str, int], str], tuple[ThirdPartyMention, ...], dict[str, str]]:
        scopes: dict[str, list[Mention]] = {}
        for item in items:
            for s in spans.get(item.key, ()):
                if s.entity != self.settings.person_entity:
                    continue
                scope = "" if linked else item.agency
                scopes.setdefault(scope, []).append(Mention(
                    key=item.key, item_id=item.item_id, agency=item.agency, start=s.start,
                    end=s.end, surface=item.text[s.start:s.end], tokens=s.tokens))
        fmt = self.settings.pseudonyms
        by_span: dict[tuple[str, int], str] = {}
        mentions: list[ThirdPartyMention] = []
        escrow: dict[str, str] = {}
        for scope in sorted(scopes):
            for index, group in enumerate(cluster(scopes[scope])):
                pseudonym = (fmt.linked.format(letter=letters(index)) if linked
                             else fmt.per_agency.format(letter=letters(index), agency=scope))
                for m in group:
                    by_span[(m.key, m.start)] = pseudonym
                mentions.append(ThirdPartyMention(
                    pseudonym=pseudonym,
                    agencies=tuple(sorted({m.agency for m in group})),
                    item_ids=tuple(dict.fromkeys(m.item_id for m in group)),
                ))
                escrow[pseudonym] = escrow_value(group)
        return by_span, tuple(mentions), escrow

    # --- output --------------------------------------------------------------------------

    def _render(self, item: RedactionInput, spans: list[_Span],
                pseudonyms: dict[tuple[str, int], str]) -> RedactedText:
        operators: dict[str, OperatorConfig] = {}
        results: list[Replacement] = []
        counts: Counter[tuple[str, str]] = Counter()
        for i, s in enumerate(spans):
            if s.entity == self.settings.person_entity:
                # one entity type per span, so each person gets its own replace operator
                label = f"THIRD_PARTY_{i}"
                operators[label] = OperatorConfig(
                    "replace", {"new_value": pseudonyms[(item.key, s.start)]})
            else:
                label = s.entity
                value = self.settings.placeholders.get(s.entity, "[redacted]")
                operators[label] = OperatorConfig("replace", {"new_value": value})
            results.append(Replacement(label, s.start, s.end, 1.0))
            counts[(s.entity, s.recognizer)] += 1
        text = (self._anonymizer.anonymize(item.text, results, operators).text
                if results else item.text)
        summary = tuple(EntityCount(entity_type=e, count=n, recognizer=r)
                        for (e, r), n in sorted(counts.items()))
        return RedactedText(item_id=item.item_id, text=text, summary=summary)


@functools.cache
def _load(path: str) -> Redactor:
    settings = load_settings(Path(path))
    return Redactor(settings, build_analyzer(settings, Path(path)), Path(path))


def load_redactor(path: Path | None = None) -> Redactor:
    """The redaction engine for a rules file (default redaction_rules/redaction.yaml).

    Validates the config before loading anything; cached, so each process loads one engine.
    """
    return _load(str(Path(path or DEFAULT_RULES).resolve()))
