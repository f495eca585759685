// Proves that the SM2 addon is context-aware: it loads in several worker threads at once
// (besides the main thread), each with its own instance, and signatures made in one thread
// verify in the others — the setup of the node's signature-verification pool.
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { getSuite } from '../../src/crypto/index.js';
import { sm2AddonPath } from '../../src/crypto/native.js';

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.addonPath);
const own = addon.generateKeyPair();
const message = Buffer.from('signed in a worker');
parentPort.postMessage({
  verifiedMain: addon.verify(workerData.publicKey, workerData.message, workerData.signature),
  publicKey: own.publicKey,
  message,
  signature: addon.sign(own.privateKey, message),
});
`;

interface WorkerAnswer {
  verifiedMain: boolean;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

function runWorker(workerData: object): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData });
    worker.once('message', (answer: WorkerAnswer) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

it('loads in concurrent worker threads and verifies across threads', async () => {
  const suite = getSuite('gm');
  const pair = suite.generateKeyPair();
  const message = new TextEncoder().encode('signed on the main thread');
  const signature = suite.sign(pair.privateKey, message);
  const data = { addonPath: sm2AddonPath, publicKey: pair.publicKey, message, signature };
  const answers = await Promise.all([runWorker(data), runWorker(data), runWorker(data)]);
  for (const answer of answers) {
    expect(answer.verifiedMain).toBe(true);
    expect(suite.verify(answer.publicKey, answer.message, answer.signature)).toBe(true);
  }
  // A second round after the first workers exited: instances are torn down and re-created.
  const again = await runWorker(data);
  expect(again.verifiedMain).toBe(true);
});
