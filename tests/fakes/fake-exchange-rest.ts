/**
 * A local stand-in for the exchanges' public REST history endpoints, so that no test reaches a
 * real exchange. One HTTP server speaks three dialects, each as its documentation describes it:
 *
 * - Coinbase Exchange, `GET /products/{id}/candles?granularity=G&start=ISO&end=ISO`, G one of
 *   60, 300, 900, 3600, 21600, 86400 (else 400): rows of `[time (s), low, high, open, close,
 *   volume]` as numbers, newest first, at most 300 a request (a range holding more is refused
 *   with HTTP 400), no row for a bucket without trades, and possibly rows before `start`; 404
 *   `{"message":"NotFound"}` for an unknown product, 429 past the rate limit.
 * - Kraken, `GET /0/public/OHLC?pair=XBTUSD&interval=I&since=S`, I one of 1, 5, 15, 30, 60,
 *   240, 1440, 10080, 21600 minutes (else `EGeneral:Invalid arguments`): `{"error": [],
 *   "result": {"XXBTZUSD": [[time (s), "open", "high", "low", "close", "vwap", "volume",
 *   count]], "last": S}}`, only the 720 most recent entries whatever `since` says, the last one
 *   the bar in progress; errors with HTTP 200 in `error`: `EQuery:Unknown asset pair`, and
 *   `EGeneral:Too many requests` past the rate limit.
 * - Binance, `GET /api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=MS&endTime=MS&limit=N`,
 *   intervals of a fixed length from `1m` to `1w` (else `-1120 Invalid interval.`): rows of
 *   `[open time, "open", "high", "low", "close", "volume", close time, …]`, oldest first, at
 *   most `limit` (max 1000), every interval including those without trades (zero volume);
 *   HTTP 400 `{"code": -1121, "msg": "Invalid symbol."}` for an unknown symbol, 429 or 418
 *   with `Retry-After` past the rate limit.
 *
 * Bars lie on the UTC clock: every interval is a multiple of its length after the epoch (days
 * from midnight), except Binance's weeks, which open on Monday. Kraken's weeks run from the
 * epoch's weekday, Thursday (not documented).
 *
 * The market is deterministic: `candle(symbol, start)` and `bar(symbol, ms, start)` are the
 * same on every run, and a few minutes have no trades (every 97th, and any range in `quiet`),
 * so that tests can tell a gap the market left from one a client made. Minutes go back
 * `historyMs`, coarser bars `longHistoryMs`; a bar is the market's walk over its time (open and
 * close where the walk is at its ends, the one in progress closing at the current minute's
 * close), not a fold of the minutes. Tests switch rate limits and failures on per
 * exchange, and read every request the fake got, to check that pagination stayed within limits.
 *
 * It listens on 127.0.0.1 on a port the OS chooses. Point an adapter at `fake.url` through
 * `COINBASE_REST_URL`, `KRAKEN_REST_URL` or `BINANCE_REST_URL`. Where the documentation is
 * silent, the fake picks a plausible behaviour and says so ("not documented"); a test should
 * not depend on those details.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bucketStart, CANDLE_MS, type Candle } from "../../party/protocol/index.ts";

export type RestDialect = "coinbase" | "kraken" | "binance";

export type FakeRestOptions = {
  /**
   * Tickerroom symbols the fake has data for (`BTC-USD`); each dialect names them its own way:
   * `BTC-USD` (Coinbase), `XBTUSD` or `XXBTZUSD` (Kraken), `BTCUSDT` (Binance, `-USD` as USDT).
   * Default: BTC-USD and ETH-USD.
   */
  symbols?: string[];
  /** The fake's clock, in epoch milliseconds. Default: the real one. */
  now?: number | (() => number);
  /** How far back one-minute data goes from now. Default: three days. */
  historyMs?: number;
  /** How far back bars of coarser intervals go from now. Default: six years. */
  longHistoryMs?: number;
  /** Ranges [from, to) of epoch milliseconds in which nothing traded. */
  quiet?: [from: number, to: number][];
};

/** A request the fake got, with the status it answered (0: none, it was stalled). */
export type RestRequest = {
  exchange: RestDialect;
  path: string;
  query: Record<string, string>;
  status: number;
};

export type Disruption = {
  /** Normal answers before the disruption starts. Default 0. */
  after?: number;
  /** Disrupted answers before normal ones resume. Default: until `restore`. */
  times?: number;
  /** Rate limits: `Retry-After` in seconds. Binance always sends one (default 7); the others only when given. */
  retryAfterSeconds?: number;
  /** Binance's rate limit status: 429, or 418 for a banned IP. Failures: the status. */
  status?: number;
};

export interface FakeExchangeRest {
  /** `http://127.0.0.1:PORT`: the base URL to give an adapter. */
  readonly url: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly RestRequest[];
  /** The requests one exchange got. */
  requestsTo(exchange: RestDialect): RestRequest[];
  /** The fake's now. */
  now(): number;
  /** The market's candle of the minute starting at `start`, or null when nothing traded. */
  candle(symbol: string, start: number): Candle | null;
  /** Every candle with a start in [from, to), oldest first: what a client should end up with. */
  candles(symbol: string, from: number, to: number): Candle[];
  /**
   * The market's bar of `ms` starting at `start` (the minute's candle for a minute), or null
   * outside the history.
   */
  bar(symbol: string, ms: number, start: number): Candle | null;
  /** Answers the exchange's requests with its rate-limit answer. */
  limit(exchange: RestDialect, options?: Disruption): void;
  /** Answers the exchange's requests with a server error (default 503, an HTML page). */
  fail(exchange: RestDialect, options?: Disruption): void;
  /** Never answers the exchange's requests (they hang until the client gives up). */
  stall(exchange: RestDialect, options?: Disruption): void;
  /** Ends every disruption, or one exchange's. */
  restore(exchange?: RestDialect): void;
  /** Forgets the recorded requests. */
  clearRequests(): void;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const DEFAULTS = {
  symbols: ["BTC-USD", "ETH-USD"],
  historyMs: 3 * DAY_MS,
  longHistoryMs: 6 * 365 * DAY_MS,
};
const COINBASE_MAX = 300;
const COINBASE_GRANULARITIES = new Set([60, 300, 900, 3600, 21600, 86400]);
const KRAKEN_MAX = 720;
const KRAKEN_INTERVALS = new Set([1, 5, 15, 30, 60, 240, 1440, 10080, 21600]);
const BINANCE_MAX = 1000;
const BINANCE_INTERVALS = new Set("1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M".split(" "));
/** Binance's intervals of a fixed length that the fake serves (not `1s`, `3d`, `1M`). */
const BINANCE_MS: Record<string, number> = {
  "1m": CANDLE_MS,
  "3m": 3 * CANDLE_MS,
  "5m": 5 * CANDLE_MS,
  "15m": 15 * CANDLE_MS,
  "30m": 30 * CANDLE_MS,
  "1h": 60 * CANDLE_MS,
  "2h": 120 * CANDLE_MS,
  "4h": 240 * CANDLE_MS,
  "6h": 360 * CANDLE_MS,
  "8h": 480 * CANDLE_MS,
  "12h": 720 * CANDLE_MS,
  "1d": DAY_MS,
  "1w": 7 * DAY_MS,
};
/** 1970-01-05, a Monday: Binance's weeks open this long after the epoch's Thursday. */
const MONDAY_MS = 4 * DAY_MS;

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeExchangeRest(
  options: FakeRestOptions = {},
): Promise<FakeExchangeRest> {
  const fake = new Fake(options);
  await fake.listen();
  return fake;
}

/** An HTTP server on 127.0.0.1 and a port the OS chooses, for the fakes to answer from. */
export abstract class LocalServer {
  private port = 0;
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      // fetch keeps connections alive; they would hold `close` open until they time out.
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void;
}

type Active = {
  mode: "limit" | "fail" | "stall";
  after: number;
  times: number;
  options: Disruption;
};

class Fake extends LocalServer implements FakeExchangeRest {
  readonly requests: RestRequest[] = [];
  private readonly symbols: string[];
  private readonly clock: () => number;
  private readonly historyMs: number;
  private readonly longHistoryMs: number;
  private readonly quiet: [number, number][];
  private readonly disruptions = new Map<RestDialect, Active>();

  constructor(options: FakeRestOptions) {
    super();
    this.symbols = options.symbols ?? DEFAULTS.symbols;
    const now = options.now;
    this.clock = typeof now === "function" ? now : now === undefined ? Date.now : () => now;
    this.historyMs = options.historyMs ?? DEFAULTS.historyMs;
    this.longHistoryMs = options.longHistoryMs ?? DEFAULTS.longHistoryMs;
    this.quiet = options.quiet ?? [];
  }

  now(): number {
    return this.clock();
  }

  requestsTo(exchange: RestDialect): RestRequest[] {
    return this.requests.filter((r) => r.exchange === exchange);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  limit(exchange: RestDialect, options: Disruption = {}): void {
    this.disrupt(exchange, "limit", options);
  }

  fail(exchange: RestDialect, options: Disruption = {}): void {
    this.disrupt(exchange, "fail", options);
  }

  stall(exchange: RestDialect, options: Disruption = {}): void {
    this.disrupt(exchange, "stall", options);
  }

  restore(exchange?: RestDialect): void {
    if (exchange) this.disruptions.delete(exchange);
    else this.disruptions.clear();
  }

  private disrupt(exchange: RestDialect, mode: Active["mode"], options: Disruption): void {
    this.disruptions.set(exchange, {
      mode,
      after: options.after ?? 0,
      times: options.times ?? Number.POSITIVE_INFINITY,
      options,
    });
  }

  /** The disruption this request meets, if any, counting it. */
  private disruption(exchange: RestDialect): Active | null {
    const active = this.disruptions.get(exchange);
    if (!active) return null;
    if (active.after > 0) {
      active.after--;
      return null;
    }
    if (active.times <= 0) {
      this.disruptions.delete(exchange);
      return null;
    }
    active.times--;
    return active;
  }

  // -------------------------------------------------------------------------------------------
  // The market

  candle(symbol: string, start: number): Candle | null {
    const now = this.now();
    if (start % CANDLE_MS !== 0 || start > now || start < bucketStart(now - this.historyMs)) {
      return null;
    }
    if (this.isQuiet(start)) return null;
    const m = start / CANDLE_MS;
    const open = price(symbol, m);
    const close = price(symbol, m + 1);
    const high = cents(Math.max(open, close) * (1 + 0.0004 * (1 + Math.sin(m * 3.1))));
    const low = cents(Math.min(open, close) * (1 - 0.0004 * (1 + Math.cos(m * 2.3))));
    const volume = Number((0.1 + (hash(`${symbol}:${m}`) % 100_000) / 10_000).toFixed(8));
    return [start, open, high, low, close, volume];
  }

  candles(symbol: string, from: number, to: number): Candle[] {
    const out: Candle[] = [];
    for (let t = bucketStart(from + CANDLE_MS - 1); t < to; t += CANDLE_MS) {
      const c = this.candle(symbol, t);
      if (c) out.push(c);
    }
    return out;
  }

  bar(symbol: string, ms: number, start: number): Candle | null {
    if (ms === CANDLE_MS) return this.candle(symbol, start);
    const now = this.now();
    if (start > now || start < now - this.longHistoryMs) return null;
    // The bar in progress has run up to the current minute, whose close is the walk's now.
    const end = Math.min(start + ms, bucketStart(now) + CANDLE_MS);
    const open = price(symbol, start / CANDLE_MS);
    const close = price(symbol, end / CANDLE_MS);
    const k = start / ms;
    const swing = 0.0004 * Math.sqrt(ms / CANDLE_MS);
    const high = cents(Math.max(open, close) * (1 + swing * (1 + Math.sin(k * 3.1))));
    const low = cents(Math.min(open, close) * (1 - swing * (1 + Math.cos(k * 2.3))));
    const minutes = (end - start) / CANDLE_MS;
    const volume = Number(
      ((0.1 + (hash(`${symbol}:${ms}:${k}`) % 100_000) / 10_000) * minutes).toFixed(8),
    );
    return [start, open, high, low, close, volume];
  }

  private isQuiet(start: number): boolean {
    if ((start / CANDLE_MS) % 97 === 13) return true;
    return this.quiet.some(([from, to]) => start >= from && start < to);
  }

  /** Whether the minute is one the fake has any data for, traded or not. */
  private inHistory(start: number): boolean {
    const now = this.now();
    return start <= now && start >= bucketStart(now - this.historyMs);
  }

  /** The price the path passes at minute `m`: a minute's close is the next one's open. */
  private flat(symbol: string, start: number): number {
    return price(symbol, start / CANDLE_MS);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    const route = routeOf(url.pathname);
    if (!route || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
      return;
    }
    const disruption = this.disruption(route.exchange);
    if (disruption?.mode === "stall") {
      this.requests.push({ exchange: route.exchange, path: url.pathname, query, status: 0 });
      return;
    }
    const answer = this.answer(route, query, disruption);
    this.requests.push({
      exchange: route.exchange,
      path: url.pathname,
      query,
      status: answer.status,
    });
    const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    res
      .writeHead(answer.status, {
        "content-type": typeof answer.body === "string" ? "text/html" : "application/json",
        ...answer.headers,
      })
      .end(body);
  }

  private answer(route: Route, query: Record<string, string>, disruption: Active | null): Answer {
    if (disruption?.mode === "fail") {
      // What a proxy in front of the exchange answers when the exchange is down.
      const status = disruption.options.status ?? 503;
      return { status, body: `<html><body><h1>${status} Service Unavailable</h1></body></html>` };
    }
    if (disruption?.mode === "limit") return rateLimited(route.exchange, disruption.options);
    switch (route.exchange) {
      case "coinbase":
        return this.coinbase(route.product ?? "", query);
      case "kraken":
        return this.kraken(query);
      case "binance":
        return this.binance(query);
    }
  }

  // Coinbase Exchange: /products/{product_id}/candles

  private coinbase(product: string, query: Record<string, string>): Answer {
    const symbol = this.symbols.find((s) => s.toUpperCase() === product.toUpperCase());
    if (!symbol) return { status: 404, body: { message: "NotFound" } };
    const granularity = Number(query.granularity ?? 60);
    if (!COINBASE_GRANULARITIES.has(granularity)) {
      // Not documented: the exact message.
      return { status: 400, body: { message: "Unsupported granularity" } };
    }
    const size = granularity * 1000;
    const now = this.now();
    let start: number;
    let end: number;
    if (query.start === undefined || query.end === undefined) {
      // "If the start or end fields are not provided, both fields are ignored": a range ending now.
      end = bucketStart(now, size);
      start = end - (COINBASE_MAX - 1) * size;
    } else {
      start = Date.parse(query.start);
      end = Date.parse(query.end);
      if (!Number.isFinite(start) || !Number.isFinite(end)) {
        return { status: 400, body: { message: "Invalid start or end" } };
      }
      if (end < start) return { status: 400, body: { message: "start must be before end" } };
      // Both ends count as buckets (not documented; ccxt asks for `(limit - 1)` buckets past `start`).
      const buckets = Math.floor((end - bucketStart(start, size)) / size) + 1;
      if (buckets > COINBASE_MAX) {
        return {
          status: 400,
          body: {
            message:
              "granularity too small for the requested time range. Count of aggregations requested exceeds 300",
          },
        };
      }
    }
    // "Your response may contain as many as 300 candles and some of those candles may precede
    // your declared start value": the fake answers the 300 buckets that end at `end`.
    const rows: unknown[] = [];
    const last = bucketStart(end, size);
    for (let t = last; t > last - COINBASE_MAX * size; t -= size) {
      const c = this.bar(symbol, size, t);
      if (c) rows.push([t / 1000, c[3], c[2], c[1], c[4], c[5]]);
    }
    return { status: 200, body: rows };
  }

  // Kraken: /0/public/OHLC

  private kraken(query: Record<string, string>): Answer {
    const asked = (query.pair ?? "").toUpperCase();
    if (!asked) return { status: 200, body: { error: ["EGeneral:Invalid arguments"] } };
    const symbol = this.symbols.find((s) => {
      const names = krakenNames(s);
      return names.altname === asked || names.key === asked;
    });
    if (!symbol) return { status: 200, body: { error: ["EQuery:Unknown asset pair"] } };
    const interval = Number(query.interval ?? 1);
    if (!KRAKEN_INTERVALS.has(interval)) {
      return { status: 200, body: { error: ["EGeneral:Invalid arguments"] } };
    }
    const size = interval * CANDLE_MS;
    const current = bucketStart(this.now(), size);
    const since = query.since === undefined ? 0 : Number(query.since);
    const rows: unknown[] = [];
    for (let t = current - (KRAKEN_MAX - 1) * size; t <= current; t += size) {
      // Entries after `since` (not documented whether `since` itself is included), and always
      // the bar in progress.
      if (t / 1000 <= since && t !== current) continue;
      if (size === CANDLE_MS && !this.inHistory(t)) continue;
      const c = this.bar(symbol, size, t);
      if (!c && size !== CANDLE_MS) continue;
      if (c) {
        const vwap = cents((c[1] + c[2] + c[3] + c[4]) / 4);
        const count = 1 + (hash(`${symbol}:${t}:n`) % 40);
        rows.push([t / 1000, d8(c[1]), d8(c[2]), d8(c[3]), d8(c[4]), d8(vwap), d8(c[5]), count]);
      } else {
        // Not documented: a minute without trades, sent flat at the last price with no volume.
        const p = d8(this.flat(symbol, t));
        rows.push([t / 1000, p, p, p, p, p, d8(0), 0]);
      }
    }
    const last = (current - size) / 1000;
    return {
      status: 200,
      body: { error: [], result: { [krakenNames(symbol).key]: rows, last } },
    };
  }

  // Binance: /api/v3/klines

  private binance(query: Record<string, string>): Answer {
    if (!query.symbol) {
      return {
        status: 400,
        body: {
          code: -1102,
          msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        },
      };
    }
    const symbol = this.symbols.find((s) => binanceName(s) === query.symbol);
    if (!symbol) return { status: 400, body: { code: -1121, msg: "Invalid symbol." } };
    if (!BINANCE_INTERVALS.has(query.interval ?? "")) {
      return { status: 400, body: { code: -1120, msg: "Invalid interval." } };
    }
    const size = BINANCE_MS[query.interval ?? ""];
    if (size === undefined) {
      // A valid interval of no fixed length (`1M`, `3d`'s alignment is not documented).
      return { status: 400, body: { code: -1120, msg: "not served by this fake" } };
    }
    const offset = query.interval === "1w" ? MONDAY_MS : 0;
    const open = (t: number) => bucketStart(t - offset, size) + offset;
    const limit = query.limit === undefined ? 500 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > BINANCE_MAX) {
      // Not documented: whether a limit over the maximum is refused or cut; the fake refuses.
      return {
        status: 400,
        body: { code: -1130, msg: "Data sent for parameter 'limit' is not valid." },
      };
    }
    const now = this.now();
    const startTime = query.startTime === undefined ? null : Number(query.startTime);
    const endTime = query.endTime === undefined ? null : Number(query.endTime);
    const newest = open(Math.min(now, endTime ?? now));
    const times: number[] = [];
    if (startTime !== null) {
      for (let t = open(startTime + size - 1); t <= newest && times.length < limit; ) {
        times.push(t);
        t += size;
      }
    } else {
      for (let t = newest; times.length < limit; t -= size) times.unshift(t);
    }
    const rows: unknown[] = [];
    for (const t of times) {
      if (size === CANDLE_MS ? !this.inHistory(t) : !this.bar(symbol, size, t)) continue;
      const c = this.bar(symbol, size, t);
      const p = this.flat(symbol, t);
      const [o, h, l, cl, v] = c ? [c[1], c[2], c[3], c[4], c[5]] : [p, p, p, p, 0];
      const trades = c ? 1 + (hash(`${symbol}:${t}:n`) % 40) : 0;
      rows.push([
        t,
        d8(o),
        d8(h),
        d8(l),
        d8(cl),
        d8(v),
        t + size - 1,
        d8(cents(v * cl)),
        trades,
        d8(v / 2),
        d8(cents((v / 2) * cl)),
        "0",
      ]);
    }
    return { status: 200, body: rows };
  }
}

type Route = { exchange: RestDialect; product?: string };
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

function routeOf(path: string): Route | null {
  const coinbase = /^\/products\/([^/]+)\/candles\/?$/.exec(path);
  if (coinbase) return { exchange: "coinbase", product: decodeURIComponent(coinbase[1] as string) };
  if (path === "/0/public/OHLC") return { exchange: "kraken" };
  if (path === "/api/v3/klines") return { exchange: "binance" };
  return null;
}

function rateLimited(exchange: RestDialect, options: Disruption): Answer {
  const retry =
    options.retryAfterSeconds === undefined
      ? undefined
      : { "retry-after": String(options.retryAfterSeconds) };
  switch (exchange) {
    case "coinbase":
      // Not documented: the body of Coinbase's 429.
      return { status: 429, body: { message: "Public rate limit exceeded" }, headers: retry };
    case "kraken":
      // Not documented: the status. Clients measured against Kraken report HTTP 200 with the
      // error in the body, as its other errors come.
      return { status: 200, body: { error: ["EGeneral:Too many requests"] }, headers: retry };
    case "binance": {
      const status = options.status ?? 429;
      const seconds = options.retryAfterSeconds ?? 7;
      const msg =
        status === 418
          ? `Way too much request weight used; IP banned until ${Date.now() + seconds * 1000}. Please use WebSocket Streams for live updates to avoid bans.`
          : "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.";
      return {
        status,
        body: { code: -1003, msg },
        headers: { "retry-after": String(seconds) },
      };
    }
  }
}

/** Kraken's REST names for a symbol: the altname asked for, and the full name answers are keyed by. */
function krakenNames(symbol: string): { altname: string; key: string } {
  const [base = "", quote = ""] = symbol.split("-");
  const asset = ({ BTC: "XBT", DOGE: "XDG" } as Record<string, string>)[base] ?? base;
  const altname = `${asset}${quote}`;
  // Kraken's oldest assets keep X (crypto) and Z (fiat) prefixes in their full names.
  const legacy = new Set(["XBT", "ETH", "LTC", "XRP", "XDG", "XLM", "ETC", "XMR", "ZEC"]);
  const fiat = new Set(["USD", "EUR", "GBP", "JPY", "CAD"]);
  const key = legacy.has(asset) && fiat.has(quote) ? `X${asset}Z${quote}` : altname;
  return { altname, key };
}

function binanceName(symbol: string): string {
  const [base = "", quote = ""] = symbol.split("-");
  return `${base}${quote === "USD" ? "USDT" : quote}`;
}

/** The path's price at minute `m` (fractional allowed), to the cent. */
function price(symbol: string, m: number): number {
  const base = symbol.startsWith("BTC-") ? 60_000 : symbol.startsWith("ETH-") ? 3_000 : 100;
  const wave =
    0.02 * Math.sin(m / 180) + 0.004 * Math.sin(m / 17) + 0.001 * Math.sin(m * 1.7 + base);
  return cents(base * (1 + wave));
}

export function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Decimal strings with eight places, the way Kraken and Binance send prices and volumes. */
function d8(n: number): string {
  return n.toFixed(8);
}

/** FNV-1a: a stable small hash for deterministic volumes and counts. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
