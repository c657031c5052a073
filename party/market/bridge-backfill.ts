/**
 * What the stock bridge backfills a room with when its stream connects (on start, and after a
 * gap), decided without a socket: which bars to ask its provider for, and which of them to push
 * as candles, so that they fill only the minutes the room lacks (after everything it holds and
 * everything the bridge streamed already) and the room takes them.
 */
import { bucketStart, CANDLE_MS, type Candle, LIMITS, type Tick } from "../protocol/index.ts";
import type { HistoryRange } from "./feed-history.ts";

/**
 * The finished minutes of the day before the stream connected at `at`: the minute it connected
 * in is the stream's. The oldest is a minute inside the day a room holds.
 */
export function backfillWindow(at: number): HistoryRange {
  const to = bucketStart(at);
  return { from: to - LIMITS.historyMs + CANDLE_MS, to };
}

/** How long a push may take to reach the room, for the check of a candle's age there. */
const ARRIVAL_SLACK_MS = 10_000;

/** What a room's snapshot says it holds. */
export type RoomHeld = { source: string; candles: readonly Candle[]; ticks: readonly Tick[] };

/**
 * The bars to push: those in [after, to), where `after` is past the room's newest candle and
 * the minute of its last tick (a pushed room; any other starts over on its first push), and past
 * the minute of the newest trade the bridge streamed (`streamed`, which may not have reached the
 * room yet). Anything the room holds from `to` on is the stream's, not history. Bars the room
 * would find older than its day at `now` are left out, and at most a push's worth are kept, the
 * newest.
 */
export function candlesToPush(
  bars: readonly Candle[],
  room: RoomHeld,
  streamed: number | null,
  to: number,
  now: number,
): Candle[] {
  let after = Number.NEGATIVE_INFINITY;
  if (room.source === "push") {
    const candle = findLast(room.candles, (c) => c[0] < to);
    const tick = findLast(room.ticks, (t) => t[0] < to);
    if (candle) after = Math.max(after, candle[0]);
    if (tick) after = Math.max(after, bucketStart(tick[0]));
  }
  if (streamed !== null) after = Math.max(after, bucketStart(streamed));
  // The push reaches the room a moment after `now`.
  const earliest = now - LIMITS.historyMs + ARRIVAL_SLACK_MS;
  const kept = bars.filter((c) => c[0] > after && c[0] < to && c[0] >= earliest);
  return kept.slice(-LIMITS.pushCandles);
}

function findLast<T>(list: readonly T[], match: (item: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i] as T;
    if (match(item)) return item;
  }
  return undefined;
}
