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
import hashlib
import itertools
import logging
import multiprocessing
import multiprocessing.pool
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import regex
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from pipeline.errors import RedactionError
from pipeline.identity import load_diminutives
from pipeline.models import EntityCount, RedactedText, UnsureSpan
from pipeline.redact.analyzer import build_analyzer, nlp_batch
from pipeline.redact.context import SpanContext, split_at_breaks, split_listed_names
from pipeline.redact.deny import DenyByDefault, is_handle
from pipeline.redact.names import (
    KeepList,
    Mention,
    cluster,
    escrow_value,
    has_vowel,
    letters,
)
from pipeline.redact.recognizers.address import BARE_STREET
from pipeline.redact.settings import (
    DEFAULT_RULES,
    RedactionSettings,
    link_across_agencies,
    load_settings,
    name_words_path,
)
from pipeline.redact.spans import (
    HANDLE,
    NameSpans,
    Span,
    merge_spans,
    subtract_spans,
    whole_hyphenated,
)
from pipeline.redact.types import (
    UNEXPLAINED,
    FamilyRedaction,
    FamilyText,
    RedactionInput,
    ThirdPartyMention,
)
from pipeline.redact.vocabulary import Vocabulary, read_word_file

logger = logging.getLogger(__name__)

#: a word and a bracketed name just after it: "HOSSAIN (Jamal)", "Maria (Maria Szabo)"
_BRACKETED = regex.compile(
    r"(?<![\p{L}\p{M}'’-])(\p{Lu}[\p{L}\p{M}'’-]+)[ \t]*\((\p{Lu}[\p{L}\p{M}'’-]*"
    r"(?:[ \t]+\p{Lu}[\p{L}\p{M}'’-]*){0,2})\)")
#: a full numeric date (day, month, year of two or four digits)
_FULL_DATE = regex.compile(r"(?<![\d/.\-])\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?![\d/.\-])")
#: a full date written another way, with a four-digit year: "2010-04-04", "19-Feb-1988",
#: "3 October 2011" (issue 11, heldout15 class)
_OTHER_FULL_DATE = regex.compile(
    r"(?<![\d/.\-])(?:(?:19|20)\d{2}-\d{1,2}-\d{1,2}|\d{1,2}[\-/ ](?i:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[\-/ ](?:19|20)\d{2})(?![\d/\-]|\.\d)")
#: what may stand between a name and the date of birth after it
_NAME_DATE_GAP = regex.compile(r"(?:[ \t]*[,|(][ \t]*|[ \t]+)\Z")
#: the same with what a record puts between them: a gloss of the name in brackets, an
#: age or a school year, a role before the date in one bracket ("Yui Sato (ゆい), 2023-07-19",
#: "Inga Flett, 40, (11-Mar-1985)", "Lilit (Լիլիթ), Year 6, 2014-04-30", "DONOGHUE, Fergal
#: (neighbour, 1972-06-06)"; issue 11, heldout15 class)
_NAME_GLOSS_DATE_GAP = regex.compile(
    r"(?:[ \t]*\([^()\n]{1,24}\))?"
    r"(?:[ \t]*,[ \t]*(?:(?i:aged?)[ \t]+)?\d{1,3}|[ \t]*,[ \t]*(?i:year|yr|y)[ \t]*\d{1,2})?"
    r"(?:[ \t]*,[ \t]*\(?|[ \t]*\([ \t]*(?:\p{Ll}+[ \t]*,[ \t]*)?)[ \t]*\Z")
_LAST_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*\Z")
#: a name in police style just before: an ALL-CAPS surname, then maybe a comma and a forename
_POLICE_NAME = regex.compile(r"(?<![\p{L}'’-])\p{Lu}{2,}[\p{Lu}'’-]*(?:,?[ \t]+\p{Lu}[\p{L}'’-]*)?\Z")
#: a relative who may share the surname, right after a person ("Mads's dad")
#: "mr beevers -- no relation", "SMITH (no relation)", "Mr Lau (father of the worker)": a
#: lone name said to be someone else than the person of that name (issue 11, heldout10
#: class)
_NO_RELATION = regex.compile(
    r"[ \t]*(?:[,(\-\u2013\u2014:;][ \t]*){0,3}(?i:no[ \t]+relation|not[ \t]+related|"
    r"unrelated|no[ \t]+relative|(?:father|mother|dad|mum|brother|sister|son|daughter|uncle|"
    r"aunt|auntie|wife|husband|grandfather|grandmother|grandad|nan|cousin|stepfather|"
    r"stepmother)[ \t]+of)\b")
_KIN_AFTER = regex.compile(r"['’]s?[ \t]+(?:dad|father|mum|mother|brother|sister|son|daughter|"
                           r"uncle|aunt|auntie|grandad|grandfather|nan|grandmother|cousin|"
                           r"stepdad|stepmum|wife|husband|parents|family)\b", regex.IGNORECASE)
#: the word straight after a name, and a police-style "SURNAME, " straight before one
_WORD_AFTER = regex.compile(r"[ \t]+(\p{L}[\p{L}\p{M}'’-]*)(?![\p{L}\p{M}])")
_CAPS_BEFORE = regex.compile(
    r"(?<![\p{L}\p{M}'’-])((?:Mac|Mc|O['’])?\p{Lu}[\p{Lu}\p{M}'’-]+),[ \t]+\Z")
#: between a one-word name and another in brackets ("Kerry (Dunmore)", "Ayo's (Fashola)"),
#: and the bracket closing straight after the second
_BRACKET_GAP = regex.compile(r"(?:['’]s)?[ \t]*\([ \t]*")
_BRACKET_CLOSE = regex.compile(r"[ \t]*\)")
#: a size or age word written before a name as street nicknames go ("Big Harry", "Lil Kai")
_SIZE_BEFORE = regex.compile(r"(?<![\p{L}\p{N}-])(Big|Little|Lil|Lil'|Young|Yung|Lickle)[ \t]+\Z")

_RECOGNIZER = RecognizerResult.RECOGNIZER_NAME_KEY

#: how `Redactor.redact_families` last ran: in worker processes, in this process by choice
#: (one process or one family), or in this process because the pool broke
FamiliesPath = Literal["pool", "in_process", "fallback"]


class Redactor(NameSpans):
    """A loaded redaction engine. Build with `load_redactor`.

    Name-span trimming and the family-wide second pass come from NameSpans
    (pipeline/redact/spans.py).
    """

    def __init__(self, settings: RedactionSettings, analyzer: AnalyzerEngine,
                 rules_path: Path) -> None:
        super().__init__(settings, rules_path)
        self.rules_path = rules_path
        self._analyzer = analyzer
        self._priority = {r.name: i for i, r in enumerate(settings.recognizers)}
        self._context = SpanContext(settings)
        self._pool: multiprocessing.pool.Pool | None = None
        self._pool_size = 0
        #: how the last `redact_families` call ran, and how often the pool has broken
        self.last_families_path: FamiliesPath | None = None
        self.pool_failures = 0
        self._deny: DenyByDefault | None = None
        dims = rules_path.parent / "diminutives.yaml"
        #: first-name forms ("ray" = "raymond", "dom" = "dominic"): the identity rules' table
        self._diminutives = load_diminutives(dims if dims.is_file() else None)
        self._acronyms = frozenset(settings.names.acronyms)
        self._vocab: Vocabulary | None = None
        if settings.deny.enabled:
            self._vocab = Vocabulary(settings.deny, self._first_names,
                                     read_word_file(str(name_words_path(settings, rules_path))))
            self._deny = DenyByDefault(settings, self._vocab, self._normaliser,
                                       diminutive=self._known_diminutive)

    def link_across_agencies(self, meeting_type: str) -> bool:
        """Whether one pseudonym covers a person across agencies for this meeting type."""
        return link_across_agencies(self.settings, self.rules_path, meeting_type)

    def redact_family(self, family: FamilyText,
                      artifacts: Sequence[NlpArtifacts | None] | None = None,
                      ) -> FamilyRedaction:
        """Redact every text of one family; consistent pseudonyms across its items.

        `artifacts` are the texts' NLP results in item-key order when the caller ran spaCy
        over many families at once (`redact_families`); by default they are made here.
        """
        items = sorted(family.items, key=lambda i: i.key)
        keys = [i.key for i in items]
        if len(set(keys)) != len(keys):
            raise RedactionError(f"family {family.family_ref}: item keys must be unique; "
                                 "give each RedactionInput its own key.")
        if artifacts is None or len(artifacts) != len(items):
            artifacts = nlp_batch(self._analyzer, [i.text for i in items],
                                  self.settings.nlp.language, self.settings.nlp.batch_size)
        keep = KeepList(family.keep_names, self._normaliser)
        known = frozenset(w.casefold() for w in family.known_words)
        spans: dict[str, list[Span]] = {}
        for item, art in zip(items, artifacts, strict=True):
            try:
                if art is None:
                    raise RedactionError("NLP failed")
                spans[item.key] = self._find(item.text, art, keep, known,
                                             frozenset(w.casefold() for w in item.restored))
            except Exception as exc:  # noqa: BLE001 - fail closed for this text only
                logger.warning("redaction failed for item %s (%s); sent to review",
                               item.item_id, type(exc).__name__)
        try:
            self._spread(items, spans, keep)
            if self._deny is not None:
                self._shared_names(items, spans, keep)
            for item in items:
                if item.key in spans:
                    spans[item.key] = sorted(self._whole_handles(item.text, self._family_surname(
                        item.text, self._join_adjacent(
                            item.text, self._widen(item.text, spans[item.key], keep, known)),
                        keep)), key=lambda s: s.start)
        except Exception as exc:  # noqa: BLE001 - fail closed for the whole family
            logger.warning("redaction failed for family %s (%s); sent to review",
                           family.family_ref, type(exc).__name__)
            spans = {}
        pseudonyms, third_parties, escrow = self._pseudonymise(items, spans,
                                                               family.link_across_agencies,
                                                               keep)
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
        If the pool breaks, the families are redacted here instead: logged, counted in
        `pool_failures`, and `last_families_path` says which way the call ran.
        """
        n = self.processes if processes is None else max(1, processes)
        if n == 1 or len(families) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            self.last_families_path = "in_process"
            return self._redact_batch(list(families))
        try:
            pool = self._get_pool(n)
            size = max(1, min(_BATCH_FAMILIES, -(-len(families) // (n * 2))))
            batches = [list(families[i:i + size]) for i in range(0, len(families), size)]
            out = [r for batch in pool.map(_redact_batch_in_worker, batches, chunksize=1)
                   for r in batch]
            self.last_families_path = "pool"
            return out
        except Exception as exc:  # noqa: BLE001 - a broken pool must not stop redaction
            self.pool_failures += 1
            logger.warning("redaction pool of %d processes failed (%s, failure %d); redacting "
                           "%d families in process", n, type(exc).__name__, self.pool_failures,
                           len(families))
            self.close()
            self.last_families_path = "fallback"
            return [self.redact_family(f) for f in families]

    def _redact_batch(self, families: list[FamilyText]) -> list[FamilyRedaction]:
        """`redact_family` for several families, with spaCy run over all their texts in
        batches of `nlp.batch_size` (a family has a handful of texts; spaCy is a third
        faster per text in batches of 64 than of 5)."""
        out: list[FamilyRedaction] = []
        for start in range(0, len(families), _BATCH_FAMILIES):
            chunk = families[start:start + _BATCH_FAMILIES]
            ordered = [sorted(f.items, key=lambda i: i.key) for f in chunk]
            texts = [i.text for items in ordered for i in items]
            arts = nlp_batch(self._analyzer, texts, self.settings.nlp.language,
                             self.settings.nlp.batch_size)
            pos = 0
            for family, items in zip(chunk, ordered, strict=True):
                out.append(self.redact_family(family, arts[pos:pos + len(items)]))
                pos += len(items)
        return out

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

    def _find(self, text: str, artifacts: NlpArtifacts, keep: KeepList,
              known: frozenset[str] = frozenset(),
              restored: frozenset[str] = frozenset()) -> list[Span]:
        """Spans to replace: identifiers merged, names outside them checked against the keep
        list, then every unexplained word that could identify someone (deny by default)."""
        # entities=None means every loaded recognizer (all of them are ours), and skips
        # Presidio's per-entity recognizer lookup on every call
        # return_decision_process keeps each result's pattern name (see _kept_street)
        results = self._analyzer.analyze(text=text, language=self.settings.nlp.language,
                                         nlp_artifacts=artifacts, score_threshold=0.0,
                                         return_decision_process=True)
        results = [r for r in results if r.score >= self.settings.threshold(r.entity_type)]
        results += self._context.house_names(text, results)
        person = self.settings.person_entity
        out = []
        ids = merge_spans([(r.start, r.end, r) for r in results
                           if r.entity_type != person and not self._kept_street(text, r, keep)])
        for start, stop, group in ids:
            best = max(group, key=lambda r: (r.score, -self._rank(r)))
            out.append(Span(start, stop, best.entity_type, self._name(best)))
        # a name overlapping an identifier keeps only its part outside the identifier, so a
        # spaCy span like "Postcode LS1" does not swallow the postcode's placeholder
        # and a name never runs across a line break or a sentence end
        pieces = []
        for r in results:
            if r.entity_type == person and self._name(r) == HANDLE:
                # an account name is replaced whole and is its own token ("@kai.p2")
                handle = text[r.start:r.end]
                if keep.owns_handle(handle):
                    continue  # the family's own account ("@finn_b07" for Finn Brennock)
                if not any(a < r.end and r.start < b for a, b, _ in ids):
                    out.append(Span(r.start, r.end, person, HANDLE, (handle.casefold(),), True))
            elif r.entity_type == person:
                for s, e in subtract_spans(r.start, r.end, [(a, b) for a, b, _ in ids]):
                    s, e = whole_hyphenated(text, s, e)
                    parts = split_at_breaks(text, s, e)
                    # a lone ordinary word cut off a name ("Smith\nRelationship:") is not one
                    pieces += [(a, b, r) for a, b in parts
                               if len(parts) == 1 or self._name_like_piece(text[a:b])]
        handles = [(x.start, x.end) for x in out if x.recognizer == HANDLE]
        # a list of names that overlapping results cover as one ("Lewis BRIDGE, Rhiannon
        # Dacre-Pugh": spaCy's span, and "BRIDGE, Rhiannon" read police style) is parted
        def name_words(a: int, b: int) -> int:
            """Words of the name in [a, b) when it opens with a given name of the gazetteer
            ("Lewis BRIDGE"), else 0 ("Keyholder LO", "Suspect BAUTISTA": police style after
            a role word)."""
            span = self._name_span(text, a, b, trim_plain=True)
            words = [] if span is None else text[span[0]:span[1]].split()
            first = self._normaliser.tokens(words[0]) if words else ()
            return len(words) if first and first[0] in self._first_names else 0

        for start, stop, group in [(a, b, g) for s, e, g in merge_spans(pieces)
                                   for a, b in split_listed_names(text, s, e, name_words)]:
            if any(a < stop and start < b for a, b in handles):
                continue
            spacy_only = all(self._name(r) == "SpacyRecognizer" for r in group)
            span = self._name_span(text, start, stop, trim_plain=spacy_only)
            if span is None or self._context.not_a_person(text, *span):
                continue
            if (spacy_only and text[span[0]:span[1]].islower()
                    and text[span[0]:span[1]] in self._particles):
                continue  # "van" alone after "scrap's" is the vehicle (issue 11, heldout15)
            best = max(group, key=lambda r: (r.score, -self._rank(r)))
            for s, e in self._split_kept(text, span, keep):
                tokens = self._normaliser.tokens(text[s:e])
                if tokens and not keep.keeps(tokens):
                    context = any(self._name(r) != "SpacyRecognizer" for r in group)
                    out.append(Span(s, e, person, self._name(best), tokens, context))
        out += self._bracketed_names(text, out, keep)
        out += self._dates_after_names(text, out, keep)
        if self._deny is not None:
            # a person inside a known phrase ("Front Door", "Helen Bamber Foundation") is
            # not one, nor is a name only spaCy saw inside an organisation's or a place's
            # name ("Victoria Park", "Royal Victoria Infirmary")
            things = self._deny.phrase_spans(text)
            runs = self._deny.thing_runs(text)
            out = [x for x in out if x.entity != person or x.recognizer == HANDLE or not (
                any(a <= x.start and x.end <= b for a, b in things)
                or (x.recognizer == "SpacyRecognizer"
                    and any(a <= x.start and x.end <= b for a, b in runs)))]
            out += self._unexplained(text, out, keep, known, restored)
        return sorted(self._whole_handles(text, out), key=lambda s: s.start)

    def _family_surname(self, text: str, spans: list[Span], keep: KeepList) -> list[Span]:
        """Police style "SURNAME, Forename" where the surname is the family's and the
        forename a third party's ("McKEEVER, Declan", the children's father): the surname
        goes with them, since it says which relative they are (issue 11)."""
        person = self.settings.person_entity
        out: list[Span] = []
        for s in spans:
            before = _CAPS_BEFORE.search(text, max(0, s.start - 40), s.start)
            if (s.entity == person and s.recognizer != HANDLE and len(s.tokens) == 1
                    and before is not None and (not out or out[-1].end <= before.start())):
                tokens = self._normaliser.tokens(before.group(1))
                if len(tokens) == 1 and tokens[0] in keep.surnames:
                    s = Span(before.start(1), s.end, person, s.recognizer,
                             (s.tokens[0], tokens[0]), s.context, s.unsure)
            out.append(s)
        return out

    def _whole_handles(self, text: str, spans: list[Span]) -> list[Span]:
        """A name after a size word takes it ("Big Harry": a nickname, its own person); a
        name found inside an account name ("sky" in "sky.rowe", "smudge_xx") takes
        the whole account name, which is its own person: it is never linked to the name
        it contains (issue 11: different people never share a pseudonym)."""
        person = self.settings.person_entity
        out: list[Span] = []
        for s in spans:
            if s.entity != person or s.recognizer == HANDLE:
                out.append(s)
                continue
            size = _SIZE_BEFORE.search(text, max(0, s.start - 8), s.start)
            if size is not None and text[s.start:s.start + 1].isupper() and s.tokens:
                # "Big Harry" is a street name of its own, not Harry Lusted (issue 11)
                s = Span(size.start(), s.end, s.entity, s.recognizer,
                         (size.group(1).casefold(), *s.tokens), s.context, s.unsure)
            start, end = s.start, s.end
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
                start -= 1
            while end < len(text) and (text[end].isalnum() or text[end] in "._"):
                end += 1
            while start < end and text[start] in "._":
                start += 1
            while end > start and text[end - 1] == ".":
                end -= 1
            handle = text[start:end]
            if (not any(c in "._" for c in handle) or "@" in text[end:end + 1]
                    or "@" in text[start - 1:start] or not is_handle(handle)):
                out.append(s)
                continue
            out.append(Span(start, end, person, HANDLE, (handle.casefold(),), True,
                            s.unsure))
        # a handle taken whole may now cover other spans of it ("smudge" and "xx")
        handles = {(x.start, x.end): x for x in out if x.recognizer == HANDLE}
        rest = [x for x in out if x.recognizer != HANDLE
                and not any(a < x.end and x.start < b for a, b in handles)]
        return [*handles.values(), *rest]

    def _bracketed_names(self, text: str, found: list[Span], keep: KeepList) -> list[Span]:
        """A name followed by the person's fuller name in brackets is that person, even
        when the word alone is a family member's: "his brother HOSSAIN (Jamal)" (a Hossain
        who is not on the roster), "a Maria (Maria Szabo)"."""
        person = self.settings.person_entity
        out: list[Span] = []
        taken = [(x.start, x.end) for x in found]
        for m in _BRACKETED.finditer(text):
            word, inner = m.group(1), m.group(2)
            w_tokens = self._normaliser.tokens(word)
            i_tokens = self._normaliser.tokens(inner)
            if (len(w_tokens) != 1 or not i_tokens or not keep.keeps(w_tokens)
                    or any(len(w) < 2 or w.isupper() for w in inner.split())):
                continue  # "FFION (V)" is the victim, "SMITH (DOB ...)" no name
            if keep.keeps(i_tokens):
                continue  # "OKAFOR (Tiggy)": the family's own alias in brackets
            if any(a < m.end(1) and m.start(1) < b for a, b in taken):
                continue
            tokens: tuple[str, ...]
            if word.isupper() and len(i_tokens) == 1:
                tokens = (*i_tokens, *w_tokens)  # "HOSSAIN (Jamal)" is Jamal Hossain
            elif i_tokens[0] == w_tokens[0] and len(i_tokens) >= 2:
                tokens = i_tokens  # "Maria (Maria Szabo)"
            else:
                continue
            if keep.keeps(tokens):
                continue
            out.append(Span(m.start(1), m.end(1), person, "ContextNameRecognizer", tokens, True))
        return out

    def _dates_after_names(self, text: str, found: list[Span], keep: KeepList) -> list[Span]:
        """A full date written straight after a person's name is their date of birth
        ("HEBDEN, Tyler 05-05-2003", "Crystal Ormerod | 11/07/2007 | applicant")."""
        out: list[Span] = []
        person = self.settings.person_entity
        kept = keep.tokens()
        taken = [(x.start, x.end) for x in found]
        names = [(x.start, x.end) for x in found if x.entity == person]
        dates = [(m, False) for m in _FULL_DATE.finditer(text)]
        dates += [(m, True) for m in _OTHER_FULL_DATE.finditer(text)]
        for m, _other in dates:
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            gap = (_NAME_GLOSS_DATE_GAP.search(text, max(0, m.start() - 48), m.start())
                   or _NAME_DATE_GAP.search(text, max(0, m.start() - 6), m.start()))
            if gap is None:
                continue
            w = _LAST_WORD.search(text, max(0, gap.start() - 60), gap.start())
            if w is None:
                continue
            named = any(b == w.end() for _, b in names)
            word = w.group()
            tokens = self._normaliser.tokens(word)
            # a family member's name in lower case before a date in brackets ("seen oksana
            # (19-Feb-1988)"): the bracket says it is theirs
            if not named and not ((word[:1].isupper() or "(" in gap.group())
                                  and tokens and tokens[0] in kept):
                continue
            # with only a space between, the name must be written police style
            # ("HEBDEN, Tyler 05-05-2003", "HEBDEN Tyler 05-05-2003"): "Call from Kelly
            # 12/03/2024" is the date of the call
            if (not any(c in gap.group() for c in ",|(")
                    and not _POLICE_NAME.search(text, max(0, w.start() - 60), w.end())):
                continue
            out.append(Span(m.start(), m.end(), "DATE_OF_BIRTH", "DateOfBirthRecognizer"))
        return out

    def _unexplained(self, text: str, found: list[Span], keep: KeepList,
                     known: frozenset[str], restored: frozenset[str]) -> list[Span]:
        """Deny by default: words that could identify someone and that nothing explains."""
        assert self._deny is not None
        person = self.settings.person_entity
        out = []
        taken = [(s.start, s.end) for s in found]
        for sus in self._deny.find(text, taken, keep, known, restored):
            if self._context.not_a_person(text, sus.start, sus.end):
                continue
            surface = text[sus.start:sus.end]
            if is_handle(surface):
                # an account name is its own person, never spread or joined ("tmz.rico")
                out.append(Span(sus.start, sus.end, person, HANDLE, (surface.casefold(),),
                                True, True))
                continue
            tokens = self._normaliser.tokens(surface) or tuple(
                w.casefold() for w in surface.split())
            if keep.keeps(tokens) and self._normaliser.tokens(surface) and not sus.other:
                continue
            out.append(Span(sus.start, sus.end, person, UNEXPLAINED, tokens, False, True))
        return out

    def _widen(self, text: str, spans: list[Span], keep: KeepList,
               known: frozenset[str]) -> list[Span]:
        """Names found in part take the rest of the name (DenyByDefault.widen)."""
        if self._deny is None:
            return spans
        person = self.settings.person_entity
        out: list[Span] = []
        for i, s in enumerate(spans):
            if s.entity != person or s.recognizer == HANDLE:
                out.append(s)
                continue
            taken = [(x.start, x.end) for x in (*out, *spans[i:])]
            start, end = self._deny.widen(text, s.start, s.end, taken, keep, known)
            if (start, end) != (s.start, s.end):
                tokens = self._normaliser.tokens(text[start:end]) or s.tokens
                s = Span(start, end, s.entity, s.recognizer, tokens, s.context, s.unsure)
            out.append(s)
        return out

    def _known_diminutive(self, word: str) -> bool:
        """A given name or a known short form of one ("dom", "gaz", "bex")."""
        return word in self._first_names or len(self._diminutives.forms(word)) > 1

    def _never_name(self, word: str) -> bool:
        """Never part of a name: an acronym ("NBV", "FGMPO", "INTEL"), a known term or
        short form that is not a name ("Snapchat", "VEH")."""
        if word in self._acronyms or (len(word) >= 3 and word.isupper()
                                      and not has_vowel(word)):
            return True
        return self._deny is not None and self._deny.explains(word)

    def _plain_word(self, word: str) -> bool:
        """Rare vocabulary that is not a name, at the edge of a name only spaCy found
        ("Paternal", "DISCLOSURE", "Curfew")."""
        vocab = self._vocab
        if vocab is None or len(word) < 3:
            return False
        folded = word.casefold().replace("’", "'")
        if folded.endswith("'s"):
            folded = folded[:-2]
        return folded not in self._first_names and vocab.dictionary_word(folded)

    def _ordinary_token(self, token: str) -> bool:
        """Ordinary vocabulary that is not a name: "church" from an unsure "Church of
        Pentecost" is not spread."""
        vocab = self._vocab
        return vocab is not None and not vocab.namey(token) and (
            vocab.ordinary(token) or vocab.dictionary_word(token))

    def _frequent_token(self, token: str) -> bool:
        vocab = self._vocab
        return vocab is not None and vocab.ordinary(token)

    def _name_like_piece(self, piece: str) -> bool:
        words = piece.split()
        if len(words) != 1:
            return True
        word = words[0].strip(".,;:!?\"'()")
        return word.isupper() or word.casefold() in self._first_names

    def _kept_street(self, text: str, result: RecognizerResult, keep: KeepList) -> bool:
        """A street name without a number that is a family member's name ("Kelly Hill")."""
        explanation = result.analysis_explanation
        if explanation is None or explanation.pattern_name != BARE_STREET:
            return False
        return keep.keeps(self._normaliser.tokens(text[result.start:result.end]))

    @staticmethod
    def _name(result: RecognizerResult) -> str:
        meta = result.recognition_metadata or {}
        return str(meta.get(_RECOGNIZER, "unknown"))

    def _rank(self, result: RecognizerResult) -> int:
        return self._priority.get(self._name(result), len(self._priority))

    # --- pseudonyms ----------------------------------------------------------------------

    def _pseudonymise(
        self, items: list[RedactionInput], spans: dict[str, list[Span]], linked: bool,
        keep: KeepList | None = None,
    ) -> tuple[dict[tuple[str, int], str], tuple[ThirdPartyMention, ...], dict[str, str]]:
        scopes: dict[str, list[Mention]] = {}
        for item in items:
            pairs = self._bracket_pairs(item.text, spans.get(item.key, ()))
            for s in spans.get(item.key, ()):
                if s.entity != self.settings.person_entity:
                    continue
                scope = "" if linked else item.agency
                scopes.setdefault(scope, []).append(Mention(
                    key=item.key, item_id=item.item_id, agency=item.agency, start=s.start,
                    end=s.end, surface=item.text[s.start:s.end],
                    tokens=self._with_family_surname(item.text, s, keep),
                    kin=_KIN_AFTER.match(item.text, s.end) is not None,
                    unrelated=_NO_RELATION.match(item.text, s.end) is not None,
                    pair=pairs.get(s.start)))
        particles = frozenset(w.casefold() for w in self.settings.names.particles)
        fmt = self.settings.pseudonyms
        by_span: dict[tuple[str, int], str] = {}
        mentions: list[ThirdPartyMention] = []
        escrow: dict[str, str] = {}
        for scope in sorted(scopes):
            for index, group in enumerate(cluster(scopes[scope], particles)):
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

    def _bracket_pairs(self, text: str, spans: Sequence[Span]) -> dict[int, tuple[str, str]]:
        """One-word names with another one-word name in brackets just after them ("Kerry
        (Dunmore)", "Ayo's (Fashola)", "conor (rafferty)"): span start -> the two words, for
        both spans. `cluster` joins them to the full name they make, if the family has it."""
        person = self.settings.person_entity
        names = [s for s in spans if s.entity == person and s.recognizer != HANDLE
                 and len(s.tokens) == 1]
        out: dict[int, tuple[str, str]] = {}
        for a, b in itertools.pairwise(names):
            if (_BRACKET_GAP.fullmatch(text, a.end, b.start)
                    and _BRACKET_CLOSE.match(text, b.end) and a.tokens[0] != b.tokens[0]):
                out[a.start] = out[b.start] = (a.tokens[0], b.tokens[0])
        return out

    def _with_family_surname(self, text: str, span: Span, keep: KeepList | None,
                             ) -> tuple[str, ...]:
        """A third party's first name written next to the family's surname, which stays
        ("uncle ricky hedges", "HEDGES, Ricky"), is that full name: another person than a
        Ricky with another surname, so the two never share a pseudonym (issue 11)."""
        if keep is None or len(span.tokens) != 1 or span.recognizer == HANDLE:
            return span.tokens
        after = _WORD_AFTER.match(text, span.end)
        before = _CAPS_BEFORE.search(text, max(0, span.start - 40), span.start)
        for word in (after.group(1) if after else None, before.group(1) if before else None):
            if word is None:
                continue
            tokens = self._normaliser.tokens(word)
            if len(tokens) == 1 and tokens[0] in keep.surnames and tokens[0] != span.tokens[0]:
                return (span.tokens[0], tokens[0])
        return span.tokens

    # --- output --------------------------------------------------------------------------

    def _render(self, item: RedactionInput, spans: list[Span],
                pseudonyms: dict[tuple[str, int], str]) -> RedactedText:
        """Replace every span, left to right, with its pseudonym or placeholder.

        The spans never overlap (identifiers are merged, names are cut around them), so this
        is what Presidio's AnonymizerEngine "replace" operator does, without its per-call
        set-up, which cost a tenth of the run. Unsure spans are listed with a few words of
        the redacted text around them, for review.
        """
        counts: Counter[tuple[str, str, bool]] = Counter()
        text = item.text
        pieces: list[str] = []
        placed: list[tuple[Span, int, int, str]] = []  # span, output start, output end, value
        pos = size = 0
        for s in sorted(spans, key=lambda s: s.start):
            if s.start < pos:
                raise RedactionError(f"item {item.item_id}: overlapping spans")
            if s.entity == self.settings.person_entity:
                value = pseudonyms[(item.key, s.start)]
            else:
                value = self.settings.placeholders.get(s.entity, "[redacted]")
            pieces.append(text[pos:s.start])
            size += s.start - pos
            placed.append((s, size, size + len(value), value))
            pieces.append(value)
            size += len(value)
            pos = s.end
            counts[(s.entity, s.recognizer, s.unsure)] += 1
        pieces.append(text[pos:])
        out = "".join(pieces)
        summary = tuple(EntityCount(entity_type=e, count=n, recognizer=r, unsure=u)
                        for (e, r, u), n in sorted(counts.items()))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        unsure = tuple(
            UnsureSpan(span_id=_span_id(item.key, digest, s), start=s.start, end=s.end,
                       word=text[s.start:s.end], pseudonym=value,
                       context=_context(out, a, b))
            for s, a, b, value in placed if s.unsure)
        return RedactedText(item_id=item.item_id, text=out, summary=summary, unsure=unsure)


def _span_id(key: str, text_digest: str, span: Span) -> str:
    """Stable while the text is unchanged: the same text gives the same ids on every run."""
    raw = f"{key}\0{text_digest}\0{span.start}\0{span.end}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _context(out: str, start: int, end: int, words: int = 6) -> str:
    """Up to `words` words of redacted text each side of out[start:end], marked with ⟦ ⟧."""
    before = out[:start].split()
    after = out[end:].split()
    left = " ".join(before[-words:])
    right = " ".join(after[:words])
    glue_l = " " if left and out[start - 1:start].isspace() else ""
    glue_r = " " if right and out[end:end + 1].isspace() else ""
    lead = "… " if len(before) > words else ""
    tail = " …" if len(after) > words else ""
    return f"{lead}{left}{glue_l}⟦{out[start:end]}⟧{glue_r}{right}{tail}"


#: the engine a forked redact_families worker uses (set in the parent before forking)
_WORKER: Redactor | None = None


#: families whose texts go through spaCy together in `redact_families`
_BATCH_FAMILIES = 16


def _redact_batch_in_worker(families: list[FamilyText]) -> list[FamilyRedaction]:
    if _WORKER is None:
        raise RedactionError("redaction worker started without an engine")
    return _WORKER._redact_batch(families)


@functools.cache
def _load(path: str) -> Redactor:
    settings = load_settings(Path(path))
    return Redactor(settings, build_analyzer(settings, Path(path)), Path(path))


def load_redactor(path: Path | None = None) -> Redactor:
    """The redaction engine for a rules file (default redaction_rules/redaction.yaml).

    Validates the config before loading anything; cached, so each process loads one engine.
    """
    return _load(str(Path(path or DEFAULT_RULES).resolve()))
