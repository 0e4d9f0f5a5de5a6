"""Presidio recognizers written for casebundle, one per file; `redaction_rules/redaction.yaml`
selects them by class name from this package.

The checksum recognizers follow one rule: a number with an identifier's format is redacted
even when its checksum fails (a mistyped NHS number is still an NHS number), so a failed
checksum keeps the pattern's score instead of dropping the match; a valid checksum raises it.
"""

from pipeline.redact.recognizers.address import BARE_STREET, UkAddressRecognizer
from pipeline.redact.recognizers.chi import ScottishChiRecognizer
from pipeline.redact.recognizers.context_names import ContextNameRecognizer
from pipeline.redact.recognizers.email import OfflineEmailRecognizer
from pipeline.redact.recognizers.nhs import LenientNhsRecognizer
from pipeline.redact.recognizers.phone import PhoneShapeRecognizer
from pipeline.redact.recognizers.upn import UkUpnRecognizer, upn_check_letter

__all__ = [
    "BARE_STREET",
    "ContextNameRecognizer",
    "LenientNhsRecognizer",
    "OfflineEmailRecognizer",
    "PhoneShapeRecognizer",
    "ScottishChiRecognizer",
    "UkAddressRecognizer",
    "UkUpnRecognizer",
    "upn_check_letter",
]
