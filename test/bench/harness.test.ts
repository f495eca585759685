// Proves that the benchmark harness runs end to end in its shortest mode and writes results of
// the documented shape (machine, figures as {median, min, max, unit}, missing with reasons,
// targets). It never checks a timing: figures only have to be positive numbers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

interface Figure {
  median: number;
  min: number;
  max: number;
  unit: string;
}

interface BenchJson {
  machine: { cpu: string; cores: number; node: string };
  figures: Record<string, Figure>;
  missing: { name: string; reason: string }[];
  targets: { target: string; status: string }[];
}

const out = mkdtempSync(join(tmpdir(), 'zw-bench-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bench harness', () => {
  it('runs --quick --only limit,vm and writes latest.json and latest.md', () => {
    execFileSync(process.execPath, ['bench/run.mjs', '--quick', '--only', 'limit,vm',
      '--runs', '1', '--out', out], { stdio: 'pipe', timeout: 45_000 });
    const json = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchJson;
    expect(typeof json.machine.cpu).toBe('string');
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.node).toBe(process.version);
    for (const name of ['limit.ed25519.verify.allCores', 'limit.sm2.verify.allCores',
      'limit.ed25519.verify.oneCore', 'limit.sm2.verify.oneCore']) {
      const figure = json.figures[name];
      expect(figure, name).toBeDefined();
      expect(Object.keys(figure ?? {}).sort()).toEqual(['max', 'median', 'min', 'unit']);
      expect(figure?.min).toBeGreaterThan(0);
      expect(figure?.min).toBeLessThanOrEqual(figure?.median ?? 0);
      expect(figure?.median).toBeLessThanOrEqual(figure?.max ?? 0);
      expect(figure?.unit).toBe('verify/s');
    }
    for (const [name, unit] of [['vm.call.perSec', 'calls/s'],
      ['vm.call.executeBlock.perSec', 'calls/s'], ['vm.context.freshUs', 'us'],
      ['vm.heap.restoreUs', 'us']] as const) {
      expect(json.figures[name]?.unit, name).toBe(unit);
      expect(json.figures[name]?.min, name).toBeGreaterThan(0);
    }
    // A figure is either measured or listed as missing with a reason, never both.
    for (const missing of json.missing) {
      expect(missing.reason.length).toBeGreaterThan(0);
      expect(json.figures[missing.name]).toBeUndefined();
    }
    expect(json.targets.length).toBe(5);
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('limit.sm2.verify.allCores');
  }, 60_000);

  it('refuses an unknown benchmark name', () => {
    expect(() => execFileSync(process.execPath, ['bench/run.mjs', '--only', 'nonesuch',
      '--out', out], { stdio: 'pipe' })).toThrow();
  });
});
