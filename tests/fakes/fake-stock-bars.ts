/**
 * A local stand-in for the stock feeds' REST bars endpoints, so that no test reaches a real
 * provider. One HTTP server speaks both, as their documentation describes them:
 *
 * - Alpaca, `GET /v2/stocks/{symbol}/bars?timeframe=1Min&start=RFC3339&end=RFC3339&limit=N&
 *   feed=iex&page_token=T`, the key in `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY`: `{"bars":
 *   [{"t", "o", "h", "l", "c", "v", "n", "vw"}] or null, "symbol", "next_page_token"}`, oldest
 *   first, `start` and `end` inclusive, at most `limit` (max 10000) bars a page; 403
 *   `{"message": "forbidden"}` for a wrong key, 422 for a bad parameter, 429 with
 *   `X-RateLimit-Reset` past the rate limit.
 * - Finnhub, `GET /stock/candle?symbol=AAPL&resolution=1&from=S&to=S&token=K`: columns
 *   `{"s": "ok", "t", "o", "h", "l", "c", "v"}`, both ends inclusive, or `{"s": "no_data"}`;
 *   401 `{"error": "Invalid API key."}`, 403 when the plan lacks candles, 429 past the limit.
 *
 * The market is deterministic: `bar(symbol, start)` is the same on every run, and every 53rd
 * minute has no trades. Bars exist for finished minutes of the last three days. Only one-minute
 * bars are served (not documented otherwise: the fake's limit). It listens on 127.0.0.1 on a
 * port the OS chooses: point the bridge at it with `ALPACA_REST_URL` or `FINNHUB_REST_URL`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bucketStart, CANDLE_MS, type Candle } from "../../party/protocol/index.ts";
import { cents, hash, LocalServer } from "./fake-exchange-rest.ts";

export type BarsProvider = "alpaca" | "finnhub";

export type FakeBarsOptions = {
  /** The Alpaca key id and secret, and the Finnhub token, the fake accepts. Default: any. */
  key?: string;
  secret?: string;
  /** Bars per Alpaca page at most, below what `limit` asks, to make a day take pages. */
  pageSize?: number;
  /** Finnhub answers 403, as for a plan without candles. */
  noCandles?: boolean;
};

export type BarsRequest = {
  provider: BarsProvider;
  path: string;
  query: Record<string, string>;
  status: number;
};

export interface FakeStockBars {
  readonly url: string;
  readonly requests: readonly BarsRequest[];
  /** The market's bar of the minute starting at `start`, or null when nothing traded. */
  bar(symbol: string, start: number): Candle | null;
  /** Every bar with a start in [from, to), oldest first. */
  bars(symbol: string, from: number, to: number): Candle[];
  /** Answers the next `times` requests (default: all until `restore`) with a rate limit. */
  limit(provider: BarsProvider, options?: { times?: number; retryAfterSeconds?: number }): void;
  restore(): void;
  close(): Promise<void>;
}

const HISTORY_MS = 3 * 86_400_000;
const ALPACA_MAX = 10_000;

export async function startFakeStockBars(options: FakeBarsOptions = {}): Promise<FakeStockBars> {
  const fake = new Fake(options);
  await fake.listen();
  return fake;
}

class Fake extends LocalServer implements FakeStockBars {
  readonly requests: BarsRequest[] = [];
  private limits = new Map<BarsProvider, { times: number; retryAfterSeconds: number }>();

  constructor(private readonly options: FakeBarsOptions) {
    super();
  }

  limit(provider: BarsProvider, options: { times?: number; retryAfterSeconds?: number } = {}) {
    this.limits.set(provider, {
      times: options.times ?? Number.POSITIVE_INFINITY,
      retryAfterSeconds: options.retryAfterSeconds ?? 30,
    });
  }

  restore(): void {
    this.limits.clear();
  }

  bar(symbol: string, start: number): Candle | null {
    const now = Date.now();
    if (start % CANDLE_MS !== 0 || start + CANDLE_MS > now || start < now - HISTORY_MS) return null;
    const m = start / CANDLE_MS;
    if (m % 53 === 7) return null;
    const open = price(symbol, m);
    const close = price(symbol, m + 1);
    const high = cents(Math.max(open, close) + 0.05 * (1 + Math.sin(m)));
    const low = cents(Math.min(open, close) - 0.05 * (1 + Math.cos(m)));
    return [start, open, high, low, close, 100 + (hash(`${symbol}:${m}`) % 5000)];
  }

  bars(symbol: string, from: number, to: number): Candle[] {
    const out: Candle[] = [];
    for (let t = bucketStart(from + CANDLE_MS - 1); t < to; t += CANDLE_MS) {
      const c = this.bar(symbol, t);
      if (c) out.push(c);
    }
    return out;
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake");
    const query = Object.fromEntries(url.searchParams);
    const alpaca = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(url.pathname);
    const provider: BarsProvider | null = alpaca
      ? "alpaca"
      : url.pathname === "/stock/candle"
        ? "finnhub"
        : null;
    let answer: Answer;
    if (!provider || req.method !== "GET") answer = { status: 404, body: { message: "Not Found" } };
    else if (this.limited(provider)) answer = this.rateLimited(provider);
    else if (provider === "alpaca") {
      answer = this.alpaca(decodeURIComponent(alpaca?.[1] ?? ""), query, req.headers);
    } else answer = this.finnhub(query);
    if (provider)
      this.requests.push({ provider, path: url.pathname, query, status: answer.status });
    res
      .writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
      .end(JSON.stringify(answer.body));
  }

  private limited(provider: BarsProvider): boolean {
    const active = this.limits.get(provider);
    if (!active || active.times <= 0) return false;
    active.times--;
    return true;
  }

  private rateLimited(provider: BarsProvider): Answer {
    const seconds = this.limits.get(provider)?.retryAfterSeconds ?? 30;
    if (provider === "alpaca") {
      const reset = String(Math.ceil(Date.now() / 1000) + seconds);
      return {
        status: 429,
        body: { message: "too many requests." },
        headers: {
          "x-ratelimit-limit": "200",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": reset,
        },
      };
    }
    return {
      status: 429,
      body: { error: "API limit reached. Please try again later. Remaining Limit: 0" },
    };
  }

  private alpaca(
    symbol: string,
    q: Record<string, string>,
    headers: IncomingMessage["headers"],
  ): Answer {
    const { key, secret } = this.options;
    const id = headers["apca-api-key-id"];
    const sekrit = headers["apca-api-secret-key"];
    if (
      !id ||
      !sekrit ||
      (key !== undefined && id !== key) ||
      (secret !== undefined && sekrit !== secret)
    ) {
      return { status: 403, body: { message: "forbidden" } };
    }
    if (!/^[A-Z][A-Z0-9.]{0,9}$/.test(symbol)) {
      return { status: 422, body: { message: `invalid symbol: ${symbol}` } };
    }
    if (q.timeframe !== "1Min") return { status: 422, body: { message: "invalid timeframe" } };
    const limit = q.limit === undefined ? 1000 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > ALPACA_MAX) {
      return { status: 422, body: { message: "invalid limit: must be between 1 and 10000" } };
    }
    const start = Date.parse(q.start ?? "");
    const end = q.end === undefined ? Date.now() : Date.parse(q.end);
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      return { status: 422, body: { message: "invalid start or end" } };
    }
    const from = q.page_token ? Number(Buffer.from(q.page_token, "base64url").toString()) : start;
    const all = this.bars(symbol, from, end + 1);
    const size = Math.min(limit, this.options.pageSize ?? ALPACA_MAX);
    const page = all.slice(0, size);
    const next = all[size];
    const bars = page.map(([t, o, h, l, c, v]) => ({
      t: new Date(t).toISOString().replace(".000Z", "Z"),
      o,
      h,
      l,
      c,
      v,
      n: 1 + (v % 40),
      vw: cents((o + h + l + c) / 4),
    }));
    return {
      status: 200,
      body: {
        bars: bars.length > 0 ? bars : null,
        symbol,
        next_page_token: next ? Buffer.from(String(next[0])).toString("base64url") : null,
      },
    };
  }

  private finnhub(q: Record<string, string>): Answer {
    const { key } = this.options;
    if (!q.token || (key !== undefined && q.token !== key)) {
      return { status: 401, body: { error: "Invalid API key." } };
    }
    if (this.options.noCandles) {
      return { status: 403, body: { error: "You don't have access to this resource." } };
    }
    if (q.resolution !== "1") return { status: 400, body: { error: "not served by this fake" } };
    const from = Number(q.from) * 1000;
    const to = Number(q.to) * 1000;
    if (!q.symbol || !Number.isFinite(from) || !Number.isFinite(to)) {
      return { status: 422, body: { error: "Wrong parameters." } };
    }
    const bars = this.bars(q.symbol, from, to + 1);
    if (bars.length === 0) return { status: 200, body: { s: "no_data" } };
    const column = (i: number) => bars.map((b) => b[i]);
    return {
      status: 200,
      body: {
        c: column(4),
        h: column(2),
        l: column(3),
        o: column(1),
        s: "ok",
        t: bars.map((b) => b[0] / 1000),
        v: column(5),
      },
    };
  }
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** The path's price at minute `m`, to the cent, somewhere between 50 and 450 per symbol. */
function price(symbol: string, m: number): number {
  const base = 50 + (hash(symbol) % 400);
  return cents(base * (1 + 0.01 * Math.sin(m / 50) + 0.002 * Math.sin(m * 1.3)));
}
