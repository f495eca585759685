// A one-agency in-process node whose genesis catalog and sharing contracts hold a published
// entry and access receipts (one open, one covert until a far height), for the data-sharing API
// and SDK tests. Not a test file itself. A receipt carries the requester's signed fetch request
// (ADR 0010); with one agency, its officer asks for its own data and its node role records it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ZwError } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import {
  Account, ZhengwuClient, evidenceBundle, getSuite, identityCall, openKeystore, receiptResult,
} from '../../src/sdk/index.js';
import type { EvidenceBundle, KeyPair } from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';

export const taxAgency = 'CN-BJ/GOV/11110000000000002T/tax';
export const entryCode = '301001001/000001';
export const subject = 'a1'.repeat(32);
export const coverSubject = 'b2'.repeat(32);

export interface DataNode {
  readonly running: InProcessNode;
  readonly client: ZhengwuClient;
  readonly agency: string;
  /**
   * An officer of the agency with staff, data-authority, operator and covert-access roles: it
   * signs the fetch requests and records the receipts.
   */
  readonly officer: Account;
  /** The officer's key: an auditor's usage reader (ADR 0013). */
  readonly officerKey: KeyPair;
  /** Receipt ids: an open access and a covert one, both about `subject`. */
  readonly openReceipt: string;
  readonly covertReceipt: string;
}

async function call(account: Account, contract: string, method: string, args: CborValue):
  Promise<CborValue> {
  return receiptResult(await account.sendAndWait(contract, method, args,
    { gasLimit: 5_000_000 }));
}

function entry(agencyCode: string): CborValue {
  return { code: entryCode, name: '企业登记信息', providerCode: agencyCode,
    abstract: 'Registered enterprises: name, credit code, legal representative.',
    format: 'database', items: [
      { name: 'name', type: 'string', personal: false, sensitive: false },
      { name: 'creditCode', type: 'string', personal: false, sensitive: false },
      { name: 'legalRepresentative', type: 'string', personal: true, sensitive: false }],
    sharingType: 'CONDITIONAL', legalBasis: '《企业信息公示暂行条例》',
    conditions: 'for tax registration only', method: 'api', open: 'conditional-open',
    updateCycle: 'daily', related: [], grade: 'important', duties: ['market-registration'],
    schemaHash: 'ab'.repeat(32) };
}

async function access(officer: Account, purpose: string, subjects: string[],
  disclosureHeight: number | null): Promise<CborValue> {
  const request = await officer.exchangeRequest('fetch', { officialId: 'T-0042',
    caseNumber: '2026-0001', system: 'tax-registration', purpose, entry: entryCode,
    items: ['name', 'creditCode'], subjects, ...(disclosureHeight === null ? {}
      : { covert: { legalBasis: '《刑事诉讼法》第一百五十条', disclosureHeight } }) });
  return { request, subjects, responseHash: 'ef'.repeat(32), outcome: 'served' };
}

const officerRoles = ['staff', 'data-authority', 'operator', 'covert-access'];

export async function startDataNode(): Promise<DataNode> {
  const running = await startInProcessNode('intl');
  const client = new ZhengwuClient({ url: running.url });
  const suite = getSuite('intl');
  const status = await client.status();
  const admin = new Account(suite, openKeystore(readFileSync(join(running.dir, 'admins',
    'market.key'), 'utf8'), running.passphrase), client);
  const key = suite.generateKeyPair();
  await call(admin, 'identity', 'registerMember', { publicKey: key.publicKey,
    roles: officerRoles });
  const officer = new Account(suite, key, client);
  await call(officer, 'catalog', 'registerDuty', { code: 'market-registration',
    name: '市场主体登记', legalBasis: '《市场主体登记管理条例》' });
  const agencyCode = status.agency.split('/')[2] ?? '';
  await call(officer, 'catalog', 'publish', { entry: entry(agencyCode) });
  await call(officer, 'catalog', 'review', { code: entryCode, version: 1, approve: true });
  const openReceipt = await call(officer, 'sharing', 'recordAccess',
    await access(officer, 'tax registration check', [subject], null));
  const covertReceipt = await call(officer, 'sharing', 'recordAccess',
    await access(officer, 'investigation', [subject, coverSubject], 1_000_000));
  if (typeof openReceipt !== 'string' || typeof covertReceipt !== 'string') {
    throw new ZwError(ErrorCode.INTERNAL, 'recordAccess returned no receipt id');
  }
  // One more block, so the next header signs the receipts' state.
  await identityCall(admin, 'setRoles', { address: suite.address(key.publicKey),
    roles: officerRoles });
  return { running, client, agency: status.agency, officer, officerKey: key, openReceipt,
    covertReceipt };
}

/** Fetches a bundle, retrying while the receipt's block is not yet signed by a later one. */
export async function provableBundle(client: ZhengwuClient, id: string,
  reader?: Account): Promise<EvidenceBundle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await evidenceBundle(client, id, reader);
    } catch (error) {
      if (!(error instanceof ZwError) || error.code !== ErrorCode.HEIGHT_UNAVAILABLE ||
        attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
