import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";
import { indicatorSeries } from "./indicator.ts";
import { Rsi } from "./rsi.ts";
import { closesToCandles, expectSeries, finished, liveBars } from "./test-candles.ts";

/**
 * Independent reference: at every bar, from the first close again. The first average gain and
 * loss are the plain means of the first `period` changes; each later one is
 * (previous × (period − 1) + current) / period, as in Wilder's "New Concepts in Technical
 * Trading Systems" (1978). RSI = 100 − 100 / (1 + average gain / average loss).
 */
function referenceRsi(closes: readonly number[], period: number): (number | undefined)[] {
  return closes.map((_, i) => {
    if (i < period) return undefined;
    const gains: number[] = [];
    const losses: number[] = [];
    for (let j = 1; j <= i; j++) {
      const change = (closes[j] as number) - (closes[j - 1] as number);
      gains.push(Math.max(change, 0));
      losses.push(Math.max(-change, 0));
    }
    let gain = gains.slice(0, period).reduce((a, b) => a + b, 0) / period;
    let loss = losses.slice(0, period).reduce((a, b) => a + b, 0) / period;
    for (let j = period; j < gains.length; j++) {
      gain = (gain * (period - 1) + (gains[j] as number)) / period;
      loss = (loss * (period - 1) + (losses[j] as number)) / period;
    }
    if (loss === 0) return gain === 0 ? 50 : 100;
    return 100 - 100 / (1 + gain / loss);
  });
}

// StockCharts ChartSchool, "Relative Strength Index (RSI)", its 14-day RSI spreadsheet: the
// closes as printed (two decimals) and the RSI column as printed.
const STOCKCHARTS_CLOSES = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28,
  46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18,
  44.22, 44.57, 43.42, 42.66, 43.13,
];
const STOCKCHARTS_RSI14 = [
  70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46,
  41.87, 45.46, 37.3, 33.08, 37.77,
];
// The same closes run through another library: c9s/bbgo, pkg/indicator/rsi_test.go (Go,
// Wilder's smoothing), whose expected values are that library's output.
const BBGO_RSI14 = [
  70.46413502109704, 66.24961855355505, 66.48094183471265, 69.34685316290864, 66.29471265892624,
  57.91502067008556, 62.88071830996241, 63.208788718287764, 56.01158478954758, 62.33992931089789,
  54.67097137765515, 50.386815195114224, 40.01942379131357, 41.49263540422282, 41.902429678458105,
  45.499497238680405, 37.32277831337995, 33.090482572723396, 37.78877198205783,
];

describe("Rsi", () => {
  const series = indicatorSeries(new Rsi(14), closesToCandles(STOCKCHARTS_CLOSES));

  it("is undefined until 14 changes exist, that is for the first 14 bars", () => {
    expect(series.slice(0, 14)).toEqual(Array(14).fill(undefined));
    expect(series[14]).toBeTypeOf("number");
  });

  it("matches StockCharts ChartSchool's RSI worked example", () => {
    // Published worked example (values above). The sheet's arithmetic runs on prices with more
    // decimals than it prints, which moves its RSI by up to 0.07 from the printed closes'.
    expectSeries(series.slice(14), STOCKCHARTS_RSI14, 0.1);
  });

  it("matches c9s/bbgo's RSI on the same closes", () => {
    // Another library's output on a fixed series (values above).
    expectSeries(series.slice(14), BBGO_RSI14, 1e-9);
  });

  it("matches a from-scratch recomputation at every bar", () => {
    // Reference: referenceRsi above, on a fixed seeded walk of 500 bars.
    const candles = finished(liveBars(500, { seed: 5 }));
    const closes = candles.map((c: Candle) => c[4]);
    for (const period of [2, 14, 50]) {
      expectSeries(indicatorSeries(new Rsi(period), candles), referenceRsi(closes, period), 1e-9);
    }
  });

  it("reads 100 when prices only rose, 0 when they only fell, 50 when they never moved", () => {
    const up = closesToCandles(Array.from({ length: 20 }, (_, i) => 100 + i));
    const down = closesToCandles(Array.from({ length: 20 }, (_, i) => 100 - i));
    const flat = closesToCandles(Array(20).fill(100));
    expect(indicatorSeries(new Rsi(14), up).at(-1)).toBe(100);
    expect(indicatorSeries(new Rsi(14), down).at(-1)).toBe(0);
    expect(indicatorSeries(new Rsi(14), flat).at(-1)).toBe(50);
  });
});
