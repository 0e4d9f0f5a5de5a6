"""Policy: decide, item by item, whether sharing is necessary and proportionate (shared,
withheld or review), with reason codes that cite the guidance; who may receive each shared
item (need to know, 003 3.49); and the human review decisions that override the engine.

The rules are data in redaction_rules/policy.yaml and need_to_know.yaml (docs/policy.md).
"""

from pipeline.policy.engine import decide_items, explain, is_boilerplate, load_policy, subject_age
from pipeline.policy.need_to_know import NeedToKnow, load_need_to_know
from pipeline.policy.review import (
    QUEUE_COLUMNS,
    QUEUE_NAME,
    ReviewDecision,
    load_reviews,
    record_review,
    review_queue_rows,
    review_store_path,
)
from pipeline.policy.rules import PolicyRules, ReasonCode, load_policy_rules
from pipeline.policy.stage import decide

__all__ = [
    "QUEUE_COLUMNS",
    "QUEUE_NAME",
    "NeedToKnow",
    "PolicyRules",
    "ReasonCode",
    "ReviewDecision",
    "decide",
    "decide_items",
    "explain",
    "is_boilerplate",
    "load_need_to_know",
    "load_policy",
    "load_policy_rules",
    "load_reviews",
    "record_review",
    "review_queue_rows",
    "review_store_path",
    "subject_age",
]
