/**
 * Coinbase Exchange market data feed (`wss://ws-feed.exchange.coinbase.com`): the `matches`
 * channel for trades and the `heartbeat` channel, which ticks once a second per product, so a
 * quiet market is told apart from a dead socket. Products are named like Tickerroom symbols
 * (`BTC-USD`). The feed disconnects a client that has not subscribed within 5 seconds.
 */
import type { Tick } from "../../protocol/index.ts";
import { isObject, json, notAnObject, pair, rfc3339, text, tick } from "./decode.ts";
import type { ExchangeAdapter, FeedEvent } from "./types.ts";

const IGNORE: FeedEvent[] = [{ kind: "ignore" }];

export const coinbase: ExchangeAdapter = {
  name: "coinbase",
  defaultUrl: "wss://ws-feed.exchange.coinbase.com",
  urlEnv: "COINBASE_WS_URL",
  quietMs: 5000,

  product: (symbol) => (pair(symbol) ? symbol : null),
  url: (base) => base,

  subscribe: (product) => [
    JSON.stringify({
      type: "subscribe",
      product_ids: [product],
      channels: ["matches", "heartbeat"],
    }),
  ],

  parse(frame, product) {
    const msg = json(frame);
    if (!isObject(msg)) {
      return [{ kind: "error", message: notAnObject("coinbase", frame), fatal: false }];
    }
    switch (msg.type) {
      case "match":
      case "last_match":
        return match(msg, product);
      case "heartbeat":
        return msg.product_id === product ? [{ kind: "heartbeat" }] : IGNORE;
      case "subscriptions":
        return subscribed(msg.channels, product) ? [{ kind: "subscribed" }] : IGNORE;
      case "error":
        return [refusal(msg)];
      default:
        // The feed may add message types at any time; clients are to ignore the ones they do not use.
        return IGNORE;
    }
  },
};

function match(msg: Record<string, unknown>, product: string): FeedEvent[] {
  if (msg.product_id !== product) return IGNORE;
  const t: Tick | null = tick(rfc3339(msg.time), msg.price, msg.size);
  if (!t) {
    return [
      {
        kind: "error",
        message: "coinbase sent a match without a usable price, size or time",
        fatal: false,
      },
    ];
  }
  // `last_match` is the product's latest trade before the subscription: history, not news.
  return [
    msg.type === "last_match"
      ? { kind: "trades", ticks: [t], replay: true }
      : { kind: "trades", ticks: [t] },
  ];
}

/** True when the `subscriptions` reply lists the product on the `matches` channel. */
function subscribed(channels: unknown, product: string): boolean {
  if (!Array.isArray(channels)) return false;
  return channels.some(
    (c) =>
      isObject(c) &&
      c.name === "matches" &&
      Array.isArray(c.product_ids) &&
      c.product_ids.includes(product),
  );
}

/**
 * `{"type":"error","message":"Failed to subscribe","reason":"XYZ-USD is not a valid product"}`:
 * a refused subscription does not get better by trying again. Other errors (a slow consumer,
 * a message too big) end the connection, and a new one may do better.
 */
function refusal(msg: Record<string, unknown>): FeedEvent {
  const message = text(msg.message) ?? "error";
  const reason = text(msg.reason);
  return {
    kind: "error",
    message: `coinbase: ${reason ? `${message}: ${reason}` : message}`,
    fatal: message === "Failed to subscribe",
  };
}
