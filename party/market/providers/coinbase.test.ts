import { describe, expect, it } from "vitest";
import { coinbase } from "./coinbase.ts";

// Frames as the Coinbase Exchange WebSocket documentation shows them.
const MATCH = JSON.stringify({
  type: "match",
  trade_id: 10,
  sequence: 50,
  maker_order_id: "ac928c66-ca53-498f-9c13-a110027a60e8",
  taker_order_id: "132fb6ae-456b-4654-b4e0-d681ac05cea1",
  time: "2014-11-07T08:19:27.028459Z",
  product_id: "BTC-USD",
  size: "5.23512",
  price: "400.23",
  side: "sell",
});
const HEARTBEAT =
  '{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}';
const SUBSCRIPTIONS =
  '{"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]},{"name":"heartbeat","product_ids":["BTC-USD"]}]}';
const REFUSED =
  '{"type":"error","message":"Failed to subscribe","reason":"GIBBERISH-USD is not a valid product"}';

describe("coinbase adapter", () => {
  it("names products like Tickerroom symbols and subscribes to matches and heartbeats", () => {
    expect(coinbase.product("BTC-USD")).toBe("BTC-USD");
    expect(coinbase.product("AAPL")).toBeNull();
    expect(coinbase.url("wss://ws-feed.exchange.coinbase.com", "BTC-USD")).toBe(
      "wss://ws-feed.exchange.coinbase.com",
    );
    expect(coinbase.subscribe("BTC-USD").map((f) => JSON.parse(f))).toEqual([
      { type: "subscribe", product_ids: ["BTC-USD"], channels: ["matches", "heartbeat"] },
    ]);
  });

  it("reads a match as a tick with numbers and epoch milliseconds", () => {
    expect(coinbase.parse(MATCH, "BTC-USD")).toEqual([
      { kind: "trades", ticks: [[Date.UTC(2014, 10, 7, 8, 19, 27, 28), 400.23, 5.23512]] },
    ]);
  });

  it("marks last_match as history from before the subscription", () => {
    const last = MATCH.replace('"match"', '"last_match"');
    expect(coinbase.parse(last, "BTC-USD")).toEqual([
      {
        kind: "trades",
        ticks: [[Date.UTC(2014, 10, 7, 8, 19, 27, 28), 400.23, 5.23512]],
        replay: true,
      },
    ]);
  });

  it("drops trades of other products", () => {
    expect(coinbase.parse(MATCH, "ETH-USD")).toEqual([{ kind: "ignore" }]);
    expect(coinbase.parse(HEARTBEAT, "ETH-USD")).toEqual([{ kind: "ignore" }]);
  });

  it("reads heartbeats and the subscription list", () => {
    expect(coinbase.parse(HEARTBEAT, "BTC-USD")).toEqual([{ kind: "heartbeat" }]);
    expect(coinbase.parse(SUBSCRIPTIONS, "BTC-USD")).toEqual([{ kind: "subscribed" }]);
    expect(coinbase.parse(SUBSCRIPTIONS, "ETH-USD")).toEqual([{ kind: "ignore" }]);
  });

  it("treats a refused subscription as fatal and other errors as passing", () => {
    expect(coinbase.parse(REFUSED, "GIBBERISH-USD")).toEqual([
      {
        kind: "error",
        message: "coinbase: Failed to subscribe: GIBBERISH-USD is not a valid product",
        fatal: true,
      },
    ]);
    expect(coinbase.parse('{"type":"error","message":"ErrSlowConsume"}', "BTC-USD")).toEqual([
      { kind: "error", message: "coinbase: ErrSlowConsume", fatal: false },
    ]);
  });

  it("ignores message types it does not use", () => {
    expect(coinbase.parse('{"type":"ticker","product_id":"BTC-USD"}', "BTC-USD")).toEqual([
      { kind: "ignore" },
    ]);
  });

  it("turns malformed frames into non-fatal errors, never an exception", () => {
    for (const frame of ["", "not json", "[1,2]", "null", "42"]) {
      const [event] = coinbase.parse(frame, "BTC-USD");
      expect(event).toMatchObject({ kind: "error", fatal: false });
    }
    const bad = [
      MATCH.replace('"400.23"', '"abc"'),
      MATCH.replace('"5.23512"', '"0"'),
      MATCH.replace("2014-11-07T08:19:27.028459Z", "yesterday"),
    ];
    for (const frame of bad) {
      expect(coinbase.parse(frame, "BTC-USD")).toEqual([
        { kind: "error", message: expect.stringMatching(/without a usable/), fatal: false },
      ]);
    }
  });
});

// History, with an injected fetch answering as "Get product candles" documents it.
const MIN = 60_000;
const DAY_START = Date.UTC(2026, 0, 15, 0, 0);
const DAY_END = DAY_START + 1440 * MIN;

type Reply = { status?: number; body?: unknown; raw?: string; headers?: Record<string, string> };

/** A fetch that records URLs and answers each from `reply`. */
function stubFetch(reply: (url: URL, n: number) => Reply | Error) {
  const urls: URL[] = [];
  const fetch = async (url: string) => {
    const u = new URL(url);
    urls.push(u);
    const r = reply(u, urls.length);
    if (r instanceof Error) throw r;
    const text = r.raw ?? JSON.stringify(r.body ?? []);
    return new Response(text, { status: r.status ?? 200, headers: r.headers });
  };
  return { urls, fetch };
}

/** Price fields of minute `t`, so that the order of low, high, open, close shows. */
function fields(t: number) {
  const m = t / MIN;
  return { low: 100 + (m % 7), high: 110 + (m % 7), open: 104 + (m % 7), close: 106 + (m % 7) };
}

/** Coinbase's answer for a window: newest first, including a minute before `start`, as documented. */
function coinbaseRows(u: URL) {
  const start = Date.parse(u.searchParams.get("start") ?? "");
  const end = Date.parse(u.searchParams.get("end") ?? "");
  const rows: number[][] = [];
  for (let t = end; t >= start - MIN; t -= MIN) {
    const f = fields(t);
    rows.push([t / 1000, f.low, f.high, f.open, f.close, 1.5]);
  }
  return rows;
}

const request = (fetch: (url: string) => Promise<Response>, over = {}) =>
  coinbase.history({
    product: "BTC-USD",
    from: DAY_START,
    to: DAY_END,
    base: "https://api.exchange.coinbase.com/",
    fetch,
    ...over,
  });

describe("coinbase history", () => {
  it("names its REST endpoint and the setting that overrides it", () => {
    expect(coinbase.defaultRestUrl).toBe("https://api.exchange.coinbase.com");
    expect(coinbase.restUrlEnv).toBe("COINBASE_REST_URL");
  });

  it("pages a day in windows of at most 300 candles, newest first, into one sorted day", async () => {
    const { urls, fetch } = stubFetch((u) => ({ body: coinbaseRows(u) }));
    const result = await request(fetch);
    expect(urls).toHaveLength(5);
    for (const u of urls) {
      expect(u.origin + u.pathname).toBe(
        "https://api.exchange.coinbase.com/products/BTC-USD/candles",
      );
      expect(u.searchParams.get("granularity")).toBe("60");
      const start = Date.parse(u.searchParams.get("start") ?? "");
      const end = Date.parse(u.searchParams.get("end") ?? "");
      // Both ends are bucket starts and count: at most 300 buckets.
      expect((end - start) / MIN + 1).toBeLessThanOrEqual(300);
      expect(u.searchParams.get("start")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(Date.parse(urls[0]?.searchParams.get("end") ?? "")).toBe(DAY_END - MIN);
    expect(Date.parse(urls[4]?.searchParams.get("start") ?? "")).toBe(DAY_START);
    if (result.kind !== "candles") throw new Error(result.kind);
    expect(result.coveredFrom).toBe(DAY_START);
    expect(result.candles.map((c) => c[0])).toEqual(
      Array.from({ length: 1440 }, (_, i) => DAY_START + i * MIN),
    );
    const t = DAY_START + 77 * MIN;
    const f = fields(t);
    expect(result.candles[77]).toEqual([t, f.open, f.high, f.low, f.close, 1.5]);
  });

  it("keeps minutes without trades out, as the exchange sends no row for them", async () => {
    const { fetch } = stubFetch((u) => ({
      body: coinbaseRows(u).filter((r) => ((r[0] as number) / 60) % 10 !== 3),
    }));
    const result = await request(fetch, { from: DAY_START, to: DAY_START + 60 * MIN });
    if (result.kind !== "candles") throw new Error(result.kind);
    expect(result.candles).toHaveLength(54);
    expect(result.candles.every((c) => (c[0] / MIN) % 10 !== 3)).toBe(true);
  });

  it("asks nothing for an empty range", async () => {
    const { urls, fetch } = stubFetch(() => ({ body: [] }));
    expect(await request(fetch, { from: DAY_END, to: DAY_END })).toEqual({
      kind: "candles",
      candles: [],
      coveredFrom: DAY_END,
    });
    expect(urls).toHaveLength(0);
  });

  it("refuses an unknown product", async () => {
    const { fetch } = stubFetch(() => ({ status: 404, body: { message: "NotFound" } }));
    expect(await request(fetch, { product: "XYZ-USD" })).toEqual({
      kind: "refused",
      message: "coinbase: no product XYZ-USD (HTTP 404)",
    });
  });

  it("reports a rate limit with its wait, keeping the pages that arrived", async () => {
    const { fetch } = stubFetch((u, n) =>
      n === 1
        ? { body: coinbaseRows(u) }
        : {
            status: 429,
            body: { message: "Public rate limit exceeded" },
            headers: { "Retry-After": "3" },
          },
    );
    const result = await request(fetch);
    expect(result).toMatchObject({ kind: "limited", retryAfterMs: 3000 });
    if (result.kind !== "limited") return;
    expect(result.message).toBe("coinbase: Public rate limit exceeded (HTTP 429)");
    // The newest window came first: the minutes that meet the live trades.
    const newest = Array.from({ length: 300 }, (_, i) => DAY_END - (300 - i) * MIN);
    expect(result.candles.map((c) => c[0]).slice(-300)).toEqual(newest);
    const bare = stubFetch(() => ({ status: 429, body: { message: "slow down" } }));
    expect(await request(bare.fetch)).toMatchObject({ kind: "limited", retryAfterMs: 1000 });
  });

  it("turns server errors, network failures and odd answers into failures, never exceptions", async () => {
    const answers: (Reply | Error)[] = [
      { status: 502, raw: "<html>Bad gateway</html>" },
      new TypeError("fetch failed"),
      { raw: "not json" },
      { body: { message: "odd" } },
      { body: [["x"], [1, 2]] },
    ];
    for (const answer of answers) {
      const { fetch } = stubFetch(() => answer);
      expect(await request(fetch)).toMatchObject({ kind: "failed", candles: [] });
    }
    const throwing = () => {
      throw new Error("boom");
    };
    expect(await request(throwing)).toMatchObject({ kind: "failed", message: "coinbase: boom" });
  });
});
