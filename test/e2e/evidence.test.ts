// Proves double-sign detection end to end: a validator (played by the test, with that agency's
// real TLS certificate and chain key) sends two conflicting prevotes for the same height and
// round to three running agency nodes. They detect it, a proposer puts the evidence in a block,
// and every node then serves it, signed votes and all, at GET /v1/evidence.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VoteType, asHash, asHeight, asRound, toHex, voteSignBytes } from '../../src/core/index.js';
import type { Vote } from '../../src/core/index.js';
import { getSuite, openKeystore } from '../../src/crypto/index.js';
import { createNetwork } from '../../src/network/index.js';
import type { Network } from '../../src/network/index.js';
import type { NodeConfig } from '../../src/node/index.js';
import { ZhengwuClient } from '../../src/sdk/index.js';
import { makeNetwork, startNodeProcess, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('double-sign evidence', () => {
  let network: TestNetwork | undefined;
  const processes: NodeProcess[] = [];
  let impostor: Network | undefined;
  afterAll(async () => {
    await impostor?.stop();
    for (const node of processes) node.child.kill('SIGKILL');
    await Promise.all(processes.map((node) => node.exited));
    network?.cleanup();
  });

  it('is detected, committed on chain and served by the API', async () => {
    network = await makeNetwork('intl', 4);
    const nodes = network.manifest.nodes;
    for (const node of nodes.slice(0, 3)) processes.push(startNodeProcess(node.home));
    const clients = nodes.slice(0, 3).map((node) => new ZhengwuClient({ url: node.api }));
    await Promise.all(clients.map((client, i) => waitForNode(client, processes[i] as NodeProcess)));

    // The fourth validator's identity, used to equivocate.
    const home = nodes[3]?.home ?? '';
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as NodeConfig;
    const passphrase = readFileSync(join(home, 'passphrase'), 'utf8').trim();
    const key = openKeystore(readFileSync(join(home, config.keystore), 'utf8'), passphrase);
    const genesis = JSON.parse(readFileSync(join(home, 'genesis.json'), 'utf8')) as
      { chainId: string; agencies: { caCert: string }[] };
    const suite = getSuite('intl');
    impostor = createNetwork({
      listen: { host: '127.0.0.1', port: 0 },
      persistentPeers: config.p2p.peers,
      tls: { keyPem: readFileSync(join(home, config.tls.key), 'utf8'),
        certPem: readFileSync(join(home, config.tls.cert), 'utf8'),
        caPems: genesis.agencies.map((agency) => agency.caCert) },
      chainId: genesis.chainId, suite, keyPair: key,
    }, { authorizePeer: () => true });
    await impostor.start();
    for (let i = 0; i < 100 && impostor.peers().length < 3; i++) await sleep(100);
    expect(impostor.peers().length).toBe(3);

    // Equivocate at whatever height consensus is deciding; repeat in case the height moved on
    // before the votes arrived (then they are simply stale).
    const validator = suite.address(key.publicKey);
    let found: { validator: string; height: number }[] = [];
    for (let attempt = 0; attempt < 30 && found.length === 0; attempt++) {
      const status = await (clients[0] as ZhengwuClient).status();
      const base = { type: VoteType.prevote, height: asHeight(status.consensus.height),
        round: asRound(status.consensus.round), validator };
      for (const blockHash of [asHash(suite.hash(Uint8Array.of(attempt))), null]) {
        const vote: Vote = { ...base, blockHash } as Vote;
        const signature = suite.sign(key.privateKey, voteSignBytes(genesis.chainId as never, vote));
        impostor.broadcast({ type: 'vote', vote: { ...vote, signature } });
      }
      for (let i = 0; i < 20 && found.length === 0; i++) {
        await sleep(100);
        const response = await fetch(`${nodes[0]?.api}/v1/evidence`);
        found = (await response.json() as { evidence: { validator: string; height: number }[] })
          .evidence;
      }
    }
    expect(found[0]?.validator).toBe(toHex(validator));
    for (const node of nodes.slice(1, 3)) {
      const response = await fetch(`${node.api}/v1/evidence`);
      const body = await response.json() as { evidence: { validator: string }[] };
      expect(body.evidence.map((e) => e.validator)).toContain(toHex(validator));
    }
  }, 120_000);
});
