// The node shell: the only place where clock, disk, network and threads meet the pure ledger and
// consensus. It admits transactions (form, chain, contract and argument checks here, signatures
// on the worker pool), gossips them to peers, runs the Tendermint engine through the consensus
// driver, and serves the HTTP API from its chain. Every decided block goes through
// Chain.applyBlock, which makes it durable BEFORE clients or subscribers hear of it.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import {
  ErrorCode, ZwError, asHash, bytesEqual, decode, findValidator, fromHex, isZwError, limits,
  toHex,
} from '../core/index.js';
import type { CborValue, Hash, ValidatorSet } from '../core/index.js';
import { openKeystore } from '../crypto/index.js';
import type { KeyPair } from '../crypto/index.js';
import { Mempool, decodeTx } from '../ledger/index.js';
import type { IdentifySender, LoadedGenesis, Receipt } from '../ledger/index.js';
import {
  agencyKey, agencyListKey, decodeAgency, genesisStateUpdates, governanceContractName,
  identifySender, readValidatorSchedule, scheduledValidatorSets, treeReader,
} from '../system/index.js';
import type { AgencyRecord } from '../system/index.js';
import { ChainStore, SignerStateFile } from '../storage/index.js';
import { KeyedBuckets, createApiServer } from '../api/index.js';
import type {
  ApiBackend, BlockLookup, ChainEvent, DataQueries, ExchangeBackend, NodeStatus, ReceiptReaders,
  StateLookup, SubjectBackend, TxLookup,
} from '../api/index.js';
import { createNetwork } from '../network/index.js';
import type { Network, PeerCandidate, PeerMessage } from '../network/index.js';
import {
  checkAgencyCertificates, genesisTrustAnchors, peerTrustAnchor, proposedAgencyCertificates,
} from './agency-ca.js';
import { Chain } from './chain.js';
import type { AppliedBlock } from './chain.js';
import { loadConfig, openFileLimit } from './config.js';
import type { NodeConfig } from './config.js';
import { ConsensusDriver, systemClock } from './consensus-driver.js';
import { catchUpDataIndex, projectDataEvents } from './data-index.js';
import { NodeExchange } from './exchange-host.js';
import { loadGenesisFile } from './genesis.js';
import { readSubjectKeyFile, subjectCommitteeOf, subjectKeyFileName } from './subject-keys.js';
import { SubjectService } from './subject-service.js';
import { VerifyPool } from './verify-pool.js';
import { WorkerEngine } from './vm-worker.js';
import type { DriverHalt } from './consensus-driver.js';

export const nodeVersion = '0.2.0';

export interface NodeInit {
  readonly home: string;
  readonly passphrase: string;
  /** Signature-check worker threads; 0 checks inline. Default: 1. */
  readonly verifyThreads?: number;
  /** Subject-id worker threads (ADR 0013); 0 runs inline. Default: 0 when verifyThreads is. */
  readonly subjectThreads?: number;
  /** Overrides the API port in config.json (0 picks a free port). */
  readonly apiPort?: number;
  /** Overrides the peer port in config.json (0 picks a free port). */
  readonly p2pPort?: number;
  readonly logger?: Logger;
  /** The contract engine worker's native stack in MB (tests shrink it to force a fault). */
  readonly vmStackSizeMb?: number;
  /**
   * Called once the node has stopped itself at a decided block it cannot execute (ADR 0016);
   * `zw node start` then exits non-zero with the message.
   */
  readonly onHalt?: (halt: DriverHalt) => void;
}

/** Rejections remembered so that GET /v1/txs/:hash can say why; oldest forgotten first. */
const rejectedRememberedMax = 10_000;

export class ZhengwuNode implements ApiBackend {
  private readonly listeners = new Set<(event: ChainEvent) => void>();
  private readonly rejected = new Map<string, { code: string; message: string }>();
  private readonly verified = new Set<string>();
  private readonly identify: IdentifySender;
  private trustedKey = '';
  private api: FastifyInstance | undefined;
  /** Admissions of non-members' transactions, per sender address and per client address. */
  private readonly nonMemberSenders: KeyedBuckets;
  private readonly nonMemberClients: KeyedBuckets;
  readonly mempool: Mempool;
  readonly chain: Chain;
  readonly driver: ConsensusDriver;
  readonly network: Network;
  readonly exchange: NodeExchange;
  readonly subjects: SubjectService;
  private haltListener: ((halt: DriverHalt) => void) | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: NodeConfig,
    readonly loaded: LoadedGenesis,
    private readonly key: KeyPair,
    private readonly store: ChainStore,
    signer: SignerStateFile,
    private readonly pool: VerifyPool,
    readonly log: Logger,
    home: string,
    p2pPort: number,
    private readonly vm: WorkerEngine,
    subjectThreads = 1,
  ) {
    const genesis = loaded;
    const suite = genesis.suite;
    const params = genesis.genesis.params;
    const identify = identifySender(suite.hash, params.publicContracts);
    this.identify = identify;
    this.chain = new Chain(genesis, store, {
      vm, identify,
      genesisWrites: genesisStateUpdates(genesis.genesis, suite),
      validatorSchedule: (state) => scheduledValidatorSets(suite.hash, state),
      dataIndex: (height, receipts) => {
        const projection = projectDataEvents(height, receipts);
        if (projection.skipped > 0) log.warn({ height, skipped: projection.skipped },
          'data index skipped events of an unexpected shape');
        return projection.rows;
      },
    });
    const apiLimits = config.api.limits ?? {};
    const perSender = apiLimits.nonMemberTxsPerSecondPerSender ??
      limits.nonMemberTxsPerSecondPerSender;
    const perClient = apiLimits.nonMemberTxsPerSecondPerAddress ??
      limits.nonMemberTxsPerSecondPerAddress;
    this.nonMemberSenders = new KeyedBuckets(perSender, 2 * perSender, () => performance.now());
    this.nonMemberClients = new KeyedBuckets(perClient, 2 * perClient, () => performance.now());
    this.mempool = new Mempool({ chainId: genesis.chainId }, {
      nonceOf: (address) => this.chain.nonceOf(address),
      height: () => this.chain.height,
      addressOf: (publicKey) => suite.address(publicKey),
    });
    this.network = createNetwork({
      listen: { host: config.p2p.host, port: p2pPort },
      persistentPeers: config.p2p.peers,
      tls: { keyPem: readFileSync(resolve(home, config.tls.key), 'utf8'),
        certPem: readFileSync(resolve(home, config.tls.cert), 'utf8'),
        caPems: genesisTrustAnchors(genesis.genesis.agencies, Date.now()) },
      chainId: genesis.chainId, suite, keyPair: key,
    }, {
      authorizePeer: (peer) => this.authorizePeer(peer),
      // Validators always find a peer slot: when the slots are full one displaces a non-validator.
      isPriorityPeer: (peer) => findValidator(this.chain.validatorsAt(this.chain.height + 1),
        fromHex(peer.address)) !== undefined,
      logger: (level, message, fields) => log[level](fields, message),
    });
    this.driver = new ConsensusDriver({
      consensus: { timeoutProposeMs: params.timeoutProposeMs,
        timeoutPrevoteMs: params.timeoutPrevoteMs, timeoutPrecommitMs: params.timeoutPrecommitMs,
        timeoutDeltaMs: params.timeoutDeltaMs },
      emptyBlockIntervalMs: params.emptyBlockIntervalMs,
      gossipIntervalMs: 1_000,
      syncRequestTimeoutMs: 5_000,
      timeoutCommitMs: params.timeoutCommitMs,
    }, {
      chain: this.chain, mempool: this.mempool, key, signer, clock: systemClock,
      verifyTxs: async (txs) => (await Promise.all(txs.map((tx) => pool.verify(tx))))
        .every(Boolean),
      isVerified: (txHash) => this.verified.has(toHex(txHash)),
      broadcast: (message) => { this.network.broadcast(message as PeerMessage); },
      send: (peer, message) => { this.network.send(peer, message as PeerMessage); },
      onCommitted: (applied) => this.committed(applied),
      onHalt: (halt) => {
        void this.stop().finally(() => this.haltListener?.(halt));
      },
      log,
    });
    this.subjects = this.subjectService(home, subjectThreads);
    this.exchange = new NodeExchange({ suite, chainId: genesis.chainId, agency: config.agency,
      key, txGasMax: params.txGasMax, chain: this.chain, identify, network: this.network,
      dataDir: resolve(home, config.dataDir), admit: (bytes) => this.admit(bytes, true),
      deriveSubjects: (ids, progress) => this.subjects.derive(ids, progress),
      log: (level, message, fields) => log[level](fields, message) });
    this.network.onMessage((from, message) => {
      if (this.subjects.onPeerMessage(from, message)) return;
      if (!this.exchange.onPeerMessage(from, message)) this.onPeerMessage(from.address, message);
    });
  }

  static async start(init: NodeInit): Promise<ZhengwuNode> {
    const home = resolve(init.home);
    const config = loadConfig(home);
    const log = init.logger ?? pino({ level: config.logLevel, base: { node: config.moniker } });
    const genesis = loadGenesisFile(resolve(home, config.genesis));
    const key = openKeystore(readFileSync(resolve(home, config.keystore), 'utf8'),
      init.passphrase);
    const dataDir = resolve(home, config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const store = new ChainStore(join(dataDir, 'chain.db'));
    checkGenesisHash(store, genesis);
    const indexed = catchUpDataIndex(store);
    if (indexed.heights > 0) log.info(indexed, 'data index caught up from stored blocks');
    const signer = new SignerStateFile(join(dataDir, 'signer-state.json'));
    const pool = new VerifyPool({ suite: genesis.suite.name, threads: init.verifyThreads ?? 1 });
    const vm = new WorkerEngine(init.vmStackSizeMb === undefined ? {}
      : { stackSizeMb: init.vmStackSizeMb });
    const node = new ZhengwuNode(config, genesis, key, store, signer, pool, log, home,
      init.p2pPort ?? config.p2p.port, vm,
      init.subjectThreads ?? (init.verifyThreads === 0 ? 0 : 1));
    node.haltListener = init.onHalt;
    node.refreshTrust();
    await node.network.start();
    node.api = await createApiServer(node, {
      host: config.api.host, port: init.apiPort ?? config.api.port, logger: false,
      limits: config.api.limits ?? {}, openFileLimit: openFileLimit(),
      portalRoot: fileURLToPath(new URL('../../web/dist', import.meta.url)),
    });
    node.driver.start();
    log.info({ height: node.chain.height, api: node.apiUrl, p2p: node.network.port,
      chainId: genesis.chainId, suite: genesis.suite.name, validator: node.driver.isValidator },
    'node started');
    return node;
  }

  get height(): number {
    return this.chain.height;
  }

  get apiUrl(): string {
    const address = this.api?.server.address();
    if (address === null || address === undefined || typeof address === 'string') return '';
    return `http://${this.config.api.host}:${address.port}`;
  }

  /** Stops the node; a second call waits for the first (a halt stops the node itself). */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.driver.stop();
    await this.api?.close();
    this.exchange.close();
    await this.subjects.close();
    await this.network.stop();
    await this.pool.close();
    this.store.close();
    this.vm.shutdown();
  }

  /** Set when the node stopped itself at a block it cannot execute. */
  get halted(): DriverHalt | undefined {
    return this.driver.halted;
  }

  /** A peer may stay if its key is a genesis node's and its certificate names that agency. */
  /**
   * A peer may stay if its key is a node of the agency its certificate names: a genesis node, or
   * a node of an agency governance has admitted and not suspended or removed.
   */
  private authorizePeer(peer: PeerCandidate): boolean {
    const onChain = this.onChainAgencies();
    if (onChain.length > 0) {
      return onChain.some((agency) => agency.status === 'active' &&
        agency.id === peer.certificateAgency &&
        agency.nodes.some((node) => bytesEqual(node.publicKey, peer.publicKey)));
    }
    // Before block 1 the agencies are still only in the genesis document.
    return this.loaded.genesis.nodes.some((node) => node.agency === peer.certificateAgency &&
      bytesEqual(fromHex(node.publicKey), peer.publicKey));
  }

  /** Member agencies as governance records them in the latest committed state. */
  private onChainAgencies(): AgencyRecord[] {
    const read = treeReader(this.loaded.suite.hash, this.chain.latestState);
    const list = read(governanceContractName, agencyListKey);
    if (list === undefined) return [];
    return (decode(list) as string[]).flatMap((id) => {
      const stored = read(governanceContractName, agencyKey(id));
      return stored === undefined ? [] : [decodeAgency(stored)];
    });
  }

  /** Trusts the CAs of every active member agency, as the latest state lists them. */
  private refreshTrust(): void {
    const agencies = this.onChainAgencies().filter((agency) => agency.status === 'active');
    if (agencies.length === 0) return;
    // A certificate that does not check out (a byzantine proposer could have let one in) is
    // left out of the trust list rather than breaking TLS for everyone.
    const pems = agencies.flatMap((agency) => {
      try {
        return [peerTrustAnchor(checkAgencyCertificates(agency, Date.now()))];
      } catch (error) {
        this.log.warn({ agency: agency.id, err: (error as Error).message }, 'untrusted agency CA');
        return [];
      }
    }).sort();
    if (pems.length === 0) return;
    const key = pems.join('\n');
    if (key === this.trustedKey) return;
    this.trustedKey = key;
    this.network.setTrustedCas(pems);
  }

  private onPeerMessage(peer: string, message: PeerMessage): void {
    if (message.type === 'tx') {
      this.admit(message.tx, false).catch(() => undefined);
      return;
    }
    // Data-exchange and subject messages went to their services before this (see the network
    // handler).
    if (message.type === 'data-request' || message.type === 'data-response' ||
        message.type === 'subject-eval-request' || message.type === 'subject-eval-response') {
      return;
    }
    this.driver.onMessage(peer, message);
  }

  // ---- Admission ----------------------------------------------------------------------------

  submitTx(bytes: Uint8Array, client?: string): Promise<Hash> {
    return this.admit(bytes, true, client);
  }

  /** Admits a transaction; ones from clients are gossiped on (peers' are not: full mesh). */
  private async admit(bytes: Uint8Array, fromClient: boolean, client?: string):
    Promise<Hash> {
    const suite = this.loaded.suite;
    const hash = asHash(suite.hash(bytes));
    try {
      const envelope = decodeTx(suite, bytes);
      if (this.store.tx(hash) !== undefined) {
        throw new ZwError(ErrorCode.DUPLICATE, 'transaction is already committed');
      }
      if (envelope.tx.chainId !== this.loaded.chainId) {
        throw new ZwError(ErrorCode.WRONG_CHAIN,
          `transaction is for chain ${envelope.tx.chainId}, this is ${this.loaded.chainId}`);
      }
      const gasMax = this.loaded.genesis.params.txGasMax;
      if (envelope.tx.gasLimit > gasMax) {
        throw new ZwError(ErrorCode.INVALID_ARGUMENT, `gas limit exceeds the chain's ${gasMax}`);
      }
      // Deployed contracts are looked up in the latest committed state.
      this.chain.contracts.checkCall(envelope.tx.contract, envelope.tx.method, envelope.tx.args,
        this.chain.latestState);
      // A suspended, revoked or expired member is refused here, from the block after the change.
      const who = this.identify(this.chain.latestState, suite.address(envelope.tx.sender),
        envelope.tx.contract, this.chain.height + 1);
      if (who instanceof ZwError) throw who;
      if (who.agency === null) this.limitNonMember(envelope.tx.sender, client);
      const certificates = proposedAgencyCertificates(envelope.tx.contract, envelope.tx.method,
        envelope.tx.args);
      if (certificates !== undefined) checkAgencyCertificates(certificates, Date.now());
      if (this.mempool.has(toHex(hash))) {
        throw new ZwError(ErrorCode.DUPLICATE, 'transaction is already in the mempool');
      }
      if (!(await this.pool.verify(bytes))) {
        throw new ZwError(ErrorCode.BAD_SIGNATURE, 'transaction signature does not verify');
      }
      this.mempool.add(envelope, { member: who.agency !== null });
      this.verified.add(toHex(hash));
      this.rejected.delete(toHex(hash));
      if (fromClient) this.network.broadcast({ type: 'tx', tx: bytes });
      this.driver.maybeStartHeight();
      return hash;
    } catch (error) {
      if (fromClient && isZwError(error) && error.code !== ErrorCode.DUPLICATE) {
        this.remember(hash, error);
      }
      throw error;
    }
  }

  /**
   * A non-member (a public-contract caller) is held to a rate per sender key and per client
   * address: new keys cost nothing, addresses do.
   */
  private limitNonMember(sender: Uint8Array, client: string | undefined): void {
    if (client !== undefined && !this.nonMemberClients.take(client)) {
      throw new ZwError(ErrorCode.RATE_LIMITED,
        `too many transactions of non-members from ${client}; retry in a second`);
    }
    if (!this.nonMemberSenders.take(toHex(this.loaded.suite.address(sender)))) {
      throw new ZwError(ErrorCode.RATE_LIMITED,
        'this non-member sender submits too fast; retry in a second');
    }
  }

  private remember(hash: Hash, error: ZwError): void {
    if (this.rejected.size >= rejectedRememberedMax) {
      const oldest = this.rejected.keys().next().value;
      if (oldest !== undefined) this.rejected.delete(oldest);
    }
    this.rejected.set(toHex(hash), { code: error.code, message: error.message });
  }

  /** After a block is durable: clean the mempool, then tell subscribers. */
  private committed(applied: AppliedBlock): void {
    this.exchange.onCommitted(applied.block.header.time, applied.block.header.height,
      applied.receipts);
    const hashes = applied.receipts.map((receipt) => toHex(receipt.txHash));
    for (const txHash of hashes) this.verified.delete(txHash);
    this.mempool.update(hashes);
    this.refreshTrust();
    this.publish(applied);
  }

  private publish(applied: AppliedBlock): void {
    const { header } = applied.block;
    const events: ChainEvent[] = [{ type: 'block', height: header.height, hash: applied.hash,
      header, txCount: applied.receipts.length }];
    for (const receipt of applied.receipts as readonly Receipt[]) {
      events.push({ type: 'tx', height: header.height, receipt });
      for (const event of receipt.events) {
        events.push({ type: 'event', height: header.height, txHash: receipt.txHash,
          contract: event.contract, name: event.name, data: event.data });
      }
    }
    for (const listener of this.listeners) {
      for (const event of events) listener(event);
    }
  }

  // ---- Queries ---------------------------------------------------------------------------------

  status(): NodeStatus {
    const agencies = new Map(this.loaded.genesis.validators.map((v) => [v.address, v.agency]));
    // Validators admitted by governance are named in the on-chain schedule.
    for (const entry of readValidatorSchedule(treeReader(this.loaded.suite.hash,
      this.chain.latestState))) {
      for (const v of entry.validators) agencies.set(toHex(v.address), v.agency);
    }
    const tip = this.chain.tip;
    const consensus = this.driver.status();
    return {
      chainId: this.loaded.chainId,
      suite: this.loaded.suite.name,
      hashAlgorithm: this.loaded.suite.hashName,
      genesisHash: this.loaded.hash,
      moniker: this.config.moniker,
      agency: this.config.agency,
      nodeAddress: this.loaded.suite.address(this.key.publicKey),
      height: this.chain.height,
      latestBlockHash: tip?.hash ?? null,
      latestBlockTime: tip?.header.time ?? null,
      provableHeight: this.chain.provableHeight,
      validatorSet: this.chain.validatorsAt(this.chain.height + 1),
      validatorAgencies: agencies,
      lastCommitSigners: tip?.commit.signatures.map((s) => s.validator) ?? [],
      consensus: { height: consensus.height, round: consensus.round,
        validator: findValidator(this.chain.validatorsAt(consensus.height),
          this.loaded.suite.address(this.key.publicKey)) !== undefined },
      peers: this.network.peers().map((peer) => ({ address: peer.address, agency: peer.agency,
        direction: peer.direction, connectedSince: peer.connectedSince })),
      mempool: { size: this.mempool.size, bytes: this.mempool.bytes },
      version: nodeVersion,
    };
  }

  genesis(): unknown {
    return this.loaded.genesis;
  }

  tx(hash: Uint8Array): TxLookup | undefined {
    const hex = toHex(hash);
    const committed = this.chain.committedTx(hash);
    if (committed !== undefined) return { status: 'committed', hash: asHash(hash), ...committed };
    if (this.mempool.has(hex)) return { status: 'pending', hash: asHash(hash) };
    const rejection = this.rejected.get(hex);
    if (rejection !== undefined) return { status: 'rejected', hash: asHash(hash), ...rejection };
    return undefined;
  }

  block(height: number): BlockLookup | undefined {
    return this.chain.block(height);
  }

  accountNonce(address: Uint8Array): number {
    return this.chain.nonceOf(address);
  }

  state(contract: string, key: Uint8Array, options: { height?: number; proof: boolean }):
    StateLookup {
    return this.chain.state(contract, key, options);
  }

  query(contract: string, method: string, args: CborValue): CborValue {
    return this.chain.query(contract, method, args);
  }

  validators(height: number): ValidatorSet {
    return this.chain.validatorsAt(height);
  }

  evidence(limit: number, offset: number): ReturnType<Chain['evidence']> {
    return this.chain.evidence(limit, offset);
  }

  exchangeBackend(): ExchangeBackend {
    const { service, datasets } = this.exchange;
    return {
      uploadDataset: (request) => service.upload(request),
      fetchData: (request) => service.fetch(request),
      dataset: (entry) => datasets.dataset(entry),
    };
  }

  /** Subject ids (ADR 0013): derivation, usage proofs, and uploads stored as jobs. */
  subjectBackend(): SubjectBackend {
    const { service } = this.exchange;
    return {
      deriveSubjects: (request) => this.subjects.deriveForMember(request),
      authorizeUsage: (subject, proof) => this.subjects.authorizeUsage(subject, proof),
      startUpload: (request) => service.startUpload(request),
      uploadJob: (id) => service.uploadJob(id),
    };
  }

  /** The node's subject service: the genesis committee and this agency's key, if it holds one. */
  private subjectService(home: string, threads: number): SubjectService {
    const { suite, chainId } = this.loaded;
    const committee = subjectCommitteeOf(this.loaded.genesis);
    const listed = committee?.keys.find((entry) => entry.agency === this.config.agency);
    const key = readSubjectKeyFile(resolve(home, subjectKeyFileName), suite, chainId,
      this.key.privateKey, listed?.publicKey);
    return new SubjectService({ suite, chainId, agency: this.config.agency, committee, key,
      threads }, {
      height: () => this.chain.height,
      identify: (address) => {
        const who = this.identify(this.chain.latestState, address, 'sharing',
          this.chain.height + 1);
        if (who instanceof ZwError) return who;
        return who.agency === null ? null : { agency: who.agency, roles: who.roles };
      },
      authorityAgency: () => {
        try {
          const config = this.chain.query('catalog', 'config', null) as
            { authorityAgency?: string } | null;
          return config?.authorityAgency ?? null;
        } catch {
          return null;
        }
      },
      peersOf: (agency) => this.network.peers().filter((peer) => peer.agency === agency)
        .map((peer) => ({ address: peer.address, agency: peer.agency })),
      send: (peer, message) => { this.network.send(peer, message); },
      log: (level, message, fields) => this.log[level](fields, message),
    });
  }

  dataQueries(): DataQueries {
    return this.store.data;
  }

  /** Receipt reader proofs (personal fields of access receipts, ADR 0010). */
  receiptReaders(): ReceiptReaders {
    return { reader: (proof) => this.exchange.receiptReader(proof) };
  }

  subscribe(listener: (event: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function checkGenesisHash(store: ChainStore, genesis: LoadedGenesis): void {
  const stored = store.meta('genesis_hash');
  if (stored === undefined) {
    store.setMeta('genesis_hash', genesis.hash);
  } else if (!bytesEqual(stored, genesis.hash)) {
    throw new ZwError(ErrorCode.WRONG_CHAIN, 'the database belongs to a different genesis');
  }
}
