"""Scottish CHI numbers (date of birth and a mod-11 check digit)."""

from __future__ import annotations

from types import MappingProxyType

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from pipeline.redact.recognizers.lean import LeanPatternRecognizer
from pipeline.redact.recognizers.nhs import OWN_LABEL, mod11_ok
from pipeline.redact.recognizers.phone import part_of_phone


class ScottishChiRecognizer(LeanPatternRecognizer):
    """Scottish CHI numbers: date of birth DDMMYY then four digits, mod-11 check digit."""

    PATTERNS = [
        Pattern("CHI", r"\b(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[ -]?\d{4}\b", 0.45),
    ]
    needs = MappingProxyType({"CHI": r"\d{6}"})  # the date of birth, six digits
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
        return True if mod11_ok(digits) else None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """CHI numbers, but not a phone number's digits ("Tel: 0101011234")."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results
                if not part_of_phone(text, r.start, r.end)
                or OWN_LABEL.search(text, max(0, r.start - 16), r.start)]
