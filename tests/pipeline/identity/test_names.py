"""Names as agencies write them, parsed into forenames, surname and also-known-as names."""

from __future__ import annotations

import pytest

from pipeline.identity.names import has_order_cue, parse_name, swapped


@pytest.mark.parametrize("raw,forenames,surname,aka", [
    ("Tony Harrowfield", ("tony",), ("harrowfield",), ()),
    ("Tony HARROWFIELD", ("tony",), ("harrowfield",), ()),
    ("HARROWFIELD Tony", ("tony",), ("harrowfield",), ()),  # police style, caps first
    ("HARROWFIELD, Tony", ("tony",), ("harrowfield",), ()),
    ("Harrowfield, Tony James", ("tony", "james"), ("harrowfield",), ()),
    ("TONY HARROWFIELD", ("tony",), ("harrowfield",), ()),
    ("tony  harrowfield", ("tony",), ("harrowfield",), ()),
    ("Mr T. Harrowfield", ("t",), ("harrowfield",), ()),
    ("Master Tony Harrowfield Jnr", ("tony",), ("harrowfield",), ()),
    ("Anthony (Tony) Harrowfield", ("anthony",), ("harrowfield",), ("tony",)),
    ('Charlie "Chaz" Wrexley', ("charlie",), ("wrexley",), ("chaz",)),
    ("Gavin 'Gav' Sloan", ("gavin",), ("sloan",), ("gav",)),
    ("Connor Calloway aka Con", ("connor",), ("calloway",), ("con",)),
    ("Siobhán O'Neill", ("siobhan",), ("oneill",), ()),
    ("Amy Smith-Jones", ("amy",), ("smith-jones",), ()),
    ("Jan van der Berg", ("jan",), ("van", "der", "berg"), ()),
    ("Tone", ("tone",), (), ()),
    ("HARROWFIELD", (), ("harrowfield",), ()),
], ids=lambda v: v if isinstance(v, str) else None)
def test_parse(raw, forenames, surname, aka):
    name = parse_name(raw)
    assert (name.forenames, name.surname, name.aka) == (forenames, surname, aka)
    assert not name.placeholder


@pytest.mark.parametrize("raw", ["Unborn baby Wrexley", "Baby Wrexley", "UNBORN WREXLEY",
                                 "Unborn child of Denise Wrexley"])
def test_placeholders_have_a_surname_and_no_forename(raw):
    name = parse_name(raw)
    assert name.placeholder and name.forenames == () and name.surname[-1] == "wrexley"


def test_former_surname_and_keys():
    name = parse_name("Kerry Harrowfield nee Smith")
    assert name.surname == ("harrowfield",) and name.former_surnames == ("smith",)
    assert name.surname_keys() == {"harrowfield", "smith"}
    # a double-barrelled surname written without its hyphen is still one key
    assert "smithjones" in parse_name("Amy Smith Jones").surname_keys()
    assert parse_name("Amy Smith-Jones").surname_parts == {"smith", "jones"}


@pytest.mark.parametrize("raw,cue", [("Harrowfield Tony", False), ("HARROWFIELD Tony", True),
                                     ("Harrowfield, Tony", True), ("TONY HARROWFIELD", False)])
def test_order_cue(raw, cue):
    assert has_order_cue(raw) is cue


def test_swapped_reading_only_for_two_plain_words():
    flipped = swapped(parse_name("Harrowfield Tony"))
    assert flipped is not None and flipped.forenames == ("tony",)
    assert swapped(parse_name("Tony James Harrowfield")) is None
    assert swapped(parse_name("Baby Wrexley")) is None
