// Builds native/sm2 during `npm install` / `npm ci`. node-gyp must not download Node headers
// (only the npm registry is reachable from our machines), so when npm has no `nodedir`
// configured we point node-gyp at the headers that ship beside the running node binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = ['rebuild', '-C', here];
const configured = process.env.npm_config_nodedir;
const besideNode = join(dirname(process.execPath), '..');
if ((configured === undefined || configured === '')
  && existsSync(join(besideNode, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${besideNode}`);
}
// Prefer the project's pinned node-gyp; npm also puts its bundled copy on PATH for scripts.
const local = join(here, '..', '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const command = existsSync(local) ? process.execPath : 'node-gyp';
const commandArgs = existsSync(local) ? [local, ...args] : args;
const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
process.exit(result.status ?? 1);
