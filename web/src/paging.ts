// Cursor paging for the node's data index (catalog, requests, receipts, usage): the first page
// loads when the key changes, "more" appends the next page, "reload" starts over.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface PageOf<T> { readonly items: readonly T[]; readonly next: string | null }

export interface Paged<T> {
  readonly items: readonly T[];
  readonly next: string | null;
  readonly loading: boolean;
  readonly loaded: boolean;
  readonly error: unknown;
  more(): void;
  reload(): void;
}

interface PagedState<T> {
  readonly items: readonly T[];
  readonly next: string | null;
  readonly loading: boolean;
  readonly loaded: boolean;
  readonly error: unknown;
}

const initial = { items: [], next: null, loading: true, loaded: false, error: null };

export function usePaged<T>(load: (after: string | undefined) => Promise<PageOf<T>>,
  key: string): Paged<T> {
  const [state, setState] = useState<PagedState<T>>(initial);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // Answers to an older key or generation are dropped: the user has moved on.
  const ticket = useRef(0);
  const fetchPage = useCallback((after: string | undefined, append: boolean) => {
    const mine = ++ticket.current;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    loadRef.current(after).then((page) => {
      if (mine !== ticket.current) return;
      setState((previous) => ({ items: append ? [...previous.items, ...page.items] : page.items,
        next: page.next, loading: false, loaded: true, error: null }));
    }, (error: unknown) => {
      if (mine !== ticket.current) return;
      setState((previous) => ({ ...previous, loading: false, error }));
    });
  }, []);
  useEffect(() => { fetchPage(undefined, false); }, [key, generation, fetchPage]);
  const more = useCallback(() => {
    if (state.next !== null) fetchPage(state.next, true);
  }, [state.next, fetchPage]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, more, reload };
}
