"""The identity step's weights and thresholds as data (redaction_rules/identity.yaml),
validated on load."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from pipeline.models import FROZEN
from pipeline.rules_file import RULES_DIR, load_model

IDENTITY_PATH = RULES_DIR / "identity.yaml"

ForenameLevel = Literal["exact", "alias", "nickname", "close", "middle", "prefix", "initial",
                        "placeholder", "missing", "different"]
SurnameLevel = Literal["exact", "part", "close", "missing", "different"]
DobLevel = Literal["exact", "swapped", "near", "missing", "different"]
RoleLevel = Literal["agrees", "neutral", "conflicts"]


def _ordered(name: str, weights: dict[str, float], top: str, bottom: str) -> None:
    if max(weights.values()) != weights[top]:
        raise ValueError(f"{name}: '{top}' must carry the highest weight")
    if min(weights.values()) != weights[bottom]:
        raise ValueError(f"{name}: '{bottom}' must carry the lowest weight")
    if weights[bottom] >= 0:
        raise ValueError(f"{name}: '{bottom}' must be negative (evidence against a match)")


class ForenameWeights(BaseModel):
    model_config = FROZEN

    exact: float
    alias: float
    nickname: float
    close: float
    middle: float
    prefix: float
    initial: float
    placeholder: float
    missing: float
    different: float

    @model_validator(mode="after")
    def _order(self) -> ForenameWeights:
        _ordered("weights.forename", self.model_dump(), "exact", "different")
        return self


class SurnameWeights(BaseModel):
    model_config = FROZEN

    exact: float
    part: float
    close: float
    missing: float
    different: float

    @model_validator(mode="after")
    def _order(self) -> SurnameWeights:
        _ordered("weights.surname", self.model_dump(), "exact", "different")
        return self


class DobWeights(BaseModel):
    model_config = FROZEN

    exact: float
    swapped: float
    near: float
    missing: float
    different: float

    @model_validator(mode="after")
    def _order(self) -> DobWeights:
        _ordered("weights.dob", self.model_dump(), "exact", "different")
        return self


class RoleWeights(BaseModel):
    model_config = FROZEN

    agrees: float
    neutral: float
    conflicts: float

    @model_validator(mode="after")
    def _order(self) -> RoleWeights:
        _ordered("weights.role", self.model_dump(), "agrees", "conflicts")
        return self


class Weights(BaseModel):
    model_config = FROZEN

    forename: ForenameWeights
    surname: SurnameWeights
    dob: DobWeights
    role: RoleWeights


class Thresholds(BaseModel):
    model_config = FROZEN

    link: float
    review: float
    margin: float = Field(ge=0)

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.review >= self.link:
            raise ValueError("thresholds: review must be below link")
        return self


class Fuzzy(BaseModel):
    model_config = FROZEN

    min_length: int = Field(ge=3, le=10)
    long_length: int = Field(ge=5, le=20)
    prefix_length: int = Field(ge=2, le=6)

    @model_validator(mode="after")
    def _order(self) -> Fuzzy:
        if self.long_length <= self.min_length:
            raise ValueError("fuzzy: long_length must be above min_length")
        return self


class IdentitySettings(BaseModel):
    """redaction_rules/identity.yaml."""

    model_config = FROZEN

    version: Literal[1]
    weights: Weights
    thresholds: Thresholds
    fuzzy: Fuzzy

    @model_validator(mode="after")
    def _reachable(self) -> IdentitySettings:
        w = self.weights
        best = w.forename.exact + w.surname.exact + w.dob.exact + w.role.agrees
        if best < self.thresholds.link:
            raise ValueError(
                f"thresholds.link ({self.thresholds.link}) is above the best possible score "
                f"({best}): nothing would ever be linked")
        return self


def load_identity_settings(path: Path | None = None) -> IdentitySettings:
    """Load redaction_rules/identity.yaml (or `path`); ConfigError names the problem."""
    return load_model(Path(path) if path else IDENTITY_PATH, IdentitySettings,
                      what="identity settings", fix="see docs/identity.md.")
