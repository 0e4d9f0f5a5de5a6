"""Phone numbers of any country, by shape (deny by default: a number that looks like a phone
number is removed whatever its format): "905-674-3793", "+46 (0)8 928 571 38",
"03.93.92.16.85", "(579)888-3058", "345-899-3560x4587", "+37 060 112 345", "(+57)6086003390",
"06-1/234 5678". A number a label or a verb says is a phone ("Tel: 20 44 81", "call me on
482913", "20 44 81 (mobile)") is removed whatever its length. UK numbers have their own
recognizer (UkPhoneRecognizer in redaction.yaml); this one catches the rest.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from pipeline.redact.patterns import CASE_SENSITIVE
from pipeline.redact.recognizers.lean import LeanPatternRecognizer

_SHAPE = (
    r"(?<![\w+/.,£$€¥-])(?<!\d:)"
    r"(?:(?:\+[ ]?\(?\d{1,4}\)?|\(\+\d{1,4}\)|\b00\d{1,3})[ .-]?)?"  # +46, +(370), (+57), 001
    r"(?:\(\d{1,5}\)[ ./-]?)?"                 # area code in brackets: (579), (09290), (74)/
    r"(?:\(0\)[ .-]?)?"                        # (0) of an international number
    # digit groups; one slash at most, before three digits or more (not "12/01 2300")
    r"\d{1,15}(?:(?:[ .-]|[ ]?/[ ]?(?=\d{3}))\d{1,15}){0,6}"
    r"(?:[ ]?(?i:x|ext\.?|extn\.?|extension)[ ]?\d{1,6})?"  # extension
    r"(?![\w/]|[.,]\d|:\d)"                    # not the date of "2024-03-12 14:30"
)
_EXTENSION = regex.compile(r"[ ]?(?i:x|ext\.?|extn\.?|extension)[ ]?\d{1,6}$")
_EXTENSION_AFTER = regex.compile(r"[ ]?(?i:x|ext\.?|extn\.?|extension)[ ]?\d{1,6}\b")
#: a date, a time range or a range of years is not a phone number: 12.03.2024, 2024-03-12,
#: 12 03 2024, 10.30-11.45, 2019-2020
_NOT_PHONE = regex.compile(
    r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}"
    r"|(?:0?[1-9]|[12]\d|3[01]) (?:0?[1-9]|1[0-2]) (?:19|20)\d{2}"
    r"|\d{1,2}[.:]\d{2} ?[-–] ?\d{1,2}[.:]\d{2}"
    r"|(?:19|20)\d{2}[ -](?:19|20)?\d{2}")
#: a date with a time after it: "12.03.2024 14.30", "2024-03-12 0930"
_DATE_THEN_TIME = regex.compile(
    r"(?:(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)?\d{2}"
    r"|(?:19|20)\d{2}[./-](?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12]\d|3[01])) \d{1,2}[.:]?\d{2}\b")

#: a country code just before a number: "+57", "(+57)", "+(370) ", "0044 "
_COUNTRY_BEFORE = regex.compile(r"(?:\+[ ]?\(?\d{1,4}\)?|\(\+\d{1,4}\)|\b00\d{1,3})[ .-]?\Z")
#: what says the number after it is a phone number: a phone word ("Tel", "mobile no.",
#: "WhatsApp"), a contact field ending in a colon ("Desk:", "Home:", "M:"), someone's number,
#: or a verb of calling with "on"/"at" ("call me on", "not answering at", "texts to")
_LABEL_BEFORE = regex.compile(
    r"(?i:"
    r"\b(?:tel(?:ephone)?|phone|mob(?:ile)?|cell(?:phone)?|landline|fax|whats[ ]?app|"
    r"ph(?=[ \t]*[:.]))(?:[ \t]*(?:no|num|number|nr)\b\.?)?(?:[ \t]+(?:is|was))?"
    r"|\b(?:desk|office|home|work|direct|switchboard|contact|main|hotline|helpline)"
    r"(?:[ \t]*(?:no|num|number|phone|tel|line)\b\.?)?(?=[ \t]*:)"
    r"|\b(?:my|his|her|their|your|our|new|old)[ \t]+number(?:[ \t]+(?:is|was))?"
    r"|\b(?:call(?:s|ed|ing)?|ring(?:s|ing)?|rang|phon(?:e[sd]?|ing)|text(?:s|ed|ing)?|"
    r"messag(?:e[sd]?|ing)|reach(?:ed)?|dial(?:s|led|ed)?|contact(?:s|ed)?|whats[ ]?app)"
    r"(?:[ \t]+[\w'’]+){0,3}?[ \t]+(?:on|at)"
    r"|\banswering[ \t]+at|\b(?:messages|texts|calls|voicemails?)[ \t]+to"
    r"|\b(?:my|his|her|their|your)[ \t]+registered"
    r"|\b(?:tlf|tfn)\b|(?-i:\b[TMFHW])(?=[ \t]*:)"  # a signature's "T: ...", "M: ..."
    r")[ \t]*[:#.=-]?[ \t]*(?:\r?\n[ \t]*)?\Z")
#: a phone word after the number, ending the phrase: "416 60 039 office", "20 44 81-Fax",
#: "7482 9913 (mobile)"; not "10000 home visits", "20000 mobile phones"
_LABEL_AFTER = regex.compile(
    r"[ \t]*(?:[-–(][ \t]*)?(?i:office|fax|mobile|mob|cell|home|work|landline|tel|phone|"
    r"desk|direct)\b(?![ \t]*[^\W\d_])")
#: an address's unit or a house number before the match: "Apt. 675 62314 Mellemvej"
_UNIT_BEFORE = regex.compile(
    r"(?i:\b(?:apt|apartment|suite|ste|flat|unit|box|room|no|house|floor))\.?[ \t]*\Z")
#: an amount: "1 200 000 pounds", "4 500 000 euros"
_MONEY_AFTER = regex.compile(
    r"[ \t]*(?i:pounds?|quid|pence|p\b|euros?|dollars?|gbp|eur|usd|k\b|m\b|million|thousand)")

#: the fewest digits a labelled phone number has ("Tel: 20448"); an unlabelled one needs 7
MIN_LABELLED_DIGITS = 5
MIN_DIGITS = 7
MAX_DIGITS = 15
_LABELLED_SCORE = 0.9  # a labelled number is a phone even when it is NHS- or reference-shaped
_SHAPE_SCORE = 0.42    # loses every tie with another identifier


def labelled_as_phone(text: str, start: int, end: int) -> bool:
    """Whether the number at text[start:end] is labelled as a phone number, before or after."""
    return bool(_LABEL_BEFORE.search(text, max(0, start - 60), start)
                or _LABEL_AFTER.match(text, end))


def part_of_phone(text: str, start: int, end: int) -> bool:
    """Whether another identifier's digits at text[start:end] are a phone number's: labelled
    as one, right after a country code ("(+57)6086003390", "+44 943 476 5919") or before an
    extension ("349-823-5311 x476")."""
    return bool(labelled_as_phone(text, start, end)
                or _COUNTRY_BEFORE.search(text, max(0, start - 8), start)
                or _EXTENSION_AFTER.match(text, end))


def _digits(number: str) -> int:
    """How many digits the number has, without its extension."""
    return sum(c.isdigit() for c in _EXTENSION.sub("", number))


class PhoneShapeRecognizer(LeanPatternRecognizer):
    """Any phone-shaped number: 7 to 15 digits in groups, with an optional country code,
    area code in brackets and extension; not a date, a time range or a year range. An
    unlabelled number scores below every other identifier, so an NHS number or a reference
    shaped like a phone number keeps its own placeholder; a labelled one (5 digits or more)
    scores above them."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=[Pattern("phone-shape", _SHAPE, _SHAPE_SCORE)],
            context=["phone", "tel", "mobile", "number", "call", "contact"],
            supported_language=supported_language,
            global_regex_flags=CASE_SENSITIVE,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """False rejects the match; None keeps it at the pattern's score."""
        text = pattern_text.strip()
        if not MIN_LABELLED_DIGITS <= _digits(text) <= MAX_DIGITS or text.count("/") > 1:
            return False
        if _NOT_PHONE.fullmatch(text) or _DATE_THEN_TIME.match(text):
            return False
        return None  # valid: keep the pattern's low score (True would raise it to 1.0)

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Phone-shaped numbers; a labelled one of 5 digits or more whatever its shape."""
        out = []
        for r in super().analyze(text, entities, nlp_artifacts, regex_flags):
            number = text[r.start:r.end]
            if labelled_as_phone(text, r.start, r.end):
                r.score = _LABELLED_SCORE
                if r.analysis_explanation is not None:
                    r.analysis_explanation.score = r.score
                out.append(r)
            elif self._unlabelled_ok(text, r.start, r.end, number):
                out.append(r)
        return out

    @staticmethod
    def _unlabelled_ok(text: str, start: int, end: int, number: str) -> bool:
        if _digits(number) < MIN_DIGITS:
            return False
        # a bare run of digits (no separator, no +) is an identifier's job (NHS, references)
        # unless it is as long as a phone number with its trunk or area code
        if number.isdigit() and not 9 <= len(number) <= 11:
            return False
        return not (_UNIT_BEFORE.search(text, max(0, start - 20), start)
                    or _MONEY_AFTER.match(text, end))
