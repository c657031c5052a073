/** Checks a push body. All or nothing: a body with one bad tick or candle is refused whole. */
import * as v from "valibot";
import {
  bucketStart,
  CANDLE_MS,
  type Candle,
  describeIssues,
  IngestBodySchema,
  LIMITS,
  type Tick,
} from "../protocol/index.ts";

export type IngestCheck =
  | { ok: true; ticks: Tick[]; candles: Candle[] }
  | { ok: false; message: string };

/**
 * @param body the parsed JSON body
 * @param lastPushed time of the room's last pushed tick (simulated ticks do not count)
 * @param now the server's clock: a tick or candle may be at most `LIMITS.pushAheadMs` ahead of
 *   it, so that one mistaken time (microseconds, say) cannot hold every later push back
 */
export function checkIngest(body: unknown, lastPushed: number | null, now: number): IngestCheck {
  const parsed = v.safeParse(IngestBodySchema, body);
  if (!parsed.success) return { ok: false, message: describeIngestIssue(parsed.issues) };
  const ticks = (parsed.output.ticks ?? []) as Tick[];
  const candles = (parsed.output.candles ?? []) as Candle[];
  const live = liveFrom(lastPushed, ticks);
  const problem = checkCandles(candles, live, now) ?? checkTicks(ticks, lastPushed, now);
  return problem === null ? { ok: true, ticks, candles } : { ok: false, message: problem };
}

function checkTicks(ticks: readonly Tick[], lastPushed: number | null, now: number): string | null {
  const latest = now + LIMITS.pushAheadMs;
  let previous = lastPushed ?? Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ticks.length; i++) {
    const time = (ticks[i] as Tick)[0];
    if (time > latest) {
      return `tick ${i}: time ${time} is more than ${LIMITS.pushAheadMs / 1000} s ahead of the server's clock (${now}); times are epoch milliseconds`;
    }
    if (time < previous) {
      return i === 0 && lastPushed !== null
        ? `tick 0: time ${time} is before the room's last pushed tick (${lastPushed})`
        : `tick ${i}: time ${time} is before the tick ahead of it (${previous}); times must not decrease`;
    }
    previous = time;
  }
  return null;
}

/** Minutes that ticks fill, which no candle may take: the room's last pushed tick's, the push's own. */
type Live = { last: number | null; first: number | null };

function liveFrom(lastPushed: number | null, ticks: readonly Tick[]): Live {
  const first = ticks[0];
  return {
    last: lastPushed === null ? null : bucketStart(lastPushed),
    first: first === undefined ? null : bucketStart(first[0]),
  };
}

/**
 * Candles are minutes of the room's day: each on a minute, one per minute in time order,
 * within the day before the server's clock and not ahead of it, its open and close between its
 * low and high. The minute of the room's last pushed tick is its ticks' (a candle there would
 * make the chart and the last trade disagree), and so is every minute from the push's first
 * tick on (they would count twice).
 */
function checkCandles(candles: readonly Candle[], live: Live, now: number): string | null {
  const latest = now + LIMITS.pushAheadMs;
  const earliest = now - LIMITS.historyMs;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < candles.length; i++) {
    const [start, open, high, low, close] = candles[i] as Candle;
    const at = `candle ${i}: start ${start}`;
    if (start % CANDLE_MS !== 0) return `${at} is not the start of a minute`;
    if (start > latest) {
      return `${at} is more than ${LIMITS.pushAheadMs / 1000} s ahead of the server's clock (${now}); times are epoch milliseconds`;
    }
    if (start < earliest) {
      return `${at} is more than ${LIMITS.historyMs / 3_600_000} h before the server's clock (${now}): a room holds a day`;
    }
    if (start <= previous) {
      return `${at} is not after the candle ahead of it (${previous}); candles go in time order, one per minute`;
    }
    if (start === live.last) {
      return `${at} is the minute of the room's last pushed tick: its ticks fill it`;
    }
    if (live.first !== null && start >= live.first) {
      return `${at} is not before the minute of the push's first tick (${live.first}): ticks fill it`;
    }
    if (low > high || open > high || close > high || open < low || close < low) {
      return `candle ${i}: open and close must lie between low and high`;
    }
    previous = start;
  }
  return null;
}

/** "tick 3: price must be positive" or "candle 2: low must be positive" rather than a schema path. */
function describeIngestIssue(issues: Parameters<typeof describeIssues>[0]): string {
  const issue = issues[0];
  const path = issue?.path ?? [];
  const list = path[0]?.key;
  if (issue && (list === "ticks" || list === "candles")) {
    // The messages name their list already: "ticks must hold at least one tick".
    if (path.length === 1) return issue.message;
    return `${list === "ticks" ? "tick" : "candle"} ${String(path[1]?.key)}: ${issue.message}`;
  }
  return describeIssues(issues);
}
