"""The key-encryption key: start-up checks, no signing without it, never a private key in clear."""

import base64
import os

import pytest
from django.db import connection

from microcred import vc
from microcred.audit.models import AuditEvent
from microcred.credentials import keys
from microcred.credentials.checks import check_credential_kek
from microcred.credentials.keys import KeyEncryptionKeyError
from microcred.credentials.models import IssuedCredential, IssuerKey
from microcred.credentials.services.issuers import create_issuer_keys, private_key_of, rotate_issuer_key
from microcred.credentials.tests.conftest import OTHER_KEK


def test_the_right_kek_passes_the_check(issuers):
    assert check_credential_kek() == []


def test_missing_kek_is_a_startup_error_and_nothing_is_signed(issuers, make_version, issue, settings):
    version = make_version()
    settings.CREDENTIAL_KEK = ""
    settings.DEBUG = False
    errors = check_credential_kek()
    assert [e.id for e in errors] == ["credentials.E001"]
    assert "CREDENTIAL_KEK is not set" in errors[0].msg
    with pytest.raises(KeyEncryptionKeyError, match="CREDENTIAL_KEK is not set"):
        issue(version=version)
    assert IssuedCredential.objects.count() == 0


def test_wrong_kek_is_a_startup_error_and_nothing_is_signed_or_rotated(issuers, make_version, issue, settings):
    version = make_version()
    settings.CREDENTIAL_KEK = OTHER_KEK
    errors = check_credential_kek()
    assert {e.id for e in errors} == {"credentials.E002"}
    assert len(errors) == IssuerKey.objects.count() == 3
    assert "is not the key-encryption key" in errors[0].msg
    with pytest.raises(KeyEncryptionKeyError):
        issue(version=version)
    with pytest.raises(KeyEncryptionKeyError):
        rotate_issuer_key("ub")
    assert IssuedCredential.objects.count() == 0
    assert IssuerKey.objects.filter(issuer__slug="ub").count() == 1
    assert IssuerKey.objects.get(issuer__slug="ub").status == IssuerKey.Status.ACTIVE


def test_a_malformed_kek_is_refused_with_a_hint(issuers, settings):
    settings.CREDENTIAL_KEK = "too-short"
    errors = check_credential_kek()
    assert [e.id for e in errors] == ["credentials.E001"]
    assert "32 random bytes" in errors[0].msg


def test_without_kek_no_issuer_keys_can_be_created(alliance, settings):
    settings.CREDENTIAL_KEK = ""
    settings.DEBUG = False
    assert [w.id for w in check_credential_kek()] == ["credentials.I001"]
    with pytest.raises(KeyEncryptionKeyError):
        create_issuer_keys()
    assert IssuerKey.objects.count() == 0


def test_debug_generates_a_development_kek_under_var_dir_with_a_warning(alliance, settings, tmp_path, caplog):
    settings.CREDENTIAL_KEK = ""
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    create_issuer_keys()
    path = tmp_path / keys.DEV_KEK_FILENAME
    assert path.exists()
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert "DEVELOPMENT key-encryption key" in caplog.text
    assert [w.id for w in check_credential_kek()] == ["credentials.W002"]
    private_key_of(IssuerKey.objects.get())  # opens with the stored development KEK


def _encodings(secret: bytes) -> list[str]:
    return [
        secret.hex(),
        base64.b64encode(secret).decode().rstrip("="),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
        vc.private_key_to_multibase(vc.private_key_from_seed(secret)),
    ]


def test_private_keys_are_never_stored_or_logged_in_clear(issuers, issue):
    issue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM credentials_issuerkey")
        key_rows = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM credentials_issuedcredential")
        credential_rows = repr(cursor.fetchall())
    audit = repr(list(AuditEvent.objects.values()))
    for key in IssuerKey.objects.all():
        assert key.sealed_private_key.startswith("aesgcm1$")
        seed = private_key_of(key).private_bytes_raw()
        for encoded in _encodings(seed):
            assert encoded not in key_rows
            assert encoded not in credential_rows
            assert encoded not in audit
        assert key.sealed_private_key not in repr(key)
        assert key.sealed_private_key not in str(key)


def test_a_sealed_key_only_opens_on_its_own_row(issuers):
    ub = IssuerKey.objects.get(issuer__slug="ub")
    uu = IssuerKey.objects.get(issuer__slug="uu")
    ub.sealed_private_key = uu.sealed_private_key  # associated data binds it to uu key-1
    with pytest.raises(KeyEncryptionKeyError, match="could not be decrypted"):
        private_key_of(ub)


def test_a_sealed_value_in_no_known_format_is_a_startup_error_not_a_crash(issuers):
    IssuerKey.objects.filter(issuer__slug="ub").update(sealed_private_key="damaged in a manual edit")
    errors = check_credential_kek()
    assert [e.id for e in errors] == ["credentials.E002"]
    assert errors[0].msg.startswith("ub key-1: ") and "not in a known encrypted format" in errors[0].msg
