// `zw init`: creates a local network folder — one home per agency node with its encrypted
// validator keystore, config and the shared genesis — and network.json, which lists every node's
// API URL, home and agency so that tools and tests can find them.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCode, ZwError, toHex } from '../core/index.js';
import { createKeystore, generateOprfKey, getSuite } from '../crypto/index.js';
import type { CryptoSuite, KeyPair, OprfKeyPair, SuiteName } from '../crypto/index.js';
import { checkGenesis, defaultParams } from '../ledger/index.js';
import type { Genesis, GenesisContract } from '../ledger/index.js';
import { createAgencyCa, issueNodeCertificate } from '../network/index.js';
import type { CertificateKeyPair } from '../network/index.js';
import { checkAgencyCertificates } from './agency-ca.js';
import { catalogContract, sharingContract } from '../exchange/index.js';
import { configFileName } from './config.js';
import { subjectCommitteeOf, subjectKeyFileName, writeSubjectKeyFile } from './subject-keys.js';
import type { GenesisSubjects } from './subject-keys.js';
import { buildContractSync, contractEntry, contractsRoot } from './contract-build.js';
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
  /**
   * The agency (slug, e.g. `data`, or id) that acts as the data authority of the catalog and
   * sharing contracts the genesis deploys. Default: the data-management bureau when the network
   * has it, else the first agency.
   */
  readonly dataAuthority?: string;
  /**
   * Genesis agencies whose CA comes from a government PKI, by slug (e.g. `tax`): its CA with
   * the issuers up to a self-signed root, and the P-256 TLS CA it issued naming the agency.
   */
  readonly pki?: Readonly<Record<string, AgencyPki>>;
  /**
   * The subject-key agencies (ADR 0013), by slug or id, in order: each gets its own VOPRF key
   * in its node's home, and the genesis lists their public keys. Default: the public-security
   * bureau and the data bureau when present, then the first agencies, two in all (one on a
   * one-agency network).
   */
  readonly subjectKeyAgencies?: readonly string[];
  /**
   * Agencies whose `subject-credential` members may issue citizens' subject credentials, by
   * slug or id. Default: the public-security bureau when present, else the first agency.
   */
  readonly credentialIssuers?: readonly string[];
}

/**
 * An agency's certificates from its PKI: its CA (a self-signed root, or issued by one with the
 * issuers in `caChain`, its own issuer first) and the P-256 TLS CA, certificate and key, that the
 * CA issued naming the agency. The node's TLS certificate is issued by that TLS CA.
 */
export interface AgencyPki {
  readonly caCert: string;
  readonly caChain?: readonly string[];
  readonly tlsCa: CertificateKeyPair;
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

/** Everything an agency needs to run a node: CA, first administrator, node key. */
interface AgencyMaterials {
  readonly agency: SampleAgency;
  readonly ca: { readonly keyPem: string; readonly certPem: string };
  readonly admin: KeyPair;
  readonly nodeKey: KeyPair;
}

/** `ca` is the CA that issues the agency's node certificates; by default a new one of its own. */
function makeMaterials(suite: CryptoSuite, agency: SampleAgency,
  ca: CertificateKeyPair = createAgencyCa(agency.id, agency.name)): AgencyMaterials {
  return { agency, ca, admin: suite.generateKeyPair(), nodeKey: suite.generateKeyPair() };
}

interface NodeLayout {
  readonly dir: string;
  readonly suite: CryptoSuite;
  readonly genesisText: string;
  readonly host: string;
  readonly apiPort: number;
  readonly p2pPort: number;
  readonly peers: readonly { readonly host: string; readonly port: number }[];
  readonly passphrase: string | undefined;
}

/** Writes one secret with a 0600 mode, and its random passphrase beside it on dev networks. */
function writeKeystore(
  suite: CryptoSuite, key: KeyPair, path: string, passphrasePath: string,
  passphrase: string | undefined,
): void {
  const secret = passphrase ?? randomBytes(24).toString('base64url');
  writeFileSync(path, createKeystore(suite, key, secret), { mode: 0o600 });
  if (passphrase === undefined) writeFileSync(passphrasePath, `${secret}\n`, { mode: 0o600 });
}

/** Writes an agency's CA and administrator (outside the node home) and its node home. */
function writeAgencyNode(
  layout: NodeLayout, materials: AgencyMaterials, validator: boolean,
): NetworkNode {
  const { dir, suite } = layout;
  const { agency, ca, admin, nodeKey } = materials;
  const home = join(dir, agency.slug);
  mkdirSync(join(home, 'tls'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'ca'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'admins'), { recursive: true, mode: 0o700 });
  // The agency CA's key stays outside every node home, as an agency keeps its CA offline; so
  // does its first administrator, who registers members and votes in governance.
  writeFileSync(join(dir, 'ca', `${agency.slug}.key`), ca.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca', `${agency.slug}.crt`), ca.certPem);
  const adminKeystore = join(dir, 'admins', `${agency.slug}.key`);
  writeKeystore(suite, admin, adminKeystore, join(dir, 'admins', `${agency.slug}.passphrase`),
    layout.passphrase);
  const tls = issueNodeCertificate(ca, { agencyId: agency.id, nodeName: agency.slug });
  writeFileSync(join(home, 'tls', 'node.key'), tls.keyPem, { mode: 0o600 });
  writeFileSync(join(home, 'tls', 'node.crt'), tls.certPem);
  writeFileSync(join(home, 'genesis.json'), layout.genesisText);
  writeKeystore(suite, nodeKey, join(home, 'validator.key.json'), join(home, 'passphrase'),
    layout.passphrase);
  const config: NodeConfig = {
    moniker: agency.slug, agency: agency.id, api: { host: layout.host, port: layout.apiPort },
    p2p: { host: layout.host, port: layout.p2pPort, peers: layout.peers },
    tls: { key: 'tls/node.key', cert: 'tls/node.crt' },
    keystore: 'validator.key.json', genesis: 'genesis.json', dataDir: 'data',
    blockGatherMs: 20, logLevel: 'info',
    ...(layout.passphrase === undefined ? { passphraseFile: 'passphrase' } : {}),
  };
  writeFileSync(join(home, configFileName), `${JSON.stringify(config, null, 2)}\n`);
  return { name: agency.slug, agency: agency.id, agencyName: agency.name, home, adminKeystore,
    api: `http://${layout.host}:${layout.apiPort}`, p2p: `${layout.host}:${layout.p2pPort}`,
    address: toHex(suite.address(nodeKey.publicKey)), validator };
}

function checkCounts(options: InitOptions): number {
  if (!Number.isSafeInteger(options.agencies) || options.agencies < 1 || options.agencies > 64) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'agencies must be between 1 and 64');
  }
  const validatorCount = options.validators ?? options.agencies;
  if (validatorCount < 1 || validatorCount > options.agencies) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'validators must be between 1 and agencies');
  }
  return validatorCount;
}

export function initNetwork(options: InitOptions): NetworkManifest {
  const dir = resolve(options.dir);
  if (existsSync(join(dir, networkFileName))) {
    throw new ZwError(ErrorCode.ALREADY_EXISTS, `${dir} already holds a network`);
  }
  const validatorCount = checkCounts(options);
  const suite = getSuite(options.suite);
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? 7700;
  const chainId = options.chainId ?? `zhengwu-local-${options.suite}`;
  const agencies = Array.from({ length: options.agencies }, (_, i) => agencyAt(i));
  const pki = checkedPki(agencies, options.pki ?? {});
  const all = agencies.map((agency) => makeMaterials(suite, agency, pki.get(agency.slug)?.tlsCa));
  // The network's contract deployer (<dir>/admin.key): until governance decides deployments, the
  // genesis list `contractDeployers` is the whole policy, and it names only this key.
  const contractAdmin = suite.generateKeyPair();
  const subjectKeys = subjectKeyHolders(agencies, options.subjectKeyAgencies);
  const genesis: Genesis & { subjects: GenesisSubjects } = {
    chainId,
    suite: options.suite,
    genesisTime: options.genesisTime ?? Date.now(),
    agencies: all.map(({ agency, ca, admin }) => ({ id: agency.id, name: agency.name,
      ...agencyCertificates(pki.get(agency.slug), ca.certPem),
      adminKey: toHex(admin.publicKey) })),
    nodes: all.map(({ agency, nodeKey }) => ({ agency: agency.id, name: agency.slug,
      publicKey: toHex(nodeKey.publicKey) })),
    validators: all.slice(0, validatorCount).map(({ agency, nodeKey }) => ({
      agency: agency.id, address: toHex(suite.address(nodeKey.publicKey)),
      publicKey: toHex(nodeKey.publicKey), power: 10 })),
    // `contracts` is public (callable by non-members) because its deployer list decides.
    params: { ...defaultParams,
      publicContracts: [...defaultParams.publicContracts, 'contracts'],
      contractDeployers: [toHex(suite.address(contractAdmin.publicKey))] },
    contracts: governmentApplications(dataAuthority(all.map(({ agency }) => agency),
      options.dataAuthority)),
    subjects: {
      keys: subjectKeys.map(({ agency, key }) => ({ agency: agency.id,
        publicKey: toHex(key.publicKey) })),
      credentialIssuers: credentialIssuers(agencies, options.credentialIssuers),
    },
  };
  checkGenesis(genesis);
  subjectCommitteeOf(genesis);
  mkdirSync(dir, { recursive: true });
  writeKeystore(suite, contractAdmin, join(dir, 'admin.key'), join(dir, 'admin.passphrase'),
    options.passphrase);
  const genesisText = `${JSON.stringify(genesis, null, 2)}\n`;
  writeFileSync(join(dir, 'genesis.json'), genesisText);
  const nodes = all.map((materials, i) => writeAgencyNode({
    dir, suite, genesisText, host, apiPort: basePort + i + 1, p2pPort: basePort + 101 + i,
    peers: all.map((_, j) => ({ host, port: basePort + 101 + j })).filter((_, j) => j !== i),
    passphrase: options.passphrase,
  }, materials, i < validatorCount));
  // Each subject key goes to its own agency's node home only, sealed under that node's key.
  for (const { agency, key } of subjectKeys) {
    const materials = all.find((candidate) => candidate.agency.id === agency.id);
    if (materials === undefined) continue;
    writeSubjectKeyFile(join(dir, agency.slug, subjectKeyFileName), suite, chainId,
      materials.nodeKey.privateKey, key);
  }
  const manifest: NetworkManifest = { chainId, suite: options.suite, nodes };
  writeFileSync(join(dir, networkFileName), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * The PKI certificates of the agencies that bring them, checked now as every node will check
 * them; a slug that names no agency of the network is refused.
 */
function checkedPki(agencies: readonly SampleAgency[],
  pki: Readonly<Record<string, AgencyPki>>): Map<string, AgencyPki> {
  const checked = new Map<string, AgencyPki>();
  for (const [slug, certificates] of Object.entries(pki)) {
    const agency = agencies.find((candidate) => candidate.slug === slug);
    if (agency === undefined) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT, `no agency ${slug} for its PKI`);
    }
    checkAgencyCertificates({ id: agency.id, ...pkiRecord(certificates) }, Date.now());
    checked.set(slug, certificates);
  }
  return checked;
}

interface RecordCertificates {
  readonly caCert: string;
  readonly tlsCaCert?: string;
  readonly caChain?: readonly string[];
}

/** The certificates an agency's record carries: from its PKI, else its own CA's. */
function agencyCertificates(pki: AgencyPki | undefined, ownCaCert: string): RecordCertificates {
  return pki === undefined ? { caCert: ownCaCert } : pkiRecord(pki);
}

function pkiRecord(pki: AgencyPki): RecordCertificates {
  return { caCert: pki.caCert, tlsCaCert: pki.tlsCa.certPem,
    ...(pki.caChain === undefined ? {} : { caChain: pki.caChain }) };
}

function dataAuthority(agencies: readonly SampleAgency[], wanted: string | undefined): string {
  const found = wanted === undefined
    ? agencies.find((agency) => agency.slug === 'data') ?? agencies[0]
    : agencies.find((agency) => agency.slug === wanted || agency.id === wanted);
  if (found === undefined) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `no agency ${wanted ?? ''} for the data authority`);
  }
  return found.id;
}

function findAgency(agencies: readonly SampleAgency[], wanted: string, what: string):
  SampleAgency {
  const found = agencies.find((agency) => agency.slug === wanted || agency.id === wanted);
  if (found === undefined) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `no agency ${wanted} ${what}`);
  }
  return found;
}

/** The subject-key agencies and a fresh key for each (see InitOptions.subjectKeyAgencies). */
function subjectKeyHolders(agencies: readonly SampleAgency[], wanted: readonly string[] |
  undefined): { agency: SampleAgency; key: OprfKeyPair }[] {
  const chosen = wanted === undefined
    ? [...agencies.filter((agency) => agency.slug === 'police' || agency.slug === 'data'),
      ...agencies].filter((agency, index, list) => list.indexOf(agency) === index)
      .slice(0, Math.min(2, agencies.length))
    : wanted.map((name) => findAgency(agencies, name, 'to hold a subject key'));
  return chosen.map((agency) => ({ agency, key: generateOprfKey() }));
}

function credentialIssuers(agencies: readonly SampleAgency[], wanted: readonly string[] |
  undefined): string[] {
  if (wanted !== undefined) {
    return wanted.map((name) => findAgency(agencies, name, 'to issue credentials').id);
  }
  const issuer = agencies.find((agency) => agency.slug === 'police') ?? agencies[0];
  return issuer === undefined ? [] : [issuer.id];
}

/** Contract folders under contracts/ are built once per process; their bundles do not change. */
const built = new Map<string, { version: string; source: string }>();

function application(name: string): { version: string; source: string } {
  const cached = built.get(name);
  if (cached !== undefined) return cached;
  const dir = join(contractsRoot, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'contract.json'), 'utf8')) as
    { version: string };
  const result = { version: manifest.version,
    source: buildContractSync(contractEntry(dir)).code };
  built.set(name, result);
  return result;
}

/**
 * The applications every agency starts with, deployed by the genesis: the data catalog (whose
 * reviews the data authority makes) and data sharing over it. The exchange module of every node
 * works with the contracts of exactly these names.
 */
function governmentApplications(authorityAgency: string): GenesisContract[] {
  const catalog = application('catalog');
  const sharing = application('sharing');
  return [
    { name: catalogContract, version: catalog.version, source: catalog.source,
      init: { authorityAgency } },
    { name: sharingContract, version: sharing.version, source: sharing.source,
      init: { catalog: catalogContract } },
  ];
}

export interface JoinOptions {
  readonly dir: string;
  /** X-Road style agency identifier, e.g. CN-BJ/GOV/11110000000000008E/edu. */
  readonly id: string;
  readonly name: string;
  /** Folder name of the node home and file names of its secrets. */
  readonly slug: string;
  readonly apiPort: number;
  readonly p2pPort: number;
  readonly host?: string;
  readonly passphrase?: string;
  /**
   * For an agency whose CA comes from an existing government PKI (SM2, Ed25519 or P-256): see
   * AgencyPki. Without it, `zw` makes the agency a P-256 CA of its own.
   */
  readonly pki?: AgencyPki;
}

/** What governance must approve to admit an agency: the add-agency proposal's payload. */
export interface AgencyApplication {
  readonly id: string;
  readonly name: string;
  readonly caCert: string;
  readonly tlsCaCert?: string;
  readonly caChain?: readonly string[];
  readonly adminKey: string;
  readonly nodes: readonly { readonly name: string; readonly publicKey: string }[];
}

/**
 * `zw agency new`: prepares a new agency's CA, administrator and node home next to an existing
 * network, adds the node to network.json (not yet a validator) and returns the application that
 * the member agencies vote on. The node can start at once; peers admit it once governance has.
 */
export function joinNetwork(options: JoinOptions): { node: NetworkNode;
  application: AgencyApplication } {
  const dir = resolve(options.dir);
  const manifestPath = join(dir, networkFileName);
  if (!existsSync(manifestPath)) {
    throw new ZwError(ErrorCode.NOT_FOUND, `no ${networkFileName} in ${dir}`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as NetworkManifest;
  if (manifest.nodes.some((node) => node.name === options.slug || node.agency === options.id)) {
    throw new ZwError(ErrorCode.ALREADY_EXISTS, `agency ${options.id} already has a node`);
  }
  const suite = getSuite(manifest.suite);
  const host = options.host ?? '127.0.0.1';
  const agency = { slug: options.slug, id: options.id, name: options.name };
  const { pki } = options;
  // PKI certificates are checked now, as every node will check them on the proposal.
  if (pki !== undefined) {
    checkAgencyCertificates({ id: options.id, ...pkiRecord(pki) }, Date.now());
  }
  const materials = makeMaterials(suite, agency, pki?.tlsCa);
  const node = writeAgencyNode({
    dir, suite, genesisText: readFileSync(join(dir, 'genesis.json'), 'utf8'), host,
    apiPort: options.apiPort, p2pPort: options.p2pPort,
    peers: manifest.nodes.map((n) => {
      const [peerHost, peerPort] = n.p2p.split(':');
      return { host: peerHost ?? host, port: Number(peerPort) };
    }),
    passphrase: options.passphrase,
  }, materials, false);
  const updated: NetworkManifest = { ...manifest, nodes: [...manifest.nodes, node] };
  writeFileSync(manifestPath, `${JSON.stringify(updated, null, 2)}\n`);
  const application: AgencyApplication = {
    id: options.id, name: options.name,
    ...agencyCertificates(pki, materials.ca.certPem),
    adminKey: toHex(materials.admin.publicKey),
    nodes: [{ name: options.slug, publicKey: toHex(materials.nodeKey.publicKey) }],
  };
  writeFileSync(join(dir, `${options.slug}-application.json`),
    `${JSON.stringify(application, null, 2)}\n`);
  return { node, application };
}
