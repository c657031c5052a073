/**
 * `GET ?range=`: a room's bars over a chart range, apart from the live snapshot. A simulated room
 * computes them from (symbol, time) alone and keeps the answer in memory for as long as it may
 * be cached; an exchange room asks its exchange for the bars of ranges longer than a day (kept
 * a while by its source) and lays the minutes it holds over the newest; a pushed room, and an
 * exchange room's 1D, fold the minutes it holds. Nothing here writes storage.
 */
import { httpError, json } from "../../http.ts";
import { type RangeFailure, withLiveMinutes } from "../../market/exchange-ranges.ts";
import {
  heldRange,
  parseRange,
  RANGE_INTERVAL,
  RANGE_SPAN_MS,
  rangeHours,
  rangeMaxAge,
  simulatedRange,
} from "../../market/ranges.ts";
import { symbolKind } from "../../market/sessions/index.ts";
import {
  ErrorCode,
  type HttpError,
  PROTOCOL_VERSION,
  type RangeAnswer,
} from "../../protocol/index.ts";
import { setting } from "../host.ts";
import type { Clock } from "./clock.ts";
import { ExchangeSource } from "./exchange-source.ts";
import type { Room } from "./room.ts";

/** Simulated answers kept per isolate (one per symbol, range and calendar), the oldest dropped. */
const CACHE_ENTRIES = 24;
const cache = new Map<string, { until: number; answer: RangeAnswer }>();

export async function rangeResponse(
  raw: string,
  room: Room,
  env: Readonly<Record<string, unknown>>,
  clock: Pick<Clock, "now">,
): Promise<Response> {
  let now = clock.now();
  const parsed = parseRange(raw);
  if (!parsed.ok) return httpError(400, ErrorCode.badRequest, parsed.message);
  const { range } = parsed;
  const interval = RANGE_INTERVAL[range];
  const { symbol } = room;
  const source = room.source.name;
  const maxAge = rangeMaxAge(interval, source === "sim");
  const sessions = setting(env, "SIM_SESSIONS") !== "off";
  const stock = symbolKind(symbol) === "stock";
  const answer = (candles: RangeAnswer["candles"], calendar: boolean): RangeAnswer => ({
    v: PROTOCOL_VERSION,
    symbol,
    source,
    range,
    interval,
    asOf: now,
    hours: rangeHours(range, calendar),
    candles,
  });
  if (room.source instanceof ExchangeSource && range !== "1d") {
    const bars = await room.source.rangeBars(range);
    if (!bars.ok) return failed(bars, clock.now());
    // The room took trades while the exchange answered: the bars reach up to the answer.
    now = clock.now();
    const from = now - RANGE_SPAN_MS[range];
    const candles = withLiveMinutes(
      bars.candles,
      interval,
      bars.fetchedAt,
      room.history.candles,
      from,
    );
    return json(answer(candles, false), 200, cacheFor(maxAge));
  }
  if (source !== "sim") {
    const held = answer(heldRange(room.history.candles, range, now), false);
    return json(held, 200, cacheFor(maxAge));
  }
  const key = `${symbol}\u0000${range}\u0000${sessions}`;
  const kept = cache.get(key);
  if (kept && kept.until > now && kept.answer.asOf <= now) {
    return json(kept.answer, 200, cacheFor(Math.ceil((kept.until - now) / 1000)));
  }
  const fresh = answer(simulatedRange(symbol, range, now, { sessions, stock }), stock && sessions);
  cache.delete(key);
  cache.set(key, { until: now + maxAge * 1000, answer: fresh });
  if (cache.size > CACHE_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return json(fresh, 200, cacheFor(maxAge));
}

/** The exchange's failure in the protocol's error shape, with the wait a rate limit asked for. */
function failed(failure: RangeFailure, now: number): Response {
  const { status, code, message, retryAt } = failure;
  const wait: Record<string, string> =
    retryAt === undefined
      ? {}
      : { "retry-after": String(Math.max(1, Math.ceil((retryAt - now) / 1000))) };
  return json({ error: { code, message } } satisfies HttpError, status, {
    "cache-control": "no-store",
    ...wait,
  });
}

function cacheFor(seconds: number): Record<string, string> {
  return { "cache-control": `public, max-age=${seconds}` };
}
