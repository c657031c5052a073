import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../ticker/clock.ts";
import { Throttle } from "./throttle.ts";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("Throttle", () => {
  it("runs the first poke at once and merges those within the interval into one run", async () => {
    const run = vi.fn();
    const throttle = new Throttle(systemClock, 200, run);
    throttle.poke();
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(10);
      throttle.poke();
    }
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("never runs more than once per interval under constant pokes", async () => {
    const times: number[] = [];
    const throttle = new Throttle(systemClock, 200, () => times.push(Date.now()));
    for (let t = 0; t < 5000; t += 7) {
      throttle.poke();
      await vi.advanceTimersByTimeAsync(7);
    }
    await vi.advanceTimersByTimeAsync(200);
    expect(times.length).toBeLessThanOrEqual(5000 / 200 + 1);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(200);
    }
  });

  it("drops a pending run when cancelled", async () => {
    const run = vi.fn();
    const throttle = new Throttle(systemClock, 200, run);
    throttle.poke();
    throttle.poke();
    throttle.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
