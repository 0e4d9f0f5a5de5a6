"""LeanPatternRecognizer gives exactly what Presidio's pattern loop gives, and every pattern's
`needs` finds something in each text the pattern matches in (issue 11, throughput)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import regex
from presidio_analyzer import PatternRecognizer
from pydantic import ValidationError

from pipeline.redact import Redactor, load_redactor
from pipeline.redact.recognizers.lean import LeanPatternRecognizer, lean
from pipeline.redact.settings import PatternRule

CASES = Path(__file__).resolve().parents[2] / "cases"

#: invented texts for the patterns with `needs`, so each is seen matching
INVENTED = [
    "Contact: jo.test@example.org or @kai.p2 on Snap, server 192.0.2.14 and ::1, fe80::1.",
    "BRENNAN, Kyle 14/02/2007 and Kai Nolan (1st March 2009); Riley 12 August 2008.",
    "TUNSTALL, Reggie ('Wasp') 05/12/2006, GORRIE, Shane 7 Jan 1991 / 07-01-1991.",
    "Victim Jo Bell\n4 May 1990. Nowak, Ewa 3 lipca 1988. Ann Lee (March 4, 2001).",
    "Lives at Tamarisk Court, then Rose Cottage, then 2 Heol Y Bont, and Ffordd Las.",
    "Flat 3, 22 Kings Road; she lives at number 4; caller at no 8 says; no. 12 Hill St.",
    "NI AB 12 34 56 C, passport AB1234567, licence MORGA753116SM9IJ 35.",
    "Ref CR/12345/26, LOG 1234 23/11, PNC 11/0987654B, CRO 012345/09X, 01/123456/23, OCC "
    "12345678; reg AB12 CDE, B123 ABC, ABC 123D; www.example.org; (0161) 496 0000.",
    "UPN A12345678901B, CHI 0101011234, NHS 943 476 5919, card 4111 1111 1111 1111, LU1 9ZZ; "
    "on Snap, r0x.k",
]


def _texts() -> list[str]:
    texts = list(INVENTED)
    for path in sorted((CASES / "redaction").glob("*.jsonl")):
        if path.name.startswith("heldout12"):
            continue  # the blind set is never read
        with path.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh]
    synth = json.loads((CASES / "presidio_synth" / "synth_dataset_v2.json").read_text("utf-8"))
    return texts + [r["full_text"] for r in synth[:400]]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return load_redactor()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


def _lean(redactor: Redactor) -> list[Any]:
    return [r for r in redactor._analyzer.registry.recognizers
            if isinstance(r, LeanPatternRecognizer)]


def _key(results: list[Any]) -> list[tuple[Any, ...]]:
    out = []
    for r in results:
        e = r.analysis_explanation
        out.append((r.entity_type, r.start, r.end, r.score, dict(r.recognition_metadata),
                    e.pattern_name, e.score, e.validation_result, e.original_score))
    return sorted(out, key=repr)


def test_pattern_recognizers_use_the_lean_loop(redactor: Redactor) -> None:
    names = {r.name for r in _lean(redactor)}
    assert {"UkAddressRecognizer", "NamedBirthDateRecognizer", "EmailRecognizer",
            "IpRecognizer", "UkPostcodeRecognizer", "NhsRecognizer"} <= names


def test_lean_loop_matches_presidio(redactor: Redactor, texts: list[str]) -> None:
    """Same results, scores, explanations (pattern names) and metadata, on every text."""
    compared = 0
    for rec in _lean(redactor):
        for text in texts:
            ours = LeanPatternRecognizer.analyze(rec, text, [])
            theirs = PatternRecognizer.analyze(rec, text, [])
            assert _key(ours) == _key(theirs), (rec.name, text[:80])
            compared += len(theirs)
    assert compared > 1000


def test_needs_hold(redactor: Redactor, texts: list[str]) -> None:
    """Wherever a pattern matches, its `needs` finds something (or the pattern would be
    skipped on a text it matches in)."""
    checked: set[tuple[str, str]] = set()
    for rec in _lean(redactor):
        for pattern in rec.patterns:
            need = rec.needs.get(pattern.name)
            if need is None:
                continue
            compiled = regex.compile(pattern.regex, flags=rec.global_regex_flags)
            for text in texts:
                if compiled.search(text):
                    assert regex.search(need, text), (rec.name, pattern.name, text[:80])
                    checked.add((rec.name, pattern.name))
    assert {("EmailRecognizer", "Email (Medium)"), ("IpRecognizer", "IPv4"),
            ("UkAddressRecognizer", "bare-street"), ("UkAddressRecognizer", "dwelling"),
            ("UkAddressRecognizer", "welsh-bare"), ("SocialHandleRecognizer", "at-handle"),
            ("UkAddressRecognizer", "flat"), ("UkAddressRecognizer", "house-no"),
            ("UkAddressRecognizer", "street"), ("UkAddressRecognizer", "number-postcode"),
            ("UkAddressRecognizer", "house-number"), ("UkAddressRecognizer", "house-no-at"),
            ("UkNinoRecognizer", "NINO (medium)"), ("UkPassportRecognizer", "UK Passport (weak)"),
            ("UkDrivingLicenceRecognizer", "UK Driving Licence"),
            ("PoliceReferenceRecognizer", "crime-ref"), ("PoliceReferenceRecognizer", "pnc-shape"),
            ("PoliceReferenceRecognizer", "force-urn"), ("LabelledRegistrationRecognizer", "reg-label"),
            ("WebLinkRecognizer", "scheme-or-www"), ("UkPhoneRecognizer", "bracketed-area-code"),
            ("NhsRecognizer", "NHS (medium)"), ("UkUpnRecognizer", "UPN"),
            ("ScottishChiRecognizer", "CHI"), ("CreditCardRecognizer", "All Credit Cards (weak)"),
            ("UkPostcodeRecognizer", "UK Postcode"), ("PostcodeFormatRecognizer", "postcode-shape"),
            ("UkVehicleRegistrationRecognizer", "UK Vehicle Registration (current)"),
            ("UkVehicleRegistrationRecognizer", "UK Vehicle Registration (prefix)"),
            ("UkVehicleRegistrationRecognizer", "UK Vehicle Registration (suffix)"),
            ("SocialHandleRecognizer", "platform-handle"),
            ("NamedBirthDateRecognizer", "name-then-date"),
            ("NamedBirthDateRecognizer", "name-then-date-in-words"),
            ("NamedBirthDateRecognizer", "name-line-then-date")} <= checked


def test_context_name_needs_hold(redactor: Redactor, texts: list[str]) -> None:
    """ContextNameRecognizer skips a pattern only where it cannot match."""
    from pipeline.redact.recognizers.context_names import _NEEDS

    recognizers: list[Any] = list(redactor._analyzer.registry.recognizers)
    rec = next(r for r in recognizers if r.name == "ContextNameRecognizer")
    patterns = {label: p for label, p, _ in [*rec._patterns, *rec._lower_patterns]}
    assert set(_NEEDS) <= set(patterns)
    seen = set()
    for text in [*texts, "her friend Jo Bell (mum's friend)", "jade's mum rang", "mr oduya"]:
        for label, needs in _NEEDS.items():
            if patterns[label].search(text):
                assert any(n in text for n in needs), (label, text[:80])
                seen.add(label)
    assert seen == set(_NEEDS)


def test_lean_keeps_a_class_name_and_others_unchanged() -> None:
    from presidio_analyzer.predefined_recognizers import IbanRecognizer, UkNinoRecognizer

    assert lean(UkNinoRecognizer).__name__ == "UkNinoRecognizer"
    assert lean(UkNinoRecognizer)().name == "UkNinoRecognizer"
    assert lean(UkNinoRecognizer) is lean(UkNinoRecognizer)
    assert lean(IbanRecognizer) is IbanRecognizer  # has its own analyze


@pytest.mark.parametrize(("needs", "ok"), [
    (None, True),
    (r"19\d\d|20[01]\d", True),
    ("(", False),   # does not compile
    ("", False),    # empty
])
def test_pattern_rule_needs_checked_on_load(needs: str | None, ok: bool) -> None:
    if ok:
        assert PatternRule(name="p", regex=r"\d{4}", score=0.5, needs=needs).needs == needs
    else:
        with pytest.raises(ValidationError):
            PatternRule(name="p", regex=r"\d{4}", score=0.5, needs=needs)
