import { useStore } from "zustand";
import { directionOf } from "./format.ts";
import type { TickerStore } from "./ticker-store.ts";

/**
 * What a tile or a list row shows of a quote-mode room. Each part is selected on its own, so a
 * quote frame re-renders the one tile or row it belongs to and nothing else.
 */
export function useQuoteSummary(store: TickerStore) {
  const quote = useStore(store, (s) => s.quote);
  const decimals = useStore(store, (s) => s.decimals);
  const spark = useStore(store, (s) => s.spark);
  const failed = useStore(store, (s) => s.phase === "error");
  const direction = quote ? directionOf(quote.change) : "flat";
  return { quote, decimals, spark, failed, direction };
}
