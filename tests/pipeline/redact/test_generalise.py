"""Issue 11, tuning on heldout5 and heldout6: each class of miss found there is fixed as a
class, and each class is checked here on new invented text (none of it is from those sets).

Every case: the text, the strings that must be gone, the strings that must stay, and, for
identifiers, the placeholder that must appear.
"""

from __future__ import annotations

import re

import pytest

from pipeline.redact import FamilyText, RedactionInput, load_redactor
from pipeline.redact.names import fold_accents


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=("Shona Varley", "Dexter Varley")):
    items = tuple(RedactionInput(key=f"k{i:02d}", item_id=f"item-{i}", agency="police",
                                 text=t) for i, t in enumerate(texts))
    result = redactor.redact_family(FamilyText(
        family_ref="F9", keep_names=keep, items=items, link_across_agencies=True))
    return [result.texts[i.key].text for i in items]


def _word_in(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text) is not None


def _check(out: str, gone, kept, placeholder: str | None = None) -> None:
    for s in gone:
        assert not _word_in(s, out), (s, out)
    for s in kept:
        assert s in out, (s, out)
    if placeholder:
        assert placeholder in out, out


# --- dates of birth: a date after a name, whatever its shape --------------------------------
@pytest.mark.parametrize(("text", "gone", "kept"), [
    # police style, the date in words
    ("Stopped: HOLLIS, Tobias 3 Oct 1994, no further action.", ("3 Oct 1994", "Tobias"),
     ("no further action",)),
    # an ordinal written as a word, in brackets after the name
    ("Passenger Marek Wiśniewski (twenty-second of May 2007) was searched.",
     ("twenty-second of May 2007",), ("searched",)),
    ("Driver MALLORY, Fern (ninth of March 2001).", ("ninth of March 2001",), ("Driver",)),
    # after a nickname in brackets
    ("Present: QUINLAN, Ross ('Beaker') 11/04/2005, and others.", ("11/04/2005", "Beaker"),
     ("others",)),
    ("Linked to Aled Prosser (Al), 30/12/1999, by phone records.", ("30/12/1999",),
     ("phone records",)),
    # a name then a date with an ordinal suffix, no label
    ("Victim: Hattie Crossland (2nd February 1988).", ("2nd February 1988",), ("Victim",)),
    ("Witness Orla 14 November 2006 gave an account.", ("14 November 2006",), ("account",)),
    # after a DOB label, an ordinal word
    ("DOB the third of August 2012.", ("third of August 2012",), ("DOB",)),
])
def test_dates_of_birth_after_names(redactor, text, gone, kept):
    _check(_redact(redactor, [text])[0], gone, kept, "[date of birth]")


def test_this_years_dates_after_a_name_stay(redactor):
    out = _redact(redactor, ["Dexter Varley 4 March 2026 attended the panel."])[0]
    _check(out, (), ("Dexter Varley", "4 March 2026"))


# --- police references: a PNC ID or CRO number by its shape, with any label or none -------
@pytest.mark.parametrize("text", [
    "He has a PNC record (14/0556731F) for theft.",
    "PNC ID HALLAM: 97/0412207M.",
    "Nominal 03/567123P is known to the team.",
    "CRO 054321/12K on file.",
])
def test_pnc_and_cro_shapes(redactor, text):
    out = _redact(redactor, [text])[0]
    assert not re.search(r"\d{2}/\d{6,7}[A-Z]|\d{6}/\d{2}[A-Z]", out), out
    assert "[reference]" in out


def test_dates_and_fractions_are_not_pnc_ids(redactor):
    out = _redact(redactor, ["Seen 12/03 at 10/10 pain, 3/4 of the way."])[0]
    _check(out, (), ("12/03", "10/10", "3/4"))


# --- streets: unusual suffixes, without a number, in lower case, abroad -------------------
@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("Noise complaint from 27 Swallow Ascent again.", ("Swallow Ascent",), ("Noise",)),
    ("She moved to 8 Tanners Holt last week.", ("Tanners Holt",), ("last week",)),
    ("Youths gather behind Ropers Garth after dark.", ("Ropers Garth",), ("after dark",)),
    ("Drugs were dropped at Millers Bight.", ("Millers Bight",), ("Drugs",)),
    ("the flat at 5 glovers shaw is empty.", ("glovers shaw",), ("empty",)),
    ("he is living at 31 heron drift now.", ("heron drift",), ("living",)),
    ("Forwarding address given as 6 Rue des Tanneurs, Arles.", ("Rue des Tanneurs",),
     ("Forwarding",)),
])
def test_street_forms(redactor, text, gone, kept):
    _check(_redact(redactor, [text])[0], gone, kept, "[address]")


def test_an_estate_with_a_street_like_name_stays(redactor):
    out = _redact(redactor, ["Youths at the Ferrier Chase garages again. A ten minute walk."])[0]
    _check(out, (), ("Ferrier Chase", "ten minute walk"))


# --- handles without an @: dots with digits, single letters, underscores -------------------
@pytest.mark.parametrize("handle", ["kestrel.j4", "b4nshee.x", "rory.o.z", "tiggs.mcg_",
                                    "n1ghtjar.fm"])
def test_dotted_handles(redactor, handle):
    out = _redact(redactor, [f"He messages {handle} most nights."])[0]
    _check(out, (handle,), ("messages", "most nights"))


def test_dotted_words_that_are_not_handles_stay(redactor):
    out = _redact(redactor, ["Took approx.3 tablets, e.g. paracetamol, at 2.30 p.m."])[0]
    _check(out, (), ("approx.3", "e.g.", "2.30", "p.m."))


# --- lower-case names: after a title, known short forms, in a note without capitals ------
@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("spoke to mrs okorafor about the noise from next door.", ("okorafor",), ("noise",)),
    ("dexter says baz was outside the school again today.", ("baz",), ("dexter", "school")),
    ("shona said she is scared of nicklin and does not want him round at all any more.",
     ("nicklin",), ("shona", "scared")),
])
def test_lower_case_names(redactor, text, gone, kept):
    _check(_redact(redactor, [text])[0], gone, kept)


def test_lower_case_note_keeps_its_ordinary_words(redactor):
    text = "mum says dexter has been sleeping better and goes to school most days now."
    assert _redact(redactor, [text])[0] == text


# --- a name after a relation, even an ordinary word -----------------------------------------
@pytest.mark.parametrize(("text", "gone"), [
    ("Her sister-in-law Honey stays most weekends.", ("Honey",)),
    ("His step-dad Rocky collects him.", ("Rocky",)),
    ("Their nephew Bear was also present.", ("Bear",)),
])
def test_capitalised_word_after_a_relation(redactor, text, gone):
    _check(_redact(redactor, [text])[0], gone, ("present" if "present" in text else "",))


# --- quoted nicknames: in lower case where a person stands, and everywhere after ----------
def test_lower_case_quoted_nickname_in_a_persons_place(redactor):
    out = _redact(redactor, [
        "dexter hangs about with \"spud\", who is older. he felt \"fine\" and said \"no\". "
        "she went with \"the flow\"."])[0]
    _check(out, ("spud",), ("\"fine\"", "\"no\"", "the flow"))


def test_a_quoted_nickname_is_removed_where_it_is_not_quoted(redactor):
    a, b = _redact(redactor, ["Dexter said 'Hammer' drove the car.",
                              "Dexter owes Hammer money. Hammer runs the line."])
    _check(a, ("Hammer",), ("drove",))
    _check(b, ("Hammer",), ("owes", "money"))


def test_a_quoted_name_that_is_also_an_acronym(redactor):
    out = _redact(redactor, ["Dexter says 'Esa' is his girlfriend. ESA claim pending."])[0]
    _check(out, ("Esa",), ("ESA claim",))


# --- names written with and without accents are one name ----------------------------------
def test_fold_accents():
    assert fold_accents("Aydın") == fold_accents("AYDIN") == "aydin"
    assert fold_accents("Trần") == "tran"
    assert fold_accents("Łukasz") == "lukasz"
    assert fold_accents("Søren") == "soren"


def test_family_name_without_its_accents_stays(redactor):
    out = _redact(redactor, ["Protected person: ÖZTÜRK, Elif. Mum Ayşe present."],
                  keep=("Elif Öztürk", "Ayşe Öztürk"))[0]
    _check(out, (), ("ÖZTÜRK", "Elif", "Ayşe"))
    out = _redact(redactor, ["Protected person: OZTURK, Elif; mum Ayse Ozturk."],
                  keep=("Elif Öztürk", "Ayşe Öztürk"))[0]
    _check(out, (), ("OZTURK", "Elif", "Ayse Ozturk"))


def test_lower_case_note_keeps_text_speak(redactor):
    """A rare word in a lower-case note is removed only where a name stands: text-speak
    spellings elsewhere stay."""
    text = "shona rang agen last nite, dexter stayed ovr at home n was drinkin. she sed sorry."
    assert _redact(redactor, [text])[0] == text


@pytest.mark.parametrize(("text", "gone"), [
    ("shona says nicklin turned up at the flat again and would not leave.", ("nicklin",)),
    ("dexter goes round with okafor most nights and comes home late.", ("okafor",)),
    ("everyone calls me zeno and i live with my nan now ok.", ("zeno",)),
])
def test_lower_case_note_name_slots(redactor, text, gone):
    _check(_redact(redactor, [text])[0], gone, ())


def test_word_names_in_lower_case_stay(redactor):
    text = "Dexter has a mark on his arm and drew a picture; we hope attendance rose."
    assert _redact(redactor, [text])[0] == text


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("Went round to Tyler-James's flat.", ("Tyler", "James"), ("flat",)),
    ("dexter's mate was at the park with lily-mae.", ("lily-mae",), ("park",)),
    ("Nominal: FENWICK Jordan 1995-07-21 seen.", ("1995-07-21",), ("Nominal",)),
    ("Pillion Oakley Birtwistle, March 3rd 2008, no helmet.", ("March 3rd 2008",),
     ("no helmet",)),
])
def test_hyphenated_names_and_more_date_shapes(redactor, text, gone, kept):
    _check(_redact(redactor, [text])[0], gone, kept)


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("dexter and his mates rumi and koa were in the park.", ("rumi", "koa"), ("park",)),
    ("Her friends Tiegan and Marnie were there.", ("Tiegan", "Marnie"), ("friends",)),
])
def test_names_after_a_plural_relation(redactor, text, gone, kept):
    _check(_redact(redactor, [text])[0], gone, kept)


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("He runs with Kyle and Big Oz most days.", ("Oz",), ("most days",)),
    ("Lil Teo was at the flat.", ("Teo",), ("flat",)),
    ("Referred to Young Carers; sells the Big Issue.", (), ("Young Carers", "Big Issue")),
])
def test_unquoted_size_nicknames(redactor, text, gone, kept):
    _check(_redact(redactor, [text])[0], gone, kept)


def test_a_size_nickname_inside_quotes_is_one_span(redactor):
    """'Big ...' inside a quoted nickname is already found: never a second, overlapping span
    (that fails the item closed)."""
    out = _redact(redactor, ['Contact "Big Man Z" saved; Dexter owes Big Man Z.'])[0]
    _check(out, ("Big Man Z", "Man Z"), ("Contact", "saved"))
