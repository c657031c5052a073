import { describe, expect, it } from "vitest";
import { kraken } from "./kraken.ts";

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

  it("reads acks, heartbeats, pongs and the system status", () => {
    expect(kraken.parse(ACK, "BTC/USD")).toEqual([{ kind: "subscribed" }]);
    expect(kraken.parse(ACK, "ETH/USD")).toEqual([{ kind: "ignore" }]);
    expect(kraken.parse('{"channel":"heartbeat"}', "BTC/USD")).toEqual([{ kind: "heartbeat" }]);
    expect(kraken.parse('{"method":"pong","time_in":"x","time_out":"y"}', "BTC/USD")).toEqual([
      { kind: "heartbeat" },
    ]);
    expect(kraken.parse(STATUS, "BTC/USD")).toEqual([{ kind: "heartbeat" }]);
    expect(kraken.parse(STATUS.replace('"online"', '"maintenance"'), "BTC/USD")).toEqual([
      { kind: "error", message: "kraken: the trading engine is in maintenance", fatal: false },
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
