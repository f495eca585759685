// Proves the contract developer's loop through the real `zw` command: the example contracts'
// own tests pass under `zw contract test`, and a scaffold from `zw contract new` builds and
// passes its tests out of the box.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/network.js';

const root = join(import.meta.dirname, '../..');

function zw(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [launcher, ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('zw contract', () => {
  it.each(['registry', 'business-registration', 'licence-approval'])(
    'example %s passes its tests', (name) => {
    const result = zw('contract', 'test', '--dir', join(root, 'contracts/examples', name));
    expect(result.output).toMatch(/\d+ passed, 0 failed/);
    expect(result.status).toBe(0);
  });

  it('scaffolds a contract that builds and passes its tests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-contract-'));
    try {
      expect(zw('contract', 'new', 'licence-workflow', '--dir', dir).status).toBe(0);
      const project = join(dir, 'licence-workflow');
      expect(zw('contract', 'build', '--dir', project).status).toBe(0);
      expect(existsSync(join(project, 'dist', 'contract.js'))).toBe(true);
      const tested = zw('contract', 'test', '--dir', project);
      expect(tested.output).toContain('1 passed, 0 failed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
