// Loads the contract runtime's WebAssembly module (QuickJS-ng, synchronous build). Loading is
// asynchronous, so it happens here in the shell, once per process, and the pure runtime in
// src/vm receives the loaded module. The node, the CLI (`zw contract test`) and tests all load
// it through this one function, so they run the very same engine build.
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import type { QuickJSSyncVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-ng-wasmfile-release-sync';
import type { VmModule } from '../vm/index.js';

let loading: Promise<VmModule> | undefined;

/** The process-wide QuickJS module; loaded on first use. */
export function loadVm(): Promise<VmModule> {
  // Under NodeNext the package's CommonJS typings describe a namespace, while Node's ESM loader
  // hands us the variant itself as the default export.
  loading ??= newQuickJSWASMModuleFromVariant(variant as unknown as QuickJSSyncVariant);
  return loading;
}
