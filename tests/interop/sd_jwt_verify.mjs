// Test-only: verifies one of our SD-JWT VCs with the OpenWallet Foundation's @sd-jwt libraries, offline.
//
//   node sd_jwt_verify.mjs input.json
//
// input.json: {"sd_jwt": "<compact>", "issuer_jwk": {public Ed25519 JWK}, "audience": "...", "nonce": "...",
//              "status_lists": {"<uri>": "<status list JWT>"}, "type_metadata": {"<vct>": {...}}}
// Prints one JSON line: {"ok": true, "payload": {...}, "kb": {...}} or {"ok": false, "error": "..."}.
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const subtle = webcrypto.subtle;

function b64urlToBytes(text) {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

async function verifierFor(jwk) {
  const params = jwk.kty === 'OKP' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: jwk.crv };
  const sign = jwk.kty === 'OKP' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  const key = await subtle.importKey('jwk', jwk, params, false, ['verify']);
  return async (data, signature) => subtle.verify(sign, key, b64urlToBytes(signature), new TextEncoder().encode(data));
}

const issuerVerifier = await verifierFor(input.issuer_jwk);
const instance = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  verifier: issuerVerifier,
  statusVerifier: issuerVerifier,
  kbVerifier: async (data, signature, payload) => (await verifierFor(payload.cnf.jwk))(data, signature),
  statusListFetcher: async (uri) => {
    if (!(uri in (input.status_lists || {}))) throw new Error(`status list ${uri} not given`);
    return input.status_lists[uri];
  },
  statusValidator: async (status) => {
    if (status !== 0) throw new Error(`status ${status}: the credential is revoked`);
  },
  vctFetcher: async (uri) => {
    if (!(uri in (input.type_metadata || {}))) throw new Error(`type metadata ${uri} not given`);
    return input.type_metadata[uri];
  },
  loadTypeMetadataFormat: true,
});

try {
  const options = { requiredClaimKeys: ['iss', 'vct', 'iat'] };
  if (input.nonce !== undefined) options.keyBindingNonce = input.nonce;
  const result = await instance.verify(input.sd_jwt, options);
  const header = result.header || {};
  if (header.typ !== 'dc+sd-jwt' || header.alg !== 'EdDSA') throw new Error(`unexpected header ${JSON.stringify(header)}`);
  if (input.audience !== undefined) {
    if (!result.kb) throw new Error('no key-binding JWT');
    if (result.kb.payload.aud !== input.audience) throw new Error(`key-binding JWT for audience ${result.kb.payload.aud}`);
  }
  console.log(JSON.stringify({
    ok: true,
    payload: result.payload,
    kb: result.kb ? result.kb.payload : null,
    typeMetadata: result.typeMetadata ? result.typeMetadata.mergedTypeMetadata : null,
  }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error && error.message ? error.message : error) }));
  process.exitCode = 1;
}
