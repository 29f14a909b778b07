#!/usr/bin/env node
// Signs credentials with Digital Bazaar's stack (@digitalbazaar/vc + data-integrity +
// eddsa-rdfc-2022-cryptosuite, i.e. rdf-canonize's canonical form) and verifies others, offline, in one run.
// Test-only tooling for microcred/vc's tests of the two canonical forms (UTF-16 and code-point order).
//
//   node rdfc_sign.mjs INPUT.json OUTPUT.json
//
// INPUT.json:  {"docs": {url: document} (contexts and DID documents, as for verify.mjs),
//               "key": {"secretKeyMultibase", "publicKeyMultibase", "verificationMethod", "controller"},
//               "sign": [unsigned credential, ...], "verify": [signed credential, ...]}
// OUTPUT.json: {"signed": [{"credential": {...}} | {"error": "..."}, ...],
//               "verified": [{"verified": bool, "errors": [...]}, ...]}
import {readFile, writeFile} from 'node:fs/promises';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {makeDocumentLoader} from './verify.mjs';

const [inputPath, outputPath] = process.argv.slice(2);
if(!inputPath || !outputPath) {
  console.error('usage: node rdfc_sign.mjs INPUT.json OUTPUT.json');
  process.exit(2);
}
const input = JSON.parse(await readFile(inputPath, 'utf8'));
const documentLoader = makeDocumentLoader(input.docs);
const keyPair = await Ed25519Multikey.from({
  '@context': 'https://w3id.org/security/multikey/v1',
  type: 'Multikey',
  id: input.key.verificationMethod,
  controller: input.key.controller,
  publicKeyMultibase: input.key.publicKeyMultibase,
  secretKeyMultibase: input.key.secretKeyMultibase
});

const signed = [];
for(const credential of input.sign || []) {
  try {
    const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
    signed.push({credential: await vc.issue({credential, suite, documentLoader})});
  } catch(e) {
    signed.push({error: String(e && (e.message || e))});
  }
}

const messages = error => [].concat(error || []).flatMap(e => [e.message || String(e), ...messages(e.errors)]);
const verified = [];
for(const credential of input.verify || []) {
  try {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
    const result = await vc.verifyCredential({
      credential, suite, documentLoader, checkStatus: async () => ({verified: true})
    });
    verified.push({
      verified: Boolean(result.verified),
      errors: [...messages(result.error), ...(result.results || []).flatMap(r => messages(r.error))]
    });
  } catch(e) {
    verified.push({verified: false, errors: [String(e && (e.message || e))]});
  }
}
await writeFile(outputPath, JSON.stringify({signed, verified}));
