/**
 * The deterministic market simulator. The price of a symbol at a time is a pure function of
 * the two, built top-down so that any instant can be computed without replaying history:
 *
 *  1. day levels: a mean-reverting walk of daily log returns from a fixed epoch;
 *  2. minute levels: a Brownian bridge of fat-tailed minute returns between two day levels;
 *  3. ticks: a bridge of fat-tailed tick returns between two minute levels, the last tick of a
 *     minute landing on the next minute's level, so that nothing ever jumps.
 *
 * Volume follows the intraday U-shape of the (UTC) day.
 */
import type { Candle, Tick } from "../protocol/index.ts";
import { fatTailed, hashString, uniform } from "./random.ts";

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_YEAR = 525_600;
/** Day 0 of every walk. */
export const SIM_EPOCH = Date.UTC(2024, 0, 1);
/** Pull of the daily walk back to its start level, per day. */
const REVERSION = 0.004;

const STREAM = { day: 1, minute: 2, tick: 3, count: 4, offset: 5, size: 6, param: 7 } as const;

export type SimSpec = {
  symbol: string;
  seed: number;
  /** Price at the epoch, and the level the walk reverts to. */
  startPrice: number;
  /** Annualised volatility of log returns, e.g. 0.3. */
  volatility: number;
  /** Mean ticks per second; each second has between 1 and 20. */
  tickRate: number;
  /** Dollar value of a typical trade. */
  tradeValue: number;
  priceDecimals: number;
  sizeDecimals: number;
};

/** Realistic start levels for the most watched names; others get one from their hash. */
const KNOWN_PRICES: Record<string, number> = {
  AAPL: 190,
  MSFT: 410,
  NVDA: 120,
  GOOGL: 165,
  GOOG: 166,
  AMZN: 180,
  META: 480,
  TSLA: 230,
  "BRK.B": 410,
  JPM: 200,
  V: 270,
  SPY: 510,
  QQQ: 440,
  "BTC-USD": 62000,
  "ETH-USD": 3100,
  "SOL-USD": 145,
  "XRP-USD": 0.55,
  "DOGE-USD": 0.14,
};

const isCrypto = (symbol: string) => /-(USD|USDT|USDC|EUR)$/.test(symbol);

export function simSpec(symbol: string): SimSpec {
  const seed = hashString(symbol);
  const u = (i: number) => uniform(seed, STREAM.param, i);
  const crypto = isCrypto(symbol);
  const startPrice = KNOWN_PRICES[symbol] ?? Math.exp(Math.log(8) + u(0) * Math.log(500 / 8));
  return {
    symbol,
    seed,
    startPrice,
    volatility: crypto ? 0.45 + u(1) * 0.45 : 0.15 + u(1) * 0.4,
    tickRate: 2 + u(2) * 10,
    tradeValue: crypto ? 500 + u(3) * 4500 : 5000 + u(3) * 45000,
    priceDecimals: startPrice < 1 ? 5 : startPrice < 20 ? 3 : 2,
    sizeDecimals: crypto ? 5 : 0,
  };
}

/** The ticks of one minute, in time order, as parallel arrays. */
export type SimMinute = {
  start: number;
  times: Float64Array;
  prices: Float64Array;
  sizes: Float64Array;
};

/**
 * Computes prices for one spec. Holds caches of day and minute levels; every answer is still a
 * pure function of (symbol, time), so two simulators never disagree.
 */
export class Simulator {
  readonly spec: SimSpec;
  private readonly sigmaMinute: number;
  private dayLevels: number[] = [];
  private minuteLevels = new Map<number, Float64Array>();
  private minutes = new Map<number, SimMinute>();

  constructor(specOrSymbol: SimSpec | string) {
    this.spec = typeof specOrSymbol === "string" ? simSpec(specOrSymbol) : specOrSymbol;
    this.sigmaMinute = this.spec.volatility / Math.sqrt(MINUTES_PER_YEAR);
    this.dayLevels = [Math.log(this.spec.startPrice)];
  }

  /** Ticks with from < time ≤ to, oldest first. */
  ticksBetween(from: number, to: number): Tick[] {
    const out: Tick[] = [];
    if (to <= from) return out;
    for (let start = floorTo(from, MINUTE_MS); start <= to; start += MINUTE_MS) {
      const m = this.minute(start);
      for (let i = 0; i < m.times.length; i++) {
        const t = m.times[i] as number;
        if (t > from && t <= to) out.push([t, m.prices[i] as number, m.sizes[i] as number]);
      }
    }
    return out;
  }

  /** The first tick time strictly after `after`. */
  nextTickTime(after: number): number {
    for (let start = floorTo(after, MINUTE_MS); ; start += MINUTE_MS) {
      const times = this.minute(start).times;
      for (let i = 0; i < times.length; i++) {
        const t = times[i] as number;
        if (t > after) return t;
      }
    }
  }

  /** The last tick at or before `time`. */
  lastTickAt(time: number): Tick {
    for (let start = floorTo(time, MINUTE_MS); ; start -= MINUTE_MS) {
      const m = this.minute(start);
      for (let i = m.times.length - 1; i >= 0; i--) {
        const t = m.times[i] as number;
        if (t <= time) return [t, m.prices[i] as number, m.sizes[i] as number];
      }
    }
  }

  /**
   * The one-minute candles of (from, to] (ticks after `from`, up to `to`), the last `tailSize`
   * ticks, and how many ticks there were. Used for the backfill and for catching up after a
   * room has been idle; it never builds the whole tick list.
   */
  history(
    from: number,
    to: number,
    tailSize: number,
  ): { candles: Candle[]; tail: Tick[]; count: number } {
    const candles: Candle[] = [];
    let count = 0;
    for (let start = floorTo(from, MINUTE_MS); start <= to; start += MINUTE_MS) {
      const m = this.minute(start);
      let candle: Candle | null = null;
      for (let i = 0; i < m.times.length; i++) {
        const t = m.times[i] as number;
        if (t <= from) continue;
        if (t > to) break;
        const p = m.prices[i] as number;
        const s = m.sizes[i] as number;
        count++;
        if (candle === null) candle = [start, p, p, p, p, s];
        else {
          if (p > candle[2]) candle[2] = p;
          if (p < candle[3]) candle[3] = p;
          candle[4] = p;
          candle[5] += s;
        }
      }
      if (candle) {
        candle[5] = round(candle[5], this.spec.sizeDecimals);
        candles.push(candle);
      }
    }
    const tail: Tick[] = [];
    for (
      let start = floorTo(to, MINUTE_MS);
      tail.length < tailSize && start > from - MINUTE_MS;
      start -= MINUTE_MS
    ) {
      const m = this.minute(start);
      for (let i = m.times.length - 1; i >= 0 && tail.length < tailSize; i--) {
        const t = m.times[i] as number;
        if (t > to) continue;
        if (t <= from) break;
        tail.push([t, m.prices[i] as number, m.sizes[i] as number]);
      }
    }
    tail.reverse();
    return { candles, tail, count };
  }

  /** How many ticks there are with from < time ≤ to, without computing their prices. */
  countBetween(from: number, to: number): number {
    const firstFull = floorTo(from, MINUTE_MS) + MINUTE_MS;
    const lastFull = floorTo(to, MINUTE_MS);
    if (firstFull >= lastFull) return this.ticksBetween(from, to).length;
    let count =
      this.ticksBetween(from, firstFull - 1).length + this.ticksBetween(lastFull - 1, to).length;
    const first = Math.floor((firstFull - SIM_EPOCH) / 1000);
    const last = Math.floor((lastFull - SIM_EPOCH) / 1000);
    for (let second = first; second < last; second++) count += this.secondCount(second);
    return count;
  }

  /** Ticks in one second since the epoch: Poisson around the tick rate, within 1 to 20. */
  private secondCount(second: number): number {
    const c = poisson(this.spec.tickRate, uniform(this.spec.seed, STREAM.count, second));
    return Math.min(20, Math.max(1, c));
  }

  /** All ticks of the minute starting at `start` (a multiple of a minute). */
  minute(start: number): SimMinute {
    const cached = this.minutes.get(start);
    if (cached) return cached;
    const m = this.computeMinute(start);
    if (this.minutes.size >= 8) this.minutes.clear();
    this.minutes.set(start, m);
    return m;
  }

  private computeMinute(start: number): SimMinute {
    const { seed, priceDecimals, sizeDecimals, tradeValue } = this.spec;
    const index = Math.floor((start - SIM_EPOCH) / MINUTE_MS);
    const firstSecond = index * 60;
    const counts = new Uint8Array(60);
    let n = 0;
    for (let s = 0; s < 60; s++) {
      counts[s] = this.secondCount(firstSecond + s);
      n += counts[s] as number;
    }
    const times = new Float64Array(n);
    const prices = new Float64Array(n);
    const sizes = new Float64Array(n);

    const from = this.minuteLevel(start);
    const to = this.minuteLevel(start + MINUTE_MS);
    const sigmaTick = this.sigmaMinute / Math.sqrt(n);
    const tickBase = index * 2048;
    const steps = new Float64Array(n);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const w = sigmaTick * fatTailed(seed, STREAM.tick, tickBase + j);
      total += w;
      steps[j] = total;
    }
    const drift = to - from - total;
    const uShape = intradayVolume(start);
    let j = 0;
    for (let s = 0; s < 60; s++) {
      const c = counts[s] as number;
      for (let k = 0; k < c; k++, j++) {
        const offset = Math.floor(((k + uniform(seed, STREAM.offset, tickBase + j)) / c) * 1000);
        times[j] = start + s * 1000 + offset;
        const level = from + (steps[j] as number) + ((j + 1) / n) * drift;
        const price = round(Math.exp(level), priceDecimals);
        prices[j] = price;
        const draw = Math.exp(0.8 * fatTailed(seed, STREAM.size, tickBase + j) - 0.32);
        const size = round((tradeValue * draw * uShape) / price, sizeDecimals);
        sizes[j] = size > 0 ? size : 10 ** -sizeDecimals;
      }
    }
    return { start, times, prices, sizes };
  }

  /** Log price at the start of a minute. */
  private minuteLevel(start: number): number {
    const day = Math.floor((start - SIM_EPOCH) / DAY_MS);
    const m = Math.round((start - SIM_EPOCH - day * DAY_MS) / MINUTE_MS);
    return this.dayMinuteLevels(day)[m] as number;
  }

  /** Log levels at every minute of a day (1441 values, both ends included). */
  private dayMinuteLevels(day: number): Float64Array {
    const cached = this.minuteLevels.get(day);
    if (cached) return cached;
    const start = this.dayLevel(day);
    const end = this.dayLevel(day + 1);
    const levels = new Float64Array(MINUTES_PER_DAY + 1);
    let sum = 0;
    for (let i = 0; i < MINUTES_PER_DAY; i++) {
      sum += this.sigmaMinute * fatTailed(this.spec.seed, STREAM.minute, day * MINUTES_PER_DAY + i);
      levels[i + 1] = sum;
    }
    const drift = end - start - sum;
    for (let i = 0; i <= MINUTES_PER_DAY; i++) {
      levels[i] = start + (levels[i] as number) + (i / MINUTES_PER_DAY) * drift;
    }
    if (this.minuteLevels.size >= 3) this.minuteLevels.clear();
    this.minuteLevels.set(day, levels);
    return levels;
  }

  /** Log price at the start of day `day` since the epoch. */
  private dayLevel(day: number): number {
    if (day < 0) throw new RangeError("the simulator starts on 2024-01-01");
    const anchor = this.dayLevels[0] as number;
    const sigmaDay = this.sigmaMinute * Math.sqrt(MINUTES_PER_DAY);
    for (let d = this.dayLevels.length; d <= day; d++) {
      const prev = this.dayLevels[d - 1] as number;
      const shock = sigmaDay * fatTailed(this.spec.seed, STREAM.day, d - 1);
      this.dayLevels.push(prev - REVERSION * (prev - anchor) + shock);
    }
    return this.dayLevels[day] as number;
  }
}

/** Relative trading activity at a time of the (UTC) day: high at the open and close. */
export function intradayVolume(time: number): number {
  const x = (((time % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
  return 0.4 + 2.4 * (2 * x - 1) ** 2;
}

function poisson(lambda: number, u: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  while (u > cdf && k < 40) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

export function floorTo(time: number, step: number): number {
  return time - (((time % step) + step) % step);
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
