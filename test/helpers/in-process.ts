// Runs a real node inside the test process (real storage, execution and HTTP server on a free
// port; signature checks inline), for API tests that need many requests but no process faults.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ZhengwuNode, initNetwork } from '../../src/node/index.js';
import type { SuiteName } from '../../src/crypto/index.js';

export interface InProcessNode {
  readonly node: ZhengwuNode;
  readonly url: string;
  readonly home: string;
  /** The network folder initNetwork wrote: admins/<slug>.key hold the agency admin keystores. */
  readonly dir: string;
  /** The passphrase of every keystore in `dir`. */
  readonly passphrase: string;
  stop(): Promise<void>;
}

export async function startInProcessNode(suite: SuiteName): Promise<InProcessNode> {
  const dir = mkdtempSync(join(tmpdir(), 'zw-api-'));
  const passphrase = 'test passphrase';
  const manifest = initNetwork({ dir, agencies: 1, suite, passphrase, basePort: 0 });
  const home = manifest.nodes[0]?.home ?? '';
  const node = await ZhengwuNode.start({ home, passphrase, verifyThreads: 0, apiPort: 0,
    p2pPort: 0, logger: pino({ level: 'silent' }) });
  return {
    node, url: node.apiUrl, home, dir, passphrase,
    async stop() {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
