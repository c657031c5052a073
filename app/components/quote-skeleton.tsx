import { useStore } from "zustand";
import type { TickerStore } from "../lib/ticker-store.ts";

/** Stands in for the price before the first snapshot; a room with no trade yet says so. */
export function QuoteSkeleton({ store }: { store: TickerStore }) {
  const noTrades = useStore(store, (s) => s.phase === "ready");
  if (noTrades) {
    return <span className="quote-empty">No trades yet: prices appear with the first trade.</span>;
  }
  return (
    <span className="quote-skeleton" aria-hidden="true">
      <span className="skeleton skeleton-last" />
      <span className="skeleton skeleton-change" />
    </span>
  );
}
