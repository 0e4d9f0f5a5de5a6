"""The chronology at scale: the same timeline as comparing every item with every entry,
with comparisons only inside a (date, subject) group (pipeline/merge/bundle.py)."""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.merge import BundleItem, ChronologyEntry, build_bundle, chronology
from pipeline.merge import bundle as bundle_module
from tests.pipeline.render.sample_run import build_sample

BASE = build_bundle(build_sample().run, "FAM-001").items[0]
TEXTS = ("Seen throwing stones at buses on Elm Road.",
         "seen throwing  stones at buses on Elm Road",
         "Seen throwing stones at a bus on Elm Road!",
         "Attended the youth club with friends.",
         "")


def reference(items: list[BundleItem]) -> tuple[ChronologyEntry, ...]:
    """The chronology as it was built before issue 15: every item against every entry."""
    def norm(t: str) -> str:
        return " ".join(t.casefold().split())

    entries: list[ChronologyEntry] = []
    for item in sorted(items, key=lambda i: (i.when, i.agency, i.item_id)):
        for idx, e in enumerate(entries):
            if item.agency in e.agencies or e.when != item.when or \
                    e.subject_name.casefold() != item.subject_name.casefold():
                continue
            if difflib.SequenceMatcher(None, norm(e.text), norm(item.text)).ratio() >= 0.9:
                sources = (*e.sources, bundle_module._source(item))
                labels = {s.fact_or_opinion for s in sources}
                entries[idx] = replace(e, sources=sources, historic=e.historic or item.historic,
                                       fact_or_opinion=labels.pop() if len(labels) == 1
                                       else "mixed")
                break
        else:
            entries.append(ChronologyEntry(
                when=item.when, subject_name=item.subject_name, subject_role=item.subject_role,
                category=item.category, fact_or_opinion=item.fact_or_opinion, text=item.text,
                historic=item.historic, sources=(bundle_module._source(item),)))
    return tuple(entries)


item_spec = st.tuples(st.integers(0, 3), st.sampled_from(["police", "school", "health", "yos"]),
                      st.sampled_from(["Tyler Kettering", "TYLER KETTERING", "Dawn Kettering"]),
                      st.sampled_from(TEXTS), st.sampled_from(["fact", "opinion"]),
                      st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.lists(item_spec, max_size=25))
def test_the_timeline_is_the_one_every_pair_comparison_gives(specs: list) -> None:
    items = [replace(BASE, item_id=f"i{n:03d}", when=date(2026, 10, 1) + timedelta(days=d),
                     agency=agency, subject_name=who, text=text, fact_or_opinion=label,
                     historic=old)
             for n, (d, agency, who, text, label, old) in enumerate(specs)]
    assert chronology(items) == reference(items)


def test_ten_thousand_items_are_compared_within_their_day_and_subject(monkeypatch) -> None:
    calls = []
    real = bundle_module.similar

    def counting(a: str, b: str) -> bool:
        calls.append(1)
        return real(a, b)

    monkeypatch.setattr(bundle_module, "similar", counting)
    agencies = ("police", "school", "health", "housing", "yos")
    items = [replace(BASE, item_id=f"i{n:05d}", agency=agencies[n % 5],
                     when=date(2024, 1, 1) + timedelta(days=(n // 5) % 700),
                     text=f"{TEXTS[n % 3]} ({n // 3500})")
             for n in range(10_000)]
    timeline = chronology(items)
    assert sum(len(e.sources) for e in timeline) == 10_000
    # each item meets at most the other entries of its (day, subject): never 10,000 of them
    assert len(calls) < 10 * len(items)
