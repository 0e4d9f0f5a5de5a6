"""Issue 11, tuning on heldout16 (the thirteenth pass): each class is fixed as a class and
checked here on new invented text (none of it is from heldout16 or any other set; the
names are made up). Five tests fail on the engine before this pass; the guards (what must
stay) pass on both, and so do two streets that neighbour the fixed class ("Wren Coppice",
"Tanner Hollins" after a house number are read by the capitalised-words rule already; the
missed "Lark Coppice" and "Brock Hollins" began with a first name or followed no place word).
"""

from __future__ import annotations

import pytest

from pipeline.redact import load_redactor
from tests.support.redaction_cases import redact_texts, word_in

_KEEP = ("Petra Oyelaran", "Jonah Oyelaran")


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=_KEEP):
    return redact_texts(redactor, texts, keep, family_ref="F16")


# --- two people in a list are two people ------------------------------------------------------
def test_a_list_of_full_names_is_not_one_name(redactor):
    out = _redact(redactor, [
        "Core group.\nPresent: Imelda Voss-Arkwright (SW, chair), Hugo FENNICK, Odile "
        "Marchbanks-Tey\nOdile: Petra wants the aunt at the next meeting.\nHugo: nothing new.",
    ])[0]
    assert "Hugo" not in out and "Odile" not in out and "FENNICK" not in out, out
    present = out.split("Present: ")[1].split("\n")[0]
    names = [p.strip() for p in present.replace("(SW, chair)", "").split(",")]
    assert len(set(names)) == 3, out  # three pseudonyms, not two


def test_a_police_style_name_stays_one_person(redactor):
    """A guard: "SURNAME, Forename" is one name."""
    out = _redact(redactor, ["Suspect FENNICK, Hugo arrested at 0300. Petra informed."])[0]
    assert out.count("[Third party") == 1, out


def test_an_initial_does_not_join_the_word_and(redactor):
    out = _redact(redactor, [
        "jonah upset in form time. names given: bex, tariq m and ollie. jonah wants to move.",
    ])[0]
    for name in ("bex", "tariq", "ollie"):
        assert not word_in(name, out), out
    assert " and [Third party" in out, out  # "and" stays between two people
    assert len({p for p in out.split("[")[1:]}) >= 3, out


def test_names_listed_after_names_given_are_removed(redactor):
    out = _redact(redactor, [
        "Petra rang. Names mentioned: cosmo, lu and rafferty. She will bring Jonah in.",
    ])[0]
    assert not word_in("cosmo", out) and not word_in("rafferty", out), out
    assert "Petra" in out and "Jonah" in out, out


# --- a nickname at a clause's end after "to", "about", "owes" ---------------------------------
def test_a_nickname_at_a_clauses_end_after_to(redactor):
    out = _redact(redactor, [
        "Male known only as Sprocket visits at night.",
        "jonah says dad owes money to sprocket. he fixed the sprocket on his bike.",
    ])
    assert "to sprocket" not in out[1], out[1]
    assert "the sprocket on" in out[1], out[1]


# --- streets ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "street"), [
    ("Staying at her sister's, 2 Wren Coppice, for now.", "Wren Coppice"),
    ("Burglary at 6 Tanner Hollins, Peterborough.", "Tanner Hollins"),
    ("neighbour rosa at 10 lyme bay mount helps with the kids.", "lyme bay mount"),
])
def test_streets_with_these_words_are_removed(redactor, text, street):
    out = _redact(redactor, [text])[0]
    assert street not in out, out
