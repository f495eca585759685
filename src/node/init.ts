// `zw init`: creates a local network folder — one home per agency node with its encrypted
// validator keystore, config and the shared genesis — and network.json, which lists every node's
// API URL, home and agency so that tools and tests can find them.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode, ZwError, toHex } from '../core/index.js';
import { createKeystore, getSuite } from '../crypto/index.js';
import type { SuiteName } from '../crypto/index.js';
import { checkGenesis, defaultParams } from '../ledger/index.js';
import type { Genesis } from '../ledger/index.js';
import { createAgencyCa, issueNodeCertificate } from '../network/index.js';
import { configFileName } from './config.js';
import type { NodeConfig } from './config.js';

export interface InitOptions {
  readonly dir: string;
  readonly agencies: number;
  /** How many of the agencies run validators; the rest run full nodes. Default: all. */
  readonly validators?: number;
  readonly suite: SuiteName;
  readonly chainId?: string;
  readonly host?: string;
  /** API ports are basePort+1.., peer ports basePort+101.. */
  readonly basePort?: number;
  /**
   * The passphrase for every keystore. When absent, each node gets a random passphrase in a
   * 0600 file beside its keystore: convenient for a development network, never for production.
   */
  readonly passphrase?: string;
  /** Milliseconds since the epoch for the genesis; defaults to now. */
  readonly genesisTime?: number;
}

export interface NetworkNode {
  readonly name: string;
  readonly agency: string;
  readonly agencyName: string;
  readonly home: string;
  /** The agency administrator's encrypted keystore (passphrase file beside it on dev networks). */
  readonly adminKeystore: string;
  readonly api: string;
  readonly p2p: string;
  readonly address: string;
  readonly validator: boolean;
}

export interface NetworkManifest {
  readonly chainId: string;
  readonly suite: SuiteName;
  readonly nodes: readonly NetworkNode[];
}

export const networkFileName = 'network.json';

/** Sample Beijing agencies for development networks; codes are illustrative, not real. */
interface SampleAgency {
  readonly slug: string;
  readonly id: string;
  readonly name: string;
}

const sampleAgencies: readonly SampleAgency[] = [
  { slug: 'market', id: 'CN-BJ/GOV/11110000000000001M/market', name: '北京市市场监督管理局' },
  { slug: 'tax', id: 'CN-BJ/GOV/11110000000000002T/tax', name: '国家税务总局北京市税务局' },
  { slug: 'police', id: 'CN-BJ/GOV/11110000000000003P/police', name: '北京市公安局' },
  { slug: 'health', id: 'CN-BJ/GOV/11110000000000004H/health', name: '北京市卫生健康委员会' },
  { slug: 'hrss', id: 'CN-BJ/GOV/11110000000000005R/hrss', name: '北京市人力资源和社会保障局' },
  { slug: 'pbc', id: 'CN-BJ/GOV/11110000000000006B/pbc', name: '中国人民银行北京市分行' },
  { slug: 'data', id: 'CN-BJ/GOV/11110000000000007D/data', name: '北京市政务服务和数据管理局' },
];

function agencyAt(index: number): SampleAgency {
  return sampleAgencies[index] ?? { slug: `agency${index + 1}`,
    id: `CN-BJ/GOV/1111000000000${String(index + 1).padStart(4, '0')}X/agency${index + 1}`,
    name: `Agency ${index + 1}` };
}

export function initNetwork(options: InitOptions): NetworkManifest {
  const dir = resolve(options.dir);
  if (existsSync(join(dir, networkFileName))) {
    throw new ZwError(ErrorCode.ALREADY_EXISTS, `${dir} already holds a network`);
  }
  if (!Number.isSafeInteger(options.agencies) || options.agencies < 1 || options.agencies > 64) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'agencies must be between 1 and 64');
  }
  const validatorCount = options.validators ?? options.agencies;
  if (validatorCount < 1 || validatorCount > options.agencies) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'validators must be between 1 and agencies');
  }
  const suite = getSuite(options.suite);
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? 7700;
  const chainId = options.chainId ?? `zhengwu-local-${options.suite}`;
  const agencies = Array.from({ length: options.agencies }, (_, i) => agencyAt(i));
  const keys = agencies.map(() => suite.generateKeyPair());
  const cas = agencies.map((agency) => createAgencyCa(agency.id, agency.name));
  const admins = agencies.map(() => suite.generateKeyPair());
  const genesis: Genesis = {
    chainId,
    suite: options.suite,
    genesisTime: options.genesisTime ?? Date.now(),
    agencies: agencies.map(({ id, name }, i) => ({ id, name, caCert: cas[i]?.certPem ?? '',
      adminKey: toHex(admins[i]?.publicKey ?? new Uint8Array()) })),
    nodes: agencies.map((agency, i) => ({ agency: agency.id, name: agency.slug,
      publicKey: toHex(keys[i]?.publicKey ?? new Uint8Array()) })),
    validators: keys.slice(0, validatorCount).map((key, i) => ({
      agency: (agencies[i] as SampleAgency).id, address: toHex(suite.address(key.publicKey)),
      publicKey: toHex(key.publicKey), power: 10 })),
    params: defaultParams,
  };
  checkGenesis(genesis);
  mkdirSync(join(dir, 'ca'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'admins'), { recursive: true, mode: 0o700 });
  const genesisText = `${JSON.stringify(genesis, null, 2)}\n`;
  writeFileSync(join(dir, 'genesis.json'), genesisText);
  const nodes = agencies.map((agency, i) => {
    const home = join(dir, agency.slug);
    const key = keys[i];
    const ca = cas[i];
    if (key === undefined || ca === undefined) throw new ZwError(ErrorCode.INTERNAL, 'missing key');
    mkdirSync(join(home, 'tls'), { recursive: true, mode: 0o700 });
    // The agency CA's key stays outside every node home, as an agency keeps its CA offline.
    writeFileSync(join(dir, 'ca', `${agency.slug}.key`), ca.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'ca', `${agency.slug}.crt`), ca.certPem);
    // The agency's first administrator: it registers the agency's members and votes in
    // governance. Like the CA key, it lives outside the node's home.
    const admin = admins[i];
    if (admin === undefined) throw new ZwError(ErrorCode.INTERNAL, 'missing admin key');
    const adminPassphrase = options.passphrase ?? randomBytes(24).toString('base64url');
    writeFileSync(join(dir, 'admins', `${agency.slug}.key`),
      createKeystore(suite, admin, adminPassphrase), { mode: 0o600 });
    if (options.passphrase === undefined) {
      writeFileSync(join(dir, 'admins', `${agency.slug}.passphrase`), `${adminPassphrase}\n`,
        { mode: 0o600 });
    }
    const tls = issueNodeCertificate(ca, { agencyId: agency.id, nodeName: agency.slug });
    writeFileSync(join(home, 'tls', 'node.key'), tls.keyPem, { mode: 0o600 });
    writeFileSync(join(home, 'tls', 'node.crt'), tls.certPem);
    writeFileSync(join(home, 'genesis.json'), genesisText);
    const passphrase = options.passphrase ?? randomBytes(24).toString('base64url');
    writeFileSync(join(home, 'validator.key.json'), createKeystore(suite, key, passphrase),
      { mode: 0o600 });
    if (options.passphrase === undefined) {
      writeFileSync(join(home, 'passphrase'), `${passphrase}\n`, { mode: 0o600 });
    }
    const port = basePort + i + 1;
    const p2pPort = basePort + 101 + i;
    const peers = agencies.map((_, j) => ({ host, port: basePort + 101 + j }))
      .filter((_, j) => j !== i);
    const config: NodeConfig = {
      moniker: agency.slug, agency: agency.id, api: { host, port },
      p2p: { host, port: p2pPort, peers },
      tls: { key: 'tls/node.key', cert: 'tls/node.crt' },
      keystore: 'validator.key.json', genesis: 'genesis.json', dataDir: 'data',
      blockGatherMs: 20, logLevel: 'info',
      ...(options.passphrase === undefined ? { passphraseFile: 'passphrase' } : {}),
    };
    writeFileSync(join(home, configFileName), `${JSON.stringify(config, null, 2)}\n`);
    return { name: agency.slug, agency: agency.id, agencyName: agency.name, home,
      adminKeystore: join(dir, 'admins', `${agency.slug}.key`),
      api: `http://${host}:${port}`, p2p: `${host}:${p2pPort}`, address: toHex(suite.address(key.publicKey)),
      validator: i < validatorCount };
  });
  const manifest: NetworkManifest = { chainId, suite: options.suite, nodes };
  writeFileSync(join(dir, networkFileName), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
