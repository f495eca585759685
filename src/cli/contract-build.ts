// The contract build lives in the node shell (`zw init` builds the genesis contracts with it);
// the CLI's contract commands reach it here.
export { buildContract, contractEntry, contractSdkPath } from '../node/index.js';
export type { BuiltContract } from '../node/index.js';
