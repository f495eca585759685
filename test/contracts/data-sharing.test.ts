// Proves that the catalog and sharing contracts pass their own tests the way a contract developer
// runs them (`zw contract test`), so `npm test` covers contracts/catalog and contracts/sharing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcher } from '../helpers/network.js';

const root = join(import.meta.dirname, '../..');

describe('data sharing contracts', () => {
  it.each(['catalog', 'sharing'])('%s passes its contract tests', (name) => {
    const result = spawnSync(process.execPath,
      [launcher, 'contract', 'test', '--dir', join(root, 'contracts', name)],
      { cwd: root, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toMatch(/\d+ passed, 0 failed/);
    expect(result.status).toBe(0);
  });
});
