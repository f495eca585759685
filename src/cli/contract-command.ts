// `zw contract`: the contract developer's loop. `new` scaffolds a project, `build` bundles it
// into the one JS file that is deployed (and checks forbidden APIs), `test` runs the project's
// tests against an in-process chain, `deploy` submits the bundle to the `contracts` system
// contract, and `call` / `query` use a deployed contract through a node.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { build } from 'esbuild';
import {
  ErrorCode, ZwError, encode, fromJsonValue, isZwError, toHex, toJsonValue, utf8,
} from '../core/index.js';
import type { CborValue } from '../core/index.js';
import { LocalChain, loadVm } from '../node/index.js';
import {
  Account, ZhengwuClient, deployPayload, deploymentApproval, deploymentInitHash, getSuite,
  member, openKeystore, proposals, propose, receiptResult, upgradePayload,
} from '../sdk/index.js';
import type { KeyPair, TxView } from '../sdk/index.js';
import { buildContract, contractEntry, contractSdkPath } from './contract-build.js';
import { output, readPassphrase, run } from './io.js';

const defaultNode = process.env.ZW_NODE ?? 'http://127.0.0.1:7701';
const testingPath = resolve(contractSdkPath, '../testing.ts');

interface ProjectFlags {
  readonly dir: string;
  readonly json?: boolean;
}

function parseArgs(text: string | undefined): CborValue {
  if (text === undefined) return null;
  try {
    return fromJsonValue(JSON.parse(text));
  } catch (error) {
    if (isZwError(error)) throw error;
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, `arguments are not JSON: ${text}`);
  }
}

function projectName(dir: string): string {
  const manifest = join(dir, 'contract.json');
  if (existsSync(manifest)) {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
    if (typeof parsed.name === 'string') return parsed.name;
  }
  return basename(resolve(dir));
}

function projectVersion(dir: string): string {
  const manifest = join(dir, 'contract.json');
  if (!existsSync(manifest)) return '0.0.1';
  const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
  return typeof parsed.version === 'string' ? parsed.version : '0.0.1';
}

export function contractCommand(): Command {
  const contract = new Command('contract')
    .description('write, build, test, deploy and call TypeScript contracts');
  contract.addCommand(newCommand());
  contract.addCommand(buildCommand());
  contract.addCommand(testCommand());
  contract.addCommand(deployCommand());
  contract.addCommand(callCommand());
  contract.addCommand(queryCommand());
  return contract;
}

function newCommand(): Command {
  return new Command('new').argument('<name>', 'contract name (a-z, 0-9, -)')
    .description('scaffold a contract project: src/index.ts, a test and a README')
    .option('--dir <dir>', 'parent folder', '.')
    .option('--json', 'machine-readable output')
    .action(run((name: string, flags: ProjectFlags) => {
      if (!/^[a-z][a-z0-9-]{1,47}$/.test(name)) {
        throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'name: 2-48 of a-z, 0-9 and -');
      }
      const dir = resolve(flags.dir, name);
      if (existsSync(dir)) throw new ZwError(ErrorCode.ALREADY_EXISTS, `${dir} exists`);
      mkdirSync(join(dir, 'src'), { recursive: true });
      mkdirSync(join(dir, 'test'), { recursive: true });
      for (const [file, text] of Object.entries(scaffold(name))) {
        writeFileSync(join(dir, file), text);
      }
      output(flags, { dir, name }, () => `created ${dir}\n  next: cd ${name} && zw contract test`);
    }));
}

function buildCommand(): Command {
  return new Command('build')
    .description('bundle src/index.ts into dist/contract.js and check for forbidden APIs')
    .option('--dir <dir>', 'contract project folder', '.')
    .option('--json', 'machine-readable output')
    .action(run(async (flags: ProjectFlags) => {
      const built = await buildContract(contractEntry(flags.dir));
      mkdirSync(join(flags.dir, 'dist'), { recursive: true });
      const file = join(flags.dir, 'dist', 'contract.js');
      writeFileSync(file, built.code);
      output(flags, { file, bytes: built.bytes }, () => `built ${file} (${built.bytes} bytes)`);
    }));
}

interface TestCase {
  readonly deploy?: boolean;
  readonly run: (chain: unknown) => void;
}

function testCommand(): Command {
  return new Command('test')
    .description('run test/*.test.ts against an in-process chain with the contract deployed')
    .option('--dir <dir>', 'contract project folder', '.')
    .option('--json', 'machine-readable output')
    .action(run(async (flags: ProjectFlags) => {
      const { code } = await buildContract(contractEntry(flags.dir));
      const name = projectName(flags.dir);
      const used = await buildUsedContracts(flags.dir);
      const module = await loadVm();
      const results: { file: string; test: string; ok: boolean; error?: string }[] = [];
      const testDir = join(resolve(flags.dir), 'test');
      const files = existsSync(testDir)
        ? readdirSync(testDir).filter((file) => file.endsWith('.test.ts')).sort() : [];
      for (const file of files) {
        const cases = await loadTests(join(testDir, file));
        for (const [test, testCase] of Object.entries(cases)) {
          const chain = testChain(new LocalChain(module), name, code, used);
          try {
            if (testCase.deploy !== false) chain.deploy(null);
            testCase.run(chain);
            results.push({ file, test, ok: true });
          } catch (error) {
            results.push({ file, test, ok: false, error: (error as Error).message });
          }
        }
      }
      const failed = results.filter((result) => !result.ok).length;
      output(flags, { results, passed: results.length - failed, failed }, () => [
        ...results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.file} > ${r.test}` +
          (r.error === undefined ? '' : `\n     ${r.error}`)),
        `${results.length - failed} passed, ${failed} failed`].join('\n'));
      if (failed > 0 || results.length === 0) process.exitCode = 1;
    }));
}

/**
 * The contracts a project calls, from contract.json `"uses": { "<name>": "<folder>" }` (folders
 * relative to the project), built once so each test can deploy them with `deployContract`.
 */
async function buildUsedContracts(dir: string): Promise<Map<string, string>> {
  const manifest = join(dir, 'contract.json');
  const built = new Map<string, string>();
  if (!existsSync(manifest)) return built;
  const uses = (JSON.parse(readFileSync(manifest, 'utf8')) as { uses?: unknown }).uses;
  if (uses === undefined) return built;
  if (uses === null || typeof uses !== 'object' || Array.isArray(uses)) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, 'contract.json uses: { "<name>": "<folder>" }');
  }
  for (const [used, folder] of Object.entries(uses as Record<string, unknown>)) {
    if (typeof folder !== 'string') {
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `contract.json uses.${used}: a folder`);
    }
    built.set(used, (await buildContract(contractEntry(resolve(dir, folder)))).code);
  }
  return built;
}

/** Bundles a test file for Node (it may import node:assert) and imports it. */
async function loadTests(file: string): Promise<Record<string, TestCase>> {
  const out = join(tmpdir(), `zw-contract-test-${process.pid}-${basename(file, '.ts')}.mjs`);
  await build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'node',
    outfile: out, logLevel: 'silent', alias: { 'zhengwu/contract/testing': testingPath,
      'zhengwu/contract': contractSdkPath } });
  try {
    const imported = await import(pathToFileURL(out).href) as { tests?: Record<string, TestCase> };
    if (imported.tests === undefined) {
      throw new ZwError(ErrorCode.BAD_ARGUMENTS, `${file} exports no tests`);
    }
    return imported.tests;
  } finally {
    rmSync(out, { force: true });
  }
}

/** The shape of `ContractTestChain` in contracts/sdk/testing.ts. */
interface TestChainApi {
  readonly name: string;
  account(identity?: { agency: string; roles: readonly string[] }): { address: string };
  deploy(init?: CborValue): unknown;
  deployContract(name: string, init?: CborValue): unknown;
  call(from: { address: string }, method: string, args?: CborValue): unknown;
  query(method: string, args?: CborValue): CborValue;
  callContract(contract: string, from: { address: string }, method: string, args?: CborValue):
    unknown;
  queryContract(contract: string, method: string, args?: CborValue): CborValue;
  advanceTime(ms: number): void;
  exchangeRequest(from: { address: string }, action: 'upload' | 'fetch', body: CborValue,
    expiryHeight?: number): Uint8Array;
}

/** The `ContractTestChain` of contracts/sdk/testing.ts over a LocalChain. */
function testChain(chain: LocalChain, name: string, code: string,
  used: ReadonlyMap<string, string>): TestChainApi {
  const keys = new Map<string, KeyPair>();
  const receipt = (value: ReturnType<LocalChain['call']>): unknown => ({
    status: value.status, error: value.error, gasUsed: value.gasUsed, result: value.result,
    events: value.events });
  return {
    name,
    account(identity?: { agency: string; roles: readonly string[] }) {
      const key = chain.account();
      const address = chain.address(key);
      keys.set(address, key);
      if (identity !== undefined) chain.identify(key, identity);
      return { address };
    },
    deploy: (init: CborValue = null) => receipt(chain.deploy(name, code, init)),
    deployContract(other: string, init: CborValue = null) {
      const source = used.get(other);
      if (source === undefined) throw new Error(`contract.json does not list ${other} in "uses"`);
      return receipt(chain.deploy(other, source, init));
    },
    call(from: { address: string }, method: string, args: CborValue = null) {
      return this.callContract(name, from, method, args);
    },
    callContract(contract: string, from: { address: string }, method: string,
      args: CborValue = null) {
      const key = keys.get(from.address);
      if (key === undefined) throw new Error('call from an account made by chain.account()');
      return receipt(chain.call(key, contract, method, args));
    },
    query: (method: string, args: CborValue = null) => chain.query(name, method, args),
    queryContract: (contract: string, method: string, args: CborValue = null) =>
      chain.query(contract, method, args),
    advanceTime(ms: number) {
      chain.time += ms;
    },
    exchangeRequest(from: { address: string }, action: 'upload' | 'fetch', body: CborValue,
      expiryHeight?: number) {
      const key = keys.get(from.address);
      if (key === undefined) throw new Error('sign with an account made by chain.account()');
      return chain.exchangeRequest(key, action, body, expiryHeight);
    },
  };
}

interface NodeKeyFlags {
  readonly node: string;
  readonly key: string;
  readonly passphraseFile?: string;
  readonly json?: boolean;
}

async function account(flags: NodeKeyFlags): Promise<Account> {
  const client = new ZhengwuClient({ url: flags.node });
  const status = await client.status();
  const key = openKeystore(readFileSync(flags.key, 'utf8'),
    await readPassphrase(flags, flags.key));
  return new Account(getSuite(status.suite), key, client);
}

function committed(view: TxView): Extract<TxView, { status: 'committed' }> {
  if (view.status !== 'committed') throw new ZwError(ErrorCode.INTERNAL, 'not committed');
  if (view.receipt.status !== 'ok') {
    throw new ZwError(view.receipt.status as ErrorCode, view.receipt.error);
  }
  return view;
}

interface DeployFlags extends NodeKeyFlags, ProjectFlags {
  readonly name?: string;
  readonly version?: string;
  readonly init?: string;
  readonly upgrade?: boolean;
  readonly reason?: string;
  readonly legalBasis?: string;
  readonly deadlineBlocks: string;
}

function deployCommand(): Command {
  return new Command('deploy')
    .description('build and deploy (or --upgrade) the contract in --dir; unless the key is a ' +
      'genesis deployer, first propose exactly this deployment (source, version, init ' +
      'arguments or the version it replaces) to governance, then deploy it once approved')
    .requiredOption('--key <keystore>', 'keystore of a genesis deployer or an agency member')
    .option('--dir <dir>', 'contract project folder', '.')
    .option('--name <name>', 'contract name (default: contract.json or the folder name)')
    .option('--version <version>', 'version (default: contract.json or 0.0.1)')
    .option('--init <json>', 'arguments for the contract\'s init method')
    .option('--upgrade', 'upgrade an existing contract, keeping its state')
    .option('--reason <text>', 'why the contract is needed (for the governance proposal)')
    .option('--legal-basis <text>', 'the law or decision it rests on (for the proposal)')
    .option('--deadline-blocks <n>', 'blocks the proposal stays open', '10000')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .option('--json', 'machine-readable output')
    .action(run(async (flags: DeployFlags) => {
      const { code } = await buildContract(contractEntry(flags.dir));
      const name = flags.name ?? projectName(flags.dir);
      const version = flags.version ?? projectVersion(flags.dir);
      const init = parseArgs(flags.init);
      const upgrade = flags.upgrade === true;
      if (upgrade && init !== null) {
        throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'an upgrade runs no init; leave --init out');
      }
      const sender = await account(flags);
      const action = upgrade ? 'upgrade' : 'deploy';
      const sourceHash = sender.suite.hash(utf8(code));
      const spec = { name, version, source: code, init, upgrade };
      if (!await mayDeploy(sender, spec)) {
        const proposal = await proposeDeployment(sender, flags, spec);
        if (proposal.status !== 'executed') {
          output(flags, { name, version, sourceHash: toHex(sourceHash), proposal: proposal.id,
            status: proposal.status }, () => `proposed ${action}-contract ${name} ${version} ` +
            `(source hash ${toHex(sourceHash)}): proposal ${proposal.id} is ${proposal.status}.\n` +
            `Each agency's admin votes for it:\n  zw gov vote ${proposal.id} yes --key ` +
            `<agency admin keystore> --node ${flags.node}\nOnce it is approved, run this ` +
            'command again (same source, version and init, a key of your agency) to deploy.');
          return;
        }
      }
      const view = committed(await sender.sendAndWait('contracts', action,
        { name, version, source: code, init }, { gasLimit: 10_000_000 }));
      output(flags, { name, version, tx: view.hash, height: view.height,
        result: view.receipt.result }, () => `deployed ${name} ${version} in block ` +
        `${view.height} (tx ${view.hash}, gas ${view.receipt.gasUsed})`);
    }));
}

interface DeploySpec {
  readonly name: string;
  readonly version: string;
  readonly source: string;
  readonly init: CborValue;
  readonly upgrade: boolean;
}

/**
 * Whether the contracts system contract will take this deployment from `sender`: a genesis
 * deployer may deploy anything; an agency member may use an unused approval of exactly this
 * deployment that its agency proposed. A usable approval that names another version or other
 * init arguments is an error: proposing again would only make a second, different approval.
 */
async function mayDeploy(sender: Account, spec: DeploySpec): Promise<boolean> {
  // The genesis list, unless a set-params proposal replaced it.
  const genesis = await sender.client.genesis() as { params?: { contractDeployers?: unknown } };
  const overrides = await sender.client.query('governance', 'params', {}) as
    { contractDeployers?: unknown } | null;
  const deployers = overrides?.contractDeployers ?? genesis.params?.contractDeployers;
  if (Array.isArray(deployers) && deployers.includes(sender.address)) return true;
  const approval = await deploymentApproval(sender.client, spec.name,
    sender.suite.hash(utf8(spec.source)));
  if (approval === null || approval.used ||
      approval.action !== (spec.upgrade ? 'upgrade' : 'deploy')) return false;
  const me = await member(sender.client, sender.address) as { agency?: unknown } | null;
  if (me?.agency !== approval.agency) {
    throw new ZwError(ErrorCode.UNAUTHORIZED, `${approval.agency} proposed this deployment; ` +
      'only a key of that agency may deploy it');
  }
  if (approval.version !== spec.version) {
    throw new ZwError(ErrorCode.APPROVAL_MISMATCH,
      `the approval is for version ${approval.version}, not ${spec.version}`);
  }
  if (!spec.upgrade && (approval.initHash === null ||
      toHex(approval.initHash) !== toHex(deploymentInitHash(sender.suite, spec.init)))) {
    throw new ZwError(ErrorCode.APPROVAL_MISMATCH, 'the approved init arguments differ from ' +
      '--init');
  }
  return true;
}

/** Proposes the deployment (or joins an open proposal for the very same deployment). */
async function proposeDeployment(sender: Account, flags: DeployFlags, spec: DeploySpec):
  Promise<{ id: string; status: string }> {
  const kind = spec.upgrade ? 'upgrade-contract' : 'deploy-contract';
  let payload: CborValue;
  if (spec.upgrade) {
    const current = await sender.client.query('contracts', 'get', { name: spec.name }) as
      { version?: unknown } | null;
    if (typeof current?.version !== 'string') {
      throw new ZwError(ErrorCode.NOT_FOUND, `no contract ${spec.name} to upgrade`);
    }
    payload = upgradePayload(sender.suite, { ...spec, replacesVersion: current.version });
  } else {
    payload = deployPayload(sender.suite, spec);
  }
  // The stored payload of an open proposal for the very same deployment: the same fields, and
  // for a deploy the same init arguments (the contract keeps their hash beside them).
  const initHash = toHex(deploymentInitHash(sender.suite, spec.init));
  const fields = (value: CborValue): string => {
    const record = value as Record<string, CborValue>;
    const hash = record.initHash;
    return toHex(encode({ name: record.name ?? null, version: record.version ?? null,
      sourceHash: record.sourceHash ?? null, replacesVersion: record.replacesVersion ?? null,
      initHash: spec.upgrade ? null : hash instanceof Uint8Array ? toHex(hash) : initHash }));
  };
  const wanted = fields(payload);
  const open = await proposals(sender.client, 'open') as unknown as Proposal[];
  const same = open.find((proposal) => proposal.kind === kind &&
    fields(proposal.payload) === wanted);
  if (same !== undefined) return { id: toHex(same.id), status: same.status };
  if (flags.reason === undefined || flags.legalBasis === undefined) {
    throw new ZwError(ErrorCode.UNAUTHORIZED, `${sender.address} is not a genesis deployer and ` +
      `no approved ${kind} proposal has this source; give --reason and --legal-basis to ` +
      'propose it to governance');
  }
  const deadline = Number(flags.deadlineBlocks);
  if (!Number.isSafeInteger(deadline) || deadline < 1) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, '--deadline-blocks must be a positive integer');
  }
  const view = await propose(sender, kind, payload, flags.reason, flags.legalBasis, deadline);
  const result = receiptResult(view) as { id: Uint8Array; status: string };
  return { id: toHex(result.id), status: result.status };
}

/** The fields of a governance proposal this command reads. */
interface Proposal {
  readonly id: Uint8Array;
  readonly kind: string;
  readonly status: string;
  readonly payload: CborValue;
}

function callCommand(): Command {
  return new Command('call').argument('<name>').argument('<method>').argument('[args]', 'JSON')
    .description('call a contract\'s transaction method and wait for the receipt')
    .requiredOption('--key <keystore>', 'keystore of the signing account')
    .option('--gas <limit>', 'gas limit', '1000000')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--passphrase-file <file>', 'file holding the keystore passphrase')
    .option('--json', 'machine-readable output')
    .action(run(async (name: string, method: string, args: string | undefined,
      flags: NodeKeyFlags & { gas: string }) => {
      const sender = await account(flags);
      const view = committed(await sender.sendAndWait(name, method, parseArgs(args),
        { gasLimit: Number(flags.gas) }));
      output(flags, { tx: view.hash, height: view.height, gasUsed: view.receipt.gasUsed,
        result: view.receipt.result, events: view.receipt.events },
      () => `${JSON.stringify(view.receipt.result)}\n  tx ${view.hash} in block ${view.height}, ` +
        `gas ${view.receipt.gasUsed}, ${view.receipt.events.length} events`);
    }));
}

function queryCommand(): Command {
  return new Command('query').argument('<name>').argument('<method>').argument('[args]', 'JSON')
    .description('run a contract\'s read-only query method on a node')
    .option('--node <url>', 'node API URL', defaultNode)
    .option('--json', 'machine-readable output')
    .action(run(async (name: string, method: string, args: string | undefined,
      flags: { node: string; json?: boolean }) => {
      const client = new ZhengwuClient({ url: flags.node });
      const result = toJsonValue(await client.query(name, method, parseArgs(args)));
      output(flags, result, () => JSON.stringify(result, null, 2));
    }));
}

function scaffold(name: string): Record<string, string> {
  return {
    'contract.json': `${JSON.stringify({ name, version: '0.0.1' }, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'ESNext',
      moduleResolution: 'Bundler', strict: true, noEmit: true,
      paths: { 'zhengwu/contract': [contractSdkPath], 'zhengwu/contract/testing': [testingPath] },
    }, include: ['src', 'test'] }, null, 2)}\n`,
    'src/index.ts': `// The ${name} contract: a counter per key, as a starting point.
import { Counter, ctx, emit, query, require, tx } from 'zhengwu/contract';

/** Adds \`by\` (default 1) to the counter named \`key\`. */
export const increment = tx((args: { key: string; by?: number }) => {
  require(typeof args.key === 'string', 'key must be a string', 'BAD_ARGUMENTS');
  const value = new Counter(\`count/\${args.key}\`).add(args.by ?? 1);
  emit('Incremented', { key: args.key, value, by: ctx().sender });
  return value;
});

export const get = query((args: { key: string }) => new Counter(\`count/\${args.key}\`).get());
`,
    'test/contract.test.ts': `// What ${name} promises: counters start at zero and add up.
import assert from 'node:assert/strict';
import { tests } from 'zhengwu/contract/testing';

export const tests_ = tests({
  'counts per key'(chain) {
    const alice = chain.account();
    assert.equal(chain.call(alice, 'increment', { key: 'a' }).status, 'ok');
    assert.equal(chain.call(alice, 'increment', { key: 'a', by: 2 }).result, 3);
    assert.equal(chain.query('get', { key: 'a' }), 3);
    assert.equal(chain.query('get', { key: 'b' }), 0);
  },
});
export { tests_ as tests };
`,
    'README.md': `# ${name}\n\nA Zhengwu contract.\n\n` +
      '```\nzw contract test                 # run test/*.test.ts in an in-process chain\n' +
      'zw contract build                # bundle to dist/contract.js\n' +
      'zw contract deploy --key admin.key --node http://127.0.0.1:7701\n' +
      `zw contract call ${name} increment '{"key":"a"}' --key staff.key\n` +
      `zw contract query ${name} get '{"key":"a"}'\n\`\`\`\n`,
  };
}
