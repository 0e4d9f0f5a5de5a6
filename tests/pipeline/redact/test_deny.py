"""Deny by default (issue 11): unexplained words that could identify someone are removed and
marked unsure; explained words stay; reviewers' decisions apply on the next run."""

from __future__ import annotations

import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.models import Item
from pipeline.redact import (
    UNEXPLAINED,
    FamilyText,
    RedactionInput,
    decide_span,
    list_unsure,
    load_redaction_review,
    load_redactor,
    save_unsure,
    unsure_entries,
)


@pytest.fixture(scope="module")
def redactor():
    return load_redactor()


def _redact(redactor, texts, keep=("Kelly Smith", "Jayden Smith"), known=(), restored=()):
    items = tuple(RedactionInput(key=f"k{i:02d}", item_id=f"item-{i}", agency="police",
                                 text=t, restored=restored) for i, t in enumerate(texts))
    result = redactor.redact_family(FamilyText(
        family_ref="F1", keep_names=keep, items=items, link_across_agencies=True,
        known_words=known))
    return [result.texts[i.key] for i in items]


def _word_in(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text) is not None


# text, words that must be gone, words that must stay (the patterns of issue 11 and issue 13
# item 7; names are invented)
CASES = [
    ("I want to add Tünde Hoffmann as a beneficiary.", ("Tünde", "Hoffmann"), ("beneficiary",)),
    ("Kónya, Becker and Vasquez were present.", ("Kónya", "Becker", "Vasquez"), ("present",)),
    ("Ubul: can you call me back?", ("Ubul",), ("call",)),
    ("A younger lad, first name Kobi only.", ("Kobi",), ("younger", "lad")),
    ("Faith next door saw it happen.", ("Faith",), ("next", "door")),
    ("Kelly went to ellie-may's house.", ("ellie-may",), ("Kelly", "house")),
    ("Kelly was with her cousin tj all night.", ("tj",), ("Kelly", "cousin")),
    ("Seen with 'Razor' and 'Little D' by the shops.", ("Razor", "Little D"), ("shops",)),
    ("Known to the group as \"Moose\".", ("Moose",), ("group",)),
    ("Pearson' car was outside again.", ("Pearson",), ("car", "outside")),
    ("Ashworth's daughter was present.", ("Ashworth",), ("daughter",)),
    ("Arrested with Tom BRIDGE yesterday.", ("Tom", "BRIDGE"), ("Arrested",)),
    ("He now lives at 4 Heron Reach with a friend.", ("Heron", "Reach"), ("friend",)),
    ("Vehicle reg ab12 cde seen twice.", ("ab12 cde",), ("Vehicle",)),
    ("PNC ID 11/0987654B recorded.", ("11/0987654B",), ("recorded",)),
    ("The boy, born 3rd June 2010, attends.", ("3rd June 2010",), ("attends",)),
    ("Messages from NightOwl_42 and lil.zee online.", ("NightOwl_42", "lil.zee"), ("online",)),
    ("Zoë at 12 Ærø Close paid £20 to Jordan PIKE.", ("Zoë", "Ærø", "PIKE", "Jordan"), ("£20",)),
    # explained: the family, roles, agencies, ordinary words at the start of a sentence
    ("Kelly Smith said the Brackenford Youth Team met Mum and the social worker.", (),
     ("Kelly Smith", "Brackenford Youth Team", "Mum", "social worker")),
    ("Will you call Jayden's school on Monday? Young people gathered in March.", (),
     ("Will", "Jayden", "Monday", "Young", "March")),
    ("Officers attended. CAMHS and the GP were informed.", (), ("Officers", "CAMHS", "GP")),
]


@pytest.mark.parametrize(("text", "gone", "kept"), CASES)
def test_unexplained_words_are_removed_and_explained_ones_stay(redactor, text, gone, kept):
    out = _redact(redactor, [text])[0].text
    for word in gone:
        assert not _word_in(word, out), out
    for word in kept:
        assert word in out, out


def test_names_found_in_part_take_the_rest_of_the_name(redactor):
    out = _redact(redactor, ["We need to add Ryan P Costa as guardian.",
                             "follow up with patricia desrosiers next month.",
                             "Willemine ten Pas will talk.",
                             "Juliusz A Kwiatkowski lives here."])
    assert [r.text for r in out] == [
        "We need to add [Third party A] as guardian.",
        "follow up with [Third party B] next month.",
        "[Third party C] will talk.",
        "[Third party D] lives here.",
    ]


SHARED = ("Kerry Smith-Jones", "Mason Pritchard")


def test_a_lone_shared_surname_after_the_third_party_is_theirs(redactor):
    out = _redact(redactor, [
        "Mason was hit by his father Lee PRITCHARD. PRITCHARD left before police came.",
        "Mr Pritchard parked across the drive again.",
    ], keep=SHARED)
    assert "PRITCHARD" not in out[0].text and "Pritchard" not in out[1].text
    # one person, one pseudonym, and marked unsure for review
    assert len(set(re.findall(r"\[Third party [A-Z]+\]", out[0].text + out[1].text))) == 1
    assert any(u.word == "Pritchard" for u in out[1].unsure)


def test_a_lone_shared_surname_of_the_family_stays(redactor):
    out = _redact(redactor, [
        "Raymond WONG was arrested. Kelly WONG said WONG children are safe.",
        "Kelly WONG rang. WONG asked for a call back.",
    ], keep=("Kelly Wong", "Ethan Wong"))
    assert "WONG children" in out[0].text
    assert out[1].text == "Kelly WONG rang. WONG asked for a call back."


def test_only_unexplained_spans_are_marked_unsure(redactor):
    r = _redact(redactor, ["Quillan rang 07700 900123 about Mrs Jean HARROW."])[0]
    unsure = [e for e in r.summary if e.unsure]
    assert [(e.recognizer, e.count) for e in unsure] == [(UNEXPLAINED, 1)]
    # the phone number and the titled name were found by recognizers: not unsure
    assert {e.entity_type for e in r.summary if not e.unsure} >= {"UK_PHONE", "PERSON"}
    assert [u.word for u in r.unsure] == ["Quillan"]
    assert "⟦[Third party" in r.unsure[0].context and "Quillan" not in r.unsure[0].context
    assert r.awaiting == 1


def test_different_people_get_different_pseudonyms(redactor):
    out = _redact(redactor, ["Kónya, Quillan and Vasquez were present."])[0].text
    assert len(set(re.findall(r"\[Third party [A-Z]+\]", out))) == 3, out


def test_context_never_shows_a_neighbouring_third_party(redactor):
    r = _redact(redactor, ["Quillan and Mrs Jean HARROW and Vasquez argued."])[0]
    for u in r.unsure:
        assert "HARROW" not in u.context and "Jean" not in u.context
        assert not (u.word == "Quillan" and "Vasquez" in u.context)


def test_span_ids_are_stable_for_the_same_text_and_change_with_it(redactor):
    a = _redact(redactor, ["Quillan was seen."])[0].unsure
    b = _redact(redactor, ["Quillan was seen."])[0].unsure
    c = _redact(redactor, ["Quillan was seen today."])[0].unsure
    assert [u.span_id for u in a] == [u.span_id for u in b]
    assert a[0].span_id != c[0].span_id


def test_restored_and_known_words_stay(redactor):
    text = "Met at Kingsway Parade with Quillan."
    assert "Quillan" not in _redact(redactor, [text])[0].text
    restored = _redact(redactor, [text], restored=("quillan",))[0]
    assert "Quillan" in restored.text and not restored.unsure
    known = _redact(redactor, [text, "Quillan again."], known=("Quillan",))
    assert all("Quillan" in r.text for r in known)


def test_restore_does_not_release_what_a_recognizer_is_sure_of(redactor):
    r = _redact(redactor, ["Call 07700 900123."], restored=("07700",))[0]
    assert "900123" not in r.text


# --- the review API ------------------------------------------------------------------------


def _item(item_id: str, text: str, content_hash: str = "h1") -> Item:
    return Item.model_construct(item_id=item_id, family_ref="F1", agency="police",
                                content_hash=content_hash, summary=text)


def test_review_round_trip(redactor, tmp_path: Path):
    results = _redact(redactor, ["Quillan was seen with Vasquez."])
    redactions = {"item-0:summary": results[0]}
    entries = unsure_entries("run1", [_item("item-0", "x")], redactions)
    assert {e.word for e in entries} == {"Quillan", "Vasquez"}
    path = save_unsure(tmp_path, "m1", entries)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    listed = list_unsure(tmp_path, "m1", "F1")
    assert [e.span_id for e in listed] == [e.span_id for e in entries]
    becker = next(e for e in listed if e.word == "Quillan")
    vasquez = next(e for e in listed if e.word == "Vasquez")

    decide_span(tmp_path, "m1", becker.span_id, "restore", by="JAG coordinator",
                reason="Quillan is the name of the shop", at=datetime(2026, 12, 1, tzinfo=UTC))
    decide_span(tmp_path, "m1", vasquez.span_id, "confirm", by="JAG coordinator",
                reason="a neighbour's surname, keep removed")
    review = load_redaction_review(tmp_path, "m1")
    assert review.restored("item-0", "summary", "h1") == ("quillan",)
    assert review.restored("item-0", "summary", "changed") == ()  # tied to the content hash
    assert review.confirmed(vasquez.span_id, "h1")
    assert not review.confirmed(vasquez.span_id, "changed")
    assert review.allow_words == ()
    store = tmp_path / "m1" / "redaction_decisions.jsonl"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600

    # the next run: Quillan stays, Vasquez stays removed but no longer awaits confirmation
    again = _redact(redactor, ["Quillan was seen with Vasquez."],
                    restored=review.restored("item-0", "summary", "h1"))[0]
    assert "Quillan" in again.text and "Vasquez" not in again.text


def test_allow_list_in_one_step_and_refusals(redactor, tmp_path: Path):
    results = _redact(redactor, ["Quillan was seen."])
    save_unsure(tmp_path, "m1", unsure_entries("run1", [_item("item-0", "x")],
                                               {"item-0:summary": results[0]}))
    span = list_unsure(tmp_path, "m1")[0].span_id
    with pytest.raises(ConfigError, match="only a restored word"):
        decide_span(tmp_path, "m1", span, "confirm", by="chair", reason="x y z", allow=True)
    with pytest.raises(ConfigError, match="no unsure redaction"):
        decide_span(tmp_path, "m1", "nope", "restore", by="chair", reason="x y z")
    decide_span(tmp_path, "m1", span, "restore", by="chair", reason="a shop name here",
                allow=True)
    assert load_redaction_review(tmp_path, "m1").allow_words == ("Quillan",)


def test_a_damaged_decision_store_stops_the_load(tmp_path: Path):
    folder = tmp_path / "m1"
    folder.mkdir()
    (folder / "redaction_decisions.jsonl").write_text("{not json}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        load_redaction_review(tmp_path, "m1")


# --- second pass (issue 11): the classes heldout4 and the sample meeting showed -------------

#: text, words that must be gone, words that must stay (names are invented)
SECOND_PASS = [
    # agency words at a sentence start, in lower case, as plurals, in capitals
    ("Tenancy visit today. Arrears of £300 discussed.", (), ("Tenancy", "Arrears")),
    ("Weight on the 2nd centile; admitted truanting.", (), ("centile", "truanting")),
    ("Two PCSOs checked the UPNs on Fridays.", (), ("PCSOs", "UPNs", "Fridays")),
    ("SHE APPEARED INTOXICATED. NEIGHBOUR TOOK CHILD IN.", (), ("INTOXICATED", "IN")),
    ("Triage - seen by ED. RoSH medium per OASys.", (), ("Triage", "RoSH", "OASys")),
    ("Interpreter Tigrinya used; mum speaks Sylheti.", (), ("Tigrinya", "Sylheti")),
    ("Referred to the Front Door and Team Around the Family.", (),
     ("Front Door", "Team Around the Family")),
    ("Seen in a silver Corsa near Runcorn.", (), ("Corsa", "Runcorn")),
    ("Connor offered the Turnaround programme.", (), ("Turnaround",)),
    ("Youths at the Ferrier Chase garages again.", (), ("Ferrier", "Chase")),
    ("Kelly is going to see ayeeyo and said Ammu shouts.", (), ("ayeeyo", "Ammu")),
    ("Paternal grandmother rang during the visit.", (), ("Paternal", "rang")),
    ("SUSP DROVE OFF IN VEH. susp intox.", (), ("SUSP", "VEH", "susp", "intox")),
    # names: quoted nicknames of ordinary words, lower-case ones, sign-offs
    ("Seen with 'Lil Ace' and 'Big Dread' by the garages.", ("Lil Ace", "Big Dread"), ()),
    ("talked about 'bambi' and 'snipes' - older lads.", ("bambi", "snipes"), ("older",)),
    ("Pressured to try 'brown' (heroin).", (), ("brown",)),
    ("Visit done, passed on.\ndom", ("dom",), ("passed",)),
    ("Kelly attended, all agreed.\nEnds", (), ("Ends",)),
    ("Kelly engaged well.\nMo, YJ prevention worker", ("Mo",), ("YJ", "prevention", "worker")),
    ("jordans brother came round. tjs mum rang. she stays at graces.",
     ("jordans", "tjs", "graces"), ("brother", "mum")),
    ("Best friend Mali worried about her.", ("Mali",), ("worried",)),
    ("Pastor Everton Blake and Imam Abdullahi Gure offered to help.",
     ("Everton", "Blake", "Abdullahi", "Gure"), ("Pastor", "Imam")),
    ("Kobi said he was there.", ("Kobi",), ("said",)),
]


@pytest.mark.parametrize(("text", "gone", "kept"), SECOND_PASS)
def test_second_pass_classes(redactor, text, gone, kept):
    out = _redact(redactor, [text])[0].text
    for word in gone:
        assert not _word_in(word, out), out
    for word in kept:
        assert word in out, out


@pytest.mark.parametrize(("keep", "text", "family", "gone"), [
    # a bracketed forename makes a family surname someone else's
    (("Shahid Hossain", "Amina Hossain"), "His brother HOSSAIN (Jamal) was present.",
     ("His brother",), ("HOSSAIN", "Jamal")),
    (("Maria Lopez",), "The class already has a Maria (Maria Szabo).", ("class",),
     ("Maria", "Szabo")),
    # family members inside spans spaCy widened with an acronym, a plural role, a kinship word
    (("Niall Mulrooney",), "NBV Niall, 12 days. Mum alone.", ("Niall",), ()),
    (("Hamda Guled", "Sagal Guled"), "Girls Hamda and Sagal named as protected persons.",
     ("Hamda", "Sagal"), ()),
    (("Bethan Prosser", "Cadi Prosser"), "Mam Bethan came in at 11:00.", ("Mam Bethan",), ()),
    (("Ffion Llewellyn",), "DOMESTIC. LLEWELLYN FFION (V) REPORTS EX PARTNER.",
     ("LLEWELLYN FFION",), ()),
    # a roster alias with the member's surname
    (("Raymond Bell", "Ray"), "caller says ray bell and his pal were fighting.", ("ray bell",),
     ()),
])
def test_family_names_stay_and_third_parties_go(redactor, keep, text, family, gone):
    out = _redact(redactor, [text], keep=keep)[0].text
    for word in family:
        assert word in out, out
    for word in gone:
        assert not _word_in(word, out), out


def _tags(text: str) -> list[str]:
    return re.findall(r"\[Third party [A-Z]+\]", text)


def test_accounts_without_an_at_are_each_their_own(redactor):
    out = _redact(redactor, ["Messages from rico_2k7 and from tmz.rico overnight."])[0].text
    assert "rico" not in out
    assert len(set(_tags(out))) == 2, out


def test_a_first_name_with_an_initial_joins_only_that_surname(redactor):
    out = _redact(redactor, [
        "Kacey seen with an older male she called Connor.",
        "Best mate Connor Vickers. Kacey going missing to see Connor Mayhew.",
        "Jordan and Connor V (Yr 6) kept in at lunch.",
    ], keep=("Kacey Ackroyd", "Jordan Ackroyd"))
    first, second, third = (_tags(r.text) for r in out)
    vickers, mayhew = second
    assert vickers != mayhew
    assert third == [vickers]  # Connor V is Connor Vickers
    assert first[0] not in (vickers, mayhew)  # a plain "Connor" could be either


def test_a_lone_surname_stays_apart_when_a_relative_is_mentioned(redactor):
    out = _redact(redactor, [
        "Reporters: Ibbs, Coulthard and Sørensen (all Sedge Way).",
        "Jake threw a chair at Mads Sørensen. Jake says Mads's dad rang.",
    ], keep=("Jake Wilde",))
    reporters, school = (_tags(r.text) for r in out)
    assert reporters[2] not in school  # the reporter may be Mads's dad, not Mads
    assert len(set(school)) == 1  # Mads Sørensen and Mads are one person
