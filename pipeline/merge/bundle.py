"""Merge stage: one MeetingRun -> per-family bundle view models and the agenda model (pure).

Only shared items enter a bundle, and their free text comes only from the redacted texts
held in `run.redactions`; the raw `summary`, `rationale` and `opinion_of` of an Item are
never read here. The renderers in `pipeline/render/` turn these models into files.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pipeline.merge.not_shared import NotSharedItem, Outcomes, not_shared
from pipeline.merge.persons import PersonView, person_views
from pipeline.models import (
    MARKING,
    REDACTED_FIELDS,
    Decision,
    Item,
    age_on,
    highest_risk,
    text_key,
)
from pipeline.run import MeetingRun

#: Version of the bundle.json layout (docs/bundle.schema.json).
SCHEMA_VERSION = "1.2"
#: Printed on every recipient view: the originating agency controls onward sharing (3.49).
ONWARD_NOTICE = "Not to be shared onward without the agreement of the originating agency"
#: Chronology entries whose texts are at least this similar are the same event.
DUPLICATE_RATIO = 0.9

#: Item -> decision -> shown? (a recipient's need-to-know filter); None shows every item.
Visible = Callable[[Item, Decision], bool]


@dataclass(frozen=True)
class MemberView:
    name: str
    role: str
    age: int | None  # whole years at the meeting date; None without a date of birth


@dataclass(frozen=True)
class SharingBasis:
    consent: str
    consent_given_by: str | None
    consent_scope: tuple[str, ...]
    lawful_basis: str
    special_condition: str | None
    legal_power: str | None
    legal_duty: str
    risk: str
    rationale: str | None  # redacted
    decided_by: str
    subject_informed: str | None
    status: str | None
    opinion_of: str | None  # redacted


@dataclass(frozen=True)
class ProvenanceView:
    agency: str
    file: str
    sheet: str
    row: int | None
    sha256: str
    received_at: datetime
    #: the agency's spelling of the subject; the bundle shows the roster name
    subject_name_as_submitted: str = ""
    #: how the subject was linked to the roster member: "matched" or "confirmed", with why
    subject_match: str = ""


@dataclass(frozen=True)
class BundleItem:
    item_id: str
    agency: str
    subject_name: str
    subject_role: str
    category: str
    recorded_on: date
    event_date: date | None
    when: date
    fact_or_opinion: str
    text: str  # redacted summary
    historic: bool
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    recipients: tuple[str, ...]
    reviewed_by: str | None
    reviewed_at: datetime | None
    sharing_basis: SharingBasis
    provenance: ProvenanceView
    #: what redaction removed from this item's text fields: (entity_type, recognizer) ->
    #: count, never the values
    redaction: tuple[tuple[str, str, int], ...] = ()
    #: how the item must be handled when it is restricted to named bodies, e.g.
    #: "Court order: for csc only" (003 3.8); None when it may go to every agency
    restriction: str | None = None


#: How a restricted item came to be restricted, by legal_duty (003 3.7-3.8, 3.49).
_RESTRICTION_BASIS = {"court_order": "Court order", "statutory_duty": "Statutory duty"}


def restriction_text(item: Item, decision: Decision) -> str | None:
    """The restriction mark of a shared item restricted to named bodies, else None."""
    if not decision.recipients or "*" in decision.recipients:
        return None
    basis = _RESTRICTION_BASIS.get(item.legal_duty, f"Restricted by {item.agency}")
    return f"{basis}: for {', '.join(decision.recipients)} only"


def redaction_summary(run: MeetingRun, item_id: str) -> tuple[tuple[str, str, int], ...]:
    """Entity types and counts removed from an item's redacted fields, summed by recognizer."""
    totals: dict[tuple[str, str], int] = {}
    for field_name in REDACTED_FIELDS:
        r = run.redactions.get(text_key(item_id, field_name))
        for e in r.summary if r is not None else ():
            key = (e.entity_type, e.recognizer)
            totals[key] = totals.get(key, 0) + e.count
    return tuple((t, rec, n) for (t, rec), n in sorted(totals.items()))


@dataclass(frozen=True)
class Source:
    """One agency's submission of a chronology event."""

    agency: str
    item_id: str
    category: str
    fact_or_opinion: str
    opinion_of: str | None  # redacted
    historic: bool
    restriction: str | None = None  # see BundleItem.restriction
    subject_name_as_submitted: str = ""  # the agency's spelling (provenance)


@dataclass(frozen=True)
class ChronologyEntry:
    when: date
    subject_name: str
    subject_role: str
    category: str
    #: the sources' common label, or "mixed" when agencies labelled the event differently
    fact_or_opinion: str
    text: str
    historic: bool
    sources: tuple[Source, ...]

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(s.agency for s in self.sources)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(s.item_id for s in self.sources)

    @property
    def opinion_of(self) -> str:
        """Whose opinion, per source, for display ('' when none recorded)."""
        named = [s.opinion_of for s in self.sources if s.opinion_of]
        return "; ".join(dict.fromkeys(named))

    @property
    def restriction(self) -> str:
        """Every source's restriction mark (court order, duty, agency); '' when none."""
        marks = [s.restriction for s in self.sources if s.restriction]
        return "; ".join(dict.fromkeys(marks))


@dataclass(frozen=True)
class BundleSummary:
    agencies_involved: tuple[str, ...]
    shared_per_agency: tuple[tuple[str, int], ...]
    items_shared: int
    highest_risk: str | None  # among shared items
    awaiting_review: int | None  # None in recipient views (chair only)
    #: words removed only because the engine could not explain them, not yet confirmed by a
    #: reviewer (`casebundle review redaction`); None in recipient views (chair only)
    unsure_awaiting: int | None = None


@dataclass(frozen=True)
class FamilyBundle:
    meeting_id: str
    meeting_type: str
    meeting_date: date
    family_ref: str
    recipient: str | None  # None for the chair's full bundle
    recipient_kind: str | None
    members: tuple[MemberView, ...]
    summary: BundleSummary
    chronology: tuple[ChronologyEntry, ...]
    persons_of_concern: tuple[PersonView, ...]
    items: tuple[BundleItem, ...]
    #: chair's bundle only: items withheld or awaiting review (never their content)
    not_shared: tuple[NotSharedItem, ...] = ()
    #: agency code -> name, from the meeting config
    agency_names: tuple[tuple[str, str], ...] = ()

    @property
    def markings(self) -> tuple[str, ...]:
        """Handling lines printed on every page and sheet."""
        return (MARKING, ONWARD_NOTICE) if self.recipient else (MARKING,)


# --- helpers ----------------------------------------------------------------------------


def member_age(dob: date | None, on: date) -> int | None:
    """Whole years from dob to `on`; None without a dob or for a future dob."""
    return None if dob is None or dob > on else age_on(dob, on)


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def similar(a: str, b: str) -> bool:
    """Whether two chronology texts tell the same event: difflib's ratio of their
    normalised forms is at least DUPLICATE_RATIO. The length bound and `quick_ratio` are
    upper bounds of `ratio`, so they only skip pairs `ratio` would refuse."""
    na, nb = _normalise(a), _normalise(b)
    size = len(na) + len(nb)
    if size and 2.0 * min(len(na), len(nb)) / size < DUPLICATE_RATIO:
        return False
    matcher = difflib.SequenceMatcher(None, na, nb)
    return matcher.quick_ratio() >= DUPLICATE_RATIO and matcher.ratio() >= DUPLICATE_RATIO


def _source(item: BundleItem) -> Source:
    return Source(
        agency=item.agency,
        item_id=item.item_id,
        category=item.category,
        fact_or_opinion=item.fact_or_opinion,
        opinion_of=item.sharing_basis.opinion_of,
        historic=item.historic,
        restriction=item.restriction,
        subject_name_as_submitted=item.provenance.subject_name_as_submitted,
    )


class Chronologist:
    """Builds chronologies, remembering which pairs of texts tell the same event, so the
    chair's bundle and every recipient view of a family compare each pair once.

    A cross-agency copy can only merge into an entry of the same date and subject, so each
    item is compared with the entries of its (date, subject) group only: the work grows with
    the sort (n log n), not with every item against every entry (n squared).
    """

    def __init__(self) -> None:
        self._same: dict[tuple[str, str], bool] = {}
        self._built: dict[tuple[str, ...], tuple[ChronologyEntry, ...]] = {}

    def _similar(self, a: str, b: str) -> bool:
        key = (a, b)
        found = self._same.get(key)
        if found is None:
            found = self._same[key] = similar(a, b)
        return found

    def chronology(self, items: Iterable[BundleItem]) -> tuple[ChronologyEntry, ...]:
        """One timeline by event date (then agency, item_id), cross-agency copies merged."""
        ordered = sorted(items, key=lambda i: (i.when, i.agency, i.item_id))
        ids = tuple(i.item_id for i in ordered)
        built = self._built.get(ids)
        if built is None:
            built = self._built[ids] = self._merge(ordered)
        return built

    def _merge(self, ordered: Sequence[BundleItem]) -> tuple[ChronologyEntry, ...]:
        # per entry: its first item, its sources; per (date, subject): its entries in order
        heads: list[BundleItem] = []
        sources: list[list[Source]] = []
        historic: list[bool] = []
        groups: dict[tuple[date, str], list[int]] = {}
        for item in ordered:
            group = groups.setdefault((item.when, item.subject_name.casefold()), [])
            for idx in group:
                agencies = {s.agency for s in sources[idx]}
                # one agency's two rows are two records, not a copy
                if item.agency not in agencies and self._similar(heads[idx].text, item.text):
                    sources[idx].append(_source(item))
                    historic[idx] = historic[idx] or item.historic
                    break
            else:
                group.append(len(heads))
                heads.append(item)
                sources.append([_source(item)])
                historic.append(item.historic)
        entries = []
        for head, srcs, hist in zip(heads, sources, historic, strict=True):
            labels = {s.fact_or_opinion for s in srcs}
            entries.append(ChronologyEntry(
                when=head.when,
                subject_name=head.subject_name,
                subject_role=head.subject_role,
                category=head.category,
                fact_or_opinion=labels.pop() if len(labels) == 1 else "mixed",
                text=head.text,
                historic=hist,
                sources=tuple(srcs),
            ))
        return tuple(entries)


def chronology(items: Iterable[BundleItem]) -> tuple[ChronologyEntry, ...]:
    """One timeline by event date (then agency, item_id), with cross-agency copies merged."""
    return Chronologist().chronology(items)


def _subject_match(run: MeetingRun, item: Item) -> str:
    match = run.identities.get(item.item_id)
    return "" if match is None else f"{match.outcome}: {match.why}"


def _bundle_item(run: MeetingRun, item: Item, decision: Decision, text: str) -> BundleItem:
    p = item.provenance
    return BundleItem(
        item_id=item.item_id,
        agency=item.agency,
        # one person, one name: the roster's, whatever the agency's spelling (provenance)
        subject_name=run.subject_name(item),
        subject_role=item.subject_role,
        category=item.category,
        recorded_on=item.recorded_on,
        event_date=item.event_date,
        when=item.when,
        fact_or_opinion=item.fact_or_opinion,
        text=text,
        historic=decision.historic,
        reasons=decision.reasons,
        notes=decision.notes,
        recipients=decision.recipients,
        reviewed_by=decision.reviewed_by,
        reviewed_at=decision.reviewed_at,
        redaction=redaction_summary(run, item.item_id),
        restriction=restriction_text(item, decision),
        sharing_basis=SharingBasis(
            consent=item.consent,
            consent_given_by=item.consent_given_by,
            consent_scope=item.consent_scope,
            lawful_basis=item.lawful_basis,
            special_condition=item.special_condition,
            legal_power=item.legal_power,
            legal_duty=item.legal_duty,
            risk=item.risk,
            rationale=run.redacted(item.item_id, "rationale"),
            decided_by=item.decided_by,
            subject_informed=item.subject_informed,
            status=item.status,
            opinion_of=run.redacted(item.item_id, "opinion_of"),
        ),
        provenance=ProvenanceView(
            agency=item.agency,
            file=p.file,
            sheet=p.sheet,
            row=p.row,
            sha256=p.sha256,
            received_at=p.received_at,
            subject_name_as_submitted=item.subject_name,
            subject_match=_subject_match(run, item),
        ),
    )


@dataclass(frozen=True)
class SharedItem:
    """A shared item of a family with its decision and its bundle form (built once)."""

    item: Item
    decision: Decision
    bundled: BundleItem


def family_shared(run: MeetingRun, family_ref: str) -> list[SharedItem]:
    """The family's shared items with redacted text, in chronology order, for every view."""
    out = []
    for item in run.items_of_family(family_ref):
        decision = run.decisions.get(item.item_id)
        if decision is None or decision.disposition != "shared":
            continue
        match = run.identities.get(item.item_id)
        if match is not None and not match.linked:
            continue  # never bundle an item whose subject is not on the roster (fail closed)
        text = run.redacted(item.item_id, "summary")
        if text is None:
            continue
        out.append(SharedItem(item, decision, _bundle_item(run, item, decision, text)))
    return sorted(out, key=lambda s: (s.bundled.when, s.bundled.agency, s.bundled.item_id))


def shared_items(
    run: MeetingRun, family_ref: str, visible: Visible | None = None
) -> list[BundleItem]:
    """The family's shared items with redacted text, in chronology order."""
    return [s.bundled for s in family_shared(run, family_ref)
            if visible is None or visible(s.item, s.decision)]


def build_bundle(
    run: MeetingRun,
    family_ref: str,
    *,
    recipient: str | None = None,
    recipient_kind: str | None = None,
    visible: Visible | None = None,
    outcomes: Outcomes | None = None,
) -> FamilyBundle:
    """The bundle of one family: the chair's (all shared items) or one recipient's view.

    `outcomes` (reason code -> outcome, from the policy) picks the reasons shown for each
    item not shared; without it every reason code of such an item is shown.
    """
    return FamilyMerge(run, family_ref, outcomes).bundle(
        recipient=recipient, recipient_kind=recipient_kind, visible=visible)


class FamilyMerge:
    """One family's merge work, done once and shared by the chair's bundle and every
    recipient view: its items, its shared items in bundle form, its awaiting-review count
    and the chronology comparisons."""

    def __init__(self, run: MeetingRun, family_ref: str,
                 outcomes: Outcomes | None = None) -> None:
        family = run.meeting.family(family_ref)
        if family is None:
            raise KeyError(f"family {family_ref!r} is not in the meeting config")
        self.run = run
        self.family = family
        self.outcomes = outcomes
        self.shared = family_shared(run, family_ref)
        self.awaiting = sum(
            1 for i in run.items_of_family(family_ref) if run.disposition(i) == "review")
        self.chronologist = Chronologist()

    def bundle(self, *, recipient: str | None = None, recipient_kind: str | None = None,
               visible: Visible | None = None) -> FamilyBundle:
        """The chair's bundle (no recipient) or one recipient's view."""
        run, family = self.run, self.family
        meeting = run.meeting.meeting
        items = [s.bundled for s in self.shared
                 if visible is None or visible(s.item, s.decision)]
        per_agency: dict[str, int] = {}
        for i in items:
            per_agency[i.agency] = per_agency.get(i.agency, 0) + 1
        summary = BundleSummary(
            agencies_involved=tuple(sorted(per_agency)),
            shared_per_agency=tuple(sorted(per_agency.items())),
            items_shared=len(items),
            highest_risk=highest_risk(i.sharing_basis.risk for i in items),
            awaiting_review=None if recipient else self.awaiting,
            unsure_awaiting=None if recipient else unsure_awaiting(run, items),
        )
        members = tuple(MemberView(m.name, m.role, member_age(m.dob, meeting.date))
                        for m in family.members)
        pocs = run.persons_of_concern.get(family.ref, ())
        return FamilyBundle(
            meeting_id=meeting.id,
            meeting_type=meeting.type,
            meeting_date=meeting.date,
            family_ref=family.ref,
            recipient=recipient,
            recipient_kind=recipient_kind,
            members=members,
            summary=summary,
            chronology=self.chronologist.chronology(items),
            persons_of_concern=person_views(
                pocs, None if recipient is None else {i.item_id for i in items}
            ),
            items=tuple(items),
            not_shared=() if recipient else not_shared(run, family.ref, self.outcomes),
            agency_names=tuple(sorted(run.meeting.agency_names.items())),
        )


def unsure_awaiting(run: MeetingRun, items: Sequence[BundleItem]) -> int:
    """Spans of the shared items' texts removed as unexplained and not yet confirmed."""
    total = 0
    for i in items:
        for field_name in REDACTED_FIELDS:
            r = run.redactions.get(text_key(i.item_id, field_name))
            if r is not None and not r.failed:
                total += r.awaiting
    return total


def build_bundles(run: MeetingRun, outcomes: Outcomes | None = None) -> list[FamilyBundle]:
    """The chair's bundle for every family in the meeting config, in config order."""
    return [build_bundle(run, f.ref, outcomes=outcomes) for f in run.meeting.families]
