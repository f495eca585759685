// `zw usage` (the citizen's access log) and `zw audit` (receipts, evidence bundles and their
// offline verification). A national id never leaves the machine: the subject id is derived here
// with the chain id the node reports, and only the pseudonymous id is sent.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ErrorCode, ZwError } from '../core/index.js';
import {
  ZhengwuClient, deriveSubjectId, evidenceBundle, receipts, trustFromGenesis, usage,
  verifyEvidenceBundle,
} from '../sdk/index.js';
import type { AccessReceiptView, EvidenceBundle, UsageItem } from '../sdk/index.js';
import { output, run } from './io.js';

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
    `${receipt.purpose}  ${receipt.outcome}` +
    (receipt.disclosureHeight === null ? '' : ` (covert until ${receipt.disclosureHeight})`);
}

function more(next: string | null): string[] {
  return next === null ? [] : [`  more: --after ${next}`];
}

export function usageCommand(): Command {
  return new Command('usage').argument('[subject]', 'pseudonymous subject id (64 hex)')
    .description('list every access to records about a person, newest first')
    .option('--national-id <id>', 'derive the subject id from a personal id, locally')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--after <receiptId>', 'continue after this receipt')
    .option('--limit <n>', 'accesses per page (1-100)')
    .option('--json', 'machine-readable output')
    .action(run(async (given: string | undefined, flags: PageFlags & { nationalId?: string }) => {
      if ((given === undefined) === (flags.nationalId === undefined)) {
        throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'give a subject id or --national-id');
      }
      const client = new ZhengwuClient({ url: flags.node });
      const subject = given ?? deriveSubjectId(flags.nationalId ?? '',
        (await client.status()).chainId);
      const page = await usage(client, subject, { ...pageOptions(flags) });
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

function receiptsCommand(): Command {
  return new Command('receipts').description('access receipts, oldest first, filtered')
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
    .action(run(async (flags: PageFlags & { requester?: string; provider?: string;
      entry?: string; from?: string; to?: string; purpose?: string }) => {
      const from = positiveInteger(flags.from, '--from');
      const to = positiveInteger(flags.to, '--to');
      const page = await receipts(new ZhengwuClient({ url: flags.node }), {
        ...pageOptions(flags),
        ...(flags.requester === undefined ? {} : { requester: flags.requester }),
        ...(flags.provider === undefined ? {} : { provider: flags.provider }),
        ...(flags.entry === undefined ? {} : { entry: flags.entry }),
        ...(flags.purpose === undefined ? {} : { purpose: flags.purpose }),
        ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
      output(flags, page, () => [...(page.items.length === 0 ? ['  none']
        : page.items.map(receiptLine)), ...more(page.next)].join('\n'));
    }));
}

function evidenceCommand(): Command {
  return new Command('evidence').argument('<receiptId>', 'access receipt id')
    .description('export a receipt\'s evidence bundle (receipt, proof, signed header)')
    .requiredOption('--out <file>', 'bundle file to write')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--json', 'machine-readable output')
    .action(run(async (id: string, flags: { node: string; out: string; json?: boolean }) => {
      const bundle = await evidenceBundle(new ZhengwuClient({ url: flags.node }), id);
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
      output(flags, { verified: true, receipt, height: verified.height,
        signedBy: verified.validatorCount },
      () => [`verified: receipt ${String(receipt.id)} is in the state of height ` +
        `${verified.height}, signed by more than 2/3 of a ${verified.validatorCount}-validator ` +
        'set followed from the genesis file',
      `  ${String(receipt.requester)} <- ${String(receipt.provider)}  ` +
        `${String(receipt.entry)}  ${String(receipt.purpose)}  ${String(receipt.outcome)}`,
      ].join('\n'));
    }));
}

export function auditCommand(): Command {
  return new Command('audit').description('audit data sharing: receipts and evidence')
    .addCommand(receiptsCommand()).addCommand(evidenceCommand()).addCommand(verifyCommand());
}
