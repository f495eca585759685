// Loads the contract runtime's WebAssembly module (QuickJS-ng, synchronous build). Loading is
// asynchronous, so it happens here in the shell, once per process, and the pure runtime in
// src/vm receives the loaded module. The node, the CLI (`zw contract test`) and tests all load
// it through this one function, so they run the very same engine build.
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import type { CustomizeVariantOptions, QuickJSSyncVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-ng-wasmfile-release-sync';
import type { VmModule } from '../vm/index.js';

let loading: Promise<VmModule> | undefined;

/** The process-wide QuickJS module; loaded on first use. */
export function loadVm(): Promise<VmModule> {
  // Under NodeNext the package's CommonJS typings describe a namespace, while Node's ESM loader
  // hands us the variant itself as the default export.
  // Emscripten writes the environment into the heap at load, with `_` set to the script's path
  // unless `thisProgram` is given; a fixed name keeps the loaded heap (the one every block
  // starts from, see src/vm/heap.ts) the same on every node, wherever it is installed.
  // (`thisProgram` is an emscripten option the library's type does not list.)
  const emscriptenModule = { thisProgram: 'zhengwu' } as
    NonNullable<CustomizeVariantOptions['emscriptenModule']>;
  loading ??= newQuickJSWASMModuleFromVariant(
    newVariant(variant as unknown as QuickJSSyncVariant, { emscriptenModule }));
  return loading;
}
