// The governance attacks of issue 12 (points 8 and 9), run against four agencies' real node
// processes, each now refused with a specific code while the legitimate path still works:
// (b) another key deploys a just-approved source with its own init (making itself the data
//     authority) — refused; the proposing agency deploys with the approved init;
// (a) a fresh non-member key rolls an upgraded contract back to an earlier approved version —
//     refused, and the proposing agency cannot use an approval twice;
// (c) an agency admin registers another agency's node key (public in the genesis) as its member
//     and revokes it — refused, and the victim's node keeps its identity;
// and a node moves to a new key by governance (`zw gov rotate-node-key`): the old key is refused,
// the restarted node signs blocks as a validator with the new one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { fromHex, toHex, utf8 } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import {
  Account, ZhengwuClient, createKeystore, openKeystore, propose, receiptResult, vote,
} from '../../src/sdk/index.js';
import type { TxView } from '../../src/sdk/index.js';
import {
  adminAccount, launcher, startNetwork, startNodeProcess, waitForNode,
} from '../helpers/network.js';
import type { RunningNetwork } from '../helpers/network.js';
import { approvalSource } from '../system/harness.js';

const suite = getSuite('intl');

const source = approvalSource;

function status(view: TxView): string {
  return view.status === 'committed' ? view.receipt.status : view.status;
}

interface Genesis {
  readonly agencies: readonly { readonly id: string }[];
  readonly nodes: readonly { readonly agency: string; readonly publicKey: string }[];
}

describe('governance attacks on four agencies', () => {
  let network: RunningNetwork;
  let client: ZhengwuClient;
  let market: Account;
  let tax: Account;
  let police: Account;
  let genesis: Genesis;
  const stranger = (): Account => new Account(suite, suite.generateKeyPair(), client);
  const agencyId = (index: number): string => genesis.agencies[index]?.id ?? '';

  /** Proposes as market; tax and police make the MAJORITY (or 2/3) of four. */
  async function approve(kind: string, payload: CborValue): Promise<Uint8Array> {
    const proposal = receiptResult(await propose(market, kind, payload, 'issue 12 test',
      'Consortium charter, art. 7', 100)) as { id: Uint8Array; status: string };
    await vote(tax, proposal.id, 'yes');
    const result = receiptResult(await vote(police, proposal.id, 'yes')) as { status: string };
    expect(result.status).toBe('executed');
    return proposal.id;
  }

  beforeAll(async () => {
    network = await startNetwork('intl', 4);
    client = network.clients[0] as ZhengwuClient;
    [market, tax, police] = ['market', 'tax', 'police'].map((slug) =>
      adminAccount(network.dir, slug, client)) as [Account, Account, Account];
    genesis = JSON.parse(readFileSync(join(network.dir, 'genesis.json'), 'utf8')) as Genesis;
    // The agencies' identities are genesis state, written in block 1.
    const deadline = Date.now() + 30_000;
    const height = (): Promise<number> => client.status().then((s) => s.height, () => 0);
    while (await height() < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 60_000);
  afterAll(async () => network?.stop());

  it('(b) refuses another key deploying a just-approved source with its own init', async () => {
    const v1 = source('v1');
    const init = { authority: agencyId(0) };
    await approve('deploy-contract', { name: 'authority', version: '1.0.0',
      sourceHash: suite.hash(utf8(v1)), init });
    const deploy = { name: 'authority', version: '1.0.0', source: v1, init };
    const hijack = { ...deploy, init: { authority: 'hijacked' } };
    expect(status(await stranger().sendAndWait('contracts', 'deploy', hijack)))
      .toBe('UNAUTHORIZED');
    expect(status(await tax.sendAndWait('contracts', 'deploy', deploy))).toBe('UNAUTHORIZED');
    expect(status(await market.sendAndWait('contracts', 'deploy', hijack)))
      .toBe('APPROVAL_MISMATCH');
    expect(status(await market.sendAndWait('contracts', 'deploy', deploy))).toBe('ok');
    expect(await client.query('authority', 'authority', null)).toBe(agencyId(0));
  }, 90_000);

  it('(a) refuses rolling an upgraded contract back, and a second use', async () => {
    const [v2, v3] = [source('v2'), source('v3')];
    await approve('upgrade-contract', { name: 'authority', version: '2.0.0',
      sourceHash: suite.hash(utf8(v2)), replacesVersion: '1.0.0' });
    expect(status(await market.sendAndWait('contracts', 'upgrade',
      { name: 'authority', version: '2.0.0', source: v2 }))).toBe('ok');
    await approve('upgrade-contract', { name: 'authority', version: '3.0.0',
      sourceHash: suite.hash(utf8(v3)), replacesVersion: '2.0.0' });
    expect(status(await market.sendAndWait('contracts', 'upgrade',
      { name: 'authority', version: '3.0.0', source: v3 }))).toBe('ok');
    const rollback = { name: 'authority', version: '2.0.0-rollback', source: v2 };
    expect(status(await stranger().sendAndWait('contracts', 'upgrade', rollback)))
      .toBe('UNAUTHORIZED');
    expect(status(await market.sendAndWait('contracts', 'upgrade', rollback)))
      .toBe('APPROVAL_USED');
    const current = await client.query('contracts', 'get', { name: 'authority' }) as
      { version: string };
    expect(current.version).toBe('3.0.0');
    expect(await client.query('authority', 'authority', null)).toBe(agencyId(0));
  }, 120_000);

  it('(c) refuses registering another agency\'s node key; the node keeps its identity',
    async () => {
      const victim = genesis.nodes.find((node) => node.agency === agencyId(0));
      const nodeKey = fromHex(victim?.publicKey ?? '', 'node key');
      const nodeAddress = suite.address(nodeKey);
      const taken = await police.sendAndWait('identity', 'registerMember',
        { publicKey: nodeKey, roles: ['staff'] });
      expect(status(taken)).toBe('KEY_IN_USE');
      expect(status(await police.sendAndWait('identity', 'revokeMember',
        { address: nodeAddress }))).toBe('NOT_FOUND');
      // The market node's own key still acts for market, as its node.
      const home = network.manifest.nodes[0]?.home ?? '';
      const key = openKeystore(readFileSync(join(home, 'validator.key.json'), 'utf8'),
        readFileSync(join(home, 'passphrase'), 'utf8').trim());
      const who = receiptResult(await new Account(suite, key, client)
        .sendAndWait('authority', 'whoami', null)) as { agency: string; roles: string[] };
      expect(who).toMatchObject({ agency: agencyId(0), roles: ['node', 'exchange'] });
    }, 60_000);

  it('re-keys a validator node by governance, end to end', async () => {
    // What the nodes said, should this fail (a node that stopped is otherwise a mystery).
    onTestFailed(() => {
      for (const node of network.processes) console.error(node.output.join('').slice(-4000));
    });
    const home = network.manifest.nodes[3]?.home ?? '';
    const passphrase = readFileSync(join(home, 'passphrase'), 'utf8').trim();
    const oldKey = openKeystore(readFileSync(join(home, 'validator.key.json'), 'utf8'),
      passphrase);
    const newKey: KeyPair = suite.generateKeyPair();
    const newAddress = toHex(suite.address(newKey.publicKey));
    // Proposed through the CLI by market's admin, voted by tax and police.
    const proposed = await promisify(execFile)(process.execPath, [launcher, 'gov',
      'rotate-node-key', agencyId(3), toHex(oldKey.publicKey), toHex(newKey.publicKey),
      '--reason', 'key exposed', '--legal-basis', 'Consortium charter, art. 9', '--key',
      join(network.dir, 'admins', 'market.key'), '--passphrase-file', join(network.dir, 'admins',
        'market.passphrase'), '--node', client.url, '--json'], { encoding: 'utf8' });
    const id = (JSON.parse(proposed.stdout) as { result: { id: { $bytes: string } } })
      .result.id.$bytes;
    await vote(tax, id, 'yes');
    const executed = receiptResult(await vote(police, id, 'yes')) as { status: string };
    expect(executed.status).toBe('executed');
    // The rotated-out key is refused at admission already.
    await expect(new Account(suite, oldKey, client).sendAndWait('authority', 'whoami', null))
      .rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'node key was rotated out' });
    // The operator restarts the node with the new key; it signs blocks again as health's node.
    const previous = network.processes[3];
    previous?.child.kill('SIGTERM');
    await previous?.exited;
    writeFileSync(join(home, 'validator.key.json'), createKeystore(suite, newKey, passphrase),
      { mode: 0o600 });
    const restarted = startNodeProcess(home);
    network.processes[3] = restarted;
    await waitForNode(network.clients[3] as ZhengwuClient, restarted);
    const who = receiptResult(await new Account(suite, newKey, client)
      .sendAndWait('authority', 'whoami', null)) as { agency: string; roles: string[] };
    expect(who).toMatchObject({ agency: agencyId(3), roles: ['node', 'exchange'] });
    let signed = false;
    const deadline = Date.now() + 60_000;
    while (!signed && Date.now() < deadline) {
      const response = await fetch(`${client.url}/v1/blocks`);
      const { blocks } = await response.json() as { blocks: { signers: string[] }[] };
      signed = blocks.slice(0, 5).some((block) => block.signers.includes(newAddress));
      if (!signed) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(signed).toBe(true);
    const before = (await client.status()).height;
    // (market's Account would reuse the nonce the CLI just spent: tax sends.)
    await tax.sendAndWait('authority', 'whoami', null);
    expect((await client.status()).height).toBeGreaterThan(before);
  }, 150_000);
});
