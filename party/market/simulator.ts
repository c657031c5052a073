/**
 * The deterministic market simulator. The price of a symbol at a time is a pure function of
 * the two, built top-down so that any instant can be computed without replaying history:
 *
 *  1. day levels: a mean-reverting walk of daily log returns from a fixed epoch;
 *  2. minute levels: a Brownian bridge of fat-tailed minute returns between two day levels;
 *  3. ticks: a bridge of fat-tailed tick returns between two minute levels, the last tick of a
 *     minute landing on the next minute's level, so that nothing ever jumps.
 *
 * Crypto trades around the clock on UTC days, with volume in the U-shape of the UTC day. A US
 * stock follows the NYSE calendar (`SessionWalk`): its day levels are the knots of each trading
 * day's pre-market, regular session and after-hours, it has no ticks while the market is
 * closed, a tenth of the tick rate and smaller trades in extended hours, and its volume follows
 * the U-shape of the regular session. `{ sessions: false }` trades a stock around the clock as
 * crypto does. The around-the-clock walk is `clock-walk.ts`, a symbol's parameters
 * `sim-spec.ts`.
 */
import type { Candle, Tick } from "../protocol/index.ts";
import { ClockWalk } from "./clock-walk.ts";
import { MINUTE_KIND, MINUTES_PER_DAY, type MinuteKind, SIM_EPOCH, STREAM } from "./price-walk.ts";
import { DrawStream } from "./random.ts";
import { SessionWalk } from "./session-walk.ts";
import {
  DAY_MS,
  MINUTE_MS,
  regularSession,
  type SymbolKind,
  sessionDay,
  symbolKind,
} from "./sessions/index.ts";
import { type SimSpec, simSpec } from "./sim-spec.ts";

export { MINUTE_KIND, type MinuteKind, SIM_EPOCH, SIM_FIRST_DAY } from "./price-walk.ts";

export { DAY_MS, MINUTE_MS } from "./sessions/index.ts";
export { type SimSpec, simSpec } from "./sim-spec.ts";

/** Extended hours have this fraction of the regular tick rate. */
const EXTENDED_RATE = 0.1;
/** How far `nextTickTime` and `lastTickAt` look across a closed market. */
const SEARCH_MS = 10 * DAY_MS;
/**
 * The mean of a trade's size draw, exp(0.8 X - 0.32) for the unit-variance fat-tailed X of
 * `fatTailed` (a normal of scale s = 1/sqrt(1.6), four times wider on 4% of draws):
 * e^-0.32 (0.96 e^(0.32 s²) + 0.04 e^(0.32 (4s)²)).
 */
const MEAN_SIZE_DRAW =
  Math.exp(-0.32) * (0.96 * Math.exp(0.32 / 1.6) + 0.04 * Math.exp((0.32 * 16) / 1.6));

/** The ticks of one minute, in time order, as parallel arrays. */
export type SimMinute = {
  start: number;
  times: Float64Array;
  prices: Float64Array;
  sizes: Float64Array;
};

export type SimulatorOptions = {
  /** Whether a stock follows the NYSE calendar (the default); crypto always trades around the clock. */
  sessions?: boolean;
};

/**
 * A regular session for daily bars: its span, the log levels at its ends (the first and last
 * trade of a stock's session; the last trades before and at the end of a crypto day), and the
 * variance of the log price over it.
 */
export type SimSession = {
  day: number;
  open: number;
  close: number;
  openLevel: number;
  closeLevel: number;
  variance: number;
};

const NO_TICKS = new Float64Array(0);

/**
 * Computes prices for one spec. Holds caches of day and minute levels; every answer is still a
 * pure function of (symbol, options, time), so two simulators never disagree.
 */
export class Simulator {
  readonly spec: SimSpec;
  readonly kind: SymbolKind;
  /** Whether this symbol follows the NYSE calendar: a stock, with sessions on. */
  readonly calendar: boolean;
  private readonly walk: ClockWalk | SessionWalk;
  private readonly minutes = new Map<number, SimMinute>();
  private readonly tickDraws: DrawStream;
  private readonly offsetDraws: DrawStream;
  private readonly sizeDraws: DrawStream;
  private readonly countDraws: DrawStream;
  private readonly priceFactor: number;
  private readonly sizeFactor: number;
  private readonly regularZero: number;
  private readonly extendedRate: number;
  private readonly extendedZero: number;
  // Scratch space of `computeMinute`: at most 20 ticks in each of 60 seconds.
  private readonly counts = new Uint8Array(60);
  private readonly steps = new Float64Array(1200);
  /** Mean ticks per second of a regular and an extended-hours second. */
  private readonly meanCount: { regular: number; extended: number };

  constructor(specOrSymbol: SimSpec | string, options: SimulatorOptions = {}) {
    this.spec = typeof specOrSymbol === "string" ? simSpec(specOrSymbol) : specOrSymbol;
    this.kind = symbolKind(this.spec.symbol);
    this.calendar = this.kind === "stock" && options.sessions !== false;
    this.walk = this.calendar ? new SessionWalk(this.spec) : new ClockWalk(this.spec);
    const { seed, tickRate, priceDecimals, sizeDecimals } = this.spec;
    this.tickDraws = new DrawStream(seed, STREAM.tick);
    this.offsetDraws = new DrawStream(seed, STREAM.offset);
    this.sizeDraws = new DrawStream(seed, STREAM.size);
    this.countDraws = new DrawStream(seed, STREAM.count);
    this.priceFactor = 10 ** priceDecimals;
    this.sizeFactor = 10 ** sizeDecimals;
    this.regularZero = Math.exp(-tickRate);
    this.extendedRate = tickRate * EXTENDED_RATE;
    this.extendedZero = Math.exp(-this.extendedRate);
    this.meanCount = {
      regular: meanPoisson(tickRate, 1),
      extended: meanPoisson(this.extendedRate, 0),
    };
  }

  /** Ticks with from < time ≤ to, oldest first. */
  ticksBetween(from: number, to: number): Tick[] {
    const out: Tick[] = [];
    if (!(to > from)) return out;
    for (let start = this.openMinute(floorTo(from, MINUTE_MS), to); start <= to; ) {
      const m = this.minute(start);
      for (let i = 0; i < m.times.length; i++) {
        const t = m.times[i] as number;
        if (t > from && t <= to) out.push([t, m.prices[i] as number, m.sizes[i] as number]);
      }
      start = this.openMinute(start + MINUTE_MS, to);
    }
    return out;
  }

  /**
   * The first tick time strictly after `after`. Across a closed market it looks up to ten days
   * ahead; when there is no tick in that time, it answers the end of it, a time to look again.
   */
  nextTickTime(after: number): number {
    const limit = after + SEARCH_MS;
    for (let start = this.openMinute(floorTo(after, MINUTE_MS), limit); start <= limit; ) {
      const times = this.minute(start).times;
      for (let i = 0; i < times.length; i++) {
        const t = times[i] as number;
        if (t > after) return t;
      }
      start = this.openMinute(start + MINUTE_MS, limit);
    }
    return limit;
  }

  /**
   * The last tick at or before `time`: across a closed market, the last trade before it (up to
   * ten days back). Before the first session there is none, and the answer is a tick of size 0
   * at the walk's starting level.
   */
  lastTickAt(time: number): Tick {
    const limit = time - SEARCH_MS;
    for (let start = this.prevOpenMinute(floorTo(time, MINUTE_MS), limit); start >= limit; ) {
      const m = this.minute(start);
      for (let i = m.times.length - 1; i >= 0; i--) {
        const t = m.times[i] as number;
        if (t <= time) return [t, m.prices[i] as number, m.sizes[i] as number];
      }
      start = this.prevOpenMinute(start - MINUTE_MS, limit);
    }
    const at = floorTo(time, MINUTE_MS);
    return [at, this.priceAt(at), 0];
  }

  /**
   * The one-minute candles of (from, to] (ticks after `from`, up to `to`), the last `tailSize`
   * ticks, and how many ticks there were. Used for the backfill and for catching up after a
   * room has been idle; it never builds the whole tick list. Closed minutes have no candle.
   */
  history(
    from: number,
    to: number,
    tailSize: number,
  ): { candles: Candle[]; tail: Tick[]; count: number } {
    const candles: Candle[] = [];
    let count = 0;
    for (let start = this.openMinute(floorTo(from, MINUTE_MS), to); start <= to; ) {
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
      start = this.openMinute(start + MINUTE_MS, to);
    }
    const tail: Tick[] = [];
    const first = from - MINUTE_MS + 1;
    for (
      let start = this.prevOpenMinute(floorTo(to, MINUTE_MS), first);
      tail.length < tailSize && start >= first;
      start = this.prevOpenMinute(start - MINUTE_MS, first)
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
    if (!(firstFull < lastFull)) return this.ticksBetween(from, to).length;
    let count =
      this.ticksBetween(from, firstFull - 1).length + this.ticksBetween(lastFull - 1, to).length;
    const last = lastFull - MINUTE_MS;
    for (let start = this.openMinute(firstFull, last); start <= last; ) {
      const kind = this.walk.minuteKind(start);
      const second = Math.floor((start - SIM_EPOCH) / 1000);
      for (let s = 0; s < 60; s++) count += this.secondCount(second + s, kind);
      start = this.openMinute(start + MINUTE_MS, last);
    }
    return count;
  }

  /**
   * Where a snapshot of `span` ending at `now` starts (exclusive, as `history` takes it): for a
   * stock on the calendar, early enough to hold the whole session `now` belongs to, so that a
   * Saturday shows Friday's session and the night before the pre-market shows the day before.
   */
  historyStart(now: number, span = DAY_MS): number {
    if (!this.calendar) return now - span;
    const hours = regularSession(sessionDay("stock", now));
    return hours ? Math.min(now - span, hours.preOpen - 1) : now - span;
  }

  /** What kind of minute starts at `start` (a multiple of a minute). */
  minuteKind(start: number): MinuteKind {
    return this.walk.minuteKind(start);
  }

  /**
   * The price at a minute boundary: of the last trade before it in a minute with trades (a
   * regular minute always has some), and at a session's open, of its first trade.
   */
  priceAt(time: number): number {
    return round(Math.exp(this.walk.level(time)), this.spec.priceDecimals);
  }

  /** The mean volume of the minute starting at `start`, as its ticks would make it on average. */
  expectedVolume(start: number): number {
    const kind = this.walk.minuteKind(start);
    if (kind === MINUTE_KIND.closed) return 0;
    const perSecond =
      kind === MINUTE_KIND.regular ? this.meanCount.regular : this.meanCount.extended;
    const size =
      (this.spec.tradeValue * MEAN_SIZE_DRAW * this.walk.sizeFactor(start, kind)) /
      Math.exp(this.walk.level(start));
    return 60 * perSecond * size;
  }

  /**
   * The mean volume of a whole regular session, from its ends alone: its minutes at the mean of
   * the U-shape (1.2) and the price midway between its open and close.
   */
  expectedSessionVolume(session: SimSession): number {
    const minutes = (session.close - session.open) / MINUTE_MS;
    const price = Math.exp((session.openLevel + session.closeLevel) / 2);
    return (
      (60 * this.meanCount.regular * this.spec.tradeValue * MEAN_SIZE_DRAW * 1.2 * minutes) / price
    );
  }

  /**
   * The regular session of day number `day`: New York's date for a stock on the calendar (null
   * on a weekend or holiday), otherwise the UTC day.
   */
  session(day: number): SimSession | null {
    if (!Number.isFinite(day)) return null;
    if (this.walk instanceof SessionWalk) {
      const s = this.walk.session(day);
      if (!s) return null;
      return { day, ...s, variance: this.walk.sessionVariance((s.close - s.open) / MINUTE_MS) };
    }
    const open = day * DAY_MS;
    const close = open + DAY_MS;
    return {
      day,
      open,
      close,
      openLevel: this.walk.level(open),
      closeLevel: this.walk.level(close),
      variance: this.walk.minuteSigma() ** 2 * MINUTES_PER_DAY,
    };
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

  private openMinute(start: number, limit: number): number {
    return this.walk.nextOpenMinute(start, limit);
  }

  private prevOpenMinute(start: number, limit: number): number {
    return this.walk.prevOpenMinute(start, limit);
  }

  /** Ticks in one second since the epoch: Poisson around the tick rate, within 1 to 20 in a regular second, at most 20 in a thin one. */
  private secondCount(second: number, kind: MinuteKind): number {
    if (kind === MINUTE_KIND.closed) return 0;
    const u = this.countDraws.uniform(second);
    if (kind === MINUTE_KIND.extended) {
      return Math.min(20, poisson(this.extendedRate, this.extendedZero, u));
    }
    return Math.min(20, Math.max(1, poisson(this.spec.tickRate, this.regularZero, u)));
  }

  private computeMinute(start: number): SimMinute {
    const kind = this.walk.minuteKind(start);
    if (kind === MINUTE_KIND.closed) {
      return { start, times: NO_TICKS, prices: NO_TICKS, sizes: NO_TICKS };
    }
    const { sizeDecimals, tradeValue } = this.spec;
    const index = Math.floor((start - SIM_EPOCH) / MINUTE_MS);
    const firstSecond = index * 60;
    const counts = this.counts;
    let n = 0;
    for (let s = 0; s < 60; s++) {
      counts[s] = this.secondCount(firstSecond + s, kind);
      n += counts[s] as number;
    }
    if (n === 0) return { start, times: NO_TICKS, prices: NO_TICKS, sizes: NO_TICKS };
    const times = new Float64Array(n);
    const prices = new Float64Array(n);
    const sizes = new Float64Array(n);

    const from = this.walk.level(start);
    const to = this.walk.level(start + MINUTE_MS);
    // A session's first trade is its opening print, at the opening level itself.
    const anchored = n > 1 && this.walk.opensSession(start);
    const bridged = anchored ? n - 1 : n;
    const sigmaTick = this.walk.minuteSigma(kind) / Math.sqrt(bridged);
    const tickBase = index * 2048;
    const steps = this.steps;
    steps[0] = 0;
    let total = 0;
    for (let j = anchored ? 1 : 0; j < n; j++) {
      const w = sigmaTick * this.tickDraws.fatTailed(tickBase + j);
      total += w;
      steps[j] = total;
    }
    const drift = to - from - total;
    const pinned = this.walk.pinsCloses;
    const uShape = this.walk.sizeFactor(start, kind);
    const pf = this.priceFactor;
    const sf = this.sizeFactor;
    const minSize = 10 ** -sizeDecimals;
    let j = 0;
    for (let s = 0; s < 60; s++) {
      const c = counts[s] as number;
      for (let k = 0; k < c; k++, j++) {
        const offset = Math.floor(((k + this.offsetDraws.uniform(tickBase + j)) / c) * 1000);
        times[j] = start + s * 1000 + offset;
        const level =
          pinned && j === n - 1
            ? to
            : anchored
              ? from + (steps[j] as number) + (j / bridged) * drift
              : from + (steps[j] as number) + ((j + 1) / n) * drift;
        const price = Math.round(Math.exp(level) * pf) / pf;
        prices[j] = price;
        const draw = Math.exp(0.8 * this.sizeDraws.fatTailed(tickBase + j) - 0.32);
        const size = Math.round(((tradeValue * draw * uShape) / price) * sf) / sf;
        sizes[j] = size > 0 ? size : minSize;
      }
    }
    return { start, times, prices, sizes };
  }
}

/** A Poisson draw by inversion; `zero` is exp(-lambda), the chance of none. */
function poisson(lambda: number, zero: number, u: number): number {
  let k = 0;
  let p = zero;
  let cdf = p;
  while (u > cdf && k < 40) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/** The mean of `poisson(lambda)` held within [least, 20], as the seconds' tick counts are. */
function meanPoisson(lambda: number, least: number): number {
  let p = Math.exp(-lambda);
  let cdf = p;
  let mean = p * least;
  for (let k = 1; k < 40; k++) {
    p *= lambda / k;
    cdf += p;
    mean += p * Math.min(20, Math.max(least, k));
  }
  return mean + (1 - cdf) * 20;
}

export function floorTo(time: number, step: number): number {
  return time - (((time % step) + step) % step);
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
