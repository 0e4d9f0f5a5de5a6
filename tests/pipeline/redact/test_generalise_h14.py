"""Issue 11, tuning on heldout14 (and what heldout13 still missed): each class is fixed as a
class and checked here on new invented text (none of it is from heldout13, heldout14 or any
other set; the names are made up).

The tests of a class fail on the engine before this pass; the guards (what must stay) pass
on both.
"""

from __future__ import annotations

import pytest

from pipeline.redact import load_redactor
from tests.support.redaction_cases import PSEUDONYM, redact_texts, word_in
from tests.support.redaction_cases import check as _check

_KEEP = ("Orla Brennock", "Finn Brennock", "Tibbo")


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=_KEEP):
    return redact_texts(redactor, texts, keep, family_ref="F14")


# --- Irish particles: the family's surname stays beside a relative's ---------------------------
@pytest.mark.parametrize(("keep", "text", "gone", "kept"), [
    # the grandfather shares the children's surname written with "Ó"
    (("Ciarán Ó Dubhghaill", "Méabh Ó Dubhghaill"),
     "Ciarán Ó Dubhghaill (9) and Méabh Ó Dubhghaill (4) live with mum. Their grandfather "
     "Tomás Ó Dubhghaill collects them on Fridays.",
     ("Tomás",), ("Ciarán Ó Dubhghaill", "Méabh Ó Dubhghaill")),
])
def test_the_familys_surname_after_an_irish_particle_stays(redactor, keep, text, gone, kept):
    out = _redact(redactor, [text, "Review: " + kept[0] + " settled at school."], keep)
    _check(out[0], gone, kept)
    _check(out[1], (), kept[:1])


@pytest.mark.parametrize(("keep", "text", "gone", "kept"), [
    (("Éabha Ní Mhurchú",),
     "Éabha Ní Mhurchú (12) stays with her aunt Gráinne Ní Mhurchú at weekends.",
     ("Gráinne",), ("Éabha Ní Mhurchú",)),
    (("Rónán Uí Bhriain",),
     "Rónán Uí Bhriain (7) was collected by his grandfather Seosamh Uí Bhriain.",
     ("Seosamh",), ("Rónán Uí Bhriain",)),
    # "O" without its accent reads as an initial
    (("Saoirse O Briain", "Cillian O Briain"),
     "Saoirse O Briain (15) and Cillian O Briain (8) at home. Their uncle Peadar O Briain "
     "shouts at them.",
     ("Peadar",), ("Saoirse O Briain", "Cillian O Briain")),
])
def test_a_surname_after_a_two_letter_particle_stays_too(redactor, keep, text, gone, kept):
    """A guard: "Ní" and "Uí" are two letters and "O" an initial, a name word to the engine,
    so the family's surname after them stayed before this pass too."""
    out = _redact(redactor, [text], keep)[0]
    _check(out, gone, kept)


# --- nicknames that are ordinary words -----------------------------------------------------
_POLICE = ("Suspect seen with two males known as 'BLANKET' and 'PILLOW'; a third, \"LAMPSHADE\", "
           "drove. Associate 'DOORSTOP' not traced.")


@pytest.mark.parametrize(("text", "gone"), [
    # the subject of a verb only a person takes, in a note in lower case
    ("finn told staff at lunch that blanket waited by the gate after school.", ("blanket",)),
    ("orla said the boys ran off and pillow laughed at them.", ("pillow",)),
    # after "lets", before a bare verb
    ("finn says his dad lets pillow sleep on the sofa most nights.", ("pillow",)),
    # in a quoted description
    ('finn said "the lampshade man" waits by the chip shop.', ("lampshade",)),
    # opening a sentence in lower case before "not discussed"
    ("Orla calm. doorstop not discussed.", ("doorstop",)),
])
def test_a_word_nickname_where_only_a_person_stands(redactor, text, gone):
    out = _redact(redactor, [_POLICE, text])[1]
    _check(out, gone, ())


@pytest.mark.parametrize(("text", "kept"), [
    ("finn took his blanket and pillow to the sleepover.", ("blanket and pillow",)),
    ("the blanket waited in the dryer all day.", ("the blanket waited",)),
    ("orla lets the washing dry on the radiator.", ("lets the washing dry",)),
])
def test_the_same_words_as_things_stay(redactor, text, kept):
    out = _redact(redactor, [_POLICE, text])[1]
    _check(out, (), kept)


@pytest.mark.parametrize(("text", "gone"), [
    # an ordinary word in capitals after a naming phrase with an adverb in it
    ("A second male, known only as CUPBOARD, ran towards the park.", ("CUPBOARD",)),
    ("Associate known locally as WARDROBE was at the address.", ("WARDROBE",)),
])
def test_a_word_in_capitals_after_known_only_as(redactor, text, gone):
    """A guard: these went before this pass too (the context recogniser or deny by default
    takes them); the naming-phrase rule now also takes the one kind that slipped, a
    dictionary word spaCy alone tagged, which no invented word here reproduces."""
    out = _redact(redactor, [text])[0]
    _check(out, gone, ())


def test_an_acronym_after_known_as_stays(redactor):
    out = _redact(redactor, ["The team, known only as MASH, took the referral."])[0]
    _check(out, (), ("MASH",))


def test_a_word_name_opening_a_sentence_in_lower_case_before_not_known(redactor):
    """"amber not known.": a third party's first name that is also a word, written in
    lower case to open a sentence; an ordinary word there would have a capital."""
    out = _redact(redactor, [
        "Neighbour Amber Gowthorpe has been calling round.",
        "Mum protective of Finn. amber not known.\nThe amber light was on.",
    ])[1]
    assert not word_in("amber not", out), out
    _check(out, (), ("amber light",))


# --- ordinary words the engine took for names ----------------------------------------------
def test_a_place_before_a_police_team_stays(redactor):
    out = _redact(redactor, ["Attended PC Rhodri Vayle. Officer in case Rhodri Vayle, "
                             "Pendlebrook NPT."])[0]
    _check(out, ("Rhodri", "Vayle"), ("Pendlebrook NPT",))


@pytest.mark.parametrize(("text", "kept"), [
    ("finn quiet today. also noted: a robin on the sill and over the summer holidays he grew.",
     ("a robin on the sill", "the summer holidays")),
    ("orla says we hope to move in spring, acting in good faith with the landlord.",
     ("we hope", "good faith")),
])
def test_a_word_name_after_an_article_or_pronoun_in_a_lower_case_note(redactor, text, kept):
    """A third party's first name that is a word ("Robin", "Summer", "Hope", "Faith") is
    spread into a note written in lower case, but not where it follows an article, a
    pronoun or "good"."""
    police = ("Caller Robin Sallow (uncle). Summer Keld, aunt, and Hope Tarrant rang. "
              "Faith Ormsby-Lee also present.")
    out = _redact(redactor, [police, text])
    _check(out[1], (), kept)
    assert len(set(PSEUDONYM.findall(out[0] or ""))) == 4, out[0]


def test_a_word_name_as_a_name_in_a_lower_case_note_still_goes(redactor):
    police = "Caller Robin Sallow (uncle) rang twice about the children."
    out = _redact(redactor, [police, "finn quiet today. robin said he would collect him at "
                                     "3. orla not sure about this."])[1]
    _check(out, ("robin",), ())
