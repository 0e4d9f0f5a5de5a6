"""Merge: turn a decided, redacted run into what each audience reads: the chair's bundle
per family, each agency's recipient view (need to know), the agenda, the ledger (one line
per input row) and each agency's receipt. Pure models; `pipeline/render/` writes the files.
"""

from pipeline.merge.agenda import REMINDER_TEXT, Agenda, AgendaFamily, SilentAgency, build_agenda
from pipeline.merge.bundle import (
    ONWARD_NOTICE,
    SCHEMA_VERSION,
    BundleItem,
    Chronologist,
    ChronologyEntry,
    FamilyBundle,
    FamilyMerge,
    build_bundle,
    build_bundles,
    chronology,
    shared_items,
)
from pipeline.merge.follow_up import NO_AGENCY, FollowUp, follow_ups, row_ranges
from pipeline.merge.ledger import build_ledger, check_ledger
from pipeline.merge.not_shared import NotSharedItem, Outcomes, deciding_reasons, not_shared
from pipeline.merge.persons import PersonView
from pipeline.merge.receipts import (
    RECEIPT_COLUMNS,
    explained_codes,
    receipt_row,
    receipt_rows,
    rejection_rows,
)
from pipeline.merge.views import (
    CHAIR,
    FamilyViews,
    family_views,
    recipient_bundle,
    recipients_by_item,
)

__all__ = [
    "CHAIR",
    "NO_AGENCY",
    "ONWARD_NOTICE",
    "RECEIPT_COLUMNS",
    "REMINDER_TEXT",
    "SCHEMA_VERSION",
    "Agenda",
    "AgendaFamily",
    "BundleItem",
    "Chronologist",
    "ChronologyEntry",
    "FamilyBundle",
    "FamilyMerge",
    "FamilyViews",
    "FollowUp",
    "NotSharedItem",
    "Outcomes",
    "PersonView",
    "SilentAgency",
    "build_agenda",
    "build_bundle",
    "build_bundles",
    "build_ledger",
    "check_ledger",
    "chronology",
    "deciding_reasons",
    "explained_codes",
    "family_views",
    "follow_ups",
    "not_shared",
    "receipt_row",
    "receipt_rows",
    "rejection_rows",
    "recipient_bundle",
    "recipients_by_item",
    "row_ranges",
    "shared_items",
]
