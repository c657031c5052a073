/**
 * What the exchanges' history requests share: one page at a time through an injected fetch,
 * answers read without trusting them, the pages merged into one sorted, deduplicated run of
 * one-minute candles, and the HTTP signs of a rate limit turned into a delay. Nothing here
 * throws; every failure becomes a `HistoryResult`.
 */
import { bucketStart, CANDLE_MS, type Candle } from "../../protocol/index.ts";
import { clipFrame, isObject, json, positive, text } from "./decode.ts";
import type { HistoryFetch, HistoryResult } from "./types.ts";

/**
 * The longest range one request serves, keeping its most recent part. One-minute history is for
 * the intraday chart: a day, with room for the hole an idle room leaves. Longer ranges would
 * cost dozens of requests and belong to coarser candles.
 */
export const HISTORY_MAX_MS = 48 * 3_600_000;

/** The first and last minute starts a range asks for, both inclusive. */
export type Span = { first: number; last: number };

/** The minutes starting in [from, to), cut to `HISTORY_MAX_MS`; null when there are none. */
export function span(from: number, to: number): Span | null {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  const first = bucketStart(Math.max(from, to - HISTORY_MAX_MS) + CANDLE_MS - 1);
  const last = bucketStart(to - 1);
  return first <= last ? { first, last } : null;
}

/** What a range without a single minute in it brings: nothing, and no request made. */
export function emptyRange(from: number): HistoryResult {
  return { kind: "candles", candles: [], coveredFrom: Number.isFinite(from) ? from : 0 };
}

/** The endpoint without its trailing slashes, so that paths can be appended. */
export function root(base: string): string {
  return base.trim().replace(/\/+$/, "");
}

/** One HTTP answer: its status, headers, and body as JSON (`undefined` when it is not JSON). */
export type Page = { status: number; headers: Headers; body: unknown; raw: string };

/** Fetches one page; a network failure is a message, not an exception. */
export async function getPage(
  fetch: HistoryFetch,
  url: string,
  provider: string,
): Promise<Page | string> {
  try {
    const response = await fetch(url);
    const raw = await response.text();
    return { status: response.status, headers: response.headers, body: json(raw), raw };
  } catch (err) {
    return `${provider}: ${describe(err)}`;
  }
}

/**
 * The wait a rate-limited answer asks for: `Retry-After` in seconds or as an HTTP date, else
 * `fallbackMs` (what the exchange documents, or a guess where it says nothing).
 */
export function retryAfterMs(headers: Headers, fallbackMs: number, now = Date.now()): number {
  const value = headers.get("retry-after")?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return fallbackMs;
}

/** The `message` (Coinbase) or `msg` (Binance) of an error body, else the start of the body. */
export function errorText(page: Page): string {
  const body = page.body;
  const message = isObject(body) ? (text(body.message) ?? text(body.msg)) : undefined;
  return message ?? (page.raw.trim() ? clipFrame(page.raw.trim()) : `HTTP ${page.status}`);
}

/**
 * One row read: a candle, `quiet` for a minute without trades (an exchange that answers every
 * minute sends those with zero volume), or null for a row that cannot be read.
 */
export type Row = Candle | "quiet" | null;

/** A row from its parts; `start` in epoch milliseconds. */
export function row(
  start: number | null,
  open: unknown,
  high: unknown,
  low: unknown,
  close: unknown,
  volume: unknown,
): Row {
  if (start === null || !Number.isSafeInteger(start) || start < 0) return null;
  // A start off the minute is not a one-minute candle: some other interval was answered.
  if (bucketStart(start) !== start) return null;
  if (isZero(volume)) return "quiet";
  const o = positive(open);
  const h = positive(high);
  const l = positive(low);
  const c = positive(close);
  const size = positive(volume);
  if (o === null || h === null || l === null || c === null || size === null) return null;
  if (l > h || o > h || c > h || o < l || c < l) return null;
  return [start, o, h, l, c, size];
}

/** Whole seconds from a number (Coinbase and Kraken times). */
export function seconds(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
    ? value * 1000
    : null;
}

/** The candles of every page of one request, kept to the range and one per minute. */
export class Candles {
  private readonly byStart = new Map<number, Candle>();

  constructor(private readonly range: Span) {}

  /**
   * Reads a page's rows; returns how many could not be read. Rows outside the range are
   * dropped: Coinbase may answer minutes before `start`, and every exchange answers the minute
   * in progress. A minute that two pages both hold is kept once, from the later page: either
   * copy of a finished minute is the same, and the later one is at least as fresh.
   */
  add(rows: readonly unknown[], read: (row: unknown) => Row): number {
    let bad = 0;
    for (const r of rows) {
      const c = read(r);
      if (c === null) bad++;
      else if (c !== "quiet" && c[0] >= this.range.first && c[0] <= this.range.last) {
        this.byStart.set(c[0], c);
      }
    }
    return bad;
  }

  list(): Candle[] {
    return [...this.byStart.values()].sort((a, b) => a[0] - b[0]);
  }
}

/**
 * A page whose rows were all unreadable means the answer is not what the exchange documents
 * (another format, an interval other than one minute): better said than shown as an empty day.
 */
export function unreadable(provider: string, bad: number, rows: number): string | null {
  return rows > 0 && bad === rows
    ? `${provider} answered ${rows} candle row(s), none of them readable`
    : null;
}

export function refused(message: string): HistoryResult {
  return { kind: "refused", message };
}

export function limited(message: string, retryAfter: number, candles: Candles): HistoryResult {
  return { kind: "limited", message, retryAfterMs: retryAfter, candles: candles.list() };
}

export function failed(message: string, candles?: Candles): HistoryResult {
  return { kind: "failed", message, candles: candles?.list() ?? [] };
}

/** Runs a history request so that nothing unforeseen escapes as an exception. */
export async function guarded(
  provider: string,
  run: () => Promise<HistoryResult>,
): Promise<HistoryResult> {
  try {
    return await run();
  } catch (err) {
    return failed(`${provider}: ${describe(err)}`);
  }
}

/** `2026-01-15T12:34:00Z`: the ISO 8601 form Coinbase takes, without the empty milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** `0`, `"0"`, `"0.00000000"`: how the exchanges write a minute without trades. */
function isZero(value: unknown): boolean {
  if (typeof value === "number") return value === 0;
  return typeof value === "string" && /^0*\.?0*$/.test(value.trim()) && /0/.test(value);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
