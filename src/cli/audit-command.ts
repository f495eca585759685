// `zw usage` (the citizen's access log) and `zw audit` (receipts, evidence bundles and their
// offline verification). Reading a usage log takes a proof (ADR 0013): the citizen signs with
// the key their credential names (`zw citizen key`, `zw citizen issue`), an auditor with their
// data-authority member key. Nobody derives a subject id on their own machine any more.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError } from '../core/index.js';
import {
  Account, ZhengwuClient, credentialSubject, evidenceBundle, getSuite, openKeystore,
  readCredentialFile, receipts, trustFromGenesis, usage, verifyEvidenceBundle,
} from '../sdk/index.js';
import type { AccessReceiptView, EvidenceBundle, UsageItem } from '../sdk/index.js';
import { output, readPassphrase, run } from './io.js';

const defaultNode = process.env.ZW_NODE ?? 'http://127.0.0.1:7701';

interface PageFlags {
  readonly node: string;
  readonly after?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

function positiveInteger(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${what}: a non-negative integer`);
  }
  return parsed;
}

/** Block times are shown in Beijing time, as the sharing rules count days. */
function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
}

function usageLine(item: UsageItem): string {
  return item.covert
    ? `  ${item.id}  covert access, disclosed from height ${item.disclosureHeight}`
    : `  ${beijingTime(item.time)}  ${item.agency}  ${item.system}  ${item.purpose}  ` +
      `(${item.entry}: ${item.items.join(', ')}; ${item.outcome})`;
}

function receiptLine(receipt: AccessReceiptView): string {
  return `  ${receipt.id}  ${receipt.requester} <- ${receipt.provider}  ${receipt.entry}  ` +
    `${receipt.purpose ?? '(purpose withheld)'}  ${receipt.outcome}` +
    (receipt.disclosureHeight === null ? '' : ` (covert until ${receipt.disclosureHeight})`);
}

function more(next: string | null): string[] {
  return next === null ? [] : [`  more: --after ${next}`];
}

interface UsageFlags extends PageFlags {
  readonly key: string;
  readonly passphraseFile?: string;
  readonly credential?: string;
}

export function usageCommand(): Command {
  return new Command('usage').argument('[subject]', 'pseudonymous subject id (64 hex); ' +
    'default: the one the credential names')
    .description('list every access to records about a person, newest first')
    .requiredOption('--key <keystore>', 'your citizen key, or an auditor\'s member keystore')
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .option('--credential <file>', 'your subject credential (from `zw citizen issue`); ' +
      'without it the key must be a data-authority member\'s')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--after <receiptId>', 'continue after this receipt')
    .option('--limit <n>', 'accesses per page (1-100)')
    .option('--json', 'machine-readable output')
    .action(run(async (given: string | undefined, flags: UsageFlags) => {
      const credential = flags.credential === undefined ? null
        : readCredentialFile(JSON.parse(readFileSync(flags.credential, 'utf8')));
      const subject = given ?? (credential === null ? undefined : credentialSubject(credential));
      if (subject === undefined) {
        throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'give a subject id or --credential');
      }
      const client = new ZhengwuClient({ url: flags.node });
      const suite = getSuite((await client.status()).suite);
      const key = openKeystore(readFileSync(flags.key, 'utf8'),
        await readPassphrase(flags, flags.key));
      const page = await usage(client, subject, { suite, key, credential },
        { ...pageOptions(flags) });
      output(flags, page, () => [`accesses to records about ${subject} (height ${page.height}):`,
        ...(page.items.length === 0 ? ['  none'] : page.items.map(usageLine)),
        ...more(page.next)].join('\n'));
    }));
}

function pageOptions(flags: PageFlags): { after?: string; limit?: number } {
  const limit = positiveInteger(flags.limit, '--limit');
  return { ...(flags.after === undefined ? {} : { after: flags.after }),
    ...(limit === undefined ? {} : { limit }) };
}

interface ReaderFlags {
  readonly node: string;
  readonly key?: string;
  readonly passphraseFile?: string;
}

/**
 * The member who reads receipts' personal fields (ADR 0010): an auditor, the data authority, or
 * a member of the receipt's requesting or providing agency; none without --key.
 */
async function readerOf(flags: ReaderFlags, client: ZhengwuClient): Promise<Account | undefined> {
  if (flags.key === undefined) return undefined;
  const key = openKeystore(readFileSync(flags.key, 'utf8'),
    await readPassphrase(flags, flags.key));
  return new Account(getSuite((await client.status()).suite), key, client);
}

const readerKeyHelp = 'member keystore: shows purposes and subjects to an auditor or a party';

function receiptsCommand(): Command {
  return new Command('receipts').description('access receipts, oldest first, filtered')
    .option('--key <keystore>', readerKeyHelp)
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .option('--requester <agency>', 'requesting agency id')
    .option('--provider <agency>', 'providing agency id')
    .option('--entry <code>', 'catalog entry resource code')
    .option('--from <ms>', 'block time from (ms, inclusive)')
    .option('--to <ms>', 'block time to (ms, exclusive)')
    .option('--purpose <text>', 'purpose contains this text')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--after <receiptId>', 'continue after this receipt')
    .option('--limit <n>', 'receipts per page (1-100)')
    .option('--json', 'machine-readable output')
    .action(run(async (flags: PageFlags & ReaderFlags & { requester?: string;
      provider?: string; entry?: string; from?: string; to?: string; purpose?: string }) => {
      const from = positiveInteger(flags.from, '--from');
      const to = positiveInteger(flags.to, '--to');
      const client = new ZhengwuClient({ url: flags.node });
      const page = await receipts(client, {
        ...pageOptions(flags),
        ...(flags.requester === undefined ? {} : { requester: flags.requester }),
        ...(flags.provider === undefined ? {} : { provider: flags.provider }),
        ...(flags.entry === undefined ? {} : { entry: flags.entry }),
        ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
        ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
      await readerOf(flags, client));
      output(flags, page, () => [...(page.items.length === 0 ? ['  none']
        : page.items.map(receiptLine)), ...more(page.next)].join('\n'));
    }));
}

function evidenceCommand(): Command {
  return new Command('evidence').argument('<receiptId>', 'access receipt id')
    .description('export a receipt\'s evidence bundle (receipt, proof, signed header)')
    .requiredOption('--out <file>', 'bundle file to write')
    .option('--key <keystore>', `${readerKeyHelp}; the bundle then proves them too`)
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--json', 'machine-readable output')
    .action(run(async (id: string, flags: ReaderFlags & { out: string; json?: boolean }) => {
      const client = new ZhengwuClient({ url: flags.node });
      const bundle = await evidenceBundle(client, id, await readerOf(flags, client));
      writeFileSync(flags.out, `${JSON.stringify(bundle, null, 2)}\n`);
      output(flags, { receiptId: id, height: bundle.height, file: flags.out },
        () => `evidence for receipt ${id} (state of height ${bundle.height}) written to ` +
          `${flags.out}`);
    }));
}

function verifyCommand(): Command {
  return new Command('verify').argument('<bundle>', 'evidence bundle file')
    .description('verify an evidence bundle offline against a trusted genesis file')
    .addOption(new Option('--genesis <file>', 'trusted genesis.json').makeOptionMandatory())
    .option('--json', 'machine-readable output')
    .action(run((file: string, flags: { genesis: string; json?: boolean }) => {
      const trust = trustFromGenesis(JSON.parse(readFileSync(flags.genesis, 'utf8')));
      const bundle = JSON.parse(readFileSync(file, 'utf8')) as EvidenceBundle;
      const verified = verifyEvidenceBundle(bundle, trust);
      const receipt = verified.receipt;
      const purpose = verified.personal?.purpose ?? '(purpose withheld)';
      output(flags, { verified: true, receipt, personal: verified.personal,
        height: verified.height, signedBy: verified.validatorCount },
      () => [`verified: receipt ${String(receipt.id)} is in the state of height ` +
        `${verified.height}, signed by more than 2/3 of a ${verified.validatorCount}-validator ` +
        'set followed from the genesis file',
      `  ${String(receipt.requester)} <- ${String(receipt.provider)}  ` +
        `${String(receipt.entry)}  ${String(purpose)}  ${String(receipt.outcome)}`,
      ].join('\n'));
    }));
}

export function auditCommand(): Command {
  return new Command('audit').description('audit data sharing: receipts and evidence')
    .addCommand(receiptsCommand()).addCommand(evidenceCommand()).addCommand(verifyCommand());
}
