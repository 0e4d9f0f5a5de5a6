"""Generate the labelled subject/roster sets for the identity matcher (docs/identity.md).

Two splits, each a synthetic meeting roster (`roster_<split>.yaml`, a valid meeting config)
and cases (`labelled_<split>.jsonl`): a subject as an agency might write it (name, date of
birth, role), the family it was filed under, and the truth: which roster member it really
is (family and roster name), or null for someone who is on no roster.

- `tune`: the weights and thresholds of redaction_rules/identity.yaml were chosen on this.
- `holdout`: never used to choose anything. Its names, families, nickname table and random
  seed differ from tune's, and it was generated before the thresholds were tuned.

Kinds of case: exact; name variants (SURNAME in capitals, `SURNAME, Forename`, all capitals
or lower case, titles, an added middle name, nickname or formal name, misspelt or
transposed forename or surname, initial only, hyphenated surname written with a space or
one half only, accents, reversed order); date-of-birth errors (day/month swapped, one digit
wrong, missing, different); a name variant with a date error; rows filed under another
family of the meeting; namesakes in other families; twins; unborn babies; and people on no
roster (unrelated, relatives sharing the family surname, people sharing a member's first
name). Everything is invented.

Run from the repository root:  .venv/bin/python tests/cases/identity/build_labelled.py
Deterministic: the same script gives byte-identical files.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MEETING_DATE = date(2026, 12, 3)


@dataclass
class Pools:
    seed: int
    surnames: list[str]
    double_barrelled: list[str]
    adult_f: list[str]
    adult_m: list[str]
    child_f: list[str]
    child_m: list[str]
    #: how agencies shorten or formalise first names (written separately for each split)
    nicknames: dict[str, list[str]]
    #: people on no roster
    outsiders_first: list[str]
    outsiders_last: list[str]


TUNE = Pools(
    seed=20261203,
    surnames=["Ashworth", "Brennan", "Chaudhry", "Dobson", "Ellery", "Fairbairn", "Gallagher",
              "Hussain", "Jankowski", "Lyons", "McAllister", "Nwosu", "O'Sullivan",
              "Pemberton", "Quigley", "Rahman", "Thorne", "Whitlock", "Adeyemi", "Doherty"],
    double_barrelled=["Campbell-Reid", "Hughes-Morgan", "Price-Wallace"],
    adult_f=["Karen", "Rebecca", "Sharon", "Tracey", "Michelle", "Nicola", "Lisa", "Joanne",
             "Donna", "Kelly", "Samantha", "Leanne", "Amanda", "Nadia", "Aisha", "Agnieszka",
             "Siobhan", "Chantelle", "Stacey", "Jacqueline"],
    adult_m=["Gary", "Darren", "Lee", "Wayne", "Craig", "Anthony", "Stephen", "Mohammed",
             "Paul", "Richard", "Barry", "Jason", "Terry", "Kevin", "Marek", "Tariq", "Sean",
             "Derek", "Christopher", "Robert"],
    child_f=["Chloe", "Jessica", "Amelia", "Ellie", "Lauren", "Megan", "Shannon", "Courtney",
             "Zoe", "Isabella", "Maisie", "Ruby", "Aaliyah", "Zuzanna", "Niamh", "Kayleigh"],
    child_m=["Kyle", "Jayden", "Tyler", "Callum", "Connor", "Liam", "Ryan", "Alfie",
             "Harrison", "Oliver", "Bradley", "Reece", "Mason", "Jamal", "Oskar", "Declan"],
    nicknames={
        "Karen": ["Kaz"], "Rebecca": ["Becky", "Bex"], "Sharon": ["Shaz"],
        "Tracey": ["Trace"], "Michelle": ["Shell"], "Nicola": ["Nicky", "Nic"],
        "Joanne": ["Jo"], "Samantha": ["Sam", "Sammie"], "Amanda": ["Mandy"],
        "Jacqueline": ["Jackie", "Jacqui"], "Gary": ["Gaz"], "Darren": ["Daz"],
        "Anthony": ["Tony", "Ant"], "Stephen": ["Steve"], "Mohammed": ["Mo"],
        "Richard": ["Rich", "Ricky"], "Barry": ["Baz"], "Terry": ["Tel"], "Kevin": ["Kev"],
        "Christopher": ["Chris"], "Robert": ["Rob", "Bob"], "Derek": ["Del"],
        "Jessica": ["Jess"], "Amelia": ["Millie"], "Lauren": ["Loz"],
        "Isabella": ["Izzy", "Bella"], "Callum": ["Cal"], "Bradley": ["Brad"],
        "Harrison": ["Harry"], "Oliver": ["Ollie"], "Alfie": ["Alfred"],
        "Zuzanna": ["Zuza"], "Kelly": ["Kel"], "Daniel": ["Danny"], "Lisa": ["Elizabeth"],
        "Ellie": ["Eleanor"], "Liam": ["William"], "Connor": ["Con"], "Ryan": ["Ry"],
    },
    outsiders_first=["Brandon", "Kieran", "Jade", "Demi", "Rhys", "Leon", "Tia", "Kirsty",
                     "Jordan", "Ashley", "Gemma", "Dale", "Marcus", "Priya", "Emre", "Ola"],
    outsiders_last=["Boyle", "Cartwright", "Denholm", "Fitzgerald", "Grimshaw", "Holloway",
                    "Kirkby", "Mahmood", "Osei", "Parkinson", "Rowntree", "Sutcliffe",
                    "Tennant", "Varga", "Wilkinson", "Yardley"],
)

HOLDOUT = Pools(
    seed=31122026,
    surnames=["Abbott", "Blackwood", "Coleman", "Dawes", "Egan", "Forsyth", "Gill", "Hartley",
              "Ibrahim", "Jarvis", "Kaur", "Lowther", "Malik", "Novak", "Okafor",
              "Pritchard", "Rafferty", "Sandhu", "Walsh", "Zielinski"],
    double_barrelled=["Bishop-Grant", "Lloyd-Evans", "Ashby-Kerr"],
    adult_f=["Kerry", "Elizabeth", "Deborah", "Caroline", "Julie", "Catherine", "Margaret",
             "Patricia", "Victoria", "Jasmine", "Lorraine", "Beverley", "Natalie", "Shabana",
             "Magdalena", "Bernadette", "Cheryl", "Susan", "Louise", "Emma"],
    adult_m=["Terence", "Michael", "James", "David", "Patrick", "Nathan", "Simon", "Martin",
             "Gerard", "Geoffrey", "Imran", "Tomasz", "Dean", "Stuart", "Matthew", "Andrew",
             "Neil", "Carl", "Trevor", "Edward"],
    child_f=["Evie", "Millie", "Sophie", "Olivia", "Grace", "Lily", "Poppy", "Isla", "Hannah",
             "Erin", "Layla", "Amira", "Maja", "Caitlin", "Tilly", "Phoebe"],
    child_m=["Archie", "Freddie", "Charlie", "Jack", "Harry", "Noah", "Ethan", "Leo", "Dylan",
             "Kai", "Riley", "Zain", "Jakub", "Cian", "Finley", "Theo"],
    nicknames={
        "Kerry": ["Kez"], "Elizabeth": ["Liz", "Beth", "Lizzie"], "Deborah": ["Debs", "Debbie"],
        "Caroline": ["Caz"], "Julie": ["Jules"], "Catherine": ["Cath", "Kate"],
        "Margaret": ["Maggie", "Mags"], "Patricia": ["Trish", "Pat"],
        "Victoria": ["Vicky", "Tori"], "Jasmine": ["Jaz"], "Beverley": ["Bev"],
        "Natalie": ["Nat"], "Magdalena": ["Magda"], "Bernadette": ["Bernie"],
        "Cheryl": ["Chez"], "Susan": ["Sue"], "Louise": ["Lou"], "Emma": ["Em"],
        "Terence": ["Terry", "Tel"], "Michael": ["Mick", "Mike"], "James": ["Jim", "Jamie"],
        "David": ["Dave"], "Patrick": ["Paddy"], "Nathan": ["Nath"], "Simon": ["Si"],
        "Martin": ["Marty"], "Gerard": ["Ged", "Gerry"], "Geoffrey": ["Geoff"],
        "Tomasz": ["Tomek"], "Stuart": ["Stu"], "Matthew": ["Matt"], "Andrew": ["Andy"],
        "Edward": ["Eddie", "Ted"], "Charlie": ["Charles"], "Freddie": ["Frederick"],
        "Harry": ["Henry"], "Jack": ["John"], "Theo": ["Theodore"], "Finley": ["Finn"],
        "Tilly": ["Matilda"], "Evie": ["Evelyn"], "Sophie": ["Sophia"], "Olivia": ["Liv"],
        "Millie": ["Amelia"], "Archie": ["Archibald"], "Hannah": ["Han"],
    },
    outsiders_first=["Bethany", "Cody", "Darcy", "Ewan", "Frankie", "Georgia", "Hollie",
                     "Ibrahim", "Jodie", "Keeley", "Lewis", "Mollie", "Nikhil", "Owen",
                     "Paige", "Rory"],
    outsiders_last=["Ainsworth", "Beckett", "Crowther", "Dunne", "Fletcher", "Goodwin",
                    "Hammond", "Ingram", "Kennedy", "Lister", "Moran", "Oduya", "Pearce",
                    "Redfern", "Stokes", "Tiernan"],
)

ACCENTS = {"e": "é", "o": "ö", "a": "á", "i": "í", "u": "ü"}


@dataclass
class Member:
    family_ref: str
    name: str
    dob: date | None
    role: str
    aliases: list[str] = field(default_factory=list)

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def last(self) -> str:
        return self.name.split()[-1]


@dataclass
class Family:
    ref: str
    members: list[Member]


def _dob(rng: random.Random, lo_age: int, hi_age: int) -> date:
    days = rng.randint(lo_age * 365 + 10, hi_age * 365 - 10)
    return MEETING_DATE - timedelta(days=days)


class Builder:
    def __init__(self, split: str, pools: Pools) -> None:
        self.split = split
        self.p = pools
        self.rng = random.Random(pools.seed)
        self.families: list[Family] = []
        self.cases: list[dict[str, Any]] = []

    # --- the roster ---------------------------------------------------------------------

    def roster(self) -> None:
        rng, p = self.rng, self.p
        surnames = rng.sample(p.surnames, 14)
        adults_f, adults_m = p.adult_f[:], p.adult_m[:]
        kids_f, kids_m = p.child_f[:], p.child_m[:]
        rng.shuffle(adults_f)
        rng.shuffle(adults_m)
        for n, surname in enumerate(surnames, start=1):
            ref = f"{self.split.upper()}-{n:02d}"
            members: list[Member] = []
            mother = Member(ref, f"{adults_f.pop()} {surname}", _dob(rng, 24, 48), "parent")
            members.append(mother)
            if n % 3 == 0:  # a partner with another surname, date of birth not known
                other = rng.choice([s for s in p.surnames if s not in surnames])
                members.append(Member(ref, f"{adults_m.pop()} {other}", None, "partner"))
            elif n % 3 == 1:
                members.append(Member(ref, f"{adults_m.pop()} {surname}",
                                      _dob(rng, 26, 52), "parent"))
            kids_surname = p.double_barrelled[n // 5] if n in (5, 10, 13) else surname
            for _ in range(rng.randint(1, 4)):
                pool = kids_f if rng.random() < 0.5 else kids_m
                first = rng.choice(pool)
                if any(m.first == first for m in members):
                    continue
                members.append(Member(ref, f"{first} {kids_surname}", _dob(rng, 1, 17), "child"))
            if n in (4, 11):
                members.append(Member(ref, f"Unborn baby {surname}", None, "unborn_child"))
            if n == 7:  # twins: same date of birth
                dob = _dob(rng, 6, 12)
                members.append(Member(ref, f"Leah {kids_surname}", dob, "child"))
                members.append(Member(ref, f"Luke {kids_surname}", dob, "child"))
            for m in members:  # a few roster aliases, as coordinators record them
                nick = p.nicknames.get(m.first)
                if nick and rng.random() < 0.25:
                    m.aliases.append(nick[0])
            self.families.append(Family(ref, members))
        # namesakes: a child with the same name in two families (cousins named alike)
        for a, b in ((1, 8), (3, 12)):
            fa, fb = self.families[a - 1], self.families[b - 1]
            first = rng.choice(p.child_m)
            surname = fa.members[0].last
            fa.members.append(Member(fa.ref, f"{first} {surname}", _dob(rng, 3, 16), "child"))
            fb.members.append(Member(fb.ref, f"{first} {surname}", _dob(rng, 3, 16), "child"))

    def members(self) -> list[Member]:
        return [m for f in self.families for m in f.members]

    def meeting_yaml(self) -> str:
        lines = [
            f"# Synthetic roster for the identity labelled set ({self.split}); generated by",
            "# tests/cases/identity/build_labelled.py. Every name is invented.",
            "meeting:",
            f"  id: identity-{self.split}",
            "  type: jag",
            f"  date: {MEETING_DATE.isoformat()}",
            "  purpose: Synthetic roster for measuring the identity matcher.",
            "agencies: [police, school, health, housing]",
            "families:",
        ]
        for f in self.families:
            lines.append(f"  - ref: {f.ref}")
            lines.append("    members:")
            for m in f.members:
                parts = [f"name: {json.dumps(m.name)}", f"role: {m.role}"]
                if m.dob:
                    parts.insert(1, f"dob: {m.dob.isoformat()}")
                if m.aliases:
                    parts.append(f"aliases: {json.dumps(m.aliases)}")
                lines.append("      - {" + ", ".join(parts) + "}")
        return "\n".join(lines) + "\n"

    # --- variants -----------------------------------------------------------------------

    def misspell(self, word: str) -> str:
        rng = self.rng
        w = word
        for _ in range(10):
            kind = rng.choice(["drop", "double", "vowel", "ie", "ending", "ck"])
            i = rng.randrange(1, max(2, len(w) - 1))
            if kind == "drop" and len(w) > 4:
                out = w[:i] + w[i + 1:]
            elif kind == "double":
                out = w[:i] + w[i] + w[i:]
            elif kind == "vowel":
                vowels = [j for j, c in enumerate(w) if c in "aeiou" and j > 0]
                if not vowels:
                    continue
                j = rng.choice(vowels)
                out = w[:j] + rng.choice([v for v in "aeiou" if v != w[j]]) + w[j + 1:]
            elif kind == "ie" and ("ie" in w or "ei" in w):
                out = w.replace("ie", "#").replace("ei", "ie").replace("#", "ei")
            elif kind == "ending" and w[-1] in "yi":
                out = w[:-1] + ("ie" if w[-1] == "y" else "y")
            elif kind == "ck" and "c" in w[1:]:
                out = w[0] + w[1:].replace("c", "k", 1)
            else:
                continue
            if out != w:
                return out
        return w[:-1] + w[-1] * 2

    def transpose(self, word: str) -> str:
        if len(word) < 4:
            return word[::-1] if len(word) == 2 else word[0] + word[2] + word[1]
        i = self.rng.randrange(1, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]

    def name_variants(self, m: Member) -> dict[str, str]:
        """Every way this split writes the member's name, by kind (some may be absent)."""
        rng, first, last = self.rng, m.first, m.last
        if m.role == "unborn_child":
            mother = next(x for f in self.families if f.ref == m.family_ref
                          for x in f.members if x.role == "parent")
            return {"unborn_baby": f"Baby {last}", "unborn_of_mother": f"Unborn child of "
                    f"{mother.name}", "unborn_caps": f"UNBORN {last.upper()}"}
        title = ("Mr" if m.role in ("partner",) or first in self.p.adult_m else "Ms") \
            if m.role != "child" else ("Master" if first in self.p.child_m else "Miss")
        v = {
            "caps_surname": f"{first} {last.upper()}",
            "surname_comma": f"{last.upper()}, {first}",
            "all_caps": f"{first} {last}".upper(),
            "lower_case": f"{first} {last}".lower(),
            "title": f"{title} {first} {last}",
            "middle_added": f"{first} {rng.choice(['James', 'Marie', 'Lee', 'Ann', 'John'])} "
                            f"{last}",
            "misspelt_forename": f"{self.misspell(first)} {last}",
            "misspelt_surname": f"{first} {self.misspell(last)}",
            "transposed_surname": f"{first} {self.transpose(last)}",
            "transposed_forename": f"{self.transpose(first)} {last}",
            "initial": f"{first[0]}{rng.choice(['', '.'])} {last}",
            "reversed": f"{last} {first}",
            "forename_only": first,
        }
        nick = self.p.nicknames.get(first)
        if nick:
            v["nickname"] = f"{rng.choice(nick)} {last}"
        if "-" in last:
            a, b = last.split("-")
            v["hyphen_as_space"] = f"{first} {a} {b}"
            v["one_half_of_surname"] = f"{first} {rng.choice([a, b])}"
        accentable = [i for i, c in enumerate(first) if c in ACCENTS and i > 0]
        if accentable:
            i = rng.choice(accentable)
            v["accent_added"] = f"{first[:i]}{ACCENTS[first[i]]}{first[i + 1:]} {last}"
        if "'" in last:
            v["apostrophe_dropped"] = f"{first} {last.replace(chr(39), '')}"
        return v

    def dob_variant(self, dob: date, kind: str) -> date | None:
        rng = self.rng
        if kind == "missing":
            return None
        if kind == "swapped":
            if dob.day <= 12 and dob.day != dob.month:
                return date(dob.year, dob.day, dob.month)
            return None
        if kind == "near":
            digits = dob.strftime("%Y%m%d")
            for _ in range(50):
                i = rng.choice([3, 5, 6, 7])  # the year's last digit, month, day
                new = digits[:i] + str(rng.randrange(10)) + digits[i + 1:]
                if new == digits:
                    continue
                try:
                    d = date(int(new[:4]), int(new[4:6]), int(new[6:]))
                except ValueError:
                    continue
                if d <= MEETING_DATE:
                    return d
            return None
        if kind == "different":
            while True:
                d = dob + timedelta(days=rng.choice([-1, 1]) * rng.randint(200, 3000))
                if d <= MEETING_DATE:
                    return d
        raise ValueError(kind)

    # --- cases --------------------------------------------------------------------------

    def add(self, kind: str, name: str, dob: date | None, role: str, filed: str,
            truth: Member | None) -> None:
        self.cases.append({
            "case_id": f"{self.split}-{len(self.cases) + 1:04d}",
            "kind": kind,
            "subject": {"name": name, "dob": dob.isoformat() if dob else None, "role": role},
            "filed_family": filed,
            "truth": None if truth is None else {"family_ref": truth.family_ref,
                                                 "member": truth.name},
        })

    def role_as_written(self, m: Member) -> str:
        """Agencies mostly give the roster's role; sometimes a vaguer one."""
        if self.rng.random() < 0.12 and m.role != "unborn_child":
            return self.rng.choice(["victim", "household_member"])
        return m.role

    def cases_per_member(self) -> None:
        rng = self.rng
        for m in self.members():
            variants = self.name_variants(m)
            role = self.role_as_written(m)
            if m.role == "unborn_child":
                for kind, name in variants.items():
                    self.add(kind, name, None, "unborn_child", m.family_ref, m)
                continue
            self.add("exact", m.name, m.dob, role, m.family_ref, m)
            kinds = sorted(variants)
            for kind in rng.sample(kinds, 3):
                self.add(kind, variants[kind], m.dob, role, m.family_ref, m)
            if m.dob is not None:
                dob_kind = rng.choice(["swapped", "near", "near", "missing", "different"])
                d = self.dob_variant(m.dob, dob_kind)
                if dob_kind == "swapped" and d is None:
                    dob_kind, d = "near", self.dob_variant(m.dob, "near")
                self.add(f"dob_{dob_kind}", m.name, d, role, m.family_ref, m)
                kind = rng.choice([k for k in kinds if k != "forename_only"])
                dob_kind = rng.choice(["swapped", "near", "missing"])
                d = self.dob_variant(m.dob, dob_kind)
                if d is not None or dob_kind == "missing":
                    self.add(f"{kind}+dob_{dob_kind}", variants[kind], d, role,
                             m.family_ref, m)

    def misfiled(self) -> None:
        """Rows filed under another family of the meeting (a sibling's row pasted, a wrong
        reference)."""
        rng = self.rng
        people = [m for m in self.members() if m.role != "unborn_child"]
        for m in rng.sample(people, 40):
            filed = rng.choice([f.ref for f in self.families if f.ref != m.family_ref])
            variants = self.name_variants(m)
            kind = rng.choice(["exact", "exact", "caps_surname", "surname_comma",
                               "misspelt_forename", *(["nickname"] if "nickname" in variants
                                                      else [])])
            name = m.name if kind == "exact" else variants[kind]
            self.add(f"misfiled_{kind}", name, m.dob, m.role, filed, m)

    def namesakes(self) -> None:
        """Children with the same name in two families: filed right, with and without a
        date of birth, and filed under the other one's family."""
        by_name: dict[str, list[Member]] = {}
        for m in self.members():
            by_name.setdefault(m.name, []).append(m)
        for same in (ms for ms in by_name.values() if len(ms) == 2):
            a, b = same
            for me, other in ((a, b), (b, a)):
                self.add("namesake_filed_right", me.name, me.dob, me.role, me.family_ref, me)
                self.add("namesake_no_dob", me.name, None, me.role, me.family_ref, me)
                self.add("namesake_filed_under_other", me.name, me.dob, me.role,
                         other.family_ref, me)

    def twins(self) -> None:
        for f in self.families:
            twins = [m for m in f.members if m.first in ("Leah", "Luke")]
            for m in twins:
                self.add("twin_full_name", m.name, m.dob, m.role, f.ref, m)
                self.add("twin_initial", f"L {m.last}", m.dob, m.role, f.ref, m)

    def outsiders(self) -> None:
        """People on no roster, filed under a family."""
        rng, p = self.rng, self.p
        fams = self.families
        for _ in range(60):
            f = rng.choice(fams)
            adult = rng.random() < 0.4
            name = f"{rng.choice(p.outsiders_first)} {rng.choice(p.outsiders_last)}"
            dob = _dob(rng, 25, 60) if adult else _dob(rng, 2, 17)
            self.add("unrelated", name, dob if rng.random() < 0.85 else None,
                     rng.choice(["parent", "partner", "victim"]) if adult else "child",
                     f.ref, None)
        for _ in range(30):  # grandparents, cousins, an older half-sibling: same surname
            f = rng.choice(fams)
            surname = f.members[0].last
            first = rng.choice([n for n in p.outsiders_first + p.adult_f + p.adult_m
                                if all(m.first != n for m in f.members)])
            dob = _dob(rng, 50, 80) if rng.random() < 0.5 else _dob(rng, 2, 17)
            role = "household_member" if dob.year < 1980 else "child"
            self.add("relative_not_on_roster", f"{first} {surname}", dob, role, f.ref, None)
        for _ in range(25):  # a classmate or neighbour who shares a member's first name
            f = rng.choice(fams)
            m = rng.choice([x for x in f.members if x.role != "unborn_child"])
            name = f"{m.first} {rng.choice(p.outsiders_last)}"
            dob = _dob(rng, 2, 17) if m.role == "child" else _dob(rng, 25, 60)
            self.add("same_first_name_not_on_roster", name, dob, m.role, f.ref, None)
        for _ in range(10):  # the family's name and role, someone else's date of birth
            f = rng.choice(fams)
            m = rng.choice([x for x in f.members if x.role == "child"])
            other = self.dob_variant(m.dob, "different") if m.dob else None
            self.add("same_name_different_person", m.name, other, m.role, f.ref, None)

    def build(self) -> tuple[str, list[dict[str, Any]]]:
        self.roster()
        self.cases_per_member()
        self.misfiled()
        self.namesakes()
        self.twins()
        self.outsiders()
        return self.meeting_yaml(), self.cases


def write(split: str, pools: Pools) -> int:
    yaml_text, cases = Builder(split, pools).build()
    (HERE / f"roster_{split}.yaml").write_text(yaml_text, encoding="utf-8")
    with (HERE / f"labelled_{split}.jsonl").open("w", encoding="utf-8") as fh:
        for c in cases:
            fh.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
    return len(cases)


if __name__ == "__main__":
    for split, pools in (("tune", TUNE), ("holdout", HOLDOUT)):
        n = write(split, pools)
        print(f"{split}: {n} cases")  # noqa: T201 - a generator's summary is its output
