// The data exchange's two sides over a real in-process chain (LocalChain: real executeBlock, the
// real catalog and sharing contracts) with an in-memory transport between the agencies' nodes.
// The happy path, and every way a request or an answer can be wrong: bad signature, other
// chain, expired, replayed, forwarded by another agency's node, outside the grant, a tampered
// answer, a provider that records one hash and sends other data, too many persons in a page.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ZwError, decode, encode, encodeExchangeRequest, exchangeRequestSignBytes, toHex,
} from '../../src/core/index.js';
import type { CborValue, ExchangeAction } from '../../src/core/index.js';
import { generateOprfKey, randomBytes } from '../../src/crypto/index.js';
import type { KeyPair } from '../../src/crypto/index.js';
import { ExchangeService, encodePayload } from '../../src/exchange/index.js';
import type { ExchangeHost, ExchangeIdentity, ExchangePeer } from '../../src/exchange/index.js';
import type { DataRequestMessage, DataResponseMessage } from '../../src/network/index.js';
import {
  LocalChain, buildContractSync, contractEntry, contractsRoot, loadVm,
} from '../../src/node/index.js';
import { SubjectService } from '../../src/node/subject-service.js';
import { DatasetStore } from '../../src/storage/index.js';

const market = 'CN-BJ/GOV/11110000000000001M/market';
const tax = 'CN-BJ/GOV/11110000000000002T/tax';
const police = 'CN-BJ/GOV/11110000000000003P/police';
const authorityAgency = 'CN-BJ/GOV/11110000000000007D/data';
const registry = '301001001/000001';
const chainId = 'zw-local-test';

type Message = DataRequestMessage | DataResponseMessage;

/** One agency's node: its exchange service over the shared chain, and its member keys. */
interface Node {
  readonly agency: string;
  readonly address: string;
  readonly key: KeyPair;
  readonly service: ExchangeService;
  readonly store: DatasetStore;
  /** Rewrites this node's outgoing messages (a man in the middle), when set. */
  tamper?: (message: Message) => Message;
}

let chain: LocalChain;
const dir = mkdtempSync(join(tmpdir(), 'zw-exchange-'));
const identities = new Map<string, ExchangeIdentity>();
const nodes = new Map<string, Node>();
/** A one-agency subject-key committee (ADR 0013), run inline: the real derivation. */
const subjectKey = generateOprfKey();
let subjects: SubjectService;

function subjectOf(personalId: string): Promise<string> {
  return subjects.derive([personalId]).then((ids) => ids[0] as string);
}

function member(agency: string, roles: string[]): KeyPair {
  const key = chain.account();
  chain.identify(key, { agency, roles });
  identities.set(chain.address(key), { agency, roles });
  return key;
}

function ok(key: KeyPair, contract: string, method: string, args: CborValue): CborValue {
  const receipt = chain.call(key, contract, method, args);
  if (receipt.status !== 'ok') throw new Error(`${method}: ${receipt.status} ${receipt.error}`);
  return receipt.result;
}

/** Node hooks whose behaviour a test may bend (e.g. a provider that lies about its hash). */
const recordHook: { rewrite?: (args: Record<string, CborValue>) => Record<string, CborValue> } =
  {};

function startNode(agency: string): Node {
  const key = member(agency, ['node', 'exchange']);
  const store = new DatasetStore(join(dir, `${agency.split('/').pop() ?? 'x'}.db`));
  const address = chain.address(key);
  const host: ExchangeHost = {
    chainId, suite: chain.suite, agency, nodeKey: key, datasets: store,
    height: () => chain.height,
    query: (contract, method, args) => chain.query(contract, method, args),
    identify: (who) => identities.get(toHex(who)) ?? null,
    submit: async (contract, method, args) => {
      const bent = method === 'recordAccess' && recordHook.rewrite !== undefined
        ? recordHook.rewrite(args as Record<string, CborValue>) : args;
      const receipt = chain.call(key, contract, method, bent);
      return { txHash: receipt.txHash, status: receipt.status, error: receipt.error,
        result: receipt.result };
    },
    peersOf: (wanted) => [...nodes.values()].filter((node) => node.agency === wanted)
      .map((node): ExchangePeer => ({ address: node.address, agency: node.agency })),
    send: (peer, message) => {
      const target = [...nodes.values()].find((node) => node.address === peer);
      const self = nodes.get(agency);
      const sent = self?.tamper === undefined ? message : self.tamper(message);
      setImmediate(() => target?.service.onMessage({ address, agency }, sent));
    },
    deriveSubjects: (ids, progress) => subjects.derive(ids, progress),
    log: () => undefined,
  };
  const node: Node = { agency, address, key,
    service: new ExchangeService(host, { answerMs: 5_000, receiptMs: 1_000 }), store };
  nodes.set(agency, node);
  return node;
}

let marketNode: Node;
let taxNode: Node;
let marketStaff: KeyPair;
let marketSystem: KeyPair;
let taxStaff: KeyPair;
let policeStaff: KeyPair;
let authority: KeyPair;

function signed(key: KeyPair, action: ExchangeAction, body: CborValue,
  overrides: { chainId?: string; expiryHeight?: number } = {}): Uint8Array {
  const request = { chainId: overrides.chainId ?? chainId, action, signer: key.publicKey,
    expiryHeight: overrides.expiryHeight ?? chain.height + 20, nonce: randomBytes(16), body };
  return encodeExchangeRequest({ ...request,
    signature: chain.suite.sign(key.privateKey, exchangeRequestSignBytes(request)) });
}

const citizen = '11010519491231002X';
const fetchBody = (overrides: Record<string, CborValue> = {}): CborValue => ({
  entry: registry, items: ['name', 'creditCode'], purpose: 'tax registration check',
  caseNumber: 'TAX-1', officialId: 'TAX-0042', system: 'golden-tax', ...overrides });

async function refusal(attempt: Promise<unknown> | (() => unknown)): Promise<ZwError> {
  const error = await Promise.resolve().then(() => typeof attempt === 'function' ? attempt()
    : attempt).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ZwError);
  return error as ZwError;
}

function receiptsOnChain(): Record<string, CborValue>[] {
  const page = chain.query('sharing', 'receipts', { entry: registry, limit: 100 }) as
    { items: Record<string, CborValue>[] };
  return page.items;
}

beforeAll(async () => {
  chain = new LocalChain(await loadVm());
  subjects = new SubjectService({ suite: chain.suite, chainId, agency: market,
    committee: { keys: [{ agency: market, publicKey: subjectKey.publicKey }],
      credentialIssuers: [] }, key: subjectKey, threads: 0 }, {
    height: () => chain.height, identify: () => null, authorityAgency: () => null,
    peersOf: () => [], send: () => undefined, log: () => undefined });
  const build = (name: string): string =>
    buildContractSync(contractEntry(join(contractsRoot, name))).code;
  expect(chain.deploy('catalog', build('catalog'), { authorityAgency }).status).toBe('ok');
  expect(chain.deploy('sharing', build('sharing'), { catalog: 'catalog' }).status).toBe('ok');
  marketNode = startNode(market);
  taxNode = startNode(tax);
  startNode(police);
  marketStaff = member(market, ['staff']);
  marketSystem = member(market, ['exchange']);
  taxStaff = member(tax, ['staff']);
  policeStaff = member(police, ['staff']);
  authority = member(authorityAgency, ['data-authority', 'staff']);
  ok(marketStaff, 'catalog', 'registerDuty', { code: 'market-registration', name: '登记',
    legalBasis: '《市场主体登记管理条例》' });
  const entry = {
    code: registry, name: '企业登记信息', providerCode: '11110000000000001M',
    abstract: 'Registered enterprises.', format: 'database',
    items: ['name', 'creditCode', 'legalRepresentative'].map((name) => ({ name, type: 'string',
      personal: name === 'legalRepresentative', sensitive: false })),
    sharingType: 'UNCONDITIONAL', legalBasis: '', conditions: '', method: 'api',
    open: 'open', updateCycle: 'daily', related: [], grade: 'general',
    duties: ['market-registration'], schemaHash: 'ab'.repeat(32),
  };
  const submitted = ok(marketStaff, 'catalog', 'publish', { entry }) as { version: number };
  ok(authority, 'catalog', 'review', { code: registry, version: submitted.version,
    approve: true });
  ok(taxStaff, 'sharing', 'request', { entry: registry, items: ['name', 'creditCode'],
    purpose: 'tax registration check', scenario: 'registration', legalBasis: 'law',
    validUntil: chain.height + 10_000 });
});

afterAll(() => {
  for (const node of nodes.values()) node.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('uploads', () => {
  it('stores a member-signed dataset encrypted at rest, with derived subject ids', async () => {
    const result = await marketNode.service.upload(signed(marketSystem, 'upload', { entry: registry,
      records: [
        { subject: citizen, data: { name: '示例科技有限公司', creditCode: '91110108MA01ABCD1X',
          legalRepresentative: '张三' } },
        { data: { name: '另一家公司', creditCode: '91110105MA02EFGH2Y' } },
      ] }));
    expect(result).toMatchObject({ entry: registry, version: 1, records: 2 });
    // Its hash and size are on chain; the records are not.
    expect(chain.query('sharing', 'dataset', { entry: registry })).toMatchObject({ version: 1,
      records: 2, hash: result.hash, by: marketNode.address });
    const rows = marketNode.store.records(registry, { offset: 0, limit: 10 });
    expect(rows.map((row) => row.subject)).toEqual([await subjectOf(citizen), null]);
    // Neither the names nor the personal id are anywhere in the provider's files.
    for (const file of readdirSync(dir).filter((name) => name.startsWith('market'))) {
      const raw = readFileSync(join(dir, file));
      for (const secret of ['示例科技有限公司', '张三', citizen, '91110108MA01ABCD1X']) {
        expect(raw.includes(Buffer.from(secret))).toBe(false);
      }
    }
  });

  it('refuses uploads by other agencies, by staff without the role, and with unknown items',
    async () => {
      const records = [{ data: { name: 'x' } }];
      expect((await refusal(() => marketNode.service.upload(signed(taxStaff, 'upload',
        { entry: registry, records })))).code).toBe('UNAUTHORIZED');
      expect((await refusal(() => marketNode.service.upload(signed(marketStaff, 'upload',
        { entry: registry, records })))).code).toBe('UNAUTHORIZED');
      const unknown = await refusal(() => marketNode.service.upload(signed(marketSystem,
        'upload', { entry: registry, records: [{ data: { salary: 1 } }] })));
      expect(unknown.code).toBe('BAD_ARGUMENTS');
      expect(unknown.message).toContain('records[0].data: salary');
      expect(marketNode.store.dataset(registry)?.version).toBe(1);
    });
});

describe('fetches', () => {
  it('serves the granted items, recorded and acknowledged on chain', async () => {
    const subject = await subjectOf(citizen);
    const request = signed(taxStaff, 'fetch', fetchBody({ subjects: [subject] }));
    const result = await taxNode.service.fetch(request);
    expect(result.payload.records).toEqual([{ subject,
      data: { name: '示例科技有限公司', creditCode: '91110108MA01ABCD1X' } }]);
    expect(result.responseHash).toBe(toHex(chain.suite.hash(encodePayload(result.payload))));
    expect(result.acknowledged).toBe(true);
    const receipt = chain.query('sharing', 'receipt', { id: result.receiptId }) as
      Record<string, CborValue>;
    expect(receipt).toMatchObject({ outcome: 'served', requester: tax, provider: market,
      requestHash: toHex(chain.suite.hash(request)), responseHash: result.responseHash,
      subjectCount: 1, requesterMember: chain.address(taxStaff), recordedBy: marketNode.address,
      acknowledged: { by: taxNode.address, matches: true } });
  });

  it('keeps a covert access from the person until its disclosure height, never omitting it',
    async () => {
      const subject = await subjectOf(citizen);
      const disclosureHeight = chain.height + 50;
      // A covert access needs the covert-access role, which tax grants its investigator.
      const investigator = member(tax, ['staff', 'covert-access']);
      const covert = await taxNode.service.fetch(signed(investigator, 'fetch',
        fetchBody({ subjects: [subject], covert: { legalBasis: '《税收征收管理法》第五十四条',
          disclosureHeight } })));
      const view = (): CborValue[] => (chain.query('sharing', 'usage', { subject }) as
        { items: CborValue[] }).items;
      expect(view()[0]).toEqual({ id: covert.receiptId, covert: true,
        disclosedAfterHeight: disclosureHeight });
      while (chain.height < disclosureHeight) chain.block([]);
      expect(view()[0]).toMatchObject({ id: covert.receiptId, covert: false, agency: tax,
        system: 'golden-tax' });
    });

  it('refuses an item outside the grant, and records the refusal', async () => {
    const before = receiptsOnChain().length;
    const error = await refusal(taxNode.service.fetch(signed(taxStaff, 'fetch',
      fetchBody({ items: ['name', 'legalRepresentative'] }))));
    expect(error.code).toBe('ACCESS_REFUSED');
    const receipts = receiptsOnChain();
    expect(receipts).toHaveLength(before + 1);
    expect(receipts.at(-1)).toMatchObject({ id: error.details?.receiptId, outcome: 'refused',
      responseHash: null });
  });

  it('refuses an agency without a grant', async () => {
    const error = await refusal(nodes.get(police)?.service.fetch(signed(policeStaff, 'fetch',
      fetchBody())) ?? Promise.resolve());
    expect(error.code).toBe('ACCESS_REFUSED');
  });

  it('refuses bad signatures, other chains, expired requests and non-members before sending',
    async () => {
      const good = signed(taxStaff, 'fetch', fetchBody());
      const forged = good.slice();
      forged[forged.length - 5] = (forged[forged.length - 5] ?? 0) ^ 1;
      expect((await refusal(taxNode.service.fetch(forged))).code).toBe('BAD_SIGNATURE');
      expect((await refusal(taxNode.service.fetch(signed(taxStaff, 'fetch', fetchBody(),
        { chainId: 'another-chain' })))).code).toBe('WRONG_CHAIN');
      expect((await refusal(taxNode.service.fetch(signed(taxStaff, 'fetch', fetchBody(),
        { expiryHeight: chain.height })))).code).toBe('EXPIRED');
      expect((await refusal(taxNode.service.fetch(signed(chain.account(), 'fetch',
        fetchBody())))).code).toBe('UNAUTHORIZED');
      // A member of police cannot fetch through tax's node.
      expect((await refusal(taxNode.service.fetch(signed(policeStaff, 'fetch',
        fetchBody())))).code).toBe('UNAUTHORIZED');
      expect((await refusal(taxNode.service.fetch(signed(taxStaff, 'upload',
        fetchBody())))).code).toBe('INVALID_ARGUMENT');
    });

  it('refuses a replayed request and one forwarded by another agency\'s node', async () => {
    const before = receiptsOnChain().length;
    const request = signed(taxStaff, 'fetch', fetchBody());
    await taxNode.service.fetch(request);
    // The same signed request again: the provider acts on a request once.
    expect((await refusal(taxNode.service.fetch(request))).code).toBe('DUPLICATE');
    // Police's node forwards a tax member's request in its own name: refused, not recorded.
    const policeNode = nodes.get(police) as Node;
    const answer = await new Promise<CborValue>((resolve) => {
      const id = randomBytes(16);
      const original = policeNode.service.onMessage.bind(policeNode.service);
      policeNode.service.onMessage = (peer, message) => {
        if (message.type === 'data-response') resolve(decode(message.body));
        else original(peer, message);
      };
      marketNode.service.onMessage({ address: policeNode.address, agency: police },
        { type: 'data-request', id, request: signed(taxStaff, 'fetch', fetchBody()),
          encryptionKey: chain.suite.encryptionPublicKeyOf(
            chain.suite.encryptionKeyPair().privateKey) });
    });
    expect(answer).toEqual(['error', 'UNAUTHORIZED', expect.stringContaining('came from a node')]);
    expect(receiptsOnChain()).toHaveLength(before + 1);
  });

  it('tells a node with too many requests in flight to slow down', async () => {
    const answers: CborValue[] = [];
    const original = taxNode.service.onMessage.bind(taxNode.service);
    taxNode.service.onMessage = (peer, message) => {
      if (message.type === 'data-response') answers.push(decode(message.body));
      else original(peer, message);
    };
    try {
      const oneTime = chain.suite.encryptionKeyPair();
      for (let i = 0; i < 40; i++) {
        marketNode.service.onMessage({ address: taxNode.address, agency: tax },
          { type: 'data-request', id: randomBytes(16),
            request: signed(taxStaff, 'fetch', fetchBody({ caseNumber: `BURST-${i}` })),
            encryptionKey: chain.suite.encryptionPublicKeyOf(oneTime.privateKey) });
      }
      while (answers.length < 40) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      taxNode.service.onMessage = original;
    }
    const busy = answers.filter((answer) => Array.isArray(answer) && answer[1] === 'UNAVAILABLE');
    expect(busy).toHaveLength(8);
    expect(answers.filter((answer) => Array.isArray(answer) && answer[0] === 'served'))
      .toHaveLength(32);
  });

  it('fails closed on a tampered answer', async () => {
    marketNode.tamper = (message) => {
      if (message.type !== 'data-response') return message;
      const [kind, id, sealed] = decode(message.body) as [string, string, Uint8Array];
      const [wrapped, ciphertext] = decode(sealed) as [Uint8Array, Uint8Array];
      const flipped = ciphertext.slice();
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
      return { ...message, body: encode([kind, id, encode([wrapped, flipped])]) };
    };
    try {
      expect((await refusal(taxNode.service.fetch(signed(taxStaff, 'fetch', fetchBody()))))
        .code).toBe('MALFORMED');
    } finally {
      delete marketNode.tamper;
    }
  });

  it('catches a provider whose data does not match the hash it recorded', async () => {
    recordHook.rewrite = (args) => ({ ...args, responseHash: 'ee'.repeat(32) });
    try {
      const error = await refusal(taxNode.service.fetch(signed(taxStaff, 'fetch', fetchBody())));
      expect(error.code).toBe('HASH_MISMATCH');
      const receipt = chain.query('sharing', 'receipt', { id: error.details?.receiptId as string });
      expect(receipt).toMatchObject({ acknowledged: { matches: false } });
    } finally {
      delete recordHook.rewrite;
    }
  });

  // Issue 12, point 10: on a page by offset the request names no subjects, so only the records
  // received can contradict a provider that puts another person on the receipt.
  it('catches a provider that names persons it did not serve', async () => {
    const stranger = 'c4'.repeat(32);
    recordHook.rewrite = (args) => ({ ...args, subjects: [stranger] });
    try {
      const error = await refusal(taxNode.service.fetch(signed(taxStaff, 'fetch',
        fetchBody({ limit: 1 }))));
      expect(error.code).toBe('HASH_MISMATCH');
      expect(error.message).toMatch(/names other persons/);
      const receipt = chain.query('sharing', 'receipt', { id: error.details?.receiptId as string });
      expect(receipt).toMatchObject({ acknowledged: { matches: false } });
      const seen = chain.query('sharing', 'usage', { subject: stranger }) as
        { items: { disputed: boolean }[] };
      expect(seen.items.map((item) => item.disputed)).toEqual([true]);
    } finally {
      delete recordHook.rewrite;
    }
  });

  it('pages through a dataset and refuses a page that touches too many persons', async () => {
    await marketNode.service.upload(signed(marketSystem, 'upload', { entry: registry,
      records: Array.from({ length: 40 }, (_, i) => ({
        subject: `P${String(i).padStart(8, '0')}A`, data: { name: `company ${i}` } })) }));
    const page = await taxNode.service.fetch(signed(taxStaff, 'fetch',
      fetchBody({ offset: 5, limit: 10 })));
    expect(page.payload.records.map((record) => record.data.name))
      .toEqual(Array.from({ length: 10 }, (_, i) => `company ${i + 5}`));
    expect((await refusal(taxNode.service.fetch(signed(taxStaff, 'fetch',
      fetchBody({ limit: 40 }))))).code).toBe('BAD_ARGUMENTS');
  });
});

describe('deadlines', () => {
  it('the data authority\'s node escalates an overdue request without anyone touching it',
    async () => {
      const conditional = '301001003/000001';
      ok(marketStaff, 'catalog', 'publish', { entry: {
        code: conditional, name: '行政处罚信息', providerCode: '11110000000000001M',
        abstract: 'Administrative penalties.', format: 'database',
        items: [{ name: 'decision', type: 'string', personal: false, sensitive: true }],
        sharingType: 'CONDITIONAL', legalBasis: 'law', conditions: 'supervision only',
        method: 'api', open: 'not-open', updateCycle: 'daily', related: [], grade: 'general',
        duties: ['market-registration'], schemaHash: 'cd'.repeat(32) } });
      ok(authority, 'catalog', 'review', { code: conditional, version: 1, approve: true });
      const request = ok(taxStaff, 'sharing', 'request', { entry: conditional,
        items: ['decision'], purpose: 'supervision', scenario: 'audit', legalBasis: 'law',
        validUntil: chain.height + 1_000 }) as { id: string; status: string };
      expect(request.status).toBe('pending');
      const authorityNode = startNode(authorityAgency);
      // Nothing is due yet: no transaction.
      const before = chain.height;
      authorityNode.service.onBlock(chain.time, chain.height);
      await new Promise((resolve) => setImmediate(resolve));
      expect(chain.height).toBe(before);
      // Two weeks later the provider has not answered: the authority's node escalates.
      chain.time += 14 * 86_400_000;
      chain.block([]);
      taxNode.service.onBlock(chain.time, chain.height);
      authorityNode.service.onBlock(chain.time, chain.height);
      await new Promise((resolve) => setImmediate(resolve));
      expect(chain.height).toBe(before + 2);
      expect(chain.query('sharing', 'getRequest', { id: request.id })).toMatchObject({
        status: 'escalated', escalation: { reason: 'overdue' } });
    });
});
