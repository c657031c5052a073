import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";
import { BollingerBands, type BollingerValue } from "./bollinger-bands.ts";
import { indicatorSeries } from "./indicator.ts";
import { closesToCandles, expectSeries, finished, liveBars } from "./test-candles.ts";

/**
 * Independent reference: for every bar, the mean of the last `period` closes and their
 * population standard deviation (divide by `period`), each computed afresh from the window.
 */
function referenceBands(
  candles: readonly Candle[],
  period: number,
  k: number,
): (BollingerValue | undefined)[] {
  return candles.map((_, i) => {
    if (i + 1 < period) return undefined;
    const window = candles.slice(i + 1 - period, i + 1).map((c) => c[4]);
    const mean = window.reduce((a, b) => a + b, 0) / period;
    const variance = window.reduce((a, b) => a + (b - mean) ** 2, 0) / period;
    const sd = Math.sqrt(variance);
    return { middle: mean, upper: mean + k * sd, lower: mean - k * sd };
  });
}

function expectBands(
  got: readonly (BollingerValue | undefined)[],
  want: readonly (BollingerValue | undefined)[],
  tolerance: number,
): void {
  for (const band of ["middle", "upper", "lower"] as const) {
    expectSeries(
      got.map((v) => v?.[band]),
      want.map((v) => v?.[band]),
      tolerance,
    );
  }
}

describe("BollingerBands", () => {
  it("uses the population standard deviation, worked by hand on the closes 1 to 20", () => {
    // Reference: hand arithmetic. The mean of 1..20 is 10.5; the population variance of n
    // consecutive integers is (n² − 1) / 12 = 399 / 12 = 33.25. (The sample form would give
    // 35, and bands 0.3 wider.)
    const series = indicatorSeries(
      new BollingerBands(20, 2),
      closesToCandles(Array.from({ length: 20 }, (_, i) => i + 1)),
    );
    expect(series.slice(0, 19)).toEqual(Array(19).fill(undefined));
    const last = series[19] as BollingerValue;
    expect(last.middle).toBeCloseTo(10.5, 12);
    expect(last.upper).toBeCloseTo(10.5 + 2 * Math.sqrt(33.25), 12);
    expect(last.lower).toBeCloseTo(10.5 - 2 * Math.sqrt(33.25), 12);
  });

  it("defaults to 20 bars and two deviations", () => {
    const bands = new BollingerBands();
    expect([bands.period, bands.k]).toEqual([20, 2]);
  });

  it("matches a from-scratch recomputation at every bar", () => {
    // Reference: referenceBands above, on a fixed seeded walk of 500 bars.
    const candles = finished(liveBars(500, { seed: 9 }));
    for (const [period, k] of [
      [20, 2],
      [5, 1.5],
      [100, 2.5],
    ] as const) {
      expectBands(
        indicatorSeries(new BollingerBands(period, k), candles),
        referenceBands(candles, period, k),
        1e-9,
      );
    }
  });

  it("keeps its precision at a high price with a narrow spread", () => {
    // Reference: referenceBands above. Near 60,000 with moves of a few cents, a
    // sum-of-squares shortcut would cancel away every significant digit of the spread.
    const candles = finished(liveBars(3_000, { price: 60_000, step: 0.000002, seed: 4 }));
    const got = indicatorSeries(new BollingerBands(), candles);
    expectBands(got, referenceBands(candles, 20, 2), 1e-9);
    for (const v of got.slice(19)) {
      expect(v && v.lower <= v.middle && v.middle <= v.upper).toBe(true);
    }
  });

  it("collapses to the price when the price does not move", () => {
    const series = indicatorSeries(new BollingerBands(20), closesToCandles(Array(25).fill(42)));
    expect(series[24]).toEqual({ middle: 42, upper: 42, lower: 42 });
  });
});
