"""The name-finding recognizer written for casebundle (selected by name in redaction_rules/).

`ContextNameRecognizer` adds the people's names spaCy's small model misses in agency-note
style; pipeline/recognizers.py re-exports it with the other casebundle recognizers.
"""

from __future__ import annotations

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.redact_config import NameRules


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first so 'Mrs' wins over 'Mr'."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


_WORDS = regex.compile(r"[\w'’-]+")
_LAST_WORD = regex.compile(r"([\w'’]+)\W*$")
_SENTENCE_START = frozenset(".!?:;\"'‘“(\n")
_DETERMINERS = frozenset({"a", "an", "the", "these", "those", "no", "any",
                          "every", "each", "some", "our", "their", "his", "her", "my", "your",
                          "its", "of"})


class ContextNameRecognizer(LocalRecognizer):
    """People's names that spaCy's small model misses in agency-note style.

    Finds names after titles ("Mrs Harrow"), relations ("her friend Rose", "her children Ann and
    Ben"), naming words ("a boy called jake"), before a bracketed or appositive role ("Jean
    Harrow (neighbour)", "jade (friend)"), police-style ALL-CAPS surnames ("SMITH stated",
    "SMITH" alone), capitalised first names from a gazetteer with an optional surname ("Jean
    Harrow"), word-names in a naming position ("Reece said that Will came", "says will keeps
    ...") and a first name owning a person or a contact detail ("jade's mum", "Cole's mobile").
    """

    def __init__(self, rules: NameRules, first_names: frozenset[str],
                 supported_language: str = "en") -> None:
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language,
                         name="ContextNameRecognizer")
        self.rules = rules
        self.word_names = frozenset(w.casefold() for w in rules.word_names)
        self.first_names = first_names | self.word_names
        self.acronyms = frozenset(rules.acronyms)
        self.not_names = frozenset(w.casefold() for w in rules.not_names)
        self.not_alone = frozenset(w.casefold() for w in rules.not_alone)
        self.modal_names = frozenset(w.casefold() for w in rules.modal_names)
        self.subject_verbs = frozenset(w.casefold() for w in rules.subject_verbs)
        self.subject_followers = frozenset(w.casefold() for w in rules.subject_followers)
        role_tokens = {t for w in rules.role_words for t in w.casefold().split()}
        #: tokens that can never start or end a name
        self.stop = (
            (frozenset(STOP_WORDS) | self.not_names | role_tokens
             | {t.casefold().rstrip(".") for t in rules.titles}
             | {t.casefold() for t in rules.relation_words}
             | {t.casefold() for t in rules.caps_verbs}
             | {t.casefold() for t in rules.label_words})
            - self.word_names
        )
        self._compile()

    def load(self) -> None:
        """Nothing to load: patterns are compiled in __init__."""

    def _compile(self) -> None:
        r = self.rules
        name = r"(?:[A-Z](?:['’][A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?)"
        caps = r"(?:[A-Z](?:['’]?[A-Z])+(?:-[A-Z]{2,})?)"
        part = rf"(?:{name}|{caps})"
        full = rf"{part}(?:[ \t]+{part}){{0,2}}"
        low = r"[a-z][a-z'’-]+"
        rel = rf"(?i:{alternation(r.relation_words)})"
        det = r"(?i:(?:a|an|the|her|his|their|my|mum's|dad's|mother's|father's)\s+)?"
        owned = alternation(tuple(r.role_words) + tuple(r.label_words)
                             + ("house", "home", "place", "flat", "car"))
        self._patterns: list[tuple[str, regex.Pattern[str], float]] = [
            ("title", regex.compile(
                rf"\b(?:{alternation(r.titles)})\.?[ \t]+({full})\b"), 0.8),
            ("relation", regex.compile(
                rf"\b{rel}[ \t]+,?[ \t]*({full})\b(?:[ \t]+(?:and|&)[ \t]+({full})\b)?"), 0.75),
            ("naming", regex.compile(
                rf"\b(?i:{alternation(r.naming_words)})[ \t]+({full}|{low})\b"), 0.7),
            ("bracket-role", regex.compile(rf"\b({full})[ \t]*\({det}{rel}\)"), 0.75),
            ("appositive", regex.compile(rf"\b({full}),[ \t]+{det}{rel}\b"), 0.7),
            ("caps-verb", regex.compile(
                rf"\b({caps})(?=[ \t]+(?i:{alternation(r.caps_verbs)})\b)"), 0.7),
        ]
        #: lower-case names in context; group 1 must be a gazetteer name, group 2 (if any) is
        #: the next word, which decides whether a modal word-name ("will") is a name
        self._lower_patterns: list[tuple[str, regex.Pattern[str], float]] = [
            ("lower-relation", regex.compile(
                rf"\b{rel}[ \t]+({low})(?:[ \t]+([a-z]+))?"), 0.6),
            ("lower-bracket", regex.compile(rf"\b({low})[ \t]*\({det}{rel}\)"), 0.7),
            ("lower-appositive", regex.compile(rf"\b({low}),[ \t]+{det}{rel}\b"), 0.6),
            ("speech", regex.compile(
                rf"\b(?i:{alternation(r.speech_verbs)})[ \t]+(?:that[ \t]+)?({low})"
                r"[ \t]+([a-z]+)"), 0.6),
            ("possessive", regex.compile(
                rf"\b([A-Za-z][a-z'’-]+)['’]s[ \t]+(?i:{owned})\b"), 0.65),
        ]
        self._token = regex.compile(rf"\b(?:{name}|{caps})(?![\w])")
        self._lower = regex.compile(r"(?<![\w'’-])[a-z]{3,}(?![\w-])")

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        found: dict[tuple[int, int], tuple[float, str]] = {}

        def add(span: tuple[int, int] | None, score: float, label: str) -> None:
            if span and (span not in found or found[span][0] < score):
                found[span] = (score, label)

        for label, pattern, score in self._patterns:
            for m in pattern.finditer(text):
                for g in range(1, (m.lastindex or 1) + 1):
                    if m.start(g) >= 0:
                        add(self._trim(text, m.start(g), m.end(g)), score, label)
        for label, pattern, score in self._lower_patterns:
            for m in pattern.finditer(text):
                nxt = m.group(2) if (m.lastindex or 0) >= 2 else None
                if self._lower_name(m.group(1), nxt, need_verb=label == "speech"):
                    add(self._trim(text, m.start(1), m.end(1)), score, label)
        for m in self._lower.finditer(text):
            # lower-case notes: a gazetteer first name that is not also a common word
            word = m.group()
            if (word in self.first_names and word not in self.word_names
                    and word not in self.stop and m.span() not in found):
                found[m.span()] = (0.5, "lower-case")
        tokens = list(self._token.finditer(text))
        for start, end, score in self._gazetteer_names(text, tokens):
            if (start, end) not in found:
                found[(start, end)] = (score, "gazetteer")
        for start, end, score, label in self._lone_names(text, tokens):
            if (start, end) not in found:
                found[(start, end)] = (score, label)
        return [
            RecognizerResult(
                entity_type="PERSON", start=s, end=e, score=score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: "ContextNameRecognizer",
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    "pattern": label,
                },
            )
            for (s, e), (score, label) in sorted(found.items())
        ]

    def _lower_name(self, word: str, nxt: str | None, need_verb: bool) -> bool:
        """A lower-case gazetteer name in context; modal word-names ("will") and, after a
        speech verb, every name need a following verb that a modal cannot take."""
        folded = word.casefold()
        if folded.endswith(("'s", "’s")):
            folded = folded[:-2]
        if folded not in self.first_names or folded in self.not_names:
            return False
        if folded in self.stop and folded not in self.word_names:
            return False
        verb = nxt is not None and (nxt in self.subject_verbs or nxt.endswith("ed"))
        if folded in self.modal_names:
            return verb
        if need_verb:
            return verb or (nxt is not None and nxt in self.subject_followers)
        return True

    def _trim(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Drop stop, role and title words from both ends and a possessive 's."""
        tokens = [(m.start() + start, m.end() + start)
                  for m in _WORDS.finditer(text[start:end])]
        while tokens and self._is_stop(text[tokens[0][0]:tokens[0][1]]):
            tokens.pop(0)
        while tokens and self._is_stop(text[tokens[-1][0]:tokens[-1][1]]):
            tokens.pop()
        if not tokens:
            return None
        s, e = tokens[0][0], tokens[-1][1]
        if text[e - 2:e] in ("'s", "’s"):
            e -= 2
        return (s, e) if e > s else None

    def _is_stop(self, word: str) -> bool:
        folded = word.casefold().rstrip("'’")
        if folded.endswith(("'s", "’s")):
            folded = folded[:-2]
        return folded in self.stop or word in self.acronyms or len(folded) < 2

    def _gazetteer_names(self, text: str, tokens: list[regex.Match[str]],
                         ) -> list[tuple[int, int, float]]:
        """Capitalised (or ALL-CAPS) gazetteer first names, with a following surname."""
        out = []
        i = 0
        while i < len(tokens):
            m = tokens[i]
            word = m.group()
            folded = word.casefold()
            if folded.endswith(("'s", "’s")):
                folded = folded[:-2]
            if (folded in self.first_names and folded not in self.not_names
                    and word not in self.acronyms):
                end, j = m.end(), i + 1
                while (j < len(tokens) and j - i <= 2 and text[end:tokens[j].start()] in (" ", "\t")
                       and not self._is_stop(tokens[j].group())):
                    end, j = tokens[j].end(), j + 1
                if j > i + 1 or folded not in self.word_names:
                    if text[end - 2:end] in ("'s", "’s"):
                        end -= 2
                    out.append((m.start(), end, 0.65 if j > i + 1 else 0.6))
                i = j
            else:
                i += 1
        return out

    def _lone_names(self, text: str, tokens: list[regex.Match[str]],
                    ) -> list[tuple[int, int, float, str]]:
        """One capitalised word standing alone as a name: an ALL-CAPS surname in police style
        ("DUNN did not wish ...") and a word-name mid-sentence ("Reece said that Will came").

        A word next to another capitalised word is part of a heading or a proper noun (or a
        full name, found above), so it is left alone here.
        """
        out = []
        for i, m in enumerate(tokens):
            word = m.group()
            start, end = m.span()
            if word.endswith(("'s", "’s")):
                end -= 2
                word = word[:-2]
            folded = word.casefold()
            prev_cap = i > 0 and text[tokens[i - 1].end():start] in (" ", "\t")
            next_cap = (i + 1 < len(tokens)
                        and text[m.end():tokens[i + 1].start()] in (" ", "\t"))
            if prev_cap or next_cap or len(folded) < 2:
                continue
            after = text[m.end():m.end() + 2].lstrip(" \t")
            if after[:1].isdigit() or after[:1] in ("-", "/"):
                continue  # "FAM-001", "May 2026", "AB/12"
            if word.isupper():
                if (len(word) >= 3 and word not in self.acronyms
                        and folded not in self.stop and folded not in self.not_names):
                    out.append((start, end, 0.6, "caps-alone"))
            elif (folded in self.word_names and folded not in self.not_alone
                  and folded not in self.not_names and self._mid_sentence(text, start)):
                out.append((start, end, 0.55, "word-name"))
        return out

    @staticmethod
    def _mid_sentence(text: str, start: int) -> bool:
        """After a lower-case word or a comma, and not after a determiner ("a Christian")."""
        before = text[max(0, start - 40):start].rstrip(" \t")
        if not before or before[-1] in _SENTENCE_START:
            return False
        prev = _LAST_WORD.search(before)
        if prev is None:
            return before[-1] == ","
        word = prev.group(1)
        return word[:1].islower() and word not in _DETERMINERS
