"""Safe writing of outputs: owner-only permissions, formula neutralising, atomic replace.

Every file casebundle writes goes through these helpers so that (a) a spreadsheet never
executes a cell (CSV/formula injection), (b) files are readable by their owner only, and
(c) a crash never leaves half a meeting's outputs behind.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.faults import checkpoint

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
    """Create a directory (and parents) readable by the owner only.

    Folders that already exist are left exactly as they are: an --out folder may be shared
    (mode 1777, a team folder) and its permissions are not ours to change. What the run
    writes inside it is owner-only.
    """
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):  # every level we create is owner-only, not just the last
        d.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(d, DIR_MODE)
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """Write bytes to a new owner-only file."""
    secure_mkdir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, FILE_MODE)
    return path


def replace_bytes(path: Path, data: bytes) -> Path:
    """Write bytes to an owner-only file that takes `path`'s place in one rename: a reader
    sees the old file or the new one, never half of one, and a file already at `path`
    (perhaps a hard link to a published output) is replaced, never written into."""
    secure_mkdir(path.parent)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)  # whatever the umask
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
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


#: temporary folders of atomic_dir: .<name>.tmp-<hex> (being written), .<name>.old-<hex>
#: (the previous outputs, during the swap)
_TEMP_NAME = re.compile(r"^\.(?P<final>.+)\.(?P<kind>tmp|old)-[0-9a-f]{8}$")


def _lock_dir(path: Path) -> int:
    """Hold an exclusive lock on a folder for as long as the returned descriptor is open.

    The lock goes with the process: a run killed with SIGKILL releases it, which is how the
    next run tells a stale temporary folder from one a concurrent run is still writing.
    """
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _new_locked_dir(parent: Path, name: str) -> tuple[Path, int]:
    """A new locked .<name>.tmp-<hex> folder (a concurrent cleanup can never take it)."""
    for _ in range(5):
        tmp = parent / f".{name}.tmp-{uuid.uuid4().hex[:8]}"
        secure_mkdir(tmp)
        try:
            fd = _lock_dir(tmp)
        except FileNotFoundError:
            continue  # removed by a concurrent run's cleanup before we locked it
        if os.fstat(fd).st_nlink > 0:
            return tmp, fd
        os.close(fd)
    raise OutputError(f"could not create a temporary folder in {parent}. Fix: check the "
                      "folder is writable and not being cleaned by another process.")


@contextlib.contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it replaces `final` in one rename.

    On any exception the temporary directory is removed and `final` is left as it was. The
    temporary folders are locked while in use; if the process is killed, the next run's
    `clean_stale_temp` removes them (or puts the previous outputs back).
    """
    parent = secure_mkdir(final.parent)
    clean_stale_temp(parent)
    tmp, lock = _new_locked_dir(parent, final.name)
    try:
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
        try:
            if final.exists():
                old_lock = _lock_dir(final)  # stays locked through the rename
                try:
                    os.replace(final, old)
                    checkpoint("swapping")
                    os.replace(tmp, final)
                finally:
                    os.close(old_lock)
            else:
                os.replace(tmp, final)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if old.exists() and not final.exists():
                os.replace(old, final)
            raise OutputError(f"could not replace outputs in {final} "
                              f"({type(exc).__name__}).") from None
        shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(lock)


def clean_stale_temp(parent: Path) -> list[str]:
    """Remove what a killed run left in an output folder; return what was done.

    A `.<name>.tmp-*` folder no live process holds is removed. A `.<name>.old-*` folder is
    the previous outputs, moved aside for the swap: if `<name>` is missing (killed between
    the two renames) it is put back, otherwise removed. Folders a concurrent run holds
    locked are left alone. Anything else in the folder is never touched.
    """
    done: list[str] = []
    if not parent.is_dir():
        return done
    for entry in sorted(parent.iterdir()):
        m = _TEMP_NAME.match(entry.name)
        if m is None or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            fd = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live run is writing or swapping it
            final = parent / m["final"]
            if m["kind"] == "old" and not final.exists():
                os.replace(entry, final)
                done.append(f"restored {final.name} from {entry.name}")
            else:
                shutil.rmtree(entry, ignore_errors=True)
                done.append(f"removed {entry.name}")
        finally:
            os.close(fd)
    return done
