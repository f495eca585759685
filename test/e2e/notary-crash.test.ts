// Proves the ledger core end to end on a real node process, in both crypto suites: 1,000
// notarizations go in through the SDK, the node is killed with SIGKILL in the middle of the load
// and restarted, and afterwards every transaction the node had acknowledged as committed is still
// there with a receipt proof and a state proof that verify against the validator-signed headers,
// and every block from before the crash is unchanged (so is every state root it signs).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex, ZwError } from '../../src/core/index.js';
import {
  Account, ZhengwuClient, checkNotarization, getSuite, trustFromGenesis, verifyTxView,
} from '../../src/sdk/index.js';
import type { SuiteName } from '../../src/sdk/index.js';
import { makeNetwork, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';

const documentsTotal = 1_000;
const batchSize = 50;
const killAfterBatches = 8;

/**
 * The load is one non-member sending 1,000 notarizations as fast as the node admits them; this
 * test is about durability across kill -9, so the node's rate bounds for non-members (ADR 0014,
 * tested in hostile-clients) are lifted rather than measured here.
 */
function liftNonMemberRates(home: string): void {
  const path = join(home, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as { api: { limits?: object } };
  config.api.limits = { ...config.api.limits, nonMemberTxsPerSecondPerSender: 100_000,
    nonMemberTxsPerSecondPerAddress: 100_000 };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
}

interface Submitted {
  readonly documentHash: Uint8Array;
  readonly txHash: string;
}

describe.each<SuiteName>(['intl', 'gm'])('notarization with a crash on a %s chain', (suite) => {
  let network: TestNetwork | undefined;
  let node: NodeProcess | undefined;
  afterAll(async () => {
    node?.child.kill('SIGKILL');
    await node?.exited;
    network?.cleanup();
  });

  it('keeps every acknowledged transaction, provably, across kill -9', async () => {
    network = await makeNetwork(suite);
    const home = network.manifest.nodes[0]?.home ?? '';
    liftNonMemberRates(home);
    const client = new ZhengwuClient({ url: network.manifest.nodes[0]?.api ?? '' });
    node = startNodeProcess(home);
    await waitForNode(client, node);
    const chainSuite = getSuite(suite);
    const account = new Account(chainSuite, chainSuite.generateKeyPair(), client);
    const documents = Array.from({ length: documentsTotal },
      () => chainSuite.hash(randomBytes(64)));
    const acknowledged = new Map<string, Submitted>();
    const unknownFate: Submitted[] = [];

    const submitBatch = async (batch: Uint8Array[]): Promise<void> => {
      const submitted: Submitted[] = [];
      for (const documentHash of batch) {
        try {
          const txHash = await account.send('notary', 'put', { hash: documentHash, meta: {} });
          submitted.push({ documentHash, txHash });
        } catch {
          // Not admitted (the node is down): never acknowledged, so nothing to check.
        }
      }
      await Promise.all(submitted.map(async (entry) => {
        try {
          const view = await client.waitForTx(entry.txHash, { timeoutMs: 20_000 });
          if (view.status === 'committed' && view.receipt.status === 'ok') {
            acknowledged.set(entry.txHash, entry);
          } else if (view.status === 'committed' && view.receipt.status === 'ALREADY_EXISTS') {
            // An earlier submission of this document committed although its answer was lost in
            // the crash; the record on chain names that earlier transaction.
            const record = await client.query('notary', 'get', { hash: entry.documentHash });
            const txHash = toHex((record as { txHash: Uint8Array }).txHash);
            acknowledged.set(txHash, { documentHash: entry.documentHash, txHash });
          }
        } catch {
          unknownFate.push(entry);
        }
      }));
    };

    let next = 0;
    for (let batch = 0; batch < killAfterBatches; batch++) {
      await submitBatch(documents.slice(next, next + batchSize));
      next += batchSize;
    }
    // Blocks committed before the crash, to compare after the restart.
    const before = new Map<number, string>();
    const heightBeforeCrash = (await client.status()).height;
    for (let height = 1; height <= heightBeforeCrash; height++) {
      before.set(height, (await client.block(height)).hash);
    }
    // Kill the node while a batch is in flight.
    const inFlight = submitBatch(documents.slice(next, next + batchSize));
    next += batchSize;
    await new Promise((resolve) => setTimeout(resolve, 30));
    node.child.kill('SIGKILL');
    await node.exited;
    await inFlight;
    expect(acknowledged.size).toBeGreaterThan(0);

    node = startNodeProcess(home);
    await waitForNode(client, node);
    expect((await client.status()).height).toBeGreaterThanOrEqual(heightBeforeCrash);

    // Transactions whose outcome we did not see: the restarted node says what became of them.
    for (const entry of unknownFate) {
      const view = await client.tx(entry.txHash).catch(() => undefined);
      if (view?.status === 'committed' && view.receipt.status === 'ok') {
        acknowledged.set(entry.txHash, entry);
      }
    }
    const done = new Set([...acknowledged.values()].map((e) => toHex(e.documentHash)));
    account.resync();
    const remaining = documents.filter((d) => !done.has(toHex(d)));
    for (let i = 0; i < remaining.length; i += batchSize) {
      await submitBatch(remaining.slice(i, i + batchSize));
    }
    expect(acknowledged.size).toBe(documentsTotal);

    const trust = trustFromGenesis(await client.genesis());
    for (const [height, hash] of before) {
      expect((await client.block(height)).hash).toBe(hash);
    }
    for (const entry of acknowledged.values()) {
      const view = await waitForProof(client, entry.txHash);
      const receipt = verifyTxView(trust, view);
      expect(receipt.status).toBe('ok');
      const check = await checkNotarization(client, trust, entry.documentHash);
      expect(check.record).toBeDefined();
      expect(toHex(check.record?.txHash ?? new Uint8Array())).toBe(entry.txHash);
    }
    // A document never notarized is proven absent, not just missing.
    const absent = await checkNotarization(client, trust, chainSuite.hash(randomBytes(16)));
    expect(absent.record).toBeUndefined();
  }, 600_000);
});

async function waitForProof(client: ZhengwuClient, txHash: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const view = await client.tx(txHash);
    if (view.status === 'committed' && view.proof !== null) return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ZwError('UNAVAILABLE', `no proof for ${txHash}`);
}
