"""Looking for other families' members through the rival index decides exactly what
comparing every member decides (pipeline/identity/roster.py RivalIndex, Matcher)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from pipeline.identity import Roster, load_matcher
from pipeline.identity.matcher import Subject
from pipeline.meeting import MeetingConfig

SURNAMES = ("Harrowfield", "Marchetti", "Wrexley", "Stannard", "Calloway", "McDonald",
            "Smith-Jones", "Okafor", "Nowak", "Pritchard", "Kettering", "Ellis", "Osei",
            "Brannigan", "Pollitt", "Harrowfeild", "Jones", "Lee", "O'Neill", "MacDonald")
FIRST = ("Tony", "Anthony", "Louise", "Lou", "Gary", "Kyle", "Mia", "Jayden", "Denise",
         "Lee", "Charlie", "Ben", "Ray", "Tina", "Jackie", "Brett", "Connor", "Becky",
         "Rebecca", "Sam")
ROLES = ("parent", "parent", "child", "child", "partner")


def meeting(families: int, rng: random.Random) -> MeetingConfig:
    fams = []
    for k in range(families):
        surname = SURNAMES[k % len(SURNAMES)] if k < len(SURNAMES) else \
            rng.choice(SURNAMES) + "ton" * (k % 3)
        members = []
        for n, role in enumerate(ROLES[: rng.randint(2, 5)]):
            dob = None if rng.random() < 0.15 else \
                date(1975, 1, 1) + timedelta(days=rng.randint(0, 15000))
            members.append({"name": f"{rng.choice(FIRST)} {surname}", "role": role,
                            "dob": dob, "aliases": ["Tone"] if n == 0 and k % 4 == 0 else []})
        fams.append({"ref": f"F{k:03d}", "members": members})
    return MeetingConfig.model_validate({
        "meeting": {"id": "m", "type": "jag", "date": "2026-12-03", "purpose": "identity rival index test"},
        "agencies": ["police"], "families": fams})


def variants(name: str, dob: date | None, rng: random.Random) -> list[tuple[str, date | None]]:
    first, last = name.split(" ", 1)
    typo = last[:2] + last[3] + last[2] + last[4:] if len(last) > 4 else last + "e"
    near = dob.replace(day=(dob.day % 28) + 1) if dob else None
    swapped = dob.replace(day=dob.month, month=dob.day) if dob and dob.day <= 12 else dob
    return [(name, dob), (name, None), (f"{first} {typo}", dob), (f"{last.upper()} {first}", dob),
            (f"{first} {last}", near), (f"{first} {last}", swapped), (first, dob), (last, None),
            (f"{rng.choice(FIRST)} {last}", dob), (f"{first} {rng.choice(SURNAMES)}", dob),
            (f"{first} {rng.choice(SURNAMES)}", None), (f"T. {last}", None)]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_index_decides_as_comparing_every_member_does(seed: int) -> None:
    rng = random.Random(seed)
    cfg = meeting(16, rng)
    roster = Roster(cfg)
    narrow, full = load_matcher(), load_matcher()
    assert narrow.narrow_rivals and narrow.near_by_name
    full.narrow_rivals = False
    checked = 0
    for fam in cfg.families:
        for m in fam.members:
            for name, dob in variants(m.name, m.dob, rng):
                for ref in (fam.ref, rng.choice(cfg.families).ref):
                    subject = Subject(name=name, dob=dob, role=rng.choice(("child", "parent")))
                    assert narrow.match("i", subject, ref, roster) == \
                        full.match("i", subject, ref, roster), (name, dob, ref)
                    checked += 1
    assert checked > 300


def test_weights_that_let_any_member_score_high_compare_every_member() -> None:
    matcher = load_matcher()
    weights = matcher.settings.weights.model_copy(update={
        "surname": matcher.settings.weights.surname.model_copy(update={"different": 0.0})})
    settings = matcher.settings.model_copy(update={"weights": weights})
    assert not type(matcher)(settings, matcher.diminutives).narrow_rivals
