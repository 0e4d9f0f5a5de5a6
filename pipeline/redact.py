"""Redaction: remove third-party identifiers from a family's free text before it is bundled.

One Presidio engine per process (`load_redactor`). For each family, spaCy runs once per text
through `nlp.pipe`; Presidio's recognizers then run on the precomputed NLP artifacts. People
the meeting is about keep their names; every other person becomes a consistent pseudonym, and
contact details and identifiers become typed placeholders for everyone (docs/redaction.md).

Fail closed: a text whose analysis raises comes back with failed=True and text=None. Log lines
and exceptions carry item ids and exception types, never text.
"""

from __future__ import annotations

import atexit
import functools
import logging
import multiprocessing
import multiprocessing.pool
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import regex
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import ConfigError, RedactionError
from pipeline.models import EntityCount, RedactedText
from pipeline.recognizers import BARE_STREET, read_first_names
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
#: the recognizer name reported for names found by the family-wide second pass
FAMILY_PASS = "FamilyNamePass"
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)")


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
        self._normaliser = NameNormaliser(settings.names)
        self._priority = {r.name: i for i, r in enumerate(settings.recognizers)}
        self._pool: multiprocessing.pool.Pool | None = None
        self._pool_size = 0
        names = settings.names
        self._first_names = read_first_names(settings, rules_path)
        self._word_names = frozenset(w.casefold() for w in names.word_names)
        self._not_alone = frozenset(w.casefold() for w in names.not_alone)
        self._subject_verbs = frozenset(w.casefold() for w in names.subject_verbs)
        #: tokens never spread to other mentions: they are places or ordinary words
        self._not_spread = (frozenset(w.casefold() for w in names.not_names)
                            | {w.casefold() for w in settings.address.street_suffixes}
                            | {w.casefold() for w in names.acronyms})

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
        try:
            self._spread(items, spans, keep)
        except Exception as exc:  # noqa: BLE001 - fail closed for the whole family
            logger.warning("redaction failed for family %s (%s); sent to review",
                           family.family_ref, type(exc).__name__)
            spans = {}
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

    @property
    def processes(self) -> int:
        """Worker processes `redact_families` uses: `processes` in YAML, capped at the cores
        this process may run on."""
        return max(1, min(self.settings.processes, len(os.sched_getaffinity(0))))

    def redact_families(self, families: Sequence[FamilyText],
                        processes: int | None = None) -> list[FamilyRedaction]:
        """`redact_family` for many families, in order, on up to `processes` cores.

        With more than one process, a pool of forked workers (each with a copy of this
        engine, loaded once) redacts whole families; the output is the same as in process.
        If the pool breaks, the families are redacted here instead.
        """
        n = self.processes if processes is None else max(1, processes)
        if n == 1 or len(families) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return [self.redact_family(f) for f in families]
        try:
            pool = self._get_pool(n)
            chunk = max(1, len(families) // (n * 4))
            return pool.map(_redact_in_worker, families, chunksize=chunk)
        except Exception as exc:  # noqa: BLE001 - a broken pool must not stop redaction
            logger.warning("redaction pool failed (%s); redacting in process",
                           type(exc).__name__)
            self.close()
            return [self.redact_family(f) for f in families]

    def _get_pool(self, n: int) -> multiprocessing.pool.Pool:
        if self._pool is None or self._pool_size != n:
            self.close()
            global _WORKER  # noqa: PLW0603 - the forked workers inherit this engine
            _WORKER = self
            self._pool = multiprocessing.get_context("fork").Pool(n)
            self._pool_size = n
            atexit.register(self.close)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes of `redact_families`, if any."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    # --- analysis ------------------------------------------------------------------------

    def _find(self, text: str, artifacts: NlpArtifacts, keep: KeepList) -> list[_Span]:
        """Spans to replace: identifiers merged, names outside them checked against the keep list."""
        # entities=None means every loaded recognizer (all of them are ours), and skips
        # Presidio's per-entity recognizer lookup on every call
        # return_decision_process keeps each result's pattern name (see _kept_street)
        results = self._analyzer.analyze(text=text, language=self.settings.nlp.language,
                                         nlp_artifacts=artifacts, score_threshold=0.0,
                                         return_decision_process=True)
        results = [r for r in results if r.score >= self.settings.threshold(r.entity_type)]
        person = self.settings.person_entity
        out = []
        ids = _merge([(r.start, r.end, r) for r in results
                      if r.entity_type != person and not self._kept_street(text, r, keep)])
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
            best = max(group, key=lambda r: (r.score, -self._rank(r)))
            for s, e in self._split_kept(text, span, keep):
                tokens = self._normaliser.tokens(text[s:e])
                if tokens and not keep.keeps(tokens):
                    out.append(_Span(s, e, person, self._name(best), tokens))
        return sorted(out, key=lambda s: s.start)

    def _kept_street(self, text: str, result: RecognizerResult, keep: KeepList) -> bool:
        """A street name without a number that is a family member's name ("Kelly Hill")."""
        explanation = result.analysis_explanation
        if explanation is None or explanation.pattern_name != BARE_STREET:
            return False
        return keep.keeps(self._normaliser.tokens(text[result.start:result.end]))

    def _name_like(self, word: str) -> bool:
        folded = word.casefold()
        return not word.islower() or folded in self._first_names

    def _split_kept(self, text: str, span: tuple[int, int],
                    keep: KeepList) -> list[tuple[int, int]]:
        """Split a name span that runs a kept name into other words ("carly bartlett rang re
        repairs", "jason threatened chloe"), so the family member's name survives.

        Split only where the kept words stand apart: next to ordinary lower-case words, or
        forming a whole kept name. "Jean Harrow" with a family member Jean stays one name.
        """
        words = [m.span() for m in _WORD.finditer(text, *span)]
        kept_tokens = keep.tokens()
        kinds = []
        for s, e in words:
            toks = self._normaliser.tokens(text[s:e])
            kinds.append("drop" if not toks else "kept" if toks[0] in kept_tokens else "other")
        if "kept" not in kinds:
            return [span]
        runs: list[tuple[int, int]] = []  # [first, last] word indices of each kept run
        for i, kind in enumerate(kinds):
            if kind == "kept":
                if runs and runs[-1][1] == i - 1:
                    runs[-1] = (runs[-1][0], i)
                else:
                    runs.append((i, i))
        if "other" not in kinds:
            # "kim robinson rang re frances": two kept names with verbs between them
            separate = len(runs) > 1 and all(
                keep.keeps(self._normaliser.tokens(text[words[a][0]:words[b][1]]))
                for a, b in runs)
            return [] if separate else [span]
        for a, b in runs:
            run_tokens = self._normaliser.tokens(text[words[a][0]:words[b][1]])
            whole = len(run_tokens) >= 2 and keep.keeps(run_tokens)
            neighbours = [words[i] for i in (a - 1, b + 1) if 0 <= i < len(words)]
            if not whole and any(self._name_like(text[s:e]) for s, e in neighbours):
                return [span]  # the kept word may be part of another person's name
        out = []
        i = 0
        while i < len(words):
            if kinds[i] == "kept":
                i += 1
                continue
            j = i
            while j + 1 < len(words) and kinds[j + 1] != "kept":
                j += 1
            piece = [w for w in words[i:j + 1]]
            # ordinary lower-case words at the ends are not part of a name
            while piece and not self._name_like(text[piece[0][0]:piece[0][1]]):
                piece.pop(0)
            while piece and not self._name_like(text[piece[-1][0]:piece[-1][1]]):
                piece.pop()
            if piece:
                trimmed = self._name_span(text, piece[0][0], piece[-1][1])
                if trimmed:
                    out.append(trimmed)
            i = j + 1
        return out

    # --- second pass over the family ------------------------------------------------------

    def _spread(self, items: list[RedactionInput], spans: dict[str, list[_Span]],
                keep: KeepList) -> None:
        """Once a third party is found by full name, remove their first name and surname
        wherever else they appear in the family's texts ("Jordan" after "Jordan PIKE").

        A token is spread only as written with a capital (Title case or ALL CAPS): lower case
        it may be an ordinary word. The whole name also matches in lower case ("bill davies").
        Kept tokens, places, acronyms and ordinary words are never spread.
        """
        person = self.settings.person_entity
        kept = keep.tokens()
        singles: set[str] = set()
        fulls: set[tuple[str, str]] = set()
        texts = {i.key: i.text for i in items}
        for key, found in spans.items():
            for s in found:
                if s.entity != person or len(s.tokens) < 2:
                    continue
                fulls.add((s.tokens[0], s.tokens[-1]))
                for m in _WORD.finditer(texts[key], s.start, s.end):
                    word = m.group()
                    toks = self._normaliser.tokens(word)
                    if (toks and self._name_like(word) and toks[0] not in kept
                            and toks[0] not in self._not_spread):
                        singles.add(toks[0])
        if not singles and not fulls:
            return
        alternatives = [rf"{regex.escape(a)}[ \t]+{regex.escape(b)}" for a, b in sorted(fulls)]
        alternatives += [regex.escape(t) for t in sorted(singles, key=len, reverse=True)]
        # whole words; "Jordan's" matches, the "O" of "O'Neill" does not
        pattern = regex.compile(rf"(?<![\w-])(?<!\w['’])({'|'.join(alternatives)})"
                                r"(?![\w-])(?!['’](?!s\b))", regex.IGNORECASE)
        for item in items:
            current = spans.get(item.key)
            if current is None:
                continue
            result = list(current)
            changed = False
            for m in pattern.finditer(item.text):
                start, end = m.span(1)
                inside = [s for s in result if start < s.end and s.start < end]
                # a whole name may absorb the names found inside it ("gavin" in "gavin
                # pettifer"); anything else already there wins
                if any(s.entity != person or s.start < start or s.end > end for s in inside):
                    continue
                if len(inside) == 1 and (inside[0].start, inside[0].end) == (start, end):
                    continue
                if not self._spread_ok(item.text, start, end):
                    continue
                tokens = self._normaliser.tokens(m.group(1))
                if not tokens or keep.keeps(tokens):
                    continue
                result = [s for s in result if s not in inside]
                result.append(_Span(start, end, person, FAMILY_PASS, tokens))
                changed = True
            if changed:
                spans[item.key] = sorted(result, key=lambda s: s.start)

    def _spread_ok(self, text: str, start: int, end: int) -> bool:
        word = text[start:end]
        if " " in word or "\t" in word:
            return True  # a whole name
        if word.isupper() and len(word) > 1:
            return True
        if not word[:1].isupper():
            return False
        folded = word.casefold()
        if folded not in self._word_names:
            return True
        if folded in self._not_alone:
            return False
        # "Will ring back" at the start of a sentence is the verb; "Rose said" is the name
        before = text[:start].rstrip(" \t")
        if before and before[-1] not in ".!?:;\"'‘“(\n":
            return True
        nxt = _NEXT_WORD.match(text, end)
        return bool(nxt) and (nxt.group(1) in self._subject_verbs  # type: ignore[union-attr]
                              or nxt.group(1).endswith("ed"))  # type: ignore[union-attr]

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
        """Replace every span, right to left, with its pseudonym or placeholder.

        The spans never overlap (identifiers are merged, names are cut around them), so this
        is what Presidio's AnonymizerEngine "replace" operator does, without its per-call
        set-up, which cost a tenth of the run.
        """
        counts: Counter[tuple[str, str]] = Counter()
        text = item.text
        end = len(text)
        for s in sorted(spans, key=lambda s: s.start, reverse=True):
            if s.end > end:
                raise RedactionError(f"item {item.item_id}: overlapping spans")
            if s.entity == self.settings.person_entity:
                value = pseudonyms[(item.key, s.start)]
            else:
                value = self.settings.placeholders.get(s.entity, "[redacted]")
            text = text[:s.start] + value + text[s.end:]
            end = s.start
            counts[(s.entity, s.recognizer)] += 1
        summary = tuple(EntityCount(entity_type=e, count=n, recognizer=r)
                        for (e, r), n in sorted(counts.items()))
        return RedactedText(item_id=item.item_id, text=text, summary=summary)


#: the engine a forked redact_families worker uses (set in the parent before forking)
_WORKER: Redactor | None = None


def _redact_in_worker(family: FamilyText) -> FamilyRedaction:
    if _WORKER is None:
        raise RedactionError("redaction worker started without an engine")
    return _WORKER.redact_family(family)


@functools.cache
def _load(path: str) -> Redactor:
    settings = load_settings(Path(path))
    return Redactor(settings, build_analyzer(settings, Path(path)), Path(path))


def load_redactor(path: Path | None = None) -> Redactor:
    """The redaction engine for a rules file (default redaction_rules/redaction.yaml).

    Validates the config before loading anything; cached, so each process loads one engine.
    """
    return _load(str(Path(path or DEFAULT_RULES).resolve()))
