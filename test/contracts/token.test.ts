// Proves that the token contract passes its own tests the way a contract developer runs them
// (`zw contract test`), failure paths included, and that `zw contract build` bundles it into a
// deployable file, so `npm test` covers contracts/token.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/network.js';

const root = join(import.meta.dirname, '../..');
const project = join(root, 'contracts', 'token');

function zw(...args: string[]): { output: string; status: number | null } {
  const result = spawnSync(process.execPath, [launcher, ...args], { cwd: root, encoding: 'utf8' });
  return { output: `${result.stdout}${result.stderr}`, status: result.status };
}

describe('token contract', () => {
  it('passes its contract tests', () => {
    const result = zw('contract', 'test', '--dir', project);
    expect(result.output).toMatch(/\d+ passed, 0 failed/);
    expect(result.status).toBe(0);
  });

  it('builds into one bundle', () => {
    const result = zw('contract', 'build', '--dir', project, '--json');
    expect(result.status).toBe(0);
    const built = JSON.parse(result.output) as { file: string; bytes: number };
    expect(built.file).toBe(join(project, 'dist', 'contract.js'));
    expect(readFileSync(built.file, 'utf8')).toContain('transfer');
  });
});
