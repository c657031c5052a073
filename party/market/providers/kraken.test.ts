import { describe, expect, it } from "vitest";
import { kraken, restPair } from "./kraken.ts";

// Frames shaped as the Kraken WebSocket v2 documentation shows them.
const ACK =
  '{"method":"subscribe","result":{"channel":"trade","snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2023-10-06T17:35:55.123456Z","time_out":"2023-10-06T17:35:55.123789Z"}';
const REFUSED =
  '{"error":"Currency pair not supported BTC/XYZ","method":"subscribe","success":false,"symbol":"BTC/XYZ","time_in":"2023-10-06T17:35:55.123456Z","time_out":"2023-10-06T17:35:55.123789Z"}';
const UPDATE = JSON.stringify({
  channel: "trade",
  type: "update",
  data: [
    {
      symbol: "BTC/USD",
      side: "sell",
      price: 105910.5,
      qty: 0.0001246,
      ord_type: "market",
      trade_id: 10218209,
      timestamp: "2023-10-06T17:35:56.123456Z",
    },
    {
      symbol: "BTC/USD",
      side: "buy",
      price: 105944.2,
      qty: 0.00027625,
      ord_type: "limit",
      trade_id: 10218208,
      timestamp: "2023-10-06T17:35:55.440295Z",
    },
  ],
});
const STATUS =
  '{"channel":"status","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"online","version":"2.0.0"}],"type":"update"}';

const T1 = Date.UTC(2023, 9, 6, 17, 35, 55, 440);
const T2 = Date.UTC(2023, 9, 6, 17, 35, 56, 123);

describe("kraken adapter", () => {
  it("maps BTC-USD to BTC/USD and subscribes to trades with a snapshot", () => {
    expect(kraken.product("BTC-USD")).toBe("BTC/USD");
    expect(kraken.product("ETH-EUR")).toBe("ETH/EUR");
    expect(kraken.product("AAPL")).toBeNull();
    expect(kraken.url("wss://ws.kraken.com/v2", "BTC/USD")).toBe("wss://ws.kraken.com/v2");
    expect(kraken.subscribe("BTC/USD").map((f) => JSON.parse(f))).toEqual([
      { method: "subscribe", params: { channel: "trade", symbol: ["BTC/USD"], snapshot: true } },
    ]);
  });

  it("reads updates in time order, with numbers and RFC 3339 times", () => {
    expect(kraken.parse(UPDATE, "BTC/USD")).toEqual([
      {
        kind: "trades",
        ticks: [
          [T1, 105944.2, 0.00027625],
          [T2, 105910.5, 0.0001246],
        ],
      },
    ]);
  });

  it("keeps the snapshot, marked as history, and reads string numbers too", () => {
    const snapshot = UPDATE.replace('"update"', '"snapshot"')
      .replace("105910.5", '"105910.5"')
      .replace("0.0001246", '"0.0001246"');
    expect(kraken.parse(snapshot, "BTC/USD")).toEqual([
      {
        kind: "trades",
        ticks: [
          [T1, 105944.2, 0.00027625],
          [T2, 105910.5, 0.0001246],
        ],
        replay: true,
      },
    ]);
  });

  it("drops trades of other pairs", () => {
    expect(kraken.parse(UPDATE, "ETH/USD")).toEqual([{ kind: "ignore" }]);
  });

  it("reads acks, heartbeats and pongs", () => {
    expect(kraken.parse(ACK, "BTC/USD")).toEqual([{ kind: "subscribed" }]);
    expect(kraken.parse(ACK, "ETH/USD")).toEqual([{ kind: "ignore" }]);
    expect(kraken.parse('{"channel":"heartbeat"}', "BTC/USD")).toEqual([{ kind: "heartbeat" }]);
    expect(kraken.parse('{"method":"pong","time_in":"x","time_out":"y"}', "BTC/USD")).toEqual([
      { kind: "heartbeat" },
    ]);
  });

  it("takes only an acknowledgement that says it succeeded for a subscription", () => {
    const unsaid = JSON.parse(ACK);
    delete unsaid.success;
    expect(kraken.parse(JSON.stringify(unsaid), "BTC/USD")).toEqual([{ kind: "ignore" }]);
    const unsubscribed = ACK.replace('"method":"subscribe"', '"method":"unsubscribe"');
    expect(kraken.parse(unsubscribed, "BTC/USD")).toEqual([{ kind: "ignore" }]);
  });

  it("reports the engine's state, which arrives before any subscription and is no sign of one", () => {
    // The status comes on connecting: taking it for a live feed made a refused pair show live first.
    expect(kraken.parse(STATUS, "BTC/USD")).toEqual([
      { kind: "status", status: "online", message: "kraken: the trading engine is online" },
    ]);
    for (const system of ["maintenance", "cancel_only", "post_only"]) {
      expect(kraken.parse(STATUS.replace('"online"', `"${system}"`), "BTC/USD")).toEqual([
        {
          kind: "status",
          status: "maintenance",
          message: `kraken: the trading engine is in ${system}`,
        },
      ]);
    }
    expect(kraken.parse('{"channel":"status","data":[{}],"type":"update"}', "BTC/USD")).toEqual([
      { kind: "ignore" },
    ]);
  });

  it("treats an unsupported pair as fatal and a rate limit as passing", () => {
    expect(kraken.parse(REFUSED, "BTC/XYZ")).toEqual([
      { kind: "error", message: "kraken: Currency pair not supported BTC/XYZ", fatal: true },
    ]);
    expect(kraken.parse(REFUSED, "BTC/USD")).toEqual([{ kind: "ignore" }]);
    const limited = '{"error":"Exceeded msg rate","method":"subscribe","success":false}';
    expect(kraken.parse(limited, "BTC/USD")).toEqual([
      { kind: "error", message: "kraken: Exceeded msg rate", fatal: false },
    ]);
  });

  it("keeps the good trades of a frame and reports the bad ones", () => {
    const mixed = UPDATE.replace("105910.5", '"n/a"');
    expect(kraken.parse(mixed, "BTC/USD")).toEqual([
      { kind: "trades", ticks: [[T1, 105944.2, 0.00027625]] },
      {
        kind: "error",
        message: "kraken sent 1 trade(s) without a usable price, size or time",
        fatal: false,
      },
    ]);
  });

  it("turns malformed frames into non-fatal errors", () => {
    for (const frame of ["{", "[]", "true", '{"channel":"trade","type":"update"}']) {
      expect(kraken.parse(frame, "BTC/USD")[0]).toMatchObject({ kind: "error", fatal: false });
    }
  });
});

// History, with an injected fetch answering as "Get OHLC Data" documents it.
const MIN = 60_000;
/** The fake present: the minute in progress starts here. */
const NOW = Date.UTC(2026, 0, 15, 12, 0);
const DAY_END = NOW;
const DAY_START = DAY_END - 1440 * MIN;

type Reply = { status?: number; body?: unknown; raw?: string };

function stubFetch(reply: (url: URL, n: number) => Reply) {
  const urls: URL[] = [];
  const fetch = async (url: string) => {
    const u = new URL(url);
    urls.push(u);
    const r = reply(u, urls.length);
    return new Response(r.raw ?? JSON.stringify(r.body), { status: r.status ?? 200 });
  };
  return { urls, fetch };
}

/** An OHLC row of minute `t` in Kraken's form; `volume` "0.00000000" for a minute without trades. */
function ohlcRow(t: number, volume = "1.25000000") {
  const p = (100 + ((t / MIN) % 9)).toFixed(1);
  const hi = (101 + ((t / MIN) % 9)).toFixed(1);
  const lo = (99 + ((t / MIN) % 9)).toFixed(1);
  const close = (100.5 + ((t / MIN) % 9)).toFixed(1);
  return [t / 1000, p, hi, lo, close, "100.2", volume, volume === "0.00000000" ? 0 : 3];
}

/** The 720 most recent entries, the last one the minute in progress, whatever `since` says. */
function latest(since: number, until = NOW) {
  const rows: unknown[] = [];
  for (let t = until - 719 * MIN; t <= until; t += MIN) {
    if (t / 1000 > since || t === until) rows.push(ohlcRow(t));
  }
  return { error: [], result: { XXBTZUSD: rows, last: (until - MIN) / 1000 } };
}

const request = (fetch: (url: string) => Promise<Response>, over = {}) =>
  kraken.history({
    product: "BTC/USD",
    from: DAY_START,
    to: DAY_END,
    base: "https://api.kraken.com",
    fetch,
    ...over,
  });

describe("kraken history", () => {
  it("names its REST endpoint and the setting that overrides it", () => {
    expect(kraken.defaultRestUrl).toBe("https://api.kraken.com");
    expect(kraken.restUrlEnv).toBe("KRAKEN_REST_URL");
  });

  it("names pairs the REST way: bitcoin is XBT, dogecoin XDG", () => {
    expect(restPair("BTC/USD")).toBe("XBTUSD");
    expect(restPair("DOGE/EUR")).toBe("XDGEUR");
    expect(restPair("ETH/USD")).toBe("ETHUSD");
    expect(restPair("ETH-USD")).toBeNull();
  });

  it("gets a day in one request and says it covers only Kraken's last 720 minutes", async () => {
    const { urls, fetch } = stubFetch((u) => ({
      body: latest(Number(u.searchParams.get("since"))),
    }));
    const result = await request(fetch);
    expect(urls).toHaveLength(1);
    const u = urls[0] as URL;
    expect(u.origin + u.pathname).toBe("https://api.kraken.com/0/public/OHLC");
    expect(u.searchParams.get("pair")).toBe("XBTUSD");
    expect(u.searchParams.get("interval")).toBe("1");
    expect(Number(u.searchParams.get("since"))).toBe(DAY_START / 1000 - 1);
    if (result.kind !== "candles") throw new Error(result.kind);
    // 720 entries: 719 finished minutes and the one in progress, which is outside [from, to).
    expect(result.coveredFrom).toBe(NOW - 719 * MIN);
    expect(result.candles).toHaveLength(719);
    const first = NOW - 719 * MIN;
    const m = (first / MIN) % 9;
    // Kraken's order is open, high, low, close, vwap, volume.
    expect(result.candles[0]).toEqual([first, 100 + m, 101 + m, 99 + m, 100.5 + m, 1.25]);
    expect(result.candles.at(-1)?.[0]).toBe(NOW - MIN);
  });

  it("covers the whole range when it lies within the last 720 minutes", async () => {
    const { fetch } = stubFetch((u) => ({ body: latest(Number(u.searchParams.get("since"))) }));
    const result = await request(fetch, { from: NOW - 60 * MIN });
    expect(result).toMatchObject({ kind: "candles", coveredFrom: NOW - 60 * MIN });
    if (result.kind === "candles") expect(result.candles).toHaveLength(60);
  });

  it("follows `last` when an answer stops short of the range, without duplicates", async () => {
    const cut = NOW - 30 * MIN;
    const { urls, fetch } = stubFetch((u, n) => {
      const since = Number(u.searchParams.get("since"));
      return { body: n === 1 ? latest(since, cut) : latest(since) };
    });
    const result = await request(fetch, { from: NOW - 120 * MIN });
    expect(urls).toHaveLength(2);
    expect(Number(urls[1]?.searchParams.get("since"))).toBe((cut - MIN) / 1000);
    if (result.kind !== "candles") throw new Error(result.kind);
    const starts = result.candles.map((c) => c[0]);
    expect(starts).toEqual(Array.from({ length: 120 }, (_, i) => NOW - (120 - i) * MIN));
  });

  it("drops minutes without trades", async () => {
    const body = latest(0);
    const rows = body.result.XXBTZUSD as unknown[][];
    rows[rows.length - 2] = ohlcRow(NOW - MIN, "0.00000000");
    const { fetch } = stubFetch(() => ({ body }));
    const result = await request(fetch, { from: NOW - 5 * MIN });
    if (result.kind !== "candles") throw new Error(result.kind);
    expect(result.candles.map((c) => c[0])).toEqual([
      NOW - 5 * MIN,
      NOW - 4 * MIN,
      NOW - 3 * MIN,
      NOW - 2 * MIN,
    ]);
  });

  it("reads errors from the `error` list: unknown pair, rate limit, the rest", async () => {
    const answer = (error: string[]) => stubFetch(() => ({ body: { error } })).fetch;
    expect(await request(answer(["EQuery:Unknown asset pair"]))).toEqual({
      kind: "refused",
      message: "kraken: EQuery:Unknown asset pair",
    });
    expect(await request(answer(["EGeneral:Too many requests"]))).toEqual({
      kind: "limited",
      message: "kraken: EGeneral:Too many requests",
      retryAfterMs: 5000,
      candles: [],
    });
    expect(await request(answer(["EService:Unavailable"]))).toMatchObject({
      kind: "failed",
      message: "kraken: EService:Unavailable",
    });
    // A warning alone does not stop the answer.
    const warned = latest(0);
    const { fetch } = stubFetch(() => ({ body: { ...warned, error: ["WGeneral:Something"] } }));
    expect(await request(fetch)).toMatchObject({ kind: "candles" });
  });

  it("turns HTTP errors and unreadable answers into failures", async () => {
    for (const reply of [
      { status: 520, raw: "<html>" },
      { raw: "<html>" },
      { body: { error: [], result: { last: 1 } } },
      { body: { error: [], result: { XXBTZUSD: [["a"], ["b"]], last: 1 } } },
    ]) {
      expect(await request(stubFetch(() => reply).fetch)).toMatchObject({ kind: "failed" });
    }
    expect(await request(stubFetch(() => ({ status: 429, raw: "" })).fetch)).toMatchObject({
      kind: "limited",
      retryAfterMs: 5000,
    });
  });
});
