// Catalog search at Beijing scale: fills a node's data index (src/storage/data-index.ts, built to
// dist/) with 500,000 synthetic published catalog entries from 60 providers and measures search
// latency (p50/p99, first page of 20) by provider, category, sharing type and keyword, alone and
// combined. Keywords cover the FTS5 trigram path (3+ characters, Chinese and English) and the
// scan that serves 1-2 character keywords.
//
//   npm run build && node bench/catalog-index.mjs [--entries 500000] [--queries 200]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DataIndex } from '../dist/storage/index.js';

const { values } = parseArgs({ options: {
  entries: { type: 'string', default: '500000' },
  queries: { type: 'string', default: '200' },
} });
const entryCount = Number(values.entries);
const queryCount = Number(values.queries);
const rowsPerTransaction = 10_000;
const pageLimit = 20;

// A deterministic generator, so runs are comparable.
let seed = 42;
function random() {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const providers = Array.from({ length: 60 }, (_, i) =>
  `CN-BJ/GOV/111100000000${String(i).padStart(5, '0')}X/agency${i}`);
const subjects = ['企业', '个人', '社会保险', '医疗卫生', '税务登记', '户籍人口', '交通运输',
  '教育培训', '住房公积金', '市场监管', '环境保护', '食品安全', '药品', '婚姻登记', '社会组织'];
const kinds = ['基本信息', '登记信息', '许可信息', '处罚信息', '缴费记录', '统计数据', '名录',
  '审批结果', '证照信息', '年报信息'];
const words = ['registry', 'licence', 'permit', 'record', 'statistics', 'inspection', 'payment',
  'certificate', 'taxpayer', 'resident', 'vehicle', 'school', 'hospital', 'pension'];
const items = ['name', 'creditCode', 'legalRepresentative', 'address', 'phone', 'amount',
  'date', 'status', 'idNumber', 'category', 'licenceNumber', 'issuer'];
const types = ['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'];

function syntheticEntry(n) {
  const cls = 1 + (n % 3);
  const item = String(1 + Math.floor(n / 3) % 40).padStart(2, '0');
  const sub = String(Math.floor(n / 120) % 1000).padStart(3, '0');
  // Sub-item and detail make each code unique; the sequence number is the first release.
  const code = `${cls}${item}${sub}${String(n).padStart(7, '0')}/000001`;
  const name = `${pick(subjects)}${pick(kinds)}`;
  return { kind: 'entry', entry: {
    code,
    provider: pick(providers), category: `${cls}${item}`, sharingType: pick(types), name,
    abstract: `${name}: ${pick(words)} ${pick(words)} data of ${pick(subjects)}, ` +
      `updated ${pick(['daily', 'monthly', 'yearly'])}, serial ${n}.`,
    itemNames: Array.from({ length: 3 + Math.floor(random() * 5) }, () => pick(items)),
    status: 'published', version: 1, height: 1 } };
}

function fill(index, db) {
  const started = performance.now();
  let height = 0;
  for (let from = 0; from < entryCount; from += rowsPerTransaction) {
    const rows = [];
    for (let n = from; n < Math.min(entryCount, from + rowsPerTransaction); n++) {
      rows.push(syntheticEntry(n));
    }
    height += 1;
    db.transaction(() => index.write(rows, height))();
  }
  return (performance.now() - started) / 1000;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function measure(index, label, makeSearch) {
  const times = [];
  let found = 0;
  for (let i = 0; i < queryCount; i++) {
    const search = { status: 'published', limit: pageLimit, ...makeSearch(i) };
    const started = performance.now();
    found += index.searchEntries(search).items.length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const row = { query: label, p50Ms: +percentile(times, 0.5).toFixed(2),
    p99Ms: +percentile(times, 0.99).toFixed(2), avgFound: +(found / queryCount).toFixed(1) };
  console.log(JSON.stringify(row));
  return row;
}

const dir = mkdtempSync(join(tmpdir(), 'zw-catalog-bench-'));
try {
  const path = join(dir, 'index.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)');
  const index = new DataIndex(db);
  const fillSeconds = fill(index, db);
  console.log(JSON.stringify({ entries: entryCount, fillSeconds: +fillSeconds.toFixed(1),
    fileMb: +(statSync(path).size / 1e6).toFixed(0) }));
  const rare = () => `serial ${Math.floor(random() * entryCount)}.`;
  measure(index, 'provider', () => ({ provider: pick(providers) }));
  measure(index, 'category (class+item)', () => ({ category: `${1 + Math.floor(random() * 3)}` +
    String(1 + Math.floor(random() * 40)).padStart(2, '0') }));
  measure(index, 'category (class)', () => ({ category: String(1 + Math.floor(random() * 3)) }));
  measure(index, 'sharingType', () => ({ sharingType: pick(types) }));
  measure(index, 'provider+category+sharingType', () => ({ provider: pick(providers),
    category: `${1 + Math.floor(random() * 3)}` +
      String(1 + Math.floor(random() * 40)).padStart(2, '0'), sharingType: pick(types) }));
  measure(index, 'keyword, common Chinese (4 chars)', () => ({ q: pick(kinds) }));
  measure(index, 'keyword, rare (unique serial)', () => ({ q: rare() }));
  measure(index, 'keyword, English word', () => ({ q: pick(words) }));
  measure(index, 'keyword + provider', () => ({ q: pick(kinds), provider: pick(providers) }));
  measure(index, 'keyword, 2 Chinese chars (scan)', () => ({ q: pick(subjects).slice(0, 2) }));
  measure(index, 'keyword, 2 chars, no match (full scan)', () => ({ q: '无此' }));
  measure(index, 'page 50 by cursor (provider)', (i) => {
    const provider = providers[i % providers.length];
    let after;
    for (let page = 0; page < 49; page++) {
      after = index.searchEntries({ status: 'published', limit: pageLimit, provider,
        ...(after === undefined ? {} : { after }) }).next ?? after;
    }
    return { provider, after };
  });
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
