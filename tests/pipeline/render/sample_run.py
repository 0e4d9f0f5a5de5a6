"""A realistic MeetingRun built by hand, for the merge stage and the output writers.

Families (JAG, meeting 2026-12-03):
- FAM-001 Kettering: items from police, school, health, housing; a duplicate event sent by
  police and school; an opinion (health, mental_health: health-only); an allegation with
  restricted_to csc+health; a historic item; a withheld item carrying the family's most
  serious risk; an item awaiting review; a shared item whose redaction failed; a person
  of concern named by police and school.
- FAM-002 Pollitt: one police item (serious_harm_adult).
- FAM-003 Osei: police and housing items (serious_harm_adult), so it comes before FAM-002.
- FAM-004 Brannigan: nothing submitted; still gets a bundle saying so.
Agencies: probation sent nothing; yos sent only rejected rows.

Raw free text (Item.summary/rationale/opinion_of) holds real third-party names (RAW_NAMES)
that the redacted texts replace; no output may contain them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pipeline.meeting import MeetingConfig
from pipeline.models import (
    Decision,
    Item,
    LedgerRow,
    PersonOfConcern,
    Problem,
    Provenance,
    RedactedText,
    Rejection,
    content_hash,
    make_item_id,
    text_key,
)
from pipeline.run import MeetingRun

STARTED_AT = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
RECEIVED_AT = datetime(2026, 11, 20, 14, 5, 9, tzinfo=UTC)
#: names that appear only in raw text; redaction replaced them
RAW_NAMES = ("Connor Maddox", "Dr Priya Raman", "Shaun Dobbs")

MEETING: dict[str, Any] = {
    "meeting": {
        "id": "jag-2026-12",
        "type": "jag",
        "date": "2026-12-03",
        "purpose": "Joint action group: anti-social behaviour and safeguarding",
        "lookback_months": 24,
    },
    "agencies": ["police", "school", "health", "housing", "csc", "probation", "yos"],
    "families": [
        {
            "ref": "FAM-001",
            "members": [
                {"name": "Dawn Kettering", "dob": "1985-03-02", "role": "parent"},
                {"name": "Tyler Kettering", "dob": "2009-06-11", "role": "child"},
                {"name": "Lacey Kettering", "dob": "2012-12-04", "role": "child"},
            ],
            "contact": {"address": "12 Elm Road"},
        },
        {"ref": "FAM-002", "members": [{"name": "Gary Pollitt", "dob": "1979-08-30", "role": "parent"}]},
        {"ref": "FAM-003", "members": [{"name": "Kwame Osei", "role": "parent"}]},
        {"ref": "FAM-004", "members": [{"name": "Ellie Brannigan", "dob": "2011-02-14", "role": "child"}]},
    ],
}

_BASE: dict[str, Any] = {
    "family_ref": "FAM-001",
    "subject_name": "Tyler Kettering",
    "subject_dob": date(2009, 6, 11),
    "subject_role": "child",
    "category": "asb",
    "recorded_on": date(2026, 11, 1),
    "event_date": None,
    "status": "current",
    "summary": "Tyler was seen damaging bus shelters.",
    "fact_or_opinion": "fact",
    "source": "professional_observation",
    "source_at_risk": False,
    "confidential": "no",
    "consent": "not_required",
    "lawful_basis": "public_task",
    "legal_power": "Crime and Disorder Act 1998 s115",
    "risk": "crime_disorder",
    "rationale": "Shared so partners can agree a joint plan.",
    "decided_by": "PC 1234, neighbourhood team",
    "subject_informed": "yes",
}


@dataclass
class RunBuilder:
    """Adds items with their decision, redacted texts and ledger line to a MeetingRun."""

    run: MeetingRun
    rows: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        agency: str,
        *,
        disposition: str = "shared",
        redacted: dict[str, str | None] | None = None,
        decision: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Item:
        """Add one item. `redacted` maps summary/rationale/opinion_of to redacted text
        (None = redaction failed); by default the raw text is used as its own redaction."""
        row = self.rows[agency] = self.rows.get(agency, 1) + 1
        file = f"{agency}/{agency}_2026-11.xlsx"
        values = {**_BASE, "agency": agency, "item_ref": f"{agency[:1].upper()}-{row}", **fields}
        item = Item(
            item_id=make_item_id(agency, file, "Submission", row),
            content_hash=content_hash(values),
            provenance=Provenance(
                file=file,
                sheet="Submission",
                row=row,
                sha256=hashlib.sha256(file.encode()).hexdigest(),
                received_at=RECEIVED_AT,
                agency_folder=agency,
            ),
            **values,
        )
        reasons = {"shared": ("SHARE_PUBLIC_TASK",), "withheld": ("CONSENT_REFUSED",),
                   "review": ("REVIEW_OPINION_THIRD_PARTY",)}[disposition]
        self.run.items.append(item)
        self.run.decisions[item.item_id] = Decision(
            **{"item_id": item.item_id, "disposition": disposition, "reasons": reasons, **(decision or {})}
        )
        if disposition == "shared":
            texts = {
                "summary": item.summary,
                "rationale": item.rationale,
                "opinion_of": item.opinion_of,
                **(redacted or {}),
            }
            for name, text in texts.items():
                if name == "opinion_of" and item.opinion_of is None:
                    continue
                self.run.redactions[text_key(item.item_id, name)] = RedactedText(
                    item_id=item.item_id, text=text, failed=text is None
                )
        self.run.ledger.append(
            LedgerRow(
                file=file, sheet="Submission", row=row, agency=agency,
                family_ref=item.family_ref, item_id=item.item_id, disposition=disposition,  # type: ignore[arg-type]
                reasons=";".join(reasons),
            )
        )
        return item


@dataclass
class Sample:
    run: MeetingRun
    builder: RunBuilder
    ids: dict[str, str]  # label -> item_id


def build_sample() -> Sample:
    run = MeetingRun(
        run_id="run-0001",
        started_at=STARTED_AT,
        meeting=MeetingConfig.model_validate(MEETING),
        meeting_config_path="meeting.yaml",
        inbox="INBOX",
    )
    b = RunBuilder(run)
    ids: dict[str, str] = {}
    # The same event reported by police and school (near-identical redacted text).
    ids["dup_police"] = b.add(
        "police",
        event_date=date(2026, 10, 3),
        summary="Tyler was seen with Connor Maddox throwing stones at buses on Elm Road.",
        redacted={"summary": "Tyler was seen with [Third party A] throwing stones at buses on Elm Road."},
    ).item_id
    ids["dup_school"] = b.add(
        "school",
        category="asb",
        event_date=date(2026, 10, 3),
        summary="tyler was seen with Connor Maddox throwing  stones at buses on Elm Road",
        redacted={"summary": "tyler was seen with [Third party A] throwing  stones at buses on Elm Road"},
        decided_by="Designated safeguarding lead",
        legal_power=None,
    ).item_id
    # An opinion, health-only category, with opinion_of redacted.
    ids["opinion"] = b.add(
        "health",
        subject_name="Dawn Kettering",
        subject_dob=date(1985, 3, 2),
        subject_role="parent",
        category="mental_health",
        event_date=date(2026, 9, 12),
        fact_or_opinion="opinion",
        opinion_of="Dr Priya Raman, GP",
        summary="In my view Dawn's low mood is affecting her care of the children.",
        rationale="Dr Priya Raman judged the children's welfare at risk.",
        redacted={"opinion_of": "[Professional B], GP", "rationale": "[Professional B] judged the children's welfare at risk."},
        consent="explicit",
        consent_given_by="subject",
        consent_scope=("jag",),
        lawful_basis="public_task",
        special_condition="Sch 1 Part 2 para 18 safeguarding",
        legal_power=None,
        risk="welfare_concern",
        decided_by="Named GP for safeguarding",
    ).item_id
    # A fact with no event date (uses recorded_on).
    ids["housing"] = b.add(
        "housing",
        subject_name="Dawn Kettering",
        subject_role="parent",
        category="housing",
        recorded_on=date(2026, 9, 1),
        summary="Rent arrears of 1,200 pounds; notice seeking possession served.",
        risk="welfare_concern",
        legal_power=None,
        decided_by="Tenancy officer",
    ).item_id
    # An allegation restricted to csc and health, with a reminder for the agenda.
    ids["restricted"] = b.add(
        "police",
        subject_name="Lacey Kettering",
        subject_dob=date(2012, 12, 4),
        category="domestic_abuse",
        event_date=date(2026, 8, 15),
        fact_or_opinion="allegation",
        source="member_of_public",
        summary="Shaun Dobbs reported shouting and a child crying at the address.",
        redacted={"summary": "[Third party C] reported shouting and a child crying at the address."},
        risk="significant_harm_child",
        consent="not_sought_unsafe",
        restricted_to=("csc", "health"),
        decision={
            "recipients": ("csc", "health"),
            "agenda_reminders": ("CONFIRM_CSC_REFERRAL",),
            "notes": ("Shared without consent: seeking it would place the child at risk.",),
        },
    ).item_id
    # A historic item (outside the look-back window).
    ids["historic"] = b.add(
        "police",
        subject_name="Dawn Kettering",
        subject_role="parent",
        category="domestic_abuse",
        event_date=date(2021, 2, 10),
        recorded_on=date(2021, 2, 11),
        status="closed",
        summary="Dawn reported an assault by a former partner; no further action.",
        risk="serious_harm_adult",
        decision={"historic": True, "reasons": ("SHARE_PUBLIC_TASK", "HISTORIC")},
    ).item_id
    # Not shared: withheld (carries the family's most serious recorded risk), review, failed.
    ids["withheld"] = b.add(
        "school",
        disposition="withheld",
        category="education",
        summary="Connor Maddox says Tyler carries a knife.",
        risk="significant_harm_child",
        consent="refused",
    ).item_id
    ids["review"] = b.add(
        "health",
        disposition="review",
        subject_name="Lacey Kettering",
        category="sexual_health",
        summary="Seen at clinic.",
    ).item_id
    ids["failed"] = b.add(
        "housing",
        category="housing",
        summary="Complaint from Shaun Dobbs about noise.",
        redacted={"summary": None},
    ).item_id
    run.persons_of_concern["FAM-001"] = (
        PersonOfConcern(
            family_ref="FAM-001",
            pseudonym="[Third party A]",
            agencies=("school", "police"),
            item_ids=(ids["dup_school"], ids["dup_police"]),
        ),
    )
    run.escrow["FAM-001"] = {"[Third party A]": "Connor Maddox"}

    ids["pollitt"] = b.add(
        "police",
        family_ref="FAM-002",
        subject_name="Gary Pollitt",
        subject_role="parent",
        category="offending",
        event_date=date(2026, 10, 20),
        summary="Arrested for assault; released under investigation.",
        risk="serious_harm_adult",
        decision={"historic": False},
    ).item_id
    ids["osei_police"] = b.add(
        "police",
        family_ref="FAM-003",
        subject_name="Kwame Osei",
        subject_role="parent",
        category="offending",
        event_date=date(2026, 10, 1),
        summary="Charged with possession with intent to supply.",
        risk="serious_harm_adult",
    ).item_id
    ids["osei_housing"] = b.add(
        "housing",
        family_ref="FAM-003",
        subject_name="Kwame Osei",
        subject_role="parent",
        category="asb",
        event_date=date(2026, 10, 5),
        summary="Neighbours report visitors at all hours.",
        risk="crime_disorder",
    ).item_id

    # yos sent one file whose only row was rejected.
    prov = Provenance(
        file="yos/yos_2026-11.csv", sheet="csv", row=2, sha256="0" * 64,
        received_at=RECEIVED_AT, agency_folder="yos",
    )
    run.rejections.append(
        Rejection(
            provenance=prov, agency="yos", family_ref="FAM-001",
            problems=(Problem(code="MISSING_VALUE", column="rationale", message="is empty.", fix="Give the reason."),),
        )
    )
    run.ledger.append(
        LedgerRow(file=prov.file, sheet="csv", row=2, agency="yos", family_ref="FAM-001",
                  item_id="", disposition="rejected", reasons="MISSING_VALUE[rationale]")
    )
    return Sample(run=run, builder=b, ids=ids)
