"""Issue 11, tuning on heldout12: each class of miss found there is fixed as a class, and each
class is checked here on new invented text (none of it is from heldout12 or any other set).

Every case: the texts of one family, the strings that must be gone, the strings that must
stay, and, where it matters, which mentions must share a pseudonym. The tests of a class fail
on the engine before this pass; the guards (what must stay) pass on both.
"""

from __future__ import annotations

import pytest

from pipeline.redact import load_redactor
from tests.support.redaction_cases import PSEUDONYM as _PSEUDONYM
from tests.support.redaction_cases import check as _check
from tests.support.redaction_cases import redact_texts

_KEEP = ("Orla Brennock", "Finn Brennock", "Tibbo")


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=_KEEP):
    return redact_texts(redactor, texts, keep, family_ref="F12")


# --- dates of birth --------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "dates"), [
    # the age and the date in one bracket after a name, the date in any form
    ("Pania (14, the ninth of June 2011) seen at the hub.", ("ninth of June 2011",)),
    ("Zofia Krall (15, 3rd Feb 2010) found in a car.", ("3rd Feb 2010",)),
    ("Youths incl OSEI-BONSU, Kwame (13, 2012-07-09).", ("2012-07-09",)),
    ("PRUNDEANU, Vlad (16, 11-Oct-2009). Driver left.", ("11-Oct-2009",)),
    # a date alone in brackets after a name, any year, where the sentence speaks of age
    ("2 yr review Finn (2023-09-30). Settled at nursery.", ("2023-09-30",)),
    ("Six month check: 6 mths baby Finn (2025-04-02) weighed.", ("2025-04-02",)),
    # a letter's subject: "re", the name, the date
    ("Dear Dr Amadi, re Finn Brennock 7/11/2020. Mum brought him in.", ("7/11/2020",)),
    # a name closing a bracket, then the date
    ("Triage. Finn B (registered as Finn Brennock) 22-Mar-2011. Bruising.", ("22-Mar-2011",)),
    # a date alone as a sentence
    ('Orla would not say who; she calls him "the boss". 19/02/2009. Referral made.',
     ("19/02/2009",)),
])
def test_more_dates_of_birth_are_removed(redactor, text, dates):
    out = _redact(redactor, [text])[0]
    _check(out, dates, (), "[date of birth]")


@pytest.mark.parametrize(("text", "kept"), [
    ("Finn Brennock seen at school. Next visit 04/04/2025 with Orla.", ("04/04/2025",)),
    ("Case reviewed. 12/03/2025. Orla informed.", ("12/03/2025",)),
    ("Orla rang re Finn's school report; meeting 14/05/2026.", ("14/05/2026",)),
])
def test_other_dates_stay(redactor, text, kept):
    out = _redact(redactor, [text])[0]
    _check(out, (), kept)
    assert "[date of birth]" not in out, out


# --- streets with regional suffixes ----------------------------------------------------------
@pytest.mark.parametrize(("text", "street"), [
    ("Address given 7 Tanners Ghyll. Orla not present.", "7 Tanners Ghyll"),
    ("Warrant executed on 4 Weavers Sike.", "4 Weavers Sike"),
    ("Warrant for 15 Pinfold Syke tomorrow.", "15 Pinfold Syke"),
    ("Stolen bike found 3 Hebble Clough.", "3 Hebble Clough"),
])
def test_streets_with_regional_suffixes_are_removed(redactor, text, street):
    out = _redact(redactor, [text])[0]
    assert street not in out, out
    assert "[address]" in out, out


# --- nicknames that are ordinary words -------------------------------------------------------
def test_a_quoted_nickname_after_calls_him_is_removed_and_spread(redactor):
    outs = _redact(redactor, [
        'no names given. calls him "lampwick".',
        'Finn says Orla met "lampwick" in town.',
    ])
    assert "lampwick" not in outs[0] and "lampwick" not in outs[1], outs
    assert set(_PSEUDONYM.findall(outs[1])) <= set(_PSEUDONYM.findall(outs[0])), outs


@pytest.mark.parametrize(("text", "word"), [
    # even a word the vocabulary explains (a pet)
    ("Stop yk21 abc. Driver HAMSTER (ab12 cde). Victim Finn in rear.", "HAMSTER"),
])
def test_a_word_in_capitals_after_a_person_noun_is_a_name(redactor, text, word):
    out = _redact(redactor, [text])[0]
    assert word not in out, out
    assert _PSEUDONYM.search(out), out


def test_a_verb_in_capitals_after_a_person_noun_stays(redactor):
    out = _redact(redactor, ["Driver FAILED to stop; Orla informed."])[0]
    assert not _PSEUDONYM.search(out), out


@pytest.mark.parametrize(("text", "word"), [
    # a list with a quoted relation and a name
    ("Finn said doormat and 'cousin' Dmitri stay at the flat.", "doormat"),
    # "who" after a bare word: a person
    ("Orla worried about tinderbox who waits outside the school.", "tinderbox"),
])
def test_a_word_where_a_person_stands_is_removed(redactor, text, word):
    out = _redact(redactor, [text])[0]
    assert word not in out, out


@pytest.mark.parametrize("text", [
    "Orla worried about people who wait outside the school.",
    "Finn said football and 'cousin' stuff take up his week.",
])
def test_ordinary_words_in_those_places_stay(redactor, text):
    out = _redact(redactor, [text])[0]
    assert not _PSEUDONYM.search(out), out


def test_a_word_name_from_an_agency_is_a_person(redactor):
    out = _redact(redactor, ["Finn seen at school. Hope from CAMHS and Orla agreed a plan."])[0]
    _check(out, ("Hope",), ("CAMHS", "Finn"))
    out = _redact(redactor, ["Help from CAMHS offered to Orla."])[0]
    _check(out, (), ("Help from CAMHS",))


# --- lower-case names ------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "gone", "kept"), [
    # an item of a bracketed list with a name
    ("finn out with mates (jakub, marlow) till late.", ("marlow",), ("finn",)),
    # a name alone on a line before a signature line
    ("visit done, orla ok.\nperegrine ashcombe-lyle\nPC 4471",
     ("peregrine", "ashcombe-lyle"), ("PC 4471",)),
    # after a role word, a dictionary word then a surname
    ("no concerns today. staff clemency okafor-hale", ("clemency", "okafor-hale"), ("staff",)),
    # a word with its possessive before a relative (checked with the "'s": word_in does not
    # see a word before one)
    ("finn says ash's mum drove them home.", ("ash's",), ("mum drove",)),
    ("finn says clay's mum drove them home.", ("clay's",), ("mum drove",)),
])
def test_lower_case_names_are_removed(redactor, text, gone, kept):
    out = _redact(redactor, [text])[0]
    _check(out, (), kept)
    for word in gone:
        assert word not in out, out


@pytest.mark.parametrize("text", [
    "finn says his friend's mum drove them home.",
    "the dog's mum was a collie, orla says.",
])
def test_a_possessive_of_a_thing_or_a_relation_stays(redactor, text):
    out = _redact(redactor, [text])[0]
    assert not _PSEUDONYM.search(out), out


def test_a_word_in_capitals_taken_for_a_name_is_spread(redactor):
    outs = _redact(redactor, [
        "Stop check. Driver TEAPOT (ab12 cde), Finn in rear.",
        "Teapot picks Finn up after school, Orla says.",
        "finn says his mate teapot drove them.",
        "Orla made a pot of tea in the teapot.",
    ])
    for out in outs[:3]:
        assert "teapot" not in out.casefold(), outs
    _check(outs[3], (), ("in the teapot",))
    assert set(_PSEUDONYM.findall(outs[1] + outs[2])) <= set(_PSEUDONYM.findall(outs[0])), outs


def test_a_name_ending_a_message_in_a_timed_chat_is_removed(redactor):
    out = _redact(redactor, [
        "Orla showed the messages:\n"
        "19:40 kez_99: u got the money for macca\n"
        "19:42 Finn: no\n"
        "19:43 kez_99: ok see u with tunde"])[0]
    _check(out, ("macca", "kez_99"), ("Finn: no", "see u with"))


# --- the family's name given to someone else -------------------------------------------------
@pytest.mark.parametrize(("text", "gone", "kept"), [
    # the family's first name, said to be someone else
    ("finn played with finn oduya (the other y3 finn, no relation) today.",
     ("oduya",), ("finn played",)),
    ("Finn sat with another Finn from Y4 at lunch.", (), ("Finn sat",)),
])
def test_the_familys_first_name_said_to_be_someone_else_is_removed(redactor, text, gone, kept):
    out = _redact(redactor, [text])[0]
    _check(out, gone, kept)
    assert out.casefold().count("finn") == 1, out


def test_another_word_before_the_familys_name_stays(redactor):
    out = _redact(redactor, ["Finn had another go at the test; Orla pleased."])[0]
    assert not _PSEUDONYM.search(out), out
