"""audit.yaml is checked on load; broken settings fail naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

from pipeline.audit import load_audit_settings, load_escrow_key
from pipeline.audit.settings import DEFAULT_SETTINGS, REPO_ROOT
from pipeline.errors import ConfigError

GOOD = {"database_url": None, "escrow": {"key_file": None, "required": False},
        "retention_months": {"jag": 12, "mash": 12, "marac": 24}}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CASEBUNDLE_AUDIT_URL", "CASEBUNDLE_STATE_DIR", "CASEBUNDLE_ESCROW_KEY"):
        monkeypatch.delenv(var, raising=False)


def _write(tmp_path: Path, **over: object) -> Path:
    data = {**GOOD, **over}
    p = tmp_path / "audit.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_project_settings_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(tmp_path / "state"))
    s = load_audit_settings()
    assert s.source == str(DEFAULT_SETTINGS)
    assert s.database_url == f"sqlite:///{tmp_path / 'state' / 'audit.sqlite'}"
    assert s.retention_months == {"jag": 12, "mash": 12, "marac": 24}
    assert load_escrow_key(s) is None


def test_env_url_overrides_and_password_is_masked(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("CASEBUNDLE_AUDIT_URL", "postgresql://cb:hunter2@db/audit")
    s = load_audit_settings(_write(tmp_path, database_url="sqlite:////x.db"))
    assert s.database_url.startswith("postgresql://")
    assert "hunter2" not in s.safe_url and "hunter2" not in repr(s)


@pytest.mark.parametrize(("over", "message"), [
    ({"retention_months": {"jag": 12, "mash": 12}}, "no retention period for meeting type"),
    ({"retention_months": {"jag": 0, "mash": 12, "marac": 24}}, "must be 1 to 240 months"),
    ({"retention_months": {"jag": 1, "mash": 1, "marac": 1, "scr": 1}}, "retention_months.scr"),
    ({"database_url": "not a url"}, "not a SQLAlchemy database URL"),
    ({"escrow": {"key_file": None, "requird": True}}, "escrow.requird"),
    ({"escrow": {"key_file": "/nonexistent/escrow.key"}}, "does not exist"),
    ({"escrow": {"key_file": str(REPO_ROOT / "escrow.key")}}, "inside the casebundle repo"),
])
def test_broken_settings_are_named(tmp_path: Path, over: dict[str, object],
                                   message: str) -> None:
    path = _write(tmp_path, **over)
    with pytest.raises(ConfigError, match=message) as err:
        load_audit_settings(path)
    assert str(path) in str(err.value)


def test_key_from_file_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "escrow.key"
    key = Fernet.generate_key()
    key_file.write_bytes(key + b"\n")
    s = load_audit_settings(_write(tmp_path, escrow={"key_file": str(key_file)}))
    assert load_escrow_key(s) == key
    other = Fernet.generate_key()
    monkeypatch.setenv("CASEBUNDLE_ESCROW_KEY", other.decode())
    assert load_escrow_key(s) == other


def test_bad_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEBUNDLE_ESCROW_KEY", "too-short")
    s = load_audit_settings(_write(tmp_path))
    with pytest.raises(ConfigError, match="not a valid escrow key"):
        load_escrow_key(s)
