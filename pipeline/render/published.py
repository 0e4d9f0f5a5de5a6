"""Views kept from the previous run's published outputs (issue 15: the daily re-run).

A re-run after one new file changes a few families; every other view has the model it had
last time, so its files are the bytes the previous run published but for the workbook's
dates, which are pinned to the run's start. Such a view is neither rendered again nor read
from the work cache: its json and html are hard-linked from the published folder into the
new run's folder (copied where a link cannot be made, e.g. across filesystems), and its
workbook is read from there and moved to this run's start (`restamp_xlsx`).

After its outputs are swapped in, a run records what it published (`Published`: its start
and, for each view, the digest of the view's model and the sha256 of each of its files) in
the work cache, under the cache's version of code, rules, roster and model: after a change
to any of them nothing is reused. A published file is reused only when it is a regular
file of this user, with no other link than the published one, whose sha256 is the one
recorded; the check is made on the new run's own link, after it is made. A file edited,
replaced or removed since is never reused: the view is rendered afresh.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import xlsx_zip
from pipeline.safe_files import FILE_MODE, replace_bytes, secure_mkdir
from pipeline.spreadsheet import pinned, zip_time

_CORE = "docProps/core.xml"
#: a view's files, in the order of `PublishedView.sha256`
SUFFIXES = ("json", "xlsx", "html")
#: a published file and the new run's link to it; any more and someone else holds one
_LINKS = 2


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def restamp_xlsx(data: bytes, old: datetime, new: datetime) -> bytes:
    """A workbook written for a run started at `old`, as written for one started at `new`
    (pipeline/render/xlsx_out.py pins zip times and document dates to the run start).

    Only docProps/core.xml, which holds the dates, is decompressed and compressed again;
    every other member's compressed bytes are copied as they are, with the new zip time
    (pipeline/xlsx_zip.py)."""
    was, now = pinned(old), pinned(new)
    if was == now:
        return data
    old_text = was.isoformat().encode() + b"Z"
    new_text = now.isoformat().encode() + b"Z"
    return xlsx_zip.rewrite(data, zip_time(now),
                            {_CORE: lambda core: core.replace(old_text, new_text)})


@dataclass(frozen=True)
class PublishedView:
    """One view as a run published it: the digest of its model (`view_key`) and the
    sha256 of its json, xlsx and html files."""

    key: bytes
    sha256: tuple[str, str, str]

    @classmethod
    def of(cls, key: bytes, files: Iterable[bytes]) -> PublishedView:
        json_, xlsx, html = (sha256(f) for f in files)
        return cls(key, (json_, xlsx, html))


@dataclass(frozen=True)
class Published:
    """What one run published: its id and start, and each view by its path in the meeting
    folder without the suffix ("bundles/FAM-001", "recipients/police/FAM-001")."""

    run_id: str
    started_at: datetime
    views: dict[str, PublishedView]

    def of_families(self, refs: Iterable[str]) -> Published:
        """The views of families `refs` only (what one batch of families needs)."""
        wanted = set(refs)
        return Published(self.run_id, self.started_at,
                         {stem: v for stem, v in self.views.items()
                          if stem.rsplit("/", 1)[-1] in wanted})


@dataclass
class Reuse:
    """One batch's access to the previous publication, and the record of what it writes.

    `folder` is the meeting's published output folder; `previous` what the run that
    published it recorded (None: nothing to reuse, only record)."""

    folder: str
    previous: Published | None
    written: dict[str, PublishedView] = field(default_factory=dict)
    kept: int = 0

    def keep(self, stem: str, key: bytes, dest: Path, started_at: datetime
             ) -> list[Path] | None:
        """The view `stem` put into `dest` from the published outputs, restamped for a run
        started at `started_at`; None (and nothing left in `dest`) when its model changed
        or a published file is missing or not what was recorded."""
        if self.previous is None:
            return None
        old = self.previous.views.get(stem)
        if old is None or old.key != key:
            return None
        src, dst = Path(self.folder) / stem, dest / stem
        json_sha, xlsx_sha, html_sha = old.sha256
        done: list[Path] = []
        try:
            secure_mkdir(dst.parent)
            for suffix, sha in (("json", json_sha), ("html", html_sha)):
                target = Path(f"{dst}.{suffix}")
                if not _link_or_copy(Path(f"{src}.{suffix}"), target, sha):
                    return None
                done.append(target)
            data = _read_checked(Path(f"{src}.xlsx"), xlsx_sha)
            if data is None:
                return None
            xlsx = restamp_xlsx(data, self.previous.started_at, started_at)
            done.insert(1, replace_bytes(Path(f"{dst}.xlsx"), xlsx))
        finally:
            if len(done) < len(SUFFIXES):  # a file failed its check: nothing half kept
                for p in done:
                    p.unlink(missing_ok=True)
        self.written[stem] = PublishedView(key, (json_sha, sha256(xlsx), html_sha))
        self.kept += 1
        return done

    def record(self, stem: str, key: bytes, files: tuple[bytes, bytes, bytes]) -> None:
        """A view rendered by this run: recorded for the next run to keep."""
        self.written[stem] = PublishedView.of(key, files)


def _own_file(fd: int) -> os.stat_result | None:
    """The file's status if it is a regular file of this user linked at most from the
    published folder and the new run's folder; else None."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_nlink > _LINKS:
        return None
    return st


def _checked_fd(path: Path, sha: str) -> bool:
    """Whether `path` (not followed if a symbolic link) is one of our own regular files
    and its bytes hash to `sha`; made owner-only if it was not."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        st = _own_file(fh.fileno())
        if st is None or hashlib.file_digest(fh, "sha256").hexdigest() != sha:
            return False
        if stat.S_IMODE(st.st_mode) != FILE_MODE:
            os.fchmod(fh.fileno(), FILE_MODE)
    return True


def _read_checked(path: Path, sha: str) -> bytes | None:
    """`path`'s bytes if it is one of our own regular files and they hash to `sha`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if _own_file(fh.fileno()) is None:
            return None
        data = fh.read()
    return data if sha256(data) == sha else None


def _link_or_copy(src: Path, dst: Path, sha: str) -> bool:
    """Put the published file `src` at `dst` if its bytes are still `sha`: a hard link,
    checked at `dst` once made, or else a checked copy written beside `dst` and renamed."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileNotFoundError:
        return False
    except OSError:  # another filesystem, no hard links there, too many links
        data = _read_checked(src, sha)
        if data is None:
            return False
        replace_bytes(dst, data)
        return True
    if _checked_fd(dst, sha):
        return True
    dst.unlink(missing_ok=True)
    return False
