"""Names written as lists: meeting minutes ("Present: Jo Bell (SW), Sam Reid"), e-mail headers
("To: Jo Bell <jo@example.org>") and sign-offs ("Kind regards,\\nJo Bell"); used by
`ContextNameRecognizer` (pipeline/redact/recognizers/context_names.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import regex

from pipeline.redact.patterns import alternation
from pipeline.redact.settings import NameRules

#: separators between the items of a list
_ITEM = regex.compile(r"[^,;&+\n]+")
_AND = regex.compile(r"^[ \t]*(?:and|&)[ \t]+")



class ListNames:
    """Each capitalised item of a list after a label (`names.list_labels`) is a name, unless
    one of its words is a role, an agency or an acronym ("From: Housing Options" is not)."""

    def __init__(self, rules: NameRules, full: str, is_stop: Callable[[str], bool],
                 first_names: frozenset[str]) -> None:
        self._is_stop = is_stop
        self._first_names = first_names
        self._acronyms = frozenset(rules.acronyms)
        self._not_names = frozenset(w.casefold() for w in rules.not_names)
        self._full = regex.compile(rf"[ \t]*({full})(?=$|[ \t(<\[\-–—:.,\"'“]|[ \t]+[a-z])")
        labels = alternation(rules.list_labels)
        # at the start of a line or sentence; "Label:" lists on the same line, a sign-off
        # ("Kind regards,") on the same or the next line
        # (the match starts at a line start or a sentence end, so it fails fast elsewhere)
        self._label = (regex.compile(
            rf"(?:^|[\n.!?;])[ \t]*(?i:{labels})(?:[ \t]*:[ \t]*|[ \t]*[,!.]?[ \t]*\n?[ \t]*)",
            regex.MULTILINE) if labels else None)

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        if self._label is None:
            return
        for m in self._label.finditer(text):
            end = text.find("\n", m.end())
            end = len(text) if end < 0 else end
            for item in _ITEM.finditer(text, m.end(), end):
                span = self._item(text, item.start(), item.end())
                if span:
                    yield span

    def _item(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        lead = _AND.match(text, start, end)
        if lead:
            start = lead.end()
        m = self._full.match(text, start, end)
        if m is None:
            return None
        words = list(regex.finditer(r"\S+", text, pos=m.start(1), endpos=m.end(1)))
        # leading titles and roles ("Dr", "SW") are not part of the name
        while words and self._is_stop(words[0].group()):
            words.pop(0)
        if not words or any(self._is_stop(w.group()) for w in words):
            return None
        if len(words) == 1:
            word = words[0].group()
            if (word in self._acronyms or word.casefold() in self._not_names
                    or (word.isupper() and len(word) < 3)):
                return None
        return words[0].start(), words[-1].end()
