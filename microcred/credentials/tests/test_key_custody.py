"""Key custody (issue #19 item 2): KEK rotation without downtime, escrow export and import, the signer seam."""

from __future__ import annotations

import base64
import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, x25519
from django.core.management import CommandError, call_command

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.core.tests import fresh_process
from microcred.credentials import escrow, keys, signers
from microcred.credentials.checks import check_credential_kek
from microcred.credentials.keys import KeyEncryptionKeyError
from microcred.credentials.models import IssuedCredential, IssuerKey
from microcred.credentials.services.issuers import private_key_of, resolve_verification_method
from microcred.credentials.services.key_custody import rotate_kek
from microcred.credentials.services.verification import verify_credential_document
from microcred.credentials.tests import out_of_process_signer
from microcred.credentials.tests.conftest import OTHER_KEK, TEST_KEK

ROOT = Path(__file__).resolve().parents[3]
NEW_KEK = base64.urlsafe_b64encode(bytes(range(200, 232))).decode()
REMOTE_BACKEND = "microcred.credentials.tests.out_of_process_signer.signer_for"


def _id(kek_text: str) -> str:
    return keys.kek_id(base64.urlsafe_b64decode(kek_text))


def _verifies(document: dict) -> bool:
    report = verify_credential_document(document)
    return report.is_valid


def _run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


# --- KEK rotation ---------------------------------------------------------------------------------------


def test_kek_rotation_keeps_signing_throughout_and_refuses_the_old_kek_afterwards(issuers, issue, settings):
    before = issue()
    assert {keys.sealed_kek_id(k.sealed_private_key) for k in IssuerKey.objects.all()} == {_id(TEST_KEK)}

    # 1. Every process gets the new KEK, the old one as previous: signing goes on (keys open with the old one).
    settings.CREDENTIAL_KEK = NEW_KEK
    settings.CREDENTIAL_KEK_PREVIOUS = [TEST_KEK]
    assert [m.id for m in check_credential_kek()] == ["credentials.W004"]
    during = issue()
    assert _verifies(during.document)

    # 2. rotate_kek re-seals every key under the new KEK, reports the counts and is audited once.
    output = _run("rotate_kek")
    assert f"3 re-sealed, 0 already under KEK id {_id(NEW_KEK)}" in output
    assert f"from KEK id {_id(TEST_KEK)}" in output
    assert "remove CREDENTIAL_KEK_PREVIOUS" in output
    assert {keys.sealed_kek_id(k.sealed_private_key) for k in IssuerKey.objects.all()} == {_id(NEW_KEK)}
    event = AuditEvent.objects.get(action="credential_kek.rotated")
    assert event.changes["from_kek_ids"] == {_id(TEST_KEK): 3}
    assert TEST_KEK not in json.dumps(event.changes) and NEW_KEK not in json.dumps(event.changes)

    # Idempotent: again, nothing changes and nothing more is recorded.
    sealed = {k.pk: k.sealed_private_key for k in IssuerKey.objects.all()}
    assert "0 re-sealed, 3 already under" in _run("rotate_kek")
    assert {k.pk: k.sealed_private_key for k in IssuerKey.objects.all()} == sealed
    assert AuditEvent.objects.filter(action="credential_kek.rotated").count() == 1

    # 3. The old KEK leaves the environment: old credentials verify, new ones are signed.
    settings.CREDENTIAL_KEK_PREVIOUS = []
    assert check_credential_kek() == []
    after = issue()
    for credential in (before, during, after):
        assert _verifies(credential.document), credential.pk
    assert after.document["proof"][0]["verificationMethod"] == before.document["proof"][0]["verificationMethod"]

    # 4. The old KEK alone is refused, naming the KEK id the keys are sealed under.
    settings.CREDENTIAL_KEK = TEST_KEK
    count = IssuedCredential.objects.count()
    with pytest.raises(KeyEncryptionKeyError, match=f"unknown KEK id {_id(NEW_KEK)}"):
        issue()
    assert IssuedCredential.objects.count() == count
    assert {m.id for m in check_credential_kek()} == {"credentials.E002"}
    with pytest.raises(CommandError, match=f"unknown KEK id {_id(NEW_KEK)}"):
        _run("rotate_kek")


def test_a_previous_kek_never_seals(issuers, settings):
    settings.CREDENTIAL_KEK = NEW_KEK
    settings.CREDENTIAL_KEK_PREVIOUS = [TEST_KEK]
    key = IssuerKey.objects.get(issuer__slug="ub")
    assert keys.sealed_kek_id(keys.seal(b"x" * 32, key.associated_data)) == _id(NEW_KEK)


def test_rotation_is_all_or_nothing_when_one_key_opens_with_no_configured_kek(issuers, settings):
    stray = IssuerKey.objects.get(issuer__slug="uu")
    seed = private_key_of(stray).private_bytes_raw()
    stray.sealed_private_key = keys.seal(seed, stray.associated_data, base64.urlsafe_b64decode(OTHER_KEK))
    stray.save()
    settings.CREDENTIAL_KEK = NEW_KEK
    settings.CREDENTIAL_KEK_PREVIOUS = [TEST_KEK]
    before = {k.pk: k.sealed_private_key for k in IssuerKey.objects.all()}
    with pytest.raises(KeyEncryptionKeyError, match=f"unknown KEK id {_id(OTHER_KEK)}.*CREDENTIAL_KEK_PREVIOUS ids"):
        rotate_kek()
    assert {k.pk: k.sealed_private_key for k in IssuerKey.objects.all()} == before
    assert not AuditEvent.objects.filter(action="credential_kek.rotated").exists()


def test_a_malformed_previous_kek_is_a_startup_error(issuers, settings):
    settings.CREDENTIAL_KEK_PREVIOUS = ["not-a-kek"]
    errors = check_credential_kek()
    assert [e.id for e in errors] == ["credentials.E001"]
    assert errors[0].msg.startswith("CREDENTIAL_KEK_PREVIOUS: ")


SETTINGS_PROBE = """
import json
from django.conf import settings
from microcred.credentials import keys, signers
print(json.dumps({
    "previous": settings.CREDENTIAL_KEK_PREVIOUS,
    "known": list(keys.known_keks()),
    "signer": signers.backend_name(),
}))
"""


def _probe(**env) -> dict:
    drop = {"CREDENTIAL_KEK", "CREDENTIAL_KEK_PREVIOUS", "CREDENTIAL_SIGNER"}
    result = fresh_process.shell(SETTINGS_PROBE, drop=drop, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_key_custody_settings_are_read_from_the_environment():
    assert _probe(CREDENTIAL_KEK=NEW_KEK) == {"previous": [], "known": [_id(NEW_KEK)], "signer": "software"}
    probed = _probe(
        CREDENTIAL_KEK=NEW_KEK, CREDENTIAL_KEK_PREVIOUS=f"{TEST_KEK}, {OTHER_KEK}", CREDENTIAL_SIGNER=REMOTE_BACKEND
    )
    assert probed == {
        "previous": [TEST_KEK, OTHER_KEK],
        "known": [_id(NEW_KEK), _id(TEST_KEK), _id(OTHER_KEK)],
        "signer": REMOTE_BACKEND,
    }


# --- escrow ---------------------------------------------------------------------------------------------


def _operator(kind: str, directory: Path) -> tuple[Path, Path]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=3072) if kind == "rsa" else None
    private = private or x25519.X25519PrivateKey.generate()
    private_path, public_path = directory / f"operator-{kind}.pem", directory / f"operator-{kind}.pub.pem"
    private_path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public_path.write_bytes(
        private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private_path, public_path


def _resigned(document: dict, signer, vm: str) -> dict:
    unsigned = copy.deepcopy(vc.unsecured(document))
    unsigned["id"] = "urn:uuid:00000000-0000-4000-8000-00000000e5c0"
    return vc.sign(unsigned, signer, vm)


@pytest.mark.parametrize("kind", ["rsa", "x25519"])
def test_escrow_round_trip_gives_a_key_that_signs_for_the_issuers_did(kind, issuers, issue, tmp_path):
    credential = issue()
    vm = credential.document["proof"][0]["verificationMethod"]
    issuer_key = IssuerKey.objects.get(issuer__slug=credential.issuer.slug, status="active")
    operator_private, operator_public = _operator(kind, tmp_path)
    out = tmp_path / "ub-key.escrow.json"

    output = _run("export_issuer_key", issuer_key.issuer.slug, "--recipient", str(operator_public), "--out", str(out))
    assert vm in output and str(out) in output
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    envelope = json.loads(out.read_text())
    seed = private_key_of(issuer_key).private_bytes_raw()
    for encoded in (seed.hex(), base64.b64encode(seed).decode()[:40], base64.urlsafe_b64encode(seed).decode()[:40]):
        assert encoded not in out.read_text()
    assert envelope["verificationMethod"] == vm and envelope["keyNumber"] == issuer_key.number
    event = AuditEvent.objects.get(action="issuer_key.exported")
    assert event.changes["key"] == vm
    assert event.changes["recipient"]["publicKeySha256"] == envelope["recipient"]["publicKeySha256"]

    # Offline decryption, without the platform: the documented command writes the key as PKCS#8 PEM.
    recovered_path = tmp_path / "recovered.pem"
    opened = subprocess.run(
        [
            sys.executable,
            "-m",
            "microcred.credentials.escrow",
            str(out),
            "--private-key",
            str(operator_private),
            "--out",
            str(recovered_path),
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "CREDENTIAL_KEK"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert opened.returncode == 0, opened.stderr
    recovered = serialization.load_pem_private_key(recovered_path.read_bytes(), password=None)
    resigned = _resigned(credential.document, recovered, vm)
    assert vc.verify(resigned, resolve_key=resolve_verification_method).verified
    assert _verifies(resigned)


def test_import_restores_an_escrowed_key_after_the_kek_is_lost(issuers, issue, settings, tmp_path):
    operator_private, operator_public = _operator("x25519", tmp_path)
    out = tmp_path / "ub.json"
    _run("export_issuer_key", "ub", "--recipient", str(operator_public), "--out", str(out))
    settings.CREDENTIAL_KEK = NEW_KEK  # the old KEK is lost
    with pytest.raises(KeyEncryptionKeyError):
        issue()
    assert "restored and sealed under the current KEK" in _run(
        "import_issuer_key", str(out), "--private-key", str(operator_private)
    )
    ub = IssuerKey.objects.get(issuer__slug="ub", status="active")
    assert keys.sealed_kek_id(ub.sealed_private_key) == _id(NEW_KEK)
    assert _verifies(issue().document)  # make_version's credentials are issued by UB
    assert "unchanged" in _run("import_issuer_key", str(out), "--private-key", str(operator_private))
    assert AuditEvent.objects.filter(action="issuer_key.imported").count() == 1


def test_escrow_refuses_weak_recipients_other_operators_and_changed_envelopes(issuers, tmp_path):
    weak = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    weak_path = tmp_path / "weak.pem"
    weak_path.write_bytes(
        weak.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(CommandError, match="2048 bits; at least 3072"):
        _run("export_issuer_key", "ub", "--recipient", str(weak_path), "--out", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()
    assert not AuditEvent.objects.filter(action="issuer_key.exported").exists()
    with pytest.raises(CommandError, match="no issuer 'nope'"):
        _, public = _operator("x25519", tmp_path)
        _run("export_issuer_key", "nope", "--recipient", str(public), "--out", str(tmp_path / "y.json"))

    operator_private, operator_public = _operator("rsa", tmp_path)
    out = tmp_path / "ub.json"
    _run("export_issuer_key", "ub", "--recipient", str(operator_public), "--out", str(out))
    with pytest.raises(CommandError, match="exists"):
        _run("export_issuer_key", "ub", "--recipient", str(operator_public), "--out", str(out))
    envelope = json.loads(out.read_text())
    (tmp_path / "other").mkdir()
    other_private, _ = _operator("x25519", tmp_path / "other")
    with pytest.raises(escrow.EscrowError, match="another operator key"):
        escrow.open_envelope(envelope, other_private.read_bytes())
    moved = {**envelope, "issuer": "uu"}
    with pytest.raises(escrow.EscrowError, match="changed or is damaged"):
        escrow.open_envelope(moved, operator_private.read_bytes())
    moved_path = tmp_path / "moved.json"
    moved_path.write_text(json.dumps(moved))
    sealed_before = {k.pk: k.sealed_private_key for k in IssuerKey.objects.all()}
    with pytest.raises(CommandError, match="changed or is damaged"):
        _run("import_issuer_key", str(moved_path), "--private-key", str(operator_private))
    assert {k.pk: k.sealed_private_key for k in IssuerKey.objects.all()} == sealed_before


# --- the signer seam --------------------------------------------------------------------------------------


@pytest.fixture
def remote_signer(issuers, tmp_path, settings):
    """An out-of-process signer provisioned from escrow with every active issuer key, and CREDENTIAL_SIGNER
    naming it."""
    operator_private, operator_public = _operator("x25519", tmp_path)
    envelopes = []
    for issuer_key in IssuerKey.objects.filter(status="active").select_related("issuer"):
        path = tmp_path / f"{issuer_key.issuer.slug}.json"
        _run("export_issuer_key", issuer_key.issuer.slug, "--recipient", str(operator_public), "--out", str(path))
        envelopes.append(path)
    process = out_of_process_signer.SignerProcess(operator_private, envelopes)
    out_of_process_signer.current = process
    settings.CREDENTIAL_SIGNER = REMOTE_BACKEND
    yield process
    out_of_process_signer.current = None
    process.close()


def test_a_signer_out_of_process_issues_credentials_that_verify(remote_signer, issue, settings, tmp_path):
    assert remote_signer.pid != os.getpid()
    settings.CREDENTIAL_KEK = ""  # this process cannot open any issuer key: only the other process signs
    settings.DEBUG = False
    assert check_credential_kek() == []
    credential = issue()
    assert remote_signer.request(op="stats")["signatures"] >= 2  # the credential and its status list
    assert _verifies(credential.document)
    assert vc.verify(credential.document, resolve_key=resolve_verification_method).verified
    from microcred.credentials.tests import test_interop_node as node

    if node.NODE and (node.INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        code, output, stderr = node._node_verify(node.INTEROP / "verify.mjs", tmp_path, credential.document)
        assert (code, output.get("verified")) == (0, True), (output, stderr)


def test_a_signer_holding_another_key_signs_nothing(remote_signer, issue, make_version, settings):
    version = make_version()
    settings.CREDENTIAL_SIGNER = "microcred.credentials.tests.test_key_custody.wrong_key_backend"
    with pytest.raises(signers.SignerUnavailable, match="holds another key than"):
        issue(version=version)
    assert IssuedCredential.objects.count() == 0
    assert {m.id for m in check_credential_kek()} == {"credentials.E003"}
    settings.CREDENTIAL_SIGNER = "microcred.credentials.tests.nowhere.signer_for"
    with pytest.raises(signers.SignerUnavailable, match='neither "software" nor the dotted path'):
        issue(version=version)
    assert IssuedCredential.objects.count() == 0


def wrong_key_backend(issuer_key):
    return vc.SoftwareSigner(vc.generate_private_key())


class _FailingDevice:
    """A backend's signer whose device fails when asked to sign (an HSM's token pulled out)."""

    def __init__(self, issuer_key):
        self.public_key = vc.public_key_from_multibase(issuer_key.public_key_multibase)

    def sign(self, data):
        raise OSError("the token was removed")


def failing_device_backend(issuer_key):
    return _FailingDevice(issuer_key)


def unreachable_backend(issuer_key):
    raise TimeoutError("the signing service did not answer")


def locked_backend(issuer_key):
    raise signers.SignerUnavailable("The token is locked: an operator must log in to it.")


class _LockedDevice(_FailingDevice):
    """A backend's signer that says clearly, when asked to sign, why it cannot."""

    def sign(self, data):
        raise signers.SignerUnavailable("The token locked itself: an operator must log in to it again.")


def locking_device_backend(issuer_key):
    return _LockedDevice(issuer_key)


def test_a_signer_backend_that_fails_says_what_failed_and_signs_nothing(issuers, issue, make_version, settings, caplog):
    version = make_version()
    settings.CREDENTIAL_SIGNER = "microcred.credentials.tests.test_key_custody.failing_device_backend"
    with pytest.raises(signers.SignerUnavailable, match=r"could not sign with .*\(OSError\); nothing was signed"):
        issue(version=version)
    settings.CREDENTIAL_SIGNER = "microcred.credentials.tests.test_key_custody.unreachable_backend"
    with pytest.raises(signers.SignerUnavailable, match=r"could not open .*\(TimeoutError\); nothing"):
        issue(version=version)
    settings.CREDENTIAL_SIGNER = "microcred.credentials.tests.test_key_custody.locked_backend"
    with pytest.raises(signers.SignerUnavailable, match=r"^The token is locked: an operator must log in to it\.$"):
        issue(version=version)  # a backend's own clear error is passed on as it is
    settings.CREDENTIAL_SIGNER = "microcred.credentials.tests.test_key_custody.locking_device_backend"
    with pytest.raises(signers.SignerUnavailable, match=r"^The token locked itself: an operator must log in to it again\.$"):
        issue(version=version)  # also when it is raised while signing
    assert IssuedCredential.objects.count() == 0
    assert signers.SignerUnavailable.status == 503  # a clear "unavailable", not a server error
    logged = [r for r in caplog.records if r.name == "microcred.credentials.signers"]
    assert [type(r.exc_info[1]) for r in logged] == [OSError, TimeoutError]  # the device's own error, for operators
    assert "the token was removed" in logged[0].getMessage()


def test_the_software_signer_is_the_default(issuers):
    key = IssuerKey.objects.get(issuer__slug="ub")
    signer = signers.signer_for(key)
    assert isinstance(signer, vc.SoftwareSigner)
    assert vc.public_key_to_multibase(signer.public_key) == key.public_key_multibase


def test_import_takes_a_passphrase_protected_operator_key_from_the_environment(
    issuers, issue, settings, tmp_path, monkeypatch
):
    operator = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    private_path, public_path = tmp_path / "op.pem", tmp_path / "op.pub.pem"
    private_path.write_bytes(
        operator.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"correct horse"),
        )
    )
    public_path.write_bytes(
        operator.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    out = tmp_path / "ub.json"
    _run("export_issuer_key", "ub", "--recipient", str(public_path), "--out", str(out))
    settings.CREDENTIAL_KEK = NEW_KEK
    with pytest.raises(CommandError, match="give its passphrase"):
        _run("import_issuer_key", str(out), "--private-key", str(private_path))
    monkeypatch.setenv("ESCROW_PASSPHRASE", "correct horse")
    _run("import_issuer_key", str(out), "--private-key", str(private_path), "--passphrase-env", "ESCROW_PASSPHRASE")
    assert _verifies(issue().document)
