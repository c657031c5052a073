import { describe, expect, it } from "vitest";
import {
  frameDelay,
  frameWindow,
  MAX_WINDOW_MS,
  MIN_WINDOW_MS,
  SEND_BUDGET_PER_SECOND,
} from "./fanout.ts";

describe("frameWindow", () => {
  it("keeps small rooms nearly instant and grows with the sockets a frame goes to", () => {
    expect(frameWindow(0)).toBe(MIN_WINDOW_MS);
    expect(frameWindow(1)).toBe(MIN_WINDOW_MS);
    expect(frameWindow(20)).toBeLessThanOrEqual(5);
    expect(frameWindow(100)).toBeGreaterThan(frameWindow(20));
    expect(frameWindow(250)).toBeGreaterThan(frameWindow(100));
    expect(frameWindow(1000)).toBeGreaterThanOrEqual(frameWindow(250));
  });

  it("never waits past the cap, however many sockets", () => {
    expect(frameWindow(10_000)).toBe(MAX_WINDOW_MS);
    expect(frameWindow(1_000_000)).toBe(MAX_WINDOW_MS);
  });

  it("bounds a busy room's sends per second by the budget until the cap", () => {
    for (const subscribers of [50, 150, 250]) {
      const framesPerSecond = 1000 / frameWindow(subscribers);
      expect(framesPerSecond * subscribers).toBeLessThanOrEqual(SEND_BUDGET_PER_SECOND + 1);
    }
  });
});

describe("frameDelay", () => {
  it("sends a tick at once after a quiet spell", () => {
    expect(frameDelay(10_000, 9_000, 25)).toBe(0);
    expect(frameDelay(10_000, 10_000 - 25, 25)).toBe(0);
    expect(frameDelay(10_000, 0, 50)).toBe(0);
  });

  it("holds ticks that arrive just after a frame until a window after it", () => {
    expect(frameDelay(10_005, 10_000, 25)).toBe(20);
    expect(frameDelay(10_024, 10_000, 25)).toBe(1);
  });
});
