// Nothing a client can exhaust stops the signer (issue 12, point 4): in a process whose every
// file descriptor is taken (what 20,000 idle sockets did to a validator: EMFILE), the
// signer-state file still records step after step durably, because it holds the descriptors a
// write needs (its folder and the next temporary file) and reuses the slot it frees. A step it
// could not persist is refused, never signed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const storage = join(import.meta.dirname, '../../dist/storage/index.js');

// Runs in a child under `ulimit -n 64`: opens files until EMFILE, then records three steps.
const script = `
import { openSync, closeSync, readFileSync } from 'node:fs';
import { SignerStateFile } from ${JSON.stringify(storage)};
const path = process.argv[1];
const signer = new SignerStateFile(path);
const held = [];
let exhausted = '';
try { for (;;) held.push(openSync('/dev/null', 'r')); } catch (error) { exhausted = error.code; }
const results = [];
for (const step of [1, 2, 3]) {
  try {
    signer.record({ height: 7, round: 0, step, payloadHash: 'ab'.repeat(16) });
    results.push('recorded');
  } catch (error) {
    results.push(error.code + ': ' + error.message);
  }
}
closeSync(held.pop());
const saved = JSON.parse(readFileSync(path, 'utf8'));
process.stdout.write(JSON.stringify({ exhausted, held: held.length + 1, results, saved }));
`;

describe('signer state with every descriptor taken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zw-signer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('still persists each step before it is signed', () => {
    const out = execFileSync('sh', ['-c',
      `ulimit -n 64 && exec "${process.execPath}" --input-type=module -e "$0" "$1"`,
      script, join(dir, 'signer-state.json')], { encoding: 'utf8', timeout: 30_000 });
    const report = JSON.parse(out) as { exhausted: string; held: number; results: string[];
      saved: { height: number; step: number } };
    expect(report.exhausted).toBe('EMFILE');
    expect(report.held).toBeGreaterThan(20);
    expect(report.results).toEqual(['recorded', 'recorded', 'recorded']);
    expect(report.saved).toMatchObject({ height: 7, step: 3 });
    expect(JSON.parse(readFileSync(join(dir, 'signer-state.json'), 'utf8')))
      .toMatchObject({ height: 7, round: 0, step: 3 });
  });
});
