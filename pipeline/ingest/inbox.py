"""Discover: account for every path under the inbox, reading none of them yet.

Submissions are files in INBOX/<agency>/ (sub-folders allowed). Everything else found is
listed too, with the reason it will not be read, so that each becomes a ledger line:
files at the inbox root, names starting with "." (including folders), Office lock files,
symlinks (refused and never followed, wherever they point) and anything that is not a
regular file (FIFOs, sockets, devices). Nothing is opened here.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest.text import display_name
from pipeline.models import Problem


@dataclass(frozen=True)
class InboxFile:
    """A path found under the inbox; `refusal` says why it will not be read, if so."""

    path: Path
    name: str  # relative to the inbox as shown in the ledger, e.g. "police/police_nov.xlsx"
    agency_folder: str
    refusal: Problem | None = None


def _refused(code: str, message: str, fix: str) -> Problem:
    return Problem(code=code, column=None, message=message, fix=fix)


_SYMLINK = _refused(
    "SYMLINK_REFUSED", "is a symbolic link; links are never followed, so it was not read.",
    "copy the submission itself into the agency's inbox folder.")
_NOT_A_FILE = _refused(
    "NOT_A_FILE", "is not a regular file (a pipe, socket or device), so it was not read.",
    "put only .xlsx or .csv submissions in the inbox.")
_HIDDEN_FILE = _refused(
    "HIDDEN_FILE", "has a name starting with '.', which hides it from most people looking "
    "at the folder; it was not read.", "rename it without the leading '.' if it is a "
    "submission, otherwise delete it.")
_HIDDEN_FOLDER = _refused(
    "HIDDEN_FOLDER", "is a folder whose name starts with '.'; nothing in it was read.",
    "move any submissions into INBOX/<agency>/ and delete the folder.")
_LOCK_FILE = _refused(
    "OFFICE_LOCK_FILE", "is an Office lock file: someone had the workbook of that name open "
    "when the run started, so it may have been mid-edit. The lock file was not read.",
    "close the workbook in Excel (the lock file then goes), check it is final, and run "
    "again.")
_AT_ROOT = _refused(
    "FILE_OUTSIDE_AGENCY_FOLDER", "is at the top of the inbox, not in an agency folder, "
    "so the agency that sent it is unknown; it was not read.",
    "move it into INBOX/<agency>/ (the submitting agency's folder).")


_UNREADABLE_FOLDER = _refused(
    "UNREADABLE_FOLDER", "is a folder casebundle may not list (permissions), so nothing in "
    "it was read.", "give the account running casebundle read access to the folder, or move "
    "the submissions into a readable agency folder.")


def _entries(folder: Path) -> list[os.DirEntry[str]] | None:
    """The folder's entries by name; None if it cannot be listed."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return None


def _kind(entry: os.DirEntry[str]) -> str:
    """'link', 'dir', 'file', 'other', or 'gone' (removed meanwhile), never following a
    symlink."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except FileNotFoundError:
        return "gone"
    except OSError:
        return "other"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def _walk(folder: Path, rel: str, agency: str, found: list[InboxFile]) -> None:
    entries = _entries(folder)
    if entries is None:
        found.append(InboxFile(path=folder, name=rel + "/", agency_folder=agency,
                               refusal=_UNREADABLE_FOLDER))
        return
    for entry in entries:
        name = f"{rel}/{display_name(entry.name)}"
        path = folder / entry.name
        kind = _kind(entry)
        refusal: Problem | None = None
        if kind == "gone":
            continue  # removed since the folder was listed: nothing to account for
        if kind == "link":
            refusal = _SYMLINK
        elif kind == "other":
            refusal = _NOT_A_FILE
        elif entry.name.startswith("."):
            refusal = _HIDDEN_FOLDER if kind == "dir" else _HIDDEN_FILE
        elif kind == "dir":
            _walk(path, name, agency, found)
            continue
        elif entry.name.startswith("~$"):
            refusal = _LOCK_FILE
        found.append(InboxFile(path=path, name=name + ("/" if kind == "dir" else ""),
                               agency_folder=agency, refusal=refusal))


def discover(inbox: Path) -> list[InboxFile]:
    """Every path under the inbox in a stable order, each to be read or refused.

    Agency folders are the inbox's sub-folders; a path in a sub-folder of an agency folder
    belongs to that agency. Symlinks are refused wherever they are (an agency folder that is
    a symlink is refused whole, its contents never listed).
    """
    found: list[InboxFile] = []
    if not inbox.is_dir():
        return found
    for entry in _entries(inbox) or []:
        name = display_name(entry.name)
        path = inbox / entry.name
        kind = _kind(entry)
        if kind == "gone":
            continue
        if kind == "dir" and not entry.name.startswith("."):
            _walk(path, name, name, found)
            continue
        refusal = {"link": _SYMLINK, "other": _NOT_A_FILE}.get(kind)
        if refusal is None:
            if entry.name.startswith("."):
                refusal = _HIDDEN_FOLDER if kind == "dir" else _HIDDEN_FILE
            else:
                refusal = _AT_ROOT
        found.append(InboxFile(path=path, name=name + ("/" if kind == "dir" else ""),
                               agency_folder="", refusal=refusal))
    return found
