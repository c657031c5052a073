import { useStore } from "zustand";
import { SESSION_LABEL, sessionOf } from "../lib/market-state.ts";
import type { TickerStore } from "../lib/ticker-store.ts";

/** Pre-market, Open, After hours, Closed or 24/7; nothing while the room does not say. */
export function MarketState({ store }: { store: TickerStore }) {
  const session = useStore(store, (s) => sessionOf(s.quote));
  if (session === null) return null;
  return (
    <span className="market-state" data-session={session}>
      <span className="visually-hidden">Market: </span>
      {SESSION_LABEL[session]}
    </span>
  );
}
