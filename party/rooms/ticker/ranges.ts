/**
 * `GET ?range=`: a room's bars over a chart range, apart from the live snapshot. A simulated room
 * computes them from (symbol, time) alone and keeps the answer in memory for as long as it may
 * be cached; a pushed or exchange room folds the minutes it holds. Nothing here writes storage.
 */
import { httpError, json } from "../../http.ts";
import {
  heldRange,
  parseRange,
  RANGE_INTERVAL,
  rangeHours,
  rangeMaxAge,
  simulatedRange,
} from "../../market/ranges.ts";
import { symbolKind } from "../../market/sessions/index.ts";
import { ErrorCode, PROTOCOL_VERSION, type RangeAnswer } from "../../protocol/index.ts";
import { setting } from "../host.ts";
import type { Room } from "./room.ts";

/** Simulated answers kept per isolate (one per symbol, range and calendar), the oldest dropped. */
const CACHE_ENTRIES = 24;
const cache = new Map<string, { until: number; answer: RangeAnswer }>();

export function rangeResponse(
  raw: string,
  room: Room,
  env: Readonly<Record<string, unknown>>,
  now: number,
): Response {
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

function cacheFor(seconds: number): Record<string, string> {
  return { "cache-control": `public, max-age=${seconds}` };
}
