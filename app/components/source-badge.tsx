import { useStore } from "zustand";
import type { TickerStore } from "../lib/ticker-store.ts";

/** Where the prices come from, so that simulated prices are never mistaken for a market. */
export function SourceBadge({ store }: { store: TickerStore }) {
  const source = useStore(store, (s) => s.source);
  const feedStatus = useStore(store, (s) => s.feedStatus);
  const stale = useStore(store, (s) => s.quote?.stale === true);
  if (source === null) return <span className="badge skeleton skeleton-badge" aria-hidden="true" />;
  const title =
    source === "sim"
      ? "Simulated prices: deterministic, not a market"
      : source === "push"
        ? "Prices pushed by a feed bridge"
        : `Live prices from ${source}`;
  return (
    <>
      <span className="badge" data-source={source === "sim" ? "sim" : "live"} title={title}>
        {source === "sim" ? "SIM" : source.toUpperCase()}
      </span>
      {stale ? (
        <span
          className="badge badge-warn"
          title="The feed has gone quiet; the last price may be old"
        >
          STALE
        </span>
      ) : null}
      {feedStatus ? <span className="feed-status">{feedStatus}</span> : null}
    </>
  );
}
