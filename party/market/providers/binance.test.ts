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

  it("subscribes through the combined stream URL, with nothing to send", () => {
    expect(binance.url("wss://stream.binance.com:9443", "btcusdt")).toBe(
      "wss://stream.binance.com:9443/stream?streams=btcusdt@trade",
    );
    expect(binance.url("ws://127.0.0.1:4000/", "btcusdt")).toBe(
      "ws://127.0.0.1:4000/stream?streams=btcusdt@trade",
    );
    expect(binance.subscribe("btcusdt")).toEqual([]);
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

  it("asks for a reconnect when the server shuts down", () => {
    const shutdown = JSON.stringify({
      stream: "btcusdt@trade",
      data: { e: "serverShutdown", E: 1 },
    });
    expect(binance.parse(shutdown, "btcusdt")).toEqual([
      { kind: "error", message: "binance: the server is shutting down; reconnect", fatal: false },
    ]);
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
