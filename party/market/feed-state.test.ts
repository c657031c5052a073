import { describe, expect, it } from "vitest";
import { reaction, reconnecting } from "./feed-state.ts";
import { binance } from "./providers/binance.ts";
import { coinbase } from "./providers/coinbase.ts";
import { kraken } from "./providers/kraken.ts";
import type { FeedEvent } from "./providers/types.ts";

/** What the room does with each event one frame brings. */
const kinds = (events: FeedEvent[], exchange: "coinbase" | "kraken" | "binance") =>
  events.map((e) => reaction(e, exchange).kind);

describe("a feed is live only once the exchange confirms it", () => {
  it("coinbase: the `subscriptions` frame confirms; a heartbeat does not", () => {
    const subs = JSON.stringify({
      type: "subscriptions",
      channels: [{ name: "matches", product_ids: ["BTC-USD"] }],
    });
    const beat = JSON.stringify({ type: "heartbeat", product_id: "BTC-USD", sequence: 1 });
    expect(kinds(coinbase.parse(subs, "BTC-USD"), "coinbase")).toEqual(["confirmed"]);
    expect(kinds(coinbase.parse(beat, "BTC-USD"), "coinbase")).toEqual(["none"]);
  });

  it("kraken: the subscribe acknowledgement confirms; the system status and heartbeats do not", () => {
    const ack = JSON.stringify({
      method: "subscribe",
      result: { channel: "trade", symbol: "SOL/USD", snapshot: true },
      success: true,
    });
    const online = JSON.stringify({
      channel: "status",
      type: "update",
      data: [{ system: "online", api_version: "v2" }],
    });
    expect(kinds(kraken.parse(ack, "SOL/USD"), "kraken")).toEqual(["confirmed"]);
    expect(kinds(kraken.parse(online, "SOL/USD"), "kraken")).toEqual(["none"]);
    expect(kinds(kraken.parse('{"channel":"heartbeat"}', "SOL/USD"), "kraken")).toEqual(["none"]);
  });

  it("binance: the subscription result or a trade confirms", () => {
    expect(kinds(binance.parse('{"result":null,"id":1}', "btcusdt"), "binance")).toEqual([
      "confirmed",
    ]);
    const trade = JSON.stringify({
      stream: "btcusdt@trade",
      data: { e: "trade", s: "BTCUSDT", p: "1.5", q: "2", T: 1_700_000_000_000 },
    });
    expect(kinds(binance.parse(trade, "btcusdt"), "binance")).toEqual(["trades"]);
  });
});

describe("what the exchange says of itself is shown and acted on", () => {
  it("kraken's maintenance: shown as `maintenance`, and the socket dialled again later", () => {
    const frame = JSON.stringify({
      channel: "status",
      type: "update",
      data: [{ system: "maintenance", api_version: "v2" }],
    });
    const [event] = kraken.parse(frame, "SOL/USD");
    expect(reaction(event as FeedEvent, "kraken")).toEqual({
      kind: "redial",
      status: "maintenance: kraken: the trading engine is in maintenance",
    });
  });

  it("binance's serverShutdown: shown as reconnecting, with the reason", () => {
    const [event] = binance.parse('{"e":"serverShutdown","E":1}', "btcusdt");
    const next = reaction(event as FeedEvent, "binance");
    expect(next).toMatchObject({ kind: "redial" });
    if (next.kind !== "redial") return;
    expect(next.status.startsWith("reconnecting to binance: ")).toBe(true);
    expect(next.status).toContain("shutting down");
    expect(next.status).not.toContain("binance: binance");
  });

  it("a refusal is final, a passing error only a warning", () => {
    expect(reaction({ kind: "error", message: "no such pair", fatal: true }, "kraken")).toEqual({
      kind: "refused",
      message: "no such pair",
    });
    expect(reaction({ kind: "error", message: "slow", fatal: false }, "kraken").kind).toBe("warn");
  });

  it("says which exchange it dials again, and why when it knows", () => {
    expect(reconnecting("coinbase")).toBe("reconnecting to coinbase");
    expect(reconnecting("kraken", "kraken: gone")).toBe("reconnecting to kraken: gone");
  });
});
