/**
 * What every indicator promises, checked on all of them alike. The reference here is the
 * indicator itself run over finished bars from scratch: these tests are about ticks and pushes
 * giving exactly the same numbers as a full recomputation, and the per-indicator files check
 * that those numbers are right.
 */
import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/index.ts";
import { type AnyIndicator, createIndicator } from "./create-indicator.ts";
import { indicatorSeries } from "./indicator.ts";
import type { IndicatorSpec } from "./indicator-spec.ts";
import { finished, liveBars } from "./test-candles.ts";

const SPECS: IndicatorSpec[] = [
  { kind: "sma", period: 20 },
  { kind: "ema", period: 10 },
  { kind: "vwap" },
  { kind: "bb", period: 20 },
  { kind: "rsi", period: 14 },
  { kind: "macd" },
];

const BARS = liveBars(200, { seed: 17 });
const FINAL = finished(BARS);

function fresh(spec: IndicatorSpec): AnyIndicator {
  return createIndicator(spec);
}

function from(spec: IndicatorSpec, candles: readonly Candle[]): unknown[] {
  return indicatorSeries<unknown>(fresh(spec), candles);
}

describe.each(SPECS.map((spec) => [spec.kind, spec] as const))("%s", (_, spec) => {
  it("gives, after each tick, exactly what recomputing with that bar replaced gives", () => {
    const live = fresh(spec);
    for (let i = 0; i < BARS.length; i++) {
      const versions = (BARS[i] as { versions: Candle[] }).versions;
      for (let v = 0; v < versions.length; v++) {
        const bar = versions[v] as Candle;
        const got = v === 0 ? live.push(bar) : live.update(bar);
        // Checked on a sample of bars: the recomputation is quadratic.
        if (i % 7 === 0 || (i >= 25 && i <= 35)) {
          const want = from(spec, [...FINAL.slice(0, i), bar]).at(-1);
          expect(got, `bar ${i}, tick ${v}`).toEqual(want);
          expect(live.value).toEqual(want);
        }
      }
    }
  });

  it("ends a live session on exactly the series of the finished bars", () => {
    const live = fresh(spec);
    const seen: unknown[] = [];
    for (const { versions } of BARS) {
      versions.forEach((bar, v) => {
        if (v === 0) live.push(bar);
        else live.update(bar);
      });
      // Ticks that wander off and come back leave nothing behind.
      const last = versions[versions.length - 1] as Candle;
      const [start, open, high, low, close, volume] = last;
      live.update([start, open, high * 1.5, low / 2, close * 3, volume + 1e6]);
      live.update(last);
      seen.push(live.value);
    }
    expect(seen).toEqual(from(spec, FINAL));
  });

  it("has nothing to show for no bars", () => {
    const indicator = fresh(spec);
    expect(indicatorSeries<unknown>(indicator, [])).toEqual([]);
    expect(indicator.value).toBeUndefined();
  });

  it("treats an update before any push as the first bar", () => {
    const indicator = fresh(spec);
    indicator.update(FINAL[0] as Candle);
    for (const bar of FINAL.slice(1)) indicator.push(bar);
    expect(indicator.value).toEqual(from(spec, FINAL).at(-1));
  });

  it.each([
    ["a NaN close", (c: Candle): Candle => [c[0], c[1], c[2], c[3], Number.NaN, c[5]]],
    ["an infinite close", (c: Candle): Candle => [c[0], c[1], c[2], c[3], Infinity, c[5]]],
  ])("skips a bar with %s, as if it had not traded", (_, spoil) => {
    const at = 40;
    const spoilt = FINAL.map((c, i) => (i === at ? spoil(c) : c));
    const series = from(spec, spoilt);
    expect(series[at]).toBeUndefined();
    const without = from(spec, [...FINAL.slice(0, at), ...FINAL.slice(at + 1)]);
    expect([...series.slice(0, at), ...series.slice(at + 1)]).toEqual(without);
  });

  it("recovers when the spoilt last bar is updated to good numbers", () => {
    const indicator = fresh(spec);
    for (const bar of FINAL.slice(0, -1)) indicator.push(bar);
    const last = FINAL[FINAL.length - 1] as Candle;
    expect(
      indicator.push([last[0], last[1], last[2], last[3], Number.NaN, last[5]]),
    ).toBeUndefined();
    expect(indicator.value).toBeUndefined();
    expect(indicator.update(last)).toEqual(from(spec, FINAL).at(-1));
  });
});

describe("vwap and bad volume", () => {
  it.each([
    ["a NaN volume", Number.NaN],
    ["a negative volume", -5],
  ])("skips a bar with %s", (_, volume) => {
    const at = 40;
    const c = FINAL[at] as Candle;
    const spoilt = FINAL.map(
      (bar, i): Candle => (i === at ? [c[0], c[1], c[2], c[3], c[4], volume] : bar),
    );
    const series = from({ kind: "vwap" }, spoilt);
    expect(series[at]).toBeUndefined();
    expect(series.at(-1)).toEqual(
      from({ kind: "vwap" }, [...FINAL.slice(0, at), ...FINAL.slice(at + 1)]).at(-1),
    );
  });

  it("skips a bar with a NaN high for VWAP but not for the close-based indicators", () => {
    const c = FINAL[0] as Candle;
    const bar: Candle = [c[0], c[1], Number.NaN, c[3], c[4], c[5]];
    expect(createIndicator({ kind: "vwap" }).push(bar)).toBeUndefined();
    const sma = createIndicator({ kind: "sma", period: 2 });
    sma.push(bar);
    expect(sma.push(FINAL[1] as Candle)).toBe((c[4] + (FINAL[1] as Candle)[4]) / 2);
  });
});

describe("createIndicator", () => {
  it("builds the indicator a spec names, with its period", () => {
    const made = SPECS.map((spec) => createIndicator(spec));
    expect(made.map((m) => m.kind)).toEqual(SPECS.map((s) => s.kind));
    const sma = made[0];
    expect(sma?.kind === "sma" && sma.period).toBe(20);
    const rsi = made[4];
    expect(rsi?.kind === "rsi" && rsi.period).toBe(14);
  });

  it("passes the session boundary to VWAP", () => {
    const hourly = createIndicator({ kind: "vwap" }, { sessionStart: (t) => t - (t % 3_600_000) });
    const daily = createIndicator({ kind: "vwap" });
    const a = indicatorSeries<unknown>(hourly, FINAL).at(-1);
    const b = indicatorSeries<unknown>(daily, FINAL).at(-1);
    expect(a).not.toEqual(b);
  });
});
