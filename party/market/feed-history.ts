/**
 * How an exchange room gets its day of history, decided without a socket or a clock: which
 * minutes to ask the exchange's REST API for when the feed opens, what an answer means for the
 * room (candles to merge, a wait before asking again, a refused product), and what the room's
 * status then says. The shell (`ExchangeSource`) only fetches and sets timers.
 */
import { bucketStart, CANDLE_MS, type Candle, LIMITS } from "../protocol/index.ts";
import { backoffDelay } from "./backoff.ts";
import type { HistoryResult } from "./providers/types.ts";

/** A history request: the minutes starting in [from, to). */
export type HistoryRange = { from: number; to: number };

/**
 * A hole shorter than this is not worth a request: the room was away for a minute or so, and
 * the minute it left in may have been half seen, which the next minutes do not change.
 */
export const MIN_HOLE_MS = 2 * CANDLE_MS;
/** One request's deadline: a slow exchange must not hold a room's history for long. */
export const HISTORY_TIMEOUT_MS = 10_000;
/** Failed requests (network, server errors) are asked again after these waits. */
const RETRY = { baseMs: 5_000, maxMs: 5 * 60_000 };
/** However long a rate limit asks to wait, the room asks again within these bounds. */
const LIMIT_WAIT = { minMs: 1_000, maxMs: 10 * 60_000 };

/**
 * What to ask for when a feed opens: the day up to the current minute for a room with no
 * candles, else from the start of its newest candle (which it may have seen only in part) to
 * the current minute. Null when the room was away too briefly to leave a hole. The minute in
 * progress is never asked for: the live trades fill it.
 */
export function backfillRange(newestCandle: number | null, now: number): HistoryRange | null {
  const to = bucketStart(now);
  const dayStart = to - LIMITS.historyMs;
  if (newestCandle === null) return { from: dayStart, to };
  const from = Math.max(bucketStart(newestCandle), dayStart);
  return to - from >= MIN_HOLE_MS ? { from, to } : null;
}

/** Where a room's history request stands, for its status. */
export type HistoryState =
  /** Nothing asked, or every minute asked for arrived. */
  | { kind: "idle" }
  /** A request is out; `first` while no answer has come since the feed opened. */
  | { kind: "loading"; first: boolean }
  /** The last request failed; the room asks again, and lives on trades alone meanwhile. */
  | { kind: "unavailable"; message: string }
  /** The exchange does not know the product: the room shows nothing from it. */
  | { kind: "refused"; message: string };

/** What an answer means for the room. */
export type HistoryStep = {
  /** Candles to merge into the room's history (a partial answer's pages too); may be empty. */
  candles: Candle[];
  state: HistoryState;
  /** Ask again (the same range, up to the then current minute) after this long; null: done. */
  retryInMs: number | null;
};

/**
 * Reads a history answer. `failures` counts the failed answers before this one, for the
 * backoff. Candles that arrived before a limit or a failure are kept: they are the most recent
 * pages, the ones that meet the live trades.
 */
export function historyStep(
  result: HistoryResult,
  failures: number,
  random: () => number = Math.random,
): HistoryStep {
  switch (result.kind) {
    case "candles":
      return { candles: result.candles, state: { kind: "idle" }, retryInMs: null };
    case "refused":
      return { candles: [], state: { kind: "refused", message: result.message }, retryInMs: null };
    case "limited": {
      const wait = Math.min(LIMIT_WAIT.maxMs, Math.max(LIMIT_WAIT.minMs, result.retryAfterMs));
      return {
        candles: result.candles,
        state: { kind: "unavailable", message: result.message },
        retryInMs: wait,
      };
    }
    case "failed":
      return {
        candles: result.candles,
        state: { kind: "unavailable", message: result.message },
        retryInMs: backoffDelay(failures, RETRY, random),
      };
  }
}

/** The feed's word as its socket gives it, before history is taken into account. */
export type FeedStatus = { status: string; stale: boolean };

/**
 * The status a room shows: its socket's, unless its history says more. A refused product is
 * refused whatever the socket says. An exchange whose subscription does not prove the product
 * exists (Binance accepts a stream of any name and stays silent) is `connecting`, not `live`,
 * until the first history answer has not refused it or a trade has come. While history is
 * unavailable the room is live on trades alone, and says so after its state word.
 */
export function roomFeedStatus(
  socket: FeedStatus,
  history: HistoryState,
  confirmsProduct: boolean,
  traded: boolean,
): FeedStatus {
  if (history.kind === "refused") return { status: `refused: ${history.message}`, stale: true };
  const live = socket.status === "live";
  if (live && !confirmsProduct && !traded && history.kind === "loading" && history.first) {
    return { status: "connecting", stale: false };
  }
  if (history.kind === "unavailable" && !socket.status.startsWith("refused")) {
    return {
      status: `${socket.status}; history unavailable, retrying (${history.message})`,
      stale: socket.stale,
    };
  }
  return socket;
}
