"""Bad input to the key-custody commands (export_issuer_key, import_issuer_key) and to the offline opener
(``python -m microcred.credentials.escrow``): each is refused with a message that says what is wrong, and
nothing changes (no key re-sealed, no audit event, no file written or overwritten)."""

from __future__ import annotations

import base64
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric import x25519
from django.core.management import CommandError

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials import escrow
from microcred.credentials.models import IssuerKey
from microcred.credentials.tests.test_key_custody import _operator, _run


@pytest.fixture
def exported(issuers, tmp_path):
    """UB's active key exported to an X25519 operator key → (envelope path, operator private key path)."""
    operator_private, operator_public = _operator("x25519", tmp_path)
    out = tmp_path / "ub.escrow.json"
    _run("export_issuer_key", "ub", "--recipient", str(operator_public), "--out", str(out))
    return out, operator_private


def _sealed() -> dict:
    return {k.pk: k.sealed_private_key for k in IssuerKey.objects.all()}


def test_import_refuses_what_is_not_an_envelope_it_can_open_and_changes_nothing(exported, tmp_path, monkeypatch):
    envelope_path, operator_private = exported
    envelope = json.loads(envelope_path.read_text())
    files = {
        "binary.json": (b"\xff\xfe\x00\x81 not text", "is not JSON: it is not UTF-8 text"),
        "empty.json": (b"", "is not JSON"),
        "huge.json": (b" " * (escrow.MAX_ENVELOPE_BYTES + 1), "larger than 64 KB"),
        "list.json": (b"[]", "not an issuer-key escrow envelope"),
        "no-recipient.json": (json.dumps({**envelope, "recipient": "me"}).encode(), "names no recipient"),
        "edited.json": (json.dumps({**envelope, "keyNumber": 2}).encode(), "changed or is damaged"),
    }
    before = _sealed()
    for name, (content, message) in files.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(CommandError, match=message):
            _run("import_issuer_key", str(tmp_path / name), "--private-key", str(operator_private))
    with pytest.raises(CommandError, match=r"missing\.json: No such file"):
        _run("import_issuer_key", str(tmp_path / "missing.json"), "--private-key", str(operator_private))
    with pytest.raises(CommandError, match=r"nope\.pem: No such file"):
        _run("import_issuer_key", str(envelope_path), "--private-key", str(tmp_path / "nope.pem"))

    # The wrong operator key, a public key given as the private one, a passphrase that is not there or not needed.
    (tmp_path / "other").mkdir()
    other_private, other_public = _operator("rsa", tmp_path / "other")
    with pytest.raises(CommandError, match="encrypted to another operator key"):
        _run("import_issuer_key", str(envelope_path), "--private-key", str(other_private))
    with pytest.raises(CommandError, match="private key cannot be read"):
        _run("import_issuer_key", str(envelope_path), "--private-key", str(other_public))
    monkeypatch.delenv("NO_SUCH_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match=r"NO_SUCH_PASSPHRASE \(the passphrase\) is not set"):
        _run("import_issuer_key", str(envelope_path), "--private-key", str(operator_private), "--passphrase-env",
             "NO_SUCH_PASSPHRASE")  # fmt: skip
    monkeypatch.setenv("ESCROW_PASSPHRASE", "correct horse")
    with pytest.raises(CommandError, match="is not encrypted: give no passphrase"):
        _run("import_issuer_key", str(envelope_path), "--private-key", str(operator_private), "--passphrase-env",
             "ESCROW_PASSPHRASE")  # fmt: skip
    assert _sealed() == before
    assert not AuditEvent.objects.filter(action="issuer_key.imported").exists()


def test_import_never_adds_a_key_nor_replaces_another(exported, tmp_path):
    _, operator_private = exported
    operator_public = (tmp_path / "operator-x25519.pub.pem").read_bytes()
    ub = IssuerKey.objects.get(issuer__slug="ub", status="active")
    before = _sealed()
    unknown_issuer = {"issuer": "nope", "keyNumber": 1, "publicKeyMultibase": ""}
    another_number = {"issuer": "ub", "keyNumber": 9, "publicKeyMultibase": ""}
    another_key = {"issuer": "ub", "keyNumber": ub.number, "publicKeyMultibase": ""}
    for header, message in (
        (unknown_issuer, "no issuer 'nope'"),
        (another_number, "'ub' has no key-9"),
        (another_key, f"has the public key {ub.public_key_multibase}, not the envelope's"),
    ):
        key = vc.generate_private_key()
        header = {**header, "publicKeyMultibase": vc.public_key_to_multibase(key.public_key())}
        path = tmp_path / "crafted.json"
        path.write_text(json.dumps(escrow.seal_for_recipient(key, header, operator_public)))
        with pytest.raises(CommandError, match=message):
            _run("import_issuer_key", str(path), "--private-key", str(operator_private))
    assert _sealed() == before
    assert not AuditEvent.objects.filter(action="issuer_key.imported").exists()


def test_export_refuses_bad_arguments_before_anything_is_exported(issuers, tmp_path):
    operator_private, operator_public = _operator("x25519", tmp_path)
    existing = tmp_path / "existing.json"
    existing.write_text("keep me")
    cases = [
        (["--recipient", str(operator_public)], "the following arguments are required: --out"),
        (["--recipient", str(operator_public), "--out", str(existing)], "existing.json exists: choose another"),
        (["--recipient", str(operator_public), "--out", str(tmp_path / "no-dir" / "x.json")], "No such file"),
        (["--recipient", str(tmp_path / "nope.pem"), "--out", str(tmp_path / "a.json")], "nope.pem: No such file"),
        (["--recipient", str(operator_private), "--out", str(tmp_path / "b.json")], "not a PEM public key"),
        (["--recipient", str(operator_public), "--key", "9", "--out", str(tmp_path / "c.json")], "has no key-9"),
    ]
    for arguments, message in cases:
        with pytest.raises(CommandError, match=message):
            _run("export_issuer_key", "ub", *arguments)
    with pytest.raises(CommandError, match="no issuer 'nope'"):
        _run("export_issuer_key", "nope", "--recipient", str(operator_public), "--out", str(tmp_path / "d.json"))
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["existing.json", operator_private.name, operator_public.name]
    )
    assert not AuditEvent.objects.filter(action="issuer_key.exported").exists()


def test_the_offline_opener_says_what_is_wrong_and_never_overwrites(exported, tmp_path, capsys):
    envelope_path, operator_private = exported
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    no_recipient = tmp_path / "no-recipient.json"
    no_recipient.write_text(json.dumps({**json.loads(envelope_path.read_text()), "recipient": ["x"]}))
    existing = tmp_path / "existing.pem"
    existing.write_text("keep me")
    for source, out, message in (
        (binary, tmp_path / "a.pem", "not JSON: it is not UTF-8 text"),
        (no_recipient, tmp_path / "b.pem", "names no recipient"),
        (envelope_path, existing, "existing.pem exists: choose another file"),
    ):
        assert escrow.main([str(source), "--private-key", str(operator_private), "--out", str(out)]) == 1
        assert message in capsys.readouterr().err
    assert existing.read_text() == "keep me"
    assert not (tmp_path / "a.pem").exists() and not (tmp_path / "b.pem").exists()


def test_rotate_kek_names_a_damaged_key_and_changes_nothing(issuers, settings):
    damaged = IssuerKey.objects.get(issuer__slug="uu")
    IssuerKey.objects.filter(pk=damaged.pk).update(sealed_private_key="damaged in a manual edit")
    settings.CREDENTIAL_KEK_PREVIOUS = [settings.CREDENTIAL_KEK]
    settings.CREDENTIAL_KEK = base64.urlsafe_b64encode(bytes(range(100, 132))).decode()
    before = _sealed()
    with pytest.raises(CommandError, match=f"{re.escape(damaged.verification_method_id)}: .*not in a known"):
        _run("rotate_kek")
    assert _sealed() == before
    assert not AuditEvent.objects.filter(action="credential_kek.rotated").exists()


class _NotAKey:
    """What a made-up envelope may hold instead of a PEM private key."""

    def __init__(self, content: bytes):
        self.content = content

    def private_bytes(self, *args) -> bytes:
        return self.content


def test_an_envelope_made_to_hold_something_else_is_refused(exported, tmp_path):
    _, operator_private = exported
    operator_public = (tmp_path / "operator-x25519.pub.pem").read_bytes()
    header = {"issuer": "ub", "keyNumber": 1, "publicKeyMultibase": "z6Mk"}
    for content, message in (
        (_NotAKey(b"not a PEM key"), "does not hold a private key"),
        (x25519.X25519PrivateKey.generate(), "does not hold an Ed25519 key"),
    ):
        envelope = escrow.seal_for_recipient(content, header, operator_public)
        with pytest.raises(escrow.EscrowError, match=message):
            escrow.open_envelope(envelope, operator_private.read_bytes())
