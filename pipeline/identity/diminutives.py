"""First-name equivalence: diminutives (Tony/Anthony, Bex/Rebecca, Kaz/Karen) and spelling
variants (Leigh/Lee).

The base list is the `nicknames` package (Apache-2.0: hand-curated English given names and
their nicknames, mostly US usage); redaction_rules/diminutives.yaml adds British forms it
lacks and spelling variants, validated on load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from nicknames import NickNamer
from pydantic import BaseModel, Field, field_validator, model_validator

from pipeline.models import FROZEN
from pipeline.rules_file import RULES_DIR, load_model

DIMINUTIVES_PATH = RULES_DIR / "diminutives.yaml"

_NAME = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")


def _check_names(names: Iterable[str]) -> None:
    bad = [n for n in names if not _NAME.match(n)]
    if bad:
        raise ValueError(f"use lower-case letters, '-' or an apostrophe only: {', '.join(bad)}")


class DiminutiveRules(BaseModel):
    """redaction_rules/diminutives.yaml."""

    model_config = FROZEN

    version: Literal[1]
    #: full name -> its diminutives
    diminutives: dict[str, tuple[str, ...]] = Field(min_length=1)
    #: groups of spellings of one name
    spelling_variants: tuple[tuple[str, ...], ...] = ()

    @field_validator("diminutives")
    @classmethod
    def _diminutives(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, forms in v.items():
            _check_names([name, *forms])
            if not forms:
                raise ValueError(f"{name}: list at least one diminutive")
            if name in forms:
                raise ValueError(f"{name}: a name is not its own diminutive")
            if len(set(forms)) != len(forms):
                raise ValueError(f"{name}: a diminutive is listed twice")
        return v

    @field_validator("spelling_variants")
    @classmethod
    def _variants(cls, v: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        for group in v:
            _check_names(group)
            if len(set(group)) < 2 or len(set(group)) != len(group):
                raise ValueError(f"{list(group)}: a group needs two or more different spellings")
        return v

    @model_validator(mode="after")
    def _groups_once(self) -> DiminutiveRules:
        seen = [frozenset(g) for g in self.spelling_variants]
        if len(set(seen)) != len(seen):
            raise ValueError("spelling_variants: a group is listed twice")
        return self


class Diminutives:
    """Answers: are these two first names the same name?"""

    def __init__(self, rules: DiminutiveRules) -> None:
        lookup: dict[str, set[str]] = {k: set(v) for k, v in NickNamer().nickname_lookup.items()}
        for name, forms in rules.diminutives.items():
            lookup.setdefault(name, set()).update(forms)
        self._nn = NickNamer(nickname_lookup=lookup)
        self._variants: dict[str, frozenset[str]] = {}
        for group in rules.spelling_variants:
            for n in group:
                self._variants[n] = self._variants.get(n, frozenset()) | frozenset(group)
        self._cache: dict[str, frozenset[str]] = {}

    def spellings(self, name: str) -> frozenset[str]:
        """The name and its spelling variants."""
        return self._variants.get(name, frozenset()) | {name}

    def forms(self, name: str) -> frozenset[str]:
        """Every name that `name` can stand for or be written as: its diminutives, the full
        names it is a diminutive of, and the other diminutives of those full names."""
        hit = self._cache.get(name)
        if hit is not None:
            return hit
        out: set[str] = set()
        for spelling in self.spellings(name):
            out.add(spelling)
            out |= self._nn.nicknames_of(spelling)
            for full in self._nn.canonicals_of(spelling):
                out.add(full)
                out |= self._nn.nicknames_of(full)
        result = frozenset(s for n in out for s in self.spellings(n))
        self._cache[name] = result
        return result

    def equivalent(self, a: str, b: str) -> bool:
        """True if the two (folded) first names are one name written differently."""
        return a == b or b in self.forms(a) or a in self.forms(b)


def load_diminutives(path: Path | None = None) -> Diminutives:
    """Load redaction_rules/diminutives.yaml (or `path`); ConfigError names the problem."""
    rules = load_model(Path(path) if path else DIMINUTIVES_PATH, DiminutiveRules,
                       what="diminutives list", fix="see docs/identity.md.")
    return Diminutives(rules)
