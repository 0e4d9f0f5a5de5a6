"""The name-finding recognizer written for casebundle (selected by name in redaction_rules/).

`ContextNameRecognizer` adds the people's names spaCy's small model misses in agency-note
style; the package face re-exports it with the other casebundle recognizers.
"""

from __future__ import annotations

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.redact.patterns import alternation
from pipeline.redact.recognizers.name_lists import ListNames
from pipeline.redact.settings import NameRules

_WORDS = regex.compile(r"[\w'’-]+")
_LAST_WORD = regex.compile(r"([\w'’]+)\W*$")
_SENTENCE_START = frozenset(".!?:;\"'‘“(\n")
#: role words that name a group or an institution, not one person ("police Station")
_COLLECTIVE_ROLES = frozenset({"police", "school", "housing", "probation", "family", "parents",
                               "children", "kids", "staff", "residents", "siblings", "sons",
                               "daughters", "someone", "somebody", "unknown", "ex", "baby",
                               "child", "subject", "security", "ambulance", "youths", "lads",
                               "peers", "carers", "associates", "apologies", "present",
                               "attendees", "minutes", "agreed", "actions", "chair"})
#: the word before a name, with a form's colon ("carer: Grace Ogunleye")
_PREV_WORD = regex.compile(r"(?<![\w'’-])([A-Za-z]+):?[ \t]+$")
_QUOTE_MARKS = ('"', "“", "‘", " '", "('")
#: patterns that cannot match in a text without one of these strings (each is written
#: literally in the pattern): they are not run there
_NEEDS = {"bracket-role": ("(",), "lower-bracket": ("(",), "possessive": ("'s", "’s"),
          "lower-title": ("mr",)}
_VOWELS = frozenset("AEIOUYÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜ")


def _no_vowel(word: str) -> bool:
    """An ALL-CAPS word without a vowel is an abbreviation ("PSR", "CPS"), not a surname."""
    return not any(c in _VOWELS for c in word.upper())


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
        # \p{Lu}/\p{Ll}: names with diacritics ("Zielińska", "WIŚNIEWSKA") are names too
        name = r"(?:\p{Lu}(?:['’]\p{Lu})?\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?)"
        caps = r"(?:\p{Lu}(?:['’]?\p{Lu})+(?:-\p{Lu}{2,})?)"
        part = rf"(?:{name}|{caps})"
        particle = (rf"(?:(?:{alternation(r.particles)})[ \t]+)?" if r.particles else "")
        full = rf"{particle}{part}(?:[ \t]+{particle}{part}){{0,2}}"
        low = r"[a-z][a-z'’-]+"
        quote, unquote = "[\"“‘']", "[\"”’']"
        rel = rf"(?i:{alternation(r.relation_words)})"
        det = r"(?i:(?:a|an|the|her|his|their|my|mum's|dad's|mother's|father's)\s+)?"
        owned = alternation(tuple(r.role_words) + tuple(r.label_words)
                             + ("house", "home", "place", "flat", "car"))
        self._patterns: list[tuple[str, regex.Pattern[str], float]] = [
            ("title", regex.compile(
                rf"\b(?:{alternation(r.titles)})\.?[ \t]+({full})\b"), 0.8),
            ("relation", regex.compile(
                rf"\b{rel}:?[ \t]+,?[ \t]*{quote}?({full})\b(?:[ \t]+(?:and|&)[ \t]+({full})\b)?"),
             0.75),
            ("naming", regex.compile(
                rf"\b(?i:{alternation(r.naming_words)})[ \t]+{quote}?({full}|{low})\b"), 0.7),
            ("bracket-role", regex.compile(rf"\b({full})[ \t]*\({det}{rel}\)"), 0.75),
            ("appositive", regex.compile(rf"\b({full}),[ \t]+{det}{rel}\b"), 0.7),
            ("caps-verb", regex.compile(
                rf"\b({caps})(?=[ \t]+(?i:{alternation(r.caps_verbs)})\b)"), 0.7),
            # a lower-case title in a lower-case note: "mr macaulay from the croft"
            ("lower-title", regex.compile(
                r"(?<![\w'’-])(?:mr|mrs)\.?[ \t]+([a-z][a-z'’-]{2,})(?![\w-])"), 0.65),
            # a nickname in quotes inside a name: Dorothy "Dot" Fairclough
            ("nickname-inside", regex.compile(
                rf"(?=\p{{Lu}})(?<![\w'’-])({part}[ \t]+\(?{quote}{name}{unquote}\)?[ \t]+{part})"
                r"(?![\w'’-])"), 0.75),
        ]
        #: patterns whose matches are checked in Python before they count (see _checked)
        self._checked_patterns: list[tuple[str, regex.Pattern[str], float]] = [
            # police style: first name and ALL-CAPS surname, SURNAME, Firstname
            ("name-caps", regex.compile(
                rf"(?=\p{{Lu}})(?<![\w'’-])({name})[ \t]+({particle}{caps})(?![\w'’-])"), 0.7),
            ("caps-comma", regex.compile(
                rf"(?<![\w'’-])({caps}),[ \t]+({name}(?:[ \t]+{name})?)(?![\w'’-])"), 0.7),
            ("role-title", regex.compile(
                rf"(?<![\w-])(?:{alternation(r.role_titles)})[ \t]+({full})(?![\w'’-])"),
             0.7) if r.role_titles else ("role-title", regex.compile(r"(?!x)x"), 0.0),
            # initials: "Mrs K", "J. Smith"
            ("title-initial", regex.compile(
                rf"\b(?:{alternation(r.titles)})\.?[ \t]+(\p{{Lu}})(?![\w'’])"
                r"(?!\.?[ \t]*\p{Lu})"), 0.7),
            ("initial", regex.compile(
                rf"(?<![\w.'’-])(\p{{Lu}})\.[ \t]?({particle}{part})(?![\w'’-])"), 0.7),
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
        #: a role word before a name ("carer Aleksandra", "worker Costel"), checked on the
        #: word before each capitalised token
        self._roles = frozenset(w.casefold() for w in r.role_words
                                if " " not in w and w.casefold() not in _COLLECTIVE_ROLES)
        self._full = regex.compile(full)
        #: a quoted nickname after a person: LLEWELLYN ("Taff"), MOURA, THIAGO ("TJ")
        self._quoted = regex.compile(rf"{quote}({name}|{caps}){unquote}")
        self._nick_before = regex.compile(
            rf"(?<![\w'’-])({part})[ \t]*\(?[ \t]*(?:(?i:aka|a\.k\.a\.)[ \t]+)?$")
        self._token = regex.compile(rf"\b(?:{name}|{caps})(?![\w])")
        self._lower = regex.compile(r"(?<![\w'’-])[a-z]{3,}(?![\w-])")
        self._lists = ListNames(r, full, self._is_stop, self.first_names)

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        found: dict[tuple[int, int], tuple[float, str]] = {}

        def add(span: tuple[int, int] | None, score: float, label: str) -> None:
            if span and (span not in found or found[span][0] < score):
                found[span] = (score, label)

        quoted = any(q in text for q in _QUOTE_MARKS)
        absent = {label for label, needs in _NEEDS.items() if not any(n in text for n in needs)}
        for label, pattern, score in self._patterns:
            if (label == "nickname-inside" and not quoted) or label in absent:
                continue
            for m in pattern.finditer(text):
                for g in range(1, (m.lastindex or 1) + 1):
                    if m.start(g) >= 0:
                        add(self._trim(text, m.start(g), m.end(g)), score, label)
        for label, pattern, score in self._checked_patterns:
            for m in pattern.finditer(text):
                add(self._checked(text, label, m), score, label)
        if quoted:
            for m in self._quoted.finditer(text):
                before = self._nick_before.search(text, max(0, m.start() - 40), m.start())
                if before and self._person_word(before.group(1)):
                    add(m.span(1), 0.7, "nickname")
        for span in self._lists.find(text):
            add(span, 0.7, "list")
        for label, pattern, score in self._lower_patterns:
            if label in absent:
                continue
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
        for m in tokens:
            prev = _PREV_WORD.search(text, max(0, m.start() - 25), m.start())
            if prev and prev.group(1).casefold() in self._roles:
                full_match = self._full.match(text, m.start())
                if full_match:
                    add(self._trim(text, *full_match.span()), 0.7, "role")
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

    def _checked(self, text: str, label: str, m: regex.Match[str]) -> tuple[int, int] | None:
        """The name span of a match of a pattern that needs a check in Python, or None."""
        if label == "name-caps":
            caps = m.group(2).split()[-1]
            if caps in self.acronyms or _no_vowel(caps) or self._is_stop(caps):
                return None
            # "Suspects OKORO-REID": a capitalised word starting a sentence is not a first
            # name unless the gazetteer says so
            before = text[:m.start()].rstrip(" \t")
            if ((not before or before[-1] in ".!?:;\n")
                    and m.group(1).casefold() not in self.first_names):
                return self._trim(text, *m.span(2))
            return self._trim(text, m.start(1), m.end(2))
        if label == "caps-comma":
            if (m.group(1) in self.acronyms or _no_vowel(m.group(1)) or self._is_stop(m.group(1))
                    or self._is_stop(m.group(2).split()[0])):
                return None
            return self._trim(text, m.start(1), m.end(2))
        if label == "role-title":
            span = self._trim(text, *m.span(1))
            if span is None:
                return None
            words = text[span[0]:span[1]].split()
            first = words[0].casefold().rstrip("'’s")
            return span if len(words) > 1 or first in self.first_names else None
        if label == "title-initial":
            return m.span(1)
        if label == "initial":
            if self._is_stop(m.group(2).split()[-1]):
                return None
            prev = _LAST_WORD.search(text[max(0, m.start() - 30):m.start()])
            # "Band B. Currently": the letter ends a heading, it is not an initial
            if prev and prev.group(1)[:1].isupper() and not self._is_stop(prev.group(1)):
                return None
            return m.start(1), m.end(2)
        return None

    def _person_word(self, word: str) -> bool:
        folded = word.casefold()
        if folded in self.stop or word in self.acronyms or folded in self.not_names:
            return False
        return (word.isupper() and len(word) > 2) or folded in self.first_names

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
                if (len(word) >= 3 and word not in self.acronyms and not _no_vowel(word)
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
