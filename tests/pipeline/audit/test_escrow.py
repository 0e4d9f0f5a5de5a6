"""Pseudonym escrow: sealed at rest, revealed only with the key, every reveal recorded."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from pipeline.audit import AuditSettings, AuditStore, EscrowError, record_run, reveal, verify_store
from tests.pipeline.audit.conftest import RECIPIENTS, THIRD_PARTY, jag_run, marac_run


@pytest.fixture
def store(settings: AuditSettings, escrow_key: bytes) -> AuditStore:
    record_run(jag_run(), RECIPIENTS, settings)
    record_run(marac_run(), RECIPIENTS, settings)
    return AuditStore.from_settings(settings)


def _reveal(store: AuditStore, settings: AuditSettings, pseudonym: str = "[Third party A]",
            **kw: str) -> str:
    args = {"reason": "chair needs the name to check a bail condition", "by": "JAG chair"}
    args.update(kw)
    return reveal(store, settings, "JAG-2024-03", "F1", pseudonym, **args)


def test_reveal_with_key_is_audited(store: AuditStore, settings: AuditSettings) -> None:
    before = store.length()
    assert _reveal(store, settings) == THIRD_PARTY
    rec = store.all()[-1]
    assert store.length() == before + 1 and rec.kind == "reveal"
    body = rec.data()
    assert body["pseudonym"] == "[Third party A]" and body["by"] == "JAG chair"
    assert body["reason"].startswith("chair needs") and body["at"]
    assert THIRD_PARTY not in rec.body
    assert verify_store(store).ok


def test_reveal_without_key_fails(store: AuditStore, settings: AuditSettings,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEBUNDLE_ESCROW_KEY")
    before = store.length()
    with pytest.raises(EscrowError, match="no escrow key is configured"):
        _reveal(store, settings)
    assert store.length() == before


def test_reveal_with_wrong_key_fails(store: AuditStore, settings: AuditSettings,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEBUNDLE_ESCROW_KEY", Fernet.generate_key().decode())
    with pytest.raises(EscrowError, match="does not open"):
        _reveal(store, settings)


@pytest.mark.parametrize(("kw", "message"), [
    ({"reason": "why"}, "at least 10 characters"),
    ({"by": " "}, "needs --by"),
    ({"pseudonym": "[Third party Z]"}, r"Known: \[Third party A\], \[Third party B\]"),
])
def test_reveal_refusals(store: AuditStore, settings: AuditSettings, kw: dict[str, str],
                         message: str) -> None:
    before = store.length()
    with pytest.raises(EscrowError, match=message):
        _reveal(store, settings, **kw)
    assert store.length() == before


def test_reveal_unknown_family(store: AuditStore, settings: AuditSettings) -> None:
    with pytest.raises(EscrowError, match="no escrowed mapping"):
        reveal(store, settings, "JAG-2024-03", "F404", "[Third party A]",
               reason="checking a duplicate record", by="chair")
