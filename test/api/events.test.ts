// Proves the WebSocket event stream: a subscriber hears, in commit order, the block, the
// transaction's result and the contract's event for a notarization, and a type filter keeps out
// what it excludes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../src/core/index.js';
import type { JsonValue } from '../../src/core/index.js';
import { Account, ZhengwuClient, getSuite } from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';

let running: InProcessNode;
let client: ZhengwuClient;
beforeAll(async () => {
  running = await startInProcessNode('gm');
  client = new ZhengwuClient({ url: running.url });
});
afterAll(async () => running.stop());

describe('GET /v1/events', () => {
  it('streams blocks, transaction results and contract events', async () => {
    const suite = getSuite('gm');
    const all: Record<string, JsonValue>[] = [];
    const onlyEvents: Record<string, JsonValue>[] = [];
    const closeAll = await client.subscribe((message) => all.push(message));
    const closeEvents = await client.subscribe((message) => onlyEvents.push(message),
      { types: ['event'], contract: 'notary' });
    const account = new Account(suite, suite.generateKeyPair(), client);
    const documentHash = suite.hash(utf8('events'));
    const view = await account.sendAndWait('notary', 'put', { hash: documentHash, meta: {} });
    for (let i = 0; i < 50 && onlyEvents.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    closeAll();
    closeEvents();
    const kinds = all.map((message) => message.type);
    const blockAt = all.findIndex((m) => m.type === 'block' && m.txCount === 1);
    const txAt = all.findIndex((m) => m.type === 'tx' && m.hash === view.hash);
    const eventAt = all.findIndex((m) => m.type === 'event' && m.name === 'Notarized');
    expect(blockAt).toBeGreaterThanOrEqual(0);
    expect(txAt).toBeGreaterThan(blockAt);
    expect(eventAt).toBeGreaterThan(txAt);
    expect(all[txAt]?.status).toBe('ok');
    expect(kinds.every((kind) => ['block', 'tx', 'event'].includes(String(kind)))).toBe(true);
    expect(onlyEvents.map((m) => m.type)).toEqual(['event']);
    const data = onlyEvents[0]?.data as { hash: { $bytes: string } };
    expect(data.hash.$bytes).toBe(toHex(documentHash));
  });
});
