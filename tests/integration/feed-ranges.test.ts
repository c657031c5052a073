/**
 * Long chart ranges of exchange rooms over real HTTP against the Worker: the bars come from the
 * exchange's own candles in the range's interval (local fakes of the REST APIs and the trade
 * socket, the URLs overridden as a user would), a crowd of readers costs one upstream request,
 * the newest bar meets the room's live trades, and a rate-limited or failing exchange gets a
 * clear error that changes nothing. Nothing here reaches the internet.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Candle, Quote, RangeAnswer } from "../../party/protocol/index.ts";
import { type FakeExchange, startFakeExchange } from "../fakes/fake-exchange.ts";
import { type FakeExchangeRest, startFakeExchangeRest } from "../fakes/fake-exchange-rest.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { DAY, expectHttpError, getSnapshot, type Snapshot } from "../helpers/ticker-wire.ts";
import { WsClient } from "../helpers/ws-client.ts";

let server: TestServer;
let rest: FakeExchangeRest;
let coinbase: FakeExchange;

beforeAll(async () => {
  [coinbase, rest] = await Promise.all([
    startFakeExchange({ dialect: "coinbase", heartbeatMs: 500 }),
    startFakeExchangeRest({ symbols: ["BTC-USD", "ETH-USD", "SOL-USD", "SOL-USDT", "ADA-USDT"] }),
  ]);
  server = await startServer({
    env: {
      FEEDS: "BTC-USD=coinbase,ETH-USD=coinbase,SOL-USD=kraken,*-USDT=binance",
      COINBASE_WS_URL: coinbase.url,
      COINBASE_REST_URL: rest.url,
      KRAKEN_REST_URL: rest.url,
      BINANCE_REST_URL: rest.url,
    },
  });
});

afterAll(async () => {
  await server?.dispose();
  await Promise.all([coinbase?.close(), rest?.close()]);
});

type Reply = { status: number; headers: Headers; body: unknown };

async function getRange(symbol: string, range: string): Promise<Reply> {
  const res = await fetch(`${server.url}/parties/ticker/${symbol}?range=${range}`, {
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

function answerOf(reply: Reply): RangeAnswer {
  expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(200);
  return reply.body as RangeAnswer;
}

/** Requests of long ranges: everything but the minutes a room's day is made of. */
const rangeRequests = () =>
  rest.requests.filter((r) => r.query.granularity !== "60" && r.query.interval !== "1m");

describe("an exchange room's long ranges", () => {
  it("come from the exchange's own candles in the range's interval", async () => {
    const year = answerOf(await getRange("BTC-USD", "1y"));
    expect(year).toMatchObject({ source: "coinbase", range: "1y", interval: "1day", hours: "all" });
    const { candles } = year;
    expect(candles.length).toBeGreaterThanOrEqual(365);
    expect(candles.length).toBeLessThanOrEqual(366);
    // Every finished day is the exchange's; the newest is still trading.
    for (const c of candles.slice(0, -1)) expect(c).toEqual(rest.bar("BTC-USD", DAY, c[0]));
    expect((candles.at(-1) as Candle)[0]).toBe(Math.floor(year.asOf / DAY) * DAY);
    const month = answerOf(await getRange("SOL-USD", "1m"));
    expect(month).toMatchObject({ source: "kraken", interval: "1hour" });
    expect(month.candles.length).toBeGreaterThanOrEqual(719);
    const weeks = answerOf(await getRange("SOL-USDT", "5y"));
    expect(weeks).toMatchObject({ source: "binance", interval: "1week" });
    expect(weeks.candles.length).toBeGreaterThanOrEqual(260);
    expect(weeks.candles.every((c) => new Date(c[0]).getUTCDay() === 1)).toBe(true);
  });

  it("cost one upstream request however many read them, and keep the snapshot a day", async () => {
    rest.clearRequests();
    const replies = await Promise.all(Array.from({ length: 20 }, () => getRange("ETH-USD", "6m")));
    for (const reply of replies) expect(answerOf(reply).candles.length).toBeGreaterThan(180);
    expect(rangeRequests()).toHaveLength(1);
    answerOf(await getRange("ETH-USD", "6m"));
    expect(rangeRequests()).toHaveLength(1);
    expect(replies[0]?.headers.get("cache-control")).toMatch(/max-age=5\b/);
    const snapshot = await getSnapshot(server.url, "ETH-USD");
    expect(snapshot.candles.length).toBeLessThanOrEqual(1441);
  });

  it("end where the room's live trades are", async () => {
    const before = answerOf(await getRange("BTC-USD", "1y"));
    const client = await WsClient.connect(server.wsUrl("/parties/ticker/BTC-USD"));
    try {
      await client.nextOf("snapshot", 5000);
      await coinbase.waitFor(() => coinbase.subscribers("BTC-USD") === 1, 5000, "subscription");
      const price = 1_000_000;
      coinbase.trade("BTC-USD", price, 0.5);
      await client.next(
        (d) => (d as { type?: string }).type === "ticks",
        5000,
        "the trade in the room",
      );
      rest.clearRequests();
      const after = answerOf(await getRange("BTC-USD", "1y"));
      // The same kept answer, with the live trade over its newest bar.
      expect(rangeRequests()).toHaveLength(0);
      const newest = after.candles.at(-1) as Candle;
      expect(newest[0]).toBe((before.candles.at(-1) as Candle)[0]);
      expect(newest[4]).toBe(price);
      expect(newest[2]).toBe(price);
      expect(after.candles.slice(0, -1)).toEqual(before.candles.slice(0, -1));
      const snapshot = (await getSnapshot(server.url, "BTC-USD")) as Snapshot;
      expect(snapshot.quote?.price).toBe(price);
    } finally {
      await client.close();
    }
  });

  it("a rate limit is a 503 with the exchange's Retry-After, and changes nothing", async () => {
    const before = await getSnapshot(server.url, "ADA-USDT");
    rest.limit("binance", { retryAfterSeconds: 7 });
    const limited = await getRange("ADA-USDT", "1y");
    expect(limited.status).toBe(503);
    expect(limited.headers.get("retry-after")).toMatch(/^[67]$/);
    const error = expectHttpError(limited.body);
    expect(error.code).toBe("rate_limited");
    expect(error.message).toMatch(/^binance: Too much request weight used/);
    // Kept: the next reader is told the same without asking the exchange again.
    const asked = rest.requestsTo("binance").length;
    expect((await getRange("ADA-USDT", "1y")).status).toBe(503);
    expect(rest.requestsTo("binance")).toHaveLength(asked);
    rest.restore("binance");
    const after = await getSnapshot(server.url, "ADA-USDT");
    expect(after.seq).toBe(before.seq);
    expect(after.candles).toEqual(before.candles);
  });

  it("a failing exchange is a 502 in the protocol's error shape", async () => {
    rest.fail("coinbase", { times: 1 });
    const failed = await getRange("ETH-USD", "5d");
    expect(failed.status).toBe(502);
    expect(expectHttpError(failed.body).code).toBe("upstream_error");
    expect(expectHttpError(failed.body).message).toMatch(/^coinbase: .*HTTP 503/);
  });
});

describe("an exchange room's quote", () => {
  it("carries the 52-week range of the exchange's daily candles, widened by the live day", async () => {
    const client = await WsClient.connect(server.wsUrl("/parties/ticker/BTC-USD"));
    try {
      await client.nextOf("snapshot", 5000);
      await coinbase.waitFor(() => coinbase.subscribers("BTC-USD") === 1, 5000, "subscription");
      // A trade far above anything in the year: the live day's high is the year's.
      coinbase.trade("BTC-USD", 2_000_000, 0.1);
      const frame = await client.next(
        (d) => {
          const q = (d as { quote?: Quote | null }).quote;
          return q?.high52 !== undefined && q.price === 2_000_000;
        },
        10_000,
        "a quote with the 52-week range",
      );
      const quote = (frame.data as { quote: Quote }).quote;
      const today = Math.floor(quote.time / DAY);
      const year: Candle[] = [];
      for (let day = today - 364; day < today; day++) {
        const bar = rest.bar("BTC-USD", DAY, day * DAY);
        if (bar) year.push(bar);
      }
      expect(year.length).toBeGreaterThan(300);
      expect(quote.high52).toBe(2_000_000);
      expect(quote.low52).toBe(Math.min(quote.low, ...year.map((c) => c[3])));
    } finally {
      await client.close();
    }
  });
});
