"""Server-side sessions and CSRF tokens for the web app (in memory: a restart signs all out).

The browser holds only a random token (the cookie is HttpOnly, SameSite=Strict, and Secure
over TLS); the server keeps the session under the token's sha256, so a memory dump of the
store does not hand out usable cookies. A session ends after `idle` without a request or
`absolute` after sign-in. Every session, signed in or not, carries its own CSRF token,
which every form posts back (synchroniser token pattern).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "casebundle_session"
MAX_SESSIONS = 5_000


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class Session:
    csrf: str
    username: str | None = None
    session_version: int = 0
    created: float = field(default_factory=time.monotonic)
    last_seen: float = field(default_factory=time.monotonic)
    #: one-off messages for the next page: (kind, text)
    flashes: list[tuple[str, str]] = field(default_factory=list)

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, str(token))

    def flash(self, kind: str, text: str) -> None:
        self.flashes.append((kind, text))

    def take_flashes(self) -> list[tuple[str, str]]:
        out, self.flashes = self.flashes, []
        return out


class SessionStore:
    """Sessions by hashed token, with idle and absolute time-outs (seconds)."""

    def __init__(self, idle: float = 30 * 60, absolute: float = 12 * 3600) -> None:
        self.idle = idle
        self.absolute = absolute
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, username: str | None = None, session_version: int = 0
            ) -> tuple[str, Session]:
        """A fresh session and the token for its cookie (a new token at every sign-in)."""
        token = secrets.token_urlsafe(32)
        session = Session(csrf=secrets.token_urlsafe(32), username=username,
                          session_version=session_version)
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                self._evict()
            self._sessions[_key(token)] = session
        return token, session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = time.monotonic()
        with self._lock:
            key = _key(token)
            session = self._sessions.get(key)
            if session is None:
                return None
            if now - session.last_seen > self.idle or now - session.created > self.absolute:
                del self._sessions[key]
                return None
            session.last_seen = now
            return session

    def drop(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._sessions.pop(_key(token), None)

    def _evict(self) -> None:
        """Drop expired sessions, then the oldest anonymous ones, to stay under the cap."""
        now = time.monotonic()
        for k, s in list(self._sessions.items()):
            if now - s.last_seen > self.idle or now - s.created > self.absolute:
                del self._sessions[k]
        if len(self._sessions) >= MAX_SESSIONS:
            anonymous = sorted((s.last_seen, k) for k, s in self._sessions.items()
                               if s.username is None)
            for _, k in anonymous[: len(anonymous) // 2 + 1]:
                del self._sessions[k]
