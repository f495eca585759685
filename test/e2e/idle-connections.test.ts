// Slowloris against a validator (issue 12, point 4): a node process started with an open-file
// limit of 512 is sent 660 idle connections from nine loopback addresses, and a few that
// trickle header bytes. It refuses connections beyond its per-address cap and beyond its total
// (held under 40% of the limit), answering TOO_MANY_CONNECTIONS; it closes the idle and
// trickling ones on its timeouts; and its validator keeps signing blocks throughout, without
// an EMFILE anywhere (before, the idle sockets took every descriptor and the signer-state write
// failed with EMFILE, so the validator stopped signing). Bounds are lowered through config.json.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/core/index.js';
import { limits } from '../../src/core/index.js';
import { ZhengwuClient } from '../../src/sdk/index.js';
import { launcher, makeNetwork, waitForNode } from '../helpers/network.js';
import type { NodeProcess, TestNetwork } from '../helpers/network.js';

const openFileLimit = 512;
const perAddressMax = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  readonly socket: Socket;
  /** Resolves with what the node sent before it closed the connection. */
  readonly ended: Promise<string>;
}

function open(port: number, localAddress: string): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    let received = '';
    socket.on('data', (chunk: Buffer) => { received += chunk.toString(); });
    socket.on('error', () => undefined);
    const ended = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.on('connect', () => resolve({ socket, ended }));
    // A connection the kernel could not even accept counts as ended at once.
    socket.on('close', () => resolve({ socket, ended }));
  });
}

/** Starts the node under `ulimit -n`, the way an operator's service manager would. */
function startLimited(home: string): NodeProcess {
  const child: ChildProcess = spawn('sh', ['-c',
    `ulimit -n ${openFileLimit} && exec "${process.execPath}" "${launcher}" node start ` +
    `--home "${home}"`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

describe('idle connections against a validator', () => {
  let network: TestNetwork | undefined;
  let node: NodeProcess | undefined;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    node?.child.kill('SIGKILL');
    await node?.exited;
    network?.cleanup();
  });

  it('refuses beyond its caps, closes idle sockets and keeps signing', async () => {
    network = await makeNetwork('intl');
    const home = network.manifest.nodes[0]?.home ?? '';
    const api = network.manifest.nodes[0]?.api ?? '';
    const port = Number(new URL(api).port);
    // Blocks every ~300 ms without transactions, so signing can be watched without clients.
    const genesisPath = join(home, 'genesis.json');
    const genesis = JSON.parse(readFileSync(genesisPath, 'utf8')) as
      { params: Record<string, unknown> };
    genesis.params.emptyBlockIntervalMs = 300;
    writeFileSync(genesisPath, JSON.stringify(genesis, null, 2));
    const configPath = join(home, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, api: { ...(config.api as object),
      limits: { connectionsPerAddressMax: perAddressMax, idleTimeoutMs: 3_000,
        headersTimeoutMs: 2_000 } } }));
    node = startLimited(home);
    const client = new ZhengwuClient({ url: api });
    await waitForNode(client, node);
    const before = await client.status();
    const attackStarted = Date.now();

    // One address opens more than its cap; eight more open 75 each, 600 in all.
    const probes: Probe[] = [];
    for (let i = 0; i < perAddressMax + 20; i++) probes.push(await open(port, '127.0.0.2'));
    for (let address = 3; address <= 10; address++) {
      probes.push(...await Promise.all(Array.from({ length: 75 },
        () => open(port, `127.0.0.${address}`))));
    }
    // And a few that trickle header bytes, never finishing a request.
    const trickling = await Promise.all(Array.from({ length: 10 },
      () => open(port, '127.0.0.11')));
    const trickle = setInterval(() => {
      for (const probe of trickling) probe.socket.write('X-Slow: 1\r\n');
    }, 300);
    for (const probe of trickling) probe.socket.write('GET /v1/status HTTP/1.1\r\n');
    sockets.push(...probes.map((p) => p.socket), ...trickling.map((p) => p.socket));

    // Every connection ends: refused at once, or closed by the node's timeouts.
    const answers = await Promise.race([Promise.all(probes.map((p) => p.ended)),
      sleep(30_000).then(() => undefined)]);
    const trickled = await Promise.race([Promise.all(trickling.map((p) => p.ended)),
      sleep(15_000).then(() => undefined)]);
    clearInterval(trickle);
    const attackEnded = Date.now();
    expect(answers).toBeDefined();
    expect(trickled).toBeDefined();
    const refused = (answers ?? []).filter((text) => text.includes(ErrorCode.TOO_MANY_CONNECTIONS));
    const byAddress = refused.filter((text) => text.includes('connections from'));
    const inTotal = refused.filter((text) => text.includes('client connections'));
    expect(byAddress.length).toBeGreaterThanOrEqual(20);
    expect(inTotal.length).toBeGreaterThan(0);
    const held = probes.length - refused.length;
    expect(held).toBeLessThanOrEqual(Math.floor(openFileLimit * limits.apiFdSharePercent / 100));

    // The validator signed blocks while the attack ran, and still does.
    const after = await client.status();
    expect(after.height).toBeGreaterThan(before.height);
    const during = [];
    for (let height = before.height + 1; height <= after.height; height++) {
      const block = await client.block(height);
      const time = Number(block.header.time);
      if (time > attackStarted && time < attackEnded) during.push(height);
    }
    expect(during.length).toBeGreaterThan(0);
    const output = node.output.join('');
    expect(output).not.toContain('EMFILE');
    expect(output).not.toContain('signer refused');
  }, 120_000);
});
