/**
 * What the exchanges' history requests share: which of an exchange's intervals serves the one
 * asked for, one page at a time through an injected fetch, answers read without trusting them,
 * the pages merged into one sorted, deduplicated run of bars (folded into the interval asked
 * for when the exchange lacks it), and the HTTP signs of a rate limit turned into a delay.
 * Nothing here throws; every failure becomes a `HistoryResult`.
 */
import {
  bucketStart,
  CANDLE_MS,
  type Candle,
  RANGE_INTERVAL_MS,
  type RangeInterval,
} from "../../protocol/index.ts";
import { foldCandles, roundVolumes, weeklyCandles } from "../bars.ts";
import { clipFrame, isObject, json, positive, text } from "./decode.ts";
import type { HistoryFetch, HistoryRequest, HistoryResult } from "./types.ts";

/**
 * The longest range one request of minutes serves, keeping its most recent part. One-minute
 * history is for the intraday chart: a day, with room for the hole an idle room leaves. Longer
 * ranges belong to coarser bars.
 */
export const HISTORY_MAX_MS = 48 * 3_600_000;
/**
 * The most bars of a coarser interval one request fetches, keeping the most recent: five years
 * of days (Coinbase's weeks, folded from its days: seven pages) with room to spare.
 */
export const HISTORY_MAX_BARS = 2000;

/** Sums of sizes keep this many decimals: any size an exchange sends, without float residue. */
const VOLUME_DECIMALS = 8;
/** 1970-01-05, the first Monday after the epoch (a Thursday): weeks start on Mondays. */
const FIRST_MONDAY_MS = 4 * 86_400_000;

/** How an interval's bars lie on the clock: every `ms` from the epoch, weeks from a Monday. */
export type Grid = { interval: RangeInterval; ms: number; offset: number };

export function gridOf(interval: RangeInterval): Grid {
  return {
    interval,
    ms: RANGE_INTERVAL_MS[interval],
    offset: interval === "1week" ? FIRST_MONDAY_MS : 0,
  };
}

export const MINUTES = gridOf("1min");

/** The start of the bar of `grid` that holds `time`. */
export function barStart(grid: Grid, time: number): number {
  return bucketStart(time - grid.offset, grid.ms) + grid.offset;
}

/** Finest first: where an exchange lacks an interval, the one before it is fetched and folded. */
const FINEST_FIRST: readonly RangeInterval[] = ["1min", "15min", "1hour", "1day", "1week"];

/** The first and last bar starts a range asks for, both inclusive. */
export type Span = { first: number; last: number };

/**
 * The bars of `grid` starting in [from, to), the most recent `reach` ms of them at most; null
 * when there are none.
 */
export function span(
  from: number,
  to: number,
  grid = MINUTES,
  reach = HISTORY_MAX_MS,
): Span | null {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  const first = barStart(grid, Math.max(from, to - reach) + grid.ms - 1);
  const last = barStart(grid, to - 1);
  return first <= last ? { first, last } : null;
}

/** The bars fetched for a request, in an interval the exchange serves, and what it asked for. */
export type Plan<P> = {
  /** The exchange's own bars to fetch, in `layout.grid`. */
  range: Span;
  layout: Layout;
  /** The exchange's name for the interval fetched (Coinbase's 86400, Binance's `1d`). */
  param: P;
};

/** The grid fetched, and the grid asked for (the same, or coarser: folded after). */
export type Layout = { grid: Grid; asked: Grid };

const MINUTE_LAYOUT: Layout = { grid: MINUTES, asked: MINUTES };

/**
 * What to fetch for a request, given the intervals an exchange serves (by its names for them):
 * the interval asked for, else the nearest finer one, whose bars are folded. The range is the
 * asked bars that start in [from, to), within the reach of one request. Null: no bar in it.
 */
export function plan<P>(
  request: HistoryRequest,
  served: Partial<Record<RangeInterval, P>>,
): Plan<P> | null {
  const asked = gridOf(request.interval ?? "1min");
  const finer = FINEST_FIRST.slice(0, FINEST_FIRST.indexOf(asked.interval) + 1).reverse();
  const interval = finer.find((i) => served[i] !== undefined);
  if (interval === undefined) return null;
  const grid = gridOf(interval);
  const reach = grid.ms === CANDLE_MS ? HISTORY_MAX_MS : HISTORY_MAX_BARS * grid.ms;
  const bars = span(request.from, request.to, asked, reach);
  if (!bars) return null;
  const last = barStart(grid, Math.min(bars.last + asked.ms, request.to) - 1);
  return {
    range: { first: bars.first, last },
    layout: { grid, asked },
    param: served[interval] as P,
  };
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
  headers?: Record<string, string>,
): Promise<Page | string> {
  try {
    const response = await (headers ? fetch(url, { headers }) : fetch(url));
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

/**
 * The `message` (Coinbase, Alpaca), `msg` (Binance) or `error` (Finnhub) of an error body, else
 * the start of the body.
 */
export function errorText(page: Page): string {
  const body = page.body;
  const message = isObject(body)
    ? (text(body.message) ?? text(body.msg) ?? text(body.error))
    : undefined;
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

/** The bars of every page of one request, kept to the range and one per bar. */
export class Candles {
  private readonly byStart = new Map<number, Candle>();

  constructor(
    private readonly range: Span,
    private readonly layout: Layout = MINUTE_LAYOUT,
  ) {}

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
      // A start off the grid is a bar of some other interval than the one asked for.
      if (c === null || (c !== "quiet" && barStart(this.layout.grid, c[0]) !== c[0])) bad++;
      else if (c !== "quiet" && c[0] >= this.range.first && c[0] <= this.range.last) {
        this.byStart.set(c[0], c);
      }
    }
    return bad;
  }

  /** The bars so far, oldest first, in the interval asked for. */
  list(): Candle[] {
    const fetched = [...this.byStart.values()].sort((a, b) => a[0] - b[0]);
    const { grid, asked } = this.layout;
    if (grid.interval === asked.interval) return fetched;
    const folded =
      asked.interval === "1week" ? weeklyCandles(fetched) : foldCandles(fetched, asked.ms);
    return roundVolumes(folded, VOLUME_DECIMALS);
  }

  /**
   * The whole answer, speaking for the range from `coveredFrom` on. Folded bars that start
   * before it would hold only part of their time, so they are left out and the coverage starts
   * at the next bar asked for.
   */
  done(coveredFrom: number): HistoryResult {
    const { grid, asked } = this.layout;
    const from =
      grid.interval === asked.interval ? coveredFrom : barStart(asked, coveredFrom + asked.ms - 1);
    return { kind: "candles", candles: this.list().filter((c) => c[0] >= from), coveredFrom: from };
  }
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
