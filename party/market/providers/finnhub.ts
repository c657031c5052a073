/**
 * Finnhub real-time trades (`wss://ws.finnhub.io?token=…`). The token travels in the URL and a
 * refused token fails the upgrade itself (HTTP 401), as does going over the plan's connection
 * limit (HTTP 429). After opening, one `{"type":"subscribe","symbol"}` per symbol; there is no
 * acknowledgement, an unknown symbol gets `{"type":"error","msg":"Invalid symbol XYZ"}`. Trades
 * come batched across symbols (`p` price, `v` volume, `t` epoch ms), and `{"type":"ping"}`
 * keeps a quiet connection alive.
 *
 * Bars come from the REST API's "Stock Candles" (finnhub.io/docs/api/stock-candles):
 * `GET https://finnhub.io/api/v1/stock/candle?symbol=AAPL&resolution=1&from=S&to=S&token=…`
 * (both ends in epoch seconds, inclusive), answered as columns `{"s": "ok", "t": [start (s)],
 * "o": [], "h": [], "l": [], "c": [], "v": []}`, or `{"s": "no_data"}` when nothing traded.
 * Errors are `{"error": …}`: 401 for a refused token, 403 when the plan does not include
 * candles (Finnhub moved them to paid plans), 429 past the plan's calls a minute (60 free).
 */
import { canonicalSymbol, type Tick } from "../../protocol/index.ts";
import { epochMs, isObject, json, notAnObject, text, tick } from "./decode.ts";
import {
  Candles,
  emptyRange,
  errorText,
  failed,
  guarded,
  limited,
  type Page,
  plan,
  refused,
  retryAfterMs,
  root,
  row,
  seconds,
} from "./history.ts";
import { paged } from "./paged.ts";
import type {
  HistoryResult,
  StockAdapter,
  StockEvent,
  StockHistoryRequest,
  SymbolTicks,
} from "./types.ts";

const IGNORE: StockEvent[] = [{ kind: "ignore" }];
/** The limit counts calls a minute: without a `Retry-After`, wait that long. */
const LIMIT_WAIT_MS = 60_000;

export const finnhub: StockAdapter = {
  name: "finnhub",
  defaultUrl: "wss://ws.finnhub.io",
  urlEnv: "FINNHUB_WS_URL",
  quietMs: 90_000,
  defaultRestUrl: "https://finnhub.io/api/v1",
  restUrlEnv: "FINNHUB_REST_URL",

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

  history: (request) => guarded("finnhub", () => history(request)),
};

async function history(request: StockHistoryRequest): Promise<HistoryResult> {
  const fetching = plan(request, { "1min": "1" });
  if (!fetching) return emptyRange(request.from);
  const { range, param } = fetching;
  const candles = new Candles(range);
  const query = new URLSearchParams({
    symbol: request.product,
    resolution: param,
    from: String(range.first / 1000),
    to: String(range.last / 1000),
    token: request.credentials.key,
  });
  // A day of minutes is one answer: Finnhub does not page.
  const cut = await paged({
    provider: "finnhub",
    fetch: request.fetch,
    candles,
    first: null,
    url: () => `${root(request.base)}/stock/candle?${query}`,
    problem: (page) => answerProblem(page, candles),
    rows: (page) => rowsOf(page, candles),
    read: readRow,
  });
  return cut ?? candles.done(range.first);
}

/** What a non-200 answer means, or null for a 200. */
function answerProblem(page: Page, candles: Candles): HistoryResult | null {
  if (page.status !== 200) {
    const message = `finnhub: ${errorText(page)} (HTTP ${page.status})`;
    if (page.status === 429)
      return limited(message, retryAfterMs(page.headers, LIMIT_WAIT_MS), candles);
    if (page.status === 401) return refused(`${message}: check FINNHUB_TOKEN`);
    if (page.status === 403) return refused(`${message}: the plan does not include stock candles`);
    return failed(message, candles);
  }
  return null;
}

/** The rows of a 200 answer, each start's values gathered from the columns; none for `no_data`. */
function rowsOf(page: Page, candles: Candles): unknown[] | HistoryResult {
  const body = isObject(page.body) ? page.body : null;
  if (body?.s === "no_data") return [];
  const { t, o, h, l, c, v } = body ?? {};
  const columns = [t, o, h, l, c, v];
  if (
    body?.s !== "ok" ||
    !columns.every((col) => Array.isArray(col) && col.length === (t as unknown[]).length)
  ) {
    return failed(`finnhub answered candles it does not document: ${errorText(page)}`, candles);
  }
  const table = columns as unknown[][];
  return (t as unknown[]).map((_, i) => table.map((col) => col[i]));
}

/** `[start (s), open, high, low, close, volume]`, as gathered from the columns. */
function readRow(r: unknown) {
  return Array.isArray(r) ? row(seconds(r[0]), r[1], r[2], r[3], r[4], r[5]) : null;
}

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
