// Small React hooks shared by pages: loading a value from the node with a way to reload it, and
// following the chain's new blocks over the node's event stream.
import { useCallback, useEffect, useRef, useState } from 'react';
import { client } from './node.js';

export interface Loaded<T> {
  readonly value?: T;
  readonly error?: unknown;
  /** Loads again, keeping the current value on screen until the new one arrives (or fails). */
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: unknown }>({});
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    loadRef.current().then((value) => { if (live) setState({ value }); },
      (error: unknown) => { if (live) setState((previous) => ({ ...previous, error })); });
    return () => { live = false; };
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** Calls `onBlock` with each new block's height and transaction count while mounted. */
export function useNewBlocks(onBlock: (height: number, txCount: number) => void): void {
  const handler = useRef(onBlock);
  handler.current = onBlock;
  useEffect(() => {
    let close: (() => void) | undefined;
    let closed = false;
    client.subscribe((message) => {
      if (message.type === 'block') {
        handler.current(Number(message.height), Number(message.txCount));
      }
    }, { types: ['block'] }).then((closer) => {
      if (closed) closer();
      else close = closer;
    }).catch(() => {
      // Live updates are a convenience: without the stream, the page still reloads on demand.
    });
    return () => { closed = true; close?.(); };
  }, []);
}
