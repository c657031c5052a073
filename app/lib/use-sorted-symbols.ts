import { useCallback, useMemo, useRef, useSyncExternalStore } from "react";
import { getTickerStore } from "./ticker-store.ts";
import { type Sort, sameOrder, sortSymbols } from "./watchlist-sort.ts";

/**
 * The list's symbols in the viewer's sort, live: it follows every row's quote-mode store, and
 * re-renders its caller only when the order itself changes, never for a quote that leaves the
 * order as it was. Without a sort it is the list's own order and follows no quote at all.
 */
export function useSortedSymbols(symbols: readonly string[], sort: Sort | null): readonly string[] {
  const stores = useMemo(() => symbols.map((symbol) => getTickerStore(symbol, "quote")), [symbols]);
  const last = useRef<readonly string[]>(symbols);

  const subscribe = useCallback(
    (notify: () => void) => {
      if (sort === null) return () => {};
      const unsubscribes = stores.map((store) => store.subscribe(notify));
      return () => {
        for (const unsubscribe of unsubscribes) unsubscribe();
      };
    },
    [stores, sort],
  );

  const order = () => {
    const next =
      sort === null
        ? symbols
        : sortSymbols(
            symbols,
            stores.map((store) => store.getState().quote),
            sort,
          );
    // The same order is the same array, so that React sees no change.
    if (!sameOrder(next, last.current)) last.current = next;
    return last.current;
  };

  return useSyncExternalStore(subscribe, order, order);
}
