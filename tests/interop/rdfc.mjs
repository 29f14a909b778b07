#!/usr/bin/env node
// rdf-canonize's decision (canonical N-Quads, or an error such as "Maximum deep iterations exceeded") for
// many RDF datasets at once, each with its own work factor. Test-only tooling for the differential test of
// microcred/vc's RDFC-1.0 (work limit and UTF-16 order). Offline: the document loader serves only the
// given contexts.
//
//   node rdfc.mjs INPUT.json OUTPUT.json
//
// INPUT.json:  {"contexts": {url: contextDocument},
//               "jobs": [{"nquads": "..."} | {"document": jsonld}, with optional
//                        "maxWorkFactor": n | "Infinity" (default: rdf-canonize's, 1),
//                        "hashAlgorithm": "SHA256" | "SHA384", "map": true (also return the canonical
//                        identifier map), "dataset": true (also return jsonld.js's dataset, unsorted)}]}
// OUTPUT.json: [{"nquads": "...", "map"?: {...}} | {"error": "...", "tooComplex": bool}, with "dataset"?: "..."]
//              in the order of the jobs.
// A JSON-LD document becomes a dataset exactly as @digitalbazaar/eddsa-rdfc-2022-cryptosuite does it
// (jsonld.toRDF, safe mode, base null, rdfDirection i18n-datatype), then rdf-canonize canonizes it.
import {readFile, writeFile} from 'node:fs/promises';

import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';

const [inputPath, outputPath] = process.argv.slice(2);
if(!inputPath || !outputPath) {
  console.error('usage: node rdfc.mjs INPUT.json OUTPUT.json');
  process.exit(2);
}
const input = JSON.parse(await readFile(inputPath, 'utf8'));
const contexts = input.contexts || {};

async function documentLoader(url) {
  if(Object.hasOwn(contexts, url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(contexts[url])};
  }
  throw new Error(`Not available offline: ${url}`);
}

async function run(job) {
  const options = {algorithm: 'RDFC-1.0', format: 'application/n-quads'};
  if(job.maxWorkFactor !== undefined) {
    options.maxWorkFactor = job.maxWorkFactor === 'Infinity' ? Infinity : job.maxWorkFactor;
  }
  if(job.hashAlgorithm) {
    options.messageDigestAlgorithm = job.hashAlgorithm;
  }
  const canonicalIdMap = new Map();
  if(job.map) {
    options.canonicalIdMap = canonicalIdMap;
  }
  let dataset;
  if(job.document !== undefined) {
    dataset = await jsonld.toRDF(job.document, {
      base: null, safe: true, rdfDirection: 'i18n-datatype', produceGeneralizedRdf: false, documentLoader
    });
  } else {
    dataset = rdfCanonize.NQuads.parse(job.nquads);
  }
  const result = {};
  if(job.dataset) {
    result.dataset = dataset.map(q => rdfCanonize.NQuads.serializeQuad(q)).join('');
  }
  try {
    result.nquads = await rdfCanonize.canonize(dataset, options);
  } catch(e) {
    return {...result, ...failure(e)};
  }
  if(job.map) {
    result.map = Object.fromEntries(
      [...canonicalIdMap].map(([k, v]) => [k.startsWith('_:') ? k.slice(2) : k, v]));
  }
  return result;
}

function failure(e) {
  const message = String(e && (e.message || e));
  return {error: message, tooComplex: message.startsWith('Maximum deep iterations exceeded')};
}

const results = [];
for(const job of input.jobs) {
  try {
    results.push(await run(job));
  } catch(e) {
    results.push(failure(e));
  }
}
await writeFile(outputPath, JSON.stringify(results));
