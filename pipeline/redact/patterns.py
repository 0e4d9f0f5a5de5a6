"""Regex building blocks shared by the recognizers and the span checks."""

from __future__ import annotations

import regex

#: regex flags without IGNORECASE, for rules where capital letters carry the meaning
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal words, longest first so 'Mrs' wins over 'Mr'."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))
