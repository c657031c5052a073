import { useStore } from "zustand";
import { formatPrice, formatVolume } from "../lib/format.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import { Stat } from "./stat.tsx";

/** The session's figures. Selected one by one, so that each re-renders only when it changes. */
export function QuoteStats({ store }: { store: TickerStore }) {
  const open = useStore(store, (s) => s.quote?.open ?? null);
  const prevClose = useStore(store, (s) => s.quote?.prevClose ?? null);
  const low = useStore(store, (s) => s.quote?.low ?? null);
  const high = useStore(store, (s) => s.quote?.high ?? null);
  const price = useStore(store, (s) => s.quote?.price ?? null);
  const volume = useStore(store, (s) => s.quote?.volume ?? null);
  const decimals = useStore(store, (s) => s.decimals);
  const fmt = (v: number | null) => (v === null ? null : formatPrice(v, decimals));
  const position =
    low !== null && high !== null && price !== null && high > low
      ? ((price - low) / (high - low)) * 100
      : 50;
  return (
    <dl className="stats">
      <Stat label="Open" value={fmt(open)} />
      <Stat label="Prev close" value={fmt(prevClose)} />
      <div className="stat stat-range">
        <dt>Day range</dt>
        <dd>
          {low === null || high === null ? (
            <span className="skeleton skeleton-stat" />
          ) : (
            <>
              <span>
                {fmt(low)}
                <span aria-hidden="true"> – </span>
                <span className="visually-hidden"> to </span>
                {fmt(high)}
              </span>
              <span className="range-bar" aria-hidden="true">
                <span className="range-marker" style={{ left: `${position}%` }} />
              </span>
            </>
          )}
        </dd>
      </div>
      <Stat label="Volume" value={volume === null ? null : formatVolume(volume)} />
    </dl>
  );
}
