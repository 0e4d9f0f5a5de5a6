"""Regression guard: casebundle's redaction meets the benchmark's thresholds on the tuned
corpora, and no more people share a pseudonym than the known cases on any corpus.

Uses the scoring and the one list of thresholds in `benchmarks/redaction_eval.py`
(casebundle only, no vanilla Presidio), so CI catches a rule change that lets identifiers
through. Thresholds are asserted on the tuned corpora only (`corpus`, `heldout`, `heldout2`,
`heldout4`, `heldout5`/`heldout6`, `heldout7`, `heldout8`, `heldout9`, `heldout10`,
`heldout11`, `heldout12`, `heldout13`, `heldout14`, `heldout15` and `heldout16` since their
misses were read for tuning): `heldout3` is for honest measurement, not for tuning against (see
benchmarks/README.md). Pseudonym collisions are checked on every set, and on heldout4-16 also
by the set author's same_person key, which also pins how many people are split over several
pseudonyms.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases" / "redaction"


def _load_eval() -> Any:
    name = "casebundle_redaction_eval"  # the name the corpus tools load it under too
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "redaction_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


ev = _load_eval()

TUNED = ("corpus.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout4.jsonl",
         "heldout5.jsonl", "heldout6.jsonl", "heldout7.jsonl", "heldout8.jsonl",
         "heldout9.jsonl", "heldout10.jsonl", "heldout11.jsonl", "heldout12.jsonl",
         "heldout13.jsonl", "heldout14.jsonl", "heldout15.jsonl", "heldout16.jsonl")
SETS = (*TUNED, "heldout3.jsonl")

#: Pairs of different people given one pseudonym: none on any set since issue 11 (the
#: count is pinned, so a change that adds one fails here and in the test below), but
#: heldout12's one, the word rule's own: the gold writes her kinship word into a name ("nan
#: pearl"), which the text says is Pearl Kilbride, so the rule reads two people.
KNOWN_COLLISIONS = {"corpus.jsonl": 0, "heldout.jsonl": 0, "heldout2.jsonl": 0,
                    "heldout3.jsonl": 0, "heldout4.jsonl": 0, "heldout5.jsonl": 0,
                    "heldout6.jsonl": 0, "heldout7.jsonl": 0, "heldout8.jsonl": 0,
                    "heldout9.jsonl": 0, "heldout10.jsonl": 0, "heldout11.jsonl": 0,
                    "heldout12.jsonl": 1, "heldout13.jsonl": 0, "heldout14.jsonl": 0,
                    "heldout15.jsonl": 0, "heldout16.jsonl": 0}

#: Pairs of different people given one pseudonym by the set author's same_person key (a
#: lone first name or surname linked to the one full name with it, which the author says is
#: someone else): pinned, so a change that adds one fails here. heldout7 had 4 when it was
#: scored blind (heldout5 had 4, now 3: a lone surname said to be a relative "of" someone
#: stays apart); heldout8 had 5, all five the key's own omissions (one person named in full
#: and then by one name: the key now lists both forms together); heldout9 had none; heldout10
#: had 4 (now 3: a lone surname the text says is "no relation" stays apart; and 2 by the
#: word rule, a handle joined to its owner's name, now 0); heldout11 had none, blind and
#: after its pass; heldout12 had 4 and has 4, none the engine's: three are the key's own
#: omissions (one person in full and by one name: a panel's "Sebastián" is its case manager
#: Sebastián Urquiza-Lomas, "friend aisling" is Aisling Brophy, "Mrs Quarshie from church" is
#: the church elder Hortense Quarshie) and one the scorer's reading: "Associates: WATERBUTT,
#: Jasper Tillotson-Reid, Obadiah Venn" comes out as two pseudonyms, the first for WATERBUTT
#: and Jasper Tillotson-Reid (one person by the key), and the scorer, aligning by the
#: shortest text, gives the second to "Jasper Tillotson-Reid, Obadiah Venn". heldout13 had 1
#: and has 1, the key's own omission: "SW Koç-Ellison" is the social worker Nadira
#: Koç-Ellison named in full in the same meeting, whom the key does not group. heldout14 had
#: none blind and has none after issue 11's eleventh pass; a rule tried in that pass (a first
#: name two full names share is the one named in full in its own text) would have added 2 on
#: heldout6, 4 on heldout7, 1 on heldout9 and 2 on heldout11, and was left out. heldout15 had
#: 7 blind, all seven the key's own omissions (a professional named in full and then by one
#: name in the same minutes or letter: "Present: ... Niall McGonigle" then "Niall: ...";
#: the key now lists both forms together), and has none. heldout16 had 10 blind: 8 the
#: key's omissions of the same kind (now grouped), 2 the engine's (a list of two full names
#: read as one, "Lewis BRIDGE, Rhiannon Dacre-Pugh", and "kofi b and ty" joined over the
#: initial and "and"), both fixed in the thirteenth pass; it has none.
KNOWN_KEY_COLLISIONS = {"heldout4.jsonl": 0, "heldout5.jsonl": 3, "heldout6.jsonl": 2,
                        "heldout7.jsonl": 3, "heldout8.jsonl": 0, "heldout9.jsonl": 0,
                        "heldout10.jsonl": 3, "heldout11.jsonl": 0, "heldout12.jsonl": 4,
                        "heldout13.jsonl": 1, "heldout14.jsonl": 0, "heldout15.jsonl": 0,
                        "heldout16.jsonl": 0}


#: People named twice or more whom the set author's key says are one person but who get more
#: than one pseudonym: pinned, so a change that splits more people fails here. Issue 11's
#: splits pass lowered heldout5 (33 to 30), heldout6 (41 to 37), heldout8 (24 to 22), heldout10
#: (21 to 20) and heldout11 (29 to 28): a full name written longer, in another order or as a
#: surname with its particle is one person, and "Kerry (Dunmore)" says which Kerry. The
#: eleventh pass lowered heldout14 (39 blind to 10), heldout13 (12 to 9), heldout12 (11 to 10)
#: and heldout5 (30 to 29): a surname alone in capitals is the one person written police-style
#: with it ("DERVISHAJ's car" after "DERVISHAJ, Gëzim", beside his sister Faith Dervishaj),
#: particles in a run ("de la") and "binti" keep a name whole, and a particle found apart
#: keeps "MAC GIOLLARNÁTH, Fiachra" with Fiachra. Most of the rest are nicknames, short forms
#: ("Daf" of Dafydd), account names ("pretzel_14" of Pretzel) and other scripts, which the word
#: rule above reads as other people, and lone first names two people in the family share.
#: heldout15 has 35 after the twelfth pass (the same 35 blind): nicknames and the full names
#: they belong to ("LUCKY" of Zurab Lomidze), short forms ("Gio" of Giorgi), account names,
#: and a nickname the police only think may be a named man ("known only as Skip, possibly
#: Danylo Hrytsenko"), which must stay apart. heldout16 has 32 (33 blind), almost all a
#: nickname beside the full name and account name it stands for ("Razor" / "razor_e14" /
#: Yasin Dheere-Guled).
KNOWN_SPLITS = {"heldout4.jsonl": 16, "heldout5.jsonl": 29, "heldout6.jsonl": 37,
                "heldout7.jsonl": 47, "heldout8.jsonl": 22, "heldout9.jsonl": 38,
                "heldout10.jsonl": 20, "heldout11.jsonl": 28, "heldout12.jsonl": 10,
                "heldout13.jsonl": 9, "heldout14.jsonl": 10, "heldout15.jsonl": 35,
                "heldout16.jsonl": 32}


@functools.cache
def scores(corpus: str) -> Any:
    notes = ev.load_corpus(CASES / corpus)
    run = ev.run_casebundle(notes)
    assert run.name == "casebundle", "the real engine must load (not the stand-in)"
    return ev.score(notes, run, ev.load_same_person(CASES / corpus))


def test_a_date_placeholder_may_start_with_its_label() -> None:
    """'b. 2nd Feb 2010' removed whole does not send the note to the shortest reading, which
    gave the forename of 'SURNAME, Forename 07-Mar-1986' to the date (heldout13)."""
    original = "KELLAWAY-ROSS, Bryn 02-Apr-1985 - suspect.\nNERYS, Cai 15 (b. 4th May 2010)."
    redacted = "[Third party A] [date of birth] - suspect.\nNERYS, Cai 15 ([date of birth])."
    preds = ev.align(original, redacted)
    assert preds is not None
    assert [original[p.start:p.end] for p in preds] == [
        "KELLAWAY-ROSS, Bryn", "02-Apr-1985", "b. 4th May 2010"]


def test_thresholds_cover_every_label_and_retention() -> None:
    assert {key for _, key, _ in ev.THRESHOLDS} == {*ev.LABELS, "RETENTION"}
    assert set(ev.LABELS) | {ev.FAMILY_LABEL} == set(ev.GOLD_LABELS)


@pytest.mark.parametrize("corpus", TUNED)
@pytest.mark.parametrize(("title", "key", "minimum"), ev.THRESHOLDS,
                         ids=[key for _, key, _ in ev.THRESHOLDS])
def test_meets_threshold(corpus: str, title: str, key: str, minimum: float) -> None:
    s = scores(corpus)
    assert s.value(key) >= minimum, (title, s.value(key), s.misses[:10], s.family_misses[:10])


@pytest.mark.parametrize("corpus", SETS)
def test_pseudonym_collisions_are_exactly_the_known_ones(corpus: str) -> None:
    collisions = scores(corpus).collisions
    assert len(collisions) == KNOWN_COLLISIONS[corpus], collisions


@pytest.mark.parametrize("corpus", [c for c in SETS if not KNOWN_COLLISIONS[c]])
def test_no_two_people_share_a_pseudonym(corpus: str) -> None:
    collisions = scores(corpus).collisions
    assert not collisions, collisions[:5]


@pytest.mark.parametrize("corpus", sorted(KNOWN_KEY_COLLISIONS))
def test_collisions_by_the_set_authors_key_do_not_grow(corpus: str) -> None:
    s = scores(corpus)
    assert s.key_consistency is not None, f"{corpus} has a same_person key"
    assert len(s.key_collisions) <= KNOWN_KEY_COLLISIONS[corpus], s.key_collisions


@pytest.mark.parametrize("corpus", sorted(KNOWN_SPLITS))
def test_people_split_by_the_set_authors_key_do_not_grow(corpus: str) -> None:
    s = scores(corpus)
    assert s.key_consistency is not None, f"{corpus} has a same_person key"
    assert len(s.key_split) <= KNOWN_SPLITS[corpus], s.key_split


def test_no_two_people_share_a_pseudonym_by_the_set_authors_key() -> None:
    """heldout4.yaml says who is who (same_person): read that way too, no two people share
    a pseudonym, and most people named twice or more keep one."""
    s = scores("heldout4.jsonl")
    assert s.key_consistency is not None, "heldout4.yaml has a same_person key"
    assert not s.key_collisions, s.key_collisions[:5]
    consistent, people = s.key_consistency
    assert people >= 80 and consistent / people >= 0.75, s.key_split[:10]


SYNTH = REPO / "tests" / "cases" / "presidio_synth" / "synth_dataset_v2.json"


@pytest.mark.slow
def test_presidio_synth_development_half_meets_issue_11() -> None:
    """presidio-research's public synth set, texts 1-750 (the half developed on; the last
    750 are reported by benchmarks/redaction_eval.py, never asserted, so never tuned on)."""
    notes = ev.load_presidio_json(SYNTH, "first")
    run = ev.run_casebundle(notes)
    assert run.name == "casebundle", "the real engine must load (not the stand-in)"
    s = ev.score(notes, run)
    strict = s.removed_any["THIRD_PARTY_PERSON"] / s.n_gold["THIRD_PARTY_PERSON"]
    assert strict >= 0.97, s.misses[:10]
    for label in ("PHONE", "EMAIL", "STREET_ADDRESS"):
        assert s.recall(label) >= 0.97, (label, s.misses[:10])
    assert s.plain_share() <= 0.03
