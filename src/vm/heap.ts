// The WebAssembly heap of a loaded QuickJS module, put back to its state just after loading
// before every block that runs contracts. Every runtime of a module allocates from one dlmalloc
// heap in the module's linear memory, and QuickJS's memory limit counts dlmalloc's usable sizes,
// which depend on what earlier runtimes left in the free lists. Without a reset, the exact point
// where a contract runs out of memory would depend on the node's history (how long it has run,
// which queries it served); with it, a block always starts from the same bytes on every node.
//
// Restoring the memory is the same as a new module instance: the module's only other mutable
// state is the stack pointer (its one mutable global), which is back at its base whenever no
// call is running, and the module neither imports nor exports a table. A new instance can only
// be made asynchronously (emscripten's factory awaits), and block execution is synchronous.
// After an engine fault (V8's stack overflowing inside the module, a trap) neither holds: the
// stack pointer is left wherever the unwinding found it. A faulted module is therefore never
// restored and reused; the node replaces its engine worker instead (ADR 0016).
import { assert } from '../core/index.js';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';

/** The module's linear memory (typed through the library: the project's lib has no DOM). */
type LinearMemory = ReturnType<QuickJSWASMModule['getWasmMemory']>;

const heaps = new WeakMap<QuickJSWASMModule, ModuleHeap>();

export class ModuleHeap {
  /** The linear memory as loaded, up to its last non-zero byte (the rest is zero). */
  private readonly pristine: Uint8Array;
  private live = 0;
  private used = false;

  private constructor(private readonly memory: LinearMemory) {
    const bytes = new Uint8Array(memory.buffer);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end -= 1;
    this.pristine = bytes.slice(0, end);
  }

  /**
   * The heap of a module. The first call takes the pristine copy, so it MUST come BEFORE any
   * runtime is created on the module (ContractVm's constructor makes it; loadVm() hands out a
   * module nobody has used).
   */
  static of(module: QuickJSWASMModule): ModuleHeap {
    let heap = heaps.get(module);
    if (heap === undefined) {
      heap = new ModuleHeap(module.getWasmMemory());
      heaps.set(module, heap);
    }
    return heap;
  }

  /** Runtimes of this module now alive. */
  get runtimes(): number {
    return this.live;
  }

  opened(): void {
    this.live += 1;
    this.used = true;
  }

  closed(): void {
    assert(this.live > 0, 'a runtime is closed once, after it was opened');
    this.live -= 1;
  }

  /**
   * Puts the memory back as loaded, when any runtime has used it since the last restore. MUST be
   * called only when no runtime of the module is alive: their pointers would dangle.
   */
  restore(): boolean {
    if (!this.used) return false;
    assert(this.live === 0, 'no runtime of the module is alive when its heap is restored');
    // Memory never shrinks. Bytes past the pristine copy are zero in a new instance, so they
    // are zeroed here too: the memory then matches a new instance byte for byte, except that it
    // may be larger, which only spares sbrk a grow it would have made (and that succeeds).
    const bytes = new Uint8Array(this.memory.buffer);
    bytes.set(this.pristine);
    bytes.fill(0, this.pristine.length);
    this.used = false;
    return true;
  }
}
