/**
 * Alpaca market data stream v2 (`wss://stream.data.alpaca.markets/v2/iex`; `v2/sip` with a paid
 * plan, `v2/test` for the always-on test symbol `FAKEPACA`). Every server message is an array
 * of `{"T": type, …}`. The server greets with `success`/`connected`; the client then has about
 * ten seconds to send `{"action":"auth","key","secret"}` (answered `success`/`authenticated`),
 * then subscribes with `{"action":"subscribe","trades":[…]}` and receives its whole
 * subscription list back. Trades are `T:"t"` with `S` symbol, `p` price, `s` size and `t`
 * RFC 3339 time with nanoseconds. Most plans allow one connection per key: a second one gets
 * error 406.
 */
import { canonicalSymbol, type Tick } from "../../protocol/index.ts";
import { clipFrame, isObject, json, rfc3339, text, tick } from "./decode.ts";
import type { StockAdapter, StockEvent, SymbolTicks } from "./types.ts";

const IGNORE: StockEvent[] = [{ kind: "ignore" }];

/**
 * The stream's error codes. `fatal`: the same request will be refused again. 401 and 404 are
 * handshake slips that a new connection fixes; 406 (another session holds the connection) and
 * 407 (slow client) are limits worth waiting out.
 */
const ERRORS: Record<number, { fatal: boolean; limit?: true; hint?: string }> = {
  400: { fatal: true, hint: "a symbol may be in a format Alpaca does not accept" },
  401: { fatal: false },
  402: { fatal: true, hint: "check ALPACA_KEY_ID and ALPACA_SECRET_KEY" },
  403: { fatal: false },
  404: { fatal: false },
  405: { fatal: true, hint: "the plan allows fewer symbols" },
  406: { fatal: false, limit: true, hint: "another session uses this key; Alpaca allows one" },
  407: { fatal: false, limit: true },
  409: { fatal: true, hint: "the plan does not include this feed; try the iex feed" },
  410: { fatal: true },
  500: { fatal: false },
};

export const alpaca: StockAdapter = {
  name: "alpaca",
  defaultUrl: "wss://stream.data.alpaca.markets/v2/iex",
  urlEnv: "ALPACA_WS_URL",
  // No heartbeat message: outside market hours the stream is silent for hours.
  quietMs: 5 * 60_000,

  credentials(env) {
    const key = env.ALPACA_KEY_ID?.trim();
    const secret = env.ALPACA_SECRET_KEY?.trim();
    if (key && secret) return { ok: true, credentials: { key, secret } };
    const missing = [key ? null : "ALPACA_KEY_ID", secret ? null : "ALPACA_SECRET_KEY"];
    return { ok: false, missing: missing.filter((m): m is string => m !== null) };
  },

  url: (base) => base,

  symbol: (symbol) => (canonicalSymbol(symbol) === symbol ? symbol : null),

  frames(stage, { key, secret }, symbols) {
    if (stage === "connected") return [JSON.stringify({ action: "auth", key, secret })];
    if (stage === "authenticated") {
      return [JSON.stringify({ action: "subscribe", trades: [...symbols] })];
    }
    return [];
  },

  parse(frame) {
    const msg = json(frame);
    const list = Array.isArray(msg) ? msg : isObject(msg) ? [msg] : null;
    if (!list) {
      return [
        {
          kind: "error",
          message: `alpaca sent a frame that is not JSON: ${clipFrame(frame)}`,
          fatal: false,
        },
      ];
    }
    const events: StockEvent[] = [];
    const bySymbol = new Map<string, Tick[]>();
    let bad = 0;
    for (const item of list) {
      if (!isObject(item)) {
        bad++;
        continue;
      }
      switch (item.T) {
        case "t": {
          const t = typeof item.S === "string" ? tick(rfc3339(item.t), item.p, item.s) : null;
          if (!t) {
            bad++;
            break;
          }
          const ticks = bySymbol.get(item.S as string);
          if (ticks) ticks.push(t);
          else bySymbol.set(item.S as string, [t]);
          break;
        }
        case "success":
          if (item.msg === "connected") events.push({ kind: "connected" });
          else if (item.msg === "authenticated") events.push({ kind: "authenticated" });
          break;
        case "subscription":
          events.push({
            kind: "subscribed",
            symbols: Array.isArray(item.trades)
              ? item.trades.filter((s) => typeof s === "string")
              : [],
          });
          break;
        case "error":
          events.push(refusal(item));
          break;
        default:
          // Quotes, bars, corrections (`c`) and cancels (`x`) come unasked with trades; not used.
          break;
      }
    }
    if (bySymbol.size > 0) {
      const trades: SymbolTicks[] = [...bySymbol].map(([symbol, ticks]) => ({ symbol, ticks }));
      events.unshift({ kind: "trades", trades });
    }
    if (bad > 0) {
      events.push({
        kind: "error",
        message: `alpaca sent ${bad} message(s) without a usable symbol, price, size or time`,
        fatal: false,
      });
    }
    return events.length > 0 ? events : IGNORE;
  },

  refused(status) {
    if (status === 401 || status === 403) {
      return {
        message: `alpaca refused the key (HTTP ${status}): check ALPACA_KEY_ID and ALPACA_SECRET_KEY`,
        fatal: true,
      };
    }
    if (status === 429) {
      return { message: "alpaca: too many connections (HTTP 429)", fatal: false, limit: true };
    }
    return { message: `alpaca refused the connection (HTTP ${status})`, fatal: false };
  },
};

function refusal(item: Record<string, unknown>): StockEvent {
  const code = typeof item.code === "number" ? item.code : 0;
  const msg = text(item.msg) ?? "error";
  const known = ERRORS[code] ?? { fatal: false };
  const message = `alpaca: ${msg} (${code})${known.hint ? `: ${known.hint}` : ""}`;
  return known.limit
    ? { kind: "error", message, fatal: known.fatal, limit: true }
    : { kind: "error", message, fatal: known.fatal };
}
