/**
 * The ticker-room half of PROTOCOL.md as a third-party client reads it: the shapes, written
 * here rather than imported from party/, so that a server that drifts from the contract fails
 * these tests instead of dragging them along. The checks assert what a client relies on.
 */
import { expect } from "vitest";

export type Tick = [time: number, price: number, size: number];
export type Candle = [
  start: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
];
export type Quote = {
  price: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  change: number;
  changePct: number;
  volume: number;
  time: number;
  stale?: true;
};
export type Snapshot = {
  type: "snapshot";
  v: number;
  symbol: string;
  source: string;
  seq: number;
  serverTime: number;
  quote: Quote | null;
  candles: Candle[];
  ticks: Tick[];
  status?: string;
  /** Quote mode only. */
  spark?: number[];
};
export type TicksFrame = {
  type: "ticks";
  symbol: string;
  seq: number;
  ticks: Tick[];
  quote: Quote;
};
export type QuoteFrame = { type: "quote"; symbol: string; seq: number; quote: Quote };
export type ErrorFrame = { type: "error"; code: string; message: string };

export const MINUTE = 60_000;
export const DAY = 24 * 60 * 60 * 1000;
const QUOTE_FIELDS = [
  "price",
  "open",
  "high",
  "low",
  "prevClose",
  "change",
  "changePct",
  "volume",
  "time",
] as const;

/** Checks everything PROTOCOL.md promises about a snapshot of a room that has ticks. */
export function expectSnapshot(
  value: unknown,
  expected: { symbol: string; source: string },
): Snapshot {
  const s = value as Snapshot;
  expect(s).toMatchObject({ type: "snapshot", v: 1, ...expected });
  expect(Number.isSafeInteger(s.seq), `seq ${s.seq} is an integer`).toBe(true);
  expect(Math.abs(s.serverTime - Date.now()), "serverTime is now").toBeLessThan(5000);

  expect(Array.isArray(s.ticks) && s.ticks.length > 0, "snapshot has ticks").toBe(true);
  expect(s.ticks.length).toBeLessThanOrEqual(500);
  expectTicks(s.ticks);
  const last = s.ticks[s.ticks.length - 1] as Tick;
  expect(last[0]).toBeLessThanOrEqual(s.serverTime);

  expect(Array.isArray(s.candles) && s.candles.length > 0, "snapshot has candles").toBe(true);
  expectCandles(s.candles);
  const first = s.candles[0] as Candle;
  const newest = s.candles[s.candles.length - 1] as Candle;
  // "up to the last 24 h": every candle overlaps the day that ends at serverTime.
  expect(first[0] + MINUTE, "oldest candle within the last 24 h").toBeGreaterThan(
    s.serverTime - DAY,
  );
  expect(newest[0]).toBeLessThanOrEqual(s.serverTime);
  // The chart's last bar and the tick list describe the same market.
  expect(newest[0], "newest candle holds the newest tick").toBe(bucket(last[0]));
  expect(newest[4], "newest candle closes at the newest tick").toBe(last[1]);

  expect(s.quote).not.toBeNull();
  expectQuote(s.quote);
  expect(s.quote?.price, "quote price is the newest tick's").toBe(last[1]);
  return s;
}

export function expectQuote(value: unknown): Quote {
  const q = value as Quote;
  expect(typeof q === "object" && q !== null, "quote is an object").toBe(true);
  for (const field of QUOTE_FIELDS) {
    expect(Number.isFinite(q[field]), `quote.${field} is a finite number`).toBe(true);
  }
  expect(q.price).toBeGreaterThan(0);
  expect(q.prevClose).toBeGreaterThan(0);
  expect(q.volume).toBeGreaterThan(0);
  expect(q.low).toBeLessThanOrEqual(Math.min(q.open, q.price));
  expect(q.high).toBeGreaterThanOrEqual(Math.max(q.open, q.price));
  // Rounding for display is allowed; a wrong formula (or a fraction for a percentage) is not.
  expect(q.change).toBeCloseTo(q.price - q.prevClose, 6);
  expect(q.changePct).toBeCloseTo(((q.price - q.prevClose) / q.prevClose) * 100, 3);
  return q;
}

/** Ticks are [time, price, size], oldest first, with positive prices and sizes. */
export function expectTicks(ticks: readonly unknown[]): void {
  let previous = Number.NEGATIVE_INFINITY;
  for (const [i, tick] of ticks.entries()) {
    const t = tick as Tick;
    const ok =
      Array.isArray(t) &&
      t.length === 3 &&
      Number.isSafeInteger(t[0]) &&
      Number.isFinite(t[1]) &&
      t[1] > 0 &&
      Number.isFinite(t[2]) &&
      t[2] > 0;
    expect(ok, `tick ${i} ${JSON.stringify(t)} is [time, price, size]`).toBe(true);
    expect(t[0], `tick ${i} is not older than the one before`).toBeGreaterThanOrEqual(previous);
    previous = t[0];
  }
}

/** Candles are one-minute buckets, oldest first, each a consistent OHLCV bar. */
export function expectCandles(candles: readonly unknown[]): void {
  let previous = Number.NEGATIVE_INFINITY;
  for (const [i, candle] of candles.entries()) {
    const c = candle as Candle;
    const ok = Array.isArray(c) && c.length === 6 && c.every((x) => Number.isFinite(x));
    expect(ok, `candle ${i} ${JSON.stringify(c)} is [start, o, h, l, c, v]`).toBe(true);
    expect(c[0] % MINUTE, `candle ${i} starts on a minute`).toBe(0);
    expect(c[0], `candle ${i} is newer than the one before`).toBeGreaterThan(previous);
    previous = c[0];
    expect(c[3], `candle ${i} low`).toBeLessThanOrEqual(Math.min(c[1], c[4]));
    expect(c[2], `candle ${i} high`).toBeGreaterThanOrEqual(Math.max(c[1], c[4]));
    expect(c[3], `candle ${i} low`).toBeGreaterThan(0);
    expect(c[5], `candle ${i} volume`).toBeGreaterThan(0);
  }
}

export function expectTicksFrame(value: unknown, symbol: string): TicksFrame {
  const f = value as TicksFrame;
  expect(f).toMatchObject({ type: "ticks", symbol });
  expect(Number.isSafeInteger(f.seq), `seq ${f.seq} is an integer`).toBe(true);
  expect(Array.isArray(f.ticks) && f.ticks.length > 0, "a ticks frame holds ticks").toBe(true);
  expectTicks(f.ticks);
  expectQuote(f.quote);
  expect(f.quote.price, "quote price is the frame's newest tick's").toBe(
    (f.ticks[f.ticks.length - 1] as Tick)[1],
  );
  return f;
}

export function expectQuoteFrame(value: unknown, symbol: string): QuoteFrame {
  const f = value as QuoteFrame;
  expect(f).toMatchObject({ type: "quote", symbol });
  expect(Number.isSafeInteger(f.seq), `seq ${f.seq} is an integer`).toBe(true);
  expectQuote(f.quote);
  return f;
}

export function expectError(value: unknown, code: string): ErrorFrame {
  const f = value as ErrorFrame;
  expect(f).toMatchObject({ type: "error", code });
  expect(typeof f.message === "string" && f.message.length > 0, "error has a message").toBe(true);
  return f;
}

/** A protocol HTTP error body: `{"error": {"code", "message"}}`. */
export function expectHttpError(body: unknown): { code: string; message: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  expect(typeof error?.code, `error body ${JSON.stringify(body)} has a code`).toBe("string");
  expect(typeof error?.message, `error body ${JSON.stringify(body)} has a message`).toBe("string");
  return error as { code: string; message: string };
}

export function bucket(time: number): number {
  return time - (time % MINUTE);
}

/** One-minute candles as a client would fold the given ticks (oldest first). */
export function foldCandles(ticks: readonly Tick[]): Candle[] {
  const candles: Candle[] = [];
  for (const [time, price, size] of ticks) {
    const last = candles[candles.length - 1];
    if (last && last[0] === bucket(time)) {
      last[2] = Math.max(last[2], price);
      last[3] = Math.min(last[3], price);
      last[4] = price;
      last[5] += size;
    } else {
      candles.push([bucket(time), price, price, price, price, size]);
    }
  }
  return candles;
}

/** The seq number of every tick of a frame: its last tick has number `seq`. */
export function numbered(seq: number, ticks: readonly Tick[]): Map<number, Tick> {
  const out = new Map<number, Tick>();
  ticks.forEach((tick, i) => {
    out.set(seq - ticks.length + 1 + i, tick);
  });
  return out;
}

export type HttpReply = { status: number; type: string; body: unknown; text: string };

/** One HTTP request; the body comes back parsed when it is JSON. */
export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpReply> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", body, text };
}

export async function getSnapshot(baseUrl: string, symbol: string): Promise<Snapshot> {
  const reply = await request(`${baseUrl}/parties/ticker/${symbol}`);
  expect(reply.status, reply.text.slice(0, 300)).toBe(200);
  expect(reply.type).toContain("application/json");
  return reply.body as Snapshot;
}

/** A push as a feed bridge sends it. `body` may be any text, to send malformed bodies. */
export function push(
  baseUrl: string,
  symbol: string,
  body: unknown,
  token: string | null,
): Promise<HttpReply> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return request(`${baseUrl}/parties/ticker/${symbol}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
