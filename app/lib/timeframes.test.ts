import { describe, expect, it } from "vitest";
import { bucketStart, type Candle, type Tick } from "../../party/protocol/index.ts";
import {
  aggregateCandles,
  barsSince,
  DEFAULT_TIMEFRAME,
  foldTicks,
  TIMEFRAMES,
  tickPoints,
  timeframeById,
  trimCandles,
} from "./timeframes.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 14, 0); // on the hour

describe("timeframeById", () => {
  it("finds every timeframe the toolbar offers", () => {
    expect(TIMEFRAMES.map((tf) => tf.label)).toEqual(["Tick", "1m", "5m", "15m", "1h"]);
    for (const tf of TIMEFRAMES) expect(timeframeById(tf.id)).toBe(tf);
  });

  it("falls back to one minute for anything else", () => {
    expect(timeframeById("2d")).toBe(DEFAULT_TIMEFRAME);
    expect(timeframeById(null)).toBe(DEFAULT_TIMEFRAME);
    expect(DEFAULT_TIMEFRAME.ms).toBe(MIN);
  });
});

describe("aggregateCandles", () => {
  const minutes: Candle[] = [
    [T0, 10, 12, 9, 11, 100],
    [T0 + MIN, 11, 15, 10, 14, 50],
    [T0 + 4 * MIN, 14, 14, 8, 9, 25],
    [T0 + 5 * MIN, 9, 10, 9, 10, 5],
    // minutes 6 to 14 had no trades
    [T0 + 15 * MIN, 10, 11, 10, 11, 7],
  ];

  it("folds one-minute candles into five-minute bars: first open, extremes, last close, summed volume", () => {
    expect(aggregateCandles(minutes, 5 * MIN)).toEqual([
      [T0, 10, 15, 8, 9, 175],
      [T0 + 5 * MIN, 9, 10, 9, 10, 5],
      [T0 + 15 * MIN, 10, 11, 10, 11, 7],
    ]);
  });

  it("leaves minutes without trades as gaps rather than flat bars", () => {
    const bars = aggregateCandles(minutes, 5 * MIN);
    expect(bars.map((b) => b[0])).not.toContain(T0 + 10 * MIN);
  });

  it("makes hourly bars", () => {
    expect(aggregateCandles(minutes, 60 * MIN)).toEqual([[T0, 10, 15, 8, 11, 187]]);
  });

  it("returns a copy for one-minute bars and never changes its input", () => {
    const before = structuredClone(minutes);
    const same = aggregateCandles(minutes, MIN);
    expect(same).toEqual(minutes);
    expect(same).not.toBe(minutes);
    aggregateCandles(minutes, 15 * MIN);
    expect(minutes).toEqual(before);
  });

  it("handles an empty history", () => {
    expect(aggregateCandles([], 5 * MIN)).toEqual([]);
  });
});

describe("barsSince", () => {
  it("rebuilds only the bars a tick at `from` can have touched", () => {
    const minutes: Candle[] = [
      [T0, 1, 2, 1, 2, 1],
      [T0 + 5 * MIN, 2, 3, 2, 3, 1],
      [T0 + 6 * MIN, 3, 5, 3, 4, 2],
      [T0 + 10 * MIN, 4, 4, 1, 1, 3],
    ];
    expect(barsSince(minutes, 5 * MIN, T0 + 7 * MIN + 1234)).toEqual([
      [T0 + 5 * MIN, 2, 5, 2, 4, 3],
      [T0 + 10 * MIN, 4, 4, 1, 1, 3],
    ]);
  });
});

describe("foldTicks", () => {
  it("updates the open bar and starts a new one when the minute turns", () => {
    const candles: Candle[] = [[T0, 10, 10, 10, 10, 1]];
    const ticks: Tick[] = [
      [T0 + 10_000, 12, 2],
      [T0 + 20_000, 9, 3],
      [T0 + MIN + 1, 11, 4],
    ];
    expect(foldTicks(candles, ticks, MIN)).toEqual([
      [T0, 10, 12, 9, 9, 6],
      [T0 + MIN, 11, 11, 11, 11, 4],
    ]);
  });

  it("copies on write: the input and its candles stay as they were", () => {
    const old: Candle = [T0 - MIN, 5, 5, 5, 5, 1];
    const open: Candle = [T0, 10, 10, 10, 10, 1];
    const candles = [old, open];
    const out = foldTicks(candles, [[T0 + 1, 20, 1]], MIN);
    expect(candles[1]).toEqual([T0, 10, 10, 10, 10, 1]);
    expect(out[0]).toBe(old);
    expect(out[1]).toEqual([T0, 10, 20, 10, 20, 2]);
  });

  it("folds a late tick into its own minute without moving that minute's close", () => {
    const candles: Candle[] = [
      [T0, 10, 11, 10, 11, 1],
      [T0 + MIN, 11, 11, 11, 11, 1],
    ];
    expect(foldTicks(candles, [[T0 + 5, 30, 1]], MIN)[0]).toEqual([T0, 10, 30, 10, 11, 2]);
  });

  it("inserts a late tick's minute in order when it had no candle", () => {
    const candles: Candle[] = [
      [T0, 10, 10, 10, 10, 1],
      [T0 + 2 * MIN, 11, 11, 11, 11, 1],
    ];
    const out = foldTicks(candles, [[T0 + MIN + 5, 12, 1]], MIN);
    expect(out.map((c) => c[0])).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
  });

  it("starts a history from nothing", () => {
    expect(foldTicks([], [[T0 + 1, 5, 1]], 5 * MIN)).toEqual([[T0, 5, 5, 5, 5, 1]]);
  });
});

describe("trimCandles", () => {
  it("keeps the window that ends with the newest candle", () => {
    const candles: Candle[] = [0, 1, 2, 3].map((i) => [T0 + i * MIN, 1, 1, 1, 1, 1]);
    expect(trimCandles(candles, 2 * MIN).map((c) => c[0])).toEqual([T0 + 2 * MIN, T0 + 3 * MIN]);
    expect(trimCandles(candles, 10 * MIN)).toBe(candles);
  });
});

describe("tickPoints", () => {
  it("gives strictly increasing times, folding ticks of the same millisecond", () => {
    const ticks: Tick[] = [
      [T0 + 100, 10, 1],
      [T0 + 100, 11, 2],
      [T0 + 250, 12, 1],
      [T0 + 200, 99, 1], // out of order: dropped
      [T0 + 900, 13, 4],
    ];
    expect(tickPoints(ticks)).toEqual([
      { time: T0 + 100, price: 11, size: 3 },
      { time: T0 + 250, price: 12, size: 1 },
      { time: T0 + 900, price: 13, size: 4 },
    ]);
  });

  it("keeps ticks of the same second apart: their times differ in milliseconds", () => {
    const points = tickPoints([
      [T0 + 1, 1, 1],
      [T0 + 2, 2, 1],
    ]);
    expect(points).toHaveLength(2);
  });
});

describe("bucketStart", () => {
  it("floors to the bucket", () => {
    expect(bucketStart(T0 + 7 * MIN + 5, 5 * MIN)).toBe(T0 + 5 * MIN);
    expect(bucketStart(T0, 5 * MIN)).toBe(T0);
  });
});
