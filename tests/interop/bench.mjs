#!/usr/bin/env node
// Signing and verification throughput of Digital Bazaar's Node stack on one credential (test-only tooling).
//
//   node bench.mjs INPUT.json [--iterations 200] [--warmup 20]
//
// INPUT.json: {"credential": {...unsigned...}, "secretKeyMultibase": "z3u2…", "publicKeyMultibase": "z6Mk…",
//              "verificationMethod": "did:key:…#…", "controller": "did:key:…", "docs": {url: document}}
// Prints one JSON line: {"sign_per_s", "verify_per_s", "iterations", "node"}.
import {readFile} from 'node:fs/promises';
import {performance} from 'node:perf_hooks';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {makeDocumentLoader} from './verify.mjs';

function option(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number.parseInt(args[at + 1], 10) : fallback;
}

const args = process.argv.slice(2);
const input = JSON.parse(await readFile(args[0], 'utf8'));
const iterations = option(args, '--iterations', 200);
const warmup = option(args, '--warmup', 20);
const documentLoader = makeDocumentLoader(input.docs);
const keyPair = await Ed25519Multikey.from({
  '@context': 'https://w3id.org/security/multikey/v1',
  type: 'Multikey',
  id: input.verificationMethod,
  controller: input.controller,
  publicKeyMultibase: input.publicKeyMultibase,
  secretKeyMultibase: input.secretKeyMultibase
});
const signingSuite = () => new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
const verifyingSuite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const checkStatus = async () => ({verified: true});

async function signOnce() {
  return vc.issue({credential: structuredClone(input.credential), suite: signingSuite(), documentLoader});
}

async function verifyOnce(signed) {
  const result = await vc.verifyCredential({credential: signed, suite: verifyingSuite, documentLoader, checkStatus});
  if(!result.verified) {
    throw new Error('verification failed: ' + JSON.stringify(result.error?.message || result.error));
  }
}

let signed;
for(let i = 0; i < warmup; i++) {
  signed = await signOnce();
  await verifyOnce(signed);
}
let start = performance.now();
for(let i = 0; i < iterations; i++) {
  signed = await signOnce();
}
const signSeconds = (performance.now() - start) / 1000;
start = performance.now();
for(let i = 0; i < iterations; i++) {
  await verifyOnce(signed);
}
const verifySeconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({
  sign_per_s: iterations / signSeconds,
  verify_per_s: iterations / verifySeconds,
  iterations,
  node: process.version
}));
