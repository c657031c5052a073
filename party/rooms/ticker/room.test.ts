import { describe, expect, it } from "vitest";
import { simulatedRange } from "../../market/ranges.ts";
import { previousRegularClose, sessionDay } from "../../market/sessions/index.ts";
import { Simulator } from "../../market/simulator.ts";
import type { Quote } from "../../protocol/index.ts";
import { onYear, roomOn, roomQuote, roomSnapshot } from "./room.ts";
import { createSource } from "./sources.ts";

/** Saturday 2026-11-14, noon in New York. */
const SATURDAY = Date.UTC(2026, 10, 14, 17, 0);
/** Tuesday 2026-11-17, 17:30 in New York: after hours. */
const AFTER_HOURS = Date.UTC(2026, 10, 17, 22, 30);
/** Tuesday 2026-11-17, 11:00 in New York. */
const REGULAR = Date.UTC(2026, 10, 17, 16, 0);

function simRoom(symbol: string, now: number, env: Record<string, string> = {}) {
  const clock = { now: () => now, setTimeout, clearTimeout };
  const source = createSource("sim", { symbol, cursor: now, clock, env });
  return roomOn(source, { symbol, seq: 0, lastPushed: null }, now);
}

describe("a simulated stock room's quote", () => {
  it("says Closed on a Saturday and shows Friday's session", () => {
    const room = simRoom("AAPL", SATURDAY);
    const quote = roomQuote(room, SATURDAY);
    expect(quote?.session).toBe("closed");
    const snapshot = roomSnapshot(room, SATURDAY, "full");
    const friday = Date.UTC(2026, 10, 13);
    expect(snapshot.candles.length).toBeGreaterThan(300);
    expect(
      snapshot.candles.every((c) => c[0] >= friday && c[0] < friday + 86_400_000 + 3_600_000),
    ).toBe(true);
    // Friday's regular close is where the next session's change will be measured from.
    const close = new Simulator("AAPL").lastTickAt(previousRegularClose(SATURDAY))[1];
    expect(quote?.regularClose).toBe(close);
  });

  it("measures the day's change from the previous regular close, not from UTC midnight", () => {
    const room = simRoom("AAPL", REGULAR);
    const quote = roomQuote(room, REGULAR);
    const mondayClose = new Simulator("AAPL").lastTickAt(previousRegularClose(REGULAR))[1];
    expect(quote?.session).toBe("regular");
    expect(quote?.prevClose).toBe(mondayClose);
    expect(quote?.change).toBeCloseTo((quote?.price ?? 0) - mondayClose, 6);
    expect(quote?.regularClose).toBeUndefined();
  });

  it("carries the regular close after hours, for the extended-hours move", () => {
    const quote = roomQuote(simRoom("AAPL", AFTER_HOURS), AFTER_HOURS);
    expect(quote?.session).toBe("post");
    expect(quote?.regularClose).toBeGreaterThan(0);
    expect(quote?.regularClose).not.toBe(quote?.prevClose);
  });

  it("keeps the regular session's open, range and volume after hours, across UTC midnight", () => {
    // Tuesday 1 December 2026 (EST): 18:55 and 19:30 in New York fall on two UTC days.
    const before = Date.UTC(2026, 11, 1, 23, 55);
    const after = Date.UTC(2026, 11, 2, 0, 30);
    const room = simRoom("AAPL", after);
    const early = roomQuote(simRoom("AAPL", before), before);
    const late = roomQuote(room, after);
    const day = (q: Quote | null) => q && [q.open, q.high, q.low, q.volume];
    expect(late?.session).toBe("post");
    expect(day(late)).toEqual(day(early));
    // The open is the session's opening print, its volume the regular session's alone.
    const sim = new Simulator("AAPL");
    const open = Date.UTC(2026, 11, 1, 14, 30);
    expect(late?.open).toBe(sim.ticksBetween(open - 1, open + 60_000)[0]?.[1]);
    const regular = room.history.candles.filter((c) => c[0] >= open && c[0] < open + 390 * 60_000);
    expect(late?.volume).toBe(regular.reduce((sum, c) => sum + c[5], 0));
  });

  it("trades around the clock with SIM_SESSIONS=off, and crypto always does", () => {
    const off = roomQuote(simRoom("AAPL", SATURDAY, { SIM_SESSIONS: "off" }), SATURDAY);
    expect(off?.time).toBeGreaterThan(SATURDAY - 5000);
    const coin = roomQuote(simRoom("BTC-USD", SATURDAY), SATURDAY);
    expect(coin?.session).toBe("continuous");
    expect(coin?.time).toBeGreaterThan(SATURDAY - 5000);
  });
});

describe("the 52-week range a quote carries", () => {
  const DAY = 86_400_000;
  const highs = (bars: number[][]) => Math.max(...bars.map((c) => c[2] as number));
  const lows = (bars: number[][]) => Math.min(...bars.map((c) => c[3] as number));

  it.each([
    ["AAPL", "in the regular session", REGULAR, true],
    ["AAPL", "on a Saturday", SATURDAY, true],
    ["BTC-USD", "on a Tuesday", REGULAR, false],
  ] as const)(
    "of %s %s agrees with the 1Y chart's daily bars and holds the day's range",
    (symbol, _when, now, stock) => {
      const quote = roomQuote(simRoom(symbol, now), now) as Quote;
      const { high52, low52 } = quote;
      expect(high52).toBeGreaterThanOrEqual(quote.high);
      expect(low52).toBeLessThanOrEqual(quote.low);
      // The chart's bars of the sessions before this one: the latest five fold their ticks, and
      // the 52-week figures read those at most a minute's swing inside; older ones are the same.
      const current = sessionDay(stock ? "stock" : "crypto", now) * DAY;
      const chart = simulatedRange(symbol, "1y", now, { sessions: true, stock });
      const prior = chart.filter((c) => c[0] < current);
      // The chart starts a few days before the 52 weeks do.
      const older = prior.slice(5, -5);
      expect(prior.length).toBeGreaterThan(stock ? 245 : 360);
      expect(high52).toBeGreaterThanOrEqual(Math.max(highs(older), quote.high));
      expect(high52).toBeLessThanOrEqual(Math.max(highs(prior), quote.high));
      expect(low52).toBeLessThanOrEqual(Math.min(lows(older), quote.low));
      expect(low52).toBeGreaterThanOrEqual(Math.min(lows(prior), quote.low));
    },
  );

  it("is the same for every frame of a session, and left out where no daily history is", () => {
    const room = simRoom("MSFT", REGULAR);
    const first = roomQuote(room, REGULAR);
    const later = roomQuote(room, REGULAR + 1000);
    expect([later?.high52, later?.low52]).toEqual([first?.high52, first?.low52]);
    const quote = { price: 10, open: 10, high: 12, low: 9 } as Quote;
    expect(onYear(quote, null)).toBe(quote);
    // A day that breaks out of the year's range widens it.
    expect(onYear(quote, { high: 11, low: 5 })).toMatchObject({ high52: 12, low52: 5 });
    expect(onYear(quote, { high: 20, low: 9.5 })).toMatchObject({ high52: 20, low52: 9 });
  });

  it("is not in a pushed room's quote, which holds no more than its day", () => {
    const clock = { now: () => REGULAR, setTimeout, clearTimeout };
    const source = createSource("push", { symbol: "ACME", cursor: REGULAR, clock, env: {} });
    const room = roomOn(source, { symbol: "ACME", seq: 0, lastPushed: null }, REGULAR);
    room.history.append([[REGULAR - 1000, 10, 1]]);
    const quote = roomQuote(room, REGULAR);
    expect(quote?.price).toBe(10);
    expect(quote).not.toHaveProperty("high52");
    expect(quote).not.toHaveProperty("low52");
  });
});
