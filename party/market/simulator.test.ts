import { beforeAll, describe, expect, it } from "vitest";
import type { Candle, Tick } from "../protocol/index.ts";
import { foldTicks } from "./candles.ts";
import {
  dayNumber,
  fromNewYork,
  marketState,
  newYorkInstant,
  regularSession,
  type TradingHours,
} from "./sessions/index.ts";
import { DAY_MS, MINUTE_MS, Simulator, simSpec } from "./simulator.ts";

const MINUTES_PER_YEAR = 525_600;
/** A time in the middle of a minute and a second, so that windows start at awkward places. */
const NOW = Date.UTC(2026, 9, 14, 15, 7, 23, 417);
const HOUR = 3_600_000;

/**
 * The tests written for around-the-clock trading run stocks with the calendar off, which is the
 * simulator as it was before it followed one; crypto is the same either way.
 */
const aroundTheClock = (symbol: string) => new Simulator(symbol, { sessions: false });

const logReturns = (prices: readonly number[]): number[] => {
  const out: number[] = [];
  for (let i = 1; i < prices.length; i++) {
    out.push(Math.log((prices[i] as number) / (prices[i - 1] as number)));
  }
  return out;
};

const moments = (xs: readonly number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m4 += d ** 4;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return { variance: m2, excessKurtosis: m4 / (m2 * m2) - 3 };
};

describe("simSpec", () => {
  const symbols = [
    "AAPL",
    "MSFT",
    "BRK.B",
    "SPY",
    "BTC-USD",
    "ETH-USD",
    "DOGE-USD",
    "XRP-USD",
    "ZZZZ",
    "A",
    "NEWCO",
    "9988",
    "ABC-USDT",
    "X.Y-Z",
  ];

  it.each(symbols)("gives %s parameters a market could have", (symbol) => {
    const spec = simSpec(symbol);
    expect(spec.symbol).toBe(symbol);
    expect(spec.tickRate).toBeGreaterThanOrEqual(1);
    expect(spec.tickRate).toBeLessThanOrEqual(20);
    expect(spec.volatility).toBeGreaterThan(0.05);
    expect(spec.volatility).toBeLessThan(1.5);
    expect(spec.startPrice).toBeGreaterThan(0);
    expect(Number.isFinite(spec.startPrice)).toBe(true);
    expect(spec.tradeValue).toBeGreaterThan(0);
    // A price shown with these decimals moves by less than a tenth of a percent per step.
    expect(10 ** -spec.priceDecimals / spec.startPrice).toBeLessThan(1e-3);
  });

  it("gives the same parameters every time", () => {
    for (const symbol of symbols) expect(simSpec(symbol)).toEqual(simSpec(symbol));
  });

  it("gives different symbols different parameters", () => {
    const seen = new Set(symbols.map((s) => `${simSpec(s).volatility}/${simSpec(s).tickRate}`));
    expect(seen.size).toBe(symbols.length);
  });
});

describe("determinism", () => {
  const from = NOW - 10 * MINUTE_MS;
  const to = NOW;

  it("gives two simulators of one symbol the same ticks for the same window", () => {
    const a = new Simulator("AAPL").ticksBetween(from, to);
    const b = new Simulator("AAPL").ticksBetween(from, to);
    expect(a.length).toBeGreaterThan(600);
    expect(b).toEqual(a);
  });

  it("gives the same ticks walking forward minute by minute as asking for the window", () => {
    const whole = new Simulator("TSLA").ticksBetween(from, to);
    const walker = new Simulator("TSLA");
    const walked: Tick[] = [];
    for (let t = from; t < to; t += MINUTE_MS) {
      walked.push(...walker.ticksBetween(t, Math.min(t + MINUTE_MS, to)));
    }
    expect(walked).toEqual(whole);
    // And in the small, odd steps of a pump that wakes at each tick.
    const pump = new Simulator("TSLA");
    const pumped: Tick[] = [];
    for (let t = from; t < from + 5000; t += 37) pumped.push(...pump.ticksBetween(t, t + 37));
    expect(pumped).toEqual(whole.filter(([time]) => time <= from + 4995 + 37 && time > from));
  });

  it("gives the same ticks whatever was asked before, and in whatever order", () => {
    const fresh = new Simulator("ETH-USD").ticksBetween(from, to);
    const busy = new Simulator("ETH-USD");
    // Fill its caches with other days and minutes first, later and earlier ones.
    busy.ticksBetween(NOW + 5 * DAY_MS, NOW + 5 * DAY_MS + MINUTE_MS);
    busy.history(NOW - 3 * DAY_MS, NOW - 3 * DAY_MS + HOUR, 10);
    const backwards: Tick[][] = [];
    for (let t = to; t > from; t -= MINUTE_MS) {
      backwards.unshift(busy.ticksBetween(Math.max(t - MINUTE_MS, from), t));
    }
    expect(backwards.flat()).toEqual(fresh);
    expect(busy.ticksBetween(from, to)).toEqual(fresh);
  });

  it("gives a later day the same prices whether or not earlier days were asked for", () => {
    const later = NOW + 40 * DAY_MS;
    const direct = new Simulator("SOL-USD").ticksBetween(later, later + 30_000);
    const warm = new Simulator("SOL-USD");
    for (let d = 0; d < 40; d += 3) warm.lastTickAt(NOW + d * DAY_MS);
    expect(warm.ticksBetween(later, later + 30_000)).toEqual(direct);
  });

  it("gives different symbols different ticks", () => {
    const a = new Simulator("AAPL").ticksBetween(from, to);
    const b = new Simulator("MSFT").ticksBetween(from, to);
    const c = new Simulator("AAPM").ticksBetween(from, to);
    expect(b.map((t) => t[0])).not.toEqual(a.map((t) => t[0]));
    expect(c.map((t) => t[0])).not.toEqual(a.map((t) => t[0]));
    const relative = (ticks: Tick[]) => logReturns(ticks.map((t) => t[1])).slice(0, 100);
    expect(relative(c)).not.toEqual(relative(a));
  });
});

describe("tick timing", () => {
  it("has between 1 and 20 ticks in every second of a long window, in time order", () => {
    for (const symbol of ["AAPL", "DOGE-USD"]) {
      const sim = aroundTheClock(symbol);
      const firstSecond = Math.floor((NOW - 3 * HOUR) / 1000);
      const lastSecond = Math.floor(NOW / 1000);
      // Window (firstSecond - 1 ms, lastSecond - 1 ms] covers whole seconds only.
      const ticks = sim.ticksBetween(firstSecond * 1000 - 1, lastSecond * 1000 - 1);
      const perSecond = new Map<number, number>();
      let previous = Number.NEGATIVE_INFINITY;
      for (const [time] of ticks) {
        // Plain checks: an expect per tick would dominate the run time.
        if (!Number.isInteger(time)) throw new Error(`${symbol}: tick time ${time}`);
        if (time < previous) throw new Error(`${symbol}: tick at ${time} after ${previous}`);
        previous = time;
        const second = Math.floor(time / 1000);
        perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      }
      expect(perSecond.size).toBe(lastSecond - firstSecond);
      const counts = [...perSecond.values()];
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...counts)).toBeLessThanOrEqual(20);
      // The mean rate is the symbol's own.
      const rate = ticks.length / perSecond.size;
      expect(rate).toBeGreaterThan(sim.spec.tickRate * 0.9);
      expect(rate).toBeLessThan(sim.spec.tickRate * 1.1 + 0.5);
    }
  });

  it("nextTickTime is the first tick strictly after a time", () => {
    const sim = new Simulator("NVDA");
    const ticks = sim.ticksBetween(NOW - 2 * MINUTE_MS, NOW + MINUTE_MS);
    const probes = [
      NOW,
      NOW - MINUTE_MS - (NOW % MINUTE_MS),
      NOW - (NOW % MINUTE_MS) - 1,
      NOW - (NOW % MINUTE_MS),
      ...ticks.slice(0, 400).map((t) => t[0]),
      ...ticks.slice(0, 400).map((t) => t[0] - 1),
    ];
    for (const after of probes) {
      const next = ticks.find(([t]) => t > after);
      expect(sim.nextTickTime(after)).toBe(next?.[0]);
    }
  });

  it("lastTickAt is the last tick at or before a time", () => {
    const sim = new Simulator("NVDA");
    const ticks = sim.ticksBetween(NOW - 3 * MINUTE_MS, NOW + MINUTE_MS);
    const probes = [
      NOW,
      NOW - (NOW % MINUTE_MS),
      NOW - (NOW % MINUTE_MS) - 1,
      ...ticks.slice(-400).map((t) => t[0]),
      ...ticks.slice(-400).map((t) => t[0] + 1),
    ];
    for (const time of probes) {
      const last = ticks.filter(([t]) => t <= time).pop();
      expect(sim.lastTickAt(time)).toEqual(last);
    }
  });
});

describe("countBetween", () => {
  const sim = new Simulator("GOOGL");
  const minute = NOW - (NOW % MINUTE_MS);
  it.each([
    ["an empty window", NOW, NOW],
    ["a few milliseconds", NOW, NOW + 7],
    ["part of one minute", minute + 1_000, minute + 42_000],
    ["across one minute boundary", minute - 20_000, minute + 15_000],
    ["exactly one minute on its boundaries", minute, minute + MINUTE_MS],
    ["one minute less a millisecond", minute, minute + MINUTE_MS - 1],
    ["two partial minutes around a whole one", minute - 1, minute + MINUTE_MS + 1],
    ["many minutes from odd times", NOW - 47 * MINUTE_MS - 333, NOW],
    ["hours across midnight", Date.UTC(2026, 9, 15) - 2 * HOUR + 17, Date.UTC(2026, 9, 15) + HOUR],
  ])("agrees with ticksBetween for %s", (_what, from, to) => {
    expect(sim.countBetween(from, to)).toBe(sim.ticksBetween(from, to).length);
  });
});

describe("history", () => {
  it("gives the candles, tail and count of a small window", () => {
    const sim = new Simulator("META");
    const from = NOW - 7 * MINUTE_MS - 12_345;
    const ticks = sim.ticksBetween(from, NOW);
    const h = new Simulator("META").history(from, NOW, 50);
    expect(h.count).toBe(ticks.length);
    expect(h.tail).toEqual(ticks.slice(-50));
    const expected: Candle[] = [];
    foldTicks(expected, ticks);
    expect(h.candles.map((c) => c.slice(0, 5))).toEqual(expected.map((c) => c.slice(0, 5)));
    h.candles.forEach((c, i) => {
      expect(c[5]).toBeCloseTo((expected[i] as Candle)[5], sim.spec.sizeDecimals);
    });
  });

  it("gives every tick as the tail when there are fewer than asked for", () => {
    const sim = new Simulator("META");
    const h = sim.history(NOW - 2000, NOW, 10_000);
    expect(h.tail).toEqual(sim.ticksBetween(NOW - 2000, NOW));
    expect(h.count).toBe(h.tail.length);
  });

  it("backfills a day of one-minute candles, oldest first, ending with the last tick", () => {
    const sim = new Simulator("BTC-USD");
    const h = sim.history(NOW - DAY_MS, NOW, 500);
    expect(h.candles.length).toBeGreaterThanOrEqual(1440);
    expect(h.candles.length).toBeLessThanOrEqual(1441);
    expect(h.tail).toHaveLength(500);
    let previous = Number.NEGATIVE_INFINITY;
    for (const c of h.candles) {
      expect(c[0] % MINUTE_MS).toBe(0);
      expect(c[0]).toBeGreaterThan(previous);
      previous = c[0];
      expect(c[2]).toBeGreaterThanOrEqual(Math.max(c[1], c[4], c[3]));
      expect(c[3]).toBeLessThanOrEqual(Math.min(c[1], c[4]));
      expect(c[5]).toBeGreaterThan(0);
    }
    for (let i = 1; i < h.tail.length; i++) {
      expect((h.tail[i] as Tick)[0]).toBeGreaterThanOrEqual((h.tail[i - 1] as Tick)[0]);
    }
    const lastTick = h.tail[h.tail.length - 1] as Tick;
    const lastCandle = h.candles[h.candles.length - 1] as Candle;
    expect(lastCandle[4]).toBe(lastTick[1]);
    expect(lastCandle[0]).toBe(lastTick[0] - (lastTick[0] % MINUTE_MS));
    expect(lastTick).toEqual(sim.lastTickAt(NOW));
    expect(h.count).toBe(sim.countBetween(NOW - DAY_MS, NOW));
  });

  it.each(["AAPL", "DOGE-USD", "BTC-USD"])(
    "for %s continues into live ticks without a jump",
    (symbol) => {
      const h = new Simulator(symbol).history(NOW - DAY_MS, NOW, 500);
      const live = new Simulator(symbol).ticksBetween(NOW, NOW + MINUTE_MS);
      const last = h.tail[h.tail.length - 1] as Tick;
      const first = live[0] as Tick;
      expect(first[0]).toBeGreaterThanOrEqual(last[0]);
      expect(first[0]).toBe(new Simulator(symbol).nextTickTime(NOW));
      const step = 10 ** -simSpec(symbol).priceDecimals;
      // A few basis points, or a few price steps for prices shown with few digits.
      const allowed = Math.max(last[1] * 10e-4, 3 * step);
      expect(Math.abs(first[1] - last[1])).toBeLessThanOrEqual(allowed + 1e-12);
      // The live minute keeps folding onto the backfill's last candle.
      const lastCandle = h.candles[h.candles.length - 1] as Candle;
      expect(lastCandle[4]).toBe(last[1]);
      const candles = structuredClone(h.candles);
      foldTicks(candles, live);
      expect(candles.length - h.candles.length).toBeLessThanOrEqual(1);
    },
  );
});

describe("prices over days", () => {
  type Sample = { sim: Simulator; candles: Candle[] };
  const samples = new Map<string, Sample>();
  const end = Date.UTC(2026, 9, 1);
  const plan: [string, number][] = [
    ["AAPL", 10],
    ["DOGE-USD", 10],
    ["XRP-USD", 3],
    ["ZZZZ", 3],
  ];

  beforeAll(() => {
    for (const [symbol, days] of plan) {
      const sim = aroundTheClock(symbol);
      samples.set(symbol, { sim, candles: sim.history(end - days * DAY_MS, end, 0).candles });
    }
  });

  it.each(plan)("never gives %s a price at or below zero (%i days)", (symbol, days) => {
    const { candles } = samples.get(symbol) as Sample;
    expect(candles.length).toBe(days * 1440);
    let low = Number.POSITIVE_INFINITY;
    let finite = true;
    for (const c of candles) {
      if (c[3] < low) low = c[3];
      finite &&= c.every(Number.isFinite);
    }
    expect(finite).toBe(true);
    expect(low).toBeGreaterThan(0);
  });

  it.each(["AAPL", "DOGE-USD"])(
    "gives %s the realised volatility of its spec over ten days",
    (symbol) => {
      const { sim, candles } = samples.get(symbol) as Sample;
      const returns = logReturns(candles.map((c) => c[4]));
      expect(returns.length).toBeGreaterThan(14_000);
      const realised = Math.sqrt(moments(returns).variance * MINUTES_PER_YEAR);
      expect(realised / sim.spec.volatility).toBeGreaterThan(0.88);
      expect(realised / sim.spec.volatility).toBeLessThan(1.12);
    },
  );

  it.each(["AAPL", "DOGE-USD"])("gives %s fat-tailed minute returns", (symbol) => {
    const { candles } = samples.get(symbol) as Sample;
    const { excessKurtosis } = moments(logReturns(candles.map((c) => c[4])));
    // A normal walk gives about 0; intraday returns are well above.
    expect(excessKurtosis).toBeGreaterThan(2);
  });

  it("gives fat-tailed tick returns too", () => {
    // BTC at tens of thousands with cents: rounding does not drown the tick moves.
    const ticks = new Simulator("BTC-USD").ticksBetween(NOW - 3 * HOUR, NOW);
    const { excessKurtosis } = moments(logReturns(ticks.map((t) => t[1])));
    expect(excessKurtosis).toBeGreaterThan(2);
  });
});

describe("volume", () => {
  it.each(["AAPL", "BTC-USD", "DOGE-USD"])(
    "follows the intraday U: %s trades larger near midnight UTC than at midday",
    (symbol) => {
      const sim = aroundTheClock(symbol);
      const day = Date.UTC(2026, 9, 14);
      const meanSize = (from: number, to: number) => {
        const ticks = sim.ticksBetween(from, to);
        return ticks.reduce((a, t) => a + t[2], 0) / ticks.length;
      };
      const nearMidnight =
        (meanSize(day - HOUR, day) + meanSize(day + DAY_MS - HOUR, day + DAY_MS)) / 2;
      const midday = meanSize(day + 11.5 * HOUR, day + 12.5 * HOUR);
      expect(nearMidnight).toBeGreaterThan(2 * midday);
      const morning = meanSize(day + 5.5 * HOUR, day + 6.5 * HOUR);
      expect(morning).toBeGreaterThan(midday);
      expect(morning).toBeLessThan(nearMidnight);
    },
  );

  it("gives every tick a positive size", () => {
    for (const symbol of ["AAPL", "BRK.B", "DOGE-USD"]) {
      const ticks = new Simulator(symbol).ticksBetween(NOW - 30 * MINUTE_MS, NOW);
      expect(Math.min(...ticks.map((t) => t[2]))).toBeGreaterThan(0);
    }
  });
});

describe("the NYSE calendar", () => {
  /** Friday 16 and Saturday 17 October 2026; Monday the 19th. */
  const FRI = fromNewYork(2026, 10, 16);
  const SAT = fromNewYork(2026, 10, 17);
  const MON = fromNewYork(2026, 10, 19);
  const friday = regularSession(dayNumber(2026, 10, 16)) as TradingHours;

  it("trades no tick on a Saturday, and carries on from Friday's last trade on Monday", () => {
    const sim = new Simulator("AAPL");
    expect(sim.ticksBetween(SAT, SAT + DAY_MS)).toEqual([]);
    expect(sim.countBetween(SAT - 1, SAT + DAY_MS)).toBe(0);
    const last = sim.lastTickAt(SAT + 15 * HOUR);
    expect(last[0]).toBeLessThan(friday.postClose);
    expect(marketState("stock", last[0])).toBe("post");
    expect(last).toEqual(sim.ticksBetween(friday.close, friday.postClose).pop());
    const next = sim.nextTickTime(SAT + 15 * HOUR);
    expect(next).toBeGreaterThanOrEqual(MON + 4 * HOUR);
    expect(marketState("stock", next)).toBe("pre");
    expect(next).toBe(sim.ticksBetween(SAT, MON + 6 * HOUR)[0]?.[0]);
    // The walk goes on from the last trade: a small overnight gap, and the same one every time.
    const first = sim.ticksBetween(SAT, next)[0] as Tick;
    expect(Math.abs(Math.log(first[1] / last[1]))).toBeLessThan(0.03);
    expect(new Simulator("AAPL").ticksBetween(SAT, next)[0]).toEqual(first);
  });

  it("snapshots Friday's whole session on a Saturday, with Friday's last trades as the tail", () => {
    const sim = new Simulator("MSFT");
    const now = SAT + 14 * HOUR + 12_345;
    const from = sim.historyStart(now);
    expect(from).toBe(friday.preOpen - 1);
    const h = sim.history(from, now, 500);
    const ticks = new Simulator("MSFT").ticksBetween(friday.preOpen - 1, friday.postClose);
    expect(h.count).toBe(ticks.length);
    expect(h.count).toBe(sim.countBetween(from, now));
    expect(h.tail).toEqual(ticks.slice(-500));
    expect(h.tail[h.tail.length - 1]).toEqual(sim.lastTickAt(now));
    const first = h.candles[0] as Candle;
    const last = h.candles[h.candles.length - 1] as Candle;
    expect(first[0]).toBeGreaterThanOrEqual(friday.preOpen);
    expect(last[0]).toBeLessThan(friday.postClose);
    // Every regular minute has trades; a quiet extended-hours minute may have none.
    const regular = h.candles.filter((c) => c[0] >= friday.open && c[0] < friday.close);
    expect(regular).toHaveLength(390);
  });

  it("answers within bounds across a closed stretch, and before the walk's first session", () => {
    const sim = new Simulator("NVDA");
    const early = Date.UTC(2013, 5, 1);
    expect(sim.ticksBetween(early, early + DAY_MS)).toEqual([]);
    expect(sim.nextTickTime(early)).toBe(early + 10 * DAY_MS);
    expect(sim.lastTickAt(early)[2]).toBe(0);
    expect(sim.lastTickAt(early)[1]).toBeGreaterThan(0);
    // The walk's first session: Wednesday 1 January 2014, the calendar holding no holidays before 2026.
    const first = sim.nextTickTime(Date.UTC(2013, 11, 30));
    expect(first).toBeGreaterThanOrEqual(fromNewYork(2014, 1, 1, 4));
    expect(first).toBeLessThan(fromNewYork(2014, 1, 1, 4, 1));
  });

  it("trades nothing on Thanksgiving, 26 November 2026, and closes early the day after", () => {
    const sim = new Simulator("SPY");
    const thanksgiving = fromNewYork(2026, 11, 26);
    expect(sim.countBetween(thanksgiving, thanksgiving + DAY_MS)).toBe(0);
    expect(sim.ticksBetween(thanksgiving, thanksgiving + DAY_MS)).toEqual([]);
    const wednesday = sim.lastTickAt(thanksgiving + 12 * HOUR);
    expect(wednesday[0]).toBeLessThan(fromNewYork(2026, 11, 25, 20));
    expect(wednesday[0]).toBeGreaterThan(fromNewYork(2026, 11, 25, 19));
    expect(sim.nextTickTime(thanksgiving)).toBeGreaterThanOrEqual(fromNewYork(2026, 11, 27, 4));
    // Friday the 27th: the regular session ends at 13:00 and after-hours at 17:00.
    const early = regularSession(dayNumber(2026, 11, 27)) as TradingHours;
    const lastRegular = sim.lastTickAt(early.close - 1);
    expect(lastRegular[1]).toBe(sim.priceAt(early.close));
    expect(sim.ticksBetween(early.postClose - 1, early.postClose + 6 * HOUR)).toEqual([]);
    expect(sim.ticksBetween(early.close, early.postClose).length).toBeGreaterThan(0);
  });

  it("trades thinly and smaller in extended hours, and 1 to 20 times every regular second", () => {
    const sim = new Simulator("AAPL");
    const day = dayNumber(2026, 10, 14);
    const at = (h: number, m = 0) => newYorkInstant(day, h * HOUR + m * MINUTE_MS);
    const stats = (from: number, to: number) => {
      const ticks = sim.ticksBetween(from, to);
      const seconds = new Map<number, number>();
      for (const [t] of ticks)
        seconds.set(Math.floor(t / 1000), (seconds.get(Math.floor(t / 1000)) ?? 0) + 1);
      const size = ticks.reduce((a, t) => a + t[2], 0) / ticks.length;
      return { rate: (ticks.length * 1000) / (to - from), seconds, size };
    };
    const pre = stats(at(5), at(7));
    const post = stats(at(17), at(19));
    const regular = stats(at(10), at(11));
    const rate = sim.spec.tickRate;
    for (const thin of [pre, post]) {
      expect(thin.rate).toBeGreaterThan(rate * 0.07);
      expect(thin.rate).toBeLessThan(rate * 0.13);
      expect(thin.size).toBeLessThan(regular.size / 2);
      expect(Math.max(...thin.seconds.values())).toBeLessThanOrEqual(20);
    }
    // Thin trading leaves seconds without a trade; a regular second never does.
    expect(pre.seconds.size).toBeLessThan(7200 * 0.5);
    expect(regular.seconds.size).toBe(3600);
    expect(Math.min(...regular.seconds.values())).toBeGreaterThanOrEqual(1);
    expect(Math.max(...regular.seconds.values())).toBeLessThanOrEqual(20);
    expect(regular.rate).toBeGreaterThan(rate * 0.9);
    expect(sim.ticksBetween(at(20), at(23, 59))).toEqual([]);
    expect(sim.ticksBetween(at(0), at(4) - 1)).toEqual([]);
  });

  it.each([
    ["a winter day (EST)", 2026, 1, 14],
    ["a summer day (EDT)", 2026, 7, 15],
  ])("puts the intraday U on the regular session on %s", (_what, y, mo, d) => {
    const sim = new Simulator("META");
    const day = dayNumber(y, mo, d);
    const at = (h: number, m = 0) => newYorkInstant(day, h * HOUR + m * MINUTE_MS);
    const meanSize = (from: number, to: number) => {
      const ticks = sim.ticksBetween(from, to);
      return ticks.reduce((a, t) => a + t[2], 0) / ticks.length;
    };
    const open = meanSize(at(9, 30), at(10));
    const midday = meanSize(at(12, 30), at(13, 15));
    const close = meanSize(at(15, 30), at(16));
    expect(open).toBeGreaterThan(3 * midday);
    expect(close).toBeGreaterThan(3 * midday);
  });

  it.each([
    ["the Friday before the March switch, in EST", 2026, 3, 6, -5],
    ["the Monday after it, in EDT", 2026, 3, 9, -4],
    ["the Friday before the November switch, in EDT", 2026, 10, 30, -4],
    ["the Monday after it, in EST", 2026, 11, 2, -5],
  ])("opens and closes on New York's clock on %s", (_what, y, mo, d, offset) => {
    const sim = new Simulator("QQQ");
    const utc = (h: number, m = 0) => Date.UTC(y, mo - 1, d, h - offset, m);
    const day = sim.ticksBetween(utc(0), utc(23, 59));
    expect(day[0]?.[0]).toBeGreaterThanOrEqual(utc(4));
    expect(day[0]?.[0]).toBeLessThan(utc(4, 15));
    expect(day[day.length - 1]?.[0]).toBeLessThan(utc(20));
    expect(day[day.length - 1]?.[0]).toBeGreaterThan(utc(19, 30));
    // The opening print: the session's first trade, at the opening level, in its first second.
    const opening = sim.ticksBetween(utc(9, 30) - 1, utc(9, 31))[0] as Tick;
    expect(opening[0]).toBeLessThan(utc(9, 30) + 1000);
    expect(opening[1]).toBe(sim.priceAt(utc(9, 30)));
    expect(sim.lastTickAt(utc(16) - 1)[1]).toBe(sim.priceAt(utc(16)));
    expect(sim.ticksBetween(utc(9, 29), utc(9, 30) - 1).length).toBeLessThan(60);
  });

  it("counts ticks across closed stretches as ticksBetween does", () => {
    const sim = new Simulator("GOOGL");
    const windows: [number, number][] = [
      [FRI + 19 * HOUR + 17, MON + 5 * HOUR + 33],
      [fromNewYork(2026, 11, 25, 19, 30) - 3, fromNewYork(2026, 11, 27, 4, 10)],
      [fromNewYork(2026, 10, 14, 9, 29) + 500, fromNewYork(2026, 10, 14, 9, 40) + 7],
      [fromNewYork(2026, 10, 14, 15, 55) - 1, fromNewYork(2026, 10, 14, 16, 5)],
    ];
    for (const [from, to] of windows) {
      expect(sim.countBetween(from, to)).toBe(sim.ticksBetween(from, to).length);
    }
  });

  it("gives the same ticks whatever the machine's time zone", () => {
    const before = process.env.TZ;
    const window = (sim: Simulator) =>
      sim.ticksBetween(friday.close - 90_000, friday.close + 30_000);
    const here = window(new Simulator("AMZN"));
    try {
      for (const zone of ["Pacific/Chatham", "Asia/Kolkata", "America/Los_Angeles"]) {
        process.env.TZ = zone;
        expect(window(new Simulator("AMZN"))).toEqual(here);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it("builds a cold day of history faster for a stock than around the clock", () => {
    // Fewer ticks in extended hours and none at night: the cold backfill does less work.
    const now = FRI + 14 * HOUR;
    const onCalendar = new Simulator("TSLA");
    const calendarCount = onCalendar.history(onCalendar.historyStart(now), now, 500).count;
    const allDay = aroundTheClock("TSLA").history(now - DAY_MS, now, 500).count;
    expect(calendarCount).toBeLessThan(allDay * 0.5);
  });
});

describe("crypto and the calendar switched off", () => {
  const SAT = Date.UTC(2026, 9, 17, 16);
  const THANKSGIVING = Date.UTC(2026, 10, 26, 16);

  it.each([
    // The values the simulator gave before it followed any calendar.
    ["BTC-USD", NOW, 383, [1791990383633, 37662.56, 0.01181], 21030, 1791990443489],
    ["DOGE-USD", SAT, 712, [1792252740012, 0.14076, 11905.19971], 40983, 1792252800053],
  ] as const)("leaves %s exactly as it was", (symbol, time, n, first, count, next) => {
    const sim = new Simulator(symbol);
    const ticks = sim.ticksBetween(time - MINUTE_MS, time);
    expect(ticks).toHaveLength(n);
    expect(ticks[0]).toEqual(first);
    expect(sim.countBetween(time - HOUR, time)).toBe(count);
    expect(sim.nextTickTime(time)).toBe(next);
    expect(new Simulator(symbol, { sessions: false }).ticksBetween(time - MINUTE_MS, time)).toEqual(
      ticks,
    );
  });

  it("trades a stock around the clock with { sessions: false }, as before", () => {
    const sim = new Simulator("AAPL", { sessions: false });
    expect(sim.calendar).toBe(false);
    expect(new Simulator("AAPL").calendar).toBe(true);
    const ticks = sim.ticksBetween(SAT - MINUTE_MS, SAT);
    expect(ticks).toHaveLength(336);
    expect(ticks[0]).toEqual([1792252740091, 206.43, 113]);
    expect(ticks[ticks.length - 1]).toEqual([1792252799998, 206.28, 128]);
    expect(sim.countBetween(SAT - HOUR, SAT)).toBe(18853);
    expect(sim.historyStart(SAT)).toBe(SAT - DAY_MS);
  });

  it("trades crypto on weekends and NYSE holidays", () => {
    for (const time of [SAT, THANKSGIVING]) {
      expect(new Simulator("ETH-USD").countBetween(time - HOUR, time)).toBeGreaterThan(3600);
    }
  });

  it("reaches back before its epoch for long histories, leaving every later price alone", () => {
    const sim = new Simulator("SOL-USD");
    const ticks = sim.ticksBetween(Date.UTC(2021, 5, 1, 12), Date.UTC(2021, 5, 1, 12, 1));
    expect(ticks.length).toBeGreaterThan(60);
    expect(ticks.every(([, price]) => price > 0)).toBe(true);
    expect(sim.lastTickAt(Date.UTC(2010, 0, 1))[1]).toBeGreaterThan(0);
  });
});
