/**
 * The feed layer against local fake upstreams: first the exchange fakes against the adapters
 * the rooms use (so that in-room feed tests stand on fakes that speak what the adapters read),
 * then the stock bridge (`scripts/feed.ts --provider …`) run as a child process between a fake
 * upstream and a real `partykit dev`: trades become pushed ticks, failed pushes are retried
 * without duplicates, a bad key ends it with one readable line, Ctrl-C ends it cleanly.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { binance } from "../../party/market/providers/binance.ts";
import { coinbase } from "../../party/market/providers/coinbase.ts";
import { kraken } from "../../party/market/providers/kraken.ts";
import type { ExchangeAdapter, FeedEvent } from "../../party/market/providers/types.ts";
import type { Candle, Tick } from "../../party/protocol/index.ts";
import { type FakeExchange, startFakeExchange } from "../fakes/fake-exchange.ts";
import { type FakeStockBars, startFakeStockBars } from "../fakes/fake-stock-bars.ts";
import { type FeedProcess, startFeed, stopAllFeeds } from "../fakes/feed-process.ts";
import { type FlakyProxy, startFlakyProxy } from "../fakes/flaky-proxy.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const TOKEN = "feed-bridge-token";

const fakes: FakeExchange[] = [];
const proxies: FlakyProxy[] = [];
const barFakes: FakeStockBars[] = [];
const sockets: WebSocket[] = [];

async function fake(options: Parameters<typeof startFakeExchange>[0]): Promise<FakeExchange> {
  const f = await startFakeExchange(options);
  fakes.push(f);
  return f;
}

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await stopAllFeeds();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(barFakes.splice(0).map((b) => b.close()));
});

async function barsFake(options: Parameters<typeof startFakeStockBars>[0]): Promise<FakeStockBars> {
  const b = await startFakeStockBars(options);
  barFakes.push(b);
  return b;
}

async function until<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `no ${what} within ${timeoutMs} ms; last: ${JSON.stringify(value)?.slice(0, 400)}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------------------------------------------------------------------------------------------
// Exchange fakes, read through the adapters a room uses

/** A socket to a fake, its frames read by an adapter, as a room would drive it. */
async function feedClient(adapter: ExchangeAdapter, f: FakeExchange, symbol: string) {
  const product = adapter.product(symbol) as string;
  const events: FeedEvent[] = [];
  let pings = 0;
  const ws = new WebSocket(adapter.url(f.url, product));
  sockets.push(ws);
  ws.on("message", (data) => events.push(...adapter.parse(data.toString(), product)));
  ws.on("ping", () => pings++);
  const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  for (const frame of adapter.subscribe(product)) ws.send(frame);
  const kinds = () => events.map((e) => e.kind);
  return {
    product,
    events,
    ws,
    closed,
    pings: () => pings,
    waitFor: (kind: FeedEvent["kind"], count = 1) =>
      until(kinds, (k) => k.filter((x) => x === kind).length >= count, 5000, `${kind} event`),
    trades: () => events.flatMap((e) => (e.kind === "trades" ? e.ticks : [])),
  };
}

describe("exchange fakes speak what the adapters read", () => {
  it("coinbase: subscriptions, heartbeats, matches, last_match, refusals, drops, silence", async () => {
    const f = await fake({
      dialect: "coinbase",
      products: ["BTC-USD", "ETH-USD"],
      heartbeatMs: 50,
    });
    const before = f.trade("BTC-USD", 64000.5, 0.25, 1_700_000_000_000);
    const c = await feedClient(coinbase, f, "BTC-USD");
    await c.waitFor("subscribed");
    expect(c.events).toContainEqual({
      kind: "trades",
      ticks: [[before.time, 64000.5, 0.25]],
      replay: true,
    });
    await c.waitFor("heartbeat", 2);
    f.trade("BTC-USD", 64001, 0.1, 1_700_000_000_500);
    f.trade("ETH-USD", 3000, 1, 1_700_000_000_600);
    await until(c.trades, (t) => t.length >= 2, 5000, "match");
    expect(c.trades()).toEqual([
      [1_700_000_000_000, 64000.5, 0.25],
      [1_700_000_000_500, 64001, 0.1],
    ]);
    expect(JSON.parse(f.received[0]?.text ?? "")).toEqual({
      type: "subscribe",
      product_ids: ["BTC-USD"],
      channels: ["matches", "heartbeat"],
    });

    f.malformed();
    await until(
      () => c.events.filter((e) => e.kind === "error"),
      (e) => e.length >= 1,
      5000,
      "error",
    );
    expect(
      c.events.filter((e) => e.kind === "error").every((e) => e.kind === "error" && !e.fatal),
    ).toBe(true);

    f.silence();
    await new Promise((r) => setTimeout(r, 100));
    const quiet = c.events.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(c.events.length).toBe(quiet);
    f.speak();
    await c.waitFor("heartbeat", c.events.filter((e) => e.kind === "heartbeat").length + 1);

    f.drop();
    await c.closed;
    expect(f.openSockets).toBe(0);

    const unknown = await feedClient(coinbase, f, "DOGE-USD");
    await unknown.waitFor("error");
    expect(unknown.events[0]).toEqual({
      kind: "error",
      message: "coinbase: Failed to subscribe: DOGE-USD is not a valid product",
      fatal: true,
    });
    expect(f.connections).toBe(2);
  });

  it("kraken: status, per-symbol acks, snapshot then updates, heartbeats, refusals", async () => {
    const f = await fake({ dialect: "kraken", products: ["BTC/USD"], heartbeatMs: 50 });
    f.tradeBatch([
      { product: "BTC/USD", price: 64000, size: 0.5, time: 1_700_000_000_000 },
      { product: "BTC/USD", price: 64010, size: 0.25, time: 1_700_000_000_100 },
    ]);
    const c = await feedClient(kraken, f, "BTC-USD");
    await c.waitFor("subscribed");
    await c.waitFor("trades");
    expect(c.events.find((e) => e.kind === "trades")).toEqual({
      kind: "trades",
      ticks: [
        [1_700_000_000_000, 64000, 0.5],
        [1_700_000_000_100, 64010, 0.25],
      ],
      replay: true,
    });
    await c.waitFor("heartbeat", 3);
    f.tradeBatch([
      { product: "BTC/USD", price: 64020, size: 0.1, time: 1_700_000_000_300 },
      { product: "BTC/USD", price: 64015, size: 0.2, time: 1_700_000_000_200 },
    ]);
    await c.waitFor("trades", 2);
    expect(c.events.filter((e) => e.kind === "trades").at(-1)).toEqual({
      kind: "trades",
      ticks: [
        [1_700_000_000_200, 64015, 0.2],
        [1_700_000_000_300, 64020, 0.1],
      ],
    });

    const unknown = await feedClient(kraken, f, "XYZ-USD");
    await unknown.waitFor("error");
    expect(unknown.events.find((e) => e.kind === "error")).toEqual({
      kind: "error",
      message: "kraken: Currency pair not supported XYZ/USD",
      fatal: true,
    });
  });

  it("binance: the stream URL subscribes, trades arrive wrapped, unknown symbols stay silent", async () => {
    const f = await fake({ dialect: "binance", products: ["BTCUSDT"], heartbeatMs: 50 });
    const c = await feedClient(binance, f, "BTC-USD");
    expect(c.product).toBe("btcusdt");
    await f.waitFor(() => f.subscribers("btcusdt") === 1, 5000, "subscriber");
    f.trade("BTCUSDT", 64000.01, 0.002, 1_700_000_000_000);
    await c.waitFor("trades");
    expect(c.trades()).toEqual([[1_700_000_000_000, 64000.01, 0.002]]);
    await until(c.pings, (n) => n >= 2, 5000, "ping frames");
    c.ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: 7 }));
    await c.waitFor("subscribed");

    // Binance acknowledges a stream it does not list like any other, and then sends nothing:
    // only its REST history refuses an unknown symbol (feed-history.test.ts).
    const silent = await feedClient(binance, f, "ETH-USD");
    await silent.waitFor("subscribed");
    f.trade("ETHUSDT", 3000, 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(silent.events).toEqual([{ kind: "subscribed" }]);
  });
});

// ---------------------------------------------------------------------------------------------
// The stock bridge between a fake upstream and real rooms

describe("the stock feed bridge", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { INGEST_TOKEN: TOKEN } });
  });

  afterAll(async () => {
    await stopAllFeeds();
    await server?.dispose();
  });

  type Room = { source: string; seq: number; ticks: Tick[]; candles: Candle[] };
  async function room(symbol: string, base = server.url): Promise<Room> {
    const res = await fetch(`${base}/parties/ticker/${symbol}`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Room;
  }
  const roomWith = (symbol: string, n: number, timeoutMs = 10_000) =>
    until(
      () => room(symbol),
      (r) => r.source === "push" && r.ticks.length >= n,
      timeoutMs,
      `${n} ticks in ${symbol}`,
    );

  function bridge(
    provider: "finnhub" | "alpaca",
    symbols: string,
    env: Record<string, string>,
    extra: string[] = [],
  ): FeedProcess {
    return startFeed(
      [
        "--provider",
        provider,
        "--symbols",
        symbols,
        "--server",
        server.url,
        "--flush-ms",
        "50",
        "--status-ms",
        "300",
        ...extra,
      ],
      { INGEST_TOKEN: TOKEN, ...env },
    );
  }

  async function ctrlC(feed: FeedProcess): Promise<void> {
    feed.signal("SIGINT");
    const exit = await feed.waitForExit(15_000);
    expect(exit, feed.output()).toEqual({ code: 0, signal: null });
  }

  it("pushes finnhub trades into the rooms, sorted, leaving an unknown symbol out", async () => {
    const f = await fake({
      dialect: "finnhub",
      key: "fh-key",
      products: ["AAPL", "MSFT"],
      heartbeatMs: 200,
    });
    const feed = bridge("finnhub", "AAPL,MSFT,ZZZQ", {
      FINNHUB_TOKEN: "fh-key",
      FINNHUB_WS_URL: f.url,
    });
    await f.waitFor(
      () => f.subscribers("AAPL") === 1 && f.subscribers("MSFT") === 1,
      10_000,
      "subscriptions",
    );
    await feed.waitForOutput(/Invalid symbol ZZZQ; leaving ZZZQ out/);

    const t0 = Date.now();
    f.tradeBatch([
      { product: "AAPL", price: 190.5, size: 100, time: t0 + 5 },
      { product: "MSFT", price: 410.25, size: 3, time: t0 + 1 },
      { product: "AAPL", price: 190.45, size: 20, time: t0 + 3 },
    ]);
    f.trade("AAPL", 190.6, 7, t0 + 9);

    const aapl = await roomWith("AAPL", 3);
    expect(aapl.source).toBe("push");
    expect(aapl.ticks).toEqual([
      [t0 + 3, 190.45, 20],
      [t0 + 5, 190.5, 100],
      [t0 + 9, 190.6, 7],
    ]);
    expect((await roomWith("MSFT", 1)).ticks).toEqual([[t0 + 1, 410.25, 3]]);

    await feed.waitForOutput(
      /finnhub connected · trades in 4 · ticks pushed 4 · queued 0 · last error: /,
    );
    await ctrlC(feed);
    expect(feed.stdout()).toMatch(/done: trades in 4, ticks pushed 4/);
    expect(f.connections).toBe(1);
  });

  it("authenticates to alpaca, subscribes once, and pushes its trades", async () => {
    const f = await fake({
      dialect: "alpaca",
      key: "AKTEST",
      secret: "sekrit",
      products: ["NVDA", "TSLA"],
    });
    const feed = bridge("alpaca", "NVDA,TSLA", {
      ALPACA_KEY_ID: "AKTEST",
      ALPACA_SECRET_KEY: "sekrit",
      ALPACA_WS_URL: f.url,
    });
    await feed.waitForOutput(/subscribed to NVDA, TSLA/);
    expect(f.received.map((r) => JSON.parse(r.text))).toEqual([
      { action: "auth", key: "AKTEST", secret: "sekrit" },
      { action: "subscribe", trades: ["NVDA", "TSLA"] },
    ]);

    const t0 = Date.now();
    f.tradeBatch([
      { product: "NVDA", price: 120.01, size: 50, time: t0 },
      { product: "TSLA", price: 250.5, size: 10, time: t0 + 2 },
      { product: "NVDA", price: 120.02, size: 5, time: t0 + 4 },
    ]);
    expect((await roomWith("NVDA", 2)).ticks).toEqual([
      [t0, 120.01, 50],
      [t0 + 4, 120.02, 5],
    ]);
    expect((await roomWith("TSLA", 1)).ticks).toEqual([[t0 + 2, 250.5, 10]]);
    await ctrlC(feed);
  });

  it("backfills the day's minutes from alpaca's bars, streams trades, and asks again after a gap", async () => {
    const bars = await barsFake({ key: "AKBARS", secret: "sb" });
    const f = await fake({ dialect: "alpaca", key: "AKBARS", secret: "sb", products: ["AMZN"] });
    const feed = bridge("alpaca", "AMZN", {
      ALPACA_KEY_ID: "AKBARS",
      ALPACA_SECRET_KEY: "sb",
      ALPACA_WS_URL: f.url,
      ALPACA_REST_URL: bars.url,
    });
    await feed.waitForOutput(/backfilled AMZN with \d{4} minutes of alpaca bars/);
    const day = await room("AMZN");
    expect(day.source).toBe("push");
    const first = (day.candles[0] as Candle)[0];
    const last = (day.candles.at(-1) as Candle)[0];
    expect(day.candles).toEqual(bars.bars("AMZN", first, last + 60_000));
    expect(day.candles.length).toBeGreaterThan(1400);
    expect(Date.now() - last).toBeLessThan(3 * 60_000);
    expect(bars.requests.map((r) => r.query.feed)).toEqual(["iex"]);

    const t0 = Date.now();
    f.trade("AMZN", 1234.5, 7, t0);
    const live = await roomWith("AMZN", 1);
    expect(live.ticks).toEqual([[t0, 1234.5, 7]]);
    expect(live.candles.slice(0, -1)).toEqual(day.candles.filter((c) => c[0] < t0 - (t0 % 60_000)));

    // A gap: the bridge asks for the minutes the room lacks again, and they are the stream's.
    f.drop();
    await until(
      () => bars.requests.length,
      (n) => n === 2,
      10_000,
      "a second bars request",
    );
    await feed.waitForOutput(/subscribed to AMZN[\s\S]*subscribed to AMZN/);
    f.trade("AMZN", 1235, 1, t0 + 10);
    expect((await roomWith("AMZN", 2)).ticks.at(-1)).toEqual([t0 + 10, 1235, 1]);
    await ctrlC(feed);
    expect(feed.output()).toMatch(/minutes backfilled \d{4}/);
  });

  it("streams trades all the same when the provider's plan has no bars, saying so once", async () => {
    const bars = await barsFake({ noCandles: true });
    const f = await fake({ dialect: "finnhub", products: ["NFLX"], heartbeatMs: 200 });
    const feed = bridge("finnhub", "NFLX", {
      FINNHUB_TOKEN: "t",
      FINNHUB_WS_URL: f.url,
      FINNHUB_REST_URL: bars.url,
    });
    await feed.waitForOutput(
      /^feed: finnhub: no bars to backfill NFLX with \(finnhub: You don't have access to this resource\. \(HTTP 403\): the plan does not include stock candles\); streaming trades only$/m,
    );
    await f.waitFor(() => f.subscribers("NFLX") === 1, 10_000, "subscription");
    const t0 = Date.now();
    f.trade("NFLX", 480.5, 2, t0);
    expect((await roomWith("NFLX", 1)).ticks).toEqual([[t0, 480.5, 2]]);
    expect(bars.requests).toHaveLength(1);
    await ctrlC(feed);
  });

  it("retries failed pushes without losing or duplicating a tick", async () => {
    const proxy = await startFlakyProxy(server.url);
    proxies.push(proxy);
    const f = await fake({ dialect: "finnhub", heartbeatMs: 200 });
    const feed = startFeed(
      [
        "--provider",
        "finnhub",
        "--symbols",
        "AMD",
        "--server",
        proxy.url,
        "--flush-ms",
        "50",
        "--status-ms",
        "0",
      ],
      { INGEST_TOKEN: TOKEN, FINNHUB_TOKEN: "any", FINNHUB_WS_URL: f.url },
    );
    await f.waitFor(() => f.subscribers("AMD") === 1, 10_000, "subscription");
    const t0 = Date.now();
    const trades: Tick[] = [];
    const send = (batch: Tick[]) => {
      trades.push(...batch);
      f.tradeBatch(batch.map(([time, price, size]) => ({ product: "AMD", price, size, time })));
    };

    send([
      [t0, 150, 10],
      [t0 + 1, 150.1, 5],
    ]);
    const start = await roomWith("AMD", 2);

    // Refused by the way there: the room never saw it.
    proxy.failNext(1, 503);
    send([
      [t0 + 2, 150.2, 1],
      [t0 + 2, 150.2, 1],
      [t0 + 3, 150.3, 2],
    ]);
    await roomWith("AMD", 5);

    // Stored by the room, but the answer is lost on the way back.
    proxy.loseNextReply(1);
    send([
      [t0 + 4, 150.4, 3],
      [t0 + 4, 150.5, 4],
    ]);
    await roomWith("AMD", 7);
    await feed.waitForOutput(/the room had stored 2 ticks whose answer was lost/);

    send([[t0 + 6, 150.6, 6]]);
    const end = await roomWith("AMD", 8);
    await new Promise((r) => setTimeout(r, 300));
    const settled = await room("AMD");
    expect(settled.ticks).toEqual(trades);
    expect(settled.seq - start.seq).toBe(trades.length - 2);
    expect(end.seq).toBe(settled.seq);
    const statuses = proxy.requests.filter((r) => r.method === "POST").map((r) => r.status);
    expect(statuses).toContain(503);
    expect(statuses).toContain(null);
    expect(statuses.at(-1)).toBe(200);
    expect(feed.stderr()).toMatch(/AMD: push failed \(HTTP 503/);
    await ctrlC(feed);
  });

  it("reconnects when the upstream drops the connection or stops answering", async () => {
    const f = await fake({ dialect: "finnhub", heartbeatMs: 0 });
    const feed = bridge("finnhub", "INTC", { FINNHUB_TOKEN: "t", FINNHUB_WS_URL: f.url }, [
      "--ping-ms",
      "200",
    ]);
    await f.waitFor(() => f.subscribers("INTC") === 1, 10_000, "subscription");

    f.drop();
    await f.waitFor(
      () => f.connections === 2 && f.subscribers("INTC") === 1,
      10_000,
      "reconnect after a drop",
    );
    const t0 = Date.now();
    f.trade("INTC", 31.5, 100, t0);

    f.silence({ newSockets: false });
    await f.waitFor(
      () => f.connections === 3 && f.subscribers("INTC") === 1,
      10_000,
      "reconnect after silence",
    );
    await feed.waitForOutput(/finnhub stopped answering pings; reconnecting/);
    f.trade("INTC", 31.6, 50, t0 + 10);
    expect((await roomWith("INTC", 2)).ticks).toEqual([
      [t0, 31.5, 100],
      [t0 + 10, 31.6, 50],
    ]);
    await ctrlC(feed);
  });

  it("pushes what is queued when stopped with Ctrl-C", async () => {
    const f = await fake({ dialect: "finnhub", heartbeatMs: 0 });
    const feed = startFeed(
      [
        "--provider",
        "finnhub",
        "--symbols",
        "ORCL",
        "--server",
        server.url,
        "--flush-ms",
        "600000",
        "--status-ms",
        "100",
      ],
      { INGEST_TOKEN: TOKEN, FINNHUB_TOKEN: "t", FINNHUB_WS_URL: f.url },
    );
    await f.waitFor(() => f.subscribers("ORCL") === 1, 10_000, "subscription");
    const t0 = Date.now();
    f.tradeBatch([
      { product: "ORCL", price: 140, size: 1, time: t0 },
      { product: "ORCL", price: 140.5, size: 2, time: t0 + 1 },
    ]);
    await feed.waitForOutput(/trades in 2 · ticks pushed 0 · queued 2/);
    expect((await room("ORCL")).source).toBe("sim");
    // Under `npm run`, one Ctrl-C reaches the process twice; that must still flush.
    feed.signal("SIGINT");
    await ctrlC(feed);
    expect(feed.stdout()).toMatch(/stopping: pushing what is queued/);
    expect((await room("ORCL")).ticks).toEqual([
      [t0, 140, 1],
      [t0 + 1, 140.5, 2],
    ]);
  });

  it("exits non-zero with one readable line when the upstream refuses the key", async () => {
    const fh = await fake({ dialect: "finnhub", key: "right" });
    const feed = bridge("finnhub", "AAPL", { FINNHUB_TOKEN: "wrong", FINNHUB_WS_URL: fh.url });
    expect((await feed.waitForExit()).code).toBe(1);
    expect(feed.stderr()).toMatch(
      /^feed: finnhub refused the token \(HTTP 401\): check FINNHUB_TOKEN$/m,
    );
    expect(feed.output()).not.toMatch(/\n\s+at /);
    expect(fh.refusedUpgrades).toBe(1);

    const ap = await fake({ dialect: "alpaca", key: "AK", secret: "right" });
    const alpaca = bridge("alpaca", "AAPL", {
      ALPACA_KEY_ID: "AK",
      ALPACA_SECRET_KEY: "wrong",
      ALPACA_WS_URL: ap.url,
    });
    expect((await alpaca.waitForExit()).code).toBe(1);
    expect(alpaca.stderr()).toMatch(
      /^feed: alpaca: auth failed \(402\): check ALPACA_KEY_ID and ALPACA_SECRET_KEY$/m,
    );
    expect(ap.connections).toBe(1);
  });

  it("waits out a connection limit instead of giving up or hammering", async () => {
    const ap = await fake({ dialect: "alpaca", maxConnections: 1 });
    const other = new WebSocket(ap.url);
    sockets.push(other);
    await ap.waitFor(() => ap.openSockets === 1, 5000, "the other session");
    const alpaca = bridge("alpaca", "AAPL", {
      ALPACA_KEY_ID: "k",
      ALPACA_SECRET_KEY: "s",
      ALPACA_WS_URL: ap.url,
    });
    await alpaca.waitForOutput(
      /^feed: alpaca: connection limit exceeded \(406\): another session uses this key; Alpaca allows one; reconnecting in (1[5-9]|2\d|30)\.\d s$/m,
    );

    const fh = await fake({ dialect: "finnhub", maxConnections: 0 });
    const finnhub = bridge("finnhub", "AAPL", { FINNHUB_TOKEN: "t", FINNHUB_WS_URL: fh.url });
    await finnhub.waitForOutput(
      /^feed: finnhub: too many connections or requests for this token \(HTTP 429\); reconnecting in (1[5-9]|2\d|30)\.\d s$/m,
    );
    expect(fh.refusedUpgrades).toBe(1);
    await ctrlC(alpaca);
    await ctrlC(finnhub);
  });

  it("stops with a clear message when the server refuses the ingest token", async () => {
    const f = await fake({ dialect: "finnhub" });
    const feed = startFeed(
      ["--provider", "finnhub", "--symbols", "IBM", "--server", server.url, "--flush-ms", "50"],
      { INGEST_TOKEN: "not-the-token", FINNHUB_TOKEN: "t", FINNHUB_WS_URL: f.url },
    );
    await f.waitFor(() => f.subscribers("IBM") === 1, 10_000, "subscription");
    f.trade("IBM", 250, 1);
    expect((await feed.waitForExit()).code).toBe(1);
    expect(feed.stderr()).toMatch(
      /the server refused the ingest token \(HTTP 401: .*\); check INGEST_TOKEN/,
    );
  });

  it("refuses to start without its settings", async () => {
    const feed = startFeed(["--provider", "alpaca", "--symbols", "AAPL", "--server", server.url], {
      INGEST_TOKEN: TOKEN,
    });
    expect((await feed.waitForExit()).code).toBe(2);
    expect(feed.stderr()).toMatch(/alpaca needs ALPACA_KEY_ID and ALPACA_SECRET_KEY set/);
  });
});
