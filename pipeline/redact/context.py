"""Context checks on spans before they are replaced (docs/redaction.md):

- a name never runs across a line break or a sentence end ("Darren Smith\\nPhil");
- a capitalised word that is a pet, a shop, a place or an organisation is not a person
  ("a dog called Max", "Sainsbury's", "in Chester", "St Mary's", "Golden Dragon takeaway");
- a house name belongs to the address after it ("Ivy Cottage, Back Lane").
"""

from __future__ import annotations

from collections.abc import Callable

import regex
from presidio_analyzer import RecognizerResult

from pipeline.redact.patterns import alternation
from pipeline.redact.settings import RedactionSettings

#: a break inside a span: a line break, or a sentence end after a lower-case word of two or
#: more letters ("left. Jo", but not "J. Smith" or "Mr. Smith"), or a colon/semicolon
_BREAK = regex.compile(r"\n|(?<=\p{Ll}\p{Ll})[.!?](?=\s)|[:;](?=[\s\"“'‘])|[ \t]+[-–—][ \t]+"
                       # two parties of a police log: "SMITH, Jo v SMITH, Lee"
                       r"|[ \t]+(?:v|vs|v\.|vs\.|versus)[ \t]+")
#: a quote opening after a space, before a word
_OPEN_QUOTE = regex.compile(r"[ \t]+[\"“‘'](?=\p{L})")
_CLOSE_QUOTES = frozenset("\"”’'")
#: words after which a lone place name is a place ("in Chester", "conveyed to Lincoln")
_PLACE_BEFORE = regex.compile(
    r"\b(?:in|from|near|into|towards|around|via|outside|at|of|to|visit|visiting)[ \t]+$",
    regex.IGNORECASE)
_SAINT = regex.compile(r"\b(?:St\.?|Saint)[ \t]+$")


def split_at_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a span between line breaks and sentence ends, and at a quote that opens
    inside it and closes after it: speech begins there ('told Mrs Varga "Finn hit
    me"'), where a nickname inside a name closes within it ('Winifred "Winnie" Ashdown')."""
    breaks = [m.span() for m in _BREAK.finditer(text, start, end)]
    breaks += [m.span() for m in _OPEN_QUOTE.finditer(text, start, end)
               if not any(c in _CLOSE_QUOTES for c in text[m.end():end])]
    out, pos = [], start
    for a, b in sorted(breaks):
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if end > pos:
        out.append((pos, end))
    return out


#: a comma and what follows it inside a span
_LIST_COMMA = regex.compile(r",[ \t]+")


def split_listed_names(text: str, start: int, end: int,
                       name_words: Callable[[int, int], int] | None = None
                       ) -> list[tuple[int, int]]:
    """The names of a list that one span covers ("Lewis BRIDGE, Rhiannon Dacre-Pugh", as
    spaCy may tag it): split at a comma when the part before it is two words or more
    opening with a capitalised word in small letters, and the part after is a word or more.
    A police-style "SURNAME, Forename" and "MAC GIOLLARNÁTH, Fiachra" stay whole, and so
    does one after a word that is not part of the name ("Suspect BAUTISTA, Rommel"):
    `name_words` says how many words of a part are the name (issue 11, heldout16 class)."""
    out, pos = [], start
    for m in _LIST_COMMA.finditer(text, start, end):
        before = text[pos:m.start()].split()
        if (len(before) >= 2 and before[0][:1].isupper() and not before[0].isupper()
                and m.end() < end
                and (name_words is None or name_words(pos, m.start()) >= 2)):
            out.append((pos, m.start()))
            pos = m.end()
    out.append((pos, end))
    return out


class SpanContext:
    """The context rules of a loaded redaction config."""

    def __init__(self, settings: RedactionSettings) -> None:
        names, address = settings.names, settings.address
        self._places = frozenset(w.casefold() for w in names.places)
        self._organisations = frozenset(w.casefold().replace("’", "'")
                                        for w in names.organisations)
        pets = alternation(names.pet_words)
        naming = alternation(names.naming_words)
        self._pet = (regex.compile(
            rf"\b(?:{pets})(?:[ \t]*,)?(?:[ \t]+(?:(?:is|was)[ \t]+)?(?:{naming}))?"
            r"[ \t]*[:,]?[ \t]*[\"“‘']?$", regex.IGNORECASE) if pets else None)
        org_words = alternation(names.org_words)
        self._org_after = (regex.compile(rf"[ \t]+(?:{org_words})\b", regex.IGNORECASE)
                           if org_words else None)
        self._law_after = regex.compile(r"['’]s?[ \t]+Law\b")
        cap = r"\p{Lu}[\p{Ll}'’-]+"
        building = alternation(address.building_words)
        prefixes = alternation(address.house_prefixes)
        flat = alternation(address.building_prefixes)
        kinds = [rf"The[ \t]+{cap}(?:[ \t]+{cap})?"]
        if building:
            kinds.append(rf"(?:{cap}[ \t]+){{1,2}}(?:{building})")
        if prefixes:
            # a short lower-case particle may follow the prefix ("Taigh na Mara", "Bryn y Mor")
            kinds.append(rf"(?:{prefixes})[ \t]+(?:\p{{Ll}}{{1,3}}[ \t]+)?{cap}(?:[ \t]+{cap})?")
        house = '|'.join(kinds)
        self._house = regex.compile(
            rf"(?<![\w'’-])(?:(?:{flat})[ \t]+\d{{1,4}}[A-Za-z]?,?[ \t]+)?"
            rf"(?:{house}),?[ \t]+$")
        #: a house name, then a number and one word: a rural address with no street suffix
        #: ("Taigh na Mara, 14 Habost")
        self._house_number = regex.compile(
            rf"(?<![\w'’-])(?:{house}),[ \t]+\d{{1,4}}[A-Za-z]?[ \t]+{cap}(?![\w'’-])")

    def not_a_person(self, text: str, start: int, end: int) -> bool:
        """A pet, a shop, an organisation or a place written like a name."""
        word = text[start:end]
        before = text[max(0, start - 40):start]
        after = text[end:end + 40]
        if self._pet is not None and self._pet.search(before):
            return True
        if _SAINT.search(before) or word.startswith(("St ", "St. ")):
            return True
        folded = word.casefold().replace("’", "'")
        if folded in self._organisations or folded.removesuffix("'s") in self._organisations:
            return True
        if self._law_after.match(after):
            return True
        if not after.startswith(("'", "’")) and self._org_after and self._org_after.match(after):
            return True
        return (folded in self._places and not word.isupper()
                and bool(_PLACE_BEFORE.search(before)))

    def house_names(self, text: str, results: list[RecognizerResult],
                    ) -> list[RecognizerResult]:
        """Address results for a house name just before an address or a postcode
        ("Ivy Cottage, Back Lane", "The Laurels, B74 2RJ", "Flat 2, Ty Gwyn, Heol y Coed")."""
        out = [RecognizerResult(
            "UK_ADDRESS", m.start(), m.end(), 0.5,
            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "UkAddressRecognizer",
                                  "pattern": "house-name"})
            for m in self._house_number.finditer(text)]
        for r in results:
            if r.entity_type not in ("UK_ADDRESS", "UK_POSTCODE"):
                continue
            m = self._house.search(text, max(0, r.start - 80), r.start)
            if m is None:
                continue
            stop = r.end if r.entity_type == "UK_ADDRESS" else m.start() + len(
                m.group().rstrip(", \t"))
            out.append(RecognizerResult(
                "UK_ADDRESS", m.start(), stop, max(r.score, 0.5),
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "UkAddressRecognizer",
                                      "pattern": "house-name"}))
        return out
