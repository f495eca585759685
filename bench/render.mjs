// Re-renders bench/results/latest.md (and the table) from latest.json, e.g. after the report
// format changed:   node bench/render.mjs [dir]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdown, table } from './lib/report.mjs';

const dir = process.argv[2] ?? join(import.meta.dirname, 'results');
const json = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
writeFileSync(join(dir, 'latest.md'), markdown(json));
console.log(table(json));
