/**
 * Kraken spot WebSocket v2 (`wss://ws.kraken.com/v2`), `trade` channel. v2 names pairs
 * `BTC/USD` (with `BTC`, not v1's `XBT`), sends prices and sizes as JSON numbers and times as
 * RFC 3339 text with microseconds. A subscription is acknowledged per symbol; with `snapshot`
 * the last 50 trades follow as a `snapshot` message, then every trade as an `update`. A
 * `heartbeat` arrives about once a second when nothing else does, and a `status` message on
 * connecting and whenever the trading engine changes state.
 */
import type { Tick } from "../../protocol/index.ts";
import { byTime, isObject, json, notAnObject, pair, rfc3339, text, tick } from "./decode.ts";
import type { ExchangeAdapter, FeedEvent } from "./types.ts";

const IGNORE: FeedEvent[] = [{ kind: "ignore" }];
/** Refusals that name a limit: another attempt later may succeed. */
const TRANSIENT = /rate|limit|exceeded|timeout|unavailable|busy/i;

export const kraken: ExchangeAdapter = {
  name: "kraken",
  defaultUrl: "wss://ws.kraken.com/v2",
  urlEnv: "KRAKEN_WS_URL",
  quietMs: 5000,

  product(symbol) {
    const p = pair(symbol);
    return p ? `${p.base}/${p.quote}` : null;
  },
  url: (base) => base,

  subscribe: (product) => [
    JSON.stringify({
      method: "subscribe",
      params: { channel: "trade", symbol: [product], snapshot: true },
    }),
  ],

  parse(frame, product) {
    const msg = json(frame);
    if (!isObject(msg)) {
      return [{ kind: "error", message: notAnObject("kraken", frame), fatal: false }];
    }
    if (typeof msg.method === "string") return reply(msg, product);
    switch (msg.channel) {
      case "heartbeat":
        return [{ kind: "heartbeat" }];
      case "status":
        return status(msg.data);
      case "trade":
        return trades(msg, product);
      default:
        return IGNORE;
    }
  },
};

function trades(msg: Record<string, unknown>, product: string): FeedEvent[] {
  if (!Array.isArray(msg.data) || (msg.type !== "snapshot" && msg.type !== "update")) {
    return [{ kind: "error", message: "kraken sent a trade message without trades", fatal: false }];
  }
  const ticks: Tick[] = [];
  let bad = 0;
  for (const trade of msg.data) {
    if (!isObject(trade) || trade.symbol !== product) continue;
    const t = tick(rfc3339(trade.timestamp), trade.price, trade.qty);
    if (t) ticks.push(t);
    else bad++;
  }
  const events: FeedEvent[] = [];
  if (ticks.length > 0) {
    byTime(ticks);
    // The snapshot is the book's last 50 trades: after a reconnect it repeats ones already seen.
    events.push(
      msg.type === "snapshot" ? { kind: "trades", ticks, replay: true } : { kind: "trades", ticks },
    );
  }
  if (bad > 0) {
    events.push({
      kind: "error",
      message: `kraken sent ${bad} trade(s) without a usable price, size or time`,
      fatal: false,
    });
  }
  return events.length > 0 ? events : IGNORE;
}

/** Acknowledgements of what the client sent: `subscribe`, `pong`, or an error. */
function reply(msg: Record<string, unknown>, product: string): FeedEvent[] {
  if (msg.method === "pong") return [{ kind: "heartbeat" }];
  if (msg.success === false) {
    const error = text(msg.error) ?? "request refused";
    const mine = msg.symbol === undefined || msg.symbol === product;
    return mine
      ? [
          {
            kind: "error",
            message: `kraken: ${error}`,
            // A refused subscription (`Currency pair not supported BTC/XYZ`) stays refused.
            fatal: msg.method === "subscribe" && !TRANSIENT.test(error),
          },
        ]
      : IGNORE;
  }
  if (msg.method === "subscribe" && isObject(msg.result)) {
    const { channel, symbol } = msg.result;
    if (channel === "trade" && symbol === product) return [{ kind: "subscribed" }];
  }
  return IGNORE;
}

/** `online` means trading; anything else (`maintenance`, `cancel_only`…) means no trades soon. */
function status(data: unknown): FeedEvent[] {
  const first = Array.isArray(data) ? data[0] : undefined;
  const system = isObject(first) ? text(first.system) : undefined;
  if (system === undefined) return IGNORE;
  return system === "online"
    ? [{ kind: "heartbeat" }]
    : [{ kind: "error", message: `kraken: the trading engine is in ${system}`, fatal: false }];
}
