import { describe, expect, it } from "vitest";
import { type Candle, CHART_RANGES, RANGE_INTERVAL_MS } from "../protocol/index.ts";
import {
  foldShifted,
  heldRange,
  parseRange,
  RANGE_INTERVAL,
  rangeHours,
  rangeMaxAge,
  simulatedRange,
} from "./ranges.ts";
import { DAY_MS, dayNumber, fromNewYork, weekday } from "./sessions/index.ts";
import { simulatedBars } from "./simulated-bars.ts";

const M = 60_000;
const H = 60 * M;
/** Wednesday 14 October 2026, 11:07 in New York: mid-session. */
const WED = fromNewYork(2026, 10, 14, 11, 7);

const starts = (candles: readonly Candle[]) => candles.map((c) => c[0]);
const steps = (candles: readonly Candle[]) =>
  starts(candles)
    .slice(1)
    .map((t, i) => t - (starts(candles)[i] as number));

describe("parseRange", () => {
  it("takes exactly the listed ranges", () => {
    for (const range of CHART_RANGES) expect(parseRange(range)).toEqual({ ok: true, range });
  });

  it("names the ranges it takes when given anything else", () => {
    for (const bad of ["", "1Y", "2y", "max", "1y ", "x".repeat(200)]) {
      const parsed = parseRange(bad);
      expect(parsed.ok, bad).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.message).toContain("1d, 5d, 1m, 6m, 1y, 5y");
      expect(parsed.message.length).toBeLessThan(100);
    }
  });
});

describe("intervals and caching", () => {
  it("draws each range in Yahoo's interval for it", () => {
    expect(RANGE_INTERVAL).toEqual({
      "1d": "1min",
      "5d": "15min",
      "1m": "1hour",
      "6m": "1day",
      "1y": "1day",
      "5y": "1week",
    });
  });

  it("shows a stock's pre-market and after-hours only in 1D and 5D", () => {
    expect(CHART_RANGES.map((r) => rangeHours(r, true))).toEqual([
      "all",
      "all",
      "regular",
      "regular",
      "regular",
      "regular",
    ]);
    expect(CHART_RANGES.every((r) => rangeHours(r, false) === "all")).toBe(true);
  });

  it("caches a simulated answer for a fraction of its bar, a held one for seconds", () => {
    expect(rangeMaxAge("1min", true)).toBe(10);
    expect(rangeMaxAge("15min", true)).toBe(150);
    expect(rangeMaxAge("1hour", true)).toBe(600);
    expect(rangeMaxAge("1day", true)).toBe(900);
    expect(rangeMaxAge("1week", true)).toBe(900);
    for (const interval of ["1min", "1day", "1week"] as const) {
      expect(rangeMaxAge(interval, false)).toBe(5);
    }
  });
});

describe("simulatedRange", () => {
  it("draws 1M in hours that start at a stock's 9:30 open, each the fold of its half hours", () => {
    const halves = simulatedBars("AAPL", "1m", WED).candles;
    const hours = simulatedRange("AAPL", "1m", WED, { sessions: true, stock: true });
    // Seven bars a full session: 9:30, 10:30, ... 15:30 (the last a half hour).
    expect(hours.every((c) => new Date(c[0]).getUTCMinutes() === 30)).toBe(true);
    const perDay = new Map<number, number>();
    for (const c of halves)
      perDay.set(Math.floor(c[0] / DAY_MS), (perDay.get(Math.floor(c[0] / DAY_MS)) ?? 0) + 1);
    let expected = 0;
    for (const n of perDay.values()) expected += Math.ceil(n / 2);
    expect(hours).toHaveLength(expected);
    const first = hours[0] as Candle;
    const [a, b] = halves as [Candle, Candle];
    expect(first.slice(0, 5)).toEqual([
      a[0],
      a[1],
      Math.max(a[2], b[2]),
      Math.min(a[3], b[3]),
      b[4],
    ]);
    expect(first[5]).toBeCloseTo(a[5] + b[5], 4);
  });

  it("draws crypto's hours on the UTC clock, around the clock", () => {
    const hours = simulatedRange("BTC-USD", "1m", WED, { sessions: true, stock: false });
    expect(hours.every((c) => c[0] % H === 0)).toBe(true);
    expect(hours.length).toBeGreaterThanOrEqual(30 * 24);
    expect(hours.length).toBeLessThanOrEqual(31 * 24);
  });

  it("gives the same bars for the same symbol and time, and a stock's days skip weekends", () => {
    const opts = { sessions: true, stock: true };
    const year = simulatedRange("MSFT", "1y", WED, opts);
    expect(simulatedRange("MSFT", "1y", WED, opts)).toEqual(year);
    expect(year.some((c) => [0, 6].includes(weekday(Math.floor(c[0] / DAY_MS))))).toBe(false);
    expect(year.length).toBeGreaterThan(245);
    expect(year.length).toBeLessThan(256);
    const allWeek = simulatedRange("MSFT", "1y", WED, { sessions: false, stock: true });
    expect(allWeek.length).toBeGreaterThanOrEqual(365);
  });
});

describe("heldRange", () => {
  const now = Date.UTC(2026, 9, 14, 12, 0);
  // A day and a half of minutes, one every ten minutes, rising by one each.
  const minutes: Candle[] = [];
  for (let t = now - 36 * H, p = 100; t <= now; t += 10 * M, p++)
    minutes.push([t, p, p + 0.5, p - 0.5, p, 0.1]);

  it("keeps 1D to the last 24 hours of minutes", () => {
    const day = heldRange(minutes, "1d", now);
    expect(day[0]?.[0]).toBeGreaterThanOrEqual(now - DAY_MS);
    expect(day.at(-1)).toEqual(minutes.at(-1));
    expect(day.length).toBe(24 * 6 + 1);
  });

  it("folds 5D into quarter hours and 1M into hours on the UTC clock", () => {
    const quarters = heldRange(minutes, "5d", now);
    expect(quarters.every((c) => c[0] % RANGE_INTERVAL_MS["15min"] === 0)).toBe(true);
    const hours = heldRange(minutes, "1m", now);
    expect(steps(hours).every((s) => s === H)).toBe(true);
    const first = hours[0] as Candle;
    expect(first[1]).toBe(minutes[0]?.[1]);
    expect(first[5]).toBe(0.6);
  });

  it("folds 1Y into UTC days and 5Y into weeks from Monday", () => {
    const days = heldRange(minutes, "1y", now);
    expect(starts(days)).toEqual([
      dayNumber(2026, 10, 13) * DAY_MS,
      dayNumber(2026, 10, 14) * DAY_MS,
    ]);
    expect(days.at(-1)?.[4]).toBe(minutes.at(-1)?.[4]);
    const weeks = heldRange(minutes, "5y", now);
    expect(starts(weeks)).toEqual([dayNumber(2026, 10, 12) * DAY_MS]);
    expect(weeks[0]?.[5]).toBe(Math.round(minutes.length * 0.1 * 1e8) / 1e8);
  });
});

describe("foldShifted", () => {
  it("starts buckets at the offset, and is a plain fold without one", () => {
    const t = Date.UTC(2026, 9, 14, 13, 30);
    const halves: Candle[] = [
      [t, 1, 2, 1, 2, 1],
      [t + 30 * M, 2, 3, 2, 3, 1],
      [t + 60 * M, 3, 4, 3, 4, 1],
    ];
    expect(starts(foldShifted(halves, H, 30 * M))).toEqual([t, t + H]);
    expect(starts(foldShifted(halves, H, 0))).toEqual([t - 30 * M, t + 30 * M]);
  });
});
