import { describe, expect, it } from "vitest";
import type { Candle } from "../protocol/index.ts";
import { BAR_RANGES, foldAll, foldCandles, RANGE_INTERVAL, weeklyCandles, weekOf } from "./bars.ts";
import {
  dayNumber,
  formatDay,
  fromNewYork,
  isTradingDay,
  regularSession,
  type TradingHours,
  weekday,
} from "./sessions/index.ts";
import { simulatedBars, simulatedDailyCandles } from "./simulated-bars.ts";
import { DAY_MS, MINUTE_MS, Simulator } from "./simulator.ts";

/** Saturday 17 October 2026, noon in New York; and the Wednesday before, mid-session. */
const SAT = fromNewYork(2026, 10, 17, 12);
const WED = fromNewYork(2026, 10, 14, 11, 7) + 23_417;
const FRIDAY = dayNumber(2026, 10, 16);

const dayOf = (c: Candle) => Math.floor(c[0] / DAY_MS);
const hoursOf = (day: number) => regularSession(day) as TradingHours;
const tradingDays = (first: number, last: number) => {
  let n = 0;
  for (let d = first; d <= last; d++) if (isTradingDay(d)) n++;
  return n;
};
/** The simulator's regular-session minute candles of a day up to `now`, computed on their own. */
const regularMinutes = (symbol: string, day: number, now: number): Candle[] => {
  const sim = new Simulator(symbol);
  if (!sim.calendar) {
    return sim.history(day * DAY_MS - 1, Math.min(now, (day + 1) * DAY_MS - 1), 0).candles;
  }
  const h = hoursOf(day);
  return sim.history(h.open - 1, Math.min(now, h.close - 1), 0).candles;
};
const expectSameBar = (actual: Candle | undefined, expected: Candle | null | undefined) => {
  expect(actual).toBeDefined();
  expect(expected).toBeDefined();
  if (!actual || !expected) return;
  expect(actual.slice(0, 5)).toEqual(expected.slice(0, 5));
  // Volumes are sums of rounded sizes, rounded again per bar: equal to rounding.
  expect(Math.abs(actual[5] - expected[5])).toBeLessThanOrEqual(expected[5] * 1e-6);
};

describe("simulatedBars", () => {
  it.each(BAR_RANGES)(
    "draws %s in the interval Yahoo uses, with a bounded number of bars",
    (range) => {
      for (const symbol of ["AAPL", "BTC-USD"]) {
        const bars = simulatedBars(symbol, range, SAT);
        expect(bars.interval).toBe(RANGE_INTERVAL[range]);
        expect(bars.candles.length).toBeGreaterThan(0);
        expect(bars.candles.length).toBeLessThanOrEqual(1500);
      }
    },
  );

  it("counts the bars of each range of a stock as its sessions make them", () => {
    const last = FRIDAY;
    const count = (range: (typeof BAR_RANGES)[number]) => simulatedBars("NVDA", range, SAT).candles;
    const day = count("1d");
    expect(day.every((c) => c[0] >= hoursOf(last).preOpen && c[0] < hoursOf(last).postClose)).toBe(
      true,
    );
    expect(
      day.filter((c) => c[0] >= hoursOf(last).open && c[0] < hoursOf(last).close),
    ).toHaveLength(390);
    const fiveDays = count("5d");
    expect(
      new Set(fiveDays.map((c) => formatDay(Math.floor((c[0] - 4 * 3_600_000) / DAY_MS)))).size,
    ).toBe(5);
    // 26 quarter hours in each regular session, and at most 64 from 4:00 to 20:00.
    expect(fiveDays.length).toBeGreaterThanOrEqual(5 * 26);
    expect(fiveDays.length).toBeLessThanOrEqual(5 * 64);
    // 1M: thirteen half hours of every regular session, and nothing outside them.
    expect(count("1m")).toHaveLength(13 * tradingDays(last - 30, last));
    expect(count("6m")).toHaveLength(tradingDays(last - 182, last));
    expect(count("1y")).toHaveLength(tradingDays(last - 365, last));
    const weeks = count("5y");
    expect(weeks.length).toBeGreaterThanOrEqual(260);
    expect(weeks.length).toBeLessThanOrEqual(262);
  });

  it("counts the bars of each range of a coin by the UTC day", () => {
    const now = Date.UTC(2026, 9, 17, 16, 0, 30);
    const bars = (range: (typeof BAR_RANGES)[number]) =>
      simulatedBars("SOL-USD", range, now).candles;
    // Both ends of the 24 hours are parts of minutes.
    expect(bars("1d")).toHaveLength(1441);
    // Four whole days of 96 quarter hours, and the 65 of today so far, the last one begun.
    expect(bars("5d")).toHaveLength(4 * 96 + 65);
    expect(bars("1m")).toHaveLength(30 * 48 + 33);
    expect(bars("6m")).toHaveLength(183);
    expect(bars("1y")).toHaveLength(366);
    expect(bars("5y").length).toBeGreaterThanOrEqual(261);
  });

  it("gives the same bars on every call", () => {
    for (const range of BAR_RANGES) {
      expect(simulatedBars("TSLA", range, WED)).toEqual(simulatedBars("TSLA", range, WED));
    }
  });

  it.each(["AAPL", "ETH-USD"])(
    "folds the last five sessions' daily bars of %s from the simulator's minute candles",
    (symbol) => {
      const daily = simulatedBars(symbol, "1y", SAT).candles.slice(-5);
      expect(daily).toHaveLength(5);
      for (const bar of daily) {
        expectSameBar(bar, foldAll(regularMinutes(symbol, dayOf(bar), SAT), bar[0]));
      }
    },
  );

  it("agrees across ranges: 1D folds into 5D, 5D's regular bars into the daily bar", () => {
    const symbol = "MSFT";
    const day = simulatedBars(symbol, "1d", SAT).candles;
    const fiveDays = simulatedBars(symbol, "5d", SAT).candles;
    const friday = hoursOf(FRIDAY);
    const fridayBars = fiveDays.filter((c) => c[0] >= friday.preOpen);
    const folded = foldCandles(day, 15 * MINUTE_MS);
    expect(fridayBars).toHaveLength(folded.length);
    fridayBars.forEach((bar, i) => {
      expectSameBar(bar, folded[i]);
    });
    const regular = fridayBars.filter((c) => c[0] >= friday.open && c[0] < friday.close);
    const daily = simulatedBars(symbol, "6m", SAT).candles.at(-1);
    expectSameBar(daily, foldAll(regular, FRIDAY * DAY_MS));
    // And 1M's last session is the same fold, in half hours.
    const month = simulatedBars(symbol, "1m", SAT).candles.filter((c) => c[0] >= friday.open);
    expectSameBar(foldAll(month, FRIDAY * DAY_MS) ?? undefined, daily ?? null);
  });

  it("makes the older daily bars of the last month the fold of 1M's bars", () => {
    const symbol = "JPM";
    const daily = simulatedBars(symbol, "6m", SAT).candles;
    const month = simulatedBars(symbol, "1m", SAT).candles;
    const older = daily.filter((c) => dayOf(c) >= FRIDAY - 30).slice(0, -5);
    expect(older.length).toBeGreaterThan(10);
    for (const bar of older) {
      const h = hoursOf(dayOf(bar));
      const halves = month.filter((c) => c[0] >= h.open && c[0] < h.close);
      expect(halves).toHaveLength(13);
      expectSameBar(bar, foldAll(halves, bar[0]));
    }
  });

  it.each(["AAPL", "ZZZZ"])(
    "opens %s's daily bars at the opening print and closes them at the last regular trade",
    (symbol) => {
      const sim = new Simulator(symbol);
      const daily = simulatedBars(symbol, "1y", SAT).candles;
      // From each depth: ticks (the last week), minutes (the last month), days (older).
      for (const back of [1, 3, 9, 17, 60, 200, 250]) {
        const bar = daily[daily.length - back] as Candle;
        const h = hoursOf(dayOf(bar));
        expect(bar[1]).toBe(sim.ticksBetween(h.open - 1, h.open + 1000)[0]?.[1]);
        expect(bar[4]).toBe(sim.lastTickAt(h.close - 1)[1]);
      }
    },
  );

  it("closes every crypto day at its last trade and opens the older ones at the day before's", () => {
    const symbol = "XRP-USD";
    const sim = new Simulator(symbol);
    const daily = simulatedBars(symbol, "1y", SAT).candles;
    for (const back of [1, 4, 9, 25, 100, 300]) {
      const bar = daily[daily.length - back] as Candle;
      expect(bar[4]).toBe(sim.lastTickAt(Math.min(SAT, bar[0] + DAY_MS - 1))[1]);
      if (back > 5) expect(bar[1]).toBe((daily[daily.length - back - 1] as Candle)[4]);
    }
  });

  it.each(["AAPL", "DOGE-USD"])("gives %s daily bars a trader could believe", (symbol) => {
    const daily = simulatedBars(symbol, "1y", SAT).candles;
    let previous = Number.NEGATIVE_INFINITY;
    for (const c of daily) {
      expect(c[0] % DAY_MS).toBe(0);
      expect(c[0]).toBeGreaterThan(previous);
      previous = c[0];
      expect(c[2]).toBeGreaterThanOrEqual(Math.max(c[1], c[4]));
      expect(c[3]).toBeLessThanOrEqual(Math.min(c[1], c[4]));
      expect(c[3]).toBeGreaterThan(0);
      expect(c[5]).toBeGreaterThan(0);
    }
    // Old days' ranges are drawn to match the ranges of the days the walk computes.
    const range = (bars: Candle[]) =>
      bars.reduce((a, c) => a + Math.log(c[2] / c[3]), 0) / bars.length;
    const recent = range(daily.slice(-20, -5));
    const old = range(daily.slice(0, -30));
    expect(old / recent).toBeGreaterThan(0.6);
    expect(old / recent).toBeLessThan(1.6);
  });

  it("puts the volume of the older bars near what the ticks trade", () => {
    const symbol = "SPY";
    const daily = simulatedBars(symbol, "6m", SAT).candles;
    const mean = (bars: Candle[]) => bars.reduce((a, c) => a + c[5], 0) / bars.length;
    const exact = mean(daily.slice(-5));
    const estimated = mean(daily.slice(-25, -5));
    expect(estimated / exact).toBeGreaterThan(0.6);
    expect(estimated / exact).toBeLessThan(1.6);
  });

  it("has a stock bar on every trading day and none on weekends or Thanksgiving", () => {
    const now = fromNewYork(2026, 12, 1, 12);
    const days = simulatedBars("AAPL", "6m", now).candles.map(dayOf);
    expect(days).toContain(dayNumber(2026, 11, 25));
    expect(days).not.toContain(dayNumber(2026, 11, 26));
    expect(days).toContain(dayNumber(2026, 11, 27));
    expect(days.filter((d) => weekday(d) === 0 || weekday(d) === 6)).toEqual([]);
    expect(days).toHaveLength(tradingDays(dayNumber(2026, 12, 1) - 182, dayNumber(2026, 12, 1)));
    const coin = simulatedBars("BTC-USD", "6m", now).candles.map(dayOf);
    expect(coin).toContain(dayNumber(2026, 11, 26));
    expect(coin).toContain(dayNumber(2026, 11, 28));
  });

  it("shows Friday's session on a Saturday", () => {
    const daily = simulatedBars("AMZN", "1y", SAT).candles;
    expect(dayOf(daily.at(-1) as Candle)).toBe(FRIDAY);
    const fiveDays = simulatedBars("AMZN", "5d", SAT).candles;
    expect((fiveDays.at(-1) as Candle)[0]).toBeLessThan(hoursOf(FRIDAY).postClose);
    expect((fiveDays[0] as Candle)[0]).toBeGreaterThanOrEqual(
      hoursOf(dayNumber(2026, 10, 12)).preOpen,
    );
  });

  it("has no daily bar yet for a session still in its pre-market, and a partial one during it", () => {
    const pre = fromNewYork(2026, 10, 14, 8);
    expect(dayOf(simulatedBars("V", "6m", pre).candles.at(-1) as Candle)).toBe(
      dayNumber(2026, 10, 13),
    );
    const sim = new Simulator("V");
    const live = simulatedBars("V", "6m", WED).candles.at(-1) as Candle;
    expect(dayOf(live)).toBe(dayNumber(2026, 10, 14));
    expect(live[4]).toBe(sim.lastTickAt(WED)[1]);
  });

  it("folds 5Y's weeks from daily bars, Monday to Friday", () => {
    const symbol = "QQQ";
    const weeks = simulatedBars(symbol, "5y", SAT).candles;
    const first = dayOf(weeks[0] as Candle);
    const daily = simulatedDailyCandles(symbol, first, SAT, { exactDays: 0 });
    const folded = weeklyCandles(daily);
    expect(weeks).toHaveLength(folded.length);
    weeks.forEach((w, i) => {
      expectSameBar(w, folded[i]);
    });
    for (const w of weeks) expect(weekday(dayOf(w))).toBe(1);
    expect(weekOf(FRIDAY)).toBe(dayNumber(2026, 10, 12));
    expect((weeks.at(-1) as Candle)[4]).toBe((daily.at(-1) as Candle)[4]);
    // With the last week from ticks, only that week's high and low may move, and only a little.
    const exact = simulatedBars(symbol, "5y", SAT, { exactDays: 5 }).candles;
    expect(exact.slice(0, -1)).toEqual(weeks.slice(0, -1));
    const [a, b] = [exact.at(-1) as Candle, weeks.at(-1) as Candle];
    expect(a[1]).toBe(b[1]);
    expect(a[4]).toBe(b[4]);
    expect(a[2]).toBeGreaterThanOrEqual(b[2]);
    expect(a[2] / b[2]).toBeLessThan(1.005);
    expect(a[3]).toBeLessThanOrEqual(b[3]);
  });

  it("carries a session still trading forward to the same candles as computing them at once", () => {
    const symbol = "BRK.B";
    simulatedBars(symbol, "1d", WED);
    const later = WED + 95_000;
    const h = hoursOf(dayNumber(2026, 10, 14));
    expect(simulatedBars(symbol, "1d", later).candles).toEqual(
      new Simulator(symbol).history(h.preOpen - 1, later, 0).candles,
    );
  });

  it("goes back five years for every symbol, before the simulator's 2024 epoch", () => {
    for (const symbol of ["AAPL", "BTC-USD"]) {
      const weeks = simulatedBars(symbol, "5y", SAT).candles;
      expect(formatDay(dayOf(weeks[0] as Candle)) < "2021-10-19").toBe(true);
      expect(weeks.every((w) => w[3] > 0)).toBe(true);
    }
  });

  it("answers no bars for a time it has none for", () => {
    expect(simulatedBars("AAPL", "1y", Number.NaN).candles).toEqual([]);
    expect(simulatedBars("AAPL", "5y", Date.UTC(2012, 0, 1)).candles).toEqual([]);
    expect(simulatedBars("AAPL", "1d", Date.UTC(2012, 0, 1)).candles).toEqual([]);
  });
});
