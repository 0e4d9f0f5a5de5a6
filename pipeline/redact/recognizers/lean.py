"""Presidio's PatternRecognizer with a cheaper pattern loop and the same results.

Presidio's loop times every pattern (two `datetime.now()` calls and a debug log line each,
about 90 patterns a text) and sorts an empty result list once per recognizer; that was a
tenth of the engine's time outside spaCy (issue 11). `LeanPatternRecognizer.analyze` runs
the same patterns with the same flags, timeout, validation, scores, explanations (the
pattern name `Redactor._kept_street` reads) and metadata, without the timing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from presidio_analyzer import EntityRecognizer, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS
from presidio_analyzer.pattern_recognizer import re as presidio_re

#: Presidio's own logger, so a timed-out pattern is reported where Presidio reports it
logger = logging.getLogger("presidio-analyzer")

_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY


class LeanPatternRecognizer(PatternRecognizer):
    """A PatternRecognizer whose `analyze` returns what Presidio's returns, faster.

    `needs` maps a pattern name to a regex that finds something in every text the pattern
    matches in (the "@" of an e-mail address, the year of a date of birth): a text where it
    finds nothing is not searched with that pattern. It must follow from the pattern's own
    regex (a part no alternative can do without); a class sets it for its own patterns.
    """

    needs: Mapping[str, str] = MappingProxyType({})

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        patterns: list[Any] = self.patterns  # type: ignore[has-type] # Presidio's Patterns
        if not patterns:
            return []
        name: str = self.name  # type: ignore[has-type]
        flags: Any = regex_flags if regex_flags else self.global_regex_flags
        results: list[RecognizerResult] = []
        found: dict[str, bool] = {}  # needs regex -> whether it finds something in text
        for pattern in patterns:
            need = self.needs.get(pattern.name)
            if need is not None:
                if need not in found:
                    found[need] = _compiled(need).search(text) is not None
                if not found[need]:
                    continue
            if not pattern.compiled_regex or pattern.compiled_with_flags != flags:
                pattern.compiled_with_flags = flags
                pattern.compiled_regex = presidio_re.compile(pattern.regex, flags=flags)
            try:
                for match in pattern.compiled_regex.finditer(text,
                                                             timeout=REGEX_TIMEOUT_SECONDS):
                    start, end = match.span()
                    current = text[start:end]
                    if current == "":
                        continue
                    validation = self.validate_result(current)
                    explanation = self.build_regex_explanation(
                        name, pattern.name, pattern.regex, pattern.score,
                        validation, flags)  # type: ignore[arg-type]  # as Presidio passes it
                    result = RecognizerResult(
                        entity_type=self.supported_entities[0], start=start, end=end,
                        score=pattern.score, analysis_explanation=explanation,
                        recognition_metadata={_NAME_KEY: name, _ID_KEY: self.id})
                    if validation is not None:
                        result.score = (EntityRecognizer.MAX_SCORE if validation
                                        else EntityRecognizer.MIN_SCORE)
                    if self.invalidate_result(current):
                        result.score = EntityRecognizer.MIN_SCORE
                    if result.score > EntityRecognizer.MIN_SCORE:
                        results.append(result)
                    explanation.score = result.score
            except TimeoutError:
                logger.warning("Regex pattern '%s' timed out after %s seconds, skipping.",
                               pattern.name, REGEX_TIMEOUT_SECONDS, exc_info=True)
        return EntityRecognizer.remove_duplicates(results) if results else results


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return presidio_re.compile(pattern)


#: what Presidio's predefined patterns cannot match without (see LeanPatternRecognizer):
#: a part of each that every alternative has
_PREDEFINED_NEEDS: dict[str, Mapping[str, str]] = {
    "EmailRecognizer": {"Email (Medium)": "@"},
    "IpRecognizer": {"IPv4_mapped": ":", "IPv4_embedded": ":", "IPv6": ":",
                     "IPv6_unspecified": ":", "IPv4": r"\d\.\d{1,3}\.\d{1,3}\.\d"},
    # the digits of each, which no part around them can stand in for
    "UkNinoRecognizer": {"NINO (medium)": "[0-9]{2} ?[0-9]{2} ?[0-9]{2}"},
    "UkPassportRecognizer": {"UK Passport (weak)": r"\d{7}"},
    "UkDrivingLicenceRecognizer": {"UK Driving Licence": "[0-9]{6}"},
    "CreditCardRecognizer": {"All Credit Cards (weak)": r"\d{4}[- ]?\d{3}"},
    # letters in any case: the recognizer may be configured case-insensitive
    "UkPostcodeRecognizer": {"UK Postcode": "(?i:[0-9][a-z]{2})"},
    "UkVehicleRegistrationRecognizer": {
        "UK Vehicle Registration (current)": "(?i:[a-z]{2}[0-9]{2})",
        "UK Vehicle Registration (prefix)": r"(?i:\d[- ]?[a-z]{3})",
        "UK Vehicle Registration (suffix)": r"(?i:[a-z]{3}[- ]?\d{1,3}[- ]?[a-z]\b)"},
}


_LEAN: dict[type[Any], type[Any]] = {}


def lean(cls: type[Any]) -> type[Any]:
    """`cls` with LeanPatternRecognizer's loop, when it is a PatternRecognizer that runs
    Presidio's own `analyze`; any other class unchanged. The class keeps its name, so a
    recognizer's default name (and id) is what it was."""
    if not (isinstance(cls, type) and issubclass(cls, PatternRecognizer)
            and cls.analyze is PatternRecognizer.analyze):
        return cls
    if cls not in _LEAN:
        body = {"__doc__": cls.__doc__, "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
                "needs": MappingProxyType(dict(_PREDEFINED_NEEDS.get(cls.__name__, {})))}
        _LEAN[cls] = type(cls.__name__, (LeanPatternRecognizer, cls), body)
    return _LEAN[cls]
