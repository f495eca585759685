// Public entry of `vm`: the contract runtime (QuickJS in WebAssembly), its deploy-time gas
// instrumentation, the boundary value format and the ordered key index of contract state.
export { instrument, forbiddenGlobals, meterName, reservedPrefix } from './instrument.js';
export type { InstrumentResult } from './instrument.js';
export { ContractVm, ContractSession, vmGasCosts } from './runtime.js';
export type { VmModule, MethodKind, CallInfo, ContractHost } from './runtime.js';
export { EngineFault, QuickJsEngine, isEngineFault } from './engine.js';
export type {
  CallOutcome, CallRequest, EngineFrame, HostCallback, HostReply, HostRequest, OpenedSession,
  VmEngine,
} from './engine.js';
export { KeyIndex, dataKey } from './key-index.js';
export type { RawState, RangeOptions } from './key-index.js';
export { toVmText, fromVmText } from './values.js';
export { removedGlobals } from './prelude.js';
export { builtinRates } from './builtins.js';
