"""Issue 11, tuning on heldout8: each class of miss found there is fixed as a class, and each
class is checked here on new invented text (none of it is from heldout8 or any other set).

Every case: the texts of one family, the strings that must be gone, the strings that must
stay, and, where it matters, which mentions must (or must not) share a pseudonym. The tests
of a class fail on the engine before this pass; the guards (what must stay) pass on both.
"""

from __future__ import annotations

import pytest

from pipeline.redact import load_redactor
from tests.support.redaction_cases import PSEUDONYM as _PSEUDONYM
from tests.support.redaction_cases import check as _check
from tests.support.redaction_cases import redact_texts
from tests.support.redaction_cases import word_in as _word_in


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=("Orla Brennock", "Finn Brennock", "Finny")):
    return redact_texts(redactor, texts, keep, family_ref="F8")


# --- a quoted lower-case word where a person stands ---------------------------------------
@pytest.mark.parametrize(("text", "word"), [
    # the object of a preposition a person takes, at the end of a sentence
    ("Finn was seen arguing with 'carrot'.\nNo injuries.", "carrot"),
    ("School think he is running errands for 'mango'. Mum unaware.", "mango"),
    # ... or before a bracket
    ("Believed groomed by 'magpie' (real name not known) since spring.", "magpie"),
    # a name a phone or a person is given
    ('His second phone has a number stored as "walrus". Seized.', "walrus"),
    ("The older lad calls himself 'gravel'. Finn would not say more.", "gravel"),
    # the subject of a reported clause, before a verb
    ("Orla says 'noodle' parks outside most nights.", "noodle"),
    ("Finn says his cousin and 'pebble' were at the flat on Sunday.", "pebble"),
])
def test_a_quoted_lower_case_word_in_a_persons_place_is_a_nickname(redactor, text, word):
    out = _redact(redactor, [text])[0]
    assert not _word_in(word, out), out
    assert _PSEUDONYM.search(out), out


@pytest.mark.parametrize(("text", "kept"), [
    # scare quotes: a frequent word, a verb, or no person's preposition before it
    ("Passport kept by the uncle for 'safety'. Orla told to 'behave'.", ("safety", "behave")),
    ("Finn talked about 'school'. He is paid for 'work'.", ("school", "work")),
    ("Orla says 'sorry' a lot and then cries.", ("sorry",)),
])
def test_scare_quotes_stay(redactor, text, kept):
    out = _redact(redactor, [text])[0]
    _check(out, (), kept)


# --- a surname the family shares, alone, as a police-style subject ------------------------
def test_a_shared_surname_as_subject_before_the_family_member_in_full_is_the_third_party(
        redactor):
    outs = _redact(redactor, [
        "DASH. Victim BRENNOCK, Orla. Suspect Declan BRENNOCK (ex-partner), PNC ID "
        "03/0912845L.",
        "Probation supervision. BRENNOCK states he has not been near the house.\n"
        "Licence condition: no contact with Orla Brennock or Finn.",
    ])
    _check(outs[1], ("BRENNOCK",), ("Orla Brennock", "Finn"))
    suspect = _PSEUDONYM.search(outs[0])
    subject = _PSEUDONYM.search(outs[1])
    assert suspect and subject and suspect.group() == subject.group(), outs


def test_the_familys_own_surname_as_subject_stays(redactor):
    outs = _redact(redactor, [
        "DASH. Victim BRENNOCK, Orla. Suspect Declan BRENNOCK (ex-partner).",
        "Visit. BRENNOCK stated she is coping; Finn at school.",
        "Chronology - BRENNOCK\nBRENNOCK, Finn (9) seen at home.",
    ])
    _check(outs[1], (), ("BRENNOCK stated", "Finn"))
    _check(outs[2], (), ("Chronology - BRENNOCK", "BRENNOCK, Finn"))


# --- a name found in two pieces: its surname is spread like any full name's ---------------
def test_a_surname_found_beside_a_first_name_is_removed_alone_elsewhere(redactor):
    outs = _redact(redactor, [
        "Another man, Imran Zamindar, at the community centre has offered to help.",
        "Referrer: school DSL\nNotes: Zamindar not thought to be involved.",
    ])
    _check(outs[0], ("Zamindar",), ())
    _check(outs[1], ("Zamindar",), ("not thought to be involved",))


# --- a full date right after a person's age ------------------------------------------------
@pytest.mark.parametrize(("text", "date"), [
    ("Ward: Ayla PRENTICE, 4y (12/03/2021), brought in by her aunt.", "12/03/2021"),
    ("Infant Kobi Shand, 7 months (3 January 2025), seen with his father.", "3 January 2025"),
    ("Finn Brennock aged 9, 02.06.2016, attends Wharfside Primary.", "02.06.2016"),
])
def test_a_date_after_an_age_is_a_date_of_birth(redactor, text, date):
    out = _redact(redactor, [text])[0]
    _check(out, (date,), (), "[date of birth]")


def test_a_date_after_a_span_of_time_stays(redactor):
    out = _redact(redactor, ["Tenancy held for 2 years, 12/03/2026 review booked."])[0]
    _check(out, (), ("12/03/2026",))


# --- one person named in full, then by first name alone: one pseudonym (the key's fix) ----
def test_a_first_name_alone_after_the_full_name_shares_its_pseudonym(redactor):
    outs = _redact(redactor, [
        "From: Carys Tremayne\nSubject: Finn\nFinn missed two days.\nRegards,\nCarys",
        "Neighbour Petroc Sallis rang it in.",
        "Neighbour Sallis says the door was open.",
    ])
    assert len(set(_PSEUDONYM.findall(outs[0]))) == 1, outs[0]
    assert _PSEUDONYM.findall(outs[1]) == _PSEUDONYM.findall(outs[2]), outs
