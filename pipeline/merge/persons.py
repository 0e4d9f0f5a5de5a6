"""Persons of concern as the bundle and agenda show them: a pseudonym and the agencies that
mention it, never who the person is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.models import PersonOfConcern


@dataclass(frozen=True)
class PersonView:
    pseudonym: str
    agencies: tuple[str, ...]


def person_views(
    pocs: Iterable[PersonOfConcern], item_ids: set[str] | None
) -> tuple[PersonView, ...]:
    views = [
        PersonView(p.pseudonym, tuple(sorted(set(p.agencies))))
        for p in pocs
        if item_ids is None or item_ids.intersection(p.item_ids)
    ]
    return tuple(sorted(views, key=lambda v: v.pseudonym))
