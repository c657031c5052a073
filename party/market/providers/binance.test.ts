import { describe, expect, it } from "vitest";
import { binance } from "./binance.ts";

// The trade stream payload as the Binance spot WebSocket streams documentation shows it.
const TRADE = {
  e: "trade",
  E: 1672515782136,
  s: "BTCUSDT",
  t: 12345,
  p: "16500.01",
  q: "0.002",
  T: 1672515782134,
  m: true,
  M: true,
};

describe("binance adapter", () => {
  it("maps -USD to the USDT pair, in the lower case of stream names", () => {
    expect(binance.product("BTC-USD")).toBe("btcusdt");
    expect(binance.product("ETH-BTC")).toBe("ethbtc");
    expect(binance.product("BNB-USDT")).toBe("bnbusdt");
    expect(binance.product("AAPL")).toBeNull();
  });

  it("subscribes through the combined stream URL, and asks for the same stream to get a confirmation", () => {
    expect(binance.url("wss://stream.binance.com:9443", "btcusdt")).toBe(
      "wss://stream.binance.com:9443/stream?streams=btcusdt@trade",
    );
    expect(binance.url("ws://127.0.0.1:4000/", "btcusdt")).toBe(
      "ws://127.0.0.1:4000/stream?streams=btcusdt@trade",
    );
    const frames = binance.subscribe("btcusdt").map((f) => JSON.parse(f));
    expect(frames).toEqual([{ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: 1 }]);
    // Its answer is what confirms the subscription.
    expect(binance.parse('{"result":null,"id":1}', "btcusdt")).toEqual([{ kind: "subscribed" }]);
  });

  it("reads wrapped and raw trades, using the trade time", () => {
    const tick = [1672515782134, 16500.01, 0.002];
    const wrapped = JSON.stringify({ stream: "btcusdt@trade", data: TRADE });
    expect(binance.parse(wrapped, "btcusdt")).toEqual([{ kind: "trades", ticks: [tick] }]);
    expect(binance.parse(JSON.stringify(TRADE), "btcusdt")).toEqual([
      { kind: "trades", ticks: [tick] },
    ]);
  });

  it("drops trades of other symbols and other streams", () => {
    const other = JSON.stringify({ stream: "ethusdt@trade", data: { ...TRADE, s: "ETHUSDT" } });
    expect(binance.parse(other, "btcusdt")).toEqual([{ kind: "ignore" }]);
    expect(binance.parse(JSON.stringify({ ...TRADE, s: "ETHUSDT" }), "btcusdt")).toEqual([
      { kind: "ignore" },
    ]);
    const agg = JSON.stringify({ stream: "btcusdt@aggTrade", data: { ...TRADE, e: "aggTrade" } });
    expect(binance.parse(agg, "btcusdt")).toEqual([{ kind: "ignore" }]);
  });

  it("reads a SUBSCRIBE acknowledgement and ignores other replies", () => {
    expect(binance.parse('{"result":null,"id":1}', "btcusdt")).toEqual([{ kind: "subscribed" }]);
    expect(binance.parse('{"result":["btcusdt@trade"],"id":3}', "btcusdt")).toEqual([
      { kind: "ignore" },
    ]);
  });

  it("reads errors in both documented shapes; an invalid stream is fatal", () => {
    expect(
      binance.parse('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}', "x"),
    ).toEqual([
      { kind: "error", message: "binance: Invalid request: invalid stream (code 2)", fatal: true },
    ]);
    expect(
      binance.parse('{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}', "x"),
    ).toEqual([
      {
        kind: "error",
        message: "binance: Invalid JSON: expected value at line 1 column 1 (code 3)",
        fatal: false,
      },
    ]);
  });

  it("reports a coming server shutdown, in every shape the documentation shows", () => {
    const closing = [
      {
        kind: "status",
        status: "closing",
        message: "binance: the server is shutting down; reconnect",
      },
    ];
    const shapes = [
      { stream: "btcusdt@trade", data: { e: "serverShutdown", E: 1 } },
      // The event is about the connection: it counts whichever stream carries it.
      { stream: "ethusdt@trade", data: { e: "serverShutdown", E: 1 } },
      { e: "serverShutdown", E: 1 },
      { event: { e: "serverShutdown", E: 1770123456789 } },
    ];
    for (const shape of shapes) {
      expect(binance.parse(JSON.stringify(shape), "btcusdt")).toEqual(closing);
    }
  });

  it("turns malformed frames into non-fatal errors", () => {
    for (const frame of ["<html>", "[]", "1"]) {
      expect(binance.parse(frame, "btcusdt")[0]).toMatchObject({ kind: "error", fatal: false });
    }
    for (const bad of [
      { ...TRADE, p: "-1" },
      { ...TRADE, T: "soon" },
      { ...TRADE, q: null },
    ]) {
      expect(binance.parse(JSON.stringify(bad), "btcusdt")[0]).toMatchObject({
        kind: "error",
        fatal: false,
      });
    }
  });
});

// History, with an injected fetch answering as "Kline/Candlestick data" documents it.
const MIN = 60_000;
const DAY_START = Date.UTC(2026, 0, 15, 0, 0);
const DAY_END = DAY_START + 1440 * MIN;

type Reply = { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> };

function stubFetch(reply: (url: URL, n: number) => Reply) {
  const urls: URL[] = [];
  const fetch = async (url: string) => {
    const u = new URL(url);
    urls.push(u);
    const r = reply(u, urls.length);
    return new Response(r.raw ?? JSON.stringify(r.body), {
      status: r.status ?? 200,
      headers: r.headers,
    });
  };
  return { urls, fetch };
}

/** A kline of minute `t`; volume "0.00000000" for a minute without trades. */
function kline(t: number, volume = "2.50000000") {
  const m = (t / MIN) % 5;
  const d = (n: number) => n.toFixed(8);
  return [
    t,
    d(100 + m),
    d(102 + m),
    d(99 + m),
    d(101 + m),
    volume,
    t + MIN - 1,
    "250.0",
    7,
    "1.2",
    "120.0",
    "0",
  ];
}

/** Klines with an open time in [startTime, endTime], oldest first, at most `limit`. */
function klines(u: URL) {
  const start = Number(u.searchParams.get("startTime"));
  const end = Number(u.searchParams.get("endTime"));
  const limit = Number(u.searchParams.get("limit") ?? 500);
  const rows: unknown[] = [];
  for (let t = start; t <= end && rows.length < limit; t += MIN) rows.push(kline(t));
  return rows;
}

const request = (fetch: (url: string) => Promise<Response>, over = {}) =>
  binance.history({
    product: "btcusdt",
    from: DAY_START,
    to: DAY_END,
    base: "https://api.binance.com",
    fetch,
    ...over,
  });

describe("binance history", () => {
  it("names its REST endpoint and the setting that overrides it", () => {
    expect(binance.defaultRestUrl).toBe("https://api.binance.com");
    expect(binance.restUrlEnv).toBe("BINANCE_REST_URL");
  });

  it("pages a day in two requests of at most 1000 klines, newest first", async () => {
    const { urls, fetch } = stubFetch((u) => ({ body: klines(u) }));
    const result = await request(fetch);
    expect(urls).toHaveLength(2);
    for (const u of urls) {
      expect(u.origin + u.pathname).toBe("https://api.binance.com/api/v3/klines");
      // REST symbols are upper case, where stream names are lower case.
      expect(u.searchParams.get("symbol")).toBe("BTCUSDT");
      expect(u.searchParams.get("interval")).toBe("1m");
      expect(u.searchParams.get("limit")).toBe("1000");
      const start = Number(u.searchParams.get("startTime"));
      const end = Number(u.searchParams.get("endTime"));
      expect(Math.ceil((end - start) / MIN)).toBeLessThanOrEqual(1000);
    }
    expect(Number(urls[0]?.searchParams.get("endTime"))).toBe(DAY_END - 1);
    expect(Number(urls[1]?.searchParams.get("startTime"))).toBe(DAY_START);
    if (result.kind !== "candles") throw new Error(result.kind);
    expect(result.coveredFrom).toBe(DAY_START);
    expect(result.candles.map((c) => c[0])).toEqual(
      Array.from({ length: 1440 }, (_, i) => DAY_START + i * MIN),
    );
    const t = DAY_START + 3 * MIN;
    expect(result.candles[3]).toEqual([t, 103, 105, 102, 104, 2.5]);
  });

  it("drops the zero-volume klines of minutes without trades", async () => {
    const { fetch } = stubFetch((u) => ({
      body: klines(u).map((k, i) =>
        i % 2 === 1 ? kline((k as number[])[0] as number, "0.00000000") : k,
      ),
    }));
    const result = await request(fetch, { to: DAY_START + 10 * MIN });
    if (result.kind !== "candles") throw new Error(result.kind);
    expect(result.candles.map((c) => (c[0] - DAY_START) / MIN)).toEqual([0, 2, 4, 6, 8]);
  });

  it("refuses an unknown symbol, which its socket never does", async () => {
    const { fetch } = stubFetch(() => ({
      status: 400,
      body: { code: -1121, msg: "Invalid symbol." },
    }));
    expect(await request(fetch, { product: "xyzusdt" })).toEqual({
      kind: "refused",
      message: "binance: no symbol XYZUSDT (Invalid symbol.)",
    });
  });

  it("reports rate limits and bans with the wait `Retry-After` asks for", async () => {
    const limit = (status: number, headers?: Record<string, string>) =>
      stubFetch(() => ({
        status,
        body: { code: -1003, msg: "Too much request weight used" },
        headers,
      })).fetch;
    expect(await request(limit(429, { "Retry-After": "7" }))).toEqual({
      kind: "limited",
      message: "binance: Too much request weight used (code -1003, HTTP 429)",
      retryAfterMs: 7000,
      candles: [],
    });
    expect(await request(limit(418, { "Retry-After": "120" }))).toMatchObject({
      kind: "limited",
      retryAfterMs: 120_000,
    });
    expect(await request(limit(429))).toMatchObject({ kind: "limited", retryAfterMs: 60_000 });
    expect(await request(limit(403))).toMatchObject({ kind: "limited", retryAfterMs: 300_000 });
  });

  it("keeps the newest page when a limit stops the second", async () => {
    const { fetch } = stubFetch((u, n) =>
      n === 1 ? { body: klines(u) } : { status: 429, body: {}, headers: { "Retry-After": "1" } },
    );
    const result = await request(fetch);
    expect(result).toMatchObject({ kind: "limited", retryAfterMs: 1000 });
    if (result.kind === "limited") {
      expect(result.candles).toHaveLength(1000);
      expect(result.candles.at(-1)?.[0]).toBe(DAY_END - MIN);
    }
  });

  it("refuses a region it does not serve, and fails on the rest", async () => {
    const answer = (reply: Reply) => stubFetch(() => reply).fetch;
    expect(
      await request(
        answer({
          status: 451,
          body: { code: 0, msg: "Service unavailable from a restricted location" },
        }),
      ),
    ).toMatchObject({ kind: "refused" });
    for (const reply of [
      { status: 500, raw: "" },
      { status: 400, body: { code: -1130, msg: "Data sent for parameter 'limit' is not valid." } },
      { raw: "{" },
      { body: { code: 0 } },
      { body: [[1, "a"]] },
    ]) {
      expect(await request(answer(reply))).toMatchObject({ kind: "failed" });
    }
  });
});
