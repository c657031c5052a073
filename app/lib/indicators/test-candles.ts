/** Deterministic bars for the indicator tests: the same series on every machine and every run. */
import { expect } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";

export const MINUTE = 60_000;

/** mulberry32: a tiny seeded generator, so a failure can be replayed exactly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One-minute bars whose open, high and low are the close: for examples that give only closes. */
export function closesToCandles(closes: readonly number[], start = Date.UTC(2026, 0, 5)): Candle[] {
  return closes.map((close, i) => [start + i * MINUTE, close, close, close, close, 1]);
}

export type LiveBar = {
  /** The bar after each of its ticks, as a chart sees it: the last one is the finished bar. */
  versions: Candle[];
};

/**
 * A random walk of one-minute bars built tick by tick, as the chart folds them. Some minutes
 * have zero volume, and a start at 22:00 UTC puts a UTC midnight inside the first 300 bars.
 */
export function liveBars(
  count: number,
  { seed = 7, price = 100, step = 0.004, start = Date.UTC(2026, 2, 9, 22, 0) } = {},
): LiveBar[] {
  const random = seeded(seed);
  const out: LiveBar[] = [];
  let last = price;
  for (let i = 0; i < count; i++) {
    const time = start + i * MINUTE;
    const ticks = 1 + Math.floor(random() * 8);
    const quiet = random() < 0.05;
    const versions: Candle[] = [];
    let bar: Candle | undefined;
    for (let t = 0; t < ticks; t++) {
      last *= 1 + (random() - 0.5) * step;
      const size = quiet ? 0 : Math.round(random() * 1000) / 100;
      bar =
        bar === undefined
          ? [time, last, last, last, last, size]
          : [time, bar[1], Math.max(bar[2], last), Math.min(bar[3], last), last, bar[5] + size];
      versions.push(bar);
    }
    out.push({ versions });
  }
  return out;
}

/** The finished bars of a live series. */
export function finished(bars: readonly LiveBar[]): Candle[] {
  return bars.map((bar) => bar.versions[bar.versions.length - 1] as Candle);
}

/**
 * Asserts that two series are defined at the same bars and within `tolerance` of each other at
 * every one; a failure names the bar furthest apart.
 */
export function expectSeries(
  got: readonly (number | undefined)[],
  want: readonly (number | undefined)[],
  tolerance: number,
): void {
  expect(got.map((v) => v === undefined)).toEqual(want.map((v) => v === undefined));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < got.length; i++) {
    const a = got[i];
    const b = want[i];
    if (a === undefined || b === undefined) continue;
    const d = Math.abs(a - b);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `bar ${at}: ${got[at]} against ${want[at]}`).toBeLessThanOrEqual(tolerance);
}
