// Proves governance on a real four-agency network: a fifth agency, whose CA is an SM2 root from
// its own PKI (made by the openssl command line) with a P-256 TLS CA the root issued, is proposed,
// voted in with its node as a validator, and its node joins at the announced height and signs
// blocks; a member an agency admin registers can transact until it is revoked, and is refused
// afterwards; an agency is suspended, its validator leaves the set two heights later and its
// administrator's votes are refused; it is then removed.
import { afterAll, describe, expect, it } from 'vitest';
import { ZwError, fromHex, toHex } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { joinNetwork } from '../../src/node/index.js';
import {
  Account, ZhengwuClient, checkNotarization, identityCall, propose, receiptResult, trustFromGenesis,
  vote,
} from '../../src/sdk/index.js';
import {
  adminAccount, freePort, makeNetwork, startNodeProcess, waitForNode,
} from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';
import { PkiFixtures } from '../node/pki-fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const suite = getSuite('intl');

function resultOf(view: Awaited<ReturnType<typeof propose>>): Record<string, CborValue> {
  return receiptResult(view) as Record<string, CborValue>;
}

describe('governance', () => {
  let network: TestNetwork | undefined;
  const processes: NodeProcess[] = [];
  const pki = new PkiFixtures();
  afterAll(async () => {
    pki.cleanup();
    for (const node of processes) node.child.kill('SIGKILL');
    await Promise.all(processes.map((node) => node.exited));
    network?.cleanup();
  });

  it('admits a PKI-rooted agency, revokes a member, suspends and removes an agency', async () => {
    network = await makeNetwork('intl', 4);
    const { dir } = network;
    for (const node of network.manifest.nodes) processes.push(startNodeProcess(node.home));
    const clients = network.manifest.nodes.map((node) => new ZhengwuClient({ url: node.api }));
    await Promise.all(clients.map((client, i) => waitForNode(client, processes[i] as NodeProcess)));
    const client = clients[0] as ZhengwuClient;
    const [market, tax, police, health] = ['market', 'tax', 'police', 'health']
      .map((slug) => adminAccount(dir, slug, client)) as [Account, Account, Account, Account];

    // A fifth agency applies with its PKI's SM2 root and the TLS CA the root issued for its
    // nodes, and three of four agencies (more than 2/3) admit it.
    const eduId = 'CN-BJ/GOV/11110000000000008E/edu';
    const root = pki.root('sm2');
    const tlsCa = pki.issue(root, 'sm2', { agency: eduId, pathLength: 0 });
    const joined = joinNetwork({ dir, id: eduId, name: '北京市教育委员会', slug: 'edu',
      apiPort: await freePort(), p2pPort: await freePort(),
      pki: { caCert: root.certPem, tlsCa } });
    const application = joined.application;
    const edu = application.nodes[0];
    if (edu === undefined) throw new Error('application lists the node');
    expect(application.tlsCaCert).toBe(tlsCa.certPem);
    const addAgency = resultOf(await propose(market, 'add-agency', {
      id: application.id, name: application.name, caCert: application.caCert,
      tlsCaCert: tlsCa.certPem, adminKey: fromHex(application.adminKey),
      nodes: [{ name: edu.name, publicKey: fromHex(edu.publicKey) }] },
    'The education commission joins the data-sharing consortium', 'Consortium charter, art. 3',
    100));
    expect(resultOf(await vote(tax, addAgency.id as Uint8Array, 'yes')).status).toBe('open');
    expect(resultOf(await vote(police, addAgency.id as Uint8Array, 'yes')).status)
      .toBe('executed');

    // Its node becomes a validator: now five agencies, so four yes votes are needed.
    const addValidator = resultOf(await propose(market, 'add-validator', {
      publicKey: fromHex(edu.publicKey), power: 10, agency: application.id },
    'The education commission runs a validator', 'Consortium charter, art. 5', 100));
    await vote(tax, addValidator.id as Uint8Array, 'yes');
    await vote(police, addValidator.id as Uint8Array, 'yes');
    const executed = await vote(health, addValidator.id as Uint8Array, 'yes');
    expect(resultOf(executed).status).toBe('executed');
    const decidedAt = executed.status === 'committed' ? executed.height : 0;
    const eduAddress = toHex(suite.address(fromHex(edu.publicKey)));
    const setAt = async (height: number) => ((await (await fetch(
      `${network?.manifest.nodes[0]?.api}/v1/validators?height=${height}`)).json()) as
      { validators: { address: string }[] }).validators.map((v) => v.address);
    expect(await setAt(decidedAt + 1)).not.toContain(eduAddress);
    expect(await setAt(decidedAt + 2)).toContain(eduAddress);

    // The new agency's node starts, catches up, and signs blocks.
    processes.push(startNodeProcess(joined.node.home));
    const eduClient = new ZhengwuClient({ url: joined.node.api });
    await waitForNode(eduClient, processes[4] as NodeProcess);
    let signed = false;
    for (let i = 0; i < 150 && !signed; i++) {
      await client.submit(await market.build('notary', 'put',
        { hash: suite.hash(Uint8Array.of(i, 7)), meta: {} })).catch(() => undefined);
      await sleep(200);
      const status = await client.status();
      signed = status.height > decidedAt + 2 && status.lastCommitSigners.includes(eduAddress);
    }
    expect(signed).toBe(true);
    expect((await eduClient.status()).height).toBeGreaterThan(decidedAt);

    // A member works until it is revoked; from then on it is refused.
    const staffKey = suite.generateKeyPair();
    await identityCall(market, 'registerMember', { publicKey: staffKey.publicKey,
      roles: ['staff'] });
    const staff = new Account(suite, staffKey, client);
    const before = await staff.sendAndWait('notary', 'put',
      { hash: suite.hash(Uint8Array.of(1, 2, 3)), meta: {} });
    expect(before.status === 'committed' && before.receipt.status).toBe('ok');
    await identityCall(market, 'revokeMember', { address: suite.address(staffKey.publicKey) });
    const refused = await staff.send('notary', 'put',
      { hash: suite.hash(Uint8Array.of(4, 5, 6)), meta: {} }).then(() => 'admitted',
      (error: ZwError) => error.code);
    expect(refused).toBe('UNAUTHORIZED');

    // Health is suspended (four of five agencies): its validator leaves the set two heights
    // later, and its administrator's votes are refused.
    const healthValidator = network.manifest.nodes[3]?.address ?? '';
    const healthId = network.manifest.nodes[3]?.agency ?? '';
    const eduAdmin = adminAccount(dir, 'edu', client);
    const suspension = resultOf(await propose(market, 'suspend-agency', { id: healthId },
      'Under investigation', 'Municipal decision 2026-16', 100));
    for (const admin of [tax, police]) await vote(admin, suspension.id as Uint8Array, 'yes');
    const suspended = await vote(eduAdmin, suspension.id as Uint8Array, 'yes');
    expect(resultOf(suspended).status).toBe('executed');
    const suspendedAt = suspended.status === 'committed' ? suspended.height : 0;
    expect(await setAt(suspendedAt + 1)).toContain(healthValidator);
    expect(await setAt(suspendedAt + 2)).not.toContain(healthValidator);

    // Then it is removed by three of the four active agencies; it cannot vote against.
    const removal = resultOf(await propose(market, 'remove-agency', { id: healthId },
      'Reorganised into another commission', 'Municipal decision 2026-17', 100));
    const healthAgainst = await health.send('governance', 'vote',
      { id: removal.id as Uint8Array, vote: 'no' }).then(() => 'admitted',
      (error: ZwError) => error.code);
    expect(healthAgainst).toBe('UNAUTHORIZED');
    expect(resultOf(await vote(tax, removal.id as Uint8Array, 'yes')).status).toBe('open');
    const done = await vote(police, removal.id as Uint8Array, 'yes');
    expect(resultOf(done).status).toBe('executed');
    const removedAt = done.status === 'committed' ? done.height : 0;
    expect(await setAt(removedAt + 2)).not.toContain(healthValidator);
    const afterRemoval = resultOf(await propose(market, 'set-params', { timeoutCommitMs: 150 },
      'Gather transactions a little longer', 'Consortium charter, art. 9', 100));
    const healthVote = await health.send('governance', 'vote',
      { id: afterRemoval.id as Uint8Array, vote: 'yes' }).then(() => 'admitted',
      (error: ZwError) => error.code);
    expect(healthVote).toBe('UNAUTHORIZED');

    // A light client that trusts only the genesis validators still verifies a proof signed by
    // the new set, by following the proven validator schedule.
    const documentHash = suite.hash(Uint8Array.of(9, 9, 9));
    await market.sendAndWait('notary', 'put', { hash: documentHash, meta: {} });
    const trust = trustFromGenesis(await client.genesis());
    const check = await checkNotarization(client, trust, documentHash);
    expect(check.record).toBeDefined();
    expect(check.proof.header.height).toBeGreaterThan(removedAt + 2);
  }, 300_000);
});
