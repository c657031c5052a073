/**
 * The stock adapters' bars requests over real HTTP, against a local fake that speaks Alpaca's
 * and Finnhub's documented formats: a day of one-minute bars arrives oldest first with exactly
 * the minutes that traded, Alpaca's pages are followed, the key goes where each provider wants
 * it, and refusals and limits come back as results.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alpaca, barsFeed } from "../../party/market/providers/alpaca.ts";
import { finnhub } from "../../party/market/providers/finnhub.ts";
import type { StockAdapter } from "../../party/market/providers/types.ts";
import { bucketStart, type Candle } from "../../party/protocol/index.ts";
import { type FakeStockBars, startFakeStockBars } from "../fakes/fake-stock-bars.ts";

const MIN = 60_000;
const DAY = 1440 * MIN;
const KEY = { key: "AK", secret: "SK" };

let fake: FakeStockBars;
let plain: FakeStockBars;

beforeAll(async () => {
  [fake, plain] = await Promise.all([
    startFakeStockBars({ key: "AK", secret: "SK", pageSize: 500 }),
    startFakeStockBars({ noCandles: true }),
  ]);
});

afterAll(async () => {
  await Promise.all([fake?.close(), plain?.close()]);
});

beforeEach(() => fake.restore());

function bars(
  adapter: StockAdapter,
  options: { base?: string; key?: typeof KEY; from?: number } = {},
) {
  const to = bucketStart(Date.now());
  return adapter.history({
    product: "AAPL",
    from: options.from ?? to - DAY,
    to,
    base: options.base ?? fake.url,
    fetch: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(5000) }),
    credentials: options.key ?? KEY,
    streamUrl: "wss://stream.data.alpaca.markets/v2/iex",
  });
}

function expectDay(result: Awaited<ReturnType<typeof bars>>) {
  if (result.kind !== "candles") throw new Error(`${result.kind}: ${result.message}`);
  const to = bucketStart(Date.now());
  const want: Candle[] = fake.bars("AAPL", to - DAY, to);
  expect(want.length).toBeGreaterThan(1400);
  // A minute may have finished while the request was out.
  expect(result.candles.slice(0, want.length)).toEqual(want);
}

describe("alpaca bars", () => {
  it("a day of minutes in pages, the key in its headers, the stream's feed", async () => {
    const before = fake.requests.length;
    expectDay(await bars(alpaca));
    const asked = fake.requests.slice(before);
    expect(asked).toHaveLength(3);
    expect(asked.every((r) => r.status === 200)).toBe(true);
    expect(asked[0]?.query).toMatchObject({ timeframe: "1Min", limit: "10000", feed: "iex" });
    expect(asked[1]?.query.page_token).toBeTruthy();
    expect(barsFeed("wss://stream.data.alpaca.markets/v2/sip")).toBe("sip");
    expect(barsFeed("wss://stream.data.alpaca.markets/v2/test")).toBe("iex");
  });

  it("a refused key is final; a limit waits until its window opens", async () => {
    const refused = await bars(alpaca, { key: { key: "AK", secret: "wrong" } });
    expect(refused).toEqual({
      kind: "refused",
      message: "alpaca: forbidden (HTTP 403): check ALPACA_KEY_ID and ALPACA_SECRET_KEY",
    });
    fake.limit("alpaca", { retryAfterSeconds: 20 });
    const limited = await bars(alpaca);
    expect(limited).toMatchObject({
      kind: "limited",
      message: "alpaca: too many requests. (HTTP 429)",
    });
    if (limited.kind === "limited") {
      expect(limited.retryAfterMs).toBeGreaterThan(18_000);
      expect(limited.retryAfterMs).toBeLessThanOrEqual(21_000);
    }
  });

  it("a server that is not there is a failure, never an exception", async () => {
    expect(await bars(alpaca, { base: "http://127.0.0.1:9" })).toMatchObject({ kind: "failed" });
  });
});

describe("finnhub candles", () => {
  it("a day of minutes in one request, the token in its query", async () => {
    const before = fake.requests.length;
    expectDay(await bars(finnhub, { key: { key: "AK", secret: "" } }));
    const asked = fake.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.query).toMatchObject({ symbol: "AAPL", resolution: "1", token: "AK" });
  });

  it("no data is an empty answer, not a failure", async () => {
    const to = bucketStart(Date.now());
    const result = await finnhub.history({
      product: "AAPL",
      from: to - 10 * DAY,
      to: to - 9 * DAY,
      base: fake.url,
      fetch,
      credentials: { key: "AK" },
      streamUrl: "",
    });
    expect(result).toEqual({ kind: "candles", candles: [], coveredFrom: to - 10 * DAY });
  });

  it("a wrong token, a plan without candles, and a limit each say so", async () => {
    expect(await bars(finnhub, { key: { key: "no", secret: "" } })).toEqual({
      kind: "refused",
      message: "finnhub: Invalid API key. (HTTP 401): check FINNHUB_TOKEN",
    });
    expect(await bars(finnhub, { base: plain.url })).toEqual({
      kind: "refused",
      message:
        "finnhub: You don't have access to this resource. (HTTP 403): the plan does not include stock candles",
    });
    fake.limit("finnhub", { times: 1 });
    expect(await bars(finnhub, { key: { key: "AK", secret: "" } })).toMatchObject({
      kind: "limited",
      retryAfterMs: 60_000,
    });
  });
});
