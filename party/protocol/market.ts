/** Market data shapes: ticks, candles, quotes, sources. */

export const CANDLE_MS = 60_000;

/** The start of the bucket of `size` ms that holds `time` (a candle's start for `CANDLE_MS`). */
export function bucketStart(time: number, size = CANDLE_MS): number {
  return time - (((time % size) + size) % size);
}

/** `[time, price, size]` */
export type Tick = [time: number, price: number, size: number];
/** `[start, open, high, low, close, volume]`, one-minute buckets. */
export type Candle = [
  start: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
];

/** Index of the candle starting at `start`, or the bitwise complement of where it would go. */
export function findCandle(candles: readonly Candle[], start: number): number {
  const last = candles[candles.length - 1];
  // Live ticks almost always land in the newest candle or just after it.
  if (last === undefined || start > last[0]) return ~candles.length;
  if (start === last[0]) return candles.length - 1;
  let lo = 0;
  let hi = candles.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = (candles[mid] as Candle)[0];
    if (s === start) return mid;
    if (s < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return ~lo;
}

export type Quote = {
  price: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  change: number;
  changePct: number;
  volume: number;
  time: number;
  /** A real feed has gone quiet past its heartbeat. */
  stale?: true;
  /** Additive: the market's state at `time` for US stocks; `continuous` for crypto. */
  session?: MarketSession;
  /**
   * Additive: the close of the last regular session, while a stock trades outside it (pre,
   * post) or is closed; the extended-hours move is `price - regularClose`.
   */
  regularClose?: number;
  /** Additive: the 52-week range, from daily candles. */
  high52?: number;
  low52?: number;
};

export const MARKET_SESSIONS = ["pre", "regular", "post", "closed", "continuous"] as const;
export type MarketSession = (typeof MARKET_SESSIONS)[number];

/** Exchanges whose public trade socket a ticker room opens itself (named in `FEEDS`). */
export type ExchangeName = "coinbase" | "kraken" | "binance";

/** Where a ticker room's prices come from: the simulator, pushes, or an exchange. */
export type Source = "sim" | "push" | ExchangeName;
