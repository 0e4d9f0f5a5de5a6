"""NHS numbers: a mistyped number (failed checksum) is still an NHS number."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import NhsRecognizer


def mod11_ok(digits: str) -> bool:
    """NHS / CHI check digit: weights 10..1 over the ten digits sum to a multiple of 11."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    return sum(int(c) * w for c, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 0


class LenientNhsRecognizer(NhsRecognizer):
    """NHS numbers; a failed checksum lowers confidence instead of discarding the match."""

    def validate_result(self, pattern_text: str) -> bool | None:  # type: ignore[override]
        digits = "".join(c for c in pattern_text if c.isdigit())
        return True if mod11_ok(digits) else None
