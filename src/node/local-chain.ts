// An in-process chain for contract development (`zw contract test`) and tests: blocks run
// through the real `executeBlock`, system contracts and contract runtime, over state in memory.
// It has no consensus, storage or network: each `call` is one transaction in its own block.
import {
  ErrorCode, ZwError, encodeExchangeRequest, exchangeRequestSignBytes, toHex,
} from '../core/index.js';
import type { CborValue, ChainId, ExchangeAction, Height } from '../core/index.js';
import { getSuite, randomBytes } from '../crypto/index.js';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import { encodeTx, executeBlock, runQuery, signTx } from '../ledger/index.js';
import type { ContractRegistry, Receipt, SenderIdentity } from '../ledger/index.js';
import { systemContracts } from '../system/index.js';
import { ContractVm } from '../vm/index.js';
import type { VmModule } from '../vm/index.js';

const localChainId = 'zw-local-test' as ChainId;
const localGasMax = 10_000_000;

export class LocalChain {
  readonly suite: CryptoSuite = getSuite('intl');
  readonly admin: KeyPair;
  private readonly state = new Map<string, Uint8Array>();
  private readonly registry: ContractRegistry;
  private readonly nonces = new Map<string, number>();
  /**
   * Who each test account is (agency and roles), by address. The identity system contract is
   * not run here; this stands in for its sender hook so contracts that read `ctx().agency` and
   * `ctx().roles` can be tested. Accounts not listed have no agency and no roles.
   */
  private readonly identities = new Map<string, SenderIdentity>();
  height = 0;
  /** Block time in milliseconds; each block adds `blockIntervalMs`. */
  time = 1_700_000_000_000;
  blockIntervalMs = 1_000;

  constructor(module: VmModule) {
    this.admin = this.suite.generateKeyPair();
    this.registry = systemContracts({ hash: this.suite.hash, vm: new ContractVm(module),
      deployers: [this.address(this.admin)],
      // Signed exchange requests resolve their signers through the same stand-in identities.
      signatures: { suite: this.suite,
        identify: (address) => {
          const who = this.identities.get(toHex(address));
          return who?.agency === undefined || who.agency === null ? null
            : { agency: who.agency, roles: who.roles };
        } } });
  }

  /** A new account (key pair) to sign calls with. */
  account(): KeyPair {
    return this.suite.generateKeyPair();
  }

  /** Makes `key` a member of `agency` with `roles` for every later call it signs. */
  identify(key: KeyPair, identity: SenderIdentity): void {
    this.identities.set(this.address(key), { agency: identity.agency,
      roles: [...identity.roles].sort() });
  }

  address(key: KeyPair): string {
    return toHex(this.suite.address(key.publicKey));
  }

  /**
   * A data-exchange request (core/exchange-wire.ts) signed by `key` for this chain, valid up to
   * `expiryHeight` (default: 30 blocks from now).
   */
  exchangeRequest(key: KeyPair, action: ExchangeAction, body: CborValue,
    expiryHeight = this.height + 30): Uint8Array {
    const request = { chainId: localChainId, action, signer: key.publicKey, expiryHeight,
      nonce: randomBytes(16), body };
    return encodeExchangeRequest({ ...request,
      signature: this.suite.sign(key.privateKey, exchangeRequestSignBytes(request)) });
  }

  /** Runs one block of calls; returns their receipts in order. */
  block(calls: readonly { key: KeyPair; contract: string; method: string; args: CborValue;
    gasLimit?: number }[]): Receipt[] {
    const txs = calls.map((call) => {
      const id = toHex(call.key.publicKey);
      const nonce = this.nonces.get(id) ?? 0;
      this.nonces.set(id, nonce + 1);
      return encodeTx(signTx(this.suite, call.key.privateKey, { chainId: localChainId,
        sender: call.key.publicKey, nonce, expiryHeight: (this.height + 1_000) as Height,
        gasLimit: call.gasLimit ?? localGasMax, contract: call.contract, method: call.method,
        args: call.args }));
    });
    this.height += 1;
    this.time += this.blockIntervalMs;
    const result = executeBlock({ suite: this.suite, contracts: this.registry,
      state: { get: (key) => this.state.get(toHex(key)) }, txGasMax: localGasMax,
      identify: (_state, sender) =>
        this.identities.get(toHex(sender)) ?? { agency: null, roles: [] } },
    { chainId: localChainId, height: this.height as Height, time: this.time }, txs);
    for (const update of result.updates) {
      if (update.value === null) this.state.delete(toHex(update.key));
      else this.state.set(toHex(update.key), update.value);
    }
    return [...result.receipts];
  }

  call(key: KeyPair, contract: string, method: string, args: CborValue = null): Receipt {
    const [receipt] = this.block([{ key, contract, method, args }]);
    if (receipt === undefined) throw new ZwError(ErrorCode.INTERNAL, 'no receipt');
    return receipt;
  }

  deploy(name: string, source: string, init: CborValue = null, version = '0.0.1'): Receipt {
    return this.call(this.admin, 'contracts', 'deploy', { name, source, version, init });
  }

  query(contract: string, method: string, args: CborValue = null): CborValue {
    return runQuery(this.suite.hash, this.registry, { get: (key) => this.state.get(toHex(key)) },
      { chainId: localChainId, height: this.height as Height, time: this.time }, contract, method,
      args);
  }
}
