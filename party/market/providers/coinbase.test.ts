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
