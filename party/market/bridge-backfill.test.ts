import { describe, expect, it } from "vitest";
import { type Candle, LIMITS, type Tick } from "../protocol/index.ts";
import { backfillWindow, candlesToPush } from "./bridge-backfill.ts";
import { checkIngest } from "./ingest.ts";

const MIN = 60_000;
const AT = Date.UTC(2026, 0, 15, 15, 30, 25);
const TO = Date.UTC(2026, 0, 15, 15, 30);
const bar = (start: number): Candle => [start, 10, 11, 9, 10.5, 100];
const day = Array.from({ length: 1439 }, (_, i) => bar(TO - 1439 * MIN + i * MIN));
const none = { source: "sim", candles: [], ticks: [] };

describe("the bridge's backfill", () => {
  it("asks for the finished minutes of the day before the stream connected", () => {
    expect(backfillWindow(AT)).toEqual({ from: TO - 1439 * MIN, to: TO });
  });

  it("pushes the whole day into a room that is not pushed to yet, and the room takes it", () => {
    const pushed = candlesToPush(day, none, null, TO, AT + 2000);
    expect(pushed).toEqual(day);
    expect(checkIngest({ candles: pushed }, null, AT + 2000).ok).toBe(true);
  });

  it("fills only the minutes after what a pushed room holds and what the stream brought", () => {
    const ticks: Tick[] = [[TO - 40 * MIN + 5, 10, 1]];
    const room = { source: "push", candles: [bar(TO - 90 * MIN), bar(TO - 40 * MIN)], ticks };
    const gap = candlesToPush(day, room, null, TO, AT);
    expect(gap[0]?.[0]).toBe(TO - 39 * MIN);
    expect(gap.at(-1)?.[0]).toBe(TO - MIN);
    expect(checkIngest({ candles: gap }, ticks[0]?.[0] ?? null, AT).ok).toBe(true);
    // A trade the bridge already streamed (not yet in the room) is the stream's minute.
    expect(candlesToPush(day, room, TO - 10 * MIN + 1, TO, AT)[0]?.[0]).toBe(TO - 9 * MIN);
    // What the room got from the stream since it connected is not history.
    const streaming = { ...room, ticks: [...ticks, [TO + 1000, 10, 1] as Tick] };
    expect(candlesToPush(day, streaming, null, TO, AT)).toEqual(gap);
  });

  it("leaves out bars the room would find older than its day by the time they arrive", () => {
    const late = AT + 90_000;
    const pushed = candlesToPush(day, none, null, TO, late);
    expect(pushed[0]?.[0]).toBeGreaterThan(late - LIMITS.historyMs);
    expect(pushed.length).toBeLessThan(day.length);
    expect(checkIngest({ candles: pushed }, null, late).ok).toBe(true);
  });

  it("pushes nothing when the room is up to date", () => {
    const room = { source: "push", candles: [bar(TO - MIN)], ticks: [] };
    expect(candlesToPush(day, room, null, TO, AT)).toEqual([]);
  });
});
