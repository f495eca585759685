// Reads the genesis file of a node's home folder.
import { readFileSync } from 'node:fs';
import { checkGenesis } from '../ledger/index.js';
import type { Genesis, LoadedGenesis } from '../ledger/index.js';

export function loadGenesisFile(path: string): LoadedGenesis {
  return checkGenesis(JSON.parse(readFileSync(path, 'utf8')) as Genesis);
}
