// A small in-memory chain for the system contract tests: genesis identity state written at block 1
// and every transaction run through the real ledger executeBlock with the real ContractRegistry
// and the real sender hook (identifySender), one block per call, with a Map as the state.
import { asChainId, decode, toHex } from '../../src/core/index.js';
import type { CborValue, Height } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import {
  ContractRegistry, accountNonce, encodeTx, executeBlock, runQuery, signTx, stateTreeKey,
} from '../../src/ledger/index.js';
import type { Receipt, StateReader, StateUpdate } from '../../src/ledger/index.js';
import {
  genesisStateUpdates, governedSystemContracts, identifySender, systemContracts, treeReader,
} from '../../src/system/index.js';
import { ContractVm } from '../../src/vm/index.js';
import type { VmModule } from '../../src/vm/index.js';

export const suite = getSuite('intl');
const chainId = asChainId('gov-test');
const caCert = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';

export function agencyId(index: number): string {
  return `CN-BJ/GOV/1111000000002113${index}M/office`;
}

export interface BlockOutcome {
  readonly receipt: Receipt;
  readonly updates: readonly StateUpdate[];
}

export interface SystemChainOptions {
  /** With a contract runtime, the `contracts` system contract joins (deploys by governance). */
  readonly vm?: VmModule;
  /** Each agency runs a node whose key is also its validator key, as `zw init` makes them. */
  readonly nodes?: boolean;
  /** Contracts non-members may call (as `zw init` makes `contracts` one). */
  readonly publicContracts?: readonly string[];
  /** Genesis `contractDeployers` (hex addresses), with `vm`. */
  readonly deployers?: readonly string[];
}

export class SystemChain {
  readonly store = new Map<string, Uint8Array>();
  readonly state: StateReader = { get: (key) => this.store.get(toHex(key)) };
  readonly contracts: ContractRegistry;
  readonly roots: KeyPair[] = [];
  readonly validatorKeys: KeyPair[] = [];
  private readonly publicContracts: readonly string[];
  height = 0;

  constructor(agencies: number, options: SystemChainOptions = {}) {
    this.publicContracts = options.publicContracts ?? [];
    const read = treeReader(suite.hash, this.state);
    this.contracts = options.vm === undefined
      ? new ContractRegistry(governedSystemContracts({ suite, read }))
      : systemContracts({ hash: suite.hash, vm: new ContractVm(options.vm),
        deployers: options.deployers ?? [], governance: { suite, read } });
    for (let i = 0; i < agencies; i++) {
      this.roots.push(suite.generateKeyPair());
      this.validatorKeys.push(suite.generateKeyPair());
    }
    const writes = genesisStateUpdates({
      agencies: this.roots.map((key, i) => ({ id: agencyId(i), name: `Office ${i}`, caCert,
        adminKey: toHex(key.publicKey) })),
      ...(options.nodes === true ? { nodes: this.validatorKeys.map((key, i) => ({
        agency: agencyId(i), name: `node${i}`, publicKey: toHex(key.publicKey) })) } : {}),
      validators: this.validatorKeys.map((key, i) => ({ agency: agencyId(i),
        publicKey: toHex(key.publicKey), power: 10 })),
    }, suite);
    this.block([], writes);
  }

  private block(txs: Uint8Array[], initial: readonly StateUpdate[] = []):
    { receipts: readonly Receipt[]; updates: readonly StateUpdate[] } {
    this.height += 1;
    const result = executeBlock({ suite, contracts: this.contracts, state: this.state,
      identify: identifySender(suite.hash, this.publicContracts), txGasMax: 10_000_000 },
    { chainId, height: this.height as Height, time: 1_700_000_000_000 + this.height },
    txs, [], initial);
    for (const update of result.updates) {
      if (update.value === null) this.store.delete(toHex(update.key));
      else this.store.set(toHex(update.key), update.value);
    }
    return result;
  }

  /** Empty blocks, e.g. to pass a deadline. */
  advance(blocks: number): void {
    for (let i = 0; i < blocks; i++) this.block([]);
  }

  send(key: KeyPair, contract: string, method: string, args: CborValue): BlockOutcome {
    const nonce = accountNonce(suite, this.state, suite.address(key.publicKey));
    const tx = signTx(suite, key.privateKey, { chainId, sender: key.publicKey, nonce,
      expiryHeight: (this.height + 100) as Height, gasLimit: 5_000_000, contract, method, args });
    const result = this.block([encodeTx(tx)]);
    const receipt = result.receipts[0];
    if (receipt === undefined) throw new Error('no receipt');
    return { receipt, updates: result.updates };
  }

  /** Sends several transactions in one block, in order; returns their receipts. */
  sendAll(calls: readonly { key: KeyPair; contract: string; method: string; args: CborValue }[]):
    readonly Receipt[] {
    const nonces = new Map<string, number>();
    const txs = calls.map(({ key, contract, method, args }) => {
      const id = toHex(key.publicKey);
      const nonce = nonces.get(id) ?? accountNonce(suite, this.state, suite.address(key.publicKey));
      nonces.set(id, nonce + 1);
      return encodeTx(signTx(suite, key.privateKey, { chainId, sender: key.publicKey, nonce,
        expiryHeight: (this.height + 100) as Height, gasLimit: 5_000_000, contract, method,
        args }));
    });
    return this.block(txs).receipts;
  }

  /** Sends and insists on success; returns the result. */
  ok(key: KeyPair, contract: string, method: string, args: CborValue): CborValue {
    const { receipt } = this.send(key, contract, method, args);
    if (receipt.status !== 'ok') throw new Error(`${method}: ${receipt.status} ${receipt.error}`);
    return receipt.result;
  }

  query(contract: string, method: string, args: CborValue): CborValue {
    return runQuery(suite.hash, this.contracts, this.state,
      { chainId, height: this.height as Height }, contract, method, args);
  }

  nonceKey(key: KeyPair): string {
    return toHex(stateTreeKey(suite.hash, 'account', suite.address(key.publicKey)));
  }

  /** Registers a member of the root's agency with `roles`; returns its key. */
  member(agency: number, roles: string[], extra: Record<string, CborValue> = {}): KeyPair {
    const key = suite.generateKeyPair();
    this.ok(this.roots[agency] as KeyPair, 'identity', 'registerMember',
      { publicKey: key.publicKey, roles, ...extra });
    return key;
  }

  propose(key: KeyPair, kind: string, payload: CborValue, deadlineBlocks = 100):
    { id: Uint8Array; status: string } {
    const result = this.ok(key, 'governance', 'propose', { kind, payload,
      reason: 'test', legalBasis: 'Regulation 1', deadlineBlocks });
    return result as unknown as { id: Uint8Array; status: string };
  }

  vote(key: KeyPair, id: Uint8Array, vote: 'yes' | 'no'): string {
    const result = this.ok(key, 'governance', 'vote', { id, vote }) as { status: string };
    return result.status;
  }

  proposalStatus(id: Uint8Array): string {
    return (this.query('governance', 'proposal', { id }) as { status: string }).status;
  }
}

export { caCert, decode };

/** A contract whose init names the data authority; `tag` makes each version's source unique. */
export function approvalSource(tag: string): string {
  return `exports.init = { kind: 'tx', run: function (args) {
  Zhengwu.state.set('authority', args === null ? null : args.authority); return null; } };
exports.authority = { kind: 'query', run: function () {
  return Zhengwu.state.get('authority') ?? null; } };
exports.whoami = { kind: 'tx', run: function () {
  return { agency: Zhengwu.ctx.agency, roles: Zhengwu.ctx.roles, tag: '${tag}' }; } };
`;
}
