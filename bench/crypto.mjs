// Single-core throughput of the crypto suites: signatures per second for SM2 and Ed25519
// (native with cached keys, and portable), and symmetric sealing in MB/s. Run with
// `npm run bench:crypto` (it builds first); it reads the compiled module in dist/.
import { getPortableSuite, getSuite } from '../dist/crypto/index.js';

const secondsPerCase = Number(process.env.ZW_BENCH_SECONDS ?? 2);

/** Runs `body` repeatedly for the configured time and returns operations per second. */
function rate(body) {
  const deadline = performance.now() + secondsPerCase * 1000;
  let operations = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 16; i++) body();
    operations += 16;
  }
  return operations / ((performance.now() - started) / 1000);
}

const message = new TextEncoder().encode('a transaction of about a hundred bytes: '.repeat(3));
const results = [];

for (const [implementation, suiteOf] of [['native', getSuite], ['portable', getPortableSuite]]) {
  for (const name of ['gm', 'intl']) {
    const suite = suiteOf(name);
    const pair = suite.generateKeyPair();
    const signature = suite.sign(pair.privateKey, message);
    const algorithm = name === 'gm' ? 'SM2' : 'Ed25519';
    results.push({ implementation, algorithm, operation: 'sign/s',
      value: rate(() => suite.sign(pair.privateKey, message)) });
    results.push({ implementation, algorithm, operation: 'verify/s',
      value: rate(() => suite.verify(pair.publicKey, message, signature)) });
    const key = suite.hash(message);
    const payload = new Uint8Array(64 * 1024);
    const sealsPerSecond = rate(() => suite.sealSymmetric(key, payload));
    results.push({ implementation, algorithm: name === 'gm' ? 'SM4-CTR+HMAC-SM3' : 'AES-256-GCM',
      operation: 'seal MB/s', value: (sealsPerSecond * payload.length) / 1e6 });
  }
}

for (const { implementation, algorithm, operation, value } of results) {
  console.log(`${implementation.padEnd(9)} ${algorithm.padEnd(17)} ${operation.padEnd(10)} ` +
    `${value.toFixed(0).padStart(8)}`);
}
