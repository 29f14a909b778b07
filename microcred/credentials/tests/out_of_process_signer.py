"""A test double of an HSM: a separate process that holds issuer keys and signs over a pipe, never handing a key out.

Server (a subprocess, no Django): ``python -m microcred.credentials.tests.out_of_process_signer --operator-key OP.pem
ENVELOPE…`` opens escrow envelopes (the way an HSM is provisioned from escrow), then answers one JSON line per
request on stdin: ``{"op": "public_key", "key": VM}``, ``{"op": "sign", "key": VM, "data": B64}``,
``{"op": "stats"}``.

Client (in the test process): :class:`SignerProcess` starts and talks to it; :func:`signer_for` is the signer
backend that ``CREDENTIAL_SIGNER = "microcred.credentials.tests.out_of_process_signer.signer_for"`` names.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ROOT = Path(__file__).resolve().parents[3]


def _serve(argv: list[str]) -> int:
    from microcred import vc
    from microcred.credentials import escrow

    parser = argparse.ArgumentParser()
    parser.add_argument("--operator-key", required=True)
    parser.add_argument("envelopes", nargs="+")
    args = parser.parse_args(argv)
    operator_pem = Path(args.operator_key).read_bytes()
    held = {}
    for path in args.envelopes:
        opened = escrow.open_envelope(escrow.read_envelope(path), operator_pem)
        held[opened.header["verificationMethod"]] = opened.private_key
    signatures = 0
    print(json.dumps({"ready": sorted(held), "pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        key = held.get(request.get("key"))
        if request.get("op") == "stats":
            reply = {"signatures": signatures, "pid": os.getpid()}
        elif key is None:
            reply = {"error": f"no key {request.get('key')!r} in this signer"}
        elif request["op"] == "public_key":
            reply = {"publicKeyMultibase": vc.public_key_to_multibase(key.public_key())}
        elif request["op"] == "sign":
            signatures += 1
            reply = {"signature": base64.b64encode(key.sign(base64.b64decode(request["data"]))).decode()}
        else:
            reply = {"error": f"unknown op {request.get('op')!r}"}
        print(json.dumps(reply), flush=True)
    return 0


class SignerProcess:
    """The server subprocess and a lock-protected request/reply channel to it."""

    def __init__(self, operator_key: Path, envelopes: list[Path]):
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "microcred.credentials.tests.out_of_process_signer",
                "--operator-key",
                str(operator_key),
                *map(str, envelopes),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "CREDENTIAL_KEK"}},
        )
        hello = json.loads(self.process.stdout.readline() or "{}")
        if "ready" not in hello:
            self.close()
            raise RuntimeError("The out-of-process signer did not start.")
        self.keys, self.pid = hello["ready"], hello["pid"]

    def request(self, **message) -> dict:
        with self._lock:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
            return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


class RemoteSigner:
    """A ``microcred.vc.Signer`` whose key stays in the other process."""

    def __init__(self, process: SignerProcess, verification_method: str):
        from microcred import vc
        from microcred.credentials.signers import SignerUnavailable

        reply = process.request(op="public_key", key=verification_method)
        if "error" in reply:
            raise SignerUnavailable(reply["error"])
        self._process, self._vm = process, verification_method
        self._public_key: Ed25519PublicKey = vc.public_key_from_multibase(reply["publicKeyMultibase"])

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self._public_key

    def sign(self, data: bytes) -> bytes:
        reply = self._process.request(op="sign", key=self._vm, data=base64.b64encode(data).decode())
        return base64.b64decode(reply["signature"])

    def __repr__(self) -> str:
        return f"<RemoteSigner {self._vm} in process {self._process.pid}>"


current: SignerProcess | None = None  # set by the test fixture that starts the process


def signer_for(issuer_key) -> RemoteSigner:
    """The signer backend (CREDENTIAL_SIGNER names this function)."""
    from microcred.credentials.signers import SignerUnavailable

    if current is None:
        raise SignerUnavailable("The out-of-process signer is not running.")
    return RemoteSigner(current, issuer_key.verification_method_id)


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1:]))
