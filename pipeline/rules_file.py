"""Rule and config files as data: read YAML, validate it with a pydantic model, and say
what is wrong (file, field, fix) before any submission is read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.errors import ConfigError

#: libyaml's parser when PyYAML was built with it (about ten times faster: a large
#: meeting's roster is read several times a run); the same documents as SafeLoader
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Where the project's rules live (policy profiles, redaction config, need-to-know tables).
RULES_DIR = Path(__file__).resolve().parent.parent / "redaction_rules"


def describe_errors(err: ValidationError, prefix: str = "", top_level: str = "") -> str:
    """Pydantic's errors as `<prefix><field.path>: <message>`, joined by "; ".

    An error about the whole file (no field path) reads `<prefix><top_level>: <message>`,
    or just the message when `top_level` is empty.
    """
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or top_level
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"{prefix}{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def load_yaml(path: Path, data: bytes | None = None) -> Any:
    """Read a YAML file (or `data`, its bytes already read), turning read and parse errors
    into ConfigError."""
    if data is None and not path.is_file():
        raise ConfigError(str(path), "file not found.", "check the path.")
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - YAML's scanner reads \r\n as \n
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
    raw: bytes | None = None,
) -> M:
    """Read a YAML file and validate it as `model`, or raise ConfigError naming the file.

    A validation failure reads "invalid <what>: <describe(err)>." with `fix`. With
    `not_mapping` (problem, fix), a file that is not a YAML mapping is refused with that
    text; otherwise the model reports it. `prepare` fills in a mapping before validation.
    `raw`: the file's bytes, when the caller has read them already.
    """
    data = load_yaml(path, raw)
    if not_mapping is not None and not isinstance(data, dict):
        raise ConfigError(str(path), *not_mapping)
    if prepare is not None:
        data = prepare(data)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ConfigError(str(path), f"invalid {what}: {describe(err)}.", fix) from None
