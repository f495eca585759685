// `zw catalog` (duties, entries, the data authority's review, search) through the SDK and the
// `catalog` contract, and the plumbing that `zw share` (share-command.ts) uses too: node and
// signer options, one contract call with its receipt's error, argument parsing.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError, fromJsonValue, toJsonValue } from '../core/index.js';
import type { CborValue, JsonValue } from '../core/index.js';
import {
  Account, ZhengwuClient, getSuite, openKeystore, receiptResult, searchCatalog,
} from '../sdk/index.js';
import type { CatalogEntryView } from '../sdk/index.js';
import { output, readPassphrase, run } from './io.js';

const defaultNode = process.env.ZW_NODE ?? 'http://127.0.0.1:7701';
const catalogContract = 'catalog';

export interface NodeFlags {
  readonly node: string;
  readonly json?: boolean;
}

export interface SignerFlags extends NodeFlags {
  readonly key: string;
  readonly passphraseFile?: string;
}

// ---------------------------------------------------------------------------------------------
// Plumbing shared by both groups.

export function withNode(command: Command): Command {
  return command.option('--node <url>', 'node API URL (default $ZW_NODE or :7701)', defaultNode)
    .option('--json', 'machine-readable output');
}

export function withSigner(command: Command, who: string): Command {
  return withNode(command.requiredOption('--key <keystore>', `keystore of ${who}`)
    .option('--passphrase-file <file>', 'file holding the keystore passphrase'));
}

export async function signer(flags: SignerFlags): Promise<Account> {
  const client = new ZhengwuClient({ url: flags.node });
  const suite = getSuite((await client.status()).suite);
  const passphrase = await readPassphrase(flags, flags.key);
  return new Account(suite, openKeystore(readFileSync(flags.key, 'utf8'), passphrase), client);
}

/** Sends one contract call and answers its result, or throws the receipt's error code. */
export async function call(flags: SignerFlags, contract: string, method: string,
  args: CborValue): Promise<{ tx: string; height: number; result: JsonValue }> {
  const view = await (await signer(flags)).sendAndWait(contract, method, args);
  const result = toJsonValue(receiptResult(view));
  return { tx: view.hash, height: view.status === 'committed' ? view.height : 0, result };
}

export function invalid(message: string): ZwError {
  return new ZwError(ErrorCode.INVALID_ARGUMENT, message);
}

export function nameList(text: string): string[] {
  return text.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

export function nonNegative(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw invalid(`${what}: a non-negative integer, not ${value}`);
  }
  return parsed;
}

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ZwError(ErrorCode.NOT_FOUND, `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ZwError(ErrorCode.MALFORMED, `${file} is not JSON: ${(error as Error).message}`);
  }
}

/** Exactly one of two mutually exclusive flags, e.g. --approve and --reject. */
export function either(first: boolean | undefined, second: boolean | undefined,
  names: string): boolean {
  if ((first === true) === (second === true)) throw invalid(`give exactly one of ${names}`);
  return first === true;
}

export function more(next: string | null): string[] {
  return next === null ? [] : [`  more: --after ${next}`];
}

/** Block times are shown in Beijing time, the clock the sharing rules count days by. */
export function beijingTime(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 16)} (UTC+8)`;
}

// ---------------------------------------------------------------------------------------------
// zw catalog

/** The parts of a catalog version and head (contracts/catalog) that the CLI shows. */
interface VersionView {
  readonly code: string;
  readonly name: string;
  readonly version: number;
  readonly provider: string;
  readonly providerCode: string;
  readonly abstract: string;
  readonly items: readonly { name: string; type: string; personal: boolean;
    sensitive: boolean }[];
  readonly sharingType: string;
  readonly legalBasis: string;
  readonly conditions: string;
  readonly grade: string;
  readonly duties: readonly string[];
  readonly updateCycle: string;
  readonly publishedHeight: number | null;
  readonly submittedHeight: number;
}

interface HeadView {
  readonly code: string;
  readonly provider: string;
  readonly status: string;
  readonly current: VersionView | null;
  readonly pending: VersionView | null;
  readonly versions: number;
  readonly lastReview: { version: number; approved: boolean; reason: string;
    height: number } | null;
  readonly disabled: { reason: string; height: number } | null;
}

function entryLine(entry: CatalogEntryView): string {
  return `  ${entry.code}  ${entry.name}  ${entry.provider}  ${entry.sharingType}  ` +
    `${entry.status} v${entry.version}  [${entry.itemNames.join(', ')}]`;
}

function itemText(item: VersionView['items'][number]): string {
  const marks = [item.type, ...(item.personal ? ['personal'] : []),
    ...(item.sensitive ? ['sensitive'] : [])];
  return `${item.name} (${marks.join(', ')})`;
}

function versionLines(label: string, version: VersionView): string[] {
  return [`  ${label} version ${version.version}: ${version.name}`,
    `    provider     ${version.provider} (${version.providerCode})`,
    `    sharing      ${version.sharingType}, grade ${version.grade}, ` +
      `updated ${version.updateCycle}`,
    ...(version.legalBasis === '' ? [] : [`    legal basis  ${version.legalBasis}`]),
    ...(version.conditions === '' ? [] : [`    conditions   ${version.conditions}`]),
    `    items        ${version.items.map(itemText).join(', ')}`,
    `    duties       ${version.duties.join(', ')}`,
    `    abstract     ${version.abstract}`,
    version.publishedHeight === null ? `    submitted at height ${version.submittedHeight}`
      : `    published at height ${version.publishedHeight}`];
}

function headLines(head: HeadView): string[] {
  const review = head.lastReview;
  return [`${head.code}: ${head.status}, ${head.versions} version(s), provided by ` +
    `${head.provider}`,
  ...(head.current === null ? [] : versionLines('current', head.current)),
  ...(head.pending === null ? [] : versionLines('awaiting review:', head.pending)),
  ...(review === null ? [] : [`  last review: version ${review.version} ` +
    `${review.approved ? 'approved' : 'rejected'} at height ${review.height}` +
    (review.reason === '' ? '' : ` (${review.reason})`)]),
  ...(head.disabled === null ? [] : [`  disabled at height ${head.disabled.height}: ` +
    head.disabled.reason])];
}

function searchCommand(): Command {
  return withNode(new Command('search').description('search the catalog (the node\'s index)')
    .option('--provider <agency>', 'providing agency id')
    .option('--category <prefix>', 'resource code prefix: class (3) or class and item (301)')
    .addOption(new Option('--sharing-type <type>', 'sharing type')
      .choices(['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED']))
    .addOption(new Option('--status <status>', 'entry status').choices(['published', 'disabled']))
    .option('--q <keyword>', 'keyword in the name, abstract or item names')
    .option('--limit <n>', 'entries per page (1-100)')
    .option('--after <cursor>', 'continue after this cursor (printed as "more:")'))
    .action(run(async (flags: NodeFlags & { provider?: string; category?: string;
      sharingType?: 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';
      status?: 'published' | 'disabled'; q?: string; limit?: string; after?: string }) => {
      const limit = nonNegative(flags.limit, '--limit');
      const page = await searchCatalog(new ZhengwuClient({ url: flags.node }), {
        ...(flags.provider === undefined ? {} : { provider: flags.provider }),
        ...(flags.category === undefined ? {} : { category: flags.category }),
        ...(flags.sharingType === undefined ? {} : { sharingType: flags.sharingType }),
        ...(flags.status === undefined ? {} : { status: flags.status }),
        ...(flags.q === undefined ? {} : { q: flags.q }),
        ...(flags.after === undefined ? {} : { after: flags.after }),
        ...(limit === undefined ? {} : { limit }) });
      output(flags, page, () => [...(page.items.length === 0 ? ['  no entries']
        : page.items.map(entryLine)), ...more(page.next)].join('\n'));
    }));
}

function showCommand(): Command {
  return withNode(new Command('show').argument('<code>', 'resource code, e.g. 301001001/000001')
    .description('show a catalog entry: current version, pending version, review, status')
    .option('--version <n>', 'show this version of the entry instead'))
    .action(run(async (code: string, flags: NodeFlags & { version?: string }) => {
      const client = new ZhengwuClient({ url: flags.node });
      const version = nonNegative(flags.version, '--version');
      const value = toJsonValue(version === undefined
        ? await client.query(catalogContract, 'entry', { code })
        : await client.query(catalogContract, 'version', { code, version }));
      if (value === null) {
        throw new ZwError(ErrorCode.NOT_FOUND, version === undefined ? `no catalog entry ${code}`
          : `entry ${code} has no published version ${version}`);
      }
      output(flags, value, () => (version === undefined ? headLines(value as unknown as HeadView)
        : versionLines('', value as unknown as VersionView)).join('\n'));
    }));
}

function dutyCommand(): Command {
  return withSigner(new Command('duty').argument('<code>', 'duty code, e.g. market-registration')
    .description('register (or update) one of your agency\'s duties (职责)')
    .requiredOption('--name <text>', 'the duty\'s name')
    .requiredOption('--legal-basis <text>', 'the law or regulation that assigns it'),
  'a staff member or admin of your agency')
    .action(run(async (code: string, flags: SignerFlags & { name: string;
      legalBasis: string }) => {
      const done = await call(flags, catalogContract, 'registerDuty',
        { code, name: flags.name, legalBasis: flags.legalBasis });
      output(flags, done, () => `registered duty ${code} (tx ${done.tx}, block ${done.height})`);
    }));
}

function dutiesCommand(): Command {
  return withNode(new Command('duties').argument('<agency>', 'agency id')
    .description('list an agency\'s registered duties'))
    .action(run(async (agency: string, flags: NodeFlags) => {
      const page = toJsonValue(await new ZhengwuClient({ url: flags.node })
        .query(catalogContract, 'duties', { agency, limit: 100 })) as unknown as
        { items: { code: string; name: string; legalBasis: string }[] };
      output(flags, page, () => page.items.map((duty) =>
        `  ${duty.code}  ${duty.name}  ${duty.legalBasis}`).join('\n') || '  no duties');
    }));
}

interface FieldError {
  readonly field: string;
  readonly message: string;
}

function fieldErrors(file: string, errors: readonly FieldError[]): ZwError {
  return invalid(`${file}: ${errors.length} field error(s)\n` +
    errors.map((error) => `  ${error.field}: ${error.message}`).join('\n'));
}

/**
 * The contract refuses a whole entry at once as `invalid entry: f: m; f: m`; the CLI shows one
 * field per line. Only checks that need state (the provider's duties) can still fail here: the
 * shape was checked with the `validate` query before sending.
 */
function splitEntryError(file: string, error: unknown): unknown {
  const prefix = 'invalid entry: ';
  if (!(error instanceof ZwError) || !error.message.includes(prefix)) return error;
  const list = error.message.slice(error.message.indexOf(prefix) + prefix.length);
  return fieldErrors(file, list.split('; ').map((part) => {
    const at = part.indexOf(': ');
    return at < 0 ? { field: 'entry', message: part }
      : { field: part.slice(0, at), message: part.slice(at + 2) };
  }));
}

function publishCommand(): Command {
  return withSigner(new Command('publish').argument('<entry.json>', 'the entry\'s metadata')
    .description('submit a new version of a catalog entry for the data authority\'s review; ' +
      'invalid fields are listed one per line and nothing is sent'),
  'a staff member or admin of the providing agency')
    .action(run(async (file: string, flags: SignerFlags) => {
      const entry = fromJsonValue(readJson(file));
      const client = new ZhengwuClient({ url: flags.node });
      const errors = toJsonValue(await client.query(catalogContract, 'validate', { entry })) as
        unknown as FieldError[];
      if (errors.length > 0) throw fieldErrors(file, errors);
      const done = await call(flags, catalogContract, 'publish', { entry })
        .catch((error: unknown) => { throw splitEntryError(file, error); });
      const result = done.result as { code: string; version: number };
      output(flags, done, () => `submitted ${result.code} version ${result.version} for review ` +
        `(tx ${done.tx}, block ${done.height})`);
    }));
}

function reviewCommand(): Command {
  return withSigner(new Command('review').argument('<code>', 'resource code')
    .description('approve (publish) or reject a version awaiting review')
    .requiredOption('--version <n>', 'the version under review')
    .option('--approve', 'publish the version')
    .option('--reject', 'reject the version (needs --reason)')
    .option('--reason <text>', 'why; required to reject'),
  'a data-authority member of the data authority agency')
    .action(run(async (code: string, flags: SignerFlags & { version: string;
      approve?: boolean; reject?: boolean; reason?: string }) => {
      const approve = either(flags.approve, flags.reject, '--approve and --reject');
      if (!approve && flags.reason === undefined) throw invalid('--reject needs --reason');
      const version = nonNegative(flags.version, '--version') ?? 0;
      const done = await call(flags, catalogContract, 'review', { code, version, approve,
        ...(flags.reason === undefined ? {} : { reason: flags.reason }) });
      output(flags, done, () => `${approve ? 'published' : 'rejected'} ${code} version ` +
        `${version} (tx ${done.tx}, block ${done.height})`);
    }));
}

function disableCommand(): Command {
  return withSigner(new Command('disable').argument('<code>', 'resource code')
    .description('take a published entry out of service')
    .requiredOption('--reason <text>', 'why the entry is disabled'),
  'a staff member of the provider, or the data authority')
    .action(run(async (code: string, flags: SignerFlags & { reason: string }) => {
      const done = await call(flags, catalogContract, 'disable', { code, reason: flags.reason });
      output(flags, done, () => `disabled ${code} (tx ${done.tx}, block ${done.height})`);
    }));
}

export function catalogCommand(): Command {
  return new Command('catalog')
    .description('the data catalog (政务信息资源目录): duties, entries, review, search')
    .addCommand(searchCommand()).addCommand(showCommand()).addCommand(dutyCommand())
    .addCommand(dutiesCommand()).addCommand(publishCommand()).addCommand(reviewCommand())
    .addCommand(disableCommand());
}
