// Commands that create and run networks and nodes: `zw init`, `zw up`, `zw start` (what
// `npm start` runs) and `zw node start`.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError } from '../core/index.js';
import {
  ZhengwuNode, initNetwork, joinNetwork, loadConfig, networkFileName, pemCertificates,
} from '../node/index.js';
import type { AgencyPki, JoinOptions, NetworkManifest } from '../node/index.js';
import { output, readPassphrase, run } from './io.js';

const launcher = fileURLToPath(new URL('../../bin/zw.js', import.meta.url));

interface InitFlags {
  readonly dir: string;
  readonly agencies: string;
  readonly validators?: string;
  readonly crypto: 'intl' | 'gm';
  readonly chainId?: string;
  readonly basePort: string;
  readonly passphraseFile?: string;
  readonly agencyPki: readonly string[];
  readonly json?: boolean;
}

export function initCommand(): Command {
  return new Command('init')
    .description('create a local network: keys, genesis, node configs and network.json')
    .requiredOption('--dir <dir>', 'folder for the network')
    .option('--agencies <n>', 'number of agencies, one node each', '4')
    .option('--validators <k>', 'how many of them run validators (default: all)')
    .option('--passphrase-file <file>', 'one passphrase for every keystore (else ZW_PASSPHRASE, ' +
      'else a random one per node in a 0600 file: development only)')
    .addOption(new Option('--crypto <suite>', 'crypto suite of the chain')
      .choices(['intl', 'gm']).default('intl'))
    .option('--chain-id <id>', 'chain id (default zhengwu-local-<suite>)')
    .option('--base-port <port>', 'API ports are base+1, base+2, ...', '7700')
    .option('--agency-pki <slug=dir>', 'a genesis agency whose CA comes from its PKI: <dir> ' +
      'holds ca.pem (its CA), tls-ca.pem and tls-ca.key (a P-256 CA the CA issued naming the ' +
      'agency) and, when ca.pem is not self-signed, chain.pem (its issuers up to the root, ' +
      'issuer first); repeatable', collect, [])
    .option('--json', 'machine-readable output')
    .action(run((flags: InitFlags) => {
      const passphrase = flags.passphraseFile === undefined ? process.env.ZW_PASSPHRASE
        : readFileSync(flags.passphraseFile, 'utf8').replace(/\r?\n$/, '');
      const manifest = initNetwork({
        dir: flags.dir, agencies: Number(flags.agencies), suite: flags.crypto,
        basePort: Number(flags.basePort),
        ...(flags.validators === undefined ? {} : { validators: Number(flags.validators) }),
        ...(flags.chainId === undefined ? {} : { chainId: flags.chainId }),
        ...(passphrase === undefined ? {} : { passphrase }),
        ...(flags.agencyPki.length === 0 ? {} : { pki: agencyPkiFlags(flags.agencyPki) }),
      });
      output(flags, manifest, () => describeNetwork(resolve(flags.dir), manifest));
    }));
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

/** --agency-pki <slug>=<dir> values as the PKI certificates read from each folder. */
function agencyPkiFlags(values: readonly string[]): Record<string, AgencyPki> {
  const pki: Record<string, AgencyPki> = {};
  for (const value of values) {
    const split = value.indexOf('=');
    if (split < 1) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, `--agency-pki ${value}: use <slug>=<dir>`);
    }
    const dir = resolve(value.slice(split + 1));
    const chain = join(dir, 'chain.pem');
    pki[value.slice(0, split)] = {
      caCert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
      ...(existsSync(chain) ? { caChain: pemCertificates(readFileSync(chain, 'utf8')) } : {}),
      tlsCa: { certPem: readFileSync(join(dir, 'tls-ca.pem'), 'utf8'),
        keyPem: readFileSync(join(dir, 'tls-ca.key'), 'utf8') },
    };
  }
  return pki;
}

function describeNetwork(dir: string, manifest: NetworkManifest): string {
  const lines = [`Network ${manifest.chainId} (${manifest.suite}) in ${dir}`];
  for (const node of manifest.nodes) {
    lines.push(`  ${node.name.padEnd(8)} ${node.api}  p2p ${node.p2p}  ${node.agencyName}  ` +
      `${node.validator ? 'validator' : 'full node'}  ${node.home}`);
  }
  return lines.join('\n');
}

export function readManifest(dir: string): NetworkManifest {
  const path = join(resolve(dir), networkFileName);
  if (!existsSync(path)) {
    throw new ZwError(ErrorCode.NOT_FOUND, `no ${networkFileName} in ${dir}; run zw init first`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as NetworkManifest;
}

export function upCommand(): Command {
  return new Command('up')
    .description('run every node of a network as its own process, in the foreground')
    .requiredOption('--dir <dir>', 'network folder made by zw init')
    .option('--json', 'print the network as JSON (node logs are JSON lines already)')
    .action(run(async (flags: { dir: string; json?: boolean }) => {
      await runNetwork(readManifest(flags.dir), flags.json === true);
    }));
}

export function startCommand(): Command {
  return new Command('start')
    .description('create a default local network if needed, then run it (npm start)')
    .option('--dir <dir>', 'network folder', process.env.ZW_NET_DIR ?? '.zhengwu/net')
    .option('--agencies <n>', 'agencies when creating the network', '4')
    .addOption(new Option('--crypto <suite>', 'crypto suite when creating the network')
      .choices(['intl', 'gm']).default('intl'))
    .option('--json', 'print the network as JSON (node logs are JSON lines already)')
    .action(run(async (flags: { dir: string; agencies: string; crypto: 'intl' | 'gm';
      json?: boolean }) => {
      if (!existsSync(join(resolve(flags.dir), networkFileName))) {
        const manifest = initNetwork({ dir: flags.dir, agencies: Number(flags.agencies),
          suite: flags.crypto });
        if (flags.json !== true) {
          process.stdout.write(`${describeNetwork(resolve(flags.dir), manifest)}\n`);
        }
      }
      await runNetwork(readManifest(flags.dir), flags.json === true);
    }));
}

/** Starts one child process per node, prefixes their logs, and stops them all on a signal. */
async function runNetwork(manifest: NetworkManifest, json: boolean): Promise<void> {
  const children = new Map<string, ChildProcess>();
  for (const node of manifest.nodes) {
    const child = spawn(process.execPath, [launcher, 'node', 'start', '--home', node.home],
      { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    children.set(node.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => {
        process.stdout.write(`[${node.name}] ${line}\n`);
      });
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ starting: manifest })}\n`);
  } else {
    process.stdout.write(`Zhengwu network ${manifest.chainId} (${manifest.suite}) is starting:\n`);
    for (const node of manifest.nodes) {
      process.stdout.write(`  ${node.agencyName} (${node.name}): API ${node.api}  ` +
        `portal ${node.api}/\n`);
    }
    process.stdout.write('Press Ctrl+C to stop.\n');
  }
  const stop = (): void => {
    for (const child of children.values()) child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const exits = [...children.entries()].map(([name, child]) => new Promise<void>((done) => {
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGTERM') {
        process.stdout.write(`[${name}] exited with ${signal ?? code}\n`);
        process.exitCode = 1;
      }
      done();
    });
  }));
  await Promise.all(exits);
}

export function nodeCommand(): Command {
  const node = new Command('node').description('run and inspect a single node');
  node.command('start')
    .description('run one node from its home folder, in the foreground')
    .requiredOption('--home <dir>', 'node home folder (holds config.json)')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .option('--api-port <port>', 'override the API port of config.json')
    .option('--p2p-port <port>', 'override the peer port of config.json')
    .option('--verify-threads <n>', 'signature-check worker threads', '1')
    .option('--vm-stack-mb <mb>', 'native stack of the contract engine worker (default 64; ' +
      'tests shrink it to force an engine fault)')
    .option('--json', 'logs are JSON lines (always); accepted for uniformity')
    .action(run(async (flags: { home: string; passphraseFile?: string; apiPort?: string;
      p2pPort?: string; verifyThreads: string; vmStackMb?: string }) => {
      const config = loadConfig(flags.home);
      const fallback = config.passphraseFile === undefined ? undefined
        : resolve(flags.home, config.passphraseFile);
      const passphrase = await readPassphrase(flags, `the keystore of ${config.moniker}`, fallback);
      const started = await ZhengwuNode.start({ home: flags.home, passphrase,
        verifyThreads: Number(flags.verifyThreads),
        // A decided block this node cannot execute (ADR 0016): the node has stopped; say why
        // and exit non-zero, so a supervisor sees a failure, not a crash trace.
        onHalt: (halt) => {
          process.stderr.write(`zw: node stopped: ${halt.message}\n`);
          process.exit(3);
        },
        ...(flags.vmStackMb === undefined ? {} : { vmStackSizeMb: Number(flags.vmStackMb) }),
        ...(flags.apiPort === undefined ? {} : { apiPort: Number(flags.apiPort) }),
        ...(flags.p2pPort === undefined ? {} : { p2pPort: Number(flags.p2pPort) }) });
      const stop = (): void => {
        void started.stop().then(() => process.exit());
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }));
  return node;
}

interface PkiFlags {
  readonly rootCert?: string;
  readonly caChain?: string;
  readonly tlsCaCert?: string;
  readonly tlsCaKey?: string;
}

/**
 * --root-cert with --tls-ca-cert and --tls-ca-key (and --ca-chain when the CA is not
 * self-signed), read from their files, or none at all.
 */
function pkiFlags(flags: PkiFlags): Pick<JoinOptions, 'pki'> {
  const { rootCert, caChain, tlsCaCert, tlsCaKey } = flags;
  if (rootCert === undefined && caChain === undefined && tlsCaCert === undefined &&
      tlsCaKey === undefined) return {};
  if (rootCert === undefined || tlsCaCert === undefined || tlsCaKey === undefined) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      '--root-cert, --tls-ca-cert and --tls-ca-key go together (with --ca-chain if needed)');
  }
  return { pki: { caCert: readFileSync(rootCert, 'utf8'),
    ...(caChain === undefined ? {}
      : { caChain: pemCertificates(readFileSync(caChain, 'utf8')) }),
    tlsCa: { certPem: readFileSync(tlsCaCert, 'utf8'),
      keyPem: readFileSync(tlsCaKey, 'utf8') } } };
}

export function agencyCommand(): Command {
  const agency = new Command('agency').description('prepare a new agency to join a network');
  agency.command('new')
    .description('make a new agency\'s CA, administrator and node home beside a network, and ' +
      'write the add-agency application the member agencies vote on (zw gov propose add-agency)')
    .requiredOption('--dir <dir>', 'network folder (holds network.json and genesis.json)')
    .requiredOption('--id <id>', 'agency identifier, e.g. CN-BJ/GOV/11110000000000008E/edu')
    .requiredOption('--name <name>', 'agency name')
    .requiredOption('--slug <slug>', 'short name for folders, e.g. edu')
    .requiredOption('--api-port <port>', 'API port of the new node')
    .requiredOption('--p2p-port <port>', 'peer port of the new node')
    .option('--root-cert <pem>', 'the agency\'s CA from its PKI (SM2, Ed25519 or P-256); ' +
      'needs --tls-ca-cert and --tls-ca-key: a P-256 CA it issued naming the agency')
    .option('--ca-chain <pem>', 'when that CA is not self-signed: its issuers up to the ' +
      'self-signed root, issuer first, in one PEM file')
    .option('--tls-ca-cert <pem>', 'the P-256 TLS CA certificate the agency CA issued')
    .option('--tls-ca-key <pem>', 'its private key (PEM), to issue the node\'s certificate')
    .option('--json', 'machine-readable output')
    .action(run((flags: { dir: string; id: string; name: string; slug: string; apiPort: string;
      p2pPort: string; json?: boolean } & PkiFlags) => {
      const passphrase = process.env.ZW_PASSPHRASE;
      const { node, application } = joinNetwork({ dir: flags.dir, id: flags.id,
        name: flags.name, slug: flags.slug, apiPort: Number(flags.apiPort),
        p2pPort: Number(flags.p2pPort), ...(passphrase === undefined ? {} : { passphrase }),
        ...pkiFlags(flags) });
      output(flags, { node, application }, () => [
        `prepared ${flags.name} (${flags.id}) in ${node.home}`,
        `  node address ${node.address}, API ${node.api}, p2p ${node.p2p}`,
        `  application: ${join(resolve(flags.dir), `${flags.slug}-application.json`)}`,
        '  next: an admin proposes it with',
        `    zw gov propose add-agency --payload "$(cat ${flags.slug}-application.json)" ...`,
      ].join('\n'));
    }));
  return agency;
}
