import { describe, expect, it } from "vitest";
import { Candles, HISTORY_MAX_MS, retryAfterMs, root, row, span } from "./history.ts";

const MIN = 60_000;
const T = Date.UTC(2026, 0, 15, 12, 0);

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
