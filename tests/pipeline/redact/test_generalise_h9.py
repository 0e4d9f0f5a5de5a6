"""Issue 11, tuning on heldout9: each class of miss found there is fixed as a class, and each
class is checked here on new invented text (none of it is from heldout9 or any other set).

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
    return redact_texts(redactor, texts, keep, family_ref="F9")


# --- a date of birth in brackets after a bare age, police style ----------------------------
@pytest.mark.parametrize(("text", "dates"), [
    ("Intel: MORLEY, Jack 15 (04/05/2011) seen in the park with two others.", ("04/05/2011",)),
    ('Kyle Tanner aka "WASP" 18 (3rd April 2008) PNC 12/3456789A.', ("3rd April 2008",)),
    ("Stop search: Dean Fox 14 (3.6.11), lives with his nan.", ("3.6.11",)),
    ("Associate PRYCE, Leon 26 (21/4/99), known to the unit.", ("21/4/99",)),
    ("Finn Brennock 13 (02/09/2012) reported missing by mum.", ("02/09/2012",)),
    # ... after a nickname in brackets and a comma
    ("Youth court: Idris Farah (Dris), 16 (5th Feb 2010). Bail.", ("5th Feb 2010",)),
    # a date of birth in another language's month, and the same date in figures after it
    ("True name ODA, Kemal (12 Mayıs 1985 / 12-05-1985), no fixed abode.",
     ("12 Mayıs 1985", "12-05-1985")),
    # a date the person gives when the date of birth is not known
    ("Gave name NGUYEN, Lan 16 (DOB unknown, says 4 March 2010), no ID.", ("4 March 2010",)),
])
def test_a_date_after_a_bare_age_is_a_date_of_birth(redactor, text, dates):
    out = _redact(redactor, [text])[0]
    _check(out, dates, (), "[date of birth]")


def test_a_number_after_a_lower_case_word_before_a_date_stays(redactor):
    out = _redact(redactor, ["Finn had an exclusion of 3 days in total (12/03/2026)."])[0]
    _check(out, (), ("12/03/2026",))


# --- family names: an alias with the surname, hyphenated given names, a sentence opener ----
_TIGGY = ("Tobias Marlow", "Orla Marlow", "Tiggy")
_LAM = ("Lam Wai-man", "Lam Ka-yee", "Lam Siu-ling")


@pytest.mark.parametrize(("keep", "text", "kept"), [
    # a roster alias (not a known form of the first name) with the family's surname
    (_TIGGY, "Tiggy Marlow yr 8, late again. Says Tiggy was fine.", ("Tiggy Marlow",)),
    (_TIGGY, "tiggy marlow, late 5 times. mum says tiggy sleeps badly.", ("tiggy marlow",)),
    # a hyphenated given name that spaCy splits at the hyphen
    (_LAM, "Children Wai-man (12) and Ka-yee (9) at home with mum.", ("Wai-man", "Ka-yee")),
    (_LAM, "ICPC.\nPresent: DC Rowe, teacher, Siu-ling, Ka-yee, interpreter.",
     ("Siu-ling", "Ka-yee")),
    # an ordinary word opening the sentence before a kept first name
    (("Orla Brennock", "Finn Brennock"), "Mum rang. Seen Orla at school, quiet.",
     ("Seen Orla",)),
])
def test_family_names_stay(redactor, keep, text, kept):
    out = _redact(redactor, [text], keep=keep)[0]
    _check(out, (), kept)


def test_another_person_with_the_familys_surname_is_still_removed(redactor):
    out = _redact(redactor, ["Tiggy Marlow yr 8. A girl, Abigail Marlow (no relation), "
                             "messages him."], keep=_TIGGY)[0]
    _check(out, ("Abigail",), ())


# --- a nickname beside the name it stands for -----------------------------------------------
@pytest.mark.parametrize(("text", "word"), [
    # quoted at the opening of a bracket after a name, whatever its frequency
    ('MARAC: Leon Price ("gravel") also a risk of retaliation.', "gravel"),
    ('new case: kasper lindqvist ("ghost" on the street), 12 month order.', "ghost"),
    # quoted after a relation
    ('orla says her lad and his mate "pigeon" broke the window.', "pigeon"),
    # alone in brackets after a name, when the text quotes it too
    ('his mate "pickle" was there. later Jay Rook (pickle) came back.', "pickle"),
    # before a name in brackets
    ("finn mentioned sprocket (Jay) who sells vapes.", "sprocket"),
    # said to be a nickname
    ("Case worker to keep in mind. sprocket is his nickname in the chats.", "sprocket"),
])
def test_a_nickname_beside_a_name_is_removed(redactor, text, word):
    out = _redact(redactor, [text])[0]
    assert not _word_in(word, out), out
    assert _PSEUDONYM.search(out), out


@pytest.mark.parametrize(("text", "kept"), [
    ('Finn said the bus ("number 9") was late. Dad\'s van ("work") was there.',
     ("number 9", "work")),
    ('Lunch ("chips") eaten. Passport held by the agent ("safety").', ("chips", "safety")),
    ("Orla's aunt (maternal) visited. Finn's friend (Kai) and his dad (Sam) came.",
     ("maternal", "friend", "dad")),
    # a role before a full name, a word before a reference
    ("ED navigator (Jade Okoro-Bell) spoke to Orla. Interview extract (CR/10293/26) read.",
     ("navigator", "extract")),
])
def test_words_in_brackets_that_are_no_nickname_stay(redactor, text, kept):
    out = _redact(redactor, [text])[0]
    _check(out, (), kept)


# --- an ALL-CAPS surname with accents that leave no plain vowel ----------------------------
def test_a_capitals_surname_whose_vowels_all_carry_accents_is_a_name(redactor):
    outs = _redact(redactor, [
        "Flat rented in the name of TRƯƠNG, Văn Phúc PNC 19/0456123K.",
        "Finn seen with an associate of TRƯƠNG, who has a warrant.",
    ])
    _check(outs[0], ("TRƯƠNG",), ())
    _check(outs[1], ("TRƯƠNG",), ("Finn",))


# --- footways and stairs as street suffixes ------------------------------------------------
def test_a_numbered_footway_or_stair_is_a_street_address(redactor):
    # a street named after a person: the suffix makes it an address, not a name
    outs = _redact(redactor, ["From 11 Ashworth Steps to a new flat.",
                              "From 3 Kenworth Stairs to a new flat. Finn took 3 steps."])
    _check(outs[0], ("Ashworth",), (), "[address]")
    _check(outs[1], ("Kenworth",), ("took 3 steps",), "[address]")
    assert not _PSEUDONYM.search(" ".join(outs)), outs


# --- a third party's first name in lower case, opening quoted speech -----------------------
# (a first name that is also an ordinary word, which is otherwise spread only capitalised)
def test_a_third_partys_name_opening_quoted_speech_in_lower_case_is_removed(redactor):
    outs = _redact(redactor, [
        "Dad is Grant Rudd, restraining order in place.",
        'finn told class teacher "grant came to the window". Orla said "sorry came too late".',
    ])
    _check(outs[1], ("grant",), ("sorry came",))
    assert _PSEUDONYM.findall(outs[0]) == _PSEUDONYM.findall(outs[1]), outs
