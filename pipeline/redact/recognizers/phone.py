"""Phone numbers of any country, by shape (deny by default: a number that looks like a phone
number is removed whatever its format): "905-674-3793", "+46 (0)8 928 571 38",
"03.93.92.16.85", "(579)888-3058", "345-899-3560x4587". UK numbers have their own recognizer
(UkPhoneRecognizer in redaction.yaml); this one catches the rest.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from pipeline.redact.patterns import CASE_SENSITIVE

_SHAPE = (
    r"(?<![\w+/.,£$€¥:-])"
    r"(?:(?:\+|\b00)\d{1,3}[ .-]?)?"           # country code
    r"(?:\(\d{1,4}\)[ .-]?)?"                  # area code in brackets
    r"(?:\(0\)[ .-]?)?"                        # (0) of an international number
    r"\d{1,6}(?:[ .-]\d{1,6}){0,5}"            # digit groups
    r"(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?"        # extension
    r"(?![\w/]|[.,]\d)"
)
#: a date or a range of years is not a phone number: 12.03.2024, 2024-03-12, 2019-2020
_NOT_PHONE = regex.compile(
    r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}"
    r"|(?:19|20)\d{2}[ -](?:19|20)?\d{2}")


class PhoneShapeRecognizer(PatternRecognizer):
    """Any phone-shaped number: 7 to 15 digits in groups, with an optional country code,
    area code in brackets and extension; not a date or a year range. It scores below every
    other identifier, so an NHS number or a reference shaped like a phone number keeps its
    own placeholder."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=[Pattern("phone-shape", _SHAPE, 0.42)],  # loses every tie
            context=["phone", "tel", "mobile", "number", "call", "contact"],
            supported_language=supported_language,
            global_regex_flags=CASE_SENSITIVE,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """False rejects the match; None keeps it at the pattern's score."""
        digits = sum(c.isdigit() for c in pattern_text)
        if not 7 <= digits <= 15:
            return False
        text = pattern_text.strip()
        if _NOT_PHONE.fullmatch(text):
            return False
        # a bare run of digits (no separator, no +) is an identifier's job (NHS, references)
        if text.isdigit() and not 9 <= len(text) <= 11:
            return False
        return None  # valid: keep the pattern's low score (True would raise it to 1.0)
