// The `contracts` system contract: deploys and upgrades TypeScript contracts (as built JS
// bundles) and resolves deployed names to runnable contracts for the ledger. Deploy stores the
// source, its hash, the instrumented code (the code that actually runs, so a later change of
// instrumenter cannot change a deployed contract's gas) and the deployer; every version is kept
// and upgrade moves the current pointer, keeping the contract's state.
//
// Who may deploy: a member of the agency whose deploy-contract or upgrade-contract proposal was
// approved, once, for exactly the approved source, version and init arguments (or replaced
// version); besides that only the addresses in the genesis parameter `contractDeployers`, which
// is empty by default, so a chain has no such deployers unless its genesis names them (`zw init`
// creates <dir>/admin.key for development networks and names its address). Non-members are
// refused even where the chain lists `contracts` among its public contracts.
import {
  ErrorCode, ZwError, bytesEqual, decode, encode, fromUtf8, limits, toHex, utf8,
} from '../core/index.js';
import type { CborValue, HashFunction } from '../core/index.js';
import { stateTreeKey } from '../ledger/index.js';
import type {
  CallContext, Contract, ContractResolver, MethodSpec, QueryContext, StateReader,
} from '../ledger/index.js';
import { instrument, vmGasCosts } from '../vm/index.js';
import {
  deployNamePattern, deployVersionPattern, initArgumentsHash, isContractFrozen,
  readDeploymentApproval, readParamOverrides,
} from './governance-effects.js';
import type { DeploymentApproval } from './governance-effects.js';
import {
  approvalUseKey, contractRecordKey, contractsContractName as contractsName,
} from './keys.js';
import type { SystemStateRead } from './keys.js';
import type { CallInfo, ContractHost, ContractVm, MethodKind, RawState } from '../vm/index.js';

export const contractsContractName = contractsName;

/** Names no deployment may take besides the built-in contracts' own. */
const reservedNames: ReadonlySet<string> = new Set(['account', 'evidence', 'contracts', 'system']);
const namePattern = deployNamePattern;
const versionPattern = deployVersionPattern;

/** Gas of a deployment on top of its state writes: fixed, and per source byte. */
const deployGas = 100_000;
const deploySourceByteGas = 10;

export interface DeployedContract {
  readonly name: string;
  readonly version: string;
  readonly codeHash: Uint8Array;
  readonly sourceHash: Uint8Array;
  readonly deployer: Uint8Array;
  readonly height: number;
  readonly methods: Readonly<Record<string, MethodKind>>;
  readonly versions: readonly string[];
  readonly chunks: number;
}

export interface ContractsInit {
  readonly hash: HashFunction;
  /** The loaded runtime; without one, deployed contracts cannot run (deploys are refused). */
  readonly vm: ContractVm | undefined;
  /** Hex addresses allowed to deploy (genesis `contractDeployers`). */
  readonly deployers: readonly string[];
  /** Names of the built-in contracts. */
  readonly builtIn: (name: string) => boolean;
  /**
   * Reads governance state (deployment approvals, frozen contracts) in the block's starting
   * state. Without it only the genesis deployers may deploy and nothing is ever frozen.
   */
  readonly read?: SystemStateRead;
}

function currentKey(name: string): Uint8Array {
  return contractRecordKey(name);
}

function versionKey(name: string, version: string): Uint8Array {
  return utf8(`v/${name}/${version}`);
}

function chunkKey(codeHash: Uint8Array, index: number): Uint8Array {
  return utf8(`k/${toHex(codeHash)}/${index}`);
}

function bad(message: string): ZwError {
  return new ZwError(ErrorCode.BAD_ARGUMENTS, message);
}

interface DeployArgs {
  readonly name: string;
  readonly source: string;
  readonly version: string;
  readonly init: CborValue;
}

function readDeployArgs(args: CborValue): DeployArgs {
  if (args === null || typeof args !== 'object' || Array.isArray(args) ||
      args instanceof Uint8Array) {
    throw bad('deploy takes {name, source, version, init?}');
  }
  const record = args as Readonly<Record<string, CborValue>>;
  for (const key of Object.keys(record)) {
    if (!['name', 'source', 'version', 'init'].includes(key)) throw bad(`unknown argument ${key}`);
  }
  const { name, source, version } = record;
  if (typeof name !== 'string' || !namePattern.test(name)) {
    throw bad('name must be 2-48 characters: a-z, 0-9 and -, starting with a letter');
  }
  if (typeof version !== 'string' || !versionPattern.test(version)) {
    throw bad('version must be 1-32 characters: letters, digits, . + -');
  }
  if (typeof source !== 'string' || source.length === 0 ||
      utf8(source).length > limits.contractSourceBytesMax) {
    throw bad(`source must be a JS bundle of at most ${limits.contractSourceBytesMax} bytes`);
  }
  return { name, source, version, init: record.init ?? null };
}

function decodeRecord(bytes: Uint8Array): DeployedContract {
  return decode(bytes) as unknown as DeployedContract;
}

/** Reads the current record of a deployed contract through any state view. */
function readRecord(get: (key: Uint8Array) => Uint8Array | undefined, name: string):
  DeployedContract | undefined {
  const stored = get(currentKey(name));
  return stored === undefined ? undefined : decodeRecord(stored);
}

/**
 * A deployed contract as resolved in the current block: the record bytes it was built from and
 * the state of its latest resolution, which its code is read from when a session starts.
 */
interface Resolved {
  readonly record: Uint8Array;
  readonly contract: Contract;
  readonly source: { state: StateReader };
}

/**
 * What resolution remembers while one block executes. A deployed contract is resolved for every
 * call, so without it each call would decode the record and build the method table again.
 * Frozen flags are read in the block's starting state (ContractsInit.read), which no transaction
 * of the block changes; a record is reused only while the state holds exactly the same bytes, so
 * a deploy, upgrade or reverted deploy in the block is seen at once.
 */
interface BlockResolution {
  readonly frozen: Map<string, boolean>;
  readonly recordKeys: Map<string, Uint8Array>;
  readonly resolved: Map<string, Resolved>;
}

export class ContractsSystem implements ContractResolver {
  /** Set between beginBlock and endBlock only: admission and queries resolve afresh. */
  private block: BlockResolution | undefined;

  constructor(private readonly init: ContractsInit) {}

  /** The `contracts` system contract itself. */
  contract(): Contract {
    return {
      name: contractsContractName,
      methods: new Map<string, MethodSpec>([
        ['deploy', { kind: 'tx', run: (ctx, args) => this.deploy(ctx, args, false),
          checkArgs: (args) => { readDeployArgs(args); } }],
        ['upgrade', { kind: 'tx', run: (ctx, args) => this.deploy(ctx, args, true),
          checkArgs: (args) => { readDeployArgs(args); } }],
        ['get', { kind: 'query', run: (ctx, args) => this.get(ctx, args) }],
        ['source', { kind: 'query', run: (ctx, args) => this.source(ctx, args) }],
      ]),
    };
  }

  beginBlock(): void {
    this.init.vm?.beginBlock();
    this.block = { frozen: new Map(), recordKeys: new Map(), resolved: new Map() };
  }

  endBlock(): void {
    this.init.vm?.endBlock();
    this.block = undefined;
  }

  private deploy(ctx: CallContext, args: CborValue, upgrade: boolean): CborValue {
    const { name, source, version, init } = readDeployArgs(args);
    const vm = this.init.vm;
    if (vm === undefined) {
      throw new ZwError(ErrorCode.UNAVAILABLE, 'this node has no contract runtime loaded');
    }
    // A deployment stands on a governance approval of exactly this deployment (MAJORITY of the
    // agencies by default), used once by the proposing agency; the genesis `contractDeployers`,
    // empty unless a genesis names them, are the only other way, meant for development
    // networks. The genesis's own deployments (ctx.genesis) were agreed by every agency when they
    // signed off the genesis file.
    const free = ctx.genesis === true || this.deployers().includes(toHex(ctx.sender));
    if (this.init.builtIn(name) || reservedNames.has(name)) {
      throw bad(`${name} is the name of a system contract`);
    }
    const existing = readRecord((key) => ctx.state.get(key), name);
    const approval = free ? undefined : this.approval(ctx, { name, source, version, init },
      upgrade, existing);
    ctx.chargeGas(deployGas + deploySourceByteGas * source.length);
    if (upgrade && existing === undefined) {
      throw new ZwError(ErrorCode.NOT_FOUND, `no contract named ${name} to upgrade`);
    }
    if (!upgrade && existing !== undefined) {
      throw new ZwError(ErrorCode.ALREADY_EXISTS, `contract ${name} exists; use upgrade`);
    }
    if (existing?.versions.includes(version) === true) {
      throw new ZwError(ErrorCode.ALREADY_EXISTS, `${name} already has a version ${version}`);
    }
    const { code } = instrument(source);
    const codeBytes = utf8(code);
    const codeHash = this.init.hash(codeBytes);
    const sourceHash = this.init.hash(utf8(source));
    const methods = this.inspect(vm, name, code, ctx);
    const chunks = Math.ceil(codeBytes.length / limits.contractCodeChunkBytes);
    for (let index = 0; index < chunks; index++) {
      const start = index * limits.contractCodeChunkBytes;
      ctx.state.set(chunkKey(codeHash, index),
        codeBytes.subarray(start, start + limits.contractCodeChunkBytes));
    }
    const record: DeployedContract = { name, version, codeHash, sourceHash, deployer: ctx.sender,
      height: ctx.height, methods, versions: [...(existing?.versions ?? []), version], chunks };
    ctx.state.set(versionKey(name, version), encode({ name, version, source, sourceHash,
      codeHash, chunks, deployer: ctx.sender, height: ctx.height, methods }));
    ctx.state.set(currentKey(name), encode(record as unknown as CborValue));
    if (approval !== undefined) {
      ctx.state.set(approvalUseKey(approval.proposalId), encode({ name, version,
        height: ctx.height, txHash: ctx.txHash, sender: ctx.sender }));
    }
    ctx.emit(upgrade ? 'ContractUpgraded' : 'ContractDeployed',
      { name, version, codeHash, sourceHash, deployer: ctx.sender,
        ...(approval === undefined ? {} : { proposal: approval.proposalId }) });
    if (!upgrade && methods.init === 'tx') ctx.call(name, 'init', init);
    return { name, version, codeHash, sourceHash, methods };
  }

  /**
   * The genesis `contractDeployers`, or the list a set-params proposal put in their place (read
   * in the block's starting state), so the agencies can end a development deployer's rights.
   */
  private deployers(): readonly string[] {
    const read = this.init.read;
    const override = read === undefined ? undefined
      : readParamOverrides(read).contractDeployers;
    return override ?? this.init.deployers;
  }

  /**
   * The governance approval this deployment uses, or a refusal: UNAUTHORIZED for a non-member, a
   * call from another contract, no approval of this source for this action, or a member of an
   * agency other than the proposer's; APPROVAL_USED once it was used; APPROVAL_MISMATCH when the
   * version, the init arguments or (upgrades) the deployed version differ from what it names.
   * Approvals are read in the block's starting state, their uses in the current one.
   */
  private approval(ctx: CallContext, args: DeployArgs, upgrade: boolean,
    existing: DeployedContract | undefined): DeploymentApproval {
    const action = upgrade ? 'upgrade' : 'deploy';
    const refuse = (code: ErrorCode, message: string): ZwError =>
      new ZwError(code, `${action} of ${args.name}: ${message}`);
    if (ctx.senderAgency === null) {
      throw refuse(ErrorCode.UNAUTHORIZED, 'the sender is not a member of any agency');
    }
    if (ctx.caller !== null) {
      throw refuse(ErrorCode.UNAUTHORIZED, 'an approved deployment is sent by a transaction of ' +
        'the proposing agency, not through another contract');
    }
    const read = this.init.read;
    const approval = read === undefined ? undefined
      : readDeploymentApproval(read, args.name, this.init.hash(utf8(args.source)));
    if (approval?.action !== action) {
      throw refuse(ErrorCode.UNAUTHORIZED, `needs an approved ${action}-contract proposal for ` +
        'this exact source');
    }
    if (approval.agency !== ctx.senderAgency) {
      throw refuse(ErrorCode.UNAUTHORIZED, `the approval is for ${approval.agency}, which ` +
        'proposed it; only its members may use it');
    }
    if (ctx.state.get(approvalUseKey(approval.proposalId)) !== undefined) {
      throw refuse(ErrorCode.APPROVAL_USED, 'the approval was already used; each is good ' +
        'for one deployment');
    }
    if (approval.version !== args.version) {
      throw refuse(ErrorCode.APPROVAL_MISMATCH, `the approval is for version ` +
        `${String(approval.version)}, not ${args.version}`);
    }
    if (upgrade) {
      if (args.init !== null) {
        throw refuse(ErrorCode.APPROVAL_MISMATCH, 'an upgrade runs no init; leave init out');
      }
      if (existing !== undefined && existing.version !== approval.replacesVersion) {
        throw refuse(ErrorCode.APPROVAL_MISMATCH, `the approval replaces ` +
          `${String(approval.replacesVersion)}, but ${existing.version} is deployed`);
      }
    } else if (approval.initHash === null ||
        !bytesEqual(approval.initHash, initArgumentsHash(this.init, args.init))) {
      throw refuse(ErrorCode.APPROVAL_MISMATCH, 'the init arguments are not the approved ones');
    }
    return approval;
  }

  /** Loads the module once in a throwaway runtime to learn its methods (and that it loads). */
  private inspect(vm: ContractVm, name: string, code: string, ctx: CallContext):
    Record<string, MethodKind> {
    const session = vm.scratch(name, code);
    try {
      ctx.chargeGas(vmGasCosts.hostCall * 10);
      const methods: Record<string, MethodKind> = {};
      for (const [method, kind] of session.methods) methods[method] = kind;
      if (Object.keys(methods).length === 0) {
        throw bad('the contract exports no methods (use tx() and query() from zhengwu/contract)');
      }
      return methods;
    } finally {
      session.dispose();
    }
  }

  private get(ctx: QueryContext, args: CborValue): CborValue {
    const name = (args as Readonly<Record<string, CborValue>> | null)?.name;
    if (typeof name !== 'string') throw bad('contracts.get takes {name}');
    const record = readRecord((key) => ctx.state.get(key), name);
    return record === undefined ? null : record as unknown as CborValue;
  }

  private source(ctx: QueryContext, args: CborValue): CborValue {
    const record = args as Readonly<Record<string, CborValue>> | null;
    const name = record?.name;
    if (typeof name !== 'string') throw bad('contracts.source takes {name, version?}');
    const current = readRecord((key) => ctx.state.get(key), name);
    const version = typeof record?.version === 'string' ? record.version : current?.version;
    if (version === undefined) return null;
    const stored = ctx.state.get(versionKey(name, version));
    return stored === undefined ? null : decode(stored);
  }

  // ---- Resolution of deployed contracts ------------------------------------------------------

  resolve(name: string, state: StateReader): Contract | undefined {
    const vm = this.init.vm;
    if (vm === undefined || !namePattern.test(name)) return undefined;
    // A contract frozen by governance is unknown to callers until it is unfrozen.
    if (this.isFrozen(name)) return undefined;
    const stored = state.get(this.recordKey(name));
    if (stored === undefined) return undefined;
    const cached = this.block?.resolved.get(name);
    if (cached !== undefined && bytesEqual(cached.record, stored)) {
      cached.source.state = state;
      return cached.contract;
    }
    const source = { state };
    const contract = this.build(vm, name, decodeRecord(stored), () => source.state);
    this.block?.resolved.set(name, { record: stored, contract, source });
    return contract;
  }

  private isFrozen(name: string): boolean {
    const read = this.init.read;
    if (read === undefined) return false;
    const known = this.block?.frozen.get(name);
    if (known !== undefined) return known;
    const frozen = isContractFrozen(read, name);
    this.block?.frozen.set(name, frozen);
    return frozen;
  }

  /** The tree key of a contract's current record. */
  private recordKey(name: string): Uint8Array {
    const known = this.block?.recordKeys.get(name);
    if (known !== undefined) return known;
    const key = stateTreeKey(this.init.hash, contractsContractName, currentKey(name));
    this.block?.recordKeys.set(name, key);
    return key;
  }

  /** The runnable contract of a record; its code is read from `state()` when a session starts. */
  private build(vm: ContractVm, name: string, record: DeployedContract,
    state: () => StateReader): Contract {
    const treeKey = (key: Uint8Array): Uint8Array =>
      stateTreeKey(this.init.hash, contractsContractName, key);
    const loadCode = (): string => {
      const parts: Uint8Array[] = [];
      for (let index = 0; index < record.chunks; index++) {
        const chunk = state().get(treeKey(chunkKey(record.codeHash, index)));
        if (chunk === undefined) throw new ZwError(ErrorCode.INTERNAL, 'contract code missing');
        parts.push(chunk);
      }
      return parts.map((part) => fromUtf8(part)).join('');
    };
    const sessionKey = `${name}@${toHex(record.codeHash)}`;
    const methods = new Map<string, MethodSpec>();
    for (const [method, kind] of Object.entries(record.methods)) {
      methods.set(method, kind === 'tx'
        ? { kind: 'tx', run: (ctx, args) => {
          if (method === 'init' && ctx.caller !== contractsContractName) {
            throw new ZwError(ErrorCode.UNAUTHORIZED, 'init runs only once, at deployment');
          }
          return vm.session(sessionKey, name, loadCode).call(method, args, txHost(ctx, name));
        } }
        : { kind: 'query', run: (ctx, args) => {
          const session = vm.scratch(name, loadCode());
          try {
            return session.call(method, args, queryHost(ctx, name));
          } finally {
            session.dispose();
          }
        } });
    }
    return { name, methods };
  }
}

function txHost(ctx: CallContext, name: string): ContractHost {
  const info: CallInfo = { contract: name, caller: ctx.caller, sender: toHex(ctx.sender),
    agency: ctx.senderAgency, roles: ctx.senderRoles, txHash: toHex(ctx.txHash),
    height: ctx.height, time: ctx.time };
  return {
    info, readOnly: false, state: ctx.state,
    gasRemaining: () => ctx.gasRemaining(),
    chargeGas: (amount) => ctx.chargeGas(amount),
    emit: (event, data) => ctx.emit(event, data),
    call: (contract, method, args) => ctx.call(contract, method, args),
  };
}

function queryHost(ctx: QueryContext, name: string): ContractHost {
  const info: CallInfo = { contract: name, caller: ctx.caller, sender: null, agency: null,
    roles: [], txHash: null, height: ctx.height, time: ctx.time };
  const readOnly = (): never => {
    throw new ZwError(ErrorCode.UNAUTHORIZED, 'a query cannot write state or emit events');
  };
  const state: RawState = { get: (key) => ctx.state.get(key), set: readOnly, delete: readOnly };
  return {
    info, readOnly: true, state,
    gasRemaining: () => ctx.gasRemaining(),
    chargeGas: (amount) => ctx.chargeGas(amount),
    emit: readOnly,
    call: (contract, method, args) => ctx.call(contract, method, args),
  };
}
