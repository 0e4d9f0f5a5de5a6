"""Build the labelled redaction corpus: the hand-written seed notes plus generated ones.

    .venv/bin/python tests/cases/redaction/generate.py          # rewrites corpus.jsonl
    .venv/bin/python tests/cases/redaction/generate.py --check  # exit 1 if it would change

Everything is synthetic. Names and streets come from Faker en_GB with a fixed seed; phones are
Ofcom drama numbers; NHS numbers start 999 (some with a bad check digit on purpose); NI numbers
start QQ; emails are at example.org / example.com. Each line of corpus.jsonl is one note:

    {"note_id", "family_ref", "agency", "style", "source", "keep_names", "text",
     "spans": [[start, end, label, text], ...]}

Gold spans cover the identifier only: titles (Mr, Mrs, Dr) and role words (Mum, PC 1234) are
never inside a person span.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from faker import Faker

HERE = Path(__file__).resolve().parent
SEED_FILE = HERE / "seed.yaml"
CORPUS_FILE = HERE / "corpus.jsonl"
META_FILE = HERE / "corpus_meta.json"

RANDOM_SEED = 20261123
MIN_NOTES = 320


def _load_eval() -> Any:
    """benchmarks/redaction_eval.py, which owns the label list (stdlib imports only)."""
    name = "casebundle_redaction_eval"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, HERE.parents[2] / "benchmarks" / "redaction_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


LABELS: tuple[str, ...] = _load_eval().GOLD_LABELS

CODES: dict[str, str] = {
    "T": "THIRD_PARTY_PERSON",
    "F": "FAMILY_PERSON",
    "PHONE": "PHONE",
    "EMAIL": "EMAIL",
    "POSTCODE": "POSTCODE",
    "ADDR": "STREET_ADDRESS",
    "NHS": "NHS",
    "NINO": "NINO",
    "VRM": "VEHICLE_REG",
    "DOB": "DATE_OF_BIRTH",
    "REF": "POLICE_REF",
    "UPN": "UPN",
}
AGENCIES = ("police", "school", "health", "housing", "probation", "social_care", "youth_justice")

_MARK = re.compile(r"\{([A-Z]+)\|([^{}|]+)\}")


def parse_markup(marked: str) -> tuple[str, list[list[Any]]]:
    """Turn '{CODE|text}' markup into plain text and [start, end, label, text] spans."""
    out: list[str] = []
    spans: list[list[Any]] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        before = marked[pos : m.start()]
        out.append(before)
        length += len(before)
        code, inner = m.group(1), m.group(2)
        if code not in CODES:
            raise ValueError(f"unknown span code {code!r} in {marked[:60]!r}")
        spans.append([length, length + len(inner), CODES[code], inner])
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(marked[pos:])
    text = "".join(out)
    if "{" in text or "}" in text:
        raise ValueError(f"unbalanced markup in {marked[:60]!r}")
    return text, spans


# --- seed notes ---------------------------------------------------------------------------


def seed_notes() -> list[dict[str, Any]]:
    """The hand-written hard cases from seed.yaml."""
    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    notes = []
    for fam in data["families"]:
        for i, note in enumerate(fam["notes"], start=1):
            text, spans = parse_markup(" ".join(note["text"].split()))
            notes.append(
                _record(
                    f"{fam['family_ref']}-{i:02d}",
                    fam["family_ref"],
                    note["agency"],
                    note["style"],
                    "seed",
                    fam["keep_names"],
                    text,
                    spans,
                )
            )
    return notes


def _record(note_id, family_ref, agency, style, source, keep_names, text, spans):
    return {
        "note_id": note_id,
        "family_ref": family_ref,
        "agency": agency,
        "style": style,
        "source": source,
        "keep_names": list(keep_names),
        "text": text,
        "spans": spans,
    }


# --- synthetic identifiers ----------------------------------------------------------------

_PC_AREAS = ("LU", "MK", "B", "E", "N", "LS", "NE", "M", "L", "CF", "BD", "SW", "NW", "SE", "BS")
_PC_UNIT = "ABDEFGHJLNPQRSTUWXYZ"
_VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def phone(rng: random.Random) -> str:
    """A drama-range number in one of the formats people actually type."""
    kind = rng.choice(("mobile", "mobile", "mobile", "01632", "020", "0113"))
    if kind == "mobile":
        tail = f"{rng.randrange(900000, 901000)}"
        return rng.choice(
            (
                f"07700 {tail}",
                f"07700{tail}",
                f"+44 7700 {tail}",
                f"+44 (0)7700 {tail}",
                f"0044 7700 {tail}",
                f"+447700{tail}",
                f"07700 {tail[:3]} {tail[3:]}",
            )
        )
    if kind == "01632":
        tail = f"{rng.randrange(960000, 961000)}"
        return rng.choice((f"(01632) {tail[:3]} {tail[3:]}", f"01632 {tail}", f"01632{tail}"))
    if kind == "020":
        tail = f"{rng.randrange(0, 1000):03d}"
        return rng.choice((f"020 7946 0{tail}", f"(020) 7946 0{tail}", f"+44 20 7946 0{tail}"))
    tail = f"{rng.randrange(0, 1000):03d}"
    return rng.choice((f"0113 496 0{tail}", f"(0113) 4960{tail}"))


def nhs_number(rng: random.Random, valid: bool) -> str:
    """999 xxx xxxx; valid=False gives a wrong check digit (a typo must still be caught)."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            break
    last = check if valid else (check + rng.randrange(1, 10)) % 10
    s = "".join(map(str, digits)) + str(last)
    return rng.choice((f"{s[:3]} {s[3:6]} {s[6:]}", s, f"{s[:3]}-{s[3:6]}-{s[6:]}"))


def nino(rng: random.Random) -> str:
    d = f"{rng.randrange(10**6):06d}"
    suffix = rng.choice("ABCD")
    out = rng.choice(
        (f"QQ {d[:2]} {d[2:4]} {d[4:]} {suffix}", f"QQ{d}{suffix}", f"QQ {d} {suffix}")
    )
    return out.lower() if rng.random() < 0.15 else out


def postcode(rng: random.Random) -> str:
    area = rng.choice(_PC_AREAS)
    district = str(rng.randrange(1, 20))
    if area in ("SW", "NW") and rng.random() < 0.4:
        district = f"{rng.randrange(1, 10)}{rng.choice('ABCDEFGHJKPSTUW')}"
    inward = f"{rng.randrange(10)}{rng.choice(_PC_UNIT)}{rng.choice(_PC_UNIT)}"
    pc = f"{area}{district} {inward}"
    r = rng.random()
    if r < 0.12:
        return pc.lower()
    if r < 0.2:
        return pc.replace(" ", "").lower()
    if r < 0.28:
        return pc.replace(" ", "")
    return pc


def vehicle_reg(rng: random.Random) -> str:
    reg = (
        f"{rng.choice(_VRM_LETTERS)}{rng.choice(_VRM_LETTERS)}"
        f"{rng.choice(('12', '15', '18', '19', '21', '24', '62', '66', '68', '70', '71', '73'))} "
        f"{''.join(rng.choice(_VRM_LETTERS) for _ in range(3))}"
    )
    return reg.replace(" ", "") if rng.random() < 0.2 else reg


def dob(rng: random.Random, year_from: int, year_to: int) -> str:
    y, m, d = rng.randrange(year_from, year_to), rng.randrange(1, 13), rng.randrange(1, 29)
    return rng.choice(
        (
            f"{d:02d}/{m:02d}/{y}",
            f"{d:02d}.{m:02d}.{y}",
            f"{d} {_MONTHS[m - 1]} {y}",
            f"{d:02d}/{m:02d}/{y % 100:02d}",
        )
    )


def police_ref(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return f"CR/{rng.randrange(10000, 99999)}/{rng.choice(('24', '25', '26'))}"
    return f"LOG {rng.randrange(1, 9999):04d} {rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}"


def upn(rng: random.Random) -> str:
    return f"{rng.choice('ABCDEFGHJKLMNPRTUVWXYZ')}{rng.randrange(10**11, 10**12)}"


_STREET_SUFFIXES = (
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Grove", "Crescent", "Way", "Gardens",
    "Court", "Place", "Terrace", "Walk", "Rise",
)  # fmt: skip
_COMMON_STREETS = ("High Street", "Church Road", "Station Road", "Mill Lane", "Kings Road",
                   "Victoria Road", "Park Avenue", "London Road", "Queens Road", "New Street")  # fmt: skip


def street_address(rng: random.Random, fake: Faker) -> str:
    # Faker's en_GB street names mix in US suffixes ("Stravenue", "Canyon"); build UK ones.
    if rng.random() < 0.3:
        street = rng.choice(_COMMON_STREETS)
    else:
        street = f"{fake.last_name()} {rng.choice(_STREET_SUFFIXES)}"
    n = rng.randrange(1, 120)
    return rng.choice(
        (
            f"{n} {street}",
            f"{n} {street}",
            f"Flat {rng.randrange(1, 12)}, {n} {street}",
            f"{n}{rng.choice('ab')} {street}",
        )
    )


# --- people -------------------------------------------------------------------------------

# First names that are also ordinary words: the hard cases for a name matcher.
WORDY_FEMALE = ("Rose", "Hope", "Faith", "Grace", "Joy", "Summer", "Amber")
WORDY_MALE = ("Mark", "Will", "Guy", "Bill", "Jack", "Rich")


class Person:
    """One person in a generated family: how each style of note writes their name."""

    def __init__(self, first: str, last: str, female: bool, code: str) -> None:
        self.first, self.last, self.female, self.code = first, last, female, code

    def title(self, rng: random.Random) -> str:
        return rng.choice(("Mrs", "Ms", "Miss")) if self.female else "Mr"

    def mark(self, text: str) -> str:
        return f"{{{self.code}|{text}}}"

    def render(self, variant: str, rng: random.Random) -> str:
        if variant == "full":
            return self.mark(f"{self.first} {self.last}")
        if variant == "first":
            return self.mark(self.first)
        if variant == "caps":  # police logs: "Dean HARROW"
            return self.mark(f"{self.first} {self.last.upper()}")
        if variant == "CAPS":
            return self.mark(self.last.upper())
        if variant == "title":
            return f"{self.title(rng)} {self.mark(self.last)}"
        if variant == "lower":
            return self.mark(self.first.lower())
        if variant == "lowerfull":
            return self.mark(f"{self.first} {self.last}".lower())
        if variant == "any":
            return self.render(rng.choice(("full", "first", "title", "full")), rng)
        raise ValueError(variant)


def _clean(name: str) -> bool:
    return name.isalpha() and name.lower() not in _AVOID


_AVOID = {
    # Words in the templates, street suffixes and role words: a surname equal to one of these
    # would make "does the text survive" ambiguous.
    *[
        "street",
        "road",
        "lane",
        "avenue",
        "close",
        "drive",
        "way",
        "grove",
        "place",
        "court",
        "gardens",
        "crescent",
        "hill",
        "park",
        "row",
        "square",
        "terrace",
        "walk",
        "mews",
        "view",
        "mill",
        "church",
        "station",
        "green",
        "field",
        "wood",
        "hall",
        "bank",
        "marsh",
        "brook",
        "mum",
        "dad",
        "nan",
        "police",
        "school",
        "health",
        "housing",
        "officer",
        "teacher",
        "nurse",
        "worker",
        "court",
        "child",
        "may",
        "june",
        "april",
        "august",
        "summer",
        "winter",
        "north",
        "south",
        "east",
        "west",
        "king",
        "queen",
        "young",
        "white",
        "black",
        "brown",
        "green",
        "gray",
        "grey",
        "little",
        "long",
        "short",
    ]
}


class NameSource:
    """Faker en_GB names, never reusing a first name or surname within a family."""

    def __init__(self, fake: Faker, rng: random.Random) -> None:
        self.fake, self.rng = fake, rng

    def person(self, female: bool, code: str, used: set[str], wordy: float = 0.0) -> Person:
        for _ in range(200):
            if self.rng.random() < wordy:
                first = self.rng.choice(WORDY_FEMALE if female else WORDY_MALE)
            else:
                first = self.fake.first_name_female() if female else self.fake.first_name_male()
            last = self.fake.last_name()
            if first in used or last in used or not _clean(last) or not first.isalpha():
                continue
            if first.lower() in _AVOID and first not in WORDY_FEMALE + WORDY_MALE:
                continue
            used.update((first, last))
            return Person(first, last, female, code)
        raise RuntimeError("could not draw a fresh name")


# --- templates ----------------------------------------------------------------------------
# <role.variant> is a person (roles: m mother, p partner, c1 c2 children; third parties:
# n neighbour, f friend, k another child, w witness/caller, l landlord, x ex-partner of the
# friend); other <slots> are identifiers. Words such as will, hope, mark, rose, faith and guy
# appear as words on purpose.

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "police_log": [
        (
            "police",
            "Officers attended <addr>, <pc> following a call from neighbour <n.caps>. "
            "<n.CAPS> stated they heard shouting. <p.CAPS> (<p.first>) was abusive to officers. "
            "<m.caps> declined to provide a statement. Ref <ref>.",
        ),
        (
            "police",
            "<ref>. Caller <w.caps> (<phone>) reports a male shouting at a female in the "
            "street. PC <pcno> attended, no offences disclosed. <p.caps> left the area in vehicle "
            "<vrm> before officers arrived. DS to review.",
        ),
        (
            "police",
            "<m.CAPS> (<m.first>) reported that <p.first> had taken her phone. Witness "
            "<w.caps> saw the incident from the bus stop. <w.CAPS> will provide a statement. "
            "Log <ref>.",
        ),
        (
            "police",
            "Officers attended. <p.CAPS> stated that his friend <f.caps> had been at the "
            "address. <f.CAPS> confirmed this. Children <c1.first> and <c2.first> asleep upstairs. "
            "Mark on the kitchen door. <ref>.",
        ),
        (
            "police",
            "Concern for welfare call from <n.caps> of <n_addr>. <m.caps> found intoxicated "
            "with <c1.first> present. Mum taken home by PC <pcno>. Vehicle <vrm> registered to "
            "<p.caps>.",
        ),
        (
            "police",
            "<c1.caps> (DOB <dob>) stopped with <k.caps>. Both searched, nothing found. "
            "<k.CAPS> gave address <k_addr>. Parent <m.caps> informed on <phone>.",
        ),
    ],
    "school_note": [
        (
            "school",
            "<c1.first> arrived late again and was hungry. They said Mum and <p.first> "
            "had been arguing. A boy called <k.first> has been taking their lunch. We will "
            "monitor. UPN <upn>.",
        ),
        (
            "school",
            "<c2.full> was upset in class. <c2.first> told staff that <p.first> shouted "
            "at Mum. Their friend <k.full> overheard. Attendance rose to 91% this term. UPN <upn>.",
        ),
        (
            "school",
            "<c1.first> was collected by <f.full>, who is not on the contact list. "
            "<m.title> later confirmed <f.first> is a family friend. Mum's mobile <phone>.",
        ),
        (
            "school",
            "Teacher noticed a mark on <c2.first>'s arm. <c2.first> said it happened at "
            "<k.first>'s house. Mum (<m.full>) informed by email <email>. We hope to meet her on "
            "Monday.",
        ),
        (
            "school",
            "Year 5 pupil <c1.full> (DOB <dob>) disclosed that <n.title> from next door "
            "shouts at them. DSL informed. Parent email <email>.",
        ),
    ],
    "health_visitor": [
        (
            "health",
            "Home visit by the health visitor. <m.first> presented as low in mood. Her "
            "friend <f.full> was present and answered most questions. <m.first>'s mobile is "
            "<phone>. NHS no. <nhs>.",
        ),
        (
            "health",
            "GP note: <m.title> attended with <c2.first> (DOB <dob>). Bruise to shin, "
            "explanation consistent. Hope to review in two weeks. NHS <nhs>.",
        ),
        (
            "health",
            "Midwife note: <m.first> is 30 weeks. Partner <p.first> attended and "
            "answered for her. She asked that <f.title> is not told. Contact <email>.",
        ),
        (
            "health",
            "School nurse: <c1.full> weight on the 9th centile. Nan helps with meals. "
            "<m.full> has little faith in services. Address <addr>, <pc>.",
        ),
        (
            "health",
            "A&E attendance: <c2.full> with <p.title>. Fall at the home of <n.full>, a "
            "neighbour. Seen by Dr <dr>. NHS <nhs>.",
        ),
    ],
    "housing_asb": [
        (
            "housing",
            "ASB complaint from <n.title> at <n_addr> about noise from the <m.last_word> "
            "household after midnight. Tenant <m.full> contacted on <phone>; agreed to a tenancy "
            "support referral.",
        ),
        (
            "housing",
            "Report from neighbour <n.full> that <p.full> damaged the bin store. CCTV "
            "requested. <n.first> can be reached on <phone>.",
        ),
        (
            "housing",
            "Landlord <l.title> reports overcrowding at <addr>, <pc>. <m.full> is the "
            "tenant. <p.first> also staying. Landlord email <email_l>.",
        ),
        (
            "housing",
            "Lock change requested by <m.title> at <addr>, <pc>. <x.full> is not on "
            "the tenancy. Vehicle seen outside <vrm>.",
        ),
        (
            "housing",
            "Neighbour <n.first> (<n_addr>) says roses in the shared garden were pulled "
            "up by <c1.first>. <m.title> denied this. Landlord <l.full> will attend.",
        ),
    ],
    "probation": [
        (
            "probation",
            "<p.full> attended supervision. He says he will comply. He has a new "
            "partner, <x.full>, who lives at <x_addr>, <x_pc>. Risk remains medium. NI <nino>.",
        ),
        (
            "probation",
            "<p.full> seen for induction. Address given as <addr>, <pc>. Employer "
            "<w.title> confirmed hours. NI <nino>.",
        ),
        (
            "probation",
            "<p.first> reports he is staying with <f.full> at <f_addr>. Curfew "
            "address remains <addr>. Mobile <phone>. Drives <vrm>.",
        ),
        (
            "youth_justice",
            "<c1.full> seen at YOS. Named <k.full> and <k2.first> as friends. "
            "<m.title> worried about county lines. Mobile <phone>.",
        ),
    ],
    "social_care": [
        (
            "social_care",
            "Strategy discussion. <c1.full> (DOB <dob>) to remain at home with "
            "<m.first> under a safety plan. Referrer was a member of the public, <w.full>, "
            "contactable on <phone>.",
        ),
        (
            "social_care",
            "Contact from <m.title> via <phone>. She is staying with a friend, "
            "<f.full>, at <f_addr>, <f_pc>. She asked that <f.first> is not contacted.",
        ),
        (
            "social_care",
            "Visit to <addr>, <pc>. <p.first> and <m.first> present. <c2.first> at "
            "school. Neighbour <n.full> seen watching from the window. Social worker will return.",
        ),
        (
            "social_care",
            "Early help closed. <m.full> engaged well. Worker <l.full> to send "
            "closure letter to <email>. NI <nino>.",
        ),
    ],
    "sloppy": [
        (
            "health",
            "spoke to mum <m.lower> on phone, she said <n.lower> next door been shouting "
            "at <c1.lower> again. <m.lower> wants to move. will follow up.",
        ),
        (
            "social_care",
            "<m.lowerfull> rang re <c2.lower>. says <f.lower> been helping out. "
            "<p.lower> not allowed back. her number <phone>.",
        ),
        (
            "housing",
            "tenant <m.lowerfull> rang re repairs. mentioned <n.lower> upstairs keeps "
            "banging on door. <n.lowerfull> per tenancy records. postcode <pc>.",
        ),
        (
            "school",
            "<c1.lowerfull> - settled ok. <m.lower> said <x.lower> not allowed to "
            "collect. staff aware. mark on arm noted by <k.lower>'s mum.",
        ),
        (
            "police",
            "<p.lower> rang 999, says <w.lower> threatened him. no offences. <p.lower>'s "
            "email <email_p>.",
        ),
    ],
}

TEMPLATE_SLOTS = re.compile(r"<([a-z0-9_]+)(?:\.([A-Za-z_]+))?>")


class Family:
    """A generated family: people, their details, and a pool of third parties."""

    def __init__(self, ref: str, fake: Faker, rng: random.Random) -> None:
        self.ref, self.rng, self.fake = ref, rng, fake
        names = NameSource(fake, rng)
        used: set[str] = set()
        self.people: dict[str, Person] = {}
        self.people["m"] = names.person(True, "F", used, wordy=0.15)
        surname_m = self.people["m"].last
        self.people["p"] = names.person(False, "F", used, wordy=0.15)
        if rng.random() < 0.5:  # same surname for partner and children in half the families
            self.people["p"].last = surname_m
        child_surname = surname_m if rng.random() < 0.7 else self.people["p"].last
        for c in ("c1", "c2"):
            child = names.person(rng.random() < 0.5, "F", used, wordy=0.15)
            child.last = child_surname
            self.people[c] = child
        for t in ("n", "f", "k", "k2", "w", "l", "x"):
            female = rng.random() < 0.5 if t not in ("x",) else True
            self.people[t] = names.person(female, "T", used, wordy=0.2)
        self.keep_names = [
            f"{self.people[r].first} {self.people[r].last}" for r in ("m", "p", "c1", "c2")
        ]
        self.addr = self._street(used)
        self.pc = postcode(rng)
        self.addr_n = rng.choice((f"no. {rng.randrange(1, 99)}", self._street(used)))
        self.addr_other = {t: self._street(used) for t in ("k", "f", "x")}
        self.pc_other = {t: postcode(rng) for t in ("f", "x")}
        self.phones: list[str] = [phone(rng) for _ in range(3)]

    def _street(self, names: set[str]) -> str:
        # A street named after someone in the family ("Williams Square") would blur leak checks.
        while True:
            addr = street_address(self.rng, self.fake)
            if not set(addr.split()) & names:
                return addr

    def email(self, person: Person) -> str:
        local = self.rng.choice(
            (
                f"{person.first}.{person.last}",
                f"{person.first[0]}.{person.last}",
                f"{person.first}{self.rng.randrange(70, 99)}",
                f"{person.last}{person.first[0]}",
            )
        ).lower()
        return f"{local}@{self.rng.choice(('example.org', 'example.com'))}"

    def fill(self, template: str) -> str:
        rng = self.rng

        def slot(m: re.Match[str]) -> str:
            name, variant = m.group(1), m.group(2)
            if name in self.people and variant == "last_word":
                return self.people[name].mark(self.people[name].last)
            if name in self.people:
                return self.people[name].render(variant or "any", rng)
            match name:
                case "addr":
                    return f"{{ADDR|{self.addr}}}"
                case "pc":
                    return f"{{POSTCODE|{self.pc}}}"
                case "n_addr":
                    return f"{{ADDR|{self.addr_n}}}"
                case "k_addr" | "f_addr" | "x_addr":
                    return f"{{ADDR|{self.addr_other[name[0]]}}}"
                case "f_pc" | "x_pc":
                    return f"{{POSTCODE|{self.pc_other[name[0]]}}}"
                case "phone":
                    return f"{{PHONE|{rng.choice(self.phones + [phone(rng)])}}}"
                case "email":
                    return f"{{EMAIL|{self.email(self.people['m'])}}}"
                case "email_l":
                    return f"{{EMAIL|{self.email(self.people['l'])}}}"
                case "email_p":
                    return f"{{EMAIL|{self.email(self.people['p'])}}}"
                case "nhs":
                    return f"{{NHS|{nhs_number(rng, valid=rng.random() < 0.7)}}}"
                case "nino":
                    return f"{{NINO|{nino(rng)}}}"
                case "vrm":
                    return f"{{VRM|{vehicle_reg(rng)}}}"
                case "dob":
                    return f"{{DOB|{dob(rng, 2008, 2022)}}}"
                case "ref":
                    return f"{{REF|{police_ref(rng)}}}"
                case "upn":
                    return f"{{UPN|{upn(rng)}}}"
                case "pcno":
                    return str(rng.randrange(100, 9999))
                case "dr":
                    return "{T|" + self.fake.last_name() + "}"
            raise ValueError(f"unknown slot <{name}>")

        return TEMPLATE_SLOTS.sub(slot, template)


def generated_notes(start_index: int = 1, min_notes: int = MIN_NOTES) -> list[dict[str, Any]]:
    """Template notes for synthetic families, deterministic for a given Faker version."""
    rng = random.Random(RANDOM_SEED)
    fake = Faker("en_GB")
    fake.seed_instance(RANDOM_SEED)
    notes: list[dict[str, Any]] = []
    styles = list(TEMPLATES)
    fam_no = start_index
    while len(notes) < min_notes:
        fam = Family(f"G{fam_no:03d}", fake, rng)
        chosen_styles = rng.sample(styles, rng.randrange(4, 7))
        for i, style in enumerate(chosen_styles, start=1):
            agency, template = rng.choice(TEMPLATES[style])
            if style == "sloppy":
                agency = rng.choice(("health", "social_care", "housing", "school", "police"))
            text, spans = parse_markup(fam.fill(template))
            notes.append(
                _record(
                    f"{fam.ref}-{i:02d}",
                    fam.ref,
                    agency,
                    style,
                    "generated",
                    fam.keep_names,
                    text,
                    spans,
                )
            )
        fam_no += 1
    return notes


def build_corpus() -> list[dict[str, Any]]:
    seed = seed_notes()
    return seed + generated_notes(min_notes=MIN_NOTES - len(seed))


def dumps(notes: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(n, ensure_ascii=False) + "\n" for n in notes)


def meta(notes: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {label: 0 for label in LABELS}
    for n in notes:
        for s in n["spans"]:
            counts[s[2]] += 1
    return {
        "random_seed": RANDOM_SEED,
        "faker_version": version("faker"),
        "notes": len(notes),
        "families": len({n["family_ref"] for n in notes}),
        "seed_notes": sum(n["source"] == "seed" for n in notes),
        "label_counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if corpus.jsonl is stale")
    args = ap.parse_args(argv)
    notes = build_corpus()
    text = dumps(notes)
    meta_text = json.dumps(meta(notes), indent=2) + "\n"
    if args.check:
        stale = CORPUS_FILE.read_text(encoding="utf-8") != text
        print("corpus.jsonl is stale: rerun generate.py" if stale else "corpus.jsonl is current")
        return 1 if stale else 0
    CORPUS_FILE.write_text(text, encoding="utf-8")
    META_FILE.write_text(meta_text, encoding="utf-8")
    print(meta_text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
