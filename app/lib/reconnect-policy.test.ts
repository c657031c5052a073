import { describe, expect, it } from "vitest";
import { MAX_DELAY_MS, minDelay, reconnectDelay } from "./reconnect-policy.ts";

describe("reconnect waits", () => {
  it("spreads the first wait of each page between one and three seconds", () => {
    expect(minDelay(0)).toBe(1000);
    expect(minDelay(0.5)).toBe(2000);
    expect(minDelay(0.999)).toBeLessThan(3000);
  });

  it("connects at once the first time, then waits the page's delay, growing on each failure", () => {
    expect(reconnectDelay(2000, 0)).toBe(0);
    expect(reconnectDelay(2000, 1)).toBe(2000);
    expect(reconnectDelay(2000, 2)).toBeCloseTo(2600);
    expect(reconnectDelay(2000, 3)).toBeCloseTo(3380);
  });

  it("never waits longer than the cap, however often the server refused", () => {
    expect(reconnectDelay(3000, 40)).toBe(MAX_DELAY_MS);
  });
});
