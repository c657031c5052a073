import { useStore } from "zustand";
import { formatPrice, formatVolume } from "../lib/format.ts";
import { figure } from "../lib/market-state.ts";
import type { TickerStore } from "../lib/ticker-store.ts";
import { RangeFigure } from "./range-figure.tsx";
import { Stat } from "./stat.tsx";

/** The session's figures. Selected one by one, so that each re-renders only when it changes. */
export function QuoteStats({ store }: { store: TickerStore }) {
  const open = useStore(store, (s) => s.quote?.open ?? null);
  const prevClose = useStore(store, (s) => s.quote?.prevClose ?? null);
  const low = useStore(store, (s) => s.quote?.low ?? null);
  const high = useStore(store, (s) => s.quote?.high ?? null);
  const price = useStore(store, (s) => s.quote?.price ?? null);
  const volume = useStore(store, (s) => s.quote?.volume ?? null);
  // Only rooms with daily history know the year's range: without it the stat is left out.
  const low52 = useStore(store, (s) => figure(s.quote?.low52));
  const high52 = useStore(store, (s) => figure(s.quote?.high52));
  const decimals = useStore(store, (s) => s.decimals);
  const fmt = (v: number) => formatPrice(v, decimals);
  return (
    <dl className="stats">
      <Stat label="Open" value={open === null ? null : fmt(open)} />
      <Stat label="Prev close" value={prevClose === null ? null : fmt(prevClose)} />
      <div className="stat stat-range">
        <dt>Day range</dt>
        <dd>
          {low === null || high === null ? (
            <span className="skeleton skeleton-stat" />
          ) : (
            <RangeFigure low={low} high={high} price={price} format={fmt} />
          )}
        </dd>
      </div>
      {low52 !== null && high52 !== null ? (
        <div className="stat stat-range">
          <dt>52-week range</dt>
          <dd>
            <RangeFigure low={low52} high={high52} price={price} format={fmt} />
          </dd>
        </div>
      ) : null}
      <Stat label="Volume" value={volume === null ? null : formatVolume(volume)} />
    </dl>
  );
}
