import { describe, expect, it } from "vitest";
import type { Candle } from "../protocol/index.ts";
import { foldAll, foldCandles, roundVolumes, weeklyCandles, weekOf } from "./bars.ts";
import { DAY_MS, dayNumber, formatDay } from "./sessions/index.ts";

const M = 60_000;
const T = Date.UTC(2026, 9, 14, 13, 30);

describe("foldCandles", () => {
  it("folds minutes into aligned buckets, skipping empty ones", () => {
    const minutes: Candle[] = [
      [T, 10, 11, 9, 10.5, 1],
      [T + M, 10.5, 12, 10, 11, 2],
      [T + 14 * M, 11, 11.5, 8, 9, 3],
      [T + 15 * M, 9, 9.5, 8.5, 9.2, 4],
      [T + 46 * M, 9.2, 9.3, 9.1, 9.3, 5],
    ];
    expect(foldCandles(minutes, 15 * M)).toEqual([
      [T, 10, 12, 8, 9, 6],
      [T + 15 * M, 9, 9.5, 8.5, 9.2, 4],
      [T + 45 * M, 9.2, 9.3, 9.1, 9.3, 5],
    ]);
    expect(foldAll(minutes, 0)).toEqual([0, 10, 12, 8, 9.3, 15]);
    expect(foldAll([], 0)).toBeNull();
  });

  it("leaves its input alone, and rounds float sums when asked", () => {
    const minutes: Candle[] = [
      [T, 1, 1, 1, 1, 0.1],
      [T + M, 1, 1, 1, 1, 0.2],
    ];
    const copy = structuredClone(minutes);
    const [bar] = roundVolumes(foldCandles(minutes, 15 * M), 8);
    expect(bar?.[5]).toBe(0.3);
    expect(minutes).toEqual(copy);
  });
});

describe("weeklyCandles", () => {
  it("groups days into weeks from Monday, stamped at the Monday", () => {
    const day = (iso: string, o: number, h: number, l: number, c: number): Candle => {
      const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
      return [dayNumber(y, m, d) * DAY_MS, o, h, l, c, 1];
    };
    const weeks = weeklyCandles([
      day("2026-10-08", 5, 6, 4, 5.5),
      day("2026-10-09", 5.5, 7, 5, 6),
      day("2026-10-12", 6, 6.5, 3, 4),
      day("2026-10-16", 4, 8, 4, 7),
    ]);
    expect(weeks.map((w) => formatDay(w[0] / DAY_MS))).toEqual(["2026-10-05", "2026-10-12"]);
    expect(weeks[1]).toEqual([dayNumber(2026, 10, 12) * DAY_MS, 6, 8, 3, 7, 2]);
    expect(formatDay(weekOf(dayNumber(2026, 10, 18)))).toBe("2026-10-12");
    expect(formatDay(weekOf(dayNumber(2026, 10, 19)))).toBe("2026-10-19");
  });
});
