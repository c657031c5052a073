import { describe, expect, it } from "vitest";
import type { Candle, RangeAnswer } from "../../party/protocol/index.ts";
import { liveTail } from "./range-bars.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const MONDAY = Date.UTC(2026, 10, 30);

const answer = (
  over: Partial<RangeAnswer>,
): Pick<RangeAnswer, "interval" | "asOf" | "candles"> => ({
  interval: "1day",
  asOf: MONDAY + 10 * 60 * MIN + 30_000,
  candles: [
    [MONDAY - DAY, 90, 95, 88, 92, 1000],
    [MONDAY, 92, 101, 91, 100, 500],
  ],
  ...over,
});

describe("liveTail", () => {
  it("carries the newest daily bar on with the minutes after the answer", () => {
    const asOf = MONDAY + 10 * 60 * MIN + 30_000;
    const minutes: Candle[] = [
      [asOf - 30_000 - MIN, 99, 100, 98, 99, 7],
      // The minute the answer was made in: its prices count, its volume is already in.
      [asOf - 30_000, 100, 103, 99, 102, 4],
      [asOf + 30_000, 102, 102, 89, 95, 6],
    ];
    expect(liveTail(answer({ asOf }), minutes)).toEqual([[MONDAY, 92, 103, 89, 95, 506]]);
  });

  it("opens the next day's bar at its UTC midnight, and leaves the answer alone", () => {
    const a = answer({});
    const minutes: Candle[] = [[MONDAY + DAY + 5 * MIN, 100, 104, 99, 103, 3]];
    expect(liveTail(a, minutes)).toEqual([
      [MONDAY, 92, 101, 91, 100, 500],
      [MONDAY + DAY, 100, 104, 99, 103, 3],
    ]);
    expect(a.candles[1]).toEqual([MONDAY, 92, 101, 91, 100, 500]);
  });

  it("keeps a week's bars on their Monday and a stock's hours at half past", () => {
    const weeks = answer({
      interval: "1week",
      candles: [[MONDAY, 1, 2, 1, 2, 1]],
      asOf: MONDAY + DAY,
    });
    const later: Candle[] = [[MONDAY + 9 * DAY, 2, 3, 2, 3, 1]];
    expect(liveTail(weeks, later).map((c) => c[0])).toEqual([MONDAY, MONDAY + 7 * DAY]);
    const halfPast = MONDAY + 14.5 * 60 * MIN;
    const hours = answer({
      interval: "1hour",
      candles: [[halfPast, 1, 2, 1, 2, 1]],
      asOf: halfPast + MIN,
    });
    const minutes: Candle[] = [
      [halfPast + 59 * MIN, 2, 2, 2, 2, 1],
      [halfPast + 61 * MIN, 3, 3, 3, 3, 1],
    ];
    expect(liveTail(hours, minutes).map((c) => c[0])).toEqual([halfPast, halfPast + 60 * MIN]);
  });

  it("folds in only the minutes the bars hold: a stock's daily bar ends at the regular close", () => {
    const closeUtc = MONDAY + 21 * 60 * MIN;
    const a = answer({ asOf: closeUtc - 5 * MIN });
    const minutes: Candle[] = [
      [closeUtc - MIN, 100, 100.5, 99.5, 100.2, 5],
      // After hours: shown in the live day, not in the daily bar.
      [closeUtc + 10 * MIN, 100.2, 120, 80, 110, 50],
    ];
    const regular = (start: number) => start < closeUtc;
    expect(liveTail(a, minutes, regular)).toEqual([[MONDAY, 92, 101, 91, 100.2, 505]]);
    expect(liveTail(a, minutes)[0]?.[4]).toBe(110);
  });

  it("has nothing to carry without a fetched bar", () => {
    expect(liveTail(answer({ candles: [] }), [[MONDAY, 1, 1, 1, 1, 1]])).toEqual([]);
  });
});
