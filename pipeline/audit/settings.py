"""Audit settings (redaction_rules/audit.yaml), validated on load, and the escrow key lookup."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, get_args

from cryptography.fernet import Fernet
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from pipeline.errors import ConfigError
from pipeline.models import FROZEN, MeetingType
from pipeline.rules_file import RULES_DIR, load_model

DEFAULT_SETTINGS = RULES_DIR / "audit.yaml"
ENV_URL = "CASEBUNDLE_AUDIT_URL"
ENV_STATE_DIR = "CASEBUNDLE_STATE_DIR"
ENV_KEY = "CASEBUNDLE_ESCROW_KEY"
DEFAULT_STATE_DIR = ".casebundle"
#: the repository root: key files must not live under it (they would end up in git)
REPO_ROOT = RULES_DIR.parent



class EscrowSettings(BaseModel):
    model_config = FROZEN

    key_file: Path | None = None
    required: bool = False


class AuditSettings(BaseModel):
    """Where the decision record lives, how escrow is keyed, how long things are kept."""

    model_config = FROZEN

    database_url: str = Field(repr=False)  # may hold a password: never logged, see safe_url
    escrow: EscrowSettings = EscrowSettings()
    retention_months: dict[MeetingType, int]
    source: str = ""  # the file these settings came from, for messages

    @field_validator("database_url")
    @classmethod
    def _parse_url(cls, v: str) -> str:
        try:
            make_url(v)
        except ArgumentError:
            raise ValueError("not a SQLAlchemy database URL (e.g. sqlite:////abs/path.db)") from None
        return v

    @field_validator("retention_months")
    @classmethod
    def _every_type(cls, v: dict[str, int]) -> dict[str, int]:
        missing = [t for t in get_args(MeetingType) if t not in v]
        if missing:
            raise ValueError(f"no retention period for meeting type(s): {', '.join(missing)}")
        bad = [t for t, months in v.items() if not 1 <= months <= 240]
        if bad:
            raise ValueError(f"retention for {', '.join(bad)} must be 1 to 240 months")
        return v

    @property
    def safe_url(self) -> str:
        """The database URL with any password masked, for messages."""
        return make_url(self.database_url).render_as_string(hide_password=True)


def default_database_url(state_dir: Path | None = None) -> str:
    """SQLite file in `state_dir`, else CASEBUNDLE_STATE_DIR (default .casebundle), as an
    absolute URL."""
    state = Path(state_dir or os.environ.get(ENV_STATE_DIR) or DEFAULT_STATE_DIR).resolve()
    return f"sqlite:///{state / 'audit.sqlite'}"


def load_audit_settings(path: Path | None = None, *, state_dir: Path | None = None
                        ) -> AuditSettings:
    """Load and check audit.yaml; env CASEBUNDLE_AUDIT_URL overrides the database URL.

    With no URL configured the store is `audit.sqlite` in `state_dir` (a command's --state),
    else in CASEBUNDLE_STATE_DIR.
    """
    p = path or DEFAULT_SETTINGS

    def fill_in(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["database_url"] = (
            os.environ.get(ENV_URL) or data.get("database_url")
            or default_database_url(state_dir)
        )
        data["source"] = str(p)
        return data

    settings = load_model(
        p, AuditSettings, what="audit settings", fix="see docs/audit.md.",
        not_mapping=("must be a mapping of settings.", "see docs/audit.md."),
        prepare=fill_in,
    )
    key_file = settings.escrow.key_file
    if key_file is not None and not os.environ.get(ENV_KEY):
        _check_key_file(p, key_file)
    return settings


def _check_key_file(source: Path, key_file: Path) -> None:
    resolved = key_file.expanduser().resolve()
    if resolved.is_relative_to(REPO_ROOT):
        raise ConfigError(str(source), "escrow.key_file is inside the casebundle repository.",
                          "move the key outside the repo and outputs (e.g. /etc/casebundle/).")
    if not resolved.is_file():
        raise ConfigError(str(source), f"escrow.key_file {resolved} does not exist.",
                          "create it with `casebundle audit keygen --out FILE`, or set "
                          "key_file: null to run without escrow.")


def load_escrow_key(settings: AuditSettings) -> bytes | None:
    """The Fernet key from CASEBUNDLE_ESCROW_KEY, else escrow.key_file, else None."""
    raw: bytes | None = None
    where = ENV_KEY
    env = os.environ.get(ENV_KEY)
    if env:
        raw = env.strip().encode("ascii", errors="replace")
    elif settings.escrow.key_file is not None:
        where = str(settings.escrow.key_file)
        try:
            raw = settings.escrow.key_file.expanduser().read_bytes().strip()
        except OSError as exc:
            raise ConfigError(where, f"escrow key cannot be read ({type(exc).__name__}).",
                              "check the path and that it is readable by this user.") from None
    if raw is None:
        return None
    try:
        Fernet(raw)
    except ValueError:
        raise ConfigError(where, "is not a valid escrow key (32 url-safe base64 bytes).",
                          "generate one with `casebundle audit keygen --out FILE`.") from None
    return raw
