// Lint: typescript-eslint's strict rules, plus two architectural rules of our own:
//  - layering: a module imports only the modules ARCHITECTURE.md allows, and only through their
//    `index.ts`;
//  - purity: consensus and the contract runtime never await, read a clock, draw randomness, set
//    timers or touch the file system or network.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import path from 'node:path';

// Which modules each module may import (core is open to all). Keep in step with ARCHITECTURE.md.
const allowedImports = {
  core: [],
  crypto: ['core'],
  consensus: ['core', 'crypto'],
  state: ['core', 'crypto'],
  vm: ['core', 'state'],
  ledger: ['core', 'crypto', 'state', 'vm'],
  system: ['core', 'crypto', 'ledger', 'vm', 'state'],
  storage: ['core'],
  network: ['core', 'crypto'],
  exchange: ['core', 'crypto', 'network', 'ledger'],
  api: ['core', 'crypto', 'ledger', 'system', 'exchange', 'state'],
  node: ['core', 'crypto', 'consensus', 'state', 'vm', 'ledger', 'system', 'storage', 'network',
    'exchange', 'api'],
  sdk: ['core', 'crypto', 'state', 'ledger'],
  cli: ['core', 'crypto', 'sdk', 'node'],
};

const srcRoot = path.resolve('src');

function moduleOf(file) {
  const relative = path.relative(srcRoot, file);
  if (relative.startsWith('..')) return undefined;
  return relative.split(path.sep)[0];
}

const layering = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const from = moduleOf(context.filename);
    if (from === undefined) return {};
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(context.filename), source);
      const to = moduleOf(target);
      if (to === undefined || to === from) return;
      if (!(allowedImports[from] ?? []).includes(to)) {
        context.report({ node, message: `module '${from}' may not import module '${to}'` });
      } else if (path.relative(path.join(srcRoot, to), target) !== 'index.js') {
        context.report({ node, message: `import module '${to}' only through its index.js` });
      }
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'web/dist/**', 'bench/peer/**',
    'native/**/build/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { zw: { rules: { layering } } },
    rules: {
      'zw/layering': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'max-len': ['error', { code: 100, ignoreUrls: true, ignoreStrings: true,
        ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/consensus/**/*.ts', 'src/vm/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'AwaitExpression', message: 'pure core: no await' },
        { selector: 'FunctionDeclaration[async=true]', message: 'pure core: no async' },
        { selector: 'ArrowFunctionExpression[async=true]', message: 'pure core: no async' },
        { selector: "NewExpression[callee.name='Date']", message: 'pure core: no clock' }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'Date',
        'performance', 'fetch', 'process', 'queueMicrotask'],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'pure core: no randomness' },
        { object: 'Date', property: 'now', message: 'pure core: no clock' }],
      'no-restricted-imports': ['error', { patterns: [{
        group: ['node:*', 'fs', 'net', 'http', 'https', 'dgram', 'child_process', 'worker_threads',
          'os', 'crypto'],
        message: 'pure core: no I/O, clocks or randomness',
      }] }],
    },
  },
);
