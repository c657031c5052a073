import { describe, expect, it } from "vitest";
import { bucketStart, type Candle, LIMITS, type Tick } from "../protocol/index.ts";
import {
  chunkHour,
  chunkKey,
  History,
  HOUR_MS,
  isChunkKey,
  SPARK_STEP_MS,
  sparkline,
} from "./history.ts";
import { Simulator } from "./simulator.ts";

const NOW = Date.UTC(2026, 6, 1, 12, 34, 56, 789);
const MIN = 60_000;

/** Evenly spaced ticks from `from`, `step` ms apart. */
const ticksFrom = (from: number, n: number, step = 1000): Tick[] =>
  Array.from({ length: n }, (_, i) => [from + i * step, 100 + (i % 13) / 10, 1 + (i % 3)]);

describe("History.append", () => {
  it("counts every tick in seq, on top of where it started", () => {
    const h = new History([], [], 41);
    h.append(ticksFrom(NOW, 3));
    expect(h.seq).toBe(44);
    h.append(ticksFrom(NOW + 3000, 250));
    expect(h.seq).toBe(294);
    h.append([]);
    expect(h.seq).toBe(294);
  });

  it("keeps the most recent ticks for the snapshot and bounds the tail", () => {
    const h = new History();
    const all = ticksFrom(NOW, 2500, 10);
    for (let i = 0; i < all.length; i += 70) h.append(all.slice(i, i + 70));
    expect(h.tail.length).toBeLessThanOrEqual(LIMITS.snapshotTicks * 2);
    expect(h.recentTicks()).toEqual(all.slice(-LIMITS.snapshotTicks));
    expect(h.last).toEqual(all[all.length - 1]);
  });

  it("keeps every tick when there are fewer than a snapshot's worth", () => {
    const h = new History();
    const all = ticksFrom(NOW, 120);
    h.append(all);
    expect(h.recentTicks()).toEqual(all);
  });

  it("folds ticks into candles and keeps the session quote", () => {
    const h = new History();
    h.append([
      [NOW, 10, 1],
      [NOW + 1, 12, 2],
      [NOW + MIN, 11, 3],
    ]);
    expect(h.candles).toHaveLength(2);
    expect(h.quote()).toMatchObject({ price: 11, high: 12, low: 10, volume: 6 });
  });

  it("marks only the hours whose candles changed", () => {
    const h = new History();
    const hour = bucketStart(NOW, HOUR_MS);
    h.append([
      [hour - 1000, 10, 1],
      [hour + 1000, 11, 1],
    ]);
    expect(Object.keys(h.takeDirtyChunks()).sort()).toEqual(
      [chunkKey(hour - HOUR_MS), chunkKey(hour)].sort(),
    );
    expect(h.takeDirtyChunks()).toEqual({});
    h.append([[hour + 2000, 12, 1]]);
    expect(Object.keys(h.takeDirtyChunks())).toEqual([chunkKey(hour)]);
  });
});

describe("History.merge", () => {
  const candle = (start: number, close: number, volume = 1): Candle => [
    start,
    close,
    close + 1,
    close - 1,
    close,
    volume,
  ];

  it("lays an exchange's day under the live trades: its minutes win, the room's others stay", () => {
    const minute = bucketStart(NOW);
    const h = new History();
    // The room saw part of an older minute, and trades in the minute in progress.
    h.append([[minute - 5 * MIN + 30_000, 99, 0.5]]);
    h.append(ticksFrom(minute + 1000, 3));
    h.takeDirtyChunks();
    const day = Array.from({ length: 1440 }, (_, i) => candle(minute - (1440 - i) * MIN, 100 + i));
    expect(h.merge(day)).toBe(1440);
    expect(h.candles).toHaveLength(1441);
    // The exchange saw the whole of the minute the room saw a part of.
    expect(h.candles.find((c) => c[0] === minute - 5 * MIN)).toEqual(day[1435]);
    expect(h.candles.at(-1)?.[0]).toBe(minute);
    expect(h.seq).toBe(4);
    expect(h.tail).toHaveLength(4);
    // The quote reads the day: its open is the first candle of the UTC day, its price the last trade.
    const quote = h.quote();
    expect(quote?.price).toBe(h.last?.[1]);
    const firstToday = day.find((c) => c[0] >= Math.floor(NOW / 86_400_000) * 86_400_000);
    expect(quote?.open).toBe(firstToday?.[1]);
    expect(Object.keys(h.takeDirtyChunks()).length).toBe(25);
  });

  it("changes nothing, and marks nothing, for candles it already holds", () => {
    const h = new History([candle(NOW - 10 * MIN, 5)], [], 7);
    h.takeDirtyChunks();
    expect(h.merge([candle(NOW - 10 * MIN, 5)])).toBe(0);
    expect(h.merge([])).toBe(0);
    expect(h.takeDirtyChunks()).toEqual({});
    expect(h.seq).toBe(7);
  });

  it("gives a room with no trade yet a quote from the candles alone", () => {
    const h = new History();
    expect(h.quote()).toBeNull();
    h.merge([candle(NOW - 2 * MIN, 10), candle(NOW - MIN, 11)]);
    expect(h.quote()).toMatchObject({ price: 11 });
  });
});

describe("History.clone", () => {
  it("makes a copy that changes without touching the original", () => {
    const h = new History();
    h.append(ticksFrom(NOW, 5));
    h.takeDirtyChunks();
    const before = structuredClone({ candles: h.candles, tail: h.tail, quote: h.quote() });
    const copy = h.clone();
    copy.append(ticksFrom(NOW + 5000, 3));
    copy.append([[NOW + 9000, 500, 7]]);
    expect({ candles: h.candles, tail: h.tail, quote: h.quote() }).toEqual(before);
    expect(h.seq).toBe(5);
    expect(h.takeDirtyChunks()).toEqual({});
    expect(copy.seq).toBe(9);
    expect(copy.quote()?.high).toBe(500);
    expect(Object.keys(copy.takeDirtyChunks())).toEqual([chunkKey(bucketStart(NOW, HOUR_MS))]);
  });
});

describe("storage chunks", () => {
  // A full day of trading in every hour: the stock on the around-the-clock walk.
  const sim = new Simulator("NVDA", { sessions: false });
  const day = sim.history(NOW - LIMITS.historyMs, NOW, LIMITS.snapshotTicks);

  it("splits a day into hourly chunks that rebuild the candles exactly, in any key order", () => {
    const h = new History();
    h.reset(structuredClone(day.candles), structuredClone(day.tail), day.count);
    const chunks = h.takeDirtyChunks();
    const keys = Object.keys(chunks);
    expect(keys.length).toBeGreaterThanOrEqual(24);
    expect(keys.length).toBeLessThanOrEqual(25);
    for (const [key, candles] of Object.entries(chunks)) {
      expect(isChunkKey(key)).toBe(true);
      const hour = chunkHour(key);
      expect(hour % HOUR_MS).toBe(0);
      for (const c of candles) expect(bucketStart(c[0], HOUR_MS)).toBe(hour);
    }
    const entries = Object.entries(chunks).reverse();
    // Other keys in the same storage (meta, tail) are ignored.
    entries.push(["meta", [] as Candle[]], ["tail", [] as Candle[]]);
    expect(History.candlesFromChunks(entries)).toEqual(day.candles);
  });

  it("keeps every chunk far below the 128 KiB value limit", () => {
    const h = new History();
    h.reset(structuredClone(day.candles), structuredClone(day.tail), day.count);
    for (const candles of Object.values(h.takeDirtyChunks())) {
      const bytes = new TextEncoder().encode(JSON.stringify(candles)).byteLength;
      expect(bytes).toBeLessThan(16 * 1024);
    }
  });

  it("rewrites only the current hour as live ticks arrive", () => {
    const h = new History();
    h.reset(structuredClone(day.candles), structuredClone(day.tail), day.count);
    const stored = new Map(Object.entries(h.takeDirtyChunks()));
    const live = sim.ticksBetween(NOW, NOW + 90_000);
    h.append(live);
    const changed = h.takeDirtyChunks();
    // The current hour, and the oldest, whose first minutes left the 24-hour window.
    const oldest = bucketStart((h.candles[0] as Candle)[0], HOUR_MS);
    expect(Object.keys(changed).sort()).toEqual(
      [chunkKey(oldest), chunkKey(bucketStart(NOW, HOUR_MS))].sort(),
    );
    for (const [key, candles] of Object.entries(changed)) stored.set(key, candles);
    expect(History.candlesFromChunks(stored)).toEqual(h.candles);
    expect(h.seq).toBe(day.count + live.length);
  });

  it("rebuilds the session from candles and the tail", () => {
    const h = new History(structuredClone(day.candles), structuredClone(day.tail), day.count);
    const fromTicks = new History();
    fromTicks.append(sim.ticksBetween(NOW - LIMITS.historyMs, NOW));
    expect(h.quote(sim.spec.sizeDecimals)).toEqual(fromTicks.quote(sim.spec.sizeDecimals));
    expect(h.last).toEqual(day.tail[day.tail.length - 1]);
  });
});

describe("History.trim", () => {
  it("keeps the 24 hours that end with the newest candle", () => {
    const candles: Candle[] = [];
    const first = bucketStart(NOW, MIN) - 26 * HOUR_MS;
    for (let t = first; t <= bucketStart(NOW, MIN); t += MIN) candles.push([t, 1, 1, 1, 1, 1]);
    const h = new History(candles);
    const newest = candles[candles.length - 1]?.[0] as number;
    const firstHour = h.trim();
    expect(h.candles.length).toBe(LIMITS.historyMs / MIN);
    expect(h.candles[0]?.[0]).toBe(newest - LIMITS.historyMs + MIN);
    expect(h.candles[h.candles.length - 1]?.[0]).toBe(newest);
    expect(firstHour).toBe(bucketStart(newest - LIMITS.historyMs + MIN, HOUR_MS));
  });

  it("leaves a shorter history alone", () => {
    const candles: Candle[] = [
      [bucketStart(NOW - 2 * HOUR_MS, MIN), 1, 1, 1, 1, 1],
      [bucketStart(NOW, MIN), 1, 1, 1, 1, 1],
    ];
    const h = new History(structuredClone(candles));
    h.trim();
    expect(h.candles).toEqual(candles);
  });

  it("copes with no candles", () => {
    const h = new History();
    expect(() => h.trim()).not.toThrow();
    expect(h.candles).toEqual([]);
  });
});

describe("sparkline", () => {
  it("keeps the last close of every 15-minute step, oldest first, ending on the latest close", () => {
    const start = bucketStart(NOW, SPARK_STEP_MS) - 24 * 60 * MIN;
    const candles: Candle[] = Array.from({ length: 24 * 60 }, (_, i) => {
      const close = 100 + i / 100;
      return [start + i * MIN, close, close, close, close, 1];
    });
    const spark = sparkline(candles);
    expect(spark).toHaveLength(96);
    expect(spark[0]).toBe(100.14);
    expect(spark[95]).toBe((candles.at(-1) as Candle)[4]);
    expect([...spark].sort((a, b) => a - b)).toEqual(spark);
  });

  it("skips steps without trades instead of inventing them", () => {
    const c = (t: number, close: number): Candle => [t, close, close, close, close, 1];
    const t0 = bucketStart(NOW, SPARK_STEP_MS);
    expect(sparkline([c(t0, 1), c(t0 + MIN, 2), c(t0 + 3 * SPARK_STEP_MS, 3)])).toEqual([2, 3]);
    expect(sparkline([])).toEqual([]);
  });
});
