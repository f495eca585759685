// Builds a TypeScript contract into the one JavaScript bundle that is deployed: esbuild bundles
// the contract with `zhengwu/contract` (contracts/sdk) as CommonJS, and the deploy-time
// instrumenter then parses it, refuses forbidden syntax and reports forbidden globals, so that a
// developer learns of them at build time rather than from a failed call. `zw contract build`
// uses it, and `zw init` to put the government applications into the genesis.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, buildSync } from 'esbuild';
import type { BuildOptions, BuildResult } from 'esbuild';
import { ErrorCode, ZwError, limits, utf8 } from '../core/index.js';
import { instrument } from '../vm/index.js';

/** The contracts folder of this package: the same relative place from src/node and dist/node. */
export const contractsRoot = resolve(import.meta.dirname, '../../contracts');

/** The contract SDK's source. */
export const contractSdkPath = join(contractsRoot, 'sdk', 'index.ts');

export interface BuiltContract {
  readonly code: string;
  readonly bytes: number;
}

function options(entry: string): BuildOptions & { write: false } {
  if (!existsSync(entry)) throw new ZwError(ErrorCode.NOT_FOUND, `no contract source at ${entry}`);
  return {
    entryPoints: [entry], bundle: true, format: 'cjs', platform: 'neutral', target: 'es2020',
    write: false, charset: 'utf8', legalComments: 'none', logLevel: 'silent',
    alias: { 'zhengwu/contract': contractSdkPath },
  };
}

function failed(error: unknown): ZwError {
  return new ZwError(ErrorCode.BAD_ARGUMENTS, `build failed: ${(error as Error).message}`);
}

function checked(result: BuildResult<{ write: false }>): BuiltContract {
  const file = result.outputFiles[0];
  if (file === undefined) throw new ZwError(ErrorCode.INTERNAL, 'esbuild produced no output');
  const code = file.text;
  const { forbidden } = instrument(code);
  if (forbidden.length > 0) {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS,
      `the contract uses APIs that do not exist on chain: ${forbidden.join(', ')}`);
  }
  const bytes = utf8(code).length;
  if (bytes > limits.contractSourceBytesMax) {
    throw new ZwError(ErrorCode.TOO_LARGE,
      `the bundle is ${bytes} bytes; the limit is ${limits.contractSourceBytesMax}`);
  }
  return { code, bytes };
}

export async function buildContract(entry: string): Promise<BuiltContract> {
  const result = await build(options(entry)).catch((error: unknown) => {
    throw failed(error);
  });
  return checked(result);
}

/** The synchronous build, for `zw init`, which writes a whole network folder in one go. */
export function buildContractSync(entry: string): BuiltContract {
  let result: BuildResult<{ write: false }>;
  try {
    result = buildSync(options(entry));
  } catch (error) {
    throw failed(error);
  }
  return checked(result);
}

/** The entry of a contract project folder: src/index.ts. */
export function contractEntry(dir: string): string {
  return join(resolve(dir), 'src', 'index.ts');
}
