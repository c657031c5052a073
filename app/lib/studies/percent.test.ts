import { describe, expect, it } from "vitest";
import type { Candle } from "../../../party/protocol/market.ts";
import {
  baseClose,
  closeAsOf,
  firstVisibleIndex,
  forgetBefore,
  formatPercent,
  mergeBars,
  percentChange,
  percentOf,
} from "./percent.ts";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 9, 14, 0);
const bar = (minute: number, close: number): Candle => [
  T0 + minute * MINUTE,
  close,
  close,
  close,
  close,
  1,
];

describe("percent change", () => {
  it("measures from the base, and leaves prices alone without one", () => {
    expect(percentChange(110, 100)).toBeCloseTo(10, 12);
    expect(percentChange(95, 100)).toBeCloseTo(-5, 12);
    expect(percentOf(110, 100)).toBeCloseTo(10, 12);
    expect(percentOf(110, null)).toBe(110);
  });

  it("reads with a sign, a real minus and two decimals", () => {
    expect(formatPercent(1.234)).toMatch(/^\+1[.,]23%$/);
    expect(formatPercent(-0.456)).toMatch(/^\u22120[.,]46%$/);
    // Rounded to nothing, it has no sign: "−0.00%" would say it fell.
    expect(formatPercent(-0.001)).toMatch(/^0[.,]00%$/);
  });
});

describe("firstVisibleIndex", () => {
  it("takes the first bar wholly in view, within the bars there are", () => {
    expect(firstVisibleIndex(10.4, 100)).toBe(11);
    expect(firstVisibleIndex(10, 100)).toBe(10);
    expect(firstVisibleIndex(-30, 100)).toBe(0);
    expect(firstVisibleIndex(150, 100)).toBe(99);
    expect(firstVisibleIndex(0, 0)).toBe(-1);
  });
});

describe("closeAsOf", () => {
  const bars = [bar(0, 10), bar(1, 11), bar(3, 13), bar(4, 14)];

  it("reads the bar of the same minute, or the last one before a gap", () => {
    expect(closeAsOf(bars, T0 + MINUTE, MINUTE)).toBe(11);
    // Minute 2 did not trade: minute 1's close still stands.
    expect(closeAsOf(bars, T0 + 2 * MINUTE, MINUTE)).toBe(11);
    expect(closeAsOf(bars, T0 + 4 * MINUTE, MINUTE)).toBe(14);
    expect(closeAsOf(bars, T0 + 60 * MINUTE, MINUTE)).toBe(14);
  });

  it("counts a bar that starts inside a longer one of the chart", () => {
    // A five-minute chart bar from minute 0 holds the compared minutes 0 to 4.
    expect(closeAsOf(bars, T0, 5 * MINUTE)).toBe(14);
  });

  it("reads points in time on the tick line", () => {
    const ticks = [bar(0, 10), bar(1, 11)];
    expect(closeAsOf(ticks, T0 + MINUTE - 1, 0)).toBe(10);
    expect(closeAsOf(ticks, T0 + MINUTE, 0)).toBe(11);
  });

  it("has nothing before the first bar", () => {
    expect(closeAsOf(bars, T0 - MINUTE, MINUTE)).toBeUndefined();
    expect(closeAsOf([], T0, MINUTE)).toBeUndefined();
  });
});

describe("baseClose", () => {
  it("starts from the close as of the base bar, or the first close of a later history", () => {
    const bars = [bar(5, 50), bar(6, 60)];
    expect(baseClose(bars, T0 + 6 * MINUTE, MINUTE)).toBe(60);
    expect(baseClose(bars, T0, MINUTE)).toBe(50);
    expect(baseClose([], T0, MINUTE)).toBeUndefined();
  });
});

describe("mergeBars", () => {
  it("replaces the held bars from the first fresh one on, in place", () => {
    const held = [bar(0, 10), bar(1, 11), bar(2, 12)];
    const merged = mergeBars(held, [bar(2, 12.5), bar(3, 13)]);
    expect(merged).toBe(held);
    expect(held.map((b) => b[4])).toEqual([10, 11, 12.5, 13]);
    expect(mergeBars(held, [])).toEqual(held);
  });

  it("forgets a compared line's bars no read at the chart's first bar needs, in batches", () => {
    const bars = Array.from({ length: 10 }, (_, i) => bar(i, 100 + i));
    // Fewer than a batch before minute 3: nothing goes.
    forgetBefore(bars, T0 + 3 * MINUTE + 1, 4);
    expect(bars).toHaveLength(10);
    // Minute 6 is the bar as of 6:30; the six before it go.
    forgetBefore(bars, T0 + 6.5 * MINUTE, 4);
    expect(bars.map((b) => b[4])).toEqual([106, 107, 108, 109]);
    // Reads at or after that time give what they gave before.
    expect(closeAsOf(bars, T0 + 6.5 * MINUTE, 0)).toBe(106);
    forgetBefore(bars, undefined, 1);
    expect(bars).toHaveLength(4);
  });
});
