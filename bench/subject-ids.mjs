// Subject ids before and after ADR 0013 (issue 12, points 3 and 13), in-process, one core:
// - before: the scrypt (N = 2^13) derivation the provider's node ran on its event loop, per id,
//   times 2,500 (the seconds one upload blocked it), and the 452 guesses that reversed an id
//   from a public receipt given region and birth date;
// - after: the VOPRF work per id (blind, one evaluation per subject-key agency with its batch
//   DLEQ proof, verify and unblind), in batches of 256 as the node runs them on a worker thread
//   (the event loop holds none of it), and what a guesser holding m-1 of m keys finds among the
//   same 452 candidates: nothing, since the missing agency's output is a PRF of a key it lacks.
// Usage: node bench/subject-ids.mjs [--ids 2500] (after `npx tsc -p tsconfig.json`).
import { scrypt } from '@noble/hashes/scrypt.js';
import {
  blindInputs, evaluateBlinded, evaluateDirect, finalizeEvaluations, generateOprfKey, getSuite,
  oprfInput, subjectIdFromOutputs,
} from '../dist/crypto/index.js';

const argIds = process.argv.indexOf('--ids');
const ids = argIds > 0 ? Number(process.argv[argIds + 1]) : 2_500;
const chainId = 'zhengwu-local-intl';
const suite = getSuite('intl');
const encoder = new TextEncoder();
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const withCheck = (first17) => {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i];
  return first17 + '10X98765432'[sum % 11];
};
const candidates = Array.from({ length: 452 },
  (_, i) => withCheck(`11010519491231${String(i).padStart(3, '0')}`));

function oldSubject(id) {
  return scrypt(encoder.encode(id), encoder.encode(`zhengwu/subject/v1/${chainId}`),
    { N: 2 ** 13, r: 8, p: 1, dkLen: 32 });
}

// Before: scrypt per id on the event loop.
const sample = 40;
let start = performance.now();
for (let i = 0; i < sample; i++) oldSubject(candidates[i]);
const scryptMs = (performance.now() - start) / sample;
start = performance.now();
const target = Buffer.from(oldSubject(candidates[451])).toString('hex');
let found = null;
let guesses = 0;
for (const guess of candidates) {
  guesses += 1;
  if (Buffer.from(oldSubject(guess)).toString('hex') === target) { found = guess; break; }
}
const reverseS = (performance.now() - start) / 1_000;

// After: VOPRF with two subject-key agencies, batches of 256.
const keys = [generateOprfKey(), generateOprfKey()];
const batch = Array.from({ length: 256 }, (_, i) => oprfInput(chainId, candidates[i % 452]));
start = performance.now();
const blinds = blindInputs(batch);
const blindMs = performance.now() - start;
start = performance.now();
const evaluations = keys.map((key) => evaluateBlinded(key, blinds.map((b) => b.blinded)));
const evaluateMs = (performance.now() - start) / keys.length;
start = performance.now();
const outputs = keys.map((key, k) => finalizeEvaluations(batch, blinds, evaluations[k],
  key.publicKey));
const finalizeMs = performance.now() - start;
batch.forEach((_, i) => subjectIdFromOutputs(suite, chainId, outputs.map((o) => o[i])));
const perIdMs = (blindMs + finalizeMs) / batch.length;
const published = subjectIdFromOutputs(suite, chainId,
  keys.map((key) => evaluateDirect(key, oprfInput(chainId, candidates[451]))));
start = performance.now();
let hits = 0;
for (const guess of candidates) {
  const mine = evaluateDirect(keys[0], oprfInput(chainId, guess));
  if (subjectIdFromOutputs(suite, chainId, [mine]) === published) hits += 1;
}
const guessS = (performance.now() - start) / 1_000;

console.log(JSON.stringify({
  before: {
    scryptMsPerId: +scryptMs.toFixed(1),
    uploadBlockedSeconds: +(scryptMs * ids / 1_000).toFixed(1),
    reverse: { guesses, seconds: +reverseS.toFixed(1), found: found !== null },
  },
  after: {
    providerMsPerId: +perIdMs.toFixed(2),
    evaluatorMsPerIdPerAgency: +(evaluateMs / batch.length).toFixed(2),
    uploadCpuSecondsOnProviderWorker: +(perIdMs * ids / 1_000).toFixed(1),
    uploadBlockedSecondsOnEventLoop: 0,
    guesserWithOneOfTwoKeys: { guesses: candidates.length, seconds: +guessS.toFixed(1), hits },
  },
}, null, 2));
