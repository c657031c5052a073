import { describe, expect, it } from "vitest";
import type { Candle } from "../protocol/index.ts";
import {
  fiftyTwoWeekRange,
  priorYearRange,
  regularDayFigures,
  type SessionQuote,
  sessionQuoteFromCandles,
  simulatedSessionQuote,
} from "./session-quote.ts";
import { dayNumber, fromNewYork, regularSession, type TradingHours } from "./sessions/index.ts";
import { simulatedBars } from "./simulated-bars.ts";
import { DAY_MS, Simulator } from "./simulator.ts";

const hours = (y: number, m: number, d: number) =>
  regularSession(dayNumber(y, m, d)) as TradingHours;
/** A session's close, as the simulator traded it: its last regular trade. */
const closeOf = (sim: Simulator, h: TradingHours) => sim.lastTickAt(h.close - 1)[1];

describe("simulatedSessionQuote", () => {
  const sim = new Simulator("AAPL");
  const thursday = hours(2026, 10, 15);
  const friday = hours(2026, 10, 16);

  it("quotes Friday's session on a Saturday: closed, with the after-hours move apart", () => {
    const now = fromNewYork(2026, 10, 17, 11);
    const q = simulatedSessionQuote(sim, now) as SessionQuote;
    const last = sim.lastTickAt(now);
    expect(q.session).toBe("closed");
    expect(q.day).toBe(dayNumber(2026, 10, 16));
    expect(q.price).toBe(last[1]);
    expect(q.time).toBe(last[0]);
    expect(q.prevClose).toBe(closeOf(sim, thursday));
    expect(q.regularClose).toBe(closeOf(sim, friday));
    expect(q.regularPrice).toBe(q.regularClose);
    expect(q.change).toBeCloseTo(closeOf(sim, friday) - closeOf(sim, thursday), 9);
    expect(q.extended?.price).toBe(last[1]);
    expect(q.extended?.change).toBeCloseTo(last[1] - closeOf(sim, friday), 9);
    expect(q.extended?.changePct).toBeCloseTo(
      ((last[1] - closeOf(sim, friday)) / closeOf(sim, friday)) * 100,
      3,
    );
  });

  it("measures the pre-market from the last close, and has no day's change yet", () => {
    const now = fromNewYork(2026, 10, 19, 7, 30);
    const q = simulatedSessionQuote(sim, now) as SessionQuote;
    expect(q.session).toBe("pre");
    expect(q.day).toBe(dayNumber(2026, 10, 19));
    expect(q.prevClose).toBe(closeOf(sim, friday));
    expect(q.regularPrice).toBe(q.prevClose);
    expect(q.change).toBe(0);
    expect(q.regularClose).toBeNull();
    expect(q.extended?.price).toBe(sim.lastTickAt(now)[1]);
    expect(q.extended?.change).toBeCloseTo(sim.lastTickAt(now)[1] - closeOf(sim, friday), 9);
  });

  it("has the day's change and no extended move in the regular session", () => {
    const now = fromNewYork(2026, 10, 16, 11, 15) + 321;
    const q = simulatedSessionQuote(sim, now) as SessionQuote;
    expect(q.session).toBe("regular");
    expect(q.prevClose).toBe(closeOf(sim, thursday));
    expect(q.regularPrice).toBe(q.price);
    expect(q.change).toBeCloseTo(q.price - q.prevClose, 9);
    expect(q.extended).toBeNull();
  });

  it("measures after-hours from the day's close", () => {
    const now = fromNewYork(2026, 10, 16, 17, 45);
    const q = simulatedSessionQuote(sim, now) as SessionQuote;
    expect(q.session).toBe("post");
    expect(q.regularClose).toBe(closeOf(sim, friday));
    expect(q.change).toBeCloseTo(closeOf(sim, friday) - closeOf(sim, thursday), 9);
    expect(q.extended?.change).toBeCloseTo(q.price - closeOf(sim, friday), 9);
  });

  it("takes the close from before Thanksgiving on the early-close day after it", () => {
    const now = fromNewYork(2026, 11, 27, 13, 30);
    const q = simulatedSessionQuote(sim, now) as SessionQuote;
    expect(q.session).toBe("post");
    expect(q.prevClose).toBe(closeOf(sim, hours(2026, 11, 25)));
    expect(q.regularClose).toBe(sim.lastTickAt(fromNewYork(2026, 11, 27, 13) - 1)[1]);
  });

  it("quotes crypto, and a stock off the calendar, continuously on the UTC day", () => {
    const now = Date.UTC(2026, 9, 17, 16, 0, 30);
    for (const s of [new Simulator("BTC-USD"), new Simulator("AAPL", { sessions: false })]) {
      const q = simulatedSessionQuote(s, now) as SessionQuote;
      expect(q.session).toBe("continuous");
      expect(q.day).toBe(Math.floor(now / DAY_MS));
      expect(q.prevClose).toBe(s.lastTickAt(Date.UTC(2026, 9, 17) - 1)[1]);
      expect(q.price).toBe(s.lastTickAt(now)[1]);
      expect(q.extended).toBeNull();
      expect(q.regularClose).toBeNull();
    }
  });

  it("has no quote before the simulator's first trade", () => {
    expect(simulatedSessionQuote(sim, Date.UTC(2012, 0, 1))).toBeNull();
    expect(simulatedSessionQuote(sim, Number.NaN)).toBeNull();
  });
});

describe("sessionQuoteFromCandles", () => {
  const sim = new Simulator("NVDA");

  it.each([
    ["in the regular session", fromNewYork(2026, 10, 15, 13, 5) + 77],
    ["after hours", fromNewYork(2026, 10, 15, 18, 20) + 5],
    ["in the pre-market", fromNewYork(2026, 10, 16, 6, 40)],
  ])("agrees with the simulator's own quote %s, from a room's 24 hours", (_when, now) => {
    const day = sim.history(now - DAY_MS, now, 1);
    // After the close, the close before it is older than a day: the daily bars hold it.
    const daily = simulatedBars("NVDA", "6m", now).candles;
    const q = sessionQuoteFromCandles(true, now, day.candles, day.tail[0], daily);
    expect(q).toEqual(simulatedSessionQuote(sim, now));
  });

  it("reads a close older than its candles from daily bars, as on a Monday morning", () => {
    const now = fromNewYork(2026, 10, 19, 8);
    const day = sim.history(now - DAY_MS, now, 1);
    const friday = dayNumber(2026, 10, 16) * DAY_MS;
    const fridayBar = simulatedBars("NVDA", "6m", now).candles.find((c) => c[0] === friday);
    const q = sessionQuoteFromCandles(true, now, day.candles, day.tail[0], [fridayBar as Candle]);
    expect(q?.prevClose).toBe(fridayBar?.[4]);
    expect(q).toEqual(simulatedSessionQuote(sim, now));
    // Without them it can only measure from the first price it has.
    const alone = sessionQuoteFromCandles(true, now, day.candles, day.tail[0]);
    expect(alone?.prevClose).toBe(day.candles[0]?.[1]);
  });

  it("quotes a coin's day from its last price before UTC midnight", () => {
    const coin = new Simulator("ETH-USD");
    const now = Date.UTC(2026, 9, 17, 9, 30);
    const day = coin.history(now - DAY_MS, now, 1);
    const q = sessionQuoteFromCandles(false, now, day.candles, day.tail[0]);
    expect(q).toEqual(simulatedSessionQuote(coin, now));
  });
});

/** A daily bar of day number `d` from its low up to its high. */
const dailyBar = (d: number, high: number, low: number): Candle => [
  d * DAY_MS,
  low,
  high,
  low,
  high,
  1,
];

describe("fiftyTwoWeekRange", () => {
  const day = dailyBar;
  const today = dayNumber(2026, 10, 16);

  it("takes the highest high and lowest low of the last 52 weeks, and the live session's", () => {
    const daily = [day(today - 400, 500, 1), day(today - 364, 120, 90), day(today - 10, 150, 95)];
    const now = today * DAY_MS + 15 * 3_600_000;
    expect(fiftyTwoWeekRange(daily, now)).toEqual({ high: 150, low: 90 });
    expect(fiftyTwoWeekRange(daily, now, { high: 151, low: 100 })).toEqual({ high: 151, low: 90 });
    expect(fiftyTwoWeekRange([], now)).toBeNull();
    expect(fiftyTwoWeekRange([], now, { high: 2, low: 1 })).toEqual({ high: 2, low: 1 });
  });

  it("holds every daily bar of a simulated year", () => {
    const now = fromNewYork(2026, 10, 17, 12);
    const daily = simulatedBars("META", "1y", now).candles;
    const range = fiftyTwoWeekRange(daily, now);
    expect(range?.high).toBe(Math.max(...daily.slice(1).map((c) => c[2])));
    expect(range?.low).toBe(Math.min(...daily.slice(1).map((c) => c[3])));
  });
});

describe("priorYearRange", () => {
  const bar = dailyBar;
  const thursday = dayNumber(2026, 11, 12);
  const friday = dayNumber(2026, 11, 13);
  const monday = dayNumber(2026, 11, 16);
  const daily = [bar(thursday, 120, 100), bar(friday, 130, 90), bar(monday, 140, 80)];

  it("leaves out the bar of the session a stock's quote belongs to, which the quote has live", () => {
    // Saturday and Monday before the pre-market still belong to Friday's session.
    expect(priorYearRange(true, daily, fromNewYork(2026, 11, 14, 12))).toEqual({
      high: 120,
      low: 100,
    });
    expect(priorYearRange(true, daily, fromNewYork(2026, 11, 16, 3))).toEqual({
      high: 120,
      low: 100,
    });
    // From Monday's pre-market on, Friday is an earlier session.
    expect(priorYearRange(true, daily, fromNewYork(2026, 11, 16, 4))).toEqual({
      high: 130,
      low: 90,
    });
  });

  it("cuts a coin's sessions at UTC midnight", () => {
    expect(priorYearRange(false, daily, monday * DAY_MS + 1)).toEqual({ high: 130, low: 90 });
    expect(priorYearRange(false, daily, (monday + 1) * DAY_MS)).toEqual({ high: 140, low: 80 });
  });

  it("is null before any earlier session, and reads no further back than 52 weeks", () => {
    expect(priorYearRange(false, daily, thursday * DAY_MS + 5)).toBeNull();
    expect(priorYearRange(false, daily, (thursday + 364) * DAY_MS)).toEqual({ high: 140, low: 80 });
    expect(priorYearRange(false, daily, (friday + 365) * DAY_MS)).toEqual({ high: 140, low: 80 });
    expect(priorYearRange(false, daily, (monday + 365) * DAY_MS)).toBeNull();
  });
});

describe("regularDayFigures", () => {
  const minute = (t: number, price: number, volume: number): Candle => [
    t,
    price,
    price + 1,
    price - 1,
    price,
    volume,
  ];
  // Tuesday 1 December 2026 (EST): a pre-market trade, the regular session, after-hours trades
  // on both sides of UTC midnight (19:00 in New York).
  const tuesday = hours(2026, 12, 1);
  const candles = [
    minute(tuesday.open - 3_600_000, 90, 5),
    minute(tuesday.open, 100, 10),
    minute(tuesday.open + 60_000, 110, 20),
    minute(tuesday.close - 60_000, 105, 30),
    minute(tuesday.close + 60_000, 120, 1000),
    minute(Date.UTC(2026, 11, 2, 0, 30), 80, 2000),
  ];

  it("is the regular session's open, range and volume, whatever trades after hours", () => {
    const figures = { open: 100, high: 111, low: 99, volume: 60 };
    expect(regularDayFigures(candles, tuesday.close - 1)).toEqual(figures);
    expect(regularDayFigures(candles, Date.UTC(2026, 11, 2, 0, 45))).toEqual(figures);
    // Through the night and the next pre-market, until Wednesday opens.
    expect(regularDayFigures(candles, fromNewYork(2026, 12, 2, 9))).toEqual(figures);
    expect(regularDayFigures(candles, hours(2026, 12, 2).open)).toBeNull();
  });

  it("is null when the candles start after the session's open, or before its first trade", () => {
    expect(regularDayFigures(candles.slice(2), tuesday.close - 1)).toBeNull();
    expect(regularDayFigures(candles.slice(0, 1), tuesday.open + 5 * 60_000)).toBeNull();
    expect(regularDayFigures([], tuesday.close)).toBeNull();
  });
});
