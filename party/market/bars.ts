/**
 * Chart ranges and the bar interval each one is drawn in, as Yahoo Finance picks them, and the
 * folds between intervals. Shared by simulated rooms and rooms that fetch their long history.
 */
import type { Candle } from "../protocol/index.ts";
import { DAY_MS, weekday } from "./sessions/index.ts";

export type BarRange = "1d" | "5d" | "1m" | "6m" | "1y" | "5y";
export type BarInterval = "1min" | "15min" | "30min" | "1day" | "1week";

export const BAR_RANGES: readonly BarRange[] = ["1d", "5d", "1m", "6m", "1y", "5y"];

export const RANGE_INTERVAL: Record<BarRange, BarInterval> = {
  "1d": "1min",
  "5d": "15min",
  "1m": "30min",
  "6m": "1day",
  "1y": "1day",
  "5y": "1week",
};

/** The calendar days a daily range looks back over, from the day of its last bar. */
export const RANGE_DAYS: Record<"1m" | "6m" | "1y" | "5y", number> = {
  "1m": 30,
  "6m": 182,
  "1y": 365,
  "5y": 1826,
};

export const INTERVAL_MS: Record<"1min" | "15min" | "30min", number> = {
  "1min": 60_000,
  "15min": 15 * 60_000,
  "30min": 30 * 60_000,
};

export type Bars = { interval: BarInterval; candles: Candle[] };

/**
 * Folds candles (oldest first) into buckets of `size` ms aligned to the UTC epoch, which every
 * New York session boundary is on for sizes up to an hour. Empty buckets have no candle.
 */
export function foldCandles(candles: readonly Candle[], size: number): Candle[] {
  return foldBy(candles, (time) => time - (((time % size) + size) % size));
}

/** The Monday (a day number) of the week that holds day number `day`. */
export const weekOf = (day: number): number => day - ((weekday(day) + 6) % 7);

/**
 * Weekly bars from daily ones (each stamped at its day's UTC midnight), one per week from
 * Monday, stamped at the Monday's UTC midnight.
 */
export function weeklyCandles(daily: readonly Candle[]): Candle[] {
  return foldBy(daily, (time) => weekOf(Math.floor(time / DAY_MS)) * DAY_MS);
}

/** One bar of candles (oldest first), stamped `start`; null without any. */
export function foldAll(candles: readonly Candle[], start: number): Candle | null {
  return foldBy(candles, () => start)[0] ?? null;
}

/** Rounds bar volumes, sums of many sizes, to the decimals of a size. */
export function roundVolumes(candles: Candle[], decimals: number): Candle[] {
  const f = 10 ** decimals;
  for (const c of candles) c[5] = Math.round(c[5] * f) / f;
  return candles;
}

function foldBy(candles: readonly Candle[], bucketOf: (time: number) => number): Candle[] {
  const out: Candle[] = [];
  let bar: Candle | null = null;
  for (const c of candles) {
    const start = bucketOf(c[0]);
    if (bar === null || bar[0] !== start) {
      bar = [start, c[1], c[2], c[3], c[4], c[5]];
      out.push(bar);
      continue;
    }
    if (c[2] > bar[2]) bar[2] = c[2];
    if (c[3] < bar[3]) bar[3] = c[3];
    bar[4] = c[4];
    bar[5] += c[5];
  }
  return out;
}
