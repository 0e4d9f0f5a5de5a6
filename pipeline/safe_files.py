"""Safe writing of outputs: owner-only permissions, formula neutralising, atomic replace.

Every file casebundle writes goes through these helpers so that (a) a spreadsheet never
executes a cell (CSV/formula injection), (b) files are readable by their owner only, and
(c) a crash never leaves half a meeting's outputs behind.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from pipeline.errors import OutputError

FILE_MODE = 0o600
DIR_MODE = 0o700
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise a value that a spreadsheet could execute as a formula.

    Text beginning with = + - @ tab or CR gets a leading apostrophe (OWASP CSV injection).
    Numbers, dates and None pass through unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def secure_mkdir(path: Path) -> Path:
    """Create a directory (and parents) readable by the owner only."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):  # every level we create is owner-only, not just the last
        d.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(d, DIR_MODE)
    if not missing and path.is_dir():
        os.chmod(path, DIR_MODE)
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """Write bytes to a new owner-only file."""
    secure_mkdir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, FILE_MODE)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text to a new owner-only file."""
    return write_bytes(path, text.encode("utf-8"))


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> Path:
    """Write a CSV with neutralised cells to a new owner-only file."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell("" if row.get(k) is None else row.get(k)) for k in columns})
    return write_text(path, buf.getvalue())


@contextlib.contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it replaces `final` in one rename.

    On any exception the temporary directory is removed and `final` is left as it was.
    """
    parent = secure_mkdir(final.parent)
    tmp = parent / f".{final.name}.tmp-{uuid.uuid4().hex[:8]}"
    secure_mkdir(tmp)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
    try:
        if final.exists():
            os.replace(final, old)
        os.replace(tmp, final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not final.exists():
            os.replace(old, final)
        raise OutputError(f"could not replace outputs in {final} ({type(exc).__name__}).") from None
    shutil.rmtree(old, ignore_errors=True)
