import { describe, expect, it } from "vitest";
import type { Drawing } from "../../party/protocol/index.ts";
import {
  dragged,
  logicalToTime,
  PICK_PX,
  pick,
  roundPrice,
  timeToLogical,
} from "./drawing-geometry.ts";

const times = [1000, 2000, 3000, 5000];

describe("times among the chart's bars", () => {
  it("places a time at its bar, between two bars, and past either end", () => {
    expect(timeToLogical(times, 2000)).toBe(1);
    expect(timeToLogical(times, 2500)).toBe(1.5);
    expect(timeToLogical(times, 4000)).toBe(2.5);
    expect(timeToLogical(times, 7000)).toBe(4);
    expect(timeToLogical(times, 500)).toBe(-0.5);
    expect(timeToLogical([], 1000)).toBeNull();
    expect(timeToLogical([1000], 1000)).toBe(0);
  });

  it("reads a time back from where the pointer is", () => {
    for (const t of [1000, 2500, 4000, 7000]) {
      expect(logicalToTime(times, timeToLogical(times, t) as number)).toBe(t);
    }
    expect(logicalToTime(times, -5)).toBe(0);
    expect(logicalToTime([], 0)).toBeNull();
  });
});

describe("picking and dragging drawings", () => {
  it("picks the drawing nearest the pointer, within reach", () => {
    const placed = [
      { id: "level", kind: "level" as const, y: 100 },
      { id: "trend", kind: "trend" as const, from: { x: 0, y: 0 }, to: { x: 100, y: 100 } },
    ];
    expect(pick(placed, { x: 300, y: 103 })).toBe("level");
    expect(pick(placed, { x: 50, y: 54 })).toBe("trend");
    expect(pick(placed, { x: 300, y: 100 + PICK_PX + 1 })).toBeNull();
    // Beyond a line's end is not on it.
    expect(pick(placed, { x: 150, y: 150 })).toBeNull();
  });

  const level: Drawing = {
    id: "l",
    symbol: "A",
    kind: "level",
    price: 100,
    by: "Ann",
    color: "#a00",
  };
  const trend: Drawing = {
    id: "t",
    symbol: "A",
    kind: "trend",
    from: { time: 1000, price: 10 },
    to: { time: 3000, price: 20 },
    by: "Ann",
    color: "#a00",
  };

  it("moves a level with the price and a trend line by both its ends", () => {
    expect(dragged(level, { time: 0, price: 99 }, { time: 500, price: 104 })).toMatchObject({
      price: 105,
    });
    expect(dragged(trend, { time: 2000, price: 15 }, { time: 2500, price: 16 })).toMatchObject({
      from: { time: 1500, price: 11 },
      to: { time: 3500, price: 21 },
    });
  });

  it("keeps drawings at prices the room takes", () => {
    expect(dragged(level, { time: 0, price: 100 }, { time: 0, price: -5 })).toBeNull();
    expect(dragged(trend, { time: 2000, price: 15 }, { time: 2000, price: 4 })).toBeNull();
  });

  it("rounds prices to the chart's decimals", () => {
    expect(roundPrice(189.23456, 2)).toBe(189.23);
    expect(roundPrice(0.000123456, 6)).toBe(0.000123);
  });
});
