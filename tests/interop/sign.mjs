#!/usr/bin/env node
// Signs and verifies many JSON-LD documents with Digital Bazaar's stack, offline, in ONE run: jsonld-signatures
// with @digitalbazaar/data-integrity and the eddsa-rdfc-2022 cryptosuite (jsonld.js toRDF in safe mode with
// rdfDirection 'i18n-datatype', then rdf-canonize RDFC-1.0), assertionMethod proof purpose. Test-only tooling
// for microcred/vc's agreement test with jsonld.js (microcred/vc/tests/test_vc_node_agreement.py). Unlike
// @digitalbazaar/vc's issue/verifyCredential it adds no credential-level checks (issuer, dates), so what is
// compared is the JSON-LD → RDF → signature layer alone.
//
//   node sign.mjs INPUT.json OUTPUT.json
//
// INPUT.json:  {"docs": {url: document} (the pinned contexts and the signer's DID document, served by the
//                offline loader of verify.mjs),
//               "key": {"verificationMethod", "controller", "publicKeyMultibase", "secretKeyMultibase"},
//               "created": "2025-01-01T00:00:00Z",
//               "sign": [unsigned document, ...], "verify": [signed document, ...]}
// OUTPUT.json: {"signed": [{"document": {...}} | {"error": "..."}, ...],
//               "verified": [{"verified": true} | {"verified": false, "errors": ["..."]}, ...]}
import {readFile, writeFile} from 'node:fs/promises';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';

import {makeDocumentLoader} from './verify.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

const [inputPath, outputPath] = process.argv.slice(2);
if(!inputPath || !outputPath) {
  console.error('usage: node sign.mjs INPUT.json OUTPUT.json');
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

function describe(error) {
  const messages = [];
  const walk = e => {
    if(!e) {
      return;
    }
    for(const one of Array.isArray(e) ? e : [e]) {
      const code = one.details && one.details.event ? ` (${one.details.event.code})` : '';
      messages.push(String(one.message || one) + code);
      walk(one.errors);
      walk(one.cause);
    }
  };
  walk(error);
  return messages;
}

const signed = [];
for(const document of input.sign || []) {
  try {
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite, date: input.created
    });
    signed.push({
      document: await jsigs.sign(structuredClone(document), {
        suite, purpose: new AssertionProofPurpose(), documentLoader
      })
    });
  } catch(e) {
    signed.push({error: describe(e).join(' / ')});
  }
}

const verified = [];
for(const document of input.verify || []) {
  try {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
    const result = await jsigs.verify(document, {suite, purpose: new AssertionProofPurpose(), documentLoader});
    verified.push(result.verified ? {verified: true} :
      {verified: false, errors: describe(result.error)});
  } catch(e) {
    verified.push({verified: false, errors: describe(e)});
  }
}

await writeFile(outputPath, JSON.stringify({signed, verified}));
