"""Presidio recognizers written for casebundle (selected by name in redaction_rules/).

The checksum recognizers follow one rule: a number with an identifier's format is redacted
even when its checksum fails (a mistyped NHS number is still an NHS number), so a failed
checksum keeps the pattern's score instead of dropping the match; a valid checksum raises it.
"""

from __future__ import annotations

from pathlib import Path

import regex
import tldextract
from presidio_analyzer import LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer, NhsRecognizer
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.redact_config import AddressRules, NameRules

#: regex flags without IGNORECASE, for rules where capital letters carry the meaning
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE

#: tldextract with the Public Suffix List snapshot bundled in the package: no network, no cache
_OFFLINE_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _mod11_ok(digits: str) -> bool:
    """NHS / CHI check digit: weights 10..1 over the ten digits sum to a multiple of 11."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    return sum(int(c) * w for c, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 0


class LenientNhsRecognizer(NhsRecognizer):
    """NHS numbers; a failed checksum lowers confidence instead of discarding the match."""

    def validate_result(self, pattern_text: str) -> bool | None:  # type: ignore[override]
        digits = "".join(c for c in pattern_text if c.isdigit())
        return True if _mod11_ok(digits) else None


class OfflineEmailRecognizer(EmailRecognizer):
    """Email addresses, validated against the bundled suffix list (never fetched)."""

    def validate_result(self, pattern_text: str) -> bool | None:
        return bool(_OFFLINE_TLD(pattern_text).fqdn) or None


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S


def upn_check_letter(body: str) -> str | None:
    """The DfE check letter for characters 2-13 of a UPN (None if the body is malformed)."""
    if len(body) != 12 or not body[:11].isdigit():
        return None
    last = body[11]
    values = [int(c) for c in body[:11]]
    if last.isdigit():
        values.append(int(last))
    elif last in _UPN_LETTERS:
        values.append(_UPN_LETTERS.index(last))
    else:
        return None
    total = sum(v * w for v, w in zip(values, range(2, 14), strict=True))
    return _UPN_LETTERS[total % 23]


class UkUpnRecognizer(PatternRecognizer):
    """English unique pupil numbers: check letter, 12 digits (temporary UPNs end in a letter)."""

    PATTERNS = [Pattern("UPN", r"\b[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]\b", 0.5)]
    CONTEXT = ["upn", "pupil", "unique pupil number", "school"]

    def __init__(self, context: list[str] | None = None, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="UK_UPN",
            patterns=list(self.PATTERNS),
            context=context or list(self.CONTEXT),
            supported_language=supported_language,
            global_regex_flags=CASE_SENSITIVE,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return True if upn_check_letter(pattern_text[1:]) == pattern_text[0] else None


class ScottishChiRecognizer(PatternRecognizer):
    """Scottish CHI numbers: date of birth DDMMYY then four digits, mod-11 check digit."""

    PATTERNS = [
        Pattern("CHI", r"\b(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[ -]?\d{4}\b", 0.45),
    ]
    CONTEXT = ["chi", "community health index", "chi number"]

    def __init__(self, context: list[str] | None = None, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="UK_CHI",
            patterns=list(self.PATTERNS),
            context=context or list(self.CONTEXT),
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = "".join(c for c in pattern_text if c.isdigit())
        return True if _mod11_ok(digits) else None


def _alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first so 'Mrs' wins over 'Mr'."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


class UkAddressRecognizer(PatternRecognizer):
    """Street addresses: '14 Crown Street', 'Flat 3, 22 Kings Road', 'no. 12', '5 The Crescent'."""

    def __init__(self, rules: AddressRules, supported_language: str = "en") -> None:
        suffix = rf"(?i:{_alternation(rules.street_suffixes)})\b"
        prefix = rf"(?i:{_alternation(rules.building_prefixes)})"
        word = r"(?:[A-Z](?:['’][A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?|St\.?)"
        number = r"\d{1,4}[A-Za-z]?\b"
        street = rf"(?:{word}\s+){{1,3}}{suffix}"
        patterns = [
            Pattern("street", rf"(?:\b{prefix}\s+{number}[,\s]+)?\b{number}\s+{street}", 0.6),
            Pattern("the-street", rf"\b{number}\s+The\s+{word}(?:\s+{suffix})?", 0.6),
            Pattern("flat-street", rf"\b{prefix}\s+{number}[,\s]+{street}", 0.6),
            Pattern("flat", rf"\b{prefix}\s+{number}", 0.5),
            Pattern("house-no", r"\b[Nn]o\.\s?\d{1,4}[A-Za-z]?\b", 0.5),
            Pattern("house-number", r"(?<=\b(?:at|lives at|living at)\s)number\s\d{1,4}\b", 0.5),
            Pattern("lower-street", rf"\b{number}\s+(?:[a-z]{{3,}}\s+){{1,2}}"
                    r"(?:street|road|lane|avenue|close|drive|crescent|grove|terrace|gardens)\b",
                    0.5),
        ]
        super().__init__(
            supported_entity="UK_ADDRESS",
            patterns=patterns,
            context=["address", "lives", "living", "moved", "resides", "flat", "house"],
            supported_language=supported_language,
            global_regex_flags=CASE_SENSITIVE,
        )


class ContextNameRecognizer(LocalRecognizer):
    """People's names that spaCy's small model misses in agency-note style.

    Finds names after titles ("Mrs Harrow"), relations ("her friend Rose"), naming words
    ("a boy called jake"), before a bracketed or appositive role ("Jean Harrow (neighbour)"),
    police-style ALL-CAPS surnames ("SMITH stated"), and capitalised first names from a
    gazetteer with an optional surname ("Jean Harrow", "Jean HARROW").
    """

    def __init__(self, rules: NameRules, first_names_file: Path,
                 supported_language: str = "en") -> None:
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language,
                         name="ContextNameRecognizer")
        self.rules = rules
        self.first_names = frozenset(
            line.strip().casefold()
            for line in first_names_file.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        )
        self.word_names = frozenset(w.casefold() for w in rules.word_names)
        self.acronyms = frozenset(rules.acronyms)
        self.not_names = frozenset(w.casefold() for w in rules.not_names)
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
        rel = rf"(?i:{_alternation(r.relation_words)})"
        det = r"(?i:(?:a|an|the|her|his|their|my|mum's|dad's|mother's|father's)\s+)?"
        self._patterns: list[tuple[str, regex.Pattern[str], float]] = [
            ("title", regex.compile(
                rf"\b(?:{_alternation(r.titles)})\.?[ \t]+({full})\b"), 0.8),
            ("relation", regex.compile(rf"\b{rel}[ \t]+,?[ \t]*({full})\b"), 0.75),
            ("naming", regex.compile(
                rf"\b(?i:{_alternation(r.naming_words)})[ \t]+({full}|[a-z][a-z'’-]+)\b"), 0.7),
            ("bracket-role", regex.compile(rf"\b({full})[ \t]*\({det}{rel}\)"), 0.75),
            ("appositive", regex.compile(rf"\b({full}),[ \t]+{det}{rel}\b"), 0.7),
            ("caps-verb", regex.compile(
                rf"\b({caps})(?=[ \t]+(?i:{_alternation(r.caps_verbs)})\b)"), 0.7),
        ]
        self._token = regex.compile(rf"\b(?:{name}|{caps})(?![\w])")
        self._lower = regex.compile(r"(?<![\w'’-])[a-z]{3,}(?![\w-])")

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        found: dict[tuple[int, int], tuple[float, str]] = {}
        for label, pattern, score in self._patterns:
            for m in pattern.finditer(text):
                span = self._trim(text, m.start(1), m.end(1))
                if span and (span not in found or found[span][0] < score):
                    found[span] = (score, label)
        for m in self._lower.finditer(text):
            # lower-case notes: a gazetteer first name that is not also a common word
            word = m.group()
            if (word in self.first_names and word not in self.word_names
                    and word not in self.stop and m.span() not in found):
                found[m.span()] = (0.5, "lower-case")
        for start, end, score in self._gazetteer_names(text):
            if (start, end) not in found:
                found[(start, end)] = (score, "gazetteer")
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

    def _trim(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Drop stop, role and title words from both ends and a possessive 's."""
        tokens = [(m.start() + start, m.end() + start)
                  for m in regex.finditer(r"[\w'’-]+", text[start:end])]
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

    def _gazetteer_names(self, text: str) -> list[tuple[int, int, float]]:
        """Capitalised (or ALL-CAPS) gazetteer first names, with a following surname."""
        tokens = list(self._token.finditer(text))
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
