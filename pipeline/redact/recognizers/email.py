"""Email addresses, checked against the Public Suffix List bundled with tldextract."""

from __future__ import annotations

import functools
from types import MappingProxyType

import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from pipeline.redact.recognizers.lean import LeanPatternRecognizer

#: tldextract with the Public Suffix List snapshot bundled in the package: no network, no cache
_OFFLINE_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

class OfflineEmailRecognizer(LeanPatternRecognizer, EmailRecognizer):
    """Email addresses, validated against the bundled suffix list (never fetched)."""

    needs = MappingProxyType({"Email (Medium)": "@"})  # every address has its "@"

    def validate_result(self, pattern_text: str) -> bool | None:
        return _has_known_suffix(pattern_text) or None


@functools.lru_cache(maxsize=4096)  # an address recurs across a family's texts; bounded
def _has_known_suffix(address: str) -> bool:
    return bool(_OFFLINE_TLD(address).fqdn)
