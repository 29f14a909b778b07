"""Signing benchmark: the signing core (microcred.vc) against Digital Bazaar's Node stack, and issuance on SQLite.

    .venv/bin/python bench/bench_signing.py [--rounds 5] [--iterations 300] [--issue 200] [--target 30]

1. Builds realistic OpenBadgeCredentials with the real composition code (a formal micro-credential with
   grade, ESCO/EQF alignments, every Annex 1 element; about 4.5 KB) in a throw-away SQLite database: a cohort
   of --cohort learners of the same micro-credential, as issued (the awarding university's profile is both
   issuer and achievement creator; its id is replaced by a did:key in both places so that Node can resolve
   the key).
2. Signs and verifies the cohort's credentials in turn with the core alone (each is a different document, as
   in a real cohort: the core remembers the shared achievement, never a whole credential), then the first of
   them with the same key in Node (tests/interop/bench.mjs; `npm ci` in tests/interop first), and the bare
   Ed25519 signature of a 64-byte message (`cryptography`). All single-threaded, after a warm-up (Node's:
   --node-warmup signatures and verifications, so that V8 has compiled its hot code).
   This is done --rounds times, the core and Node in turn: each ratio is taken within a round, and the table
   shows the median round's ratio with the lowest and highest (on a shared or virtual machine, two runs a few
   minutes apart can differ by a third; a ratio from one round alone says little).
3. Issues M credentials through `issue_credential` (compose, sign, self-verify, allocate a random status
   index, store, audit) on SQLite and reports credentials per second.

Targets (issue #17, target 2): the core signs and verifies at least TARGET times (default 30×) faster than
the Node implementation's single thread, and signs at least 25% as fast as bare Ed25519 signing. PASS/FAIL
is printed per row with the median ratio and the 1-minute load average after the last round (the machine's
other work slows both sides, but not necessarily alike).
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTEROP = ROOT / "tests" / "interop"


def setup_django(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["CREDENTIAL_KEK"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ["PUBLIC_BASE_URL"] = "https://mc.example.eu"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_version():
    from django.contrib.auth import get_user_model

    from microcred.catalogue.kinds import issued_by_alliance
    from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
    from microcred.catalogue.services import annex1_record
    from microcred.credentials.services.issuers import create_issuer_keys
    from microcred.proposals.models import LearningOutcome, Proposal, ProposalVersion
    from microcred.reference.models import EqfLevel, EscoSkill, Institution

    Institution.objects.create(slug="alliance", short_name="EXA", name="Example European University Alliance",
                               country="Belgium", country_code="BE", is_alliance=True)
    ub = Institution.objects.create(slug="ub", short_name="UB", name="University of Barcelona", country="Spain",
                                    country_code="ES", domain="ub.edu")
    uu = Institution.objects.create(slug="uu", short_name="UU", name="Utrecht University", country="Netherlands",
                                    country_code="NL", domain="uu.nl")
    create_issuer_keys()
    eqf = EqfLevel.objects.create(level=6, uri="http://data.europa.eu/snb/eqf/6", knowledge="k", skills="s",
                                  responsibility_autonomy="r")
    user = get_user_model().objects.create_user("bench@example.org", "a-long-bench-password", full_name="Bench")
    proposal = Proposal.objects.create(reference="BENCH-1", proposer=user, institution=ub, status="approved")
    pv = ProposalVersion.objects.create(
        proposal=proposal, number=1, kind="formal", credential_type="micro_credential",
        title="Data analysis for sustainable energy systems", description="Learners analyse open energy data. " * 4,
        hours=140, ects="5.0", languages=["en", "es"], forms_of_participation=["online", "blended"],
        assessment_types=["written", "portfolio"], quality_assurance="Internal QA of the accrediting university.",
        eqf_level=eqf, supervised_assessment=True, identity_verified=True, accrediting_institution=ub,
        prerequisites="Basic statistics.", stackability="Stackable towards the data science pathway.",
        completion_criteria="Submit the final project and pass the written exam.",
    )
    pv.co_leads.set([uu])
    for n in range(4):
        skill = EscoSkill.objects.create(uri=f"http://data.europa.eu/esco/skill/bench-{n:04d}",
                                         preferred_label=f"skill number {n}")
        outcome = LearningOutcome.objects.create(version=pv, order=n, text=f"Learning outcome {n}: analyse data.")
        outcome.skills.set([skill])
    mc = MicroCredential.objects.create(slug="bench")
    version = MicroCredentialVersion.objects.create(
        micro_credential=mc, number=1, proposal=proposal, proposal_version=pv, approved_at="2026-06-01T10:00Z",
        title=pv.title, kind="formal", credential_type="micro_credential", ects="5.0", eqf_level=6,
        awarding_institution=ub, issued_by_alliance=issued_by_alliance("formal", "micro_credential"),
        annex1=annex1_record(pv),
    )
    version.skills.set(EscoSkill.objects.all())
    return version


def rate(fn, iterations: int, warmup: int) -> float:
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    for _ in range(iterations):
        fn()
    return iterations / (time.perf_counter() - start)


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def cycling(items: list):
    """A function returning the items in turn."""
    position = iter(range(10**12))
    return lambda: items[next(position) % len(items)]


def with_issuer_id(document: dict, new_id: str) -> dict:
    """``document`` with the issuer's id replaced, also where the achievement's creator is the issuer."""
    document = copy.deepcopy(document)
    old_id = document["issuer"]["id"]
    document["issuer"]["id"] = new_id
    creator = document["credentialSubject"]["achievement"].get("creator")
    if isinstance(creator, dict) and creator.get("id") == old_id:
        creator["id"] = new_id
    return document


def json_ld_path(unsigned: dict, signed: dict) -> str:
    """Which JSON-LD → RDF path the core takes for the credential and its proof configuration."""
    from microcred import vc
    from microcred.vc import expansion

    proof = signed["proof"][-1]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsigned["@context"]
    try:
        for document in (unsigned, config):
            expansion.to_quads(document, vc.DEFAULT_REGISTRY)
    except (expansion.NeedsReferenceProcessor, vc.VCError) as exc:
        return f"strict reference path (PyLD), the fast path refused: {exc}"
    return "fast path (pinned contexts processed once, direct to RDF)"


def node_rates(payload: dict, iterations: int, warmup: int, tmp: Path) -> dict | None:
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        print("Node or tests/interop/node_modules missing (run `npm ci` in tests/interop): Node column skipped.")
        return None
    path = tmp / "node-bench.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    completed = subprocess.run([node, "bench.mjs", str(path), "--iterations", str(iterations), "--warmup",
                                str(warmup)], cwd=INTEROP,
                               capture_output=True, text=True, timeout=900, check=False)
    if completed.returncode != 0:
        print("Node benchmark failed:", completed.stderr.strip()[-2000:])
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=300, help="signatures and verifications per side")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of core and Node in turn (median shown)")
    parser.add_argument("--node-warmup", type=int, default=100, help="Node's warm-up signatures and verifications")
    parser.add_argument("--core-iterations", type=int, default=3000,
                        help="signatures and verifications on the core side (more samples: it is much faster)")
    parser.add_argument("--cohort", type=int, default=64, help="learners' credentials the core signs in turn")
    parser.add_argument("--issue", type=int, default=200, help="credentials issued through issue_credential")
    parser.add_argument("--target", type=float, default=30.0, help="core must be at least this many times faster than Node")
    parser.add_argument("--ed25519-share", type=float, default=0.25,
                        help="core signing must reach this share of the bare Ed25519 signing rate")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-signing-") as tmp_name:
        tmp = Path(tmp_name)
        setup_django(tmp)
        from microcred import vc
        from microcred.credentials.services.issuance import issue_credential

        version = make_version()
        key = vc.generate_private_key()
        did = vc.did_key(key)
        vm = vc.did_key_verification_method_id(key)
        public = key.public_key()
        cohort, cohort_signed = [], []
        for n in range(max(1, args.cohort)):
            credential = issue_credential(completion_key=f"cohort-{n}", micro_credential_version=version,
                                      learner_name=f"Ana García {n}", learner_email=f"ana{n}@example.org",
                                      grade="8.5")
            unsigned = with_issuer_id({k: v for k, v in credential.document.items() if k != "proof"}, did)
            cohort.append(unsigned)
            cohort_signed.append(vc.sign(unsigned, key, vm))
            assert vc.verify(cohort_signed[-1], lambda _vm: public).verified
        unsigned, signed = cohort[0], cohort_signed[0]
        size = len(json.dumps(unsigned, ensure_ascii=False).encode())
        path = json_ld_path(unsigned, signed)

        next_unsigned, next_signed = cycling(cohort), cycling(cohort_signed)
        message = secrets.token_bytes(64)
        docs = {url: vc.DEFAULT_REGISTRY.get(url) for url in vc.DEFAULT_REGISTRY.urls()}
        docs[did] = vc.did_key_document(key)
        payload = {
            "credential": unsigned, "secretKeyMultibase": vc.private_key_to_multibase(key),
            "publicKeyMultibase": vc.public_key_to_multibase(key), "verificationMethod": vm, "controller": did,
            "docs": docs,
        }
        rounds = []
        for _ in range(max(1, args.rounds)):
            measured = {
                "sign": rate(lambda: vc.sign(next_unsigned(), key, vm), args.core_iterations, 50),
                "verify": rate(lambda: vc.verify(next_signed(), lambda _vm: public), args.core_iterations, 50),
                "bare": rate(lambda: key.sign(message), args.core_iterations * 10, 500),
            }
            measured["load_core"] = load()
            measured["node"] = node_rates(payload, args.iterations, args.node_warmup, tmp)
            measured["load_node"] = load()
            rounds.append(measured)
            if measured["node"] is None:
                break

        counter = iter(range(10**9))
        issued = rate(lambda: issue_credential(
            completion_key=f"bench-{next(counter)}", micro_credential_version=version,
            learner_name="Ana García", learner_email="ana@example.org", grade="8.5",
        ), args.issue, 5)

    node = rounds[-1]["node"]
    print(f"\nCredential: {size} bytes (OB 3.0, eddsa-rdfc-2022); the core signs and verifies {len(cohort)} learners' "
          f"credentials of one micro-credential in turn, {args.core_iterations} operations per row and round; Node "
          f"the first of them, {args.iterations} per row and round after {args.node_warmup} to warm up; one thread "
          f"each; {len(rounds)} round(s), the core and Node in turn.")
    print(f"Core JSON-LD → RDF: {path}.")
    if node:
        print(f"Node {node['node']} with @digitalbazaar/vc + eddsa-rdfc-2022-cryptosuite.")
    header = (f"{'operation':<34}{'core /s':>10}{'other /s':>10}{'ratio':>22}   {'target':<22}{'result':>6}"
              f"   {'load 1m':<11}")
    print(header)
    print("-" * len(header))
    failed = False

    def row(label, core, other, target, ok, where, ratio):
        nonlocal failed
        failed |= not ok
        print(f"{label:<34}{core:>10.0f}{other:>10.0f}{ratio:>22}   {target:<22}{'PASS' if ok else 'FAIL':>6}   "
              f"{where:<11}")

    def median_round(ratio_of, form: str = ".2f") -> tuple[dict, str]:
        """The round with the median ratio, and ' (lowest–highest)' of the rounds' ratios (empty for one round)."""
        ordered = sorted(rounds, key=ratio_of)
        middle = ordered[(len(ordered) - 1) // 2]  # the lower median: never flattering with an even count
        if len(ordered) == 1:
            return middle, ""
        return middle, f" ({ratio_of(ordered[0]):{form}}–{ratio_of(ordered[-1]):{form}})"

    last = rounds[-1]
    for label, name in (("sign (Node)", "sign"), ("verify (Node)", "verify")):
        if node:
            chosen, spread = median_round(lambda r, name=name: r[name] / r["node"][f"{name}_per_s"])
            core, other = chosen[name], chosen["node"][f"{name}_per_s"]
            row(label, core, other, f"≥ {args.target:g}× Node", core / other >= args.target,
                f"{last['load_core']}/{last['load_node']}", f"{core / other:.2f}×{spread}")
        else:
            print(f"{label:<34}{last[name]:>10.0f}{'—':>10}{'—':>22}   {'(no Node)':<22}{'—':>6}   "
                  f"{last['load_core']:<11}")
    chosen, spread = median_round(lambda r: r["sign"] / r["bare"], ".1%")
    share = chosen["sign"] / chosen["bare"]
    row("sign (bare Ed25519, 64 bytes)", chosen["sign"], chosen["bare"], f"≥ {args.ed25519_share:.0%} of bare Ed25519",
        share >= args.ed25519_share, last["load_core"], f"{share:.1%}{spread}")
    print(f"{'issue_credential, signed + stored':<34}{issued:>10.0f}{'':>10}{'':>22}   {'(SQLite, info)':<22}{'':>6}"
          f"   {load():<11}")
    if node:
        print("Ratio: the median round's (the lowest and highest round's in brackets). "
              "Load 1m: after the core's measurement / after Node's, last round.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
