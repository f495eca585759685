// Commands that talk to a running node through the SDK: keys, notarization, blocks,
// transactions and status.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError, fromHex, toHex } from '../core/index.js';
import {
  Account, ZhengwuClient, checkNotarization, createKeystore, getSuite, notarize, openKeystore,
  trustFromGenesis,
} from '../sdk/index.js';
import type { SuiteName, TrustedChain } from '../sdk/index.js';
import { collect, output, parseMeta, readPassphrase, run } from './io.js';

const defaultNode = process.env.ZW_NODE ?? 'http://127.0.0.1:7701';

export function keysCommand(): Command {
  const keys = new Command('keys').description('create and inspect encrypted keystores');
  keys.command('new')
    .description('create a key pair in an encrypted keystore and print its address')
    .requiredOption('--out <file>', 'keystore file to write')
    .addOption(new Option('--crypto <suite>', 'crypto suite').choices(['intl', 'gm'])
      .default('intl'))
    .option('--passphrase-file <file>', 'file holding the passphrase')
    .option('--json', 'machine-readable output')
    .action(run(async (flags: { out: string; crypto: SuiteName; passphraseFile?: string;
      json?: boolean }) => {
      if (existsSync(flags.out)) {
        throw new ZwError(ErrorCode.ALREADY_EXISTS, `${flags.out} exists; not overwriting`);
      }
      const suite = getSuite(flags.crypto);
      const passphrase = await readPassphrase(flags, 'the new keystore');
      const key = suite.generateKeyPair();
      writeFileSync(flags.out, createKeystore(suite, key, passphrase), { mode: 0o600 });
      const address = toHex(suite.address(key.publicKey));
      output(flags, { address, publicKey: toHex(key.publicKey), suite: suite.name,
        file: flags.out }, () => `address ${address} (${suite.name}) written to ${flags.out}`);
    }));
  return keys;
}

interface NodeFlags {
  readonly node: string;
  readonly json?: boolean;
}

function client(flags: NodeFlags): ZhengwuClient {
  return new ZhengwuClient({ url: flags.node });
}

async function chainTrust(node: ZhengwuClient, genesisFile?: string): Promise<TrustedChain> {
  const genesis = genesisFile === undefined ? await node.genesis()
    : JSON.parse(readFileSync(genesisFile, 'utf8')) as unknown;
  return trustFromGenesis(genesis);
}

export function notaryCommand(): Command {
  const notary = new Command('notary').description('notarize documents and verify them (存证)');
  notary.command('put <file>')
    .description('anchor a file\'s hash on chain (the file stays with you)')
    .requiredOption('--key <keystore>', 'keystore of the signing account')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--meta <k=v>', 'metadata to record (repeatable)', collect, [])
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .option('--json', 'machine-readable output')
    .action(run(async (file: string, flags: NodeFlags & { key: string; meta: string[];
      passphraseFile?: string }) => {
      const node = client(flags);
      const status = await node.status();
      const suite = getSuite(status.suite);
      const passphrase = await readPassphrase(flags, flags.key);
      const key = openKeystore(readFileSync(flags.key, 'utf8'), passphrase);
      const documentHash = suite.hash(readFileSync(file));
      const view = await notarize(new Account(suite, key, node), documentHash,
        parseMeta(flags.meta));
      if (view.status !== 'committed') throw new ZwError(ErrorCode.INTERNAL, 'not committed');
      if (view.receipt.status !== 'ok') {
        throw new ZwError(view.receipt.status as ErrorCode, view.receipt.error);
      }
      output(flags, { documentHash: toHex(documentHash), hashAlgorithm: suite.hashName,
        tx: view.hash, height: view.height },
      () => `notarized ${file}\n  ${suite.hashName} ${toHex(documentHash)}\n` +
        `  tx ${view.hash} in block ${view.height}`);
    }));
  notary.command('verify <file>')
    .description('find a file\'s notarization and verify its proof against the validators')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--genesis <file>', 'trusted genesis.json (default: ask the node)')
    .option('--json', 'machine-readable output')
    .action(run(async (file: string, flags: NodeFlags & { genesis?: string }) => {
      const node = client(flags);
      const trust = await chainTrust(node, flags.genesis);
      const documentHash = trust.suite.hash(readFileSync(file));
      const check = await checkNotarization(node, trust, documentHash);
      const verifiedAt = check.proof.header.height;
      const signers = trust.validatorSet.validators.length;
      if (check.record === undefined) {
        output(flags, { notarized: false, documentHash: toHex(documentHash),
          provenAbsentAtHeight: check.proof.height },
        () => `NOT notarized: ${toHex(documentHash)} (absence proven at height ` +
          `${check.proof.height})`);
        process.exitCode = 1;
        return;
      }
      const record = check.record;
      output(flags, { notarized: true, documentHash: toHex(documentHash),
        owner: toHex(record.owner), height: record.height, time: record.time,
        txHash: toHex(record.txHash), meta: record.meta, verifiedAgainstHeader: verifiedAt },
      () => [`notarized: ${toHex(documentHash)}`,
        `  by ${toHex(record.owner)} at height ${record.height}, ` +
          `${new Date(record.time).toISOString()}`,
        `  tx ${toHex(record.txHash)}`,
        ...Object.entries(record.meta).map(([k, v]) => `  ${k} = ${v}`),
        `  proof verified against block ${verifiedAt}, signed by validators of ${signers}-member set`,
      ].join('\n'));
    }));
  return notary;
}

export function chainCommands(): Command[] {
  const block = new Command('block').argument('<height>', 'height or "latest"')
    .description('show a block')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--json', 'machine-readable output')
    .action(run(async (height: string, flags: NodeFlags) => {
      const view = await client(flags).block(height === 'latest' ? 'latest' : Number(height));
      output(flags, view, () => [`block ${view.height} ${view.hash}`,
        `  time ${new Date(Number(view.header.time)).toISOString()}`,
        `  proposer ${String(view.header.proposer)}`,
        `  ${view.txs.length} transactions`, ...view.txs.map((tx) => `    ${tx}`)].join('\n'));
    }));
  const tx = new Command('tx').argument('<hash>', 'transaction hash (hex)')
    .description('show a transaction: pending, committed with its receipt, or rejected')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--json', 'machine-readable output')
    .action(run(async (hash: string, flags: NodeFlags) => {
      fromHex(hash, 'transaction hash');
      const view = await client(flags).tx(hash);
      output(flags, view, () => view.status === 'committed'
        ? `tx ${view.hash}: committed in block ${view.height} (index ${view.index}), ` +
          `status ${view.receipt.status}${view.receipt.error ? `: ${view.receipt.error}` : ''}, ` +
          `gas ${view.receipt.gasUsed}`
        : view.status === 'rejected' ? `tx ${view.hash}: rejected ${view.error.code}: ` +
          view.error.message : `tx ${view.hash}: pending`);
    }));
  const status = new Command('status').description('show a node\'s chain status')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--json', 'machine-readable output')
    .action(run(async (flags: NodeFlags) => {
      const view = await client(flags).status();
      const signers = new Set(view.lastCommitSigners);
      output(flags, view, () => [`${view.chainId} (${view.suite}, ${view.hashAlgorithm})`,
        `  node ${view.moniker} of ${view.agency}` +
          (view.consensus.validator ? ' (validator)' : ' (full node)'),
        `  height ${view.height}, latest block ${view.latestBlockHash ?? '-'}`,
        `  consensus at height ${view.consensus.height}, round ${view.consensus.round}`,
        '  validators (power, signed the last commit):',
        ...view.validators.map((v) => `    ${v.address} ${String(v.power).padStart(4)} ` +
          `${signers.has(v.address) ? 'signed ' : 'missing'} ${v.agency ?? ''}`),
        `  peers (${view.peers.length}):`,
        ...view.peers.map((p) => `    ${p.address} ${p.agency} ${p.direction}`),
        `  mempool ${view.mempool.size} txs`].join('\n'));
    }));
  return [block, tx, status];
}
