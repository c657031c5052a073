/**
 * Each exchange adapter's history request over real HTTP, against a local fake that speaks the
 * three REST APIs as documented: a day arrives oldest first, once per minute, with exactly the
 * minutes the market traded in; pages stay within each API's limits; an unknown symbol is
 * refused; a rate limit comes back as a wait.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXCHANGES } from "../../party/market/providers/registry.ts";
import type { ExchangeName, HistoryResult } from "../../party/market/providers/types.ts";
import { bucketStart, type Candle } from "../../party/protocol/index.ts";
import { type FakeExchangeRest, startFakeExchangeRest } from "../fakes/fake-exchange-rest.ts";

const MIN = 60_000;
const DAY = 1440 * MIN;
const NOW = Date.UTC(2026, 0, 15, 12, 34, 56, 789);
/** The last finished minute ends here: the range a room asks for on waking. */
const TO = bucketStart(NOW);
const FROM = TO - DAY;
/** A stretch in which nothing traded, on top of the fake's scattered quiet minutes. */
const QUIET: [number, number] = [TO - 5 * 60 * MIN, TO - 5 * 60 * MIN + 7 * MIN];
const SYMBOL = "BTC-USD";

let fake: FakeExchangeRest;

beforeAll(async () => {
  fake = await startFakeExchangeRest({ now: NOW, quiet: [QUIET] });
}, 10_000);

afterAll(async () => {
  await fake?.close();
}, 10_000);

beforeEach(() => {
  fake.restore();
  fake.clearRequests();
});

/** The request a room makes: its REST setting pointing at the fake, the platform's fetch. */
function history(name: ExchangeName, symbol = SYMBOL, from = FROM, to = TO) {
  const adapter = EXCHANGES[name];
  const env: Record<string, string | undefined> = { [adapter.restUrlEnv]: fake.url };
  const product = adapter.product(symbol);
  if (product === null) throw new Error(`${name} has no product for ${symbol}`);
  return adapter.history({
    product,
    from,
    to,
    base: env[adapter.restUrlEnv] ?? adapter.defaultRestUrl,
    fetch: (url) => fetch(url, { signal: AbortSignal.timeout(5000) }),
  });
}

function candlesOf(result: HistoryResult): Candle[] {
  if (result.kind !== "candles") throw new Error(`${result.kind}: ${result.message}`);
  return result.candles;
}

function expectOneRun(candles: readonly Candle[]) {
  const starts = candles.map((c) => c[0]);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
  expect(new Set(starts).size).toBe(starts.length);
}

describe("a day of history from each exchange", () => {
  it("the fake's day has gaps to find: its quiet stretch and scattered quiet minutes", () => {
    const day = fake.candles(SYMBOL, FROM, TO);
    expect(day.length).toBeLessThan(1440 - 7);
    expect(day.length).toBeGreaterThan(1400);
    expect(fake.candle(SYMBOL, QUIET[0])).toBeNull();
  });

  it("coinbase: the whole day, in five windows of at most 300 candles", async () => {
    const result = await history("coinbase");
    const candles = candlesOf(result);
    expect(candles).toEqual(fake.candles(SYMBOL, FROM, TO));
    expectOneRun(candles);
    expect(result).toMatchObject({ coveredFrom: FROM });
    const requests = fake.requestsTo("coinbase");
    expect(requests).toHaveLength(5);
    for (const r of requests) {
      expect(r.status).toBe(200);
      expect(r.path).toBe("/products/BTC-USD/candles");
      expect(r.query.granularity).toBe("60");
      const buckets = (Date.parse(r.query.end ?? "") - Date.parse(r.query.start ?? "")) / MIN + 1;
      expect(buckets).toBeLessThanOrEqual(300);
    }
  });

  it("binance: the whole day, in two pages of at most 1000 klines", async () => {
    const result = await history("binance");
    const candles = candlesOf(result);
    expect(candles).toEqual(fake.candles(SYMBOL, FROM, TO));
    expectOneRun(candles);
    expect(result).toMatchObject({ coveredFrom: FROM });
    const requests = fake.requestsTo("binance");
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r.status).toBe(200);
      expect(r.query).toMatchObject({ symbol: "BTCUSDT", interval: "1m", limit: "1000" });
      const span = Number(r.query.endTime) - Number(r.query.startTime) + 1;
      expect(span / MIN).toBeLessThanOrEqual(1000);
    }
  });

  it("kraken: only its last 720 minutes exist, in one request, and the result says so", async () => {
    const result = await history("kraken");
    const candles = candlesOf(result);
    // The answer's 720 entries end with the minute in progress, which the range leaves out.
    const horizon = TO - 719 * MIN;
    expect(result).toMatchObject({ coveredFrom: horizon });
    expect(candles).toEqual(fake.candles(SYMBOL, horizon, TO));
    expectOneRun(candles);
    const requests = fake.requestsTo("kraken");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.query).toMatchObject({ pair: "XBTUSD", interval: "1" });
    expect(requests[0]?.status).toBe(200);
  });

  it("kraken: a range within its horizon comes whole", async () => {
    const from = TO - 6 * 60 * MIN;
    const result = await history("kraken", SYMBOL, from);
    expect(result).toMatchObject({ coveredFrom: from });
    expect(candlesOf(result)).toEqual(fake.candles(SYMBOL, from, TO));
  });
});

describe("refusals and limits", () => {
  it("each exchange refuses a symbol it does not list", async () => {
    const coinbase = await history("coinbase", "XYZ-USD");
    expect(coinbase).toEqual({
      kind: "refused",
      message: "coinbase: no product XYZ-USD (HTTP 404)",
    });
    const kraken = await history("kraken", "XYZ-USD");
    expect(kraken).toEqual({ kind: "refused", message: "kraken: EQuery:Unknown asset pair" });
    const binance = await history("binance", "XYZ-USD");
    expect(binance).toEqual({
      kind: "refused",
      message: "binance: no symbol XYZUSDT (Invalid symbol.)",
    });
    // A refusal is final: one request each, no retries behind the caller's back.
    expect(fake.requests).toHaveLength(3);
  });

  it("binance: a 429 and a 418 ban come back with the wait Retry-After asks for", async () => {
    fake.limit("binance", { retryAfterSeconds: 7 });
    expect(await history("binance")).toMatchObject({ kind: "limited", retryAfterMs: 7000 });
    fake.limit("binance", { status: 418, retryAfterSeconds: 120 });
    const banned = await history("binance");
    expect(banned).toMatchObject({ kind: "limited", retryAfterMs: 120_000 });
    if (banned.kind === "limited") expect(banned.message).toMatch(/IP banned until/);
    fake.restore("binance");
    expect(candlesOf(await history("binance"))).toHaveLength(fake.candles(SYMBOL, FROM, TO).length);
  });

  it("kraken: `EGeneral:Too many requests` comes back as a wait of a few seconds", async () => {
    fake.limit("kraken");
    expect(await history("kraken")).toEqual({
      kind: "limited",
      message: "kraken: EGeneral:Too many requests",
      retryAfterMs: 5000,
      candles: [],
    });
  });

  it("coinbase: a 429 part way keeps the newest windows that arrived", async () => {
    fake.limit("coinbase", { after: 2 });
    const result = await history("coinbase");
    expect(result).toMatchObject({ kind: "limited", retryAfterMs: 1000 });
    if (result.kind !== "limited") return;
    expect(result.message).toBe("coinbase: Public rate limit exceeded (HTTP 429)");
    expectOneRun(result.candles);
    const first = result.candles[0]?.[0] ?? TO;
    expect(first).toBeLessThanOrEqual(TO - 598 * MIN);
    expect(result.candles).toEqual(fake.candles(SYMBOL, first, TO));
    expect(fake.requestsTo("coinbase").map((r) => r.status)).toEqual([200, 200, 429]);
    fake.limit("coinbase", { retryAfterSeconds: 2 });
    expect(await history("coinbase")).toMatchObject({ kind: "limited", retryAfterMs: 2000 });
  });

  it("an exchange that is down is a failure that may pass", async () => {
    for (const name of ["coinbase", "kraken", "binance"] as const) {
      fake.fail(name, { times: 1 });
      expect(await history(name)).toMatchObject({ kind: "failed" });
      expect((await history(name)).kind).toBe("candles");
    }
  });
});
