import { describe, expect, it } from "vitest";
import type { Candle } from "../protocol/index.ts";
import {
  RangeCache,
  type RangeFetch,
  rangeAnswer,
  rangeFetch,
  withLiveMinutes,
} from "./exchange-ranges.ts";
import type { HistoryResult } from "./providers/types.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T = Date.UTC(2026, 0, 15, 12, 30, 20);

describe("what a range asks the exchange for", () => {
  it("its interval, from as far back as the range reaches, to now with the bar in progress", () => {
    expect(rangeFetch("5d", T)).toEqual({ interval: "15min", from: T - 5 * DAY, to: T + 1 });
    expect(rangeFetch("1m", T)).toEqual({ interval: "1hour", from: T - 30 * DAY, to: T + 1 });
    expect(rangeFetch("6m", T).interval).toBe("1day");
    expect(rangeFetch("1y", T)).toEqual({ interval: "1day", from: T - 365 * DAY, to: T + 1 });
    expect(rangeFetch("5y", T)).toEqual({ interval: "1week", from: T - 1826 * DAY, to: T + 1 });
  });
});

describe("what an answer means", () => {
  const candles: Candle[] = [[T - DAY, 1, 2, 1, 2, 3]];

  it("bars are kept for a sixth of a bar, at most 15 minutes", () => {
    const ok: HistoryResult = { kind: "candles", candles, coveredFrom: 0 };
    expect(rangeAnswer("1y", ok, T)).toEqual({
      bars: { ok: true, candles, fetchedAt: T },
      keepMs: 900_000,
    });
    expect(rangeAnswer("5d", ok, T).keepMs).toBe(150_000);
    expect(rangeAnswer("1m", ok, T).keepMs).toBe(600_000);
  });

  it("a rate limit is a 503 with the wait it asked for, asked again within a minute", () => {
    const limited = (retryAfterMs: number): HistoryResult => ({
      kind: "limited",
      message: "binance: Too much request weight used (code -1003, HTTP 429)",
      retryAfterMs,
      candles,
    });
    expect(rangeAnswer("1y", limited(7000), T)).toEqual({
      bars: {
        ok: false,
        status: 503,
        code: "rate_limited",
        message: "binance: Too much request weight used (code -1003, HTTP 429)",
        retryAt: T + 7000,
      },
      keepMs: 7000,
    });
    const ban = rangeAnswer("1y", limited(3 * 3_600_000), T);
    expect(ban.keepMs).toBe(60_000);
    expect(ban.bars).toMatchObject({ retryAt: T + 600_000 });
    expect(rangeAnswer("1y", limited(0), T).keepMs).toBe(1000);
  });

  it("a failure or a refusal is a 502, kept for seconds or a minute", () => {
    const failed = rangeAnswer("1y", { kind: "failed", message: "down", candles }, T);
    expect(failed).toEqual({
      bars: { ok: false, status: 502, code: "upstream_error", message: "down" },
      keepMs: 5000,
    });
    const refused = rangeAnswer("1y", { kind: "refused", message: "no product" }, T);
    expect(refused.bars).toMatchObject({ status: 502, code: "upstream_error" });
    expect(refused.keepMs).toBe(60_000);
  });
});

describe("a room's kept ranges", () => {
  function cache(answer: (n: number) => HistoryResult | Error) {
    let now = T;
    const asked: RangeFetch[] = [];
    const pending: (() => void)[] = [];
    const ranges = new RangeCache(
      (request) =>
        new Promise((resolve, reject) => {
          asked.push(request);
          const result = answer(asked.length);
          pending.push(() => (result instanceof Error ? reject(result) : resolve(result)));
        }),
      () => now,
    );
    const answerAll = async () => {
      for (const run of pending.splice(0)) run();
      await Promise.resolve();
    };
    return { ranges, asked, answerAll, advance: (ms: number) => (now += ms) };
  }
  const ok: HistoryResult = { kind: "candles", candles: [[T, 1, 1, 1, 1, 1]], coveredFrom: 0 };

  it("many reads while the request is out, and while it is kept, cost one request", async () => {
    const { ranges, asked, answerAll, advance } = cache(() => ok);
    const reads = Array.from({ length: 50 }, () => ranges.get("1y"));
    expect(asked).toHaveLength(1);
    await answerAll();
    const answers = await Promise.all(reads);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatchObject({ ok: true, fetchedAt: T });
    advance(899_000);
    await ranges.get("1y");
    expect(asked).toHaveLength(1);
    // Each range is its own request.
    void ranges.get("5y");
    expect(asked.map((a) => a.interval)).toEqual(["1day", "1week"]);
    advance(1000);
    void ranges.get("1y");
    expect(asked).toHaveLength(3);
    expect(asked[2]?.to).toBe(T + 900_000 + 1);
  });

  it("a failure is kept briefly, then asked again", async () => {
    const { ranges, asked, answerAll, advance } = cache((n) =>
      n === 1 ? { kind: "failed", message: "down", candles: [] } : ok,
    );
    const first = ranges.get("6m");
    await answerAll();
    expect(await first).toMatchObject({ ok: false, status: 502 });
    advance(4000);
    expect(await ranges.get("6m")).toMatchObject({ ok: false });
    advance(1000);
    const second = ranges.get("6m");
    await answerAll();
    expect(await second).toMatchObject({ ok: true });
    expect(asked).toHaveLength(2);
  });

  it("a request that throws fails its reads and is not kept", async () => {
    const { ranges, asked, answerAll } = cache((n) => (n === 1 ? new Error("boom") : ok));
    const first = ranges.get("1m");
    await answerAll();
    await expect(first).rejects.toThrow("boom");
    void ranges.get("1m");
    expect(asked).toHaveLength(2);
  });
});

describe("the room's minutes over the exchange's bars", () => {
  const day = Date.UTC(2026, 0, 15);
  const bars: Candle[] = [
    [day - DAY, 100, 110, 90, 105, 1000],
    [day, 105, 108, 101, 106, 500],
  ];
  const fetchedAt = day + 12 * HOUR + 30 * MIN + 20_000;

  it("moves the newest bar to the live price, adding the volume of later minutes", () => {
    const minutes: Candle[] = [
      [day + 12 * HOUR, 104, 109, 103, 104, 7],
      [day + 12 * HOUR + 30 * MIN, 106, 107, 106, 107, 2],
      [day + 12 * HOUR + 31 * MIN, 107, 112, 100, 111, 3.25],
    ];
    const merged = withLiveMinutes(bars, "1day", fetchedAt, minutes, day - DAY);
    // The minute before the answer was counted; the answer's own minute moves prices only.
    expect(merged).toEqual([
      [day - DAY, 100, 110, 90, 105, 1000],
      [day, 105, 112, 100, 111, 503.25],
    ]);
    expect(bars[1]).toEqual([day, 105, 108, 101, 106, 500]);
  });

  it("starts the bars the exchange did not have yet, and drops those before the range", () => {
    const minutes: Candle[] = [
      [day + 12 * HOUR + 45 * MIN, 106, 107, 105, 106.5, 0.1],
      [day + 13 * HOUR + 2 * MIN, 107, 108, 106, 107.5, 0.2],
      [day + 13 * HOUR + 9 * MIN, 107.5, 109, 107, 108, 0.3],
    ];
    const hourly: Candle[] = [
      [day + 11 * HOUR, 100, 101, 99, 100, 5],
      [day + 12 * HOUR, 100, 106, 99, 106, 5],
    ];
    const merged = withLiveMinutes(hourly, "1hour", fetchedAt, minutes, day + 11 * HOUR + 1);
    expect(merged).toEqual([
      [day + 12 * HOUR, 100, 107, 99, 106.5, 5.1],
      [day + 13 * HOUR, 107, 109, 106, 108, 0.5],
    ]);
  });

  it("weeks start on Monday", () => {
    const monday = Date.UTC(2026, 0, 12);
    const weekly: Candle[] = [[monday - 7 * DAY, 1, 2, 1, 2, 1]];
    const merged = withLiveMinutes(weekly, "1week", monday - 1, [[monday, 2, 3, 2, 3, 1]], 0);
    expect(merged.map((c) => c[0])).toEqual([monday - 7 * DAY, monday]);
  });
});
