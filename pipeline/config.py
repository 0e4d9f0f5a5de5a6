"""The meeting config (docs/meeting-config.md), validated on load.

A bad config fails before any submission is read, naming the file, the field and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.errors import ConfigError
from pipeline.models import MeetingType, SubjectRole

_STRICT = ConfigDict(frozen=True, extra="forbid")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

#: Where the project's rules live (policy profiles, redaction config, need-to-know tables).
RULES_DIR = Path(__file__).resolve().parent.parent / "redaction_rules"
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
    model_config = _STRICT

    id: PathSafe = Field(description="Meeting id; names the output folder.")
    type: MeetingType
    date: date
    purpose: str = Field(min_length=10)
    lookback_months: int = Field(default=24, ge=1, le=240)



class Member(BaseModel):
    """A person the meeting is about. Their names are kept in bundles (not third parties)."""

    model_config = _STRICT

    name: str = Field(min_length=2)
    dob: date | None = None
    role: SubjectRole
    #: other names the person is known by (nicknames, maiden names); also kept
    aliases: tuple[str, ...] = ()


class Family(BaseModel):
    model_config = _STRICT

    ref: PathSafe
    members: tuple[Member, ...] = Field(min_length=1)
    #: contact details held by the coordinator; never copied into bundles
    contact: dict[str, str] = Field(default_factory=dict)



class MeetingConfig(BaseModel):
    """A whole meeting: what it is for, who attends, which families it is about."""

    model_config = _STRICT

    meeting: Meeting
    agencies: tuple[str, ...] = Field(min_length=1)
    families: tuple[Family, ...] = Field(min_length=1)
    #: optional human names for agency codes, for documents
    agency_names: dict[str, str] = Field(default_factory=dict)

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

    def family(self, ref: str) -> Family | None:
        for f in self.families:
            if f.ref == ref:
                return f
        return None


def describe_errors(err: ValidationError, prefix: str = "") -> str:
    """Pydantic's errors as `<prefix><field.path>: <message>`, joined by "; "."""
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        parts.append(f"{prefix}{loc}: {e['msg']}")
    return "; ".join(parts)


def load_yaml(path: Path) -> Any:
    """Read a YAML file, turning read and parse errors into ConfigError."""
    if not path.is_file():
        raise ConfigError(str(path), "file not found.", "check the path.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(str(path), f"cannot be read as YAML ({type(exc).__name__}).",
                          "fix the YAML syntax.") from None


M = TypeVar("M", bound=BaseModel)


def load_model(
    path: Path,
    model: type[M],
    *,
    what: str,
    fix: str,
    describe: Callable[[ValidationError], str] = describe_errors,
    not_mapping: tuple[str, str] | None = None,
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> M:
    """Read a YAML file and validate it as `model`, or raise ConfigError naming the file.

    A validation failure reads "invalid <what>: <describe(err)>." with `fix`. With
    `not_mapping` (problem, fix), a file that is not a YAML mapping is refused with that
    text; otherwise the model reports it. `prepare` fills in a mapping before validation.
    """
    data = load_yaml(path)
    if not_mapping is not None and not isinstance(data, dict):
        raise ConfigError(str(path), *not_mapping)
    if prepare is not None:
        data = prepare(data)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ConfigError(str(path), f"invalid {what}: {describe(err)}.", fix) from None


def load_meeting(path: Path | str) -> MeetingConfig:
    """Load and validate a meeting config; raise ConfigError naming the field on failure."""
    return load_model(Path(path), MeetingConfig, what="meeting config",
                      fix="see docs/meeting-config.md.")
