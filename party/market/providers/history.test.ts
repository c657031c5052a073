import { describe, expect, it } from "vitest";
import {
  barStart,
  Candles,
  gridOf,
  HISTORY_MAX_BARS,
  HISTORY_MAX_MS,
  plan,
  retryAfterMs,
  root,
  row,
  span,
} from "./history.ts";

const MIN = 60_000;
const DAY = 1440 * MIN;
const T = Date.UTC(2026, 0, 15, 12, 0);
/** A Thursday, as 2026-01-15 is. */
const THURSDAY = Date.UTC(2026, 0, 15);
const MONDAY = Date.UTC(2026, 0, 12);

describe("history helpers", () => {
  it("asks for the minutes that start in [from, to), the most recent two days at most", () => {
    expect(span(T, T + 3 * MIN)).toEqual({ first: T, last: T + 2 * MIN });
    // A `from` inside a minute leaves that minute out: it started before the range.
    expect(span(T + 1, T + 3 * MIN + 1)).toEqual({ first: T + MIN, last: T + 3 * MIN });
    expect(span(T, T)).toBeNull();
    expect(span(Number.NaN, T)).toBeNull();
    expect(span(T - 10 * HISTORY_MAX_MS, T)).toEqual({ first: T - HISTORY_MAX_MS, last: T - MIN });
  });

  it("reads Retry-After in seconds or as a date, else the fallback", () => {
    const h = (value?: string) => new Headers(value === undefined ? {} : { "retry-after": value });
    expect(retryAfterMs(h("7"), 1)).toBe(7000);
    expect(retryAfterMs(h(new Date(T + 4000).toUTCString()), 1, T)).toBe(4000);
    expect(retryAfterMs(h("soon"), 1234)).toBe(1234);
    expect(retryAfterMs(h(), 1234)).toBe(1234);
  });

  it("reads a row into a candle, a quiet minute, or nothing", () => {
    expect(row(T, "1.5", "2", "1", "1.75", "3")).toEqual([T, 1.5, 2, 1, 1.75, 3]);
    expect(row(T, 1, 1, 1, 1, 0)).toBe("quiet");
    expect(row(T, "1", "1", "1", "1", "0.00000000")).toBe("quiet");
    expect(row(T + 1, 1, 2, 1, 1, 1)).toBeNull();
    expect(row(null, 1, 2, 1, 1, 1)).toBeNull();
    expect(row(T, "x", 2, 1, 1, 1)).toBeNull();
    // A low above the high, or an open outside them, is not a candle.
    expect(row(T, 1, 1, 2, 1, 1)).toBeNull();
    expect(row(T, 3, 2, 1, 1, 1)).toBeNull();
  });

  it("keeps each minute once, inside the range, oldest first", () => {
    const candles = new Candles({ first: T, last: T + 2 * MIN });
    const read = (r: unknown) => row(r as number, 1, 2, 1, 1, 1);
    expect(candles.add([T + 2 * MIN, T + MIN, T - MIN, T + 3 * MIN, "bad"], read)).toBe(1);
    candles.add([T + MIN, T], read);
    expect(candles.list().map((c) => c[0])).toEqual([T, T + MIN, T + 2 * MIN]);
  });

  it("appends paths to an endpoint with or without a trailing slash", () => {
    expect(root("http://127.0.0.1:9/")).toBe("http://127.0.0.1:9");
    expect(root(" https://api.kraken.com ")).toBe("https://api.kraken.com");
  });
});

describe("intervals", () => {
  it("lays bars on the UTC clock, weeks from Monday", () => {
    expect(barStart(gridOf("15min"), T + 14 * MIN)).toBe(T);
    expect(barStart(gridOf("1hour"), T + 59 * MIN)).toBe(T);
    expect(barStart(gridOf("1day"), T)).toBe(THURSDAY);
    expect(barStart(gridOf("1week"), T)).toBe(MONDAY);
    expect(barStart(gridOf("1week"), MONDAY)).toBe(MONDAY);
    expect(barStart(gridOf("1week"), MONDAY - 1)).toBe(MONDAY - 7 * DAY);
  });

  it("fetches the interval asked for where the exchange serves it", () => {
    const served = { "1min": "1m", "1day": "1d", "1week": "1w" } as const;
    const fetching = plan({ ...BASE, interval: "1day", from: T - 10 * DAY, to: T + 1 }, served);
    expect(fetching).toEqual({
      range: { first: THURSDAY - 9 * DAY, last: THURSDAY },
      layout: { grid: gridOf("1day"), asked: gridOf("1day") },
      param: "1d",
    });
    // No interval asked: a day of minutes, as before.
    expect(plan({ ...BASE, from: T - DAY, to: T }, served)?.range).toEqual(span(T - DAY, T));
  });

  it("fetches the nearest finer interval, from the first whole bar asked for to now", () => {
    const served = { "1min": 60, "15min": 900, "1day": 86_400 } as const;
    const weeks = plan({ ...BASE, interval: "1week", from: T - 30 * DAY, to: T + 1 }, served);
    // Weeks from days: from the first Monday in the range to today.
    expect(weeks?.param).toBe(86_400);
    expect(weeks?.layout.grid.interval).toBe("1day");
    expect(weeks?.range).toEqual({ first: MONDAY - 21 * DAY, last: THURSDAY });
    const hours = plan({ ...BASE, interval: "1hour", from: T - 2 * 3_600_000, to: T + 1 }, served);
    expect(hours?.param).toBe(900);
    expect(hours?.range).toEqual({ first: T - 2 * 3_600_000, last: T });
  });

  it("reaches back at most a set number of bars of the interval fetched", () => {
    const served = { "1min": 1, "1day": 1440 } as const;
    const far = plan({ ...BASE, interval: "1week", from: 0, to: T + 1 }, served);
    const first = far?.range.first ?? 0;
    expect(THURSDAY - first).toBeLessThanOrEqual(HISTORY_MAX_BARS * DAY);
    expect(THURSDAY - first).toBeGreaterThan((HISTORY_MAX_BARS - 7) * DAY);
    expect(barStart(gridOf("1week"), first)).toBe(first);
    expect(plan({ ...BASE, interval: "1day", from: T, to: T }, served)).toBeNull();
  });

  it("folds the bars fetched into the interval asked for, leaving out a week it saw in part", () => {
    const layout = { grid: gridOf("1day"), asked: gridOf("1week") };
    const candles = new Candles({ first: MONDAY - 7 * DAY, last: THURSDAY }, layout);
    const day = (t: number, p: number) => [t, p, p + 2, p - 1, p + 1, 0.1];
    const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) =>
      day(MONDAY - 7 * DAY + i * DAY, 10 + i),
    );
    const read = (r: unknown) => {
      const [t, o, h, l, c, v] = r as number[];
      return row(t ?? null, o, h, l, c, v);
    };
    // A row off the day is some other interval: unreadable.
    expect(candles.add([...rows, day(T, 1)], read)).toBe(1);
    expect(candles.list()).toEqual([
      [MONDAY - 7 * DAY, 10, 18, 9, 17, 0.7],
      [MONDAY, 17, 22, 16, 21, 0.4],
    ]);
    // Coverage from a Wednesday: that week is partial, so the answer starts with the next.
    expect(candles.done(MONDAY - 5 * DAY)).toEqual({
      kind: "candles",
      candles: [[MONDAY, 17, 22, 16, 21, 0.4]],
      coveredFrom: MONDAY,
    });
  });
});

const BASE = {
  product: "P",
  base: "http://127.0.0.1:9",
  fetch: () => Promise.reject(new Error("none")),
};
