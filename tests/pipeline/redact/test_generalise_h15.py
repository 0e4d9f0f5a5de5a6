"""Issue 11, tuning on heldout15 (the twelfth pass): each class is fixed as a class and
checked here on new invented text (none of it is from heldout15 or any other set; the
names are made up).

Thirteen of these tests fail on the engine before this pass. The guards (what must stay)
pass on both, and so do five examples that neighbour a fixed class and that the engine
already handled (a date after "check for <name>", "Pelham Tenter" and "dyer slack" after "of"
and "at", "Fulling Ings", a capitals line before "believed to be", a lower-case sign-off):
they are kept to show the class as a whole.
"""

from __future__ import annotations

import pytest

from pipeline.redact import load_redactor
from tests.support.redaction_cases import redact_texts, word_in

_KEEP = ("Delphine Arkwright", "Otis Arkwright", "Marnie Arkwright")


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=_KEEP):
    return redact_texts(redactor, texts, keep, family_ref="F15")


# --- a date of birth after a name, a gloss, an age or a school year ---------------------------
@pytest.mark.parametrize(("text", "date"), [
    ("Seen Otis Arkwright, 15, 2010-08-21. Attended with mum.", "2010-08-21"),
    ("Marnie Arkwright (Mimi), Year 4, 2017-02-03. Came about tummy aches.", "2017-02-03"),
    ("Delphine Arkwright, 39, (14-Jul-1986). NHS number on file.", "14-Jul-1986"),
    ("Delphine Arkwright, 39, (14/07/1986), lives with the children.", "14/07/1986"),
    ("School nurse. Marnie Arkwright, 9, 3 February 2017. Came asking for plasters.",
     "3 February 2017"),
    ("Two year check for Marnie Arkwright, 2017-02-03. Speech good.", "2017-02-03"),
    ("seen delphine (14-Jul-1986) with the interpreter on the phone.", "14-Jul-1986"),
    ("Neighbour GRESHAM, Alban (neighbour, 1969-11-30) heard the shouting.", "1969-11-30"),
])
def test_a_date_of_birth_after_a_name_and_what_a_record_puts_between(redactor, text, date):
    out = _redact(redactor, [text])[0]
    assert date not in out, out
    assert "Arkwright" in out or "delphine" in out or "GRESHAM" not in out


@pytest.mark.parametrize("text", [
    "Police attended on 2025-03-14 after a 999 call.",
    "Strategy meeting held 2025-03-14. Next review in six weeks.",
    "Otis was excluded for 2 days, 2025-03-14 to 2025-03-15.",
])
def test_an_event_date_stays(redactor, text):
    """A guard: a date not written after a name, a gloss or an age is an event's date."""
    out = _redact(redactor, [text])[0]
    assert "2025-03-14" in out, out


# --- streets: a lower-case address before a postcode, Yorkshire street words ------------------
@pytest.mark.parametrize(("text", "street"), [
    ("visited delphine at 4 ferrier tenter, ls9 2zz. children in.", "ferrier tenter"),
    ("Delphine Arkwright of 11 Pelham Tenter. Otis at school.", "Pelham Tenter"),
    ("tenancy check at 3 dyer slack. all well.", "dyer slack"),
    ("home visit to 21 walker butts. mum tired.", "walker butts"),
    ("Otis was excluded from Fulling Ings last week.", "Fulling Ings"),
])
def test_streets_with_these_words_are_removed(redactor, text, street):
    out = _redact(redactor, [text])[0]
    assert street not in out, out


# --- nicknames: given by a naming phrase, in brackets after a name, from a handle ------------
def test_a_word_given_as_a_name_goes_there_and_where_only_a_person_stands(redactor):
    out = _redact(redactor, [
        "Male with him known only as Ladder, possibly Corin Vessey.",
        "Otis told his teacher that ladder was waiting at the gate. He carried a ladder "
        "for the caretaker after lunch.",
        "Marnie says ladder stands by the shop most nights.",
    ])
    assert not word_in("Ladder", out[0]), out[0]
    assert "that ladder was" not in out[1] and "a ladder" in out[1], out[1]
    assert "says ladder" not in out[2], out[2]


def test_a_word_in_brackets_after_a_name_is_that_persons_nickname(redactor):
    out = _redact(redactor, [
        "Associates: Corin Vessey and Bram Tolliday (Twitchy). Both drink at the club.",
        "otis says twitchy shouts at mum. he was twitchy all afternoon.",
        "marnie is scared of twitchy, who waits at the bus stop.",
    ])
    assert "Twitchy" not in out[0], out[0]
    assert "says twitchy" not in out[1] and "was twitchy all" in out[1], out[1]
    assert "of twitchy" not in out[2], out[2]


def test_the_word_of_a_handle_goes_where_only_a_person_stands(redactor):
    out = _redact(redactor, [
        "Chat seen by police.\nsoggy_q: u coming tonight\nOtis: no",
        "otis is scared of soggy, who waits at the bus stop. his shoes were soggy again.",
    ])
    assert "soggy_q" not in out[0], out[0]
    assert "of soggy" not in out[1] and "were soggy again" in out[1], out[1]


def test_a_capitals_line_said_to_be_someone_is_a_nickname(redactor):
    out = _redact(redactor, [
        "Associates\nFIDDLER - believed to be Corin VESSEY\nVehicle seen twice.",
    ])[0]
    assert "FIDDLER" not in out, out


def test_a_word_said_to_be_what_everyone_calls_him(redactor):
    out = _redact(redactor, [
        "otis said he was out late. drowsy is what everyone calls him. mum cross.",
    ])[0]
    assert not word_in("drowsy", out), out


def test_a_lower_case_sign_off_line_with_a_role(redactor):
    out = _redact(redactor, [
        "marnie quiet today, ate lunch.\nwinifred kettleby-shaw, head of year 4",
    ])[0]
    assert "kettleby" not in out and "winifred" not in out, out
    assert "head of year 4" in out, out


@pytest.mark.parametrize("text", [
    "home visit, social worker present. marnie fine.",
    "mum and dad, both at home. otis at school.",
])
def test_a_lower_case_line_of_ordinary_words_before_a_comma_stays(redactor, text):
    """A guard: two ordinary words opening a line before a comma are not a signature."""
    out = _redact(redactor, [text])[0]
    assert out == text, out


# --- a short form found alone, and a possessive with no article before it --------------------
def test_a_short_form_found_alone_goes_where_only_a_person_stands(redactor):
    out = _redact(redactor, [
        "Delphine rang from work. Zeb has been texting from a new number.",
        "marnie said at circle time that zeb \"broke mummy's phone\" and cried.",
        "otis says mum is \"zeb's girlfriend now\".",
    ])
    assert "Zeb" not in out[0], out[0]
    assert not word_in("zeb", out[1]), out[1]
    assert "zeb's" not in out[2], out[2]


def test_a_nicknames_possessive_goes_but_a_things_stays(redactor):
    out = _redact(redactor, [
        "Associates: Corin Vessey, known as Bucket.",
        "boots by the door and bucket's van was outside. the bucket's handle was broken.",
    ])
    assert "bucket's van" not in out[1], out[1]
    assert "van was outside" in out[1], out[1]  # spaCy's lone "van" is the vehicle
    assert "the bucket's handle" in out[1], out[1]
