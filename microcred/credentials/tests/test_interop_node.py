"""Independent verification: Digital Bazaar's Node stack (tests/interop/verify.mjs) accepts what we issue, offline.

Skipped only when `node` is not installed; without tests/interop/node_modules the test runs `npm ci` once.
"""

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from microcred import vc
from microcred.credentials.models import Issuer, StatusList
from microcred.credentials.services.issuers import did_document, rotate_issuer_key
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.tests.helpers import TINY_SVG, tiny_png
from microcred.roles import Role

INTEROP = Path(__file__).resolve().parents[3] / "tests" / "interop"
NODE = shutil.which("node")


@pytest.fixture(scope="module")
def node_verifier():
    if NODE is None:
        pytest.skip("`node` is not installed: the independent Node verifier cannot run.")
    if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("`npm` is not installed, so tests/interop/node_modules cannot be created.")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=INTEROP, check=True, timeout=600, capture_output=True
        )
    return INTEROP / "verify.mjs"


def _docs() -> dict:
    """Everything the offline document loader may serve: pinned contexts, our DID documents and status lists."""
    docs = {url: vc.DEFAULT_REGISTRY.get(url) for url in vc.DEFAULT_REGISTRY.urls()}
    docs.update({issuer.did: did_document(issuer) for issuer in Issuer.objects.all()})
    docs.update({status.url: status.credential for status in StatusList.objects.all()})
    return docs


def _node_verify(script, tmp_path, document_or_bytes, name="credential.json"):
    docs_path = tmp_path / "docs.json"
    docs_path.write_text(json.dumps(_docs()), encoding="utf-8")
    path = tmp_path / name
    if isinstance(document_or_bytes, bytes | str):
        path.write_bytes(document_or_bytes if isinstance(document_or_bytes, bytes) else document_or_bytes.encode())
    else:
        path.write_text(json.dumps(document_or_bytes, ensure_ascii=False), encoding="utf-8")
    completed = subprocess.run(
        [NODE, str(script), str(path), "--docs", str(docs_path)],
        cwd=INTEROP,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = json.loads(completed.stdout.strip().splitlines()[-1]) if completed.stdout.strip() else {}
    return completed.returncode, output, completed.stderr


def test_node_accepts_every_shape_we_issue(node_verifier, issue, make_version, tmp_path):
    shapes = {
        "formal_with_grade_and_did": issue(
            grade="8.5", learner_did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        ),
        "non_formal": issue(version=make_version(kind="non_formal")),
        "participation_badge": issue(version=make_version(kind="non_formal", credential_type="participation_badge")),
        "unicode": issue(
            version=make_version(title="Ökologie & Ἀρχιμήδης: 数据分析 😀", ects="2.5"),
            learner_name="Zoë Ødegård-Łukasiewicz 李小龍 🎓",
            grade="Très bien — 😀",
        ),
    }
    for shape, credential in shapes.items():
        code, output, stderr = _node_verify(node_verifier, tmp_path, credential.document)
        assert (code, output.get("verified"), output.get("revoked")) == (0, True, False), (shape, output, stderr)


def test_node_rejects_a_tampered_credential(node_verifier, issue, tmp_path):
    doc = copy.deepcopy(issue(grade="6").document)
    doc["credentialSubject"]["result"][0]["value"] = "10"
    code, output, _ = _node_verify(node_verifier, tmp_path, doc)
    assert code == 1 and output["verified"] is False
    assert any("signature" in e.lower() for e in output["errors"])


def test_node_sees_revocation_and_rotation(node_verifier, issue, make_user, institution, tmp_path):
    before = issue()
    rotate_issuer_key("ub")
    after = issue()
    assert after.document["proof"][0]["verificationMethod"].endswith("#key-2")
    # The retired key carries its retirement as `expires`; Node must still accept what it signed before.
    retired = next(m for m in _docs()[before.issuer.did]["verificationMethod"] if m["id"].endswith("#key-1"))
    assert "expires" in retired
    for credential in (before, after):
        code, output, stderr = _node_verify(node_verifier, tmp_path, credential.document)
        assert code == 0, (output, stderr)
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), before.pk, "Revoked for the test.")
    code, output, _ = _node_verify(node_verifier, tmp_path, before.document)
    assert code == 3 and output == {"verified": True, "revoked": True, "errors": []}
    code, _, _ = _node_verify(node_verifier, tmp_path, after.document)
    assert code == 0


def test_node_reads_our_baked_badges(node_verifier, issue, tmp_path):
    doc = issue().document
    code, output, stderr = _node_verify(node_verifier, tmp_path, vc.bake_png(tiny_png(), doc), "badge.png")
    assert code == 0, (output, stderr)
    code, output, stderr = _node_verify(node_verifier, tmp_path, vc.bake_svg(TINY_SVG, doc), "badge.svg")
    assert code == 0, (output, stderr)


def test_node_verifies_an_eddsa_jcs_2022_credential_and_rejects_it_tampered(node_verifier, issue, issuers, tmp_path):
    """An issuer set to eddsa-jcs-2022 (issue #18): @digitalbazaar/eddsa-jcs-2022-cryptosuite, picked by verify.mjs
    from the proof's cryptosuite, accepts the credential (and its status list, still eddsa-rdfc-2022) and rejects
    a tampered copy."""
    from microcred.credentials.services.issuers import set_proof_format

    set_proof_format(issuers["ub"], "eddsa-jcs-2022", actor=None)
    credential = issue(grade="6", learner_name="Zoë Ødegård 李小龍 🎓")
    assert credential.document["proof"][0]["cryptosuite"] == "eddsa-jcs-2022"
    code, output, stderr = _node_verify(node_verifier, tmp_path, credential.document)
    assert (code, output) == (0, {"verified": True, "revoked": False, "errors": []}), stderr
    tampered = copy.deepcopy(credential.document)
    tampered["credentialSubject"]["result"][0]["value"] = "10"
    code, output, _ = _node_verify(node_verifier, tmp_path, tampered)
    assert code == 1 and output["verified"] is False
    assert any("signature" in e.lower() for e in output["errors"]), output
    # A suite verify.mjs does not know is refused, and named.
    unknown = copy.deepcopy(credential.document)
    unknown["proof"][0]["cryptosuite"] = "eddsa-jcs-2019"
    code, output, _ = _node_verify(node_verifier, tmp_path, unknown)
    assert code == 1 and any("eddsa-jcs-2019" in e for e in output["errors"]), output


def test_node_sees_a_revoked_eddsa_jcs_2022_credential(node_verifier, issue, issuers, make_user, institution, tmp_path):
    from microcred.credentials.services.issuers import set_proof_format

    set_proof_format(issuers["ub"], "eddsa-jcs-2022", actor=None)
    credential = issue()
    revoke_credential(make_user((Role.CREDENTIAL_OFFICER, institution)), credential.pk, "Revoked for the test.")
    code, output, stderr = _node_verify(node_verifier, tmp_path, credential.document)
    assert (code, output) == (3, {"verified": True, "revoked": True, "errors": []}), stderr
