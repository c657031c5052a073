import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

const RETRY = { baseMs: 500, maxMs: 30_000 };

describe("backoffDelay", () => {
  it("doubles the ceiling with each attempt, up to the cap", () => {
    const top = (attempt: number) => backoffDelay(attempt, RETRY, () => 1);
    expect([0, 1, 2, 3, 6, 7, 50].map(top)).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
  });

  it("jitters within the upper half of the ceiling, never down to zero", () => {
    expect(backoffDelay(0, RETRY, () => 0)).toBe(250);
    expect(backoffDelay(3, RETRY, () => 0.5)).toBe(3000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(2, RETRY);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });

  it("spreads clients that fail at the same moment", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4, RETRY)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
