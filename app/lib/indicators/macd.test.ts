import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";
import { indicatorSeries } from "./indicator.ts";
import { Macd, type MacdValue } from "./macd.ts";
import { closesToCandles, expectSeries, finished, liveBars } from "./test-candles.ts";

/** The textbook EMA of a whole list: SMA of the first `period` values, then the recursion. */
function emaOf(values: readonly number[], period: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  const k = 2 / (period + 1);
  let ema = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (i + 1 < period) {
      ema += v;
      out.push(undefined);
    } else if (i + 1 === period) {
      ema = (ema + v) / period;
      out.push(ema);
    } else {
      ema = (v - ema) * k + ema;
      out.push(ema);
    }
  }
  return out;
}

/**
 * Independent reference: at every bar, from the first close again: EMA(fast) − EMA(slow) where
 * both exist, the signal as the EMA of that MACD list, and the histogram as their difference.
 */
function referenceMacd(
  closes: readonly number[],
  fast: number,
  slow: number,
  signal: number,
): (MacdValue | undefined)[] {
  return closes.map((_, i) => {
    const prefix = closes.slice(0, i + 1);
    const f = emaOf(prefix, fast);
    const s = emaOf(prefix, slow);
    const line: number[] = [];
    for (let j = 0; j <= i; j++) {
      const a = f[j];
      const b = s[j];
      if (a !== undefined && b !== undefined) line.push(a - b);
    }
    const macd = line.at(-1);
    if (macd === undefined) return undefined;
    const sig = emaOf(line, signal).at(-1);
    return { macd, signal: sig, histogram: sig === undefined ? undefined : macd - sig };
  });
}

function expectMacd(
  got: readonly (MacdValue | undefined)[],
  want: readonly (MacdValue | undefined)[],
): void {
  expect(got.map((v) => v === undefined)).toEqual(want.map((v) => v === undefined));
  for (const part of ["macd", "signal", "histogram"] as const) {
    expectSeries(
      got.map((v) => v?.[part]),
      want.map((v) => v?.[part]),
      1e-9,
    );
  }
}

describe("Macd", () => {
  const candles = finished(liveBars(400, { seed: 13 }));
  const closes = candles.map((c: Candle) => c[4]);

  it("matches a from-scratch recomputation at every bar, with 12, 26 and 9", () => {
    // Reference: referenceMacd above, on a fixed seeded walk of 400 bars.
    expectMacd(indicatorSeries(new Macd(), candles), referenceMacd(closes, 12, 26, 9));
  });

  it("matches a from-scratch recomputation with other periods", () => {
    // Reference: referenceMacd above.
    expectMacd(indicatorSeries(new Macd(5, 35, 5), candles), referenceMacd(closes, 5, 35, 5));
  });

  it("draws the MACD line from bar 26 and the signal from bar 34", () => {
    const series = indicatorSeries(new Macd(), candles);
    expect(series.findIndex((v) => v !== undefined)).toBe(25);
    expect(series.findIndex((v) => v?.signal !== undefined)).toBe(33);
    expect(series[32]?.histogram).toBeUndefined();
  });

  it("reads zero everywhere on a price that does not move", () => {
    const series = indicatorSeries(new Macd(), closesToCandles(Array(40).fill(50)));
    expect(series[39]).toEqual({ macd: 0, signal: 0, histogram: 0 });
  });

  it("names its periods", () => {
    const macd = new Macd();
    expect([macd.fast, macd.slow, macd.signal]).toEqual([12, 26, 9]);
  });
});
