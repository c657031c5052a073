/**
 * Kraken spot WebSocket v2 (`wss://ws.kraken.com/v2`), `trade` channel. v2 names pairs
 * `BTC/USD` (with `BTC`, not v1's `XBT`), sends prices and sizes as JSON numbers and times as
 * RFC 3339 text with microseconds. A subscription is acknowledged per symbol; with `snapshot`
 * the last 50 trades follow as a `snapshot` message, then every trade as an `update`. A
 * `heartbeat` arrives about once a second when nothing else does, and a `status` message on
 * connecting and whenever the trading engine changes state. Heartbeats are "automatically
 * generated on subscription to any channel" while the `status` message comes first, before any
 * subscription (docs.kraken.com/api/docs/websocket-v2/heartbeat, …/status): only the
 * acknowledgement says the feed is live.
 *
 * History comes from the REST API's "Get OHLC Data"
 * (docs.kraken.com/api-reference/market-data/get-ohlc-data):
 * `GET /0/public/OHLC?pair=XBTUSD&interval=1&since=SECONDS`, answered as
 * `{"error": [], "result": {"XXBTZUSD": [[time (s), open, high, low, close, vwap, volume,
 * count], …], "last": N}}`, prices and volumes as decimal strings. REST names pairs the old way:
 * bitcoin is `XBT` (`XBTUSD`, where the v2 socket says `BTC/USD`), and the result is keyed by
 * the pair's full name (`XXBTZUSD`), not the one asked for. The answer holds at most the 720
 * most recent entries, "older data cannot be retrieved, regardless of the value of since", and
 * its last entry is the minute still in progress. So one-minute history reaches back 12 hours
 * and no further: a day asked of Kraken comes back as its last 12 hours, which `coveredFrom`
 * says. The same holds for every `interval` (minutes: 1, 5, 15, 30, 60, 240, 1440, 10080,
 * 21600): 720 days reach back about two years. Its weeks (10080) are not used: their start
 * on the epoch's weekday (Thursday) is not documented, and a chart's weeks start on Monday, so
 * weeks are folded from days, as far back as those go. Errors come in `error` (`EQuery:Unknown asset pair`,
 * support.kraken.com/hc/en-us/articles/360001491786-API-error-messages); the public limit is
 * about one call a second per IP and pair, past which calls are "restricted for a few seconds"
 * (support.kraken.com/articles/206548367-what-are-the-api-rate-limits-); the answer then is
 * `{"error": ["EGeneral:Too many requests"]}`, as the clients that handle it report.
 */
import type { RangeInterval, Tick } from "../../protocol/index.ts";
import { byTime, isObject, json, notAnObject, pair, rfc3339, text, tick } from "./decode.ts";
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
import type { ExchangeAdapter, FeedEvent, HistoryRequest, HistoryResult } from "./types.ts";

const IGNORE: FeedEvent[] = [{ kind: "ignore" }];
/** Refusals that name a limit: another attempt later may succeed. */
const TRANSIENT = /rate|limit|exceeded|timeout|unavailable|busy/i;
/** Entries one OHLC answer holds at most, the most recent ones. */
const MAX_ENTRIES = 720;
/** The `interval` (minutes) that serves each interval; weeks come from days. */
const INTERVAL_MINUTES: Partial<Record<RangeInterval, number>> = {
  "1min": 1,
  "15min": 15,
  "1hour": 60,
  "1day": 1440,
};
/**
 * The answer always reaches the present, so one request serves any range; the `since`/`last`
 * follow-up only runs if it did not, and this bounds it.
 */
const MAX_REQUESTS = 3;
/** Kraken gives no `Retry-After`; its limit lifts after "a few seconds". */
const LIMIT_WAIT_MS = 5000;
/** REST asset names that differ from the v2 socket's. */
const REST_ASSETS: Readonly<Record<string, string>> = { BTC: "XBT", DOGE: "XDG" };

export const kraken: ExchangeAdapter = {
  name: "kraken",
  defaultUrl: "wss://ws.kraken.com/v2",
  urlEnv: "KRAKEN_WS_URL",
  quietMs: 5000,
  confirmsProduct: true,
  defaultRestUrl: "https://api.kraken.com",
  restUrlEnv: "KRAKEN_REST_URL",

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

  history: (request) => guarded("kraken", () => history(request)),
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
  // Only an acknowledgement that says it succeeded confirms the subscription.
  if (msg.method === "subscribe" && msg.success === true && isObject(msg.result)) {
    const { channel, symbol } = msg.result;
    if (channel === "trade" && symbol === product) return [{ kind: "subscribed" }];
  }
  return IGNORE;
}

/**
 * The trading engine's state, sent on connecting and on every change. `online` means trading;
 * `maintenance`, `cancel_only` and `post_only` all mean no order matching, so no trades until it
 * is online again. It arrives before any subscription, so it is not a sign of a live feed.
 */
function status(data: unknown): FeedEvent[] {
  const first = Array.isArray(data) ? data[0] : undefined;
  const system = isObject(first) ? text(first.system) : undefined;
  if (system === undefined) return IGNORE;
  return system === "online"
    ? [{ kind: "status", status: "online", message: "kraken: the trading engine is online" }]
    : [
        {
          kind: "status",
          status: "maintenance",
          message: `kraken: the trading engine is in ${system}`,
        },
      ];
}

/** The REST name of a v2 pair: `BTC/USD` → `XBTUSD`. */
export function restPair(product: string): string | null {
  const m = /^([A-Z0-9]{1,10})\/([A-Z0-9]{1,10})$/.exec(product);
  if (!m) return null;
  const [, base, quote] = m as unknown as [string, string, string];
  return `${REST_ASSETS[base] ?? base}${REST_ASSETS[quote] ?? quote}`;
}

async function history(request: HistoryRequest): Promise<HistoryResult> {
  const { product, base, fetch } = request;
  const fetching = plan(request, INTERVAL_MINUTES);
  if (!fetching) return emptyRange(request.from);
  const { range, layout, param } = fetching;
  const restName = restPair(product);
  if (!restName) return refused(`kraken: no REST pair for ${product}`);
  const candles = new Candles(range, layout);
  const path = `${root(base)}/0/public/OHLC?pair=${encodeURIComponent(restName)}&interval=${param}`;
  let coveredFrom = range.first;
  const cut = await paged({
    provider: "kraken",
    fetch,
    candles,
    // Whether `since` is inclusive is not documented: a second before the first minute gets it
    // either way.
    first: Math.floor(range.first / 1000) - 1,
    most: MAX_REQUESTS,
    url: (since) => `${path}&since=${since}`,
    problem: (page) => httpProblem(page, candles),
    rows: (page) => rowsOf(page, candles),
    read: readRow,
    next(since, rows, page, n) {
      const times = rows.map((r) => (Array.isArray(r) ? seconds(r[0]) : null));
      const known = times.filter((t): t is number => t !== null);
      const oldest = known.length > 0 ? Math.min(...known) : null;
      const newest = known.length > 0 ? Math.max(...known) : null;
      // A full answer that starts after the first bar asked for is Kraken's 720-entry horizon.
      if (n === 0 && rows.length >= MAX_ENTRIES && oldest !== null && oldest > range.first) {
        coveredFrom = Math.min(oldest, range.last + layout.grid.ms);
      }
      if (newest !== null && newest >= range.last) return null;
      const last = lastOf(page);
      return last === null || last <= since ? null : last;
    },
  });
  return cut ?? candles.done(coveredFrom);
}

/** What an answer that is not a 200 means; null for a 200, whose errors are in its body. */
function httpProblem(page: Page, candles: Candles): HistoryResult | null {
  if (page.status === 429) {
    const message = `kraken: ${errorText(page)} (HTTP 429)`;
    return limited(message, retryAfterMs(page.headers, LIMIT_WAIT_MS), candles);
  }
  if (page.status !== 200) {
    return failed(`kraken: ${errorText(page)} (HTTP ${page.status})`, candles);
  }
  return null;
}

/** The rows of a 200 answer, or what its errors mean. */
function rowsOf(page: Page, candles: Candles): unknown[] | HistoryResult {
  const body = page.body;
  if (!isObject(body)) return failed(`kraken answered ${errorText(page)}`, candles);
  // `E…` entries are errors, `W…` warnings; only errors stop the request.
  const errors = Array.isArray(body.error)
    ? body.error.filter((e): e is string => typeof e === "string" && e.startsWith("E"))
    : [];
  if (errors.length > 0) {
    const message = `kraken: ${errors.join(", ")}`;
    if (errors.some((e) => e.startsWith("EQuery:Unknown asset pair"))) return refused(message);
    if (errors.some((e) => /Too many requests|Rate limit exceeded|Temporary lockout/.test(e))) {
      return limited(message, retryAfterMs(page.headers, LIMIT_WAIT_MS), candles);
    }
    return failed(message, candles);
  }
  const result = isObject(body.result) ? body.result : null;
  const rows = result
    ? Object.entries(result).find(([key, value]) => key !== "last" && Array.isArray(value))?.[1]
    : undefined;
  if (!result || !Array.isArray(rows)) {
    return failed("kraken answered OHLC data without a pair's rows", candles);
  }
  return rows;
}

/** The `last` of an answer whose rows were read: the `since` that goes on after it. */
function lastOf(page: Page): number | null {
  const result = isObject(page.body) ? page.body.result : undefined;
  const last = isObject(result) ? result.last : undefined;
  return typeof last === "number" && Number.isSafeInteger(last) ? last : null;
}

/** `[time, open, high, low, close, vwap, volume, count]`. */
function readRow(r: unknown) {
  if (!Array.isArray(r)) return null;
  const [time, open, high, low, close, , volume] = r;
  return row(seconds(time), open, high, low, close, volume);
}
