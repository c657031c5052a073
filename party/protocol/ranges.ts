/**
 * Long chart ranges over HTTP: `GET /parties/ticker/:symbol?range=1y` answers the bars of one
 * range in the interval that range is drawn in, apart from the live snapshot, which stays a day.
 */
import type { PROTOCOL_VERSION } from "./limits.ts";
import type { Candle, Source } from "./market.ts";

export const CHART_RANGES = ["1d", "5d", "1m", "6m", "1y", "5y"] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

export type RangeInterval = "1min" | "15min" | "1hour" | "1day" | "1week";

/** Every bar of an interval starts this long after the one before (a stock's days skip closed ones). */
export const RANGE_INTERVAL_MS: Record<RangeInterval, number> = {
  "1min": 60_000,
  "15min": 15 * 60_000,
  "1hour": 3_600_000,
  "1day": 86_400_000,
  "1week": 7 * 86_400_000,
};

export function isChartRange(value: string): value is ChartRange {
  return (CHART_RANGES as readonly string[]).includes(value);
}

/** The answer to `?range=`: candles oldest first, each `[start, open, high, low, close, volume]`. */
export type RangeAnswer = {
  v: typeof PROTOCOL_VERSION;
  symbol: string;
  source: Source;
  range: ChartRange;
  interval: RangeInterval;
  /** Epoch ms the bars are computed up to: trades after it are not in them. */
  asOf: number;
  /**
   * Which trades the bars hold: `regular`, a stock's regular session only (9:30 to 16:00 New
   * York time, as its daily bars do), or `all` of them.
   */
  hours: "regular" | "all";
  candles: Candle[];
};
