// Re-judges the targets and re-renders bench/results/latest.md (and the table) from latest.json,
// e.g. after the report format changed:   node bench/render.mjs [dir]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeTargets, markdown, table } from './lib/report.mjs';

const dir = process.argv[2] ?? join(import.meta.dirname, 'results');
const json = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
// Targets follow from the figures alone, so they are judged again with the current rules.
json.targets = judgeTargets(json.figures);
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(join(dir, 'latest.md'), markdown(json));
console.log(table(json));
