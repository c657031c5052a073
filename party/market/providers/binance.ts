/**
 * Binance spot market streams (`wss://stream.binance.com:9443`), `<symbol>@trade`. The stream
 * is chosen by the URL (a combined stream, `/stream?streams=btcusdt@trade`, whose events come
 * wrapped as `{"stream", "data"}`), so there is nothing to send after opening and nothing that
 * acknowledges it; a `SUBSCRIBE` request sent later is acknowledged with `{"result": null}`.
 *
 * Binance quotes US dollar pairs in the USDT stablecoin: a Tickerroom `-USD` symbol maps to the
 * `USDT` pair (`BTC-USD` → `btcusdt`), so its prices are USDT prices, which track the dollar
 * closely but not exactly. Stream names are lower case; the trade's own `s` is upper case.
 *
 * Binance has no heartbeat message (its keep-alive is a WebSocket ping frame, which a Workers
 * socket never surfaces) and an unknown symbol is not refused, just silent, so silence is the
 * only sign of trouble: the quiet limit is long enough for an illiquid pair.
 */
import type { Tick } from "../../protocol/index.ts";
import { epochMs, isObject, json, notAnObject, pair, text, tick } from "./decode.ts";
import type { ExchangeAdapter, FeedEvent } from "./types.ts";

const IGNORE: FeedEvent[] = [{ kind: "ignore" }];

export const binance: ExchangeAdapter = {
  name: "binance",
  defaultUrl: "wss://stream.binance.com:9443",
  urlEnv: "BINANCE_WS_URL",
  quietMs: 60_000,

  product(symbol) {
    const p = pair(symbol);
    if (!p) return null;
    const quote = p.quote === "USD" ? "USDT" : p.quote;
    return `${p.base}${quote}`.toLowerCase();
  },

  url: (base, product) => `${base.replace(/\/+$/, "")}/stream?streams=${product}@trade`,
  subscribe: () => [],

  parse(frame, product) {
    const msg = json(frame);
    if (!isObject(msg)) {
      return [{ kind: "error", message: notAnObject("binance", frame), fatal: false }];
    }
    if ("result" in msg && "id" in msg) {
      return msg.result === null ? [{ kind: "subscribed" }] : IGNORE;
    }
    const error = isObject(msg.error) ? msg.error : "code" in msg && "msg" in msg ? msg : null;
    if (error) return [refusal(error)];
    if (typeof msg.stream === "string") {
      if (msg.stream !== `${product}@trade`) return IGNORE;
      return isObject(msg.data) ? event(msg.data, product) : IGNORE;
    }
    return event(msg, product);
  },
};

function event(data: Record<string, unknown>, product: string): FeedEvent[] {
  if (data.e === "serverShutdown") {
    return [
      { kind: "error", message: "binance: the server is shutting down; reconnect", fatal: false },
    ];
  }
  if (data.e !== "trade") return IGNORE;
  if (typeof data.s !== "string" || data.s.toLowerCase() !== product) return IGNORE;
  // `T` is the trade time; `E` is when the event left Binance, which can be later.
  const t: Tick | null = tick(epochMs(data.T), data.p, data.q);
  if (!t) {
    return [
      {
        kind: "error",
        message: "binance sent a trade without a usable price, size or time",
        fatal: false,
      },
    ];
  }
  return [{ kind: "trades", ticks: [t] }];
}

/**
 * `{"error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 1}` (or the same
 * fields at the top level, as the documentation shows them). Only an invalid stream is final.
 */
function refusal(error: Record<string, unknown>): FeedEvent {
  const message = text(error.msg) ?? "error";
  const code = typeof error.code === "number" ? ` (code ${error.code})` : "";
  return {
    kind: "error",
    message: `binance: ${message}${code}`,
    fatal: /invalid stream|invalid symbol/i.test(message),
  };
}
