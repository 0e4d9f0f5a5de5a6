"""Accounts of the web app: named users with one role each, in the state folder.

`<state>/users.json` (owner-only, replaced atomically under a file lock) holds each user's
role, agency (agency reviewers only), an argon2id password hash (argon2-cffi), failed
sign-ins and any lock. Five wrong passwords in a row lock the account for 15 minutes;
`casebundle users reset` sets a new password and lifts the lock. A password reset or a
removal ends the user's sessions (their `session_version` changes or they are gone).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.errors import CasebundleError

Role = Literal["coordinator", "agency_reviewer", "governance_lead"]
ROLES: tuple[Role, ...] = ("coordinator", "agency_reviewer", "governance_lead")
ROLE_TITLES: dict[str, str] = {
    "coordinator": "Meeting coordinator",
    "agency_reviewer": "Agency reviewer",
    "governance_lead": "Governance lead",
}
USERS_FILE = "users.json"
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 12
MAX_PASSWORD = 128
_USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,39}")
_AGENCY = re.compile(r"[a-z][a-z0-9_]*")
#: refused whatever their length (NCSC: block the most common passwords)
_COMMON = frozenset({
    "password", "password1", "password123", "passw0rd", "qwerty", "qwertyuiop", "letmein",
    "welcome", "iloveyou", "admin", "administrator", "changeme", "123456789012",
    "1234567890", "abc123", "monkey", "football", "dragon", "sunshine", "princess",
    "trustno1", "casebundle", "safeguarding", "password1234", "qwerty123456",
    "welcome12345", "letmein12345", "changeme1234",
})


class UserError(CasebundleError):
    """An account cannot be added, changed or used as asked."""


class User(BaseModel):
    """One account. Never holds a password, only its argon2id hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str
    role: Role
    agency: str | None = None
    password_hash: str = Field(repr=False)
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime
    password_changed_at: datetime
    #: changes on every password reset: sessions of the old version end
    session_version: int = 1

    @model_validator(mode="after")
    def _agency_for_reviewers(self) -> User:
        if self.role == "agency_reviewer" and not self.agency:
            raise ValueError("an agency reviewer needs an agency")
        if self.role != "agency_reviewer" and self.agency:
            raise ValueError("only agency reviewers belong to one agency")
        return self

    @property
    def title(self) -> str:
        """The role as people read it, e.g. 'Agency reviewer (police)'."""
        t = ROLE_TITLES[self.role]
        return f"{t} ({self.agency})" if self.agency else t

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


class _UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    users: dict[str, User] = {}


class SignIn(BaseModel):
    """The outcome of one sign-in attempt."""

    model_config = ConfigDict(frozen=True)
    user: User | None
    #: the attempt was refused because the account is (now) locked
    locked: bool = False
    locked_until: datetime | None = None


def check_username(username: str) -> str:
    if not _USERNAME.fullmatch(username):
        raise UserError(f"user name {username!r} is not allowed. Fix: use 2-40 lower-case "
                        "letters, digits, '.', '_' or '-', starting with a letter.")
    return username


def password_problems(password: str, username: str) -> list[str]:
    """What is wrong with a new password (empty when it is acceptable).

    Length over complexity, and no common or guessable passwords (NCSC password guidance).
    """
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"use at least {MIN_PASSWORD} characters (three random words work "
                        "well)")
    if len(password) > MAX_PASSWORD:
        problems.append(f"use at most {MAX_PASSWORD} characters")
    low = password.casefold()
    if username and username.casefold() in low:
        problems.append("do not include the user name")
    if low in _COMMON or low.rstrip("0123456789!") in _COMMON:
        problems.append("this is a commonly used password")
    if password and len(set(password)) < 4:
        problems.append("use more than three different characters")
    return problems


class UserStore:
    """users.json in a state folder; every change is made under an exclusive file lock."""

    def __init__(self, state_dir: Path, *, hasher: PasswordHasher | None = None,
                 max_failures: int = MAX_FAILURES, lock_minutes: int = LOCK_MINUTES) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / USERS_FILE
        self.hasher = hasher or PasswordHasher()
        self.max_failures = max_failures
        self.lock_for = timedelta(minutes=lock_minutes)
        self._dummy: str | None = None  # made on first need: hashing takes a while
        #: failures of names with no account, so their replies match real accounts'
        self._unknown: dict[str, int] = {}
        self._mutex = threading.Lock()

    # --- file access --------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self.state_dir / (USERS_FILE + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            with self._mutex:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _read(self) -> _UsersFile:
        if not self.path.exists():
            return _UsersFile()
        try:
            return _UsersFile.model_validate_json(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValidationError, json.JSONDecodeError):
            raise UserError(f"{self.path}: is not a users file casebundle can read. Fix: "
                            "restore it from backup, or move it away and add the accounts "
                            "again with `casebundle users add`.") from None

    def _write(self, data: _UsersFile) -> None:
        tmp = self.path.with_name(f".{USERS_FILE}.tmp-{os.getpid()}-{threading.get_ident()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data.model_dump_json(indent=2) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        os.chmod(self.path, 0o600)

    # --- reading ------------------------------------------------------------------------

    def all(self) -> list[User]:
        return sorted(self._read().users.values(), key=lambda u: u.username)

    def get(self, username: str) -> User | None:
        return self._read().users.get(username)

    # --- administration (the `casebundle users` commands) --------------------------------

    def _new_hash(self, username: str, password: str) -> str:
        problems = password_problems(password, username)
        if problems:
            raise UserError(f"the password for {username} is not accepted: "
                            f"{'; '.join(problems)}.")
        return self.hasher.hash(password)

    def add(self, username: str, role: Role, password: str, agency: str | None = None
            ) -> User:
        check_username(username)
        if role not in ROLES:
            raise UserError(f"role {role!r} is not known. Fix: use one of {', '.join(ROLES)}.")
        if role == "agency_reviewer" and not (agency and _AGENCY.fullmatch(agency)):
            raise UserError("an agency reviewer needs --agency with the agency's code as in "
                            "the meeting config (e.g. police).")
        if role != "agency_reviewer" and agency:
            raise UserError(f"--agency is only for agency reviewers, not {role}.")
        digest = self._new_hash(username, password)
        now = datetime.now(UTC)
        with self._locked():
            data = self._read()
            if username in data.users:
                raise UserError(f"user {username} exists already. Fix: choose another name, "
                                "or `casebundle users reset` to set a new password.")
            user = User(username=username, role=role, agency=agency, password_hash=digest,
                        created_at=now, password_changed_at=now)
            data.users[username] = user
            self._write(data)
        return user

    def remove(self, username: str) -> None:
        with self._locked():
            data = self._read()
            if data.users.pop(username, None) is None:
                raise UserError(f"there is no user {username}. Fix: see `casebundle users "
                                "list`.")
            self._write(data)

    def set_password(self, username: str, password: str) -> User:
        """A new password: lifts any lock and ends the user's existing sessions."""
        digest = self._new_hash(username, password)
        with self._locked():
            data = self._read()
            user = data.users.get(username)
            if user is None:
                raise UserError(f"there is no user {username}. Fix: see `casebundle users "
                                "list`.")
            user = user.model_copy(update={
                "password_hash": digest, "failed_attempts": 0, "locked_until": None,
                "password_changed_at": datetime.now(UTC),
                "session_version": user.session_version + 1})
            data.users[username] = user
            self._write(data)
        return user

    # --- signing in ---------------------------------------------------------------------

    def _verify(self, digest: str, password: str) -> bool:
        try:
            return self.hasher.verify(digest, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def authenticate(self, username: str, password: str, now: datetime | None = None
                     ) -> SignIn:
        """Check a password, counting failures; the account locks at `max_failures`.

        The slow hash check runs outside the file lock; the count is updated under it.
        """
        now = now or datetime.now(UTC)
        password = password[:MAX_PASSWORD * 4]  # bound the work an attacker can ask for
        user = self.get(username)
        if user is None:
            if self._dummy is None:
                self._dummy = self.hasher.hash("no such user: equal work for any name")
            self._verify(self._dummy, password)  # same work as for a real account
            with self._mutex:
                if len(self._unknown) > 10_000:
                    self._unknown.clear()
                n = self._unknown[username] = self._unknown.get(username, 0) + 1
            return SignIn(user=None, locked=n >= self.max_failures)
        ok = self._verify(user.password_hash, password)
        with self._locked():
            data = self._read()
            current = data.users.get(username)
            if current is None or current.password_hash != user.password_hash:
                return SignIn(user=None)  # removed or reset while we checked
            if current.locked(now):
                return SignIn(user=None, locked=True, locked_until=current.locked_until)
            if ok:
                update: dict[str, object] = {"failed_attempts": 0, "locked_until": None}
                if self.hasher.check_needs_rehash(current.password_hash):
                    update["password_hash"] = self.hasher.hash(password)
                if current.failed_attempts or current.locked_until or len(update) > 2:
                    current = current.model_copy(update=update)
                    data.users[username] = current
                    self._write(data)
                return SignIn(user=current)
            failures = current.failed_attempts + 1
            until = now + self.lock_for if failures >= self.max_failures else None
            data.users[username] = current.model_copy(update={
                "failed_attempts": 0 if until else failures, "locked_until": until})
            self._write(data)
            return SignIn(user=None, locked=until is not None, locked_until=until)
