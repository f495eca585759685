// `zw gov` (propose, rotate-node-key, vote, show, list) and `zw member` (add, roles, suspend,
// reinstate, revoke, rotate, show, list): on-chain governance and membership through the SDK.
// The lead registers govCommand() and memberCommand() in main.ts.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError, fromHex, fromJsonValue, toJsonValue } from '../core/index.js';
import type { CborValue, JsonValue } from '../core/index.js';
import {
  Account, ZhengwuClient, getSuite, identityCall, member, members, openKeystore, propose,
  proposal, proposals, proposeNodeRekey, receiptResult, vote,
} from '../sdk/index.js';
import type { ProposalStatusFilter, TxView } from '../sdk/index.js';
import { pemCertificates } from '../node/index.js';
import { output, readPassphrase, run } from './io.js';

const defaultNode = process.env.ZW_NODE ?? 'http://127.0.0.1:7701';
const defaultDeadlineBlocks = 10_000;

interface NodeFlags {
  readonly node: string;
  readonly json?: boolean;
}

interface SignerFlags extends NodeFlags {
  readonly key: string;
  readonly passphraseFile?: string;
}

async function signer(flags: SignerFlags): Promise<Account> {
  const client = new ZhengwuClient({ url: flags.node });
  const suite = getSuite((await client.status()).suite);
  const passphrase = await readPassphrase(flags, flags.key);
  return new Account(suite, openKeystore(readFileSync(flags.key, 'utf8'), passphrase), client);
}

function withNode(command: Command): Command {
  return command.option('--node <url>', 'node API URL', defaultNode)
    .option('--json', 'machine-readable output');
}

function withSigner(command: Command): Command {
  return withNode(command.requiredOption('--key <keystore>', 'keystore of an agency admin')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase'));
}

function json(value: CborValue): JsonValue {
  return toJsonValue(value);
}

/** Prints a committed transaction's result, or fails with its receipt's code. */
function printTx(flags: NodeFlags, view: TxView, what: string): void {
  const result = json(receiptResult(view));
  const height = view.status === 'committed' ? view.height : 0;
  output(flags, { tx: view.hash, height, result },
    () => `${what}: tx ${view.hash} in block ${height}\n${JSON.stringify(result, null, 2)}`);
}

function parsePayload(text: string): CborValue {
  try {
    return fromJsonValue(JSON.parse(text));
  } catch (error) {
    if (error instanceof ZwError) throw error;
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `--payload is not JSON: ${String(error)}`);
  }
}

interface CertificateFlags {
  readonly caCert?: string;
  readonly tlsCaCert?: string;
  readonly caChain?: string;
}

/**
 * The payload with the PEM files of --ca-cert, --tls-ca-cert and --ca-chain (PEM is awkward in
 * JSON); the chain file's certificates become the caChain list in their order.
 */
function withCertificates(payload: CborValue, flags: CertificateFlags): CborValue {
  if (flags.caCert === undefined && flags.tlsCaCert === undefined &&
      flags.caChain === undefined) return payload;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) ||
      payload instanceof Uint8Array) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, '--payload must be a JSON object');
  }
  return { ...payload,
    ...(flags.caCert === undefined ? {} : { caCert: readFileSync(flags.caCert, 'utf8') }),
    ...(flags.tlsCaCert === undefined ? {}
      : { tlsCaCert: readFileSync(flags.tlsCaCert, 'utf8') }),
    ...(flags.caChain === undefined ? {}
      : { caChain: pemCertificates(readFileSync(flags.caChain, 'utf8')) }) };
}

function parseHeight(value: string): number {
  const height = Number(value);
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${value} is not a block height`);
  }
  return height;
}

function proposalSummary(value: JsonValue): string {
  const p = value as Record<string, JsonValue>;
  const id = (p.id as { $bytes?: string } | null)?.$bytes ?? '?';
  const votes = Object.entries((p.votes ?? {}) as Record<string, { yes?: boolean }>)
    .map(([agency, v]) => `${agency}=${v.yes === true ? 'yes' : 'no'}`).join(' ');
  return `${id} ${String(p.kind)} ${String(p.status)} by ${String(p.proposer)} ` +
    `(deadline ${String(p.deadlineHeight)}) ${votes}`;
}

export function govCommand(): Command {
  const gov = new Command('gov').description('propose and vote on governance changes');
  withSigner(gov.command('propose <kind>')
    .description('propose a change (add-agency, add-validator, set-params, deploy-contract, ...)')
    .requiredOption('--payload <json>', 'the kind\'s payload as JSON ({"$bytes": hex} or hex)')
    .requiredOption('--reason <text>', 'why the change is needed')
    .requiredOption('--legal-basis <text>', 'the law, regulation or decision it rests on')
    .option('--deadline-blocks <n>', 'blocks the vote stays open', String(defaultDeadlineBlocks))
    .option('--ca-cert <pem>', 'PEM file to put in the payload as caCert (add-agency, ' +
      'rotate-agency-key), e.g. a root CA from the agency\'s PKI')
    .option('--tls-ca-cert <pem>', 'PEM file to put in the payload as tlsCaCert')
    .option('--ca-chain <pem>', 'PEM file of the caCert\'s issuers up to its self-signed root ' +
      '(issuer first), put in the payload as caChain'))
    .action(run(async (kind: string, flags: SignerFlags & CertificateFlags & { payload: string;
      reason: string; legalBasis: string; deadlineBlocks: string }) => {
      const view = await propose(await signer(flags), kind,
        withCertificates(parsePayload(flags.payload), flags), flags.reason, flags.legalBasis,
        parseHeight(flags.deadlineBlocks));
      printTx(flags, view, `proposed ${kind}`);
    }));
  withSigner(gov.command('rotate-node-key <agency> <publicKey> <newPublicKey>')
    .description('propose moving one of an agency\'s nodes to a new key (hex public keys; make ' +
      'one with `zw keys new`): the old key is refused once it executes, and if the node is a ' +
      'validator the new key signs from two heights later — restart the node with the new ' +
      'keystore')
    .requiredOption('--reason <text>', 'why the key changes (e.g. the old one was exposed)')
    .requiredOption('--legal-basis <text>', 'the law, regulation or decision it rests on')
    .option('--deadline-blocks <n>', 'blocks the vote stays open', String(defaultDeadlineBlocks)))
    .action(run(async (agencyId: string, publicKey: string, newPublicKey: string,
      flags: SignerFlags & { reason: string; legalBasis: string; deadlineBlocks: string }) => {
      const view = await proposeNodeRekey(await signer(flags), { agency: agencyId,
        publicKey: fromHex(publicKey, 'public key'),
        newPublicKey: fromHex(newPublicKey, 'new public key') }, flags.reason, flags.legalBasis,
      parseHeight(flags.deadlineBlocks));
      printTx(flags, view, 'proposed rotate-node-key');
    }));
  withSigner(gov.command('vote <id> <choice>')
    .description('vote yes or no for your agency (a later vote replaces it while open)'))
    .action(run(async (id: string, choice: string, flags: SignerFlags) => {
      if (choice !== 'yes' && choice !== 'no') {
        throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'vote yes or no');
      }
      printTx(flags, await vote(await signer(flags), id, choice), `voted ${choice}`);
    }));
  withNode(gov.command('show <id>').description('show a proposal with its votes'))
    .action(run(async (id: string, flags: NodeFlags) => {
      const value = await proposal(new ZhengwuClient({ url: flags.node }), fromHex(id, 'id'));
      if (value === null) throw new ZwError(ErrorCode.NOT_FOUND, `no proposal ${id}`);
      const view = json(value);
      output(flags, view, () => `${proposalSummary(view)}\n${JSON.stringify(view, null, 2)}`);
    }));
  withNode(gov.command('list').description('list the newest proposals')
    .addOption(new Option('--status <status>', 'only proposals in this status')
      .choices(['open', 'approved', 'rejected', 'expired', 'executed'])))
    .action(run(async (flags: NodeFlags & { status?: ProposalStatusFilter }) => {
      const list = json(await proposals(new ZhengwuClient({ url: flags.node }), flags.status));
      output(flags, list, () => (list as JsonValue[]).map(proposalSummary).join('\n') ||
        'no proposals');
    }));
  return gov;
}

function addressArg(text: string): Uint8Array {
  return fromHex(text, 'address');
}

function roleList(text: string): string[] {
  return text.split(',').map((role) => role.trim()).filter((role) => role !== '');
}

/** One member transaction command: `zw member <name> <args...>`. */
function memberTx(parent: Command, spec: { name: string; args: string; description: string;
  method: string; build: (values: string[], flags: Record<string, string>) => CborValue;
  options?: (command: Command) => Command }): void {
  let command = parent.command(`${spec.name} ${spec.args}`).description(spec.description);
  command = spec.options?.(command) ?? command;
  withSigner(command).action(run(async (...all: unknown[]) => {
    const flags = all[all.length - 2] as SignerFlags & Record<string, string>;
    const values = all.slice(0, -2) as string[];
    const view = await identityCall(await signer(flags), spec.method, spec.build(values, flags));
    printTx(flags, view, `${spec.method}`);
  }));
}

export function memberCommand(): Command {
  const cmd = new Command('member').description('manage your agency\'s members (admins only)');
  memberTx(cmd, { name: 'add', args: '<publicKey>', method: 'registerMember',
    description: 'register a member by public key (hex) with roles',
    options: (c) => c.requiredOption('--roles <list>', 'comma-separated roles, e.g. staff,auditor')
      .option('--valid-from <height>', 'first block height it may act')
      .option('--valid-until <height>', 'last block height it may act')
      .option('--official-id <id>', 'the official\'s id'),
    build: ([key], flags) => ({ publicKey: fromHex(key ?? '', 'public key'),
      roles: roleList(flags.roles ?? ''),
      ...(flags.validFrom === undefined ? {} : { validFrom: parseHeight(flags.validFrom) }),
      ...(flags.validUntil === undefined ? {} : { validUntil: parseHeight(flags.validUntil) }),
      ...(flags.officialId === undefined ? {} : { officialId: flags.officialId }) }) });
  memberTx(cmd, { name: 'roles', args: '<address>', method: 'setRoles',
    description: 'replace a member\'s roles',
    options: (c) => c.requiredOption('--roles <list>', 'comma-separated roles'),
    build: ([address], flags) => ({ address: addressArg(address ?? ''),
      roles: roleList(flags.roles ?? '') }) });
  for (const [name, method, description] of [
    ['suspend', 'suspendMember', 'suspend a member (reversible)'],
    ['reinstate', 'reinstateMember', 'reinstate a suspended member'],
    ['revoke', 'revokeMember', 'revoke a member for good'],
  ] as const) {
    memberTx(cmd, { name, args: '<address>', method, description,
      build: ([address]) => ({ address: addressArg(address ?? '') }) });
  }
  memberTx(cmd, { name: 'rotate', args: '<address> <newPublicKey>', method: 'rotateMemberKey',
    description: 'move a member to a new key (the old address is revoked)',
    build: ([address, key]) => ({ address: addressArg(address ?? ''),
      newPublicKey: fromHex(key ?? '', 'new public key') }) });
  withNode(cmd.command('show <address>').description('show a member (or root admin key)'))
    .action(run(async (address: string, flags: NodeFlags) => {
      const value = json(await member(new ZhengwuClient({ url: flags.node }),
        addressArg(address)));
      if (value === null) throw new ZwError(ErrorCode.NOT_FOUND, `${address} is no member`);
      output(flags, value, () => JSON.stringify(value, null, 2));
    }));
  withNode(cmd.command('list <agency>').description('list an agency\'s members'))
    .action(run(async (agencyId: string, flags: NodeFlags) => {
      const list = json(await members(new ZhengwuClient({ url: flags.node }), agencyId));
      output(flags, list, () => (list as Record<string, JsonValue>[]).map((m) =>
        `${(m.address as { $bytes: string }).$bytes} ${String(m.status)} ` +
        `${(m.roles as string[]).join(',')}`).join('\n') || 'no members');
    }));
  return cmd;
}
