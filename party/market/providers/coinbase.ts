/**
 * Coinbase Exchange market data feed (`wss://ws-feed.exchange.coinbase.com`): the `matches`
 * channel for trades and the `heartbeat` channel, which ticks once a second per product, so a
 * quiet market is told apart from a dead socket. Products are named like Tickerroom symbols
 * (`BTC-USD`). The feed disconnects a client that has not subscribed within 5 seconds.
 *
 * History comes from the Exchange REST API's "Get product candles"
 * (docs.cdp.coinbase.com/api-reference/exchange-api/rest-api/products/get-product-candles):
 * `GET /products/{product_id}/candles?granularity=60&start=ISO&end=ISO`, answered as rows of
 * `[time (s), low, high, open, close, volume]`, newest first. Granularity is one of 60, 300,
 * 900, 3600, 21600 and 86400 seconds, buckets on the UTC clock (days from midnight); there is
 * no week, so weeks are folded from days. At most 300 candles a request (a range holding more
 * is rejected), some may precede `start`, and a bucket without trades has no row. Errors are HTTP 4xx with `{"message": …}` (docs.cdp.coinbase.com/exchange/rest-api/
 * requests; an unknown product is 404 `NotFound`); public endpoints allow 10 requests a second
 * per IP, bursts of 15, and answer `429 Too Many Requests` past it
 * (docs.cdp.coinbase.com/exchange/rest-api/rate-limits).
 */
import type { RangeInterval, Tick } from "../../protocol/index.ts";
import { isObject, json, notAnObject, pair, rfc3339, text, tick } from "./decode.ts";
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
  seconds,
} from "./history.ts";
import { listOf, paged, windowsBack } from "./paged.ts";
import type { ExchangeAdapter, FeedEvent, HistoryRequest, HistoryResult } from "./types.ts";

const IGNORE: FeedEvent[] = [{ kind: "ignore" }];
/** Candles one request may span. */
const MAX_CANDLES = 300;
/** The granularities (seconds) that serve the intervals; weeks come from days. */
const GRANULARITY: Partial<Record<RangeInterval, number>> = {
  "1min": 60,
  "15min": 900,
  "1hour": 3600,
  "1day": 86_400,
};
/** The public limit is counted per second: one second clears it when no `Retry-After` says more. */
const LIMIT_WAIT_MS = 1000;

export const coinbase: ExchangeAdapter = {
  name: "coinbase",
  defaultUrl: "wss://ws-feed.exchange.coinbase.com",
  urlEnv: "COINBASE_WS_URL",
  quietMs: 5000,
  confirmsProduct: true,
  defaultRestUrl: "https://api.exchange.coinbase.com",
  restUrlEnv: "COINBASE_REST_URL",

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

  history: (request) => guarded("coinbase", () => history(request)),
};

async function history(request: HistoryRequest): Promise<HistoryResult> {
  const { product, base, fetch } = request;
  const fetching = plan(request, GRANULARITY);
  if (!fetching) return emptyRange(request.from);
  const { range, layout, param } = fetching;
  const step = layout.grid.ms;
  const candles = new Candles(range, layout);
  const path = `${root(base)}/products/${encodeURIComponent(product)}/candles`;
  // Newest window first, so that a run cut short by a limit still holds the bars that meet
  // the live trades. Each window's `start` and `end` are bucket starts, and ccxt and others
  // treat `end` as included: 300 buckets. The next window ends where this one starts, so that
  // a bucket is not lost if `end` were excluded after all (the documentation does not say).
  const cut = await paged({
    provider: "coinbase",
    fetch,
    candles,
    ...windowsBack(range, step, MAX_CANDLES, 0),
    url: ({ start, end }) => `${path}?granularity=${param}&start=${iso(start)}&end=${iso(end)}`,
    problem: (page) => answerProblem(page, product, candles),
    rows: (page) => listOf("coinbase", "candles", page.body, page, candles),
    read: readRow,
  });
  return cut ?? candles.done(range.first);
}

/** `[time, low, high, open, close, volume]`: note the order, low and high before open. */
function readRow(r: unknown) {
  if (!Array.isArray(r)) return null;
  const [time, low, high, open, close, volume] = r;
  return row(seconds(time), open, high, low, close, volume);
}

/** What a non-200 answer means, or null for a 200. */
function answerProblem(page: Page, product: string, candles: Candles): HistoryResult | null {
  if (page.status === 200) return null;
  const message = `coinbase: ${errorText(page)} (HTTP ${page.status})`;
  if (page.status === 429)
    return limited(message, retryAfterMs(page.headers, LIMIT_WAIT_MS), candles);
  // 404 `NotFound` is the answer for a product the exchange does not list.
  if (page.status === 404) return refused(`coinbase: no product ${product} (HTTP 404)`);
  if (page.status === 400 && /product/i.test(errorText(page))) return refused(message);
  return failed(message, candles);
}

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
