"""Issue 11, splits: one person keeps one pseudonym across the family's texts when the texts
link the forms safely, and a mention that could be either of two people stays apart.

All text here is invented (no set's text); phone numbers, where any, are Ofcom drama numbers.
Each linking case fails on the engine before this change; the ambiguous cases pass on both.
"""

from __future__ import annotations

import pytest

from pipeline.redact import load_redactor
from pipeline.redact.names import Mention, cluster
from tests.support.redaction_cases import PSEUDONYM, redact_texts

_KEEP = ("Morwen Staithe", "Pip Staithe", "Ellery Staithe")
_PARTICLES = frozenset({"van", "der", "de", "von", "bin"})


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _pseudonyms(redactor, texts):
    """The pseudonyms of each text, in the order they are written."""
    outs = redact_texts(redactor, texts, _KEEP, family_ref="FLINK")
    return [PSEUDONYM.findall(o or "") for o in outs], outs


# --- end to end: the engine on one family's texts ---------------------------------------------
def test_a_full_name_written_longer_is_one_person(redactor):
    """"Tobias Renwick" is the start of "Tobias Renwick Hale": one person, so a lone "Tobias"
    is no longer torn between two full names."""
    found, outs = _pseudonyms(redactor, [
        "Partner Tobias Renwick Hale attended the strategy meeting.",
        "Tobias Renwick interpreted for mum on the visit.",
        "Children left at home with Tobias overnight.",
    ])
    assert all(len(f) == 1 for f in found), outs
    assert found[0] == found[1] == found[2], outs


def test_a_full_name_in_another_order_is_one_person(redactor):
    """A police log writes the surname first with two forenames ("NGUYEN, Van Thanh"); a
    later note writes the same three words in the order of the name ("Nguyễn Văn Thanh")."""
    found, outs = _pseudonyms(redactor, [
        "Second male: NGUYEN, Van Thanh arrested at the address.",
        "The man arrested at the house, Nguyễn Văn Thanh, locked the door.",
    ])
    assert found[0] and found[1], outs
    assert set(found[0]) == set(found[1]) and len(set(found[0])) == 1, outs


def test_a_surname_with_its_particle_joins_the_full_name(redactor):
    found, outs = _pseudonyms(redactor, [
        "Landlord Willem van der Berg attended with a letter.",
        "Mum says van der Berg wants the keys back by Friday.",
    ])
    assert found[0] and found[1], outs
    assert found[0] == found[1], outs


def test_a_first_name_with_its_surname_in_brackets_joins_that_person(redactor):
    """Two Imogens in the family: a lone "Imogen" stays apart, but "Imogen (Rathbone)" says
    which one, and both of its words go with Imogen Rathbone."""
    found, outs = _pseudonyms(redactor, [
        "Friends Imogen Rathbone and Imogen Salkeld both help with the school run.",
        "Friend Imogen (Rathbone) came to the appointment with her.",
        "Morwen says Imogen rang twice.",
    ])
    rathbone, salkeld = found[0]
    assert rathbone != salkeld, outs
    assert found[1] == [rathbone, rathbone], outs
    assert found[2] and found[2][0] not in (rathbone, salkeld), outs


def test_a_possessive_first_name_with_its_surname_in_brackets(redactor):
    found, outs = _pseudonyms(redactor, [
        "Friends Ayodele Fashanu and Ayodele Okafor-Lund are in his class.",
        "Says he eats at Ayodele's (Fashanu) after school.",
    ])
    assert found[1] == [found[0][0], found[0][0]], outs


# --- what stays apart ---------------------------------------------------------------------------
def test_a_shorter_name_that_starts_two_longer_ones_stays_apart(redactor):
    found, outs = _pseudonyms(redactor, [
        "Present: Tobias Renwick Hale and his cousin Tobias Renwick Marsh.",
        "Tobias Renwick collected the children.",
    ])
    assert len(set(found[0])) == 2, outs
    assert found[1] and found[1][0] not in found[0], outs


def test_a_bracketed_word_that_makes_no_known_full_name_changes_nothing(redactor):
    """"Imogen (Tolley)": the family's texts name no Imogen Tolley, so the lone Imogen is as
    ambiguous as before and joins neither Imogen."""
    found, outs = _pseudonyms(redactor, [
        "Friends Imogen Rathbone and Imogen Salkeld both help with the school run.",
        "Friend Imogen (Tolley) came to the appointment with her.",
    ])
    assert found[1] and found[1][0] not in found[0], outs


# --- police style: 'SURNAME, Forename' and the surname alone in capitals ------------------------
def test_a_surname_alone_in_capitals_is_the_person_written_police_style(redactor):
    """"VASQUEZ-TIRADO's van" after "VASQUEZ-TIRADO, Benedikt" is Benedikt, though his sister
    has the same surname (the lone surname in small letters would stay apart)."""
    found, outs = _pseudonyms(redactor, [
        "Suspect VASQUEZ-TIRADO, Benedikt b. 3rd Mar 1988 left in a van. His sister Greta "
        "Vasquez-Tirado rang from 07700 900481.",
        "Strategy meeting: VASQUEZ-TIRADO's van seen twice near the school.",
        "Mum says Benedikt Vasquez-Tirado is not to be told where they are.",
    ])
    assert len(set(found[0])) == 2 and found[1] and found[2], outs
    assert found[1][0] == found[2][0] == found[0][0], outs


def test_a_two_word_surname_alone_in_capitals_joins_the_police_style_name(redactor):
    found, outs = _pseudonyms(redactor, [
        "Suspect ORTEGA LLANOS, Ramiro b. 4th Jan 1983 drove off. His sister Pilar Ortega "
        "Llanos came round.",
        "PC update: ORTEGA LLANOS's car parked outside the flats again.",
    ])
    assert found[1] and found[1][0] == found[0][0], outs
    assert len(set(found[0])) == 2, outs


def test_police_style_with_particles_is_the_name_written_in_order(redactor):
    """Particles in a run ("de la") and "binti" join the name written in order to the
    police-style one."""
    found, outs = _pseudonyms(redactor, [
        "Nominal checked: DE LA PEÑA-ROCA, Inés, interpreter. Also BINTI OSMAN, Nurul, "
        "neighbour.",
        "Inés de la Peña-Roca and Nurul binti Osman to be asked for statements.",
    ])
    assert len(set(found[0])) == 2 and set(found[0]) == set(found[1]), outs
    assert " de la " not in outs[1] and " binti " not in outs[1], outs


def test_a_role_in_lower_case_before_a_name_is_not_part_of_it(redactor):
    found, outs = _pseudonyms(redactor, [
        "pip told donald at lunch. passed to dsl donald sandison.\ndonald sandison, dsl",
        "Present: Donald Sandison (DSL), Morwen Staithe.",
    ])
    assert len(set(found[0])) == 1 and set(found[0]) == set(found[1]), outs
    assert "dsl [Third party" in outs[0], outs


def test_two_people_police_style_with_one_surname_keep_a_lone_one_apart(redactor):
    found, outs = _pseudonyms(redactor, [
        "Suspects: KITTERIDGE, Dorian and KITTERIDGE, Selwyn seen at the door.",
        "KITTERIDGE's car seen again.",
    ])
    assert found[1] and found[1][0] not in found[0], outs


# --- the clustering rules alone -----------------------------------------------------------------
def _m(key: str, start: int, surface: str, tokens: tuple[str, ...],
       pair: tuple[str, str] | None = None) -> Mention:
    return Mention(key=key, item_id=key, agency="police", start=start,
                   end=start + len(surface), surface=surface, tokens=tokens, pair=pair)


def _groups(mentions: list[Mention]) -> list[set[str]]:
    return [{m.surface for m in g} for g in cluster(mentions, _PARTICLES)]


@pytest.mark.parametrize(("mentions", "together"), [
    # longer: the shorter is the start of the longer, and a lone first name then fits one
    ([_m("a", 0, "Rodrigo Almeida", ("rodrigo", "almeida")),
      _m("b", 0, "Rodrigo Almeida Santos", ("rodrigo", "almeida", "santos")),
      _m("c", 0, "Rodrigo", ("rodrigo",))],
     {"Rodrigo Almeida", "Rodrigo Almeida Santos", "Rodrigo"}),
    # another order: the same three words
    ([_m("a", 0, "PHAM, Van Long", ("van", "long", "pham")),
      _m("b", 0, "Phạm Văn Long", ("pham", "van", "long"))],
     {"PHAM, Van Long", "Phạm Văn Long"}),
    # a surname with its particle, the end of the full name
    ([_m("a", 0, "Pieter van Rooyen", ("pieter", "van", "rooyen")),
      _m("b", 0, "van Rooyen", ("van", "rooyen"))],
     {"Pieter van Rooyen", "van Rooyen"}),
    # a name span that ran on into the next word
    ([_m("a", 0, "Dawn Tipping", ("dawn", "tipping")),
      _m("b", 0, "Dawn Tipping childminds", ("dawn", "tipping", "childminds"))],
     {"Dawn Tipping", "Dawn Tipping childminds"}),
    # a lone surname in capitals: the one person written police-style with it, though a
    # relative has the same surname
    ([_m("a", 0, "HOLLOWAY-RENN, Gideon", ("gideon", "holloway-renn")),
      _m("a", 40, "Jess Holloway-Renn", ("jess", "holloway-renn")),
      _m("b", 0, "HOLLOWAY-RENN's", ("holloway-renn",))],
     {"HOLLOWAY-RENN, Gideon", "HOLLOWAY-RENN's"}),
    # and a surname of two words, clustered as a full name of its own
    ([_m("a", 0, "PRADO MELO, Tiago", ("tiago", "prado", "melo")),
      _m("a", 40, "Rita Prado Melo", ("rita", "prado", "melo")),
      _m("b", 0, "PRADO MELO", ("prado", "melo"))],
     {"PRADO MELO, Tiago", "PRADO MELO"}),
    # a first name with its surname in brackets
    ([_m("a", 0, "Kerry Dunmore", ("kerry", "dunmore")),
      _m("a", 30, "Kerry Hatch", ("kerry", "hatch")),
      _m("b", 0, "Kerry", ("kerry",), ("kerry", "dunmore")),
      _m("b", 7, "Dunmore", ("dunmore",), ("kerry", "dunmore"))],
     {"Kerry Dunmore", "Kerry", "Dunmore"}),
])
def test_cluster_links(mentions, together):
    assert together in _groups(mentions)


@pytest.mark.parametrize(("mentions", "apart"), [
    # the end of a longer name without a particle: in some naming systems the father's
    ([_m("a", 0, "Mohamed Ali Hassan", ("mohamed", "ali", "hassan")),
      _m("b", 0, "Ali Hassan", ("ali", "hassan"))],
     {"Ali Hassan"}),
    # the start of two longer names
    ([_m("a", 0, "Mary Ann Cole", ("mary", "ann", "cole")),
      _m("a", 20, "Mary Ann Hext", ("mary", "ann", "hext")),
      _m("b", 0, "Mary Ann", ("mary", "ann"))],
     {"Mary Ann"}),
    # a lone first name two full names share, with no bracket to say which
    ([_m("a", 0, "Kerry Dunmore", ("kerry", "dunmore")),
      _m("a", 30, "Kerry Hatch", ("kerry", "hatch")),
      _m("b", 0, "Kerry", ("kerry",))],
     {"Kerry"}),
    # ... nor when one of them is named in full in its own text: another person with the
    # first name is often named beside the one the text is about ("Ashley" of two Ashleys)
    ([_m("a", 0, "Kerry Dunmore", ("kerry", "dunmore")),
      _m("b", 0, "Kerry Hatch", ("kerry", "hatch")),
      _m("b", 30, "Kerry", ("kerry",))],
     {"Kerry"}),
    # a lone surname in small letters that a relative shares stays apart
    ([_m("a", 0, "HOLLOWAY-RENN, Gideon", ("gideon", "holloway-renn")),
      _m("a", 40, "Jess Holloway-Renn", ("jess", "holloway-renn")),
      _m("b", 0, "Holloway-Renn", ("holloway-renn",))],
     {"Holloway-Renn"}),
    # two people written police-style with the surname: the capitals do not say which
    ([_m("a", 0, "KITTERIDGE, Dorian", ("dorian", "kitteridge")),
      _m("a", 30, "KITTERIDGE, Selwyn", ("selwyn", "kitteridge")),
      _m("b", 0, "KITTERIDGE", ("kitteridge",))],
     {"KITTERIDGE"}),
])
def test_cluster_keeps_apart(mentions, apart):
    assert apart in _groups(mentions)
