#!/usr/bin/env node
// Independent, OFFLINE verification of an Open Badges 3.0 credential with Digital Bazaar's stack
// (@digitalbazaar/vc + data-integrity + eddsa-rdfc-2022-cryptosuite or eddsa-jcs-2022-cryptosuite, as each
// proof's `cryptosuite` says + jsonld). Test-only tooling.
//
//   node verify.mjs CREDENTIAL(.json|.png|.svg) --docs DOCS.json [--now 2026-01-01T00:00:00Z]
//
// DOCS.json maps URL → document: the pinned JSON-LD contexts, the issuers' DID documents (keyed by DID)
// and the status list credentials (keyed by URL). Nothing else is served and nothing is fetched.
// Prints one JSON line {verified, revoked, errors}; exit 0 = verified and not revoked, 1 = not verified,
// 3 = verified but revoked, 2 = usage or input error.
import {readFile} from 'node:fs/promises';
import zlib from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as createEddsaJcs2022VerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

export function makeDocumentLoader(docs) {
  return async url => {
    if(Object.hasOwn(docs, url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(docs[url])};
    }
    const [base, fragment] = url.split('#');
    if(fragment !== undefined && Object.hasOwn(docs, base)) {
      const controllerDocument = docs[base];
      const method = (controllerDocument.verificationMethod || []).find(m => m.id === url);
      if(method) {
        return {
          contextUrl: null,
          documentUrl: url,
          document: {'@context': controllerDocument['@context'], ...structuredClone(method)}
        };
      }
    }
    throw new Error(`Not available offline: ${url}`);
  };
}

export function unbake(bytes) {
  if(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    let pos = 8;
    while(pos + 12 <= bytes.length) {
      const length = bytes.readUInt32BE(pos);
      const type = bytes.subarray(pos + 4, pos + 8).toString('latin1');
      const data = bytes.subarray(pos + 8, pos + 8 + length);
      if(type === 'iTXt') {
        const nul = data.indexOf(0);
        if(data.subarray(0, nul).toString('latin1') === 'openbadgecredential') {
          // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
          let rest = nul + 3;
          rest = data.indexOf(0, rest) + 1;
          rest = data.indexOf(0, rest) + 1;
          return data.subarray(rest).toString('utf8');
        }
      }
      pos += 12 + length;
    }
    throw new Error('The PNG image holds no openbadgecredential iTXt chunk.');
  }
  const text = bytes.toString('utf8');
  if(text.trimStart().startsWith('<')) {
    const match = /<openbadges:credential[^>]*>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*<\/openbadges:credential>/.exec(text);
    if(!match) {
      throw new Error('The SVG image holds no <openbadges:credential>.');
    }
    return match[1];
  }
  return text;
}

export function statusBit(encodedList, index) {
  if(typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    throw new Error('encodedList is not multibase base64url.');
  }
  const bits = zlib.gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  if(bits.length * 8 < 131072) {
    throw new Error('STATUS_LIST_LENGTH_ERROR');
  }
  if(!(index >= 0 && index < bits.length * 8)) {
    throw new Error('RANGE_ERROR: statusListIndex outside the list');
  }
  return (bits[index >> 3] >> (7 - (index & 7))) & 1;
}

// The verifying cryptosuites, by the name a proof gives in `cryptosuite` (Data Integrity EdDSA Cryptosuites
// v1.0 §3.2 eddsa-rdfc-2022, §3.3 eddsa-jcs-2022).
const CRYPTOSUITES = {
  'eddsa-rdfc-2022': () => eddsaRdfc2022CryptoSuite,
  'eddsa-jcs-2022': () => createEddsaJcs2022VerifyCryptosuite()
};

// The suite for the credential's proof, picked by its `cryptosuite` (without a credential: eddsa-rdfc-2022).
export function makeSuite(credential) {
  if(credential === undefined) {
    return new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  }
  const proofs = [credential.proof].flat().filter(Boolean);
  const names = proofs.map(proof => proof.cryptosuite);
  const name = names.find(n => Object.hasOwn(CRYPTOSUITES, n));
  if(name === undefined) {
    throw new Error(`Unsupported cryptosuite ${JSON.stringify(names)}; supported: ${Object.keys(CRYPTOSUITES)}`);
  }
  return new DataIntegrityProof({cryptosuite: CRYPTOSUITES[name]()});
}

export async function verifyDocument({credential, docs, now}) {
  const documentLoader = makeDocumentLoader(docs);
  const suite = makeSuite(credential);
  let revoked = false;
  const checkStatus = async ({credential: vcToCheck}) => {
    const entry = vcToCheck.credentialStatus;
    if(!entry || entry.type !== 'BitstringStatusListEntry') {
      return {verified: false, error: new Error('Unsupported credentialStatus')};
    }
    const {document: listCredential} = await documentLoader(entry.statusListCredential);
    const listResult = await vc.verifyCredential({
      credential: listCredential, suite: makeSuite(listCredential), documentLoader, now
    });
    if(!listResult.verified) {
      return {verified: false, error: new Error('The status list credential does not verify')};
    }
    const issuerOf = c => (typeof c.issuer === 'string' ? c.issuer : c.issuer.id);
    if(issuerOf(listCredential) !== issuerOf(vcToCheck)) {
      return {verified: false, error: new Error('The status list has another issuer')};
    }
    const subject = listCredential.credentialSubject;
    if(subject.statusPurpose !== entry.statusPurpose) {
      return {verified: false, error: new Error('statusPurpose mismatch')};
    }
    revoked = statusBit(subject.encodedList, Number.parseInt(entry.statusListIndex, 10)) === 1;
    return {verified: true, revoked};
  };
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus, now});
  const errors = [];
  const collect = error => {
    if(!error) {
      return;
    }
    for(const e of Array.isArray(error) ? error : [error]) {
      errors.push(e.message || String(e));
      if(e.errors) {
        collect(e.errors);
      }
    }
  };
  collect(result.error);
  for(const r of result.results || []) {
    collect(r.error);
  }
  return {verified: Boolean(result.verified), revoked, errors};
}

async function main(argv) {
  const args = argv.slice(2);
  const docsAt = args.indexOf('--docs');
  const nowAt = args.indexOf('--now');
  const optionValues = new Set([docsAt, nowAt].filter(i => i >= 0).map(i => i + 1));
  const file = args.find((a, i) => !a.startsWith('--') && !optionValues.has(i));
  if(!file || docsAt < 0) {
    console.error('usage: node verify.mjs CREDENTIAL --docs DOCS.json [--now ISO-DATETIME]');
    return 2;
  }
  let credential;
  let docs;
  try {
    credential = JSON.parse(unbake(await readFile(file)));
    docs = JSON.parse(await readFile(args[docsAt + 1], 'utf8'));
  } catch(e) {
    console.log(JSON.stringify({verified: false, revoked: false, errors: [e.message]}));
    return 2;
  }
  const now = nowAt >= 0 ? new Date(args[nowAt + 1]) : undefined;
  let outcome;
  try {
    outcome = await verifyDocument({credential, docs, now});
  } catch(e) {
    outcome = {verified: false, revoked: false, errors: [e.message]};
  }
  console.log(JSON.stringify(outcome));
  if(!outcome.verified) {
    return 1;
  }
  return outcome.revoked ? 3 : 0;
}

if(import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv);
}
