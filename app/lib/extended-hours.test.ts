import { describe, expect, it } from "vitest";
import { ExtendedRuns, extendedRuns } from "./extended-hours.ts";

const MIN = 60_000;
/** Minute bars from `start` (an ISO instant) for `count` minutes, `step` minutes apart. */
const bars = (start: string, count: number, step = 1) =>
  Array.from({ length: count }, (_, i) => Date.parse(start) + i * step * MIN);

describe("extended-hours runs", () => {
  it("shades a stock's pre-market up to the open, in New York time either side of a DST switch", () => {
    // Friday 6 March 2026 is on EST (UTC-5): 14:00Z is 9:00, the open 9:30 is 14:30Z.
    const friday = bars("2026-03-06T14:00:00Z", 60);
    expect(extendedRuns("stock", friday)).toEqual([{ from: 0, to: 29 }]);
    // Monday 9 March, after the switch on Sunday the 8th, is on EDT (UTC-4): 14:00Z is 10:00.
    const monday = bars("2026-03-09T13:00:00Z", 60);
    expect(extendedRuns("stock", monday)).toEqual([{ from: 0, to: 29 }]);
    expect(extendedRuns("stock", bars("2026-03-09T14:00:00Z", 60))).toEqual([]);
  });

  it("shades after-hours to 20:00 and starts a new run with the next pre-market", () => {
    // Tuesday 10 March 2026, EDT: hourly bars from 15:00 to 5:00 the next morning.
    const hours = bars("2026-03-10T19:00:00Z", 15, 60);
    // 15:00 regular; 16:00-19:00 after-hours; 20:00-3:00 closed; 4:00 and 5:00 pre-market.
    expect(extendedRuns("stock", hours)).toEqual([
      { from: 1, to: 4 },
      { from: 13, to: 14 },
    ]);
  });

  it("keeps a run going over a night with no bars, as a chart of real trades has", () => {
    const post = bars("2026-03-10T23:00:00Z", 3, 30); // 19:00, 19:30, 20:00 (closed)
    const pre = bars("2026-03-11T08:00:00Z", 2, 30); // 4:00, 4:30 the next day
    expect(extendedRuns("stock", [...post.slice(0, 2), ...pre])).toEqual([{ from: 0, to: 3 }]);
    expect(extendedRuns("stock", [...post, ...pre])).toEqual([
      { from: 0, to: 1 },
      { from: 3, to: 4 },
    ]);
  });

  it("shades nothing on a holiday and only 13:00 to 17:00 after an early close", () => {
    // Thanksgiving, Thursday 26 November 2026 (EST): closed all day.
    expect(extendedRuns("stock", bars("2026-11-26T09:00:00Z", 16, 60))).toEqual([]);
    // The day after closes at 13:00 and its late session ends at 17:00.
    const friday = bars("2026-11-27T16:00:00Z", 7, 60); // 11:00 to 17:00 ET
    expect(extendedRuns("stock", friday)).toEqual([{ from: 2, to: 5 }]);
  });

  it("never shades crypto", () => {
    expect(extendedRuns("crypto", bars("2026-03-10T08:00:00Z", 24, 60))).toEqual([]);
  });

  it("grows as bars arrive: a new bar extends the newest run or starts one", () => {
    const runs = new ExtendedRuns("stock");
    runs.load(bars("2026-03-10T19:58:00Z", 2)); // 15:58, 15:59 EDT: regular
    expect(runs.runs).toEqual([]);
    expect(runs.add(Date.parse("2026-03-10T20:00:00Z"))).toBe(true);
    expect(runs.add(Date.parse("2026-03-10T20:01:00Z"))).toBe(true);
    expect(runs.runs).toEqual([{ from: 2, to: 3 }]);
    expect(runs.add(Date.parse("2026-03-11T00:00:00Z"))).toBe(false); // 20:00: closed
    expect(runs.add(Date.parse("2026-03-11T08:00:00Z"))).toBe(true); // 4:00 the next day
    expect(runs.runs).toEqual([
      { from: 2, to: 3 },
      { from: 5, to: 5 },
    ]);
    expect(runs.count).toBe(6);
    runs.load([]);
    expect(runs.runs).toEqual([]);
    expect(runs.count).toBe(0);
  });
});
