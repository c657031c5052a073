/**
 * Long chart ranges of a room an exchange feeds, decided without a platform: what to ask the
 * exchange's REST API for a range, how long its answer is kept (so that a crowd opening 1Y costs
 * one request, and a failing exchange is not asked again by every viewer), what a failed answer
 * tells the client, and how the room's own minutes are laid over the newest bars, so that the
 * chart ends where the live price is.
 */
import {
  bucketStart,
  type Candle,
  type ChartRange,
  ErrorCode,
  type RangeInterval,
} from "../protocol/index.ts";
import { roundVolumes } from "./bars.ts";
import { barStart, gridOf } from "./providers/history.ts";
import type { HistoryResult } from "./providers/types.ts";
import { RANGE_INTERVAL, RANGE_SPAN_MS, rangeMaxAge } from "./ranges.ts";

/** What to ask the exchange for: the range's bars that start in [from, to), the one in progress included. */
export type RangeFetch = { interval: RangeInterval; from: number; to: number };

export function rangeFetch(range: ChartRange, now: number): RangeFetch {
  return { interval: RANGE_INTERVAL[range], from: now - RANGE_SPAN_MS[range], to: now + 1 };
}

/** The exchange's bars of a range, or why there are none. */
export type RangeBars =
  /** `fetchedAt`: when the exchange answered; its newest bar holds the trades up to then. */
  { ok: true; candles: Candle[]; fetchedAt: number } | RangeFailure;

/**
 * A failed request, as the client is told: 503 `rate_limited` for a rate limit, with the time
 * it may ask again (`retryAt`, epoch ms); 502 `upstream_error` when the exchange failed or does
 * not list the product.
 */
export type RangeFailure = {
  ok: false;
  status: 502 | 503;
  code: ErrorCode;
  message: string;
  retryAt?: number;
};

/** A failed answer is kept this long before a viewer's read asks the exchange again. */
const FAILED_KEEP_MS = 5_000;
/** A refusal (an unknown product) does not change soon. */
const REFUSED_KEEP_MS = 60_000;
/** However long a rate limit asks to wait, the room asks again within these bounds. */
const LIMIT_KEEP = { minMs: 1_000, maxMs: 60_000 };
/** A `Retry-After` longer than this is shown as this: the room asks again by then anyway. */
const LIMIT_SHOWN_MAX_MS = 600_000;

/** What an exchange's answer means for a range, read at `now` (when it arrived), and how long it is kept. */
export function rangeAnswer(
  range: ChartRange,
  result: HistoryResult,
  now: number,
): { bars: RangeBars; keepMs: number } {
  switch (result.kind) {
    case "candles":
      // As long as a simulated room keeps its answer: a sixth of a bar, at most 15 minutes.
      return {
        bars: { ok: true, candles: result.candles, fetchedAt: now },
        keepMs: rangeMaxAge(RANGE_INTERVAL[range], true) * 1000,
      };
    case "limited": {
      const wait = Math.min(LIMIT_SHOWN_MAX_MS, Math.max(LIMIT_KEEP.minMs, result.retryAfterMs));
      return {
        bars: failure(503, ErrorCode.rateLimited, result.message, now + wait),
        keepMs: Math.min(LIMIT_KEEP.maxMs, wait),
      };
    }
    case "refused":
      return { bars: failure(502, ErrorCode.upstream, result.message), keepMs: REFUSED_KEEP_MS };
    case "failed":
      return { bars: failure(502, ErrorCode.upstream, result.message), keepMs: FAILED_KEEP_MS };
  }
}

/**
 * One room's long ranges, each fetched at most once while its answer is kept: reads that arrive
 * while a request is out wait for that request. `fetchRange` never throws (the adapters turn
 * every failure into a result); if it did, the read fails and nothing is kept.
 */
export class RangeCache {
  private readonly entries = new Map<ChartRange, { until: number; bars: Promise<RangeBars> }>();

  constructor(
    private readonly fetchRange: (request: RangeFetch) => Promise<HistoryResult>,
    private readonly now: () => number,
  ) {}

  get(range: ChartRange): Promise<RangeBars> {
    const kept = this.entries.get(range);
    if (kept && kept.until > this.now()) return kept.bars;
    const entry = {
      until: Number.POSITIVE_INFINITY,
      bars: this.fetchRange(rangeFetch(range, this.now())).then(
        (result) => {
          const at = this.now();
          const { bars, keepMs } = rangeAnswer(range, result, at);
          entry.until = at + keepMs;
          return bars;
        },
        (err: unknown) => {
          entry.until = 0;
          throw err;
        },
      ),
    };
    this.entries.set(range, entry);
    return entry.bars;
  }
}

/** What a room with no market on its exchange answers: nothing to fetch. */
export function noMarket(message: string): RangeBars {
  return failure(502, ErrorCode.upstream, message);
}

/**
 * The exchange's bars with the room's minutes since the exchange answered laid over them: a
 * newer minute moves its bar's close, high and low, and adds its volume (the minute the answer
 * came in adds none: the exchange had counted part of it), and starts a bar of its own where
 * the exchange had none yet. Bars before `from` are dropped: a kept answer is older than now.
 */
export function withLiveMinutes(
  bars: readonly Candle[],
  interval: RangeInterval,
  fetchedAt: number,
  minutes: readonly Candle[],
  from: number,
): Candle[] {
  const grid = gridOf(interval);
  const out = bars.filter((c) => c[0] >= from).map((c) => [...c] as Candle);
  const answered = bucketStart(fetchedAt);
  for (const m of minutes) {
    if (m[0] < answered) continue;
    const start = barStart(grid, m[0]);
    const bar = findFromEnd(out, start);
    if (!bar) {
      if (out.length === 0 || (out.at(-1) as Candle)[0] < start) out.push([start, ...rest(m)]);
      continue;
    }
    if (m[2] > bar[2]) bar[2] = m[2];
    if (m[3] < bar[3]) bar[3] = m[3];
    bar[4] = m[4];
    if (m[0] > answered) bar[5] += m[5];
  }
  return roundVolumes(out, VOLUME_DECIMALS);
}

/** Sums of sizes keep this many decimals, as a room's own do. */
const VOLUME_DECIMALS = 8;

function findFromEnd(bars: Candle[], start: number): Candle | undefined {
  for (let i = bars.length - 1; i >= 0; i--) {
    const bar = bars[i] as Candle;
    if (bar[0] === start) return bar;
    if (bar[0] < start) return undefined;
  }
  return undefined;
}

function rest(c: Candle): [number, number, number, number, number] {
  return [c[1], c[2], c[3], c[4], c[5]];
}

function failure(
  status: 502 | 503,
  code: ErrorCode,
  message: string,
  retryAt?: number,
): RangeFailure {
  return retryAt === undefined
    ? { ok: false, status, code, message }
    : { ok: false, status, code, message, retryAt };
}
