import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";
import { indicatorSeries } from "./indicator.ts";
import { expectSeries, finished, liveBars, MINUTE } from "./test-candles.ts";
import { type SessionStart, utcDay, Vwap } from "./vwap.ts";

/**
 * Independent reference: for every bar, add up typical price × volume and volume over every
 * earlier bar whose session key is the same, afresh. The default key is the bar's UTC date as
 * text, so it shares no arithmetic with the indicator's own day boundary.
 */
function referenceVwap(
  candles: readonly Candle[],
  key: (time: number) => string = (time) => new Date(time).toISOString().slice(0, 10),
): (number | undefined)[] {
  return candles.map((bar, i) => {
    let pv = 0;
    let v = 0;
    for (let j = 0; j <= i; j++) {
      const c = candles[j] as Candle;
      if (key(c[0]) !== key(bar[0])) continue;
      pv += ((c[2] + c[3] + c[4]) / 3) * c[5];
      v += c[5];
    }
    return v > 0 ? pv / v : undefined;
  });
}

const T0 = Date.UTC(2026, 2, 9, 14, 30);

describe("Vwap", () => {
  it("weights the typical price by volume, worked by hand", () => {
    // Reference: hand arithmetic. Typical prices (H + L + C) / 3: 10, 12, 11.
    // Bar 1: 10. Bar 2: (10×100 + 12×300) / 400 = 11.5. Bar 3: (4600 + 11×100) / 500 = 11.4.
    const candles: Candle[] = [
      [T0, 10, 11, 9, 10, 100],
      [T0 + MINUTE, 10, 13, 11, 12, 300],
      [T0 + 2 * MINUTE, 12, 12, 10, 11, 100],
    ];
    const series = indicatorSeries(new Vwap(), candles);
    expect(series[0]).toBe(10);
    expect(series[1]).toBeCloseTo(11.5, 12);
    expect(series[2]).toBeCloseTo(11.4, 12);
  });

  it("matches a from-scratch recomputation, starting over at UTC midnight", () => {
    // Reference: referenceVwap above, on a fixed seeded walk of 300 bars from 22:00 UTC.
    const candles = finished(liveBars(300, { seed: 21 }));
    const midnight = candles.findIndex((c) => c[0] === Date.UTC(2026, 2, 10));
    expect(midnight).toBe(120);
    const series = indicatorSeries(new Vwap(), candles);
    expectSeries(series, referenceVwap(candles), 1e-9);
    const first = candles[midnight] as Candle;
    // The first bar of the new day is the whole of that day's VWAP: its own typical price.
    expect(first[5]).toBeGreaterThan(0);
    expect(series[midnight]).toBeCloseTo((first[2] + first[3] + first[4]) / 3, 9);
  });

  it("starts over where a caller's session starts", () => {
    // Reference: referenceVwap above, keyed by the same 09:30 UTC boundary written as text.
    const opensAt = 9.5 * 60 * MINUTE;
    const session: SessionStart = (time) => utcDay(time - opensAt) + opensAt;
    const key = (time: number) => new Date(time - opensAt).toISOString().slice(0, 10);
    const candles = finished(liveBars(300, { seed: 22, start: Date.UTC(2026, 2, 10, 7, 0) }));
    expectSeries(indicatorSeries(new Vwap(session), candles), referenceVwap(candles, key), 1e-9);
    // The two boundaries give different answers after 09:30, so the option really is used.
    const byDay = indicatorSeries(new Vwap(), candles);
    expect(byDay.at(-1)).not.toBeCloseTo(
      indicatorSeries(new Vwap(session), candles).at(-1) ?? 0,
      6,
    );
  });

  it("has no value until the session has traded, then holds through quiet bars", () => {
    const candles: Candle[] = [
      [T0, 10, 10, 10, 10, 0],
      [T0 + MINUTE, 10, 13, 11, 12, 0],
      [T0 + 2 * MINUTE, 12, 12, 12, 12, 5],
      [T0 + 3 * MINUTE, 12, 20, 20, 20, 0],
    ];
    expect(indicatorSeries(new Vwap(), candles)).toEqual([undefined, undefined, 12, 12]);
  });

  it("takes the UTC day as the session by default", () => {
    expect(utcDay(Date.UTC(2026, 2, 10, 23, 59, 59, 999))).toBe(Date.UTC(2026, 2, 10));
    expect(utcDay(Date.UTC(2026, 2, 11))).toBe(Date.UTC(2026, 2, 11));
  });
});
