// Worker thread of the limit benchmark: verifies signatures of one suite in a tight loop for the
// time it is told, starting when the parent says go, and reports how many it verified.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyLoop } from './limit.mjs';

parentPort.once('message', () => {
  parentPort.postMessage(verifyLoop(workerData.suite, workerData.seconds));
});
parentPort.postMessage('ready');
