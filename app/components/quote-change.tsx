import { useStore } from "zustand";
import type { TickerStore } from "../lib/ticker-store.ts";
import { ChangeText } from "./change-text.tsx";

/** The session's change against the previous close, live. */
export function QuoteChange({ store }: { store: TickerStore }) {
  const change = useStore(store, (s) => s.quote?.change ?? 0);
  const changePct = useStore(store, (s) => s.quote?.changePct ?? 0);
  const decimals = useStore(store, (s) => s.decimals);
  return <ChangeText change={change} changePct={changePct} decimals={decimals} />;
}
