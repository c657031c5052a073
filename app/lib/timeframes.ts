/**
 * Chart timeframes, built in the client: the room sends one-minute candles and ticks, and every
 * longer bar is a fold of those, so switching timeframe needs no round trip.
 */
import {
  bucketStart,
  CANDLE_MS,
  type Candle,
  findCandle,
  type Tick,
} from "../../party/protocol/index.ts";

export type TimeframeId = "tick" | "1m" | "5m" | "15m" | "1h";

export type Timeframe = {
  id: TimeframeId;
  label: string;
  /** Bar length in ms; 0 for the tick line. */
  ms: number;
  /** Bars in view after a reset: enough to read the trend, few enough to read each bar. */
  visibleBars: number;
};

export const TIMEFRAMES: readonly Timeframe[] = [
  { id: "tick", label: "Tick", ms: 0, visibleBars: 300 },
  { id: "1m", label: "1m", ms: CANDLE_MS, visibleBars: 150 },
  { id: "5m", label: "5m", ms: 5 * CANDLE_MS, visibleBars: 120 },
  { id: "15m", label: "15m", ms: 15 * CANDLE_MS, visibleBars: 96 },
  { id: "1h", label: "1h", ms: 60 * CANDLE_MS, visibleBars: 24 },
];

export const DEFAULT_TIMEFRAME = TIMEFRAMES[1] as Timeframe;

/** The timeframe named in a URL, or the default for anything else. */
export function timeframeById(id: string | null | undefined): Timeframe {
  return TIMEFRAMES.find((tf) => tf.id === id) ?? DEFAULT_TIMEFRAME;
}

/**
 * Folds one-minute candles (oldest first) into bars of `ms`. Minutes without trades stay
 * gaps: a bar exists only where at least one minute traded.
 */
export function aggregateCandles(candles: readonly Candle[], ms: number): Candle[] {
  if (ms <= CANDLE_MS) return candles.slice();
  const out: Candle[] = [];
  let bar: Candle | undefined;
  for (const [start, open, high, low, close, volume] of candles) {
    const bucket = bucketStart(start, ms);
    if (bar === undefined || bucket !== bar[0]) {
      bar = [bucket, open, high, low, close, volume];
      out.push(bar);
      continue;
    }
    if (high > bar[2]) bar[2] = high;
    if (low < bar[3]) bar[3] = low;
    bar[4] = close;
    bar[5] += volume;
  }
  return out;
}

/**
 * The bars of `ms` from the one that holds `from` to the newest: the only bars that ticks at or
 * after `from` can have changed.
 */
export function barsSince(candles: readonly Candle[], ms: number, from: number): Candle[] {
  const first = bucketStart(from, ms);
  let i = candles.length;
  while (i > 0 && (candles[i - 1] as Candle)[0] >= first) i--;
  return aggregateCandles(candles.slice(i), ms);
}

/**
 * Folds ticks into candles of `ms`, copying only what changes: the result shares every
 * untouched candle with the input, so a long history costs one array copy per batch.
 */
export function foldTicks(
  candles: readonly Candle[],
  ticks: readonly Tick[],
  ms: number,
): Candle[] {
  const out = candles.slice();
  const copied = new Set<number>();
  for (const [time, price, size] of ticks) {
    const start = bucketStart(time, ms);
    const at = findCandle(out, start);
    if (at < 0) {
      out.splice(~at, 0, [start, price, price, price, price, size]);
      copied.add(start);
      continue;
    }
    let bar = out[at] as Candle;
    if (!copied.has(start)) {
      bar = [...bar];
      out[at] = bar;
      copied.add(start);
    }
    if (price > bar[2]) bar[2] = price;
    if (price < bar[3]) bar[3] = price;
    // A late tick for an older bar widens its range but does not rewrite its close.
    if (at === out.length - 1) bar[4] = price;
    bar[5] += size;
  }
  return out;
}

/** Drops candles more than `keepMs` older than the newest one. */
export function trimCandles(candles: Candle[], keepMs: number): Candle[] {
  const newest = candles[candles.length - 1];
  if (!newest) return candles;
  const cutoff = newest[0] - keepMs;
  let n = 0;
  while (n < candles.length && (candles[n] as Candle)[0] <= cutoff) n++;
  return n === 0 ? candles : candles.slice(n);
}

/**
 * The tick line keeps at most about this many points (two screens of them). Lightweight Charts
 * works through every point a series holds, not only those on screen, at each redraw and at
 * each new point: a tick line left to grow would make a busy symbol's chart slower by the
 * minute. Older trades are in the candles of the other timeframes.
 */
export const TICK_WINDOW = 600;

/** One point of the tick line. */
export type TickPoint = { time: number; price: number; size: number };

/** A point of the tick line as a bar: its open, high, low and close are its price. */
export const pointBar = (p: TickPoint): Candle => [
  p.time,
  p.price,
  p.price,
  p.price,
  p.price,
  p.size,
];

/**
 * The tick line's points, with strictly increasing times as the chart requires: ticks that
 * share a millisecond become one point (the last price, the summed size), and a tick older
 * than the one before it is dropped.
 */
export function tickPoints(ticks: readonly Tick[]): TickPoint[] {
  const out: TickPoint[] = [];
  let last: TickPoint | undefined;
  for (const [time, price, size] of ticks) {
    if (last !== undefined && time <= last.time) {
      if (time === last.time) {
        last.price = price;
        last.size += size;
      }
      continue;
    }
    last = { time, price, size };
    out.push(last);
  }
  return out;
}
