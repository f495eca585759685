// Proves that the crypto module can ship to browsers: the portable files import nothing from
// Node, and Vite bundles src/crypto/index.ts for the browser with every Node-only file split
// into a chunk that the entry loads only when it runs under Node.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { build } from 'vite';

const cryptoDir = fileURLToPath(new URL('../../src/crypto/', import.meta.url));
const nodeOnly = new Set(['native.ts', 'node-backend.ts', 'node-gm.ts', 'node-intl.ts']);
const out = mkdtempSync(join(tmpdir(), 'zw-browser-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('keeps Node imports out of every browser-safe file', () => {
  const files = readdirSync(cryptoDir).filter((name) => name.endsWith('.ts'));
  expect(files).toContain('portable-gm.ts');
  for (const name of files.filter((file) => !nodeOnly.has(file))) {
    const source = readFileSync(join(cryptoDir, name), 'utf8');
    expect(source, name).not.toMatch(/from '(node:|crypto'|fs'|module')/);
  }
});

it('bundles for the browser with the Node backend only in a lazily loaded chunk', async () => {
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      outDir: out, emptyOutDir: true, target: 'es2022', minify: false,
      lib: { entry: join(cryptoDir, 'index.ts'), formats: ['es'], fileName: 'crypto' },
    },
  });
  const chunks = readdirSync(out).filter((name) => name.endsWith('.js'));
  const entry = chunks.find((name) => name.startsWith('crypto'));
  expect(entry).toBeDefined();
  const entrySource = readFileSync(join(out, entry ?? ''), 'utf8');
  expect(entrySource).not.toMatch(/from ["']node:/);
  expect(entrySource).toMatch(/import\(["']\.\/node-backend/);
}, 120_000);
