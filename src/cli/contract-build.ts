// Builds a TypeScript contract into the one JavaScript bundle that is deployed: esbuild bundles
// the contract with `zhengwu/contract` (contracts/sdk) as CommonJS, and the deploy-time
// instrumenter then parses it, refuses forbidden syntax and reports forbidden globals, so that a
// developer learns of them at build time rather than from a failed call.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ErrorCode, ZwError, limits, utf8 } from '../core/index.js';
import { instrument } from '../node/index.js';

/** The contract SDK's source: the same relative place from src/cli and from dist/cli. */
export const contractSdkPath = resolve(import.meta.dirname, '../../contracts/sdk/index.ts');

export interface BuiltContract {
  readonly code: string;
  readonly bytes: number;
}

export async function buildContract(entry: string): Promise<BuiltContract> {
  if (!existsSync(entry)) throw new ZwError(ErrorCode.NOT_FOUND, `no contract source at ${entry}`);
  const result = await build({
    entryPoints: [entry], bundle: true, format: 'cjs', platform: 'neutral', target: 'es2020',
    write: false, charset: 'utf8', legalComments: 'none', logLevel: 'silent',
    alias: { 'zhengwu/contract': contractSdkPath },
  }).catch((error: unknown) => {
    throw new ZwError(ErrorCode.BAD_ARGUMENTS, `build failed: ${(error as Error).message}`);
  });
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

/** The entry of a contract project folder: src/index.ts. */
export function contractEntry(dir: string): string {
  return join(resolve(dir), 'src', 'index.ts');
}
