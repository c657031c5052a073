import { describe, expect, it } from "vitest";
import type { StormCounts } from "../../bench/reconnect.ts";
import { mergeStorm } from "../../bench/reconnect.ts";
import { summarise } from "../../bench/storm-summary.ts";

const counts = (times: number[], extra: Partial<StormCounts> = {}): StormCounts => ({
  clients: times.length,
  done: times.length,
  times,
  attempts: times.length,
  failures: {},
  closeCodes: {},
  checks: 0,
  ...extra,
});

describe("a reconnect storm's summary", () => {
  it("reads percentiles from the time each client had its snapshot again", () => {
    const times = Array.from({ length: 100 }, (_, i) => (i + 1) * 100);
    const sum = summarise({ clients: 100, downMs: 0, counts: counts(times) });
    expect(sum).toMatchObject({ p50: 5000, p90: 9000, p99: 9900, max: 10_000, missing: 0 });
  });

  it("counts clients without a snapshot as missing, not as fast", () => {
    const sum = summarise({ clients: 10, downMs: 0, counts: counts([1000, 2000]) });
    expect(sum.missing).toBe(8);
    expect(sum.max).toBe(2000);
  });

  it("measures from the server answering again when asked, and finds the busiest second", () => {
    const times = [5200, 5300, 5400, 6100, 9000];
    const up = summarise({ clients: 5, downMs: 5000, counts: counts(times) }, true);
    expect(up.p50).toBe(400);
    expect(up.max).toBe(4000);
    expect(up.peakPerS).toBe(3);
  });

  it("adds up the client processes' counts", () => {
    const merged = mergeStorm([
      counts([300, 100], { failures: { ECONNREFUSED: 2 }, closeCodes: { 1006: 2 } }),
      counts([200], { failures: { ECONNREFUSED: 1, "timed out": 1 }, closeCodes: { 1006: 1 } }),
    ]);
    expect(merged.times).toEqual([100, 200, 300]);
    expect(merged.clients).toBe(3);
    expect(merged.failures).toEqual({ ECONNREFUSED: 3, "timed out": 1 });
    expect(merged.closeCodes).toEqual({ 1006: 3 });
  });
});
