// Proves that a genesis agency whose CA an SM2 national root issued (with a P-256 TLS CA under
// it, made by the openssl command line) runs from block 1: on a gm chain of two validators,
// both needed for every block, its node is trusted from the start, so the chain commits blocks
// with both signing and records the agency with its TLS CA and chain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ZhengwuNode, initNetwork } from '../../src/node/index.js';
import { reservePortBase } from '../helpers/network.js';
import { waitFor } from '../network/helpers.js';
import { PkiFixtures } from './pki-fixtures.js';

const pki = new PkiFixtures();
const dir = mkdtempSync(join(tmpdir(), 'zw-genesis-pki-'));
const nodes: ZhengwuNode[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
  rmSync(dir, { recursive: true, force: true });
  pki.cleanup();
});

describe('a genesis agency under a national root', () => {
  it('commits blocks that it signs from the first height', async () => {
    const national = pki.root('sm2');
    const agencyCa = pki.issue(national, 'sm2', { key: 'sm2' });
    const taxId = 'CN-BJ/GOV/11110000000000002T/tax';
    const tlsCa = pki.issue(agencyCa, 'sm2', { agency: taxId, pathLength: 0 });
    const passphrase = 'test passphrase';
    const manifest = initNetwork({ dir, agencies: 2, suite: 'gm', passphrase,
      basePort: await reservePortBase(),
      pki: { tax: { caCert: agencyCa.certPem, caChain: [national.certPem], tlsCa } } });
    for (const { home } of manifest.nodes) {
      nodes.push(await ZhengwuNode.start({ home, passphrase, verifyThreads: 0, apiPort: 0,
        logger: pino({ level: 'silent' }) }));
    }
    await waitFor(() => nodes.every((node) => node.height >= 3), 'three blocks', 60_000);
    const status = await (await fetch(`${nodes[0]?.apiUrl ?? ''}/v1/status`)).json() as
      { validators: { agency: string }[] };
    expect(status.validators.map((validator) => validator.agency)).toContain(taxId);
    const tax = await (await fetch(`${nodes[0]?.apiUrl ?? ''}/v1/agencies/` +
      encodeURIComponent(taxId))).json() as Record<string, unknown>;
    expect([tax.caCert, tax.tlsCaCert, tax.caChain])
      .toEqual([agencyCa.certPem, tlsCa.certPem, [national.certPem]]);
  });
});
