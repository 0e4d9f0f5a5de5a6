"""UK street addresses, with and without a house number, English and Welsh."""

from __future__ import annotations

from types import MappingProxyType

from presidio_analyzer import Pattern

from pipeline.redact.patterns import CASE_SENSITIVE, alternation
from pipeline.redact.recognizers.lean import LeanPatternRecognizer
from pipeline.redact.settings import AddressRules

#: the pattern name of a street name without a house number ("Tamarisk Court"); redact.py
#: lets a family member's name win over it ("Kelly Hill")
BARE_STREET = "bare-street"

#: words that cannot start a street name without a number ("The Court", "His Way")
_NOT_STREET_START = ("The", "A", "An", "This", "That", "These", "Those", "Our", "Their", "His",
                     "Her", "My", "Your", "Its", "No", "Any", "Every", "Each", "Which", "What",
                     "Some", "Same", "Next", "Last", "First", "New", "Old", "Local")


class UkAddressRecognizer(LeanPatternRecognizer):
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
        # any script's capitals and small letters: "12 Ærø Close", "3 Łąkowa Street"
        # a saint's possessive too: "52 St Mary's Walk"
        word = (r"(?:\p{Lu}(?:['’]\p{Lu})?\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?"
                r"(?:['’]s)?|St\.?)")
        number = r"\d{1,4}[A-Za-z]?\b"
        street = rf"(?:{word}\s+){{1,3}}{suffix}"
        #: "Court" and "Way" must be capitalised here: a bare name needs all its capitals
        bare_suffix = rf"(?:{alternation(rules.bare_street_suffixes)})\b"
        not_start = rf"(?!(?:{alternation(_NOT_STREET_START + titles)})\b)"
        after_title = (rf"(?<!\b(?:{alternation(titles)})\.?[ \t]+)" if titles else "")
        bare = (rf"(?=[A-Z])(?<![\w'’-]){after_title}(?:{not_start}{word}[ \t]+){{1,3}}"
                rf"{bare_suffix}(?![\w'’-])")
        self._first_names = first_names
        # Welsh articles, and other languages' ("14 Chemin des Pénitents", "Rua do Sol")
        welsh_word = (r"(?:[YyRr]|[Yy]r|[A-Z][\w'’-]+|(?:de|des|du|del|della|di|da|do|dos|"
                      r"la|le|les|van|von|der|den)(?=[ \t]+[A-Z]))")
        # Welsh street words as written or in a capitals-only police log ("HEOL Y FELIN")
        welsh_prefixes = rules.street_prefixes + tuple(w.upper() for w in rules.street_prefixes)
        welsh = (rf"(?:{alternation(welsh_prefixes)})(?:(?:[ \t]+|-){welsh_word}){{1,3}}"
                 r"(?<![ \t][YyRr])(?<![ \t][Yy]r)")
        self._not_streets = frozenset(_street_key(s) for s in rules.not_streets)
        self._dwellings = frozenset(w.casefold() for w in rules.dwelling_words)
        # a UK postcode (any case): a house number and words just before one are an
        # address whatever the last word ("31 Heron Reach, LU3 2PW")
        postcode = r"(?i:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})\b"
        patterns = [
            Pattern("street", rf"(?:\b{prefix}\s+{number}[,\s]+)?\b{number}\s+{street}", 0.6),
            Pattern("the-street", rf"\b{number}\s+The\s+{word}(?:\s+{suffix})?", 0.6),
            Pattern("flat-street", rf"\b{prefix}\s+{number}[,\s]+{street}", 0.6),
            Pattern("flat", rf"\b{prefix}\s+{number}", 0.5),
            Pattern("house-no", r"\b[Nn]o\.\s?\d{1,4}[A-Za-z]?\b", 0.5),
            # a house number and capitalised words after an address word, whatever the
            # suffix: "lives at 4 Heron Reach", "moved to 12 Maple Ride"
            Pattern("number-words", rf"(?<=\b(?:at|to|from|of|address|addr|lives|living|"
                    rf"resides|residing|moved|outside|near|visited|visiting)[:\s]\s?)"
                    rf"{number}\s+{word}(?:[ \t]+{word}){{1,2}}(?![\w'’-])", 0.5),
            Pattern("house-number", r"(?<=\b(?:at|lives at|living at)\s)number\s\d{1,4}\b", 0.5),
            Pattern("number-postcode", rf"\b{number}\s+{word}(?:[ \t]+{word}){{0,2}}"
                    rf"(?=,?[ \t]+{postcode})", 0.6),
            # "caller at no 8 says ... at no 6": a house number after a place word
            Pattern("house-no-at", r"(?<=\b(?i:at|from|to|outside|near|opposite|next to|"
                    r"lives at|living at)[ \t])[Nn]o\.?[ \t]?\d{1,4}[A-Za-z]?\b", 0.5),
            # in lower case, the words before a postcode ("9 humber tenter, hu9 1rx";
            # issue 11, heldout15 class)
            Pattern("lower-number-postcode", rf"\b{number}\s+(?:[a-z][a-z'’-]+[ \t]+){{0,2}}"
                    rf"[a-z][a-z'’-]{{2,}}(?=,?[ \t]+{postcode})", 0.6),
            Pattern("lower-street", rf"\b{number}\s+(?:[a-z]{{3,}}\s+){{1,2}}"
                    r"(?:street|road|lane|avenue|close|drive|crescent|grove|terrace|gardens)\b",
                    0.5),
            # in lower case after a place word, a bracket, a dash or colon or at a line's
            # start, any street word a bare street name may end in: "living at 9 coopers
            # holt", "(14 lark ascent)", "asb - 7 mill garth"
            Pattern("lower-street-after", rf"(?<=(?:\b(?i:at|to|from|address|addr|lives|"
                    rf"living|resides|residing|moved|outside|near|of|opposite)[:\s]|\(|"
                    rf"(?<![\w/])[\-\u2013\u2014:][ \t]|^|\n)\s?)"
                    rf"{number}\s+(?:[a-z]{{3,}}['’]?\s+){{1,3}}"
                    rf"(?:{alternation((*(w.casefold() for w in rules.bare_street_suffixes), 'mount'))})"
                    r"\b", 0.5),
        ]
        if rules.bare_street_suffixes:
            patterns.append(Pattern(BARE_STREET, bare, 0.5))
        if rules.dwelling_words:
            # a house name alone: "at Rose Cottage", "Hill Top Farmhouse"
            patterns.append(Pattern("dwelling", rf"(?<![\w'’-])(?:{word}[ \t]+){{1,2}}"
                                    rf"(?:{alternation(rules.dwelling_words)})(?![\w'’-])", 0.5))
        if rules.street_prefixes:
            patterns += [Pattern("welsh-street", rf"\b{number}\s+{welsh}\b", 0.6),
                         Pattern("welsh-bare", rf"\b{welsh}\b", 0.5)]
        # the words these patterns cannot match without, case as they are matched: a text
        # with none of them is not searched with the pattern (LeanPatternRecognizer)
        needs = {BARE_STREET: alternation(rules.bare_street_suffixes),
                 "dwelling": alternation(rules.dwelling_words),
                 "welsh-street": alternation(welsh_prefixes),
                 "welsh-bare": alternation(welsh_prefixes),
                 "flat-street": prefix, "flat": prefix,
                 "house-no": r"[Nn]o\.", "house-number": "number", "house-no-at": "[Nn]o",
                 # a house number, then a space
                 **dict.fromkeys(("street", "the-street", "number-words", "number-postcode",
                                  "lower-number-postcode", "lower-street", "lower-street-after"), r"\d[A-Za-z]?\s")}
        self.needs = MappingProxyType({k: v for k, v in needs.items() if v})
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
        last = words[-1].casefold()
        if (words[0].casefold() in self._first_names
                and last not in self.STREET_ONLY_SUFFIXES and last not in self._dwellings):
            return True
        return any(_street_key(" ".join(words[i:])) in self._not_streets
                   for i in range(len(words) - 1))


def _street_key(name: str) -> str:
    return " ".join(name.casefold().replace("'", "").replace("’", "").split())
