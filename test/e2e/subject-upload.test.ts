// Issue 12, point 3: an upload of 2,500 records named by personal ids used to hold the
// provider's event loop for ~72 s (a synchronous scrypt per id), so its validator stopped
// voting and the network, which needs both of its two validators, stopped committing. Now the
// ids are derived through the subject-key committee (both agencies' nodes) in bounded batches
// on worker threads (ADR 0013): on two real node processes, while the upload runs, transactions
// keep committing on the provider's node and every status request is answered. The longest
// gap between answers is printed for bench/ (not asserted: tests assert behaviour, not timing).
import { afterAll, describe, expect, it } from 'vitest';
import type { CborValue } from '../../src/core/index.js';
import { getSuite } from '../../src/crypto/index.js';
import {
  Account, deriveSubjects, notarize, receiptResult, uploadDataset,
} from '../../src/sdk/index.js';
import type { ZhengwuClient } from '../../src/sdk/index.js';
import { adminAccount, startNetwork } from '../helpers/network.js';
import type { RunningNetwork } from '../helpers/network.js';

const registry = '301001001/000001';
const records = 2_500;
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** Well-formed resident ids (GB 11643 check digit): region 110105, born 1980-01-01 on. */
function residentId(index: number): string {
  const day = String(1 + (index % 28)).padStart(2, '0');
  const first17 = `1101051980${String(1 + Math.floor(index / 28 / 999) % 12)
    .padStart(2, '0')}${day}${String(index % 999).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (weights[i] as number);
  return first17 + ('10X98765432'[sum % 11] as string);
}

function entry(): Record<string, CborValue> {
  return {
    code: registry, name: '企业登记信息', providerCode: '11110000000000001M',
    abstract: 'Enterprises registered in Beijing.', format: 'database',
    items: [{ name: 'name', type: 'string', personal: false, sensitive: false }],
    sharingType: 'UNCONDITIONAL', legalBasis: '', conditions: '', method: 'api',
    open: 'open', updateCycle: 'daily', related: [], grade: 'general',
    duties: ['market-registration'], schemaHash: 'ab'.repeat(32),
  };
}

async function ok(account: Account, contract: string, method: string, args: CborValue):
  Promise<CborValue> {
  return receiptResult(await account.sendAndWait(contract, method, args));
}

describe('a large upload with personal ids', () => {
  let network: RunningNetwork | undefined;
  afterAll(async () => { await network?.stop(); });

  it('leaves the provider signing blocks and answering while it derives 2,500 ids',
    async () => {
      network = await startNetwork('intl', 2, { dataAuthority: 'tax' });
      const [market, tax] = network.clients as [ZhengwuClient, ZhengwuClient];
      const { dir } = network;
      const suite = getSuite('intl');
      while ((await market.status()).height < 1) await new Promise((r) => setTimeout(r, 200));
      const member = async (slug: string, client: ZhengwuClient, roles: string[]):
        Promise<Account> => {
        const key = suite.generateKeyPair();
        await ok(adminAccount(dir, slug, client), 'identity', 'registerMember',
          { publicKey: key.publicKey, roles });
        return new Account(suite, key, client);
      };
      const staff = await member('market', market, ['staff']);
      const system = await member('market', market, ['exchange']);
      const authority = await member('tax', tax, ['data-authority', 'staff']);
      await ok(staff, 'catalog', 'registerDuty', { code: 'market-registration',
        name: '市场主体登记注册', legalBasis: '《市场主体登记管理条例》' });
      const submitted = await ok(staff, 'catalog', 'publish', { entry: entry() }) as
        { version: number };
      await ok(authority, 'catalog', 'review', { code: registry, version: submitted.version,
        approve: true });

      const ids = Array.from({ length: records }, (_, i) => residentId(i));
      expect(new Set(ids).size).toBe(records);
      let done = false;
      const started = Date.now();
      const upload = uploadDataset(system, { entry: registry, records: ids.map((id, i) => ({
        subject: id, data: { name: `company ${i}` } })) }).finally(() => { done = true; });

      // Meanwhile: the provider's node answers status, and transactions through it commit.
      const notary = adminAccount(dir, 'market', market);
      const heights: number[] = [];
      let committed = 0;
      let failed = 0;
      let longestGapMs = 0;
      const poll = (async () => {
        let last = Date.now();
        while (!done) {
          try {
            heights.push((await market.status()).height);
          } catch {
            failed += 1;
          }
          longestGapMs = Math.max(longestGapMs, Date.now() - last);
          last = Date.now();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const load = (async () => {
        for (let i = 0; !done && i < 1_000; i++) {
          await notarize(notary, suite.hash(new TextEncoder().encode(`during upload ${i}`)));
          if (!done) committed += 1;
        }
      })();
      const stored = await upload;
      await Promise.all([poll, load]);
      const seconds = (Date.now() - started) / 1_000;
      console.log(`upload of ${records} personal ids: ${seconds.toFixed(1)} s, ` +
        `${committed} transactions committed meanwhile, heights ${heights[0]}..${heights.at(-1)}, ` +
        `longest gap between status answers ${longestGapMs} ms`);
      expect(stored).toMatchObject({ entry: registry, version: 1, records });
      expect(failed).toBe(0);
      expect(committed).toBeGreaterThanOrEqual(3);
      expect((heights.at(-1) ?? 0) - (heights[0] ?? 0)).toBeGreaterThanOrEqual(3);
      // The stored subject ids are the committee's: the tax node derives the same for a member.
      const [first] = await deriveSubjects(authority, [ids[0] as string]);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
    }, 240_000);
});
