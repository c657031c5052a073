/**
 * Binance spot market streams (`wss://stream.binance.com:9443`), `<symbol>@trade`. The stream
 * is chosen by the URL (a combined stream, `/stream?streams=btcusdt@trade`, whose events come
 * wrapped as `{"stream", "data"}`), and nothing acknowledges that; a `SUBSCRIBE` request for
 * the same stream, sent once the socket is open, is acknowledged with `{"result": null}`, which
 * is what confirms the subscription.
 *
 * Binance quotes US dollar pairs in the USDT stablecoin: a Tickerroom `-USD` symbol maps to the
 * `USDT` pair (`BTC-USD` → `btcusdt`), so its prices are USDT prices, which track the dollar
 * closely but not exactly. Stream names are lower case; the trade's own `s` is upper case.
 *
 * Binance has no heartbeat message (its keep-alive is a WebSocket ping frame, which a Workers
 * socket never surfaces) and an unknown symbol is not refused, just silent, so silence is the
 * only sign of trouble on the socket: the quiet limit is long enough for an illiquid pair. The
 * history request is what tells an unknown symbol (it answers `Invalid symbol.`).
 *
 * History comes from the spot REST API's "Kline/Candlestick data" (Binance's spot API docs,
 * binance/binance-spot-api-docs `rest-api.md`): `GET /api/v3/klines?symbol=BTCUSDT&interval=1m&
 * startTime=MS&endTime=MS&limit=1000`, answered as rows of `[open time (ms), "open", "high",
 * "low", "close", "volume", close time, …]`, oldest first, at most `limit` (default 500, max
 * 1000), one row per interval even without trades (zero volume). Intervals include `15m`, `1h`,
 * `1d` and `1w`, on the UTC clock, weeks opening on Monday at midnight. REST symbols are upper case.
 * Errors are `{"code": -1121, "msg": "Invalid symbol."}` with HTTP 400 (`errors.md`). Limits are
 * request weight per IP ("HTTP Return Codes", "LIMITS"): past them HTTP 429, and 418 for an IP
 * banned for ignoring 429s, both with `Retry-After` in seconds; 403 is the firewall's limit.
 * HTTP 451 answers a region Binance does not serve (its developer forum's "How to deal with HTTP
 * status code").
 */
import type { RangeInterval, Tick } from "../../protocol/index.ts";
import { epochMs, isObject, json, notAnObject, pair, text, tick } from "./decode.ts";
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
} from "./history.ts";
import { listOf, paged, windowsBack } from "./paged.ts";
import type { ExchangeAdapter, FeedEvent, HistoryRequest, HistoryResult } from "./types.ts";

const IGNORE: FeedEvent[] = [{ kind: "ignore" }];
/** Klines one request may ask for. */
const MAX_KLINES = 1000;
/** Binance's name for each interval. */
const INTERVALS: Record<RangeInterval, string> = {
  "1min": "1m",
  "15min": "15m",
  "1hour": "1h",
  "1day": "1d",
  "1week": "1w",
};
/** Request weight is counted per minute: without `Retry-After`, wait that long. */
const LIMIT_WAIT_MS = 60_000;
/** The firewall's limit counts over about five minutes and says nothing of how long it holds. */
const FIREWALL_WAIT_MS = 5 * 60_000;
/** Binance's code for a symbol it does not list. */
const INVALID_SYMBOL = -1121;

export const binance: ExchangeAdapter = {
  name: "binance",
  defaultUrl: "wss://stream.binance.com:9443",
  urlEnv: "BINANCE_WS_URL",
  quietMs: 60_000,
  defaultRestUrl: "https://api.binance.com",
  restUrlEnv: "BINANCE_REST_URL",

  product(symbol) {
    const p = pair(symbol);
    if (!p) return null;
    const quote = p.quote === "USD" ? "USDT" : p.quote;
    return `${p.base}${quote}`.toLowerCase();
  },

  url: (base, product) => `${base.replace(/\/+$/, "")}/stream?streams=${product}@trade`,
  // The URL subscribes already; asking again for the same stream is answered with a result,
  // the only confirmation Binance gives.
  subscribe: (product) => [
    JSON.stringify({ method: "SUBSCRIBE", params: [`${product}@trade`], id: 1 }),
  ],
  confirmsProduct: false,

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
    // Checked before the stream name: the event concerns the connection, whatever it carries.
    if (isShutdown(msg)) return [SHUTDOWN];
    if (typeof msg.stream === "string") {
      if (msg.stream !== `${product}@trade`) return IGNORE;
      return isObject(msg.data) ? event(msg.data, product) : IGNORE;
    }
    return event(msg, product);
  },

  history: (request) => guarded("binance", () => history(request)),
};

const SHUTDOWN: FeedEvent = {
  kind: "status",
  status: "closing",
  message: "binance: the server is shutting down; reconnect",
};

/**
 * `serverShutdown` precedes the server dropping the connection. The stream documentation names
 * the event without showing its frame; the WebSocket API's shows it wrapped as
 * `{"event": {"e": "serverShutdown", "E": …}}`. Raw, wrapped in a combined stream's `data`, or
 * in `event`: all three are read.
 */
function isShutdown(msg: Record<string, unknown>): boolean {
  const inner = (value: unknown) => isObject(value) && value.e === "serverShutdown";
  return msg.e === "serverShutdown" || inner(msg.data) || inner(msg.event);
}

function event(data: Record<string, unknown>, product: string): FeedEvent[] {
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

async function history(request: HistoryRequest): Promise<HistoryResult> {
  const { product, base, fetch } = request;
  const fetching = plan(request, INTERVALS);
  if (!fetching) return emptyRange(request.from);
  const { range, layout, param } = fetching;
  const step = layout.grid.ms;
  const candles = new Candles(range, layout);
  const symbol = product.toUpperCase();
  const path = `${root(base)}/api/v3/klines?symbol=${encodeURIComponent(symbol)}&interval=${param}`;
  // Newest window first, so that a run cut short by a limit still holds the bars that meet
  // the live trades. `endTime` is the window's last millisecond, so its last kline is included
  // whether Binance compares it with the open time or the close time; the next window then
  // ends on the kline before this one's first.
  const cut = await paged({
    provider: "binance",
    fetch,
    candles,
    ...windowsBack(range, step, MAX_KLINES, step),
    url: ({ start, end }) =>
      `${path}&startTime=${start}&endTime=${end + step - 1}&limit=${MAX_KLINES}`,
    problem: (page) => answerProblem(page, symbol, candles),
    rows: (page) => listOf("binance", "klines", page.body, page, candles),
    read: readRow,
  });
  return cut ?? candles.done(range.first);
}

/** `[open time, "open", "high", "low", "close", "volume", close time, …]`. */
function readRow(r: unknown) {
  if (!Array.isArray(r)) return null;
  const [time, open, high, low, close, volume] = r;
  return row(epochMs(time), open, high, low, close, volume);
}

/** What a non-200 answer means, or null for a 200. */
function answerProblem(page: Page, symbol: string, candles: Candles): HistoryResult | null {
  if (page.status === 200) return null;
  const body = page.body;
  const code = isObject(body) && typeof body.code === "number" ? body.code : null;
  const message = `binance: ${errorText(page)} (${code !== null ? `code ${code}, ` : ""}HTTP ${page.status})`;
  if (page.status === 429 || page.status === 418) {
    return limited(message, retryAfterMs(page.headers, LIMIT_WAIT_MS), candles);
  }
  if (page.status === 403) {
    return limited(message, retryAfterMs(page.headers, FIREWALL_WAIT_MS), candles);
  }
  if (code === INVALID_SYMBOL) return refused(`binance: no symbol ${symbol} (${errorText(page)})`);
  // A region Binance does not serve stays unserved however often the room asks.
  if (page.status === 451) return refused(message);
  return failed(message, candles);
}
