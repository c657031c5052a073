import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";
import { Ema } from "./ema.ts";
import { indicatorSeries } from "./indicator.ts";
import { closesToCandles, expectSeries, finished, liveBars } from "./test-candles.ts";

/**
 * Independent reference: at every bar, start from the first close again: the SMA of the first
 * `period` closes, then EMA = (close − EMA) × 2 / (period + 1) + EMA up to that bar.
 */
function referenceEma(closes: readonly number[], period: number): (number | undefined)[] {
  return closes.map((_, i) => {
    if (i + 1 < period) return undefined;
    let ema = 0;
    for (let j = 0; j < period; j++) ema += closes[j] as number;
    ema /= period;
    const k = 2 / (period + 1);
    for (let j = period; j <= i; j++) ema = ((closes[j] as number) - ema) * k + ema;
    return ema;
  });
}

// StockCharts ChartSchool, "Moving Averages - Simple and Exponential", the 10-day EMA
// spreadsheet: its closes as printed, and its EMA column (to two decimals) from day 10.
const STOCKCHARTS_CLOSES = [
  22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61,
  23.36, 24.05, 23.75, 23.83, 23.95, 23.63, 23.82, 23.87, 23.65, 23.19, 23.1, 23.33, 22.68, 23.1,
  22.4, 22.17,
];
const STOCKCHARTS_EMA10 = [
  22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.53,
  23.47, 23.4, 23.39, 23.26, 23.23, 23.08, 22.92,
];

describe("Ema", () => {
  it("matches StockCharts ChartSchool's 10-day EMA worked example", () => {
    // Published worked example (values above). The sheet prints two decimals, so agreement is
    // to half a cent (its last value, 22.915 here, prints as 22.92), not to 1e-9.
    const series = indicatorSeries(new Ema(10), closesToCandles(STOCKCHARTS_CLOSES));
    expect(series.slice(0, 9)).toEqual(Array(9).fill(undefined));
    expectSeries(series.slice(9), STOCKCHARTS_EMA10, 0.006);
  });

  it("starts at the SMA of the first `period` closes", () => {
    // Reference: the arithmetic mean of closes 1 to 5.
    const series = indicatorSeries(new Ema(5), closesToCandles([1, 2, 3, 4, 5, 6]));
    expect(series[4]).toBe(3);
    // Then one step with k = 2 / 6: (6 − 3) × 1/3 + 3.
    expect(series[5]).toBeCloseTo(4, 12);
  });

  it("matches a from-scratch recomputation at every bar", () => {
    // Reference: referenceEma above, on a fixed seeded walk of 600 bars.
    const candles = finished(liveBars(600, { seed: 11 }));
    const closes = candles.map((c: Candle) => c[4]);
    for (const period of [2, 10, 50, 200]) {
      expectSeries(indicatorSeries(new Ema(period), candles), referenceEma(closes, period), 1e-9);
    }
  });
});
