#!/usr/bin/env node
// Reference canonical N-Quads for many JSON-LD documents, with Digital Bazaar's jsonld.js + rdf-canonize,
// exactly as @digitalbazaar/eddsa-rdfc-2022-cryptosuite canonizes (safe mode, base null, RDFC-1.0).
// Test-only tooling for the differential test of microcred/vc's fast JSON-LD path. Offline: the document
// loader serves only the given contexts.
//
//   node canonize.mjs INPUT.json OUTPUT.json
//
// INPUT.json:  {"contexts": {url: contextDocument}, "documents": [jsonld, ...]}
// OUTPUT.json: [{"nquads": "..."} | {"error": "..."}, ...] in the order of the documents.
import {readFile, writeFile} from 'node:fs/promises';

import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';

const [inputPath, outputPath] = process.argv.slice(2);
if(!inputPath || !outputPath) {
  console.error('usage: node canonize.mjs INPUT.json OUTPUT.json');
  process.exit(2);
}
const input = JSON.parse(await readFile(inputPath, 'utf8'));
const contexts = input.contexts;

async function documentLoader(url) {
  if(Object.hasOwn(contexts, url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(contexts[url])};
  }
  throw new Error(`Not available offline: ${url}`);
}

async function canonize(document) {
  const options = {algorithm: 'RDFC-1.0', format: 'application/n-quads', base: null, safe: true, documentLoader};
  const toRdfOptions = {rdfDirection: 'i18n-datatype', ...options, produceGeneralizedRdf: false};
  delete toRdfOptions.format;
  const dataset = await jsonld.toRDF(document, toRdfOptions);
  return rdfCanonize.canonize(dataset, options);
}

const results = [];
for(const document of input.documents) {
  try {
    results.push({nquads: await canonize(document)});
  } catch(e) {
    const code = e && e.details && e.details.event ? ` (${e.details.event.code})` : '';
    results.push({error: String(e && (e.message || e)) + code});
  }
}
await writeFile(outputPath, JSON.stringify(results));
