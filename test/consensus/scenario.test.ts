// Proves each rule of Algorithm 1, and some classic traps, on one node: every scenario script in
// scenarios/ is replayed and its output must equal the checked-in golden text exactly. Run with
// ZW_UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runScript } from './scenario.js';

const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');
const update = process.env['ZW_UPDATE_GOLDEN'] === '1';
const files = readdirSync(directory).filter((name) => name.endsWith('.txt')).sort();

describe('consensus scenarios', () => {
  test('there are scenarios', () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    test(file, () => {
      const filePath = path.join(directory, file);
      const text = readFileSync(filePath, 'utf8');
      const actual = runScript(text);
      if (update) writeFileSync(filePath, actual);
      else expect(actual).toBe(text);
      expect(actual).not.toContain('> error:');
    });
  }
});
