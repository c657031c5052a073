import { describe, expect, it } from "vitest";
import { bucketStart, CANDLE_MS, type Candle, findCandle, type Tick } from "../protocol/index.ts";
import { foldTicks, trimCandles } from "./candles.ts";

const M = Date.UTC(2026, 2, 10, 14, 0);
const at = (minute: number, ms = 0) => M + minute * CANDLE_MS + ms;

describe("bucketStart", () => {
  it("gives the start of the minute a time falls in", () => {
    expect(bucketStart(at(3))).toBe(at(3));
    expect(bucketStart(at(3, 1))).toBe(at(3));
    expect(bucketStart(at(3, 59_999))).toBe(at(3));
    expect(bucketStart(at(4) - 1)).toBe(at(3));
  });
});

describe("foldTicks", () => {
  it("folds the ticks of one minute into open, high, low, close and volume", () => {
    const candles: Candle[] = [];
    foldTicks(candles, [
      [at(0, 100), 10, 1],
      [at(0, 2_000), 12, 2],
      [at(0, 30_000), 9, 3],
      [at(0, 59_999), 11, 4],
    ]);
    expect(candles).toEqual([[at(0), 10, 12, 9, 11, 10]]);
  });

  it("starts a new candle at each minute boundary", () => {
    const candles: Candle[] = [];
    foldTicks(candles, [
      [at(0, 59_999), 10, 1],
      [at(1), 11, 1],
      [at(1, 59_999), 12, 1],
      [at(2), 13, 1],
    ]);
    expect(candles).toEqual([
      [at(0), 10, 10, 10, 10, 1],
      [at(1), 11, 12, 11, 12, 2],
      [at(2), 13, 13, 13, 13, 1],
    ]);
  });

  it("gives the same candles whether ticks come one by one or in one batch", () => {
    const ticks: Tick[] = Array.from({ length: 300 }, (_, i) => [
      at(0, i * 997),
      100 + Math.sin(i) * 3,
      1 + (i % 5),
    ]);
    const batch: Candle[] = [];
    foldTicks(batch, ticks);
    const single: Candle[] = [];
    for (const tick of ticks) foldTicks(single, [tick]);
    expect(single).toEqual(batch);
    for (const c of batch) {
      expect(c[0] % CANDLE_MS).toBe(0);
      expect(c[2]).toBeGreaterThanOrEqual(Math.max(c[1], c[4]));
      expect(c[3]).toBeLessThanOrEqual(Math.min(c[1], c[4]));
    }
  });

  it("leaves a quiet minute as a gap, not a flat candle", () => {
    const candles: Candle[] = [];
    foldTicks(candles, [
      [at(0, 10), 10, 1],
      [at(3, 10), 13, 1],
    ]);
    expect(candles.map((c) => c[0])).toEqual([at(0), at(3)]);
  });

  it("folds a late tick into its own, older candle without touching the newest one", () => {
    const candles: Candle[] = [];
    foldTicks(candles, [
      [at(0, 10), 10, 1],
      [at(0, 20), 11, 1],
      [at(1, 10), 20, 1],
    ]);
    foldTicks(candles, [[at(0, 30), 8, 5]]);
    expect(candles).toEqual([
      [at(0), 10, 11, 8, 11, 7],
      [at(1), 20, 20, 20, 20, 1],
    ]);
  });

  it("puts a late tick for a minute in a gap into a new candle in its place", () => {
    const candles: Candle[] = [];
    foldTicks(candles, [
      [at(0, 10), 10, 1],
      [at(5, 10), 15, 1],
    ]);
    foldTicks(candles, [[at(2, 10), 12, 2]]);
    foldTicks(candles, [[at(6, 10), 16, 1]]);
    expect(candles).toEqual([
      [at(0), 10, 10, 10, 10, 1],
      [at(2), 12, 12, 12, 12, 2],
      [at(5), 15, 15, 15, 15, 1],
      [at(6), 16, 16, 16, 16, 1],
    ]);
  });

  it("reports every minute it touched", () => {
    const candles: Candle[] = [];
    foldTicks(candles, [[at(0, 10), 10, 1]]);
    const touched = new Set<number>();
    foldTicks(
      candles,
      [
        [at(4, 10), 14, 1],
        [at(4, 20), 14, 1],
        [at(7, 10), 17, 1],
      ],
      touched,
    );
    foldTicks(candles, [[at(0, 30), 9, 1]], touched);
    expect([...touched].sort((a, b) => a - b)).toEqual([at(0), at(4), at(7)]);
  });
});

describe("findCandle", () => {
  const candles: Candle[] = [0, 1, 2, 5, 9].map((m) => [at(m), 1, 1, 1, 1, 1]);

  it("finds every candle by its start", () => {
    candles.forEach((c, i) => {
      expect(findCandle(candles, c[0])).toBe(i);
    });
  });

  it("gives the complement of where a missing candle would go", () => {
    expect(~findCandle(candles, at(-1))).toBe(0);
    expect(~findCandle(candles, at(3))).toBe(3);
    expect(~findCandle(candles, at(6))).toBe(4);
    expect(~findCandle(candles, at(10))).toBe(5);
    expect(findCandle(candles, at(3))).toBeLessThan(0);
  });

  it("answers for an empty list", () => {
    expect(findCandle([], at(0))).toBe(~0);
  });
});

describe("trimCandles", () => {
  const make = (): Candle[] => [0, 1, 2, 5, 9].map((m) => [at(m), m, m, m, m, 1]);

  it("drops the candles that start before the cutoff and keeps the rest in order", () => {
    const candles = make();
    expect(trimCandles(candles, at(2))).toBe(2);
    expect(candles.map((c) => c[0])).toEqual([at(2), at(5), at(9)]);
  });

  it("keeps a candle that starts exactly at the cutoff", () => {
    const candles = make();
    trimCandles(candles, at(5));
    expect(candles[0]?.[0]).toBe(at(5));
  });

  it("can drop nothing or everything", () => {
    const none = make();
    expect(trimCandles(none, at(-10))).toBe(0);
    expect(none).toEqual(make());
    const all = make();
    expect(trimCandles(all, at(100))).toBe(5);
    expect(all).toEqual([]);
  });
});
