/**
 * The quote: the current session's figures. A session is a UTC day; the previous close is the
 * last price of the day before (or the session's open when the room has no earlier history).
 */
import { bucketStart, type Candle, type Quote, type Tick } from "../protocol/index.ts";
import { DAY_MS } from "./simulator.ts";

export type Session = {
  day: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  volume: number;
  price: number;
  time: number;
};

const dayOf = (time: number) => Math.floor(time / DAY_MS);

/** Applies ticks (in time order) to a session; returns the session they leave. */
export function applyTicks(session: Session | null, ticks: readonly Tick[]): Session | null {
  let s = session;
  for (const [time, price, size] of ticks) {
    const day = dayOf(time);
    if (s === null || day > s.day) {
      const prevClose = s === null ? price : s.price;
      s = { day, open: price, high: price, low: price, prevClose, volume: size, price, time };
      continue;
    }
    if (price > s.high) s.high = price;
    if (price < s.low) s.low = price;
    s.volume += size;
    if (time >= s.time) {
      s.price = price;
      s.time = time;
    }
  }
  return s;
}

/**
 * Rebuilds the session from one-minute candles (oldest first) and the last tick. The price is
 * the last tick's, unless a candle is newer than its minute (history merged after it, filling
 * a gap the ticks left): then the newest candle's close is the latest trade known.
 */
export function sessionFromCandles(
  candles: readonly Candle[],
  last: Tick | undefined,
): Session | null {
  const lastCandle = candles[candles.length - 1];
  if (!lastCandle) return null;
  const latest = last && bucketStart(last[0]) >= lastCandle[0] ? last : undefined;
  const day = dayOf(lastCandle[0]);
  let i = candles.length - 1;
  while (i > 0 && dayOf((candles[i - 1] as Candle)[0]) === day) i--;
  const first = candles[i] as Candle;
  const before = candles[i - 1];
  let high = first[2];
  let low = first[3];
  let volume = 0;
  for (let k = i; k < candles.length; k++) {
    const c = candles[k] as Candle;
    if (c[2] > high) high = c[2];
    if (c[3] < low) low = c[3];
    volume += c[5];
  }
  return {
    day,
    open: first[1],
    high,
    low,
    prevClose: before ? before[4] : first[1],
    volume,
    price: latest ? latest[1] : lastCandle[4],
    time: latest ? latest[0] : lastCandle[0],
  };
}

/** The protocol's quote for a session. `volumeDecimals` keeps float sums readable. */
export function toQuote(s: Session, volumeDecimals = 8): Quote {
  const change = s.price - s.prevClose;
  const f = 10 ** volumeDecimals;
  return {
    price: s.price,
    open: s.open,
    high: s.high,
    low: s.low,
    prevClose: s.prevClose,
    change: roundSignificant(change),
    changePct: s.prevClose > 0 ? Math.round((change / s.prevClose) * 1e6) / 1e4 : 0,
    volume: Math.round(s.volume * f) / f,
    time: s.time,
  };
}

/** Removes float noise such as 0.30000000000000004 from a difference of prices. */
export function roundSignificant(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}
