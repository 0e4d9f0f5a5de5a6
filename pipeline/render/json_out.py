"""bundle.json: a family bundle as JSON (layout in docs/bundle.schema.json).

Keys are sorted and lists keep the merge stage's stable order, so the same run gives
byte-identical files. Codes stay as they are (software reads them); beside them, `labels`
holds the plain-English words every other output shows (redaction_rules/labels.yaml).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson

from pipeline.labels import Labels, load_labels
from pipeline.merge import SCHEMA_VERSION, BundleItem, ChronologyEntry, FamilyBundle


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 text; aware datetimes are given in UTC."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat()


def _item_labels(i: BundleItem, L: Labels) -> dict[str, Any]:
    b = i.sharing_basis
    return {
        "category": L.value("category", i.category),
        "subject_role": L.value("subject_role", i.subject_role),
        "fact_or_opinion": L.value("fact_or_opinion", i.fact_or_opinion),
        "reasons": [L.reason(c) for c in i.reasons],
        "recipients": L.recipients_text(i.recipients),
        "consent": L.value("consent", b.consent),
        "consent_given_by": L.value("consent_given_by", b.consent_given_by) or None,
        "consent_scope": [L.value("consent_scope", c) for c in b.consent_scope],
        "lawful_basis": L.value("lawful_basis", b.lawful_basis),
        "legal_duty": L.value("legal_duty", b.legal_duty),
        "risk": L.value("risk", b.risk),
        "subject_informed": L.value("subject_informed", b.subject_informed) or None,
        "status": L.value("status", b.status) or None,
    }


def _item(i: BundleItem, L: Labels) -> dict[str, Any]:
    b, p = i.sharing_basis, i.provenance
    return {
        "labels": _item_labels(i, L),
        "item_id": i.item_id,
        "agency": i.agency,
        "subject_name": i.subject_name,
        "subject_role": i.subject_role,
        "category": i.category,
        "recorded_on": iso(i.recorded_on),
        "event_date": iso(i.event_date),
        "fact_or_opinion": i.fact_or_opinion,
        "text": i.text,
        "historic": i.historic,
        "reasons": list(i.reasons),
        "notes": list(i.notes),
        "recipients": list(i.recipients),
        "restriction": i.restriction,
        "redaction": [{"entity_type": t, "recognizer": rec, "count": n}
                      for t, rec, n in i.redaction],
        "review": (
            None
            if i.reviewed_by is None
            else {"reviewed_by": i.reviewed_by, "reviewed_at": iso(i.reviewed_at)}
        ),
        "sharing_basis": {
            "consent": b.consent,
            "consent_given_by": b.consent_given_by,
            "consent_scope": list(b.consent_scope),
            "lawful_basis": b.lawful_basis,
            "special_condition": b.special_condition,
            "legal_power": b.legal_power,
            "legal_duty": b.legal_duty,
            "risk": b.risk,
            "rationale": b.rationale,
            "decided_by": b.decided_by,
            "subject_informed": b.subject_informed,
            "status": b.status,
            "opinion_of": b.opinion_of,
        },
        "provenance": {
            "file": p.file,
            "sheet": p.sheet,
            "row": p.row,
            "sha256": p.sha256,
            "received_at": iso(p.received_at),
            "subject_name_as_submitted": p.subject_name_as_submitted,
            "subject_match": p.subject_match,
        },
    }


def _entry(e: ChronologyEntry, L: Labels) -> dict[str, Any]:
    return {
        "labels": {
            "category": L.value("category", e.category),
            "subject_role": L.value("subject_role", e.subject_role),
            "fact_or_opinion": L.value("fact_or_opinion", e.fact_or_opinion),
        },
        "date": iso(e.when),
        "subject_name": e.subject_name,
        "subject_role": e.subject_role,
        "category": e.category,
        "fact_or_opinion": e.fact_or_opinion,
        "text": e.text,
        "historic": e.historic,
        "restriction": e.restriction or None,
        "agencies": list(e.agencies),
        "item_ids": list(e.item_ids),
        "sources": [
            {
                "agency": s.agency,
                "item_id": s.item_id,
                "category": s.category,
                "fact_or_opinion": s.fact_or_opinion,
                "opinion_of": s.opinion_of,
                "historic": s.historic,
                "restriction": s.restriction,
                "subject_name_as_submitted": s.subject_name_as_submitted,
            }
            for s in e.sources
        ],
    }


def bundle_to_dict(bundle: FamilyBundle, labels: Labels | None = None) -> dict[str, Any]:
    """The JSON document of one bundle (chair's or recipient's)."""
    L = labels or load_labels()
    s = bundle.summary
    return {
        "meeting_type_label": L.value("meeting_type", bundle.meeting_type),
        "schema_version": SCHEMA_VERSION,
        "meeting_id": bundle.meeting_id,
        "meeting_type": bundle.meeting_type,
        "meeting_date": iso(bundle.meeting_date),
        "family_ref": bundle.family_ref,
        "handling": list(bundle.markings),
        "view": (
            {"audience": "chair", "recipient": None, "recipient_kind": None}
            if bundle.recipient is None
            else {
                "audience": "recipient",
                "recipient": bundle.recipient,
                "recipient_kind": bundle.recipient_kind,
            }
        ),
        "members": [{"name": m.name, "role": m.role, "age": m.age} for m in bundle.members],
        "summary": {
            "agencies_involved": list(s.agencies_involved),
            "shared_per_agency": dict(s.shared_per_agency),
            "items_shared": s.items_shared,
            "highest_risk": s.highest_risk,
            "highest_risk_label": L.value("risk", s.highest_risk) or None,
            "awaiting_review": s.awaiting_review,
            "unsure_redactions_awaiting": s.unsure_awaiting,
            "persons_of_concern_flagged": len(bundle.persons_of_concern),
        },
        "chronology": [_entry(e, L) for e in bundle.chronology],
        "not_shared": None if bundle.recipient else [
            {
                "agency": n.agency,
                "category": n.category,
                "date": iso(n.when),
                "disposition": n.disposition,
                "reasons": list(n.reasons),
                "labels": {
                    "category": L.value("category", n.category),
                    "disposition": L.value("disposition", n.disposition),
                    "reasons": [L.reason(c) for c in n.reasons],
                },
            }
            for n in bundle.not_shared
        ],
        "persons_of_concern": [
            {"pseudonym": p.pseudonym, "agencies": list(p.agencies)}
            for p in bundle.persons_of_concern
        ],
        "items": [_item(i, L) for i in bundle.items],
    }


def render_json(bundle: FamilyBundle, labels: Labels | None = None) -> bytes:
    """Deterministic UTF-8 JSON bytes of one bundle: sorted keys, two-space indents, text
    as UTF-8 (the bytes `json.dumps(..., sort_keys=True, indent=2, ensure_ascii=False)`
    gives, written by orjson: about 25 times faster, a tenth of writing a view; issue 15)."""
    return dumps(bundle_to_dict(bundle, labels))


def dumps(doc: Any) -> bytes:
    """`doc` (JSON types, text keys) as sorted, indented UTF-8 JSON with a final newline.

    A bundle holds no floats (docs/bundle.schema.json has no "number"; every output is
    validated against it in the tests): orjson writes a float's exponent differently
    (1e-7, where json.dumps writes 1e-07)."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
