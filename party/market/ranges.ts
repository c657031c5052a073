/**
 * What `GET ?range=` answers, decided without a platform: which ranges there are, the interval
 * each is drawn in (as Yahoo Finance draws them: 1D in minutes, 5D in quarter hours, 1M in hours,
 * 6M and 1Y in days, 5Y in weeks), the bars of a simulated room, the bars a room makes of the
 * one-minute candles it holds (pushed or exchange rooms), and how long an answer may be cached.
 */
import {
  type Candle,
  CHART_RANGES,
  type ChartRange,
  isChartRange,
  RANGE_INTERVAL_MS,
  type RangeInterval,
} from "../protocol/index.ts";
import { foldCandles, RANGE_DAYS, roundVolumes, weeklyCandles } from "./bars.ts";
import { simulatedBars } from "./simulated-bars.ts";
import { DAY_MS, simSpec } from "./simulator.ts";

export const RANGE_INTERVAL: Record<ChartRange, RangeInterval> = {
  "1d": "1min",
  "5d": "15min",
  "1m": "1hour",
  "6m": "1day",
  "1y": "1day",
  "5y": "1week",
};

/** How far back a range reaches from its newest bar. */
export const RANGE_SPAN_MS: Record<ChartRange, number> = {
  "1d": DAY_MS,
  "5d": 5 * DAY_MS,
  "1m": RANGE_DAYS["1m"] * DAY_MS,
  "6m": RANGE_DAYS["6m"] * DAY_MS,
  "1y": RANGE_DAYS["1y"] * DAY_MS,
  "5y": RANGE_DAYS["5y"] * DAY_MS,
};

/** Sums of sizes keep this many decimals: any size a feed sends, without float residue. */
const HELD_VOLUME_DECIMALS = 8;

export type RangeParse = { ok: true; range: ChartRange } | { ok: false; message: string };

/** The `range` query value, exactly one of the listed ranges (case as written). */
export function parseRange(raw: string): RangeParse {
  if (isChartRange(raw)) return { ok: true, range: raw };
  const shown = raw.length > 16 ? `${raw.slice(0, 16)}…` : raw;
  return {
    ok: false,
    message: `range must be one of ${CHART_RANGES.join(", ")}, not "${shown}"`,
  };
}

/**
 * Seconds an answer may be cached (HTTP `max-age`, and the room's own memory): about a sixth of
 * a bar, so that a cached chart is never more than a fraction of its newest bar behind. A room
 * fed by pushes or an exchange answers from history that a push or a reset may rewrite, so a
 * few seconds at most.
 */
export function rangeMaxAge(interval: RangeInterval, derived: boolean): number {
  const sixth = Math.round(RANGE_INTERVAL_MS[interval] / 6_000);
  return derived ? Math.min(900, Math.max(10, sixth)) : 5;
}

/**
 * Which trades a range's bars hold: a stock on the NYSE calendar shows its pre-market and
 * after-hours only in 1D and 5D, as Yahoo does; everything else holds every trade.
 */
export function rangeHours(range: ChartRange, calendar: boolean): "regular" | "all" {
  return calendar && range !== "1d" && range !== "5d" ? "regular" : "all";
}

export type SimulatedRangeOptions = {
  /** Whether a stock follows the NYSE calendar (`SIM_SESSIONS`); crypto trades around the clock. */
  sessions: boolean;
  /** Whether the symbol is a stock, whose hours start at half past (9:30 New York). */
  stock: boolean;
};

/** The bars of `range` for a simulated room at `now`: the same on every machine. */
export function simulatedRange(
  symbol: string,
  range: ChartRange,
  now: number,
  options: SimulatedRangeOptions,
): Candle[] {
  const { candles } = simulatedBars(symbol, range, now, { sessions: options.sessions });
  if (range !== "1m") return candles;
  // The simulator draws 1M in half hours; hours of a stock's session start at its 9:30 open.
  const halfPast = options.stock && options.sessions;
  const hours = foldShifted(candles, RANGE_INTERVAL_MS["1hour"], halfPast ? 30 * 60_000 : 0);
  return roundVolumes(hours, simSpec(symbol).sizeDecimals);
}

/**
 * The bars of `range` from the one-minute candles a room holds (oldest first), up to `now`:
 * only as far back as they reach, which for a room's own history is a day. Days are UTC days,
 * weeks start on Monday, hours and quarter hours on the UTC clock.
 */
export function heldRange(minutes: readonly Candle[], range: ChartRange, now: number): Candle[] {
  const from = now - RANGE_SPAN_MS[range];
  const kept = minutes.filter((c) => c[0] >= from && c[0] <= now);
  const interval = RANGE_INTERVAL[range];
  if (interval === "1min") return kept.map((c) => [...c] as Candle);
  const bars =
    interval === "1week"
      ? weeklyCandles(foldCandles(kept, DAY_MS))
      : foldCandles(kept, RANGE_INTERVAL_MS[interval]);
  return roundVolumes(bars, HELD_VOLUME_DECIMALS);
}

/** Folds into buckets of `size` that start `offset` ms after the epoch's. */
export function foldShifted(candles: readonly Candle[], size: number, offset: number): Candle[] {
  if (offset === 0) return foldCandles(candles, size);
  const shifted = candles.map((c): Candle => [c[0] - offset, c[1], c[2], c[3], c[4], c[5]]);
  return foldCandles(shifted, size).map(
    (c): Candle => [c[0] + offset, c[1], c[2], c[3], c[4], c[5]],
  );
}
