/**
 * Each exchange adapter's history request in the intervals of the long chart ranges, over real
 * HTTP against the local fake that speaks the three REST APIs as documented: every range's
 * bars arrive in its interval, oldest first, with the bar in progress; pages stay within each
 * API's limits; where an exchange lacks weeks they are folded from its days, from Monday;
 * errors and rate limits come back as results.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rangeFetch } from "../../party/market/exchange-ranges.ts";
import { EXCHANGES } from "../../party/market/providers/registry.ts";
import type { ExchangeName, HistoryResult } from "../../party/market/providers/types.ts";
import type { Candle, ChartRange } from "../../party/protocol/index.ts";
import { type FakeExchangeRest, startFakeExchangeRest } from "../fakes/fake-exchange-rest.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A Thursday afternoon. */
const NOW = Date.UTC(2026, 0, 15, 12, 34, 56, 789);
const TODAY = Date.UTC(2026, 0, 15);
const MONDAY = Date.UTC(2026, 0, 12);
const SYMBOL = "BTC-USD";
const MS = { "5d": 15 * MIN, "1m": HOUR, "6m": DAY, "1y": DAY, "5y": 7 * DAY } as const;

let fake: FakeExchangeRest;

beforeAll(async () => {
  fake = await startFakeExchangeRest({ now: NOW });
}, 10_000);

afterAll(async () => {
  await fake?.close();
}, 10_000);

beforeEach(() => {
  fake.restore();
  fake.clearRequests();
});

/** What a room asks for a range, its REST setting pointing at the fake. */
function range(name: ExchangeName, r: ChartRange, symbol = SYMBOL) {
  const adapter = EXCHANGES[name];
  return adapter.history({
    ...rangeFetch(r, NOW),
    product: adapter.product(symbol) as string,
    base: fake.url,
    fetch: (url) => fetch(url, { signal: AbortSignal.timeout(5000) }),
  });
}

function candlesOf(result: HistoryResult): Candle[] {
  if (result.kind !== "candles") throw new Error(`${result.kind}: ${result.message}`);
  return result.candles;
}

/** The fake's bars of `ms` from the first whole one after `from` to the one in progress. */
function expected(ms: number, from: number, offset = 0): Candle[] {
  const out: Candle[] = [];
  const first = Math.ceil((from - offset) / ms) * ms + offset;
  for (let t = first; t <= NOW; t += ms) out.push(fake.bar(SYMBOL, ms, t) as Candle);
  return out;
}

/** Monday weeks folded by hand from the fake's days, from the first Monday after `from`. */
function weeksFromDays(from: number): Candle[] {
  const weeks: Candle[] = [];
  for (const d of expected(DAY, expected(7 * DAY, from, MONDAY % (7 * DAY))[0]?.[0] ?? NOW)) {
    const week = MONDAY - Math.ceil((MONDAY - d[0]) / (7 * DAY)) * 7 * DAY;
    const w = weeks.at(-1);
    if (w?.[0] !== week) weeks.push([week, d[1], d[2], d[3], d[4], d[5]]);
    else
      weeks[weeks.length - 1] = [
        week,
        w[1],
        Math.max(w[2], d[2]),
        Math.min(w[3], d[3]),
        d[4],
        w[5] + d[5],
      ];
  }
  return weeks;
}

function expectBars(got: Candle[], want: Candle[]) {
  // The shortest range here holds 103 weeks.
  expect(want.length).toBeGreaterThan(100);
  expect(got.map((c) => c[0])).toEqual(want.map((c) => c[0]));
  for (const [i, c] of got.entries()) {
    const w = want[i] as Candle;
    expect(c.slice(1, 5)).toEqual(w.slice(1, 5));
    expect(c[5]).toBeCloseTo(w[5], 6);
  }
}

describe("coinbase", () => {
  it("5D in 15-minute buckets, 1M in hours, 1Y in days, each within 300 a request", async () => {
    for (const [r, granularity, pages] of [
      ["5d", "900", 2],
      ["1m", "3600", 3],
      ["1y", "86400", 2],
    ] as const) {
      fake.clearRequests();
      const from = NOW - (r === "5d" ? 5 : r === "1m" ? 30 : 365) * DAY;
      expectBars(candlesOf(await range("coinbase", r)), expected(MS[r], from));
      const requests = fake.requestsTo("coinbase");
      expect(requests).toHaveLength(pages);
      for (const q of requests) {
        expect(q.status).toBe(200);
        expect(q.query.granularity).toBe(granularity);
        const span = Date.parse(q.query.end ?? "") - Date.parse(q.query.start ?? "");
        expect(span / (Number(granularity) * 1000) + 1).toBeLessThanOrEqual(300);
      }
    }
  });

  it("5Y in weeks from Monday, folded from its days (it has no weeks)", async () => {
    const candles = candlesOf(await range("coinbase", "5y"));
    expectBars(candles, weeksFromDays(NOW - 1826 * DAY));
    expect(candles.at(-1)?.[0]).toBe(MONDAY);
    expect(candles.length).toBeGreaterThanOrEqual(260);
    expect(fake.requestsTo("coinbase").map((q) => q.query.granularity)).toEqual(
      Array(7).fill("86400"),
    );
  });
});

describe("kraken", () => {
  it("one request per range; its 720 most recent days reach back two years", async () => {
    expectBars(candlesOf(await range("kraken", "5d")), expected(15 * MIN, NOW - 5 * DAY));
    expectBars(candlesOf(await range("kraken", "1y")), expected(DAY, NOW - 365 * DAY));
    const weeks = await range("kraken", "5y");
    // 720 days end today; the week they start in is partial and left out.
    const horizon = TODAY - 719 * DAY;
    expectBars(candlesOf(weeks), weeksFromDays(horizon));
    expect(weeks).toMatchObject({ coveredFrom: MONDAY - 102 * 7 * DAY });
    expect(fake.requestsTo("kraken").map((q) => q.query.interval)).toEqual(["15", "1440", "1440"]);
  });

  it("1M: its 720 most recent hours reach 30 days back, to the hour", async () => {
    const month = await range("kraken", "1m");
    const horizon = Math.floor(NOW / HOUR) * HOUR - 719 * HOUR;
    expect(month).toMatchObject({ coveredFrom: horizon });
    expectBars(candlesOf(month), expected(HOUR, horizon));
  });
});

describe("binance", () => {
  it("every range in one page of its own interval, weeks opening on Monday", async () => {
    for (const [r, interval] of [
      ["5d", "15m"],
      ["1m", "1h"],
      ["6m", "1d"],
      ["5y", "1w"],
    ] as const) {
      fake.clearRequests();
      const candles = candlesOf(await range("binance", r));
      const from = rangeFetch(r, NOW).from;
      const want = r === "5y" ? expected(7 * DAY, from, MONDAY % (7 * DAY)) : expected(MS[r], from);
      expectBars(candles, want);
      const requests = fake.requestsTo("binance");
      expect(requests).toHaveLength(1);
      expect(requests[0]?.query).toMatchObject({ symbol: "BTCUSDT", interval, limit: "1000" });
    }
  });
});

describe("refusals, limits and failures", () => {
  it("an unknown symbol is refused in any interval", async () => {
    expect(await range("coinbase", "1y", "XYZ-USD")).toMatchObject({ kind: "refused" });
    expect(await range("kraken", "1y", "XYZ-USD")).toMatchObject({ kind: "refused" });
    expect(await range("binance", "5y", "XYZ-USD")).toMatchObject({ kind: "refused" });
  });

  it("rate limits come back with their wait, a 418 ban included", async () => {
    fake.limit("binance", { status: 418, retryAfterSeconds: 120 });
    expect(await range("binance", "1y")).toMatchObject({ kind: "limited", retryAfterMs: 120_000 });
    fake.limit("coinbase", { after: 1, retryAfterSeconds: 3 });
    expect(await range("coinbase", "5y")).toMatchObject({ kind: "limited", retryAfterMs: 3000 });
    fake.limit("kraken");
    expect(await range("kraken", "1m")).toMatchObject({ kind: "limited", retryAfterMs: 5000 });
  });

  it("an exchange that is down is a failure", async () => {
    fake.fail("kraken", { times: 1 });
    expect(await range("kraken", "1y")).toMatchObject({ kind: "failed" });
    fake.fail("binance", { times: 1, status: 500 });
    expect(await range("binance", "1m")).toMatchObject({ kind: "failed" });
  });
});
