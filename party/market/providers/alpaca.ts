/**
 * Alpaca market data stream v2 (`wss://stream.data.alpaca.markets/v2/iex`; `v2/sip` with a paid
 * plan, `v2/test` for the always-on test symbol `FAKEPACA`). Every server message is an array
 * of `{"T": type, …}`. The server greets with `success`/`connected`; the client then has about
 * ten seconds to send `{"action":"auth","key","secret"}` (answered `success`/`authenticated`),
 * then subscribes with `{"action":"subscribe","trades":[…]}` and receives its whole
 * subscription list back. Trades are `T:"t"` with `S` symbol, `p` price, `s` size and `t`
 * RFC 3339 time with nanoseconds. Most plans allow one connection per key: a second one gets
 * error 406.
 *
 * Bars come from the market data REST API's "Historical bars" (docs.alpaca.markets, Market
 * Data API): `GET https://data.alpaca.markets/v2/stocks/{symbol}/bars?timeframe=1Min&start=
 * RFC3339&end=RFC3339&limit=10000&feed=iex&page_token=…`, with the key in the
 * `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY` headers, answered as `{"bars": [{"t": RFC 3339
 * start, "o", "h", "l", "c", "v", "n", "vw"}, …] (or null), "symbol", "next_page_token"}`,
 * oldest first, no bar for a minute without trades. The feed is the stream's (`iex`, or `sip`
 * on a paid plan). Errors are `{"message": …}`: 401 or 403 for a refused key, 422 for an
 * invalid symbol or parameter; past the plan's requests a minute (200 on the free plan) 429,
 * with `X-RateLimit-Reset` (epoch seconds) saying when the window opens.
 */
import { canonicalSymbol, type Tick } from "../../protocol/index.ts";
import { clipFrame, isObject, json, rfc3339, text, tick } from "./decode.ts";
import {
  Candles,
  emptyRange,
  errorText,
  failed,
  guarded,
  iso,
  limited,
  type Page,
  plan,
  refused,
  retryAfterMs,
  root,
  row,
} from "./history.ts";
import { listOf, paged } from "./paged.ts";
import type {
  HistoryResult,
  StockAdapter,
  StockEvent,
  StockHistoryRequest,
  SymbolTicks,
} from "./types.ts";

const IGNORE: StockEvent[] = [{ kind: "ignore" }];
/** Bars one page may hold: a day of minutes is one page. */
const PAGE_BARS = 10_000;
/** Pages one request follows at most: a day needs one. */
const MAX_PAGES = 5;
/** The limit counts requests a minute: without a reset time, wait that long. */
const LIMIT_WAIT_MS = 60_000;

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
  defaultRestUrl: "https://data.alpaca.markets",
  restUrlEnv: "ALPACA_REST_URL",

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

  history: (request) => guarded("alpaca", () => history(request)),
};

/** The bars feed of a stream URL: its last path segment when that is `iex` or `sip`. */
export function barsFeed(streamUrl: string): "iex" | "sip" {
  return /\/sip\/?$/.test(streamUrl.trim()) ? "sip" : "iex";
}

async function history(request: StockHistoryRequest): Promise<HistoryResult> {
  const fetching = plan(request, { "1min": "1Min" });
  if (!fetching) return emptyRange(request.from);
  const { range, param } = fetching;
  const { key, secret = "" } = request.credentials;
  const headers = { "APCA-API-KEY-ID": key, "APCA-API-SECRET-KEY": secret };
  const candles = new Candles(range);
  const path = `${root(request.base)}/v2/stocks/${encodeURIComponent(request.product)}/bars`;
  // `end` is inclusive: the last minute's start.
  const query = `timeframe=${param}&start=${iso(range.first)}&end=${iso(range.last)}&limit=${PAGE_BARS}&feed=${barsFeed(request.streamUrl)}`;
  const cut = await paged<string | null>({
    provider: "alpaca",
    fetch: request.fetch,
    headers,
    candles,
    // The first page has no token; each answer names the next page's, or none after the last.
    first: null,
    most: MAX_PAGES,
    url: (token) => `${path}?${query}${token ? `&page_token=${encodeURIComponent(token)}` : ""}`,
    problem: (page) => answerProblem(page, request.product, candles),
    rows: (page) => {
      const bars = bodyOf(page)?.bars;
      return listOf("alpaca", "bars", bars === null ? [] : bars, page, candles);
    },
    read: readBar,
    next: (_token, _bars, page) => text(bodyOf(page)?.next_page_token) ?? null,
  });
  return cut ?? candles.done(range.first);
}

function bodyOf(page: Page): Record<string, unknown> | null {
  return isObject(page.body) ? page.body : null;
}

function readBar(bar: unknown) {
  if (!isObject(bar)) return null;
  return row(rfc3339(bar.t), bar.o, bar.h, bar.l, bar.c, bar.v);
}

function answerProblem(page: Page, symbol: string, candles: Candles): HistoryResult | null {
  if (page.status === 200) return null;
  const message = `alpaca: ${errorText(page)} (HTTP ${page.status})`;
  if (page.status === 429) return limited(message, resetWait(page.headers), candles);
  if (page.status === 401 || page.status === 403) {
    return refused(`${message}: check ALPACA_KEY_ID and ALPACA_SECRET_KEY`);
  }
  if (page.status === 422 || page.status === 404) return refused(`${message} for ${symbol}`);
  return failed(message, candles);
}

/** The wait until `X-RateLimit-Reset` (epoch seconds), else what `Retry-After` says, else a minute. */
function resetWait(headers: Headers, now = Date.now()): number {
  const reset = Number(headers.get("x-ratelimit-reset"));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return retryAfterMs(headers, LIMIT_WAIT_MS, now);
}

function refusal(item: Record<string, unknown>): StockEvent {
  const code = typeof item.code === "number" ? item.code : 0;
  const msg = text(item.msg) ?? "error";
  const known = ERRORS[code] ?? { fatal: false };
  const message = `alpaca: ${msg} (${code})${known.hint ? `: ${known.hint}` : ""}`;
  return known.limit
    ? { kind: "error", message, fatal: known.fatal, limit: true }
    : { kind: "error", message, fatal: known.fatal };
}
