import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";
import { indicatorSeries } from "./indicator.ts";
import { Sma } from "./sma.ts";
import { closesToCandles, expectSeries, finished, liveBars } from "./test-candles.ts";

/** Independent reference: the textbook mean of the last `period` closes, added up afresh at every bar. */
function referenceSma(candles: readonly Candle[], period: number): (number | undefined)[] {
  return candles.map((_, i) => {
    if (i + 1 < period) return undefined;
    let sum = 0;
    for (let j = i + 1 - period; j <= i; j++) sum += (candles[j] as Candle)[4];
    return sum / period;
  });
}

describe("Sma", () => {
  it("matches StockCharts ChartSchool's worked SMA example", () => {
    // Published worked example ("Moving Averages - Simple and Exponential"): closes 11 to 17,
    // five-day SMA 13, 14, 15.
    const series = indicatorSeries(new Sma(5), closesToCandles([11, 12, 13, 14, 15, 16, 17]));
    expect(series).toEqual([undefined, undefined, undefined, undefined, 13, 14, 15]);
  });

  it("matches a from-scratch recomputation at every bar, for short and long periods", () => {
    // Reference: referenceSma above, on a fixed seeded walk of 700 bars.
    const candles = finished(liveBars(700));
    for (const period of [2, 20, 200, 500]) {
      expectSeries(indicatorSeries(new Sma(period), candles), referenceSma(candles, period), 1e-9);
    }
  });

  it("stays on the reference over a long session at a high price", () => {
    // Reference: referenceSma above, over 5,000 bars near 60,000.
    const candles = finished(liveBars(5_000, { price: 60_000, step: 0.0004, seed: 3 }));
    expectSeries(indicatorSeries(new Sma(50), candles), referenceSma(candles, 50), 1e-9);
  });

  it("forgets a bad print within a period of its leaving the window", () => {
    // Reference: referenceSma above. A running sum that adds 1e17 and later takes it off keeps
    // that step's rounding error (up to 8 at that size) for good unless it is added up afresh.
    const closes = Array.from({ length: 40 }, (_, i) => (i === 10 ? 1e17 : 100 + i * 0.37));
    const candles = closesToCandles(closes);
    const series = indicatorSeries(new Sma(5), candles);
    expectSeries(series.slice(-20), referenceSma(candles, 5).slice(-20), 1e-9);
  });

  it("is undefined until `period` bars exist", () => {
    const series = indicatorSeries(new Sma(3), closesToCandles([1, 2]));
    expect(series).toEqual([undefined, undefined]);
  });

  it("refuses a period that is not a whole number of bars", () => {
    expect(() => new Sma(0)).toThrow(RangeError);
    expect(() => new Sma(2.5)).toThrow(RangeError);
    expect(() => new Sma(Number.NaN)).toThrow(RangeError);
  });
});
