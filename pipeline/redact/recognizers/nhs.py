"""NHS numbers: a mistyped number (failed checksum) is still an NHS number."""

from __future__ import annotations

import re
from types import MappingProxyType

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import NhsRecognizer

from pipeline.redact.recognizers.lean import LeanPatternRecognizer
from pipeline.redact.recognizers.phone import part_of_phone

#: digits joined to the match by a space or a dash: the match is part of a longer number
_JOINED_BEFORE = re.compile(r"\d[ -]$")
_JOINED_AFTER = re.compile(r"^[ -]\d")
#: an NHS or CHI label just before the number: it is that number, whatever follows it
OWN_LABEL = re.compile(r"\b(?:nhs|chi)\b[^\n\d]{0,12}$", re.IGNORECASE)


def mod11_ok(digits: str) -> bool:
    """NHS / CHI check digit: weights 10..1 over the ten digits sum to a multiple of 11."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    return sum(int(c) * w for c, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 0


class LenientNhsRecognizer(LeanPatternRecognizer, NhsRecognizer):
    """NHS numbers; a failed checksum lowers confidence instead of discarding the match."""

    #: Presidio's NHS pattern without its word boundaries
    needs = MappingProxyType({"NHS (medium)": "[0-9]{3}[- ]?[0-9]{3}[- ]?[0-9]{4}"})

    def validate_result(self, pattern_text: str) -> bool | None:  # type: ignore[override]
        digits = "".join(c for c in pattern_text if c.isdigit())
        if mod11_ok(digits):
            return True
        # NHS numbers are written with spaces or none; "905-674-3793" with a failed checksum
        # is a phone number (removed by PhoneShapeRecognizer)
        return False if "-" in pattern_text else None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """NHS numbers, but not ten digits inside a longer number ("21 284 698 2548") nor a
        phone number's digits ("Fax: 9498777106", "call me on 041-180-9679", "+1 9498777106")."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results
                if not (_JOINED_BEFORE.search(text[max(0, r.start - 2):r.start])
                        or _JOINED_AFTER.match(text[r.end:r.end + 2])
                        or (part_of_phone(text, r.start, r.end)
                            and not OWN_LABEL.search(text, max(0, r.start - 16), r.start)))]
