// Public entry of `node`: the node shell, its configuration and local network set-up.
export { ZhengwuNode, nodeVersion } from './node.js';
export type { NodeInit } from './node.js';
export { loadConfig, configFileName } from './config.js';
export type { NodeConfig } from './config.js';
export { loadGenesisFile } from './genesis.js';
export { initNetwork, joinNetwork, networkFileName } from './init.js';
export { pemCertificates } from './agency-ca.js';
export type {
  InitOptions, JoinOptions, AgencyApplication, AgencyPki, NetworkManifest, NetworkNode,
} from './init.js';
export { Chain } from './chain.js';
export type { Tip, AppliedBlock } from './chain.js';
export { ConsensusDriver, systemClock, defaultDriverInit } from './consensus-driver.js';
export type {
  Clock, SignerStore, DriverInit, DriverComponents, ConsensusMessage, DriverHalt,
} from './consensus-driver.js';
export { loadVm } from './vm-loader.js';
export { WorkerEngine, vmWorkerStackMb } from './vm-worker.js';
export type { VmWorkerOptions } from './vm-worker.js';
export { LocalChain } from './local-chain.js';
// The contract tools of the CLI (`zw contract build/test`) reach the runtime through the shell.
export { ContractVm, instrument, vmGasCosts } from '../vm/index.js';
export type { VmModule } from '../vm/index.js';
export {
  buildContract, buildContractSync, contractEntry, contractSdkPath, contractsRoot,
} from './contract-build.js';
export type { BuiltContract } from './contract-build.js';
