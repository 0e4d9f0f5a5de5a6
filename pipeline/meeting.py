"""The meeting config (docs/meeting-config.md), validated on load.

A bad config fails before any submission is read, naming the file, the field and the fix.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from pipeline.models import FROZEN, MeetingType, SubjectRole
from pipeline.rules_file import load_model

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

#: The bundled sample meeting used by `casebundle run` with no arguments.
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_inputs"
SAMPLE_MEETING = SAMPLE_DIR / "meeting.yaml"
SAMPLE_INBOX = SAMPLE_DIR / "INBOX"


def _path_safe(v: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", v):
        raise ValueError("use letters, digits, '-', '_' or '.' only (it names a folder or file)")
    return v


#: an id that names a folder or file: no path separators, no leading dot
PathSafe = Annotated[str, AfterValidator(_path_safe)]


class Meeting(BaseModel):
    model_config = FROZEN

    id: PathSafe = Field(description="Meeting id; names the output folder.")
    type: MeetingType
    date: date
    purpose: str = Field(min_length=10)
    lookback_months: int = Field(default=24, ge=1, le=240)



class Member(BaseModel):
    """A person the meeting is about. Their names are kept in bundles (not third parties)."""

    model_config = FROZEN

    name: str = Field(min_length=2)
    dob: date | None = None
    role: SubjectRole
    #: other names the person is known by (nicknames, maiden names); also kept
    aliases: tuple[str, ...] = ()


class Family(BaseModel):
    model_config = FROZEN

    ref: PathSafe
    members: tuple[Member, ...] = Field(min_length=1)
    #: contact details held by the coordinator; never copied into bundles
    contact: dict[str, str] = Field(default_factory=dict)



class MeetingRedaction(BaseModel):
    """What this meeting's redaction explains beyond the shared rules (docs/redaction.md)."""

    model_config = FROZEN

    #: places, services and organisations this meeting must keep: the estate, the shopping
    #: parade, the local school ("Heron Reach", "Kingsway Parade"); never people
    known_words: tuple[str, ...] = ()


class MeetingConfig(BaseModel):
    """A whole meeting: what it is for, who attends, which families it is about."""

    model_config = FROZEN

    meeting: Meeting
    agencies: tuple[str, ...] = Field(min_length=1)
    families: tuple[Family, ...] = Field(min_length=1)
    #: optional human names for agency codes, for documents
    agency_names: dict[str, str] = Field(default_factory=dict)
    redaction: MeetingRedaction = MeetingRedaction()

    @field_validator("agencies")
    @classmethod
    def _agency_codes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [a for a in v if not _CODE.match(a)]
        if bad:
            raise ValueError(
                f"agency codes must be lower-case letters, digits and '_' ({len(bad)} are not)"
            )
        if len(set(v)) != len(v):
            raise ValueError("an agency code is listed twice")
        return v

    @model_validator(mode="after")
    def _unique_families(self) -> MeetingConfig:
        refs = [f.ref for f in self.families]
        if len(set(refs)) != len(refs):
            raise ValueError("a family ref is listed twice")
        return self

    #: ref -> family, for the `families` tuple it was built from (a copy with other
    #: families builds its own): one lookup per item, not a scan of the families
    _index: tuple[tuple[Family, ...], dict[str, Family]] | None = PrivateAttr(default=None)

    def family(self, ref: str) -> Family | None:
        index = self._index
        if index is None or index[0] is not self.families:
            index = self._index = (self.families, {f.ref: f for f in self.families})
        return index[1].get(ref)


#: (resolved path, sha256 of the file's bytes) -> the config validated from those bytes
_LOADED: dict[tuple[str, str], MeetingConfig] = {}
_LOADED_MAX = 2


def load_meeting(path: Path | str) -> MeetingConfig:
    """Load and validate a meeting config; raise ConfigError naming the field on failure.

    A config already validated in this process from the same bytes is not validated
    again (`casebundle run` checks the meeting before Prefect starts and the flow loads
    it: with a 519-family roster the two loads were 427 of the flow process's 4,144
    profile samples in a 10,000-item warm run). The model is frozen, so the one object
    can be shared."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:  # load_model names the problem
        raw = None
    key = (str(path.resolve()), hashlib.sha256(raw).hexdigest()) if raw is not None else None
    found = _LOADED.get(key) if key is not None else None
    if found is not None:
        return found
    config = load_model(path, MeetingConfig, what="meeting config",
                        fix="see docs/meeting-config.md.", raw=raw)
    if key is not None:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = config
    return config
