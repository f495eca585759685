// Proves the explorer's range reads against a real in-process node: block summaries come newest
// first with their time, transaction count and the validator that signed each commit; the
// transaction search finds a block's transactions by contract, by sender and by the sender's
// agency (an admin's root key counts for its agency; an outsider's notarization for none) and
// says where to continue after its limit; bad ranges and limits are INVALID_ARGUMENT.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZwError, utf8 } from '../../src/core/index.js';
import {
  Account, ZhengwuClient, blockSummaries, getSuite, identityCall, openKeystore, receiptResult,
  searchTxs,
} from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';

const suite = getSuite('intl');
const marketId = 'CN-BJ/GOV/11110000000000001M/market';
let running: InProcessNode;
let client: ZhengwuClient;
let outsider: Account;
let admin: Account;
let notarized: string;
let registered: string;

beforeAll(async () => {
  running = await startInProcessNode('intl');
  client = new ZhengwuClient({ url: running.url });
  outsider = new Account(suite, suite.generateKeyPair(), client);
  admin = new Account(suite, openKeystore(readFileSync(join(running.dir, 'admins', 'market.key'),
    'utf8'), running.passphrase), client);
  notarized = (await outsider.sendAndWait('notary', 'put',
    { hash: suite.hash(utf8('explorer')), meta: {} })).hash;
  const view = await identityCall(admin, 'registerMember',
    { publicKey: suite.generateKeyPair().publicKey, roles: ['staff'] });
  receiptResult(view);
  registered = view.hash;
});
afterAll(async () => running.stop());

describe('GET /v1/blocks', () => {
  it('summarizes a range of blocks newest first with their commit signers', async () => {
    const status = await client.status();
    const blocks = await blockSummaries(client, { from: 1, to: status.height });
    expect(blocks.map((b) => b.height)).toEqual(
      Array.from({ length: status.height }, (_, i) => status.height - i));
    const validator = status.validators[0]?.address;
    expect(blocks.every((b) => b.signers.includes(validator ?? ''))).toBe(true);
    expect(blocks.reduce((sum, b) => sum + b.txCount, 0)).toBeGreaterThanOrEqual(2);
    expect(blocks.every((b, i) => i === 0 || b.time <= (blocks[i - 1]?.time ?? 0))).toBe(true);
  });

  it('refuses a backwards range and a search limit above its maximum', async () => {
    const invalid = (error: unknown) => error instanceof ZwError
      && error.code === 'INVALID_ARGUMENT';
    await expect(blockSummaries(client, { from: 3, to: 1 })).rejects.toSatisfy(invalid);
    await expect(searchTxs(client, { limit: 1_000 })).rejects.toSatisfy(invalid);
  });
});

describe('GET /v1/txs', () => {
  it('finds transactions by contract, sender and agency', async () => {
    const byContract = await searchTxs(client, { contract: 'notary' });
    expect(byContract.txs.map((tx) => tx.hash)).toEqual([notarized]);
    expect(byContract.txs[0]).toMatchObject({ method: 'put', status: 'ok', agency: null,
      sender: outsider.address });
    const bySender = await searchTxs(client, { sender: admin.address });
    expect(bySender.txs.map((tx) => tx.hash)).toEqual([registered]);
    const byAgency = await searchTxs(client, { agency: marketId });
    expect(byAgency.txs.map((tx) => tx.hash)).toEqual([registered]);
    expect(byAgency.txs[0]).toMatchObject({ contract: 'identity', method: 'registerMember' });
    expect(byAgency.scannedFrom).toBe(1);
  });

  it('stops at its limit and says where to continue', async () => {
    const all = await searchTxs(client, {});
    expect(all.txs.length).toBeGreaterThanOrEqual(2);
    const first = await searchTxs(client, { limit: 1 });
    expect(first.txs.map((tx) => tx.hash)).toEqual([all.txs[0]?.hash]);
    const rest = await searchTxs(client, { to: first.scannedFrom - 1 });
    const seen = new Set([...first.txs, ...rest.txs].map((tx) => tx.hash));
    expect(seen).toEqual(new Set(all.txs.map((tx) => tx.hash)));
  });
});
