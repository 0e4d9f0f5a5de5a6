"""English unique pupil numbers (UPN), with the DfE check letter."""

from __future__ import annotations

from types import MappingProxyType

from presidio_analyzer import Pattern

from pipeline.redact.patterns import CASE_SENSITIVE
from pipeline.redact.recognizers.lean import LeanPatternRecognizer

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


class UkUpnRecognizer(LeanPatternRecognizer):
    """English unique pupil numbers: check letter, 12 digits (temporary UPNs end in a letter)."""

    #: any first letter: a mistyped check letter (even I, O or S) is still a pupil's number
    PATTERNS = [Pattern("UPN", r"\b[A-Z]\d{11}[0-9A-HJ-NP-RT-Z]\b", 0.5)]
    needs = MappingProxyType({"UPN": r"\d{11}"})  # its eleven digits in a row
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
