import { beforeAll, describe, expect, it } from "vitest";
import type { Candle, Tick } from "../protocol/index.ts";
import { foldTicks } from "./candles.ts";
import { DAY_MS, MINUTE_MS, Simulator, simSpec } from "./simulator.ts";

const MINUTES_PER_YEAR = 525_600;
/** A time in the middle of a minute and a second, so that windows start at awkward places. */
const NOW = Date.UTC(2026, 9, 14, 15, 7, 23, 417);
const HOUR = 3_600_000;

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
      const sim = new Simulator(symbol);
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
      const sim = new Simulator(symbol);
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
      const sim = new Simulator(symbol);
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
