"""Prefect flows and the command line, wrapping the Prefect-free stages in `pipeline/`.

Importing this package sets Prefect's offline, privacy-preserving defaults before Prefect
is imported: no telemetry, no logs shipped to the API database, no persisted results.
"""

from __future__ import annotations

import os

_PREFECT_DEFAULTS = {
    # no analytics or telemetry: runs must make no network calls
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    # logs stay on the console: Prefect's database must not become a copy of the data
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    # results (which may hold raw rows) are never written to result storage
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_TASKS_DEFAULT_PERSIST_RESULT": "false",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_UI_ENABLED": "false",
    # the temporary server needs longer than the default 20 s on a busy 2-core machine
    # (e.g. a run started from `casebundle web` while the browser and the app are working)
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}
for _k, _v in _PREFECT_DEFAULTS.items():
    os.environ.setdefault(_k, _v)
