"""Progress of a run, for whoever is watching (the `casebundle run` console display).

The flow reports each step it finishes (`step`); a watcher registered with `watching`
receives (step, done, total). Steps carry counts only, never data. With no watcher (tests,
a deployment without a console) reporting does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: the steps of a run, in order, with what a person reads for each
STEPS: dict[str, str] = {
    "start": "Starting the workflow engine",
    "read": "Files read",
    "decide": "Items decided",
    "redact": "Families redacted",
    "write": "Outputs written",
}

Watcher = Callable[[str, int, int], None]
_watchers: list[Watcher] = []
_lock = threading.Lock()


def step(name: str, done: int, total: int) -> None:
    """Report that `done` of `total` units of step `name` are finished."""
    with _lock:
        watchers = list(_watchers)
    for watch in watchers:
        watch(name, done, total)


@contextmanager
def watching(watcher: Watcher) -> Iterator[None]:
    """Send every step reported while the block runs to `watcher`."""
    with _lock:
        _watchers.append(watcher)
    try:
        yield
    finally:
        with _lock:
            _watchers.remove(watcher)
