// `zw share`: sharing requests and the decisions on them (the `sharing` contract), and the data
// exchange itself: a provider's system uploads a dataset to its node, a requester fetches granted
// items through theirs and gets them only after they check out against the chain.
//
// Personal ids go to the member's own node only (ADR 0013): `share fetch --national-ids` asks it
// for their subject ids, and `share upload` hands records to the provider's own node, which
// derives the subject id of a personal id (through the subject-key agencies) before storing it.
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError, fromHex, toJsonValue } from '../core/index.js';
import type { JsonValue } from '../core/index.js';
import {
  ZhengwuClient, datasetInfo, deriveSubjects, fetchData, member, sharingRequests,
  trustFromGenesis, uploadDataset,
} from '../sdk/index.js';
import type {
  Account, FetchInput, FetchedData, FetchedPayload, RecordValue, SharingRequestView,
  UploadRecord,
} from '../sdk/index.js';
import {
  beijingTime, call, either, invalid, more, nameList, nonNegative, readJson, signer, withNode,
  withSigner,
} from './data-commands.js';
import type { NodeFlags, SignerFlags } from './data-commands.js';
import { output, run } from './io.js';

const sharingContract = 'sharing';
const requestStatuses = ['pending', 'escalated', 'granted', 'rejected', 'cancelled', 'revoked',
  'expired'];

/** The parts of a sharing request (contracts/sharing) that the CLI shows. */
interface RequestRecord {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly entry: string;
  readonly entryVersion: number;
  readonly items: readonly string[];
  readonly grantedItems: readonly string[];
  readonly purpose: string;
  readonly scenario: string;
  readonly duty: string | null;
  readonly legalBasis: string;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly status: string;
  readonly deadline: number | null;
  readonly escalation: { reason: string; height: number } | null;
  readonly decision: { by: string; height: number; reason: string } | null;
  readonly revoked: { by: string; height: number; reason: string } | null;
}

function statusText(request: RequestRecord): string {
  switch (request.status) {
    case 'granted':
      return `granted ${request.grantedItems.join(', ')} for heights ${request.validFrom}-` +
        `${request.validUntil - 1}`;
    case 'pending':
      return `pending: the provider answers by ${beijingTime(request.deadline ?? 0)}`;
    case 'escalated':
      return `escalated to the data authority (${request.escalation?.reason ?? ''})`;
    default:
      return request.status;
  }
}

function requestLines(request: RequestRecord): string[] {
  const decision = request.decision;
  return [`request ${request.id}: ${statusText(request)}`,
    `  ${request.requester} asks ${request.provider} for ${request.entry} ` +
      `(version ${request.entryVersion})`,
    `  items        ${request.items.join(', ')}`,
    `  purpose      ${request.purpose}`,
    `  scenario     ${request.scenario}`,
    `  grounds      ${request.duty === null ? request.legalBasis : `duty ${request.duty}`}`,
    `  valid        heights ${request.validFrom} to ${request.validUntil} (exclusive)`,
    ...(decision === null || decision.reason === '' ? [] : [`  decision     ` +
      `${decision.reason} (by ${decision.by}, height ${decision.height})`]),
    ...(request.revoked === null ? [] : [`  revoked      ${request.revoked.reason} ` +
      `(height ${request.revoked.height})`])];
}

function requestLine(request: SharingRequestView): string {
  return `  ${request.id}  ${request.status}  ${request.entry}  ${request.requester} -> ` +
    `${request.provider}` +
    (request.deadline === null ? '' : `  answer by ${beijingTime(request.deadline)}`);
}

/** A committed call's result as the request it returns (request and decide return one). */
function asRequest(result: JsonValue): RequestRecord {
  return result as unknown as RequestRecord;
}

// ---------------------------------------------------------------------------------------------
// Requests and decisions.

interface RequestFlags extends SignerFlags {
  readonly items: string;
  readonly purpose: string;
  readonly scenario: string;
  readonly duty?: string;
  readonly legalBasis?: string;
  readonly validFrom?: string;
  readonly validFor?: string;
  readonly validUntil?: string;
}

/** The last height (exclusive) of the grant: --valid-until, or --valid-for blocks from now. */
async function validUntil(flags: RequestFlags): Promise<number> {
  either(flags.validFor !== undefined, flags.validUntil !== undefined,
    '--valid-for and --valid-until');
  const until = nonNegative(flags.validUntil, '--valid-until');
  if (until !== undefined) return until;
  const blocks = nonNegative(flags.validFor, '--valid-for') ?? 0;
  return (await new ZhengwuClient({ url: flags.node }).status()).height + blocks;
}

function requestCommand(): Command {
  return withSigner(new Command('request').argument('<entry>', 'catalog entry resource code')
    .description('request data items of an entry: UNCONDITIONAL ones are granted at once, ' +
      'CONDITIONAL ones go to the provider, NOT_SHARED ones to the data authority')
    .requiredOption('--items <a,b>', 'the data items wanted, comma-separated')
    .requiredOption('--purpose <text>', 'what the data is for')
    .requiredOption('--scenario <text>', 'the business scenario (e.g. tax registration)')
    .option('--duty <code>', 'your agency\'s registered duty that needs the data')
    .option('--legal-basis <text>', 'the law the request rests on (if no --duty)')
    .option('--valid-from <height>', 'first height of the grant (default: now)')
    .option('--valid-for <blocks>', 'the grant lasts this many blocks from now')
    .option('--valid-until <height>', 'the grant ends before this height'),
  'a staff member of the requesting agency')
    .action(run(async (entry: string, flags: RequestFlags) => {
      if (flags.duty === undefined && flags.legalBasis === undefined) {
        throw invalid('give --duty or --legal-basis');
      }
      const validFrom = nonNegative(flags.validFrom, '--valid-from');
      const done = await call(flags, sharingContract, 'request', { entry,
        items: nameList(flags.items), purpose: flags.purpose, scenario: flags.scenario,
        validUntil: await validUntil(flags),
        ...(flags.duty === undefined ? {} : { duty: flags.duty }),
        ...(flags.legalBasis === undefined ? {} : { legalBasis: flags.legalBasis }),
        ...(validFrom === undefined ? {} : { validFrom }) });
      const request = asRequest(done.result);
      output(flags, done, () => `request ${request.id}: ${statusText(request)} ` +
        `(tx ${done.tx}, block ${done.height})`);
    }));
}

function decideCommand(): Command {
  return withSigner(new Command('decide').argument('<requestId>', 'sharing request id')
    .description('approve all or some requested items, or reject with a reason')
    .option('--approve', 'grant the request')
    .option('--items <a,b>', 'grant only these of the requested items (needs --reason)')
    .option('--reject', 'reject the request (needs --reason)')
    .option('--reason <text>', 'why; required to reject or to leave items out'),
  'a staff member of the provider (or the data authority, once escalated)')
    .action(run(async (id: string, flags: SignerFlags & { approve?: boolean; reject?: boolean;
      items?: string; reason?: string }) => {
      const approve = either(flags.approve, flags.reject, '--approve and --reject');
      if (!approve && flags.items !== undefined) throw invalid('--items goes with --approve');
      const done = await call(flags, sharingContract, 'decide', { id, approve,
        ...(flags.items === undefined ? {} : { items: nameList(flags.items) }),
        ...(flags.reason === undefined ? {} : { reason: flags.reason }) });
      const result = done.result as { applied: boolean; request: JsonValue };
      const request = asRequest(result.request);
      // An overdue request is escalated by the very call that tried to decide it: committed,
      // but the decision was not the provider's to make any more.
      if (!result.applied) {
        throw new ZwError(ErrorCode.UNAUTHORIZED, `request ${id} was overdue and is now ` +
          `escalated to the data authority; the decision was not applied (tx ${done.tx})`);
      }
      output(flags, done, () => `request ${id}: ${statusText(request)} ` +
        `(tx ${done.tx}, block ${done.height})`);
    }));
}

/** The agency whose requests to list: --agency, or the agency of the --key's member. */
async function listAgency(client: ZhengwuClient, flags: { agency?: string; key?: string }):
  Promise<string> {
  if ((flags.agency === undefined) === (flags.key === undefined)) {
    throw invalid('give --agency or --key');
  }
  if (flags.agency !== undefined) return flags.agency;
  const file = flags.key ?? '';
  // The address is stored in clear in the keystore: no passphrase is needed to read it.
  const { address } = readJson(file) as { address?: unknown };
  if (typeof address !== 'string') throw invalid(`${file} is not a keystore`);
  const found = toJsonValue(await member(client, fromHex(address, 'keystore address'))) as
    { agency?: string } | null;
  if (found?.agency === undefined) {
    throw new ZwError(ErrorCode.NOT_FOUND, `${file}: ${address} is no member of any agency`);
  }
  return found.agency;
}

function listCommand(): Command {
  return withNode(new Command('list').description('list an agency\'s sharing requests')
    .addOption(new Option('--side <side>', 'the agency\'s requests, or requests to it')
      .choices(['requester', 'provider']).makeOptionMandatory())
    .addOption(new Option('--status <status>', 'only requests in this status')
      .choices(requestStatuses))
    .option('--agency <id>', 'the agency id')
    .option('--key <keystore>', 'a member\'s keystore: list that member\'s agency')
    .option('--limit <n>', 'requests per page (1-100)')
    .option('--after <cursor>', 'continue after this cursor (printed as "more:")'))
    .action(run(async (flags: NodeFlags & { side: 'requester' | 'provider'; status?: string;
      agency?: string; key?: string; limit?: string; after?: string }) => {
      const client = new ZhengwuClient({ url: flags.node });
      const agency = await listAgency(client, flags);
      const limit = nonNegative(flags.limit, '--limit');
      const page = await sharingRequests(client, { agency, side: flags.side,
        ...(flags.status === undefined ? {} : { status: flags.status }),
        ...(flags.after === undefined ? {} : { after: flags.after }),
        ...(limit === undefined ? {} : { limit }) });
      output(flags, page, () => [`requests ${flags.side === 'requester' ? 'by' : 'to'} ` +
        `${agency}:`, ...(page.items.length === 0 ? ['  none'] : page.items.map(requestLine)),
      ...more(page.next)].join('\n'));
    }));
}

function showCommand(): Command {
  return withNode(new Command('show').argument('<id>', 'sharing request id')
    .description('show a sharing request, its decision and its grant'))
    .action(run(async (id: string, flags: NodeFlags) => {
      const value = toJsonValue(await new ZhengwuClient({ url: flags.node })
        .query(sharingContract, 'getRequest', { id }));
      if (value === null) throw new ZwError(ErrorCode.NOT_FOUND, `no sharing request ${id}`);
      output(flags, value, () => requestLines(asRequest(value)).join('\n'));
    }));
}

function revokeCommand(): Command {
  return withSigner(new Command('revoke').argument('<id>', 'sharing request id')
    .description('end a grant before it expires')
    .requiredOption('--reason <text>', 'why the grant is revoked'),
  'a staff member of the provider, or the data authority')
    .action(run(async (id: string, flags: SignerFlags & { reason: string }) => {
      const done = await call(flags, sharingContract, 'revoke', { id, reason: flags.reason });
      output(flags, done, () => `revoked the grant of request ${id} (tx ${done.tx}, ` +
        `block ${done.height})`);
    }));
}

function cancelCommand(): Command {
  return withSigner(new Command('cancel').argument('<id>', 'sharing request id')
    .description('withdraw a request that is still pending or escalated'),
  'a staff member of the requesting agency')
    .action(run(async (id: string, flags: SignerFlags) => {
      const done = await call(flags, sharingContract, 'cancel', { id });
      output(flags, done, () => `cancelled request ${id} (tx ${done.tx}, block ${done.height})`);
    }));
}

// ---------------------------------------------------------------------------------------------
// Exchange: upload, fetch, dataset.

function isScalar(value: unknown): value is RecordValue {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** The records file: [{subject?, data: {item: value}}], checked so mistakes show by index. */
function parseRecords(file: string, value: unknown): UploadRecord[] {
  if (!Array.isArray(value)) throw invalid(`${file}: a JSON array of {subject?, data}`);
  return value.map((record: unknown, index) => {
    const where = `${file}: record ${index}`;
    if (record === null || typeof record !== 'object') throw invalid(`${where} is no object`);
    const { subject, data } = record as { subject?: unknown; data?: unknown };
    if (subject !== undefined && typeof subject !== 'string') {
      throw invalid(`${where}: subject is a personal id or subject id (text)`);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data) ||
        !Object.values(data).every(isScalar)) {
      throw invalid(`${where}: data is an object of text, number, boolean or null values`);
    }
    return { ...(subject === undefined ? {} : { subject }),
      data: data as Record<string, RecordValue> };
  });
}

function uploadCommand(): Command {
  return withSigner(new Command('upload').argument('<entry>', 'catalog entry resource code')
    .argument('<records.json>', '[{"subject"?: personal or subject id, "data": {...}}, ...]')
    .description('hand your node a dataset of your agency\'s entry; it stores it encrypted ' +
      'and puts only its hash on chain; a new upload replaces the dataset'),
  'an exchange, operator or admin member of the providing agency')
    .action(run(async (entry: string, file: string, flags: SignerFlags) => {
      const records = parseRecords(file, readJson(file));
      const stored = await uploadDataset(await signer(flags), { entry, records });
      output(flags, stored, () => `stored ${stored.records} record(s) of ${stored.entry} as ` +
        `dataset version ${stored.version}, hash ${stored.hash}`);
    }));
}

interface FetchFlags extends SignerFlags {
  readonly items: string;
  readonly subjects?: string;
  readonly nationalIds?: string;
  readonly purpose: string;
  readonly case: string;
  readonly official: string;
  readonly system: string;
  readonly offset?: string;
  readonly limit?: string;
  readonly out?: string;
  readonly genesis?: string;
}

/**
 * The subject ids to fetch: the given ones and those the member's own node derives from
 * personal ids through the subject-key agencies (ADR 0013).
 */
async function subjectIds(account: Account, flags: FetchFlags):
  Promise<string[] | undefined> {
  if (flags.subjects === undefined && flags.nationalIds === undefined) return undefined;
  const personal = nameList(flags.nationalIds ?? '');
  return [...nameList(flags.subjects ?? ''),
    ...(personal.length === 0 ? [] : await deriveSubjects(account, personal))];
}

function fetchInput(entry: string, flags: FetchFlags, subjects: string[] | undefined):
  FetchInput {
  const offset = nonNegative(flags.offset, '--offset');
  const limit = nonNegative(flags.limit, '--limit');
  return { entry, items: nameList(flags.items), purpose: flags.purpose,
    caseNumber: flags.case, officialId: flags.official, system: flags.system,
    ...(subjects === undefined ? {} : { subjects }),
    ...(offset === undefined ? {} : { offset }), ...(limit === undefined ? {} : { limit }) };
}

/** A refusal names the receipt that records it on chain, so it can be audited and cited. */
function withReceiptId(error: unknown): unknown {
  const receiptId = error instanceof ZwError ? error.details?.receiptId : undefined;
  if (!(error instanceof ZwError) || typeof receiptId !== 'string') return error;
  return new ZwError(error.code, `${error.message} (recorded on chain as receipt ${receiptId})`,
    error.details);
}

/**
 * Fetches and checks: the SDK hashes the payload against the node's response hash; with a
 * genesis it proves the receipt's hash against validator-signed state, and without one the
 * receipt is read back from the node and its recorded hash compared.
 */
async function fetchChecked(account: Account, input: FetchInput, genesis?: string):
  Promise<FetchedData> {
  const trust = genesis === undefined ? undefined : trustFromGenesis(readJson(genesis));
  const fetched = await fetchData(account, input, trust === undefined ? {} : { trust })
    .catch((error: unknown) => { throw withReceiptId(error); });
  if (fetched.proven) return fetched;
  const receipt = toJsonValue(await account.client.query(sharingContract, 'receipt',
    { id: fetched.receiptId })) as { responseHash?: string } | null;
  if (receipt?.responseHash !== fetched.responseHash) {
    throw new ZwError(ErrorCode.HASH_MISMATCH,
      `receipt ${fetched.receiptId} on chain does not record the hash of the data received`);
  }
  return fetched;
}

function csvField(value: RecordValue | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV: a subject column, then one column per granted item. */
function toCsv(payload: FetchedPayload): string {
  const rows = payload.records.map((record) => [record.subject ?? '',
    ...payload.items.map((item) => record.data[item])].map(csvField).join(','));
  return `${['subject', ...payload.items].map(csvField).join(',')}\r\n` +
    rows.map((row) => `${row}\r\n`).join('');
}

function fetchSummary(fetched: FetchedData, flags: FetchFlags): string {
  const payload = fetched.payload;
  return [`fetched ${payload.records.length} record(s) of ${payload.entry} ` +
    `(${payload.items.join(', ')}) from ${payload.provider}, access receipt ${fetched.receiptId}`,
  fetched.proven ? `  proven: the data hashes to the response hash of receipt ` +
      `${fetched.receiptId}, in state signed by the validators trusted from ${flags.genesis}`
    : `  verified: the data hashes to the response hash that receipt ${fetched.receiptId} ` +
      `records on chain, as read from ${flags.node} (add --genesis to prove it)`,
  ...(flags.out === undefined ? [JSON.stringify(payload.records, null, 2)]
    : [`  written to ${flags.out}`])].join('\n');
}

function fetchCommand(): Command {
  return withSigner(new Command('fetch').argument('<entry>', 'catalog entry resource code')
    .description('fetch granted items through your node; the data is checked against the ' +
      'hash on chain before it is shown or written; every fetch, served or refused, is on chain')
    .requiredOption('--items <a,b>', 'the data items wanted, comma-separated')
    .option('--subjects <ids>', 'subject ids (64 hex), comma-separated')
    .option('--national-ids <ids>', 'personal ids, comma-separated; your node derives their ' +
      'subject ids')
    .requiredOption('--purpose <text>', 'what the data is used for (the citizen sees it)')
    .requiredOption('--case <number>', 'the case or file number')
    .requiredOption('--official <id>', 'the official\'s id')
    .requiredOption('--system <name>', 'the information system asking (the citizen sees it)')
    .option('--offset <n>', 'first record, when paging through the dataset')
    .option('--limit <n>', 'records per page, when paging through the dataset')
    .option('--out <file>', 'write the records to file.json (as received) or file.csv')
    .option('--genesis <file>', 'trusted genesis.json: prove the receipt against the ' +
      'validators\' signatures'),
  'a staff member of the requesting agency')
    .action(run(async (entry: string, flags: FetchFlags) => {
      const account = await signer(flags);
      const input = fetchInput(entry, flags, await subjectIds(account, flags));
      const fetched = await fetchChecked(account, input, flags.genesis);
      if (flags.out !== undefined) {
        writeFileSync(flags.out, flags.out.toLowerCase().endsWith('.csv')
          ? toCsv(fetched.payload) : `${JSON.stringify(fetched.payload, null, 2)}\n`);
      }
      output(flags, { ...fetched, verified: true,
        ...(flags.out === undefined ? {} : { file: flags.out }) },
      () => fetchSummary(fetched, flags));
    }));
}

function datasetCommand(): Command {
  return withNode(new Command('dataset').argument('<entry>', 'catalog entry resource code')
    .description('what the node holds for an entry: version, record count, hash (no records)'))
    .action(run(async (entry: string, flags: NodeFlags) => {
      const info = await datasetInfo(new ZhengwuClient({ url: flags.node }), entry);
      output(flags, info, () => `${info.entry}: dataset version ${info.version}, ` +
        `${info.records} record(s), hash ${info.hash}, uploaded by ${info.uploadedBy} at ` +
        `height ${info.height}`);
    }));
}

export function shareCommand(): Command {
  return new Command('share')
    .description('data sharing: requests, decisions, grants, dataset upload and fetch')
    .addCommand(requestCommand()).addCommand(decideCommand()).addCommand(listCommand())
    .addCommand(showCommand()).addCommand(revokeCommand()).addCommand(cancelCommand())
    .addCommand(uploadCommand()).addCommand(fetchCommand()).addCommand(datasetCommand());
}
