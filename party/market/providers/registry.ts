/** Every adapter by name, and what a room keeps of the trades an adapter reads. */
import type { Tick } from "../../protocol/index.ts";
import { alpaca } from "./alpaca.ts";
import { binance } from "./binance.ts";
import { coinbase } from "./coinbase.ts";
import { finnhub } from "./finnhub.ts";
import { kraken } from "./kraken.ts";
import type { ExchangeAdapter, ExchangeName, StockAdapter, StockFeedName } from "./types.ts";

/** Exchanges a room connects to itself (named in `FEEDS`). */
export const EXCHANGES: Readonly<Record<ExchangeName, ExchangeAdapter>> = {
  coinbase,
  kraken,
  binance,
};

/** Feeds that allow one connection per key, run by the bridge (`npm run feed`). */
export const STOCK_FEEDS: Readonly<Record<StockFeedName, StockAdapter>> = { finnhub, alpaca };

/**
 * The ticks of a `trades` event that a room should append after its last tick at `lastTime`:
 * in time order, none before `lastTime` (a room's times never go back). Replayed history (a
 * snapshot after a reconnect) also loses ticks at `lastTime`, which the room already holds.
 */
export function freshTicks(
  ticks: readonly Tick[],
  lastTime: number | null,
  replay = false,
): Tick[] {
  const sorted = [...ticks].sort((a, b) => a[0] - b[0]);
  if (lastTime === null) return sorted;
  return sorted.filter(([time]) => (replay ? time > lastTime : time >= lastTime));
}
