// The built-in work attack of issue #12 point 2 against a real node process: one call doing an
// 8 MiB indexOf 400 times used 6,494 gas and blocked the node's API and consensus for 87 s;
// the same call through POST /v1/txs (and one within the string limit, and a huge bigint power)
// now ends in a TOO_LARGE or OUT_OF_GAS receipt, the API answers while they run, and the chain
// keeps committing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { limits } from '../../src/core/index.js';
import { getSuite, openKeystore } from '../../src/crypto/index.js';
import { Account } from '../../src/sdk/index.js';
import type { TxView, ZhengwuClient } from '../../src/sdk/index.js';
import { adminAccount, startNetwork } from '../helpers/network.js';
import type { RunningNetwork } from '../helpers/network.js';

const suite = getSuite('intl');

const attackSource = `
const tx = (run) => ({ kind: 'tx', run });
exports.indexOf8MiB = tx(() => {
  const h = 'a'.repeat(8 * 1024 * 1024), d = 'a'.repeat(1023) + 'b';
  let r = 0; for (let i = 0; i < 400; i++) r += h.indexOf(d); return r;
});
exports.indexOfMax = tx(() => {
  const h = 'a'.repeat(${limits.contractStringCharsMax}), d = 'a'.repeat(1023) + 'b';
  let r = 0; for (let i = 0; i < 400; i++) r += h.indexOf(d); return r;
});
exports.bigPow = tx(() => Number((3n ** 1000000n) & 1n));
exports.ping = tx(() => 'pong');
`;

function receiptOf(view: TxView): { status: string; gasUsed: number } {
  if (view.status !== 'committed') throw new Error(`not committed: ${view.status}`);
  return { status: view.receipt.status, gasUsed: view.receipt.gasUsed };
}

describe('built-in work attacks on a node process', () => {
  let network: RunningNetwork | undefined;
  afterAll(async () => network?.stop());

  it('end in receipts that refuse or pay, while the API answers and blocks commit',
    async () => {
      network = await startNetwork('intl', 1);
      const { dir, clients } = network;
      const client = clients[0] as ZhengwuClient;
      await client.status().catch(() => client.status());
      const deployer = new Account(suite, openKeystore(readFileSync(join(dir, 'admin.key'),
        'utf8'), readFileSync(join(dir, 'admin.passphrase'), 'utf8').trim()), client);
      // The first sample agency's administrator, a member, sends the attacks.
      const account = adminAccount(dir, 'market', client);
      const deployed = await deployer.sendAndWait('contracts', 'deploy',
        { name: 'adversary', source: attackSource, version: '1.0.0' });
      expect(deployed.status === 'committed' && deployed.receipt.status).toBe('ok');
      const gasLimit = 9_000_000;
      const sent = [];
      for (const method of ['indexOf8MiB', 'indexOfMax', 'bigPow']) {
        sent.push(await account.send('adversary', method, null, { gasLimit }));
      }
      // While the attacks are in the mempool and executing, the API answers.
      const status = await client.status();
      expect(status.height).toBeGreaterThan(0);
      const [big, max, pow] = await Promise.all(sent.map((hash) => client.waitForTx(hash)));
      expect(receiptOf(big as TxView).status).toBe('TOO_LARGE');
      // Within the limit the search pays before it runs: the whole gas limit, then it stops.
      expect(receiptOf(max as TxView)).toEqual({ status: 'OUT_OF_GAS', gasUsed: gasLimit });
      expect(receiptOf(pow as TxView).status).toBe('TOO_LARGE');
      const later = await account.sendAndWait('adversary', 'ping', null);
      expect(later.status === 'committed' && later.receipt.result).toBe('pong');
    }, 120_000);
});
