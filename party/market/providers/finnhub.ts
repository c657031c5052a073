/**
 * Finnhub real-time trades (`wss://ws.finnhub.io?token=…`). The token travels in the URL and a
 * refused token fails the upgrade itself (HTTP 401), as does going over the plan's connection
 * limit (HTTP 429). After opening, one `{"type":"subscribe","symbol"}` per symbol; there is no
 * acknowledgement, an unknown symbol gets `{"type":"error","msg":"Invalid symbol XYZ"}`. Trades
 * come batched across symbols (`p` price, `v` volume, `t` epoch ms), and `{"type":"ping"}`
 * keeps a quiet connection alive.
 */
import { canonicalSymbol, type Tick } from "../../protocol/index.ts";
import { epochMs, isObject, json, notAnObject, text, tick } from "./decode.ts";
import type { StockAdapter, StockEvent, SymbolTicks } from "./types.ts";

const IGNORE: StockEvent[] = [{ kind: "ignore" }];

export const finnhub: StockAdapter = {
  name: "finnhub",
  defaultUrl: "wss://ws.finnhub.io",
  urlEnv: "FINNHUB_WS_URL",
  quietMs: 90_000,

  credentials(env) {
    const key = env.FINNHUB_TOKEN?.trim();
    return key ? { ok: true, credentials: { key } } : { ok: false, missing: ["FINNHUB_TOKEN"] };
  },

  url(base, { key }) {
    const url = new URL(base);
    url.searchParams.set("token", key);
    return url.toString();
  },

  symbol: (symbol) => (canonicalSymbol(symbol) === symbol ? symbol : null),

  frames: (stage, _credentials, symbols) =>
    stage === "open" ? symbols.map((symbol) => JSON.stringify({ type: "subscribe", symbol })) : [],

  parse(frame) {
    const msg = json(frame);
    if (!isObject(msg)) {
      return [{ kind: "error", message: notAnObject("finnhub", frame), fatal: false }];
    }
    switch (msg.type) {
      case "trade":
        return trades(msg.data);
      case "ping":
        return [{ kind: "heartbeat" }];
      case "error":
        return [refusal(text(msg.msg) ?? "error")];
      default:
        return IGNORE;
    }
  },

  refused(status) {
    if (status === 401 || status === 403) {
      return {
        message: `finnhub refused the token (HTTP ${status}): check FINNHUB_TOKEN`,
        fatal: true,
      };
    }
    if (status === 429) {
      return {
        message: "finnhub: too many connections or requests for this token (HTTP 429)",
        fatal: false,
        limit: true,
      };
    }
    return { message: `finnhub refused the connection (HTTP ${status})`, fatal: false };
  },
};

function trades(data: unknown): StockEvent[] {
  if (!Array.isArray(data)) {
    return [
      { kind: "error", message: "finnhub sent a trade message without trades", fatal: false },
    ];
  }
  const bySymbol = new Map<string, Tick[]>();
  let bad = 0;
  for (const trade of data) {
    if (!isObject(trade) || typeof trade.s !== "string") {
      bad++;
      continue;
    }
    // Finnhub's data is "trades or price updates": an update has volume 0 and is no trade.
    if (trade.v === 0) continue;
    const t = tick(epochMs(trade.t), trade.p, trade.v);
    if (!t) {
      bad++;
      continue;
    }
    const list = bySymbol.get(trade.s);
    if (list) list.push(t);
    else bySymbol.set(trade.s, [t]);
  }
  const events: StockEvent[] = [];
  if (bySymbol.size > 0) {
    const grouped: SymbolTicks[] = [...bySymbol].map(([symbol, ticks]) => ({ symbol, ticks }));
    events.push({ kind: "trades", trades: grouped });
  }
  if (bad > 0) {
    events.push({
      kind: "error",
      message: `finnhub sent ${bad} trade(s) without a usable symbol, price, volume or time`,
      fatal: false,
    });
  }
  return events.length > 0 ? events : IGNORE;
}

/** `Invalid symbol XYZ` refuses that symbol only; other errors are not final. */
function refusal(msg: string): StockEvent {
  const invalid = /^invalid symbol\s+(\S+)/i.exec(msg);
  if (invalid) {
    return { kind: "error", message: `finnhub: ${msg}`, fatal: true, symbol: invalid[1] as string };
  }
  if (/limit|too many/i.test(msg)) {
    return { kind: "error", message: `finnhub: ${msg}`, fatal: false, limit: true };
  }
  return { kind: "error", message: `finnhub: ${msg}`, fatal: false };
}
