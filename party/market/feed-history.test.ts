import { describe, expect, it } from "vitest";
import { bucketStart, type Candle } from "../protocol/index.ts";
import {
  backfillRange,
  type HistoryState,
  historyStep,
  MIN_HOLE_MS,
  roomFeedStatus,
} from "./feed-history.ts";

const MIN = 60_000;
const DAY = 1440 * MIN;
const NOW = Date.UTC(2026, 11, 1, 22, 41, 17, 250);
const MINUTE = bucketStart(NOW);
const CANDLES: Candle[] = [[MINUTE - 2 * MIN, 1, 2, 1, 2, 3]];

describe("backfillRange", () => {
  it("asks a room with no history for the day up to the minute in progress", () => {
    expect(backfillRange(null, NOW)).toEqual({ from: MINUTE - DAY, to: MINUTE });
  });

  it("asks a room back from idle for its hole, from its newest (perhaps half-seen) minute", () => {
    const newest = MINUTE - 42 * MIN;
    expect(backfillRange(newest, NOW)).toEqual({ from: newest, to: MINUTE });
  });

  it("asks no more than a day, however long the room was idle", () => {
    expect(backfillRange(MINUTE - 3 * DAY, NOW)).toEqual({ from: MINUTE - DAY, to: MINUTE });
  });

  it("asks nothing of a room away too briefly to leave a hole", () => {
    expect(backfillRange(MINUTE, NOW)).toBeNull();
    expect(backfillRange(MINUTE - MIN, NOW)).toBeNull();
    expect(backfillRange(MINUTE - MIN_HOLE_MS, NOW)).toEqual({
      from: MINUTE - MIN_HOLE_MS,
      to: MINUTE,
    });
  });
});

describe("historyStep", () => {
  it("merges a whole answer and asks nothing more", () => {
    const step = historyStep({ kind: "candles", candles: CANDLES, coveredFrom: 0 }, 0);
    expect(step).toEqual({ candles: CANDLES, state: { kind: "idle" }, retryInMs: null });
  });

  it("refuses an unknown product for good, with the exchange's words", () => {
    const step = historyStep({ kind: "refused", message: "binance: no symbol NOPEUSDT" }, 3);
    expect(step.state).toEqual({ kind: "refused", message: "binance: no symbol NOPEUSDT" });
    expect(step.retryInMs).toBeNull();
  });

  it("keeps what came before a rate limit and waits as long as it asks, within bounds", () => {
    const limited = (retryAfterMs: number) =>
      historyStep({ kind: "limited", message: "429", retryAfterMs, candles: CANDLES }, 0);
    expect(limited(7000)).toEqual({
      candles: CANDLES,
      state: { kind: "unavailable", message: "429" },
      retryInMs: 7000,
    });
    expect(limited(0).retryInMs).toBe(1000);
    expect(limited(86_400_000).retryInMs).toBe(600_000);
  });

  it("backs off after failures, growing but capped", () => {
    const wait = (failures: number) =>
      historyStep({ kind: "failed", message: "HTTP 500", candles: [] }, failures, () => 1)
        .retryInMs;
    expect(wait(0)).toBe(5000);
    expect(wait(1)).toBe(10_000);
    expect(wait(20)).toBe(300_000);
    expect(historyStep({ kind: "failed", message: "x", candles: CANDLES }, 0).candles).toBe(
      CANDLES,
    );
  });
});

describe("roomFeedStatus", () => {
  const live = { status: "live", stale: false };
  const idle: HistoryState = { kind: "idle" };
  const loading: HistoryState = { kind: "loading", first: true };

  it("is the socket's word while history is fine", () => {
    expect(roomFeedStatus(live, idle, true, false)).toEqual(live);
    expect(roomFeedStatus(live, loading, true, false)).toEqual(live);
  });

  it("is refused, stale, once the exchange's history refused the product", () => {
    const refused: HistoryState = { kind: "refused", message: "binance: no symbol NOPEUSDT" };
    expect(roomFeedStatus(live, refused, false, false)).toEqual({
      status: "refused: binance: no symbol NOPEUSDT",
      stale: true,
    });
  });

  it("holds `live` back where the subscription proves nothing, until history or a trade speaks", () => {
    expect(roomFeedStatus(live, loading, false, false)).toEqual({
      status: "connecting",
      stale: false,
    });
    expect(roomFeedStatus(live, loading, false, true)).toEqual(live);
    expect(roomFeedStatus(live, { kind: "loading", first: false }, false, false)).toEqual(live);
    expect(roomFeedStatus(live, idle, false, false)).toEqual(live);
  });

  it("stays live on trades when history is unavailable, and says so after its state word", () => {
    const down: HistoryState = { kind: "unavailable", message: "coinbase: HTTP 429" };
    const shown = roomFeedStatus(live, down, true, true);
    expect(shown.status.split(";")[0]).toBe("live");
    expect(shown.status).toContain("history unavailable");
    expect(shown.status).toContain("coinbase: HTTP 429");
    expect(shown.stale).toBe(false);
    const refused = { status: "refused: coinbase: not a valid product", stale: true };
    expect(roomFeedStatus(refused, down, true, false)).toEqual(refused);
  });
});
