"""casebundle's library: pure stage functions, no Prefect.

The public surface below is what `flows/` and the CLI call. Names resolve lazily so that
importing one light module (models, config) does not load spaCy and Presidio.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "MeetingConfig": "pipeline.config",
    "load_meeting": "pipeline.config",
    "CasebundleError": "pipeline.errors",
    "ConfigError": "pipeline.errors",
    "Item": "pipeline.models",
    "Decision": "pipeline.models",
    "Rejection": "pipeline.models",
    "LedgerRow": "pipeline.models",
    "MeetingRun": "pipeline.run",
    "discover": "pipeline.ingest",
    "read_file": "pipeline.ingest",
    "validate_row": "pipeline.validate",
    "Rules": "pipeline.stages",
    "load_rules": "pipeline.stages",
    "read_and_validate": "pipeline.stages",
    "collect": "pipeline.stages",
    "decide": "pipeline.stages",
    "redact_family": "pipeline.stages",
    "apply_redaction_failures": "pipeline.stages",
    "build_ledger": "pipeline.ledger",
    "check_ledger": "pipeline.ledger",
    "write_ledger": "pipeline.ledger",
    "write_meeting_outputs": "pipeline.render",
    "record_run": "pipeline.audit",
    "build_template": "pipeline.template",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
