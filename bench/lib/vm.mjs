// Whether the TypeScript contract runtime and a deploy path exist in this build. Until they do,
// the transfer and contract-runtime figures are listed as missing with this reason.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

export function vmStatus() {
  const runtime = existsSync(join(root, 'dist/vm/index.js'));
  const token = existsSync(join(root, 'contracts/token')) || existsSync(join(root, 'contracts/token.ts'));
  if (!runtime) {
    return { available: false, reason: 'the TypeScript contract VM (src/vm) is not built in this ' +
      'checkout yet, so there is no token-transfer contract to run' };
  }
  if (!token) {
    return { available: false, reason: 'no token-transfer contract under contracts/ yet ' +
      '(the VM and deploy path exist; the transfer workload is not written)' };
  }
  return { available: true, reason: '' };
}

export async function vmBench(ctx) {
  const status = vmStatus();
  ctx.results.miss('vm.call.perSec', status.available
    ? 'the contract-runtime benchmark is not written for this VM yet' : status.reason);
  ctx.results.miss('vm.context.freshUs', status.available
    ? 'the contract-runtime benchmark is not written for this VM yet' : status.reason);
}
