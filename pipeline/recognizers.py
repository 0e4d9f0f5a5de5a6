"""Presidio recognizers written for casebundle (selected by name in redaction_rules/).

The checksum recognizers follow one rule: a number with an identifier's format is redacted
even when its checksum fails (a mistyped NHS number is still an NHS number), so a failed
checksum keeps the pattern's score instead of dropping the match; a valid checksum raises it.
"""

from __future__ import annotations

import functools
from pathlib import Path

import regex
import tldextract
from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import EmailRecognizer, NhsRecognizer

# ContextNameRecognizer lives in recognizers_names.py; re-exported so that redaction.yaml
# selects every casebundle recognizer from this module
from pipeline.recognizers_names import ContextNameRecognizer, alternation  # noqa: F401
from pipeline.redact_config import AddressRules, RedactionSettings, first_names_path

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

    #: any first letter: a mistyped check letter (even I, O or S) is still a pupil's number
    PATTERNS = [Pattern("UPN", r"\b[A-Z]\d{11}[0-9A-HJ-NP-RT-Z]\b", 0.5)]
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


#: the pattern name of a street name without a house number ("Tamarisk Court"); redact.py
#: lets a family member's name win over it ("Kelly Hill")
BARE_STREET = "bare-street"

#: words that cannot start a street name without a number ("The Court", "His Way")
_NOT_STREET_START = ("The", "A", "An", "This", "That", "These", "Those", "Our", "Their", "His",
                     "Her", "My", "Your", "Its", "No", "Any", "Every", "Each", "Which", "What",
                     "Some", "Same", "Next", "Last", "First", "New", "Old", "Local")


class UkAddressRecognizer(PatternRecognizer):
    """Street addresses: '14 Crown Street', 'Flat 3, 22 Kings Road', 'no. 12', '5 The Crescent',
    street names without a number ('Tamarisk Court') and Welsh ones ('2 Heol Y Bont')."""

    #: bare suffixes that are never surnames: "Jean Street" is a street, "Jean Hill" maybe not
    STREET_ONLY_SUFFIXES = frozenset({"street", "road", "avenue", "crescent", "gardens",
                                      "terrace", "mews", "parade", "square", "flats"})

    def __init__(self, rules: AddressRules, supported_language: str = "en",
                 titles: tuple[str, ...] = (), first_names: frozenset[str] = frozenset()
                 ) -> None:
        suffix = rf"(?i:{alternation(rules.street_suffixes)})\b"
        prefix = rf"(?i:{alternation(rules.building_prefixes)})"
        word = r"(?:[A-Z](?:['’][A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?|St\.?)"
        number = r"\d{1,4}[A-Za-z]?\b"
        street = rf"(?:{word}\s+){{1,3}}{suffix}"
        #: "Court" and "Way" must be capitalised here: a bare name needs all its capitals
        bare_suffix = rf"(?:{alternation(rules.bare_street_suffixes)})\b"
        not_start = rf"(?!(?:{alternation(_NOT_STREET_START + titles)})\b)"
        after_title = (rf"(?<!\b(?:{alternation(titles)})\.?[ \t]+)" if titles else "")
        bare = (rf"(?=[A-Z])(?<![\w'’-]){after_title}(?:{not_start}{word}[ \t]+){{1,3}}"
                rf"{bare_suffix}(?![\w'’-])")
        self._first_names = first_names
        welsh_word = r"(?:[YyRr]|[Yy]r|[A-Z][\w'’-]+)"
        # Welsh street words as written or in a capitals-only police log ("HEOL Y FELIN")
        welsh_prefixes = rules.street_prefixes + tuple(w.upper() for w in rules.street_prefixes)
        welsh = (rf"(?:{alternation(welsh_prefixes)})(?:[ \t]+{welsh_word}){{1,3}}"
                 r"(?<![ \t][YyRr])(?<![ \t][Yy]r)")
        self._not_streets = frozenset(_street_key(s) for s in rules.not_streets)
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
        if rules.bare_street_suffixes:
            patterns.append(Pattern(BARE_STREET, bare, 0.5))
        if rules.street_prefixes:
            patterns += [Pattern("welsh-street", rf"\b{number}\s+{welsh}\b", 0.6),
                         Pattern("welsh-bare", rf"\b{welsh}\b", 0.5)]
        super().__init__(
            supported_entity="UK_ADDRESS",
            patterns=patterns,
            context=["address", "lives", "living", "moved", "resides", "flat", "house"],
            supported_language=supported_language,
            global_regex_flags=CASE_SENSITIVE,
        )

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """A court or a station is not an address, nor is a person's name ending in a
        surname-like suffix ("Jean Hill"), unless it has a house number."""
        if pattern_text[:1].isdigit():
            return False
        words = pattern_text.split()
        if (words[0].casefold() in self._first_names
                and words[-1].casefold() not in self.STREET_ONLY_SUFFIXES):
            return True
        return any(_street_key(" ".join(words[i:])) in self._not_streets
                   for i in range(len(words) - 1))


def _street_key(name: str) -> str:
    return " ".join(name.casefold().replace("'", "").replace("’", "").split())


def read_first_names(settings: RedactionSettings, rules_path: Path) -> frozenset[str]:
    """The first-names gazetteer, case-folded, with the word-names (Will, Rose) added."""
    path = first_names_path(settings, rules_path)
    return _read_gazetteer(str(path)) | {w.casefold() for w in settings.names.word_names}


@functools.cache
def _read_gazetteer(path: str) -> frozenset[str]:
    return frozenset(
        line.strip().casefold()
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
